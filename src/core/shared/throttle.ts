/**
 * Counters per key (a username, an address, a tracking number, a phone number), kept in PostgreSQL so that they
 * hold across restarts and across server processes. Two kinds of rule use them:
 *
 * - a lock (`LockRule`, sign-in): `failures` failures within `windowMs` lock the key for `lockMs`;
 * - a fixed window (`WindowRule`, access codes, public submissions): at most `limit` attempts per window,
 *   counted *before* the attempt runs, so that attempts sent all at once cannot slip past the count. An
 *   attempt that turns out not to count (a right code) is refunded.
 */
export type LockRule = { windowMs: number; failures: number; lockMs: number };
export type WindowRule = { limit: number; windowMs: number };

/** An attempt counted in a window: `count` includes it. */
export type CountedAttempt = { key: string; count: number; windowStartedAt: Date };

export type ThrottleCounters = {
  /** The latest lock still running on one of the keys, else null. */
  lockedUntil: (keys: string[], now: Date) => Promise<Date | null>;
  /** Counts one failure under a lock rule; returns the window's failures and the lock, if one is running. */
  recordFailure: (key: string, now: Date, rule: LockRule) => Promise<{ count: number; lockedUntil: Date | null }>;
  clear: (key: string) => Promise<void>;
  /** Counts one attempt in the key's current window (a new one starts when `windowMs` has passed). */
  countAttempt: (key: string, now: Date, windowMs: number) => Promise<CountedAttempt>;
  /** Takes back an attempt, if its window is still the key's current one. */
  refundAttempt: (attempt: CountedAttempt) => Promise<void>;
  /**
   * Takes back an attempt that was refused (it did not run, so it must not keep the window full after the
   * attempts that did are given back) and marks the window as refused until `until`; true for the first refusal
   * of the window, which is the one to report.
   */
  refuseAttempt: (attempt: CountedAttempt, until: Date) => Promise<boolean>;
};

/** Seconds until a moment, rounded up and at least one: what a `Retry-After` header says. */
export const secondsUntil = (until: Date, now: Date): number => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

/** When the window of a counted attempt ends. */
export const windowEndOf = (attempt: CountedAttempt, rule: WindowRule): Date => new Date(attempt.windowStartedAt.getTime() + rule.windowMs);
