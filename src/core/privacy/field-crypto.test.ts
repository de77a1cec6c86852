import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createFieldCrypto, FieldCryptoError, normaliseForIndex, type DataKeyring } from './field-crypto.js';

const keyring = (active: string, ids: string[], indexKey = randomBytes(32)): DataKeyring => {
  const keys = new Map(ids.map((id) => [id, randomBytes(32)] as const));
  return { active: { id: active, key: keys.get(active) as Buffer }, keys, indexKey };
};

const row = (rowId: string, column = 'phone') => ({ table: 'requesters', column, rowId });

const reasonOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return error instanceof FieldCryptoError ? error.reason : 'other';
  }
  return undefined;
};

describe('field encryption', () => {
  it('round-trips Chinese, Tibetan and Latin text, with a fresh IV each time', () => {
    const crypto = createFieldCrypto(keyring('k1', ['k1']));
    for (const plain of ['13800138000', '扎西次仁', 'བཀྲ་ཤིས་ཚེ་རིང་།', 'a.b@example.org']) {
      const sealed = crypto.seal(row('r1'), plain);
      expect(sealed).not.toContain(plain);
      expect(crypto.seal(row('r1'), plain)).not.toBe(sealed);
      expect(crypto.open(row('r1'), sealed)).toBe(plain);
    }
  });

  it('refuses a value moved to another row or column, or altered', () => {
    const crypto = createFieldCrypto(keyring('k1', ['k1']));
    const sealed = crypto.seal(row('r1'), '13800138000');
    expect(reasonOf(() => crypto.open(row('r2'), sealed))).toBe('tampered');
    expect(reasonOf(() => crypto.open(row('r1', 'id_number'), sealed))).toBe('tampered');
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3] as string, 'base64url');
    body[0] = (body[0] as number) ^ 1;
    parts[3] = body.toString('base64url');
    expect(reasonOf(() => crypto.open(row('r1'), parts.join('.')))).toBe('tampered');
    expect(reasonOf(() => crypto.open(row('r1'), '13800138000'))).toBe('malformed');
  });

  it('reads values under retired keys after a rotation and says which are stale', () => {
    const old = keyring('k1', ['k1']);
    const sealedOld = createFieldCrypto(old).seal(row('r1'), '扎西');
    const rotatedKeys = new Map(old.keys);
    const k2 = randomBytes(32);
    rotatedKeys.set('k2', k2);
    const rotated = createFieldCrypto({ active: { id: 'k2', key: k2 }, keys: rotatedKeys, indexKey: old.indexKey });
    expect(rotated.open(row('r1'), sealedOld)).toBe('扎西');
    expect(rotated.isStale(sealedOld)).toBe(true);
    expect(rotated.isStale(rotated.seal(row('r1'), '扎西'))).toBe(false);
    // Without the retired key the value is reported as under an unknown key, not as tampered.
    const withoutOld = createFieldCrypto({ active: { id: 'k2', key: k2 }, keys: new Map([['k2', k2]]), indexKey: old.indexKey });
    expect(reasonOf(() => withoutOld.open(row('r1'), sealedOld))).toBe('unknown_key');
  });

  it('blind indexes match the same number however it is written, differ per kind and per key', () => {
    const indexKey = randomBytes(32);
    const crypto = createFieldCrypto(keyring('k1', ['k1'], indexKey));
    const a = crypto.blindIndex('phone', '138 0013 8000');
    expect(a).toBe(crypto.blindIndex('phone', '+86 138-0013-8000'));
    expect(a).toBe(crypto.blindIndex('phone', '１３８００１３８０００'));
    expect(a).not.toBe(crypto.blindIndex('phone', '13800138001'));
    expect(a).not.toBe(crypto.blindIndex('id_number', '13800138000'));
    expect(createFieldCrypto(keyring('k1', ['k1'])).blindIndex('phone', '13800138000')).not.toBe(a);
    expect(crypto.blindIndex('id_number', '54010219800101123x')).toBe(crypto.blindIndex('id_number', '54010219800101123X'));
    expect(crypto.blindIndex('phone', '  ')).toBeNull();
  });

  it('normalises for the index', () => {
    expect(normaliseForIndex('phone', '0086 891 6331234')).toBe('8916331234');
    expect(normaliseForIndex('phone', '12351')).toBe('12351');
    expect(normaliseForIndex('phone', '110')).toBeNull();
    expect(normaliseForIndex('email', ' A@B.org ')).toBe('a@b.org');
  });

  it('refuses a keyring whose keys are not 32 bytes', () => {
    expect(() => createFieldCrypto({ active: { id: 'k1', key: randomBytes(16) }, keys: new Map([['k1', randomBytes(16)]]), indexKey: randomBytes(32) })).toThrow(/32 bytes/);
  });
});
