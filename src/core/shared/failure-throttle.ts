/**
 * Counters of failed attempts per key (a username, an address, a tracking number), kept in PostgreSQL so that
 * they hold across restarts and across server processes. Reaching `failures` within `windowMs` locks the key
 * for `lockMs`; a new window starts once the old one has passed.
 */
export type ThrottleRule = { windowMs: number; failures: number; lockMs: number };

export type FailureThrottle = {
  /** The latest lock still running on any of the keys, else null. */
  lockedUntil: (keys: string[], now: Date) => Promise<Date | null>;
  /** Counts one failure; returns the failures of the current window and the lock, if this or an earlier one set it. */
  recordFailure: (key: string, now: Date, rule: ThrottleRule) => Promise<{ failures: number; lockedUntil: Date | null }>;
  clearFailures: (key: string) => Promise<void>;
};

/** Seconds until a lock ends, rounded up: what a `Retry-After` header says. */
export const secondsUntil = (until: Date, now: Date): number => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
