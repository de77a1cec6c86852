import { hashApiKey } from './api-key-secrets.js';
import { forbidden, GeoReportError } from './georeport-error.js';
import type { ApiKeyStore } from './open311.ports.js';
import type { ApiKeyRecord } from './open311.types.js';

export const RATE_WINDOW_MS = 60_000;

/** 403 for a missing or unknown key, as the standard asks; a revoked key is simply unknown. */
export const authenticateApiKey = async (keys: ApiKeyStore, raw: string | undefined): Promise<ApiKeyRecord> => {
  if (!raw) throw forbidden('api_key_missing', 'api_key is required for this call');
  const key = await keys.findActiveKeyByHash(hashApiKey(raw));
  if (!key) throw forbidden('api_key_invalid', 'api_key is not valid (unknown or revoked)');
  return key;
};

/**
 * A fixed window per key and minute, counted in PostgreSQL so that every server process shares it. A burst
 * at a window's edge may pass up to twice the limit; the limit exists to stop runaway clients, not to meter.
 */
export const enforceRateLimit = async (keys: ApiKeyStore, key: ApiKeyRecord, now: Date): Promise<void> => {
  const windowStart = new Date(Math.floor(now.getTime() / RATE_WINDOW_MS) * RATE_WINDOW_MS);
  const count = await keys.countCall(key.id, windowStart);
  if (count > key.rateLimitPerMinute) {
    const retryAfter = Math.max(1, Math.ceil((windowStart.getTime() + RATE_WINDOW_MS - now.getTime()) / 1000));
    throw new GeoReportError(429, [{ reason: 'rate_limited', description: `rate limit of ${key.rateLimitPerMinute} calls a minute exceeded for this api_key; retry after ${retryAfter} s` }], retryAfter);
  }
};
