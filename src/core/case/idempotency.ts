import { sha256 } from '../shared/secrets.js';

/**
 * An Idempotency-Key makes a create request safe to retry when its answer was lost (timeout, dropped
 * connection, crash): the same key with the same request, within the window, answers with the case the first
 * attempt created instead of creating another. Keys are scoped by caller (`user:<id>` for staff, `public` for
 * the public form), so one caller's key never reaches another's case.
 */
export type IdempotencyKey = { scope: string; key: string; requestHash: string };

/** How long a key is remembered; after that the same key creates a new case. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 3600_000;

/** What clients may send: a UUID is recommended; 8–128 characters of letters, digits and `-_.:`. */
export const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9_.:-]{8,128}$/;

const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
};

/** The request a key was first used for, so that the same key sent with another request is refused. */
export const requestHashOf = (body: unknown): string => sha256(canonical(body));

/** Thrown inside the create transaction when another request committed the key first: roll back, then replay. */
export class IdempotencyKeyTaken extends Error {
  constructor() {
    super('idempotency key already used');
    this.name = 'IdempotencyKeyTaken';
  }
}
