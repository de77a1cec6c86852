import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Encryption of personal data at rest (requesters' names, phone numbers, ID numbers, e-mail addresses).
 *
 * - AES-256-GCM with a fresh 96-bit IV per value. The additional data binds a value to its table, column and row,
 *   so a ciphertext copied into another row or column does not decrypt (a database writer cannot swap identities).
 * - Several data keys, each with an id; new values are sealed under the active one, old ones stay readable until
 *   `bihuan keys rotate` re-seals them. A sealed value names its key: a value under an unknown key is reported as
 *   such, not as tampering.
 * - Blind indexes: an HMAC of the normalised value under a separate key, so exact look-ups (the same caller's
 *   earlier cases, erasure by phone number) work without decrypting every row, and a stolen database without the
 *   key file does not reveal who called. The index key is not rotated with the data keys: changing it means
 *   recomputing every index, which `bihuan keys rotate --index` does.
 */

export type DataKey = { id: string; key: Buffer };

export type DataKeyring = {
  /** The key new values are sealed under. */
  active: DataKey;
  /** Every key a stored value may be sealed under, the active one included. */
  keys: ReadonlyMap<string, Buffer>;
  /** The key of the blind indexes. */
  indexKey: Buffer;
};

export type FieldRef = { table: string; column: string; rowId: string };

export type FieldCrypto = {
  seal: (ref: FieldRef, plain: string) => string;
  sealOrNull: (ref: FieldRef, plain: string | null | undefined) => string | null;
  /** Throws FieldCryptoError when the value was altered, moved to another row or sealed under an unknown key. */
  open: (ref: FieldRef, sealed: string) => string;
  openOrNull: (ref: FieldRef, sealed: string | null | undefined) => string | null;
  /** True when the value is sealed under a key other than the active one (a rotation has work to do). */
  isStale: (sealed: string) => boolean;
  blindIndex: (kind: BlindIndexKind, plain: string) => string | null;
  /** A keyed MAC of a token the server hands out and must recognise later (a device cookie), per purpose. */
  tokenMac: (purpose: TokenPurpose, text: string) => string;
  activeKeyId: string;
};

export type TokenPurpose = 'device_cookie';

export type BlindIndexKind = 'name' | 'phone' | 'id_number' | 'email';

export type FieldCryptoErrorReason = 'malformed' | 'unknown_key' | 'tampered';

export class FieldCryptoError extends Error {
  constructor(
    readonly reason: FieldCryptoErrorReason,
    message: string,
  ) {
    super(message);
    this.name = 'FieldCryptoError';
  }
}

const VERSION = 'e1';
const KEY_ID = /^[a-z0-9][a-z0-9_-]{0,31}$/;

export const isDataKeyId = (id: string): boolean => KEY_ID.test(id);

/** Phone numbers compare by their digits without a +86/0086 prefix; ID numbers upper-case; e-mail lower-case. */
export const normaliseForIndex = (kind: BlindIndexKind, plain: string): string | null => {
  const value = plain.normalize('NFKC').trim();
  if (value === '') return null;
  switch (kind) {
    case 'phone': {
      let digits = value.replace(/\D/g, '');
      if (digits.startsWith('0086')) digits = digits.slice(4);
      else if (digits.startsWith('86') && digits.length === 13) digits = digits.slice(2);
      return digits.length >= 5 ? digits : null;
    }
    case 'id_number':
      return value.replace(/\s/g, '').toUpperCase();
    case 'email':
      return value.toLowerCase();
    case 'name':
      // 扎西 次仁 and 扎西次仁, Tashi Tsering and tashi tsering: the same person as typed by different desks.
      return value.replace(/[\s\u00b7\u30fb.\u0f0b\u0f0d]+/g, '').toLowerCase() || null;
  }
};

const aadOf = (ref: FieldRef): Buffer => Buffer.from(`bihuan:${ref.table}.${ref.column}:${ref.rowId}`, 'utf8');

export const createFieldCrypto = (keyring: DataKeyring): FieldCrypto => {
  if (keyring.active.key.length !== 32) throw new Error('data keys must be 32 bytes');
  if (keyring.keys.get(keyring.active.id) === undefined) throw new Error('the active data key must be in the keyring');
  if (keyring.indexKey.length !== 32) throw new Error('the blind-index key must be 32 bytes');
  // Indexes of different kinds never collide, even for the same characters.
  const indexKeys = new Map<BlindIndexKind, Buffer>(
    (['name', 'phone', 'id_number', 'email'] as const).map((kind) => [kind, Buffer.from(hkdfSync('sha256', keyring.indexKey, Buffer.alloc(0), `bihuan blind index ${kind} v1`, 32))]),
  );

  // Derived from the index key like the indexes, under labels of their own: a token's MAC is never an index.
  const tokenKeys = new Map<TokenPurpose, Buffer>(
    (['device_cookie'] as const).map((purpose) => [purpose, Buffer.from(hkdfSync('sha256', keyring.indexKey, Buffer.alloc(0), `bihuan token ${purpose} v1`, 32))]),
  );

  const seal = (ref: FieldRef, plain: string): string => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', keyring.active.key, iv);
    cipher.setAAD(aadOf(ref));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, keyring.active.id, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
  };

  const open = (ref: FieldRef, sealed: string): string => {
    const parts = sealed.split('.');
    if (parts.length !== 5 || parts[0] !== VERSION) throw new FieldCryptoError('malformed', 'not a sealed value');
    const [, keyId, ivText, bodyText, tagText] = parts as [string, string, string, string, string];
    const key = keyring.keys.get(keyId);
    if (!key) throw new FieldCryptoError('unknown_key', `the value is sealed under data key "${keyId}", which is not in the keyring`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64url'));
      decipher.setAAD(aadOf(ref));
      decipher.setAuthTag(Buffer.from(tagText, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(bodyText, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new FieldCryptoError('tampered', `${ref.table}.${ref.column} of ${ref.rowId} does not decrypt: altered, or copied from another row`);
    }
  };

  return {
    seal,
    sealOrNull: (ref, plain) => (plain === null || plain === undefined || plain === '' ? null : seal(ref, plain)),
    open,
    openOrNull: (ref, sealed) => (sealed === null || sealed === undefined ? null : open(ref, sealed)),
    isStale: (sealed) => sealed.split('.')[1] !== keyring.active.id,
    blindIndex: (kind, plain) => {
      const normalised = normaliseForIndex(kind, plain);
      if (normalised === null) return null;
      return createHmac('sha256', indexKeys.get(kind) as Buffer).update(normalised, 'utf8').digest('base64url').slice(0, 22);
    },
    tokenMac: (purpose, text) => createHmac('sha256', tokenKeys.get(purpose) as Buffer).update(text, 'utf8').digest('base64url').slice(0, 32),
    activeKeyId: keyring.active.id,
  };
};
