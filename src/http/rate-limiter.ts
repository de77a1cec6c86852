/**
 * Fixed-window counters in memory, per process. Enough for one server, which is how Bihuan is deployed
 * for a region; several processes behind a balancer each allow the limit (documented in SECURITY.md).
 */
export type RateLimitRule = { limit: number; windowMs: number };

export class RateLimiter {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  /** Counts one hit; returns how many seconds to wait when over the limit, else null. */
  hit(key: string, rule: RateLimitRule, now: number): number | null {
    const current = this.windows.get(key);
    if (!current || now - current.startedAt >= rule.windowMs) {
      this.windows.set(key, { startedAt: now, count: 1 });
      if (this.windows.size > 100_000) this.sweep(now, rule.windowMs);
      return null;
    }
    current.count += 1;
    return current.count > rule.limit ? Math.ceil((current.startedAt + rule.windowMs - now) / 1000) : null;
  }

  private sweep(now: number, windowMs: number): void {
    for (const [key, w] of this.windows) if (now - w.startedAt >= windowMs) this.windows.delete(key);
  }
}

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
