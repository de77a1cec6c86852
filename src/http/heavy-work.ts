import { finished, Readable } from 'node:stream';
import type { FastifyInstance, FastifyRequest, onSendAsyncHookHandler, preHandlerAsyncHookHandler } from 'fastify';
import { AppError } from '../core/shared/app-error.js';
import { clientNetworkOf } from '../core/shared/client-network.js';
import type { AppDeps } from './context.js';
import { appendHook } from './route-hooks.js';

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
export type HeavyWorkLimits = { perUser: number; perAddress: number; staffTotal: number; publicTotal: number };

/**
 * Two per user, so that a double click on a download link still gets both; one per address of the public, so
 * that one address cannot take the public's whole share; three for staff and two for the public. Each holds
 * about one of the pool's ten connections (src/db/database.ts; a report reads its statistics one after the
 * other), so that about five are left for the desks.
 */
export const DEFAULT_HEAVY_WORK_LIMITS: HeavyWorkLimits = { perUser: 2, perAddress: 1, staffTotal: 3, publicTotal: 2 };

/** The slot of each admitted request, until its work ends. */
const slots = new WeakMap<FastifyRequest, () => void>();

/**
 * Takes over the end of a heavy request's work, for a route whose work goes on after its handler returns (an
 * export that streams page after page from one transaction): the route calls the function once that work has
 * ended (the transaction closed), also when the client went away. A no-op for a request that holds no slot.
 */
export const takeHeavyWorkEnd = (request: FastifyRequest): (() => void) => {
  const release = slots.get(request);
  slots.delete(request);
  return release ?? (() => {});
};

/** How long a refused caller is told to wait: heavy requests here take seconds, not minutes. */
const RETRY_AFTER_SECONDS = 10;

export type HeavyWorkRefusal = 'caller_busy' | 'server_busy';

/** Whose share a heavy request takes: signed-in staff, or the public. */
export type HeavyWorkShare = 'staff' | 'public';

/**
 * Counts the heavy requests in flight, in memory: per process on purpose, since what it protects is this process's
 * own pool of database connections (SECURITY.md). The rate limits, which protect the whole service, are shared.
 */
export class HeavyWorkGate {
  private readonly totals = { staff: 0, public: 0 };
  private readonly byCaller = new Map<string, number>();

  constructor(private readonly limits: HeavyWorkLimits) {}

  /** A release function when the caller may start one more, else why not. Releasing twice counts once. */
  tryEnter(caller: string, share: HeavyWorkShare): (() => void) | HeavyWorkRefusal {
    const mine = this.byCaller.get(caller) ?? 0;
    if (mine >= (share === 'staff' ? this.limits.perUser : this.limits.perAddress)) return 'caller_busy';
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
  inFlight(share: HeavyWorkShare): number {
    return this.totals[share];
  }
}

/**
 * Admits a heavy route's request after authentication and validation (bad input costs no slot) and frees its
 * slot when its work has ended.
 */
export const registerHeavyWorkGate = (app: FastifyInstance, deps: AppDeps): HeavyWorkGate => {
  const gate = new HeavyWorkGate(deps.config.heavyWork ?? DEFAULT_HEAVY_WORK_LIMITS);
  const admit: preHandlerAsyncHookHandler = async (request) => {
    const entered = request.actor ? gate.tryEnter(`user:${request.actor.userId}`, 'staff') : gate.tryEnter(`ip:${clientNetworkOf(request.ip)}`, 'public');
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
    slots.set(request, entered);
  };
  // The slot is held while the work runs, not while the client is connected: a client that goes away does not
  // stop a review or a report, which still holds its database connections. The handler's answer is ready here
  // (sent to a live client or not); a stream's work ends with the stream, unless the route took that over.
  const releaseOnSend: onSendAsyncHookHandler = async (request, _reply, payload) => {
    const release = slots.get(request);
    if (!release) return payload;
    slots.delete(request);
    if (payload instanceof Readable) finished(payload, () => release());
    else release();
    return payload;
  };
  // On the heavy routes' own hook lists: the other routes (every request of the desks) pay nothing for the gate.
  app.addHook('onRoute', (route) => {
    if (!route.config?.isHeavy) return;
    route.preHandler = appendHook(route.preHandler, admit);
    route.onSend = appendHook(route.onSend, releaseOnSend);
  });
  return gate;
};
