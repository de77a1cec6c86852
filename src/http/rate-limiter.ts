/**
 * Fixed windows per address, counted in PostgreSQL (`throttle_counters`, the same table as the sign-in and
 * access-code limits): every server process behind a balancer counts into the same window.
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

/** The counter of one limit for one address; apart from the sign-in lock (`ip:`) and the access codes (`code:`). */
export const rateLimitKey = (name: RateLimitName, ip: string): string => `rate:${name}:${ip}`;

/** Seconds until the window ends, at least one (a Retry-After of 0 invites an immediate retry). */
export const retryAfterSeconds = (windowStartedAt: Date, windowMs: number, now: Date): number =>
  Math.max(1, Math.ceil((windowStartedAt.getTime() + windowMs - now.getTime()) / 1000));
