import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { createFieldCrypto, isDataKeyId, type DataKeyring, type FieldCrypto } from '../core/privacy/field-crypto.js';

/**
 * Where the keys of personal data at rest come from (see docs/privacy.md, "Encryption at rest"):
 * - `BIHUAN_DATA_KEYS`: the keyring as JSON, for deployments that keep secrets in their own store;
 * - otherwise `<BIHUAN_DATA_DIR>/data-keys.json`, created with mode 0600 on first start. A key file that other
 *   users can read is refused, as ssh refuses such a private key.
 * Losing the keyring makes every requester's identity unreadable: it belongs in the backups, apart from the
 * database dumps (SECURITY.md, deployment checklist).
 */

const base64Key = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9+/_-]+={0,2}$/, 'must be base64')
  .transform((text) => Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64'))
  .refine((key) => key.length === 32, 'must hold 32 random bytes in base64 (e.g. `openssl rand -base64 32`)');

export const keyringFileSchema = z
  .object({
    version: z.literal(1).default(1),
    active: z.string().refine(isDataKeyId, 'a key id: lower-case letters, digits, - and _'),
    keys: z.record(z.string().refine(isDataKeyId, 'a key id: lower-case letters, digits, - and _'), base64Key),
    index: base64Key,
  })
  .refine((ring) => ring.keys[ring.active] !== undefined, { message: 'the active key must be one of the keys', path: ['active'] });

type KeyringText = { version: 1; active: string; keys: Record<string, string>; index: string };

const toKeyring = (text: string, source: string): DataKeyring => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error(`${source} is not JSON`);
  }
  const parsed = keyringFileSchema.safeParse(json);
  if (!parsed.success) throw new Error(`${source}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`);
  const keys = new Map(Object.entries(parsed.data.keys));
  return { active: { id: parsed.data.active, key: keys.get(parsed.data.active) as Buffer }, keys, indexKey: parsed.data.index };
};

const newKeyText = (): string => randomBytes(32).toString('base64');

export const keyringFileOf = (env: NodeJS.ProcessEnv): string => path.join(path.resolve(env.BIHUAN_DATA_DIR?.trim() || './data'), 'data-keys.json');

/** Written in full under a temporary name, then linked into place: two processes starting together agree. */
const createKeyringFileOnce = (file: string): void => {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const ring: KeyringText = { version: 1, active: 'k1', keys: { k1: newKeyText() }, index: newKeyText() };
  writeFileSync(temporary, `${JSON.stringify(ring, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
};

const checkPrivate = (file: string): void => {
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    throw new Error(`${file} can be read by other users: chmod 600 it (and consider the keys exposed), or set BIHUAN_DATA_KEYS`);
  }
};

export const loadDataKeyring = (env: NodeJS.ProcessEnv = process.env): DataKeyring => {
  const fromEnv = env.BIHUAN_DATA_KEYS;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return toKeyring(fromEnv, 'BIHUAN_DATA_KEYS');
  const file = keyringFileOf(env);
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    createKeyringFileOnce(file);
  }
  checkPrivate(file);
  return toKeyring(readFileSync(file, 'utf8'), file);
};

/**
 * Adds a new data key to the key file and makes it the active one; the old keys stay, so that stored values
 * remain readable until they are re-sealed (`bihuan keys rotate` does both). Returns the new key's id.
 * A keyring given in BIHUAN_DATA_KEYS is rotated by whoever manages that secret.
 */
export const addDataKeyToFile = (env: NodeJS.ProcessEnv = process.env): string => {
  if (env.BIHUAN_DATA_KEYS?.trim()) throw new Error('the keyring comes from BIHUAN_DATA_KEYS: add a key there (and make it active), then run `bihuan keys rotate --reseal-only`');
  loadDataKeyring(env);
  const file = keyringFileOf(env);
  const ring = JSON.parse(readFileSync(file, 'utf8')) as KeyringText;
  const numbers = Object.keys(ring.keys).map((id) => Number(/^k(\d+)$/.exec(id)?.[1] ?? 0));
  const id = `k${Math.max(0, ...numbers) + 1}`;
  ring.keys[id] = newKeyText();
  ring.active = id;
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(ring, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
  return id;
};

/** Keyrings by where they came from: read once per process (and again after a rotation in this process). */
const cache = new Map<string, FieldCrypto>();

export const fieldCryptoFor = (env: NodeJS.ProcessEnv = process.env): FieldCrypto => {
  const source = env.BIHUAN_DATA_KEYS?.trim() ? `env:${env.BIHUAN_DATA_KEYS.trim()}` : `file:${keyringFileOf(env)}`;
  const cached = cache.get(source);
  if (cached) return cached;
  const crypto = createFieldCrypto(loadDataKeyring(env));
  cache.set(source, crypto);
  return crypto;
};

export const forgetCachedKeyrings = (): void => cache.clear();
