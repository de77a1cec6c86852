import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { sha256 } from '../shared/secrets.js';

/** The prefix says what a leaked string is (a Bihuan Open311 key), so secret scanners can recognise it. */
const KEY_PREFIX = 'b311_';

export const newApiKey = (): string => `${KEY_PREFIX}${randomBytes(24).toString('base64url')}`;

/** Keys carry 192 random bits, so a plain SHA-256 is enough: there is nothing to guess offline. */
export const hashApiKey = (key: string): string => sha256(key.trim());

/** What admins see in lists to tell keys apart: the start of the key, never the rest. */
export const displayPrefixOf = (key: string): string => key.slice(0, KEY_PREFIX.length + 6);

export const newWebhookSecret = (): string => `whsec_${randomBytes(24).toString('base64url')}`;

export const newRequestToken = (): string => randomBytes(12).toString('base64url');

/** Device ids are identifiers of a person's phone: only their hash, salted per key, is kept for de-duplication. */
export const hashDeviceId = (apiKeyId: string, deviceId: string): string => sha256(`device:${apiKeyId}:${deviceId}`);

/** A stable digest of what was posted, whatever the order of the parameters. */
export const contentHashOf = (content: Record<string, unknown>): string => sha256(JSON.stringify(sortKeys(content)));

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
};

export const WEBHOOK_SIGNATURE_HEADER = 'bihuan-signature';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the timestamp is signed with the body, so a
 * captured delivery cannot be replayed later with a fresh time.
 */
export const signWebhook = (secret: string, unixSeconds: number, body: string): string =>
  `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`;

export const verifyWebhookSignature = (secret: string, header: string, body: string, nowSeconds: number, toleranceSeconds = 300): boolean => {
  const parts = new Map(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, t, body).split('v1=')[1] ?? '', 'utf8');
  const actual = Buffer.from(v1, 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
};
