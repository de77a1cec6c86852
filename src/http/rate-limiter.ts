/**
 * Fixed windows per address, counted in PostgreSQL (`throttle_counters`, the same table as the sign-in and
 * access-code limits): every server process behind a balancer counts into the same window. Each process also
 * remembers the addresses it found over their limit, until their window ends, and refuses them without asking
 * the database again.
 */
export type RateLimitRule = { limit: number; windowMs: number };

export type RateLimitName = 'public_submit' | 'public_track' | 'public_read' | 'login';

export const DEFAULT_RATE_LIMITS: Record<RateLimitName, RateLimitRule> = {
  // As the mature systems do for anonymous web forms: 20 submissions an hour per address.
  public_submit: { limit: 20, windowMs: 3600_000 },
  public_track: { limit: 60, windowMs: 60_000 },
  // The open-data portal's API: a person browsing makes a few requests a page; a script that wants everything
  // has the downloads (at most one at a time per address, src/http/heavy-work.ts).
  public_read: { limit: 120, windowMs: 60_000 },
  login: { limit: 30, windowMs: 60_000 },
};

/**
 * The counter of one limit for one address (an IPv6 address's /64, see clientNetworkOf); apart from the sign-in
 * lock (`ip:`) and the access codes (`code:`).
 */
export const rateLimitKey = (name: RateLimitName, network: string): string => `rate:${name}:${network}`;

/** Seconds until the window ends, at least one (a Retry-After of 0 invites an immediate retry). */
export const retryAfterSeconds = (windowStartedAt: Date, windowMs: number, now: Date): number =>
  Math.max(1, Math.ceil((windowStartedAt.getTime() + windowMs - now.getTime()) / 1000));

/** Seconds from now until a moment, at least one. */
export const secondsUntil = (until: Date, now: Date): number => Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));

/** The keys found over their limit, and until when; bounded, so a flood of addresses cannot grow it for ever. */
export const createOverLimitMemo = (maxKeys = 100_000) => {
  const until = new Map<string, number>();
  return {
    refusedUntil: (key: string, now: Date): Date | null => {
      const end = until.get(key);
      if (end === undefined) return null;
      if (end > now.getTime()) return new Date(end);
      until.delete(key);
      return null;
    },
    refuse: (key: string, end: Date, now: Date): void => {
      if (until.size >= maxKeys) {
        for (const [k, e] of until) if (e <= now.getTime()) until.delete(k);
        // Still full of live refusals: forget the oldest; the database still counts every request that gets there.
        if (until.size >= maxKeys) until.delete(until.keys().next().value ?? '');
      }
      until.set(key, end.getTime());
    },
  };
};
