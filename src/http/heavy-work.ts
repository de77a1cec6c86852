import type { FastifyInstance } from 'fastify';
import { AppError } from '../core/shared/app-error.js';
import type { AppDeps } from './context.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * The route makes a whole file or reviews a whole period: at most a few run at once, so that exports and
     * reports cannot take every database connection from the people registering and handling cases.
     */
    isHeavy?: boolean;
  }
}

/**
 * Heavy requests running at once: per caller (a user, or an address for the public), of all staff, and of all
 * the public. The public has a share of its own, so that anonymous downloads can never hold up a leader's report.
 */
export type HeavyWorkLimits = { perCaller: number; staffTotal: number; publicTotal: number };

/**
 * Two per caller, so that a double click on a download link still gets both; three for staff and two for the
 * public, of the pool's ten connections (src/db/database.ts), so that at least five are left for the desks.
 */
export const DEFAULT_HEAVY_WORK_LIMITS: HeavyWorkLimits = { perCaller: 2, staffTotal: 3, publicTotal: 2 };

/** How long a refused caller is told to wait: heavy requests here take seconds, not minutes. */
const RETRY_AFTER_SECONDS = 10;

export type HeavyWorkRefusal = 'caller_busy' | 'server_busy';

/** Counts the heavy requests in flight; in memory, per process, like the rate limits (SECURITY.md). */
export class HeavyWorkGate {
  private readonly totals = { staff: 0, public: 0 };
  private readonly byCaller = new Map<string, number>();

  constructor(private readonly limits: HeavyWorkLimits) {}

  /** A release function when the caller may start one more, else why not. Releasing twice counts once. */
  tryEnter(caller: string, share: 'staff' | 'public'): (() => void) | HeavyWorkRefusal {
    const mine = this.byCaller.get(caller) ?? 0;
    if (mine >= this.limits.perCaller) return 'caller_busy';
    if (this.totals[share] >= (share === 'staff' ? this.limits.staffTotal : this.limits.publicTotal)) return 'server_busy';
    this.totals[share] += 1;
    this.byCaller.set(caller, mine + 1);
    let isReleased = false;
    return () => {
      if (isReleased) return;
      isReleased = true;
      this.totals[share] -= 1;
      const left = (this.byCaller.get(caller) ?? 1) - 1;
      if (left > 0) this.byCaller.set(caller, left);
      else this.byCaller.delete(caller);
    };
  }

  /** Heavy requests running now, of the share. */
  inFlight(share: 'staff' | 'public'): number {
    return this.totals[share];
  }
}

/**
 * Admits a heavy route's request after authentication and validation (bad input costs no slot) and frees its
 * slot when the response is over: sent, streamed to the end, failed, or cut off by the client.
 */
export const registerHeavyWorkGate = (app: FastifyInstance, deps: AppDeps): HeavyWorkGate => {
  const gate = new HeavyWorkGate(deps.config.heavyWork ?? DEFAULT_HEAVY_WORK_LIMITS);
  app.addHook('preHandler', async (request, reply) => {
    if (!request.routeOptions.config.isHeavy) return;
    const entered = request.actor ? gate.tryEnter(`user:${request.actor.userId}`, 'staff') : gate.tryEnter(`ip:${request.ip}`, 'public');
    if (entered === 'caller_busy') {
      throw new AppError(
        'rate_limited',
        'you already have downloads or reports running: wait for them to finish',
        { reason: 'heavy_in_progress', retryAfterSeconds: RETRY_AFTER_SECONDS },
        'errors.rate_limited.heavy_in_progress',
      );
    }
    if (entered === 'server_busy') {
      throw new AppError('server.busy', 'the server is making other downloads and reports: try again shortly', { retryAfterSeconds: RETRY_AFTER_SECONDS });
    }
    // 'close' comes after the last byte was handed over, and also when the client goes away first.
    reply.raw.once('close', entered);
  });
  return gate;
};
