import { setTimeout as sleep } from 'node:timers/promises';
import type { Db } from '../db/database.js';
import { consumeEvents, registerEventConsumer, type EventBatchHandler, type EventHandler } from './event-consumer.js';
import { runDueJobs, type JobHandlers } from './job-runner.js';
import { sealAuditEntries } from '../db/audit.repository.js';
import { purgeIdempotencyKeys } from '../db/case.repository.js';
import { purgeThrottleCounters } from '../db/throttle.repository.js';
import { IDEMPOTENCY_WINDOW_MS } from '../core/case/idempotency.js';

/**
 * A module's reaction to timeline events (statistics rollups, notifications, search indexing, webhooks).
 * `codes`: the event codes the handler acts on, when it ignores all others; the fan-out then queues nothing
 * else for it. Leave it out when the handler looks at every event.
 * `handleBatch`: the same work for a whole batch at once (see EventBatchHandler); `handler` still takes the
 * events one at a time after a batch failed.
 */
export type EventConsumerSpec = { name: string; itemKinds?: string[]; codes?: readonly string[]; handler: EventHandler; handleBatch?: EventBatchHandler };

/**
 * Work that must commit in several steps of its own (claim, call an outside service, record), so it gets the
 * database rather than one transaction: the notification delivery.
 */
export type BackgroundWorker = { name: string; run: (db: Db, now: Date, log?: (message: string) => void) => Promise<number> };

/** Throttle counters (sign-in, access codes, submissions per phone) are deleted a day after their window and lock ended. */
const THROTTLE_KEPT_MS = 24 * 3600_000;

export type Background = { stop: () => Promise<void>; runOnce: () => Promise<number> };

/**
 * Everything that happens after a request: due timers and every event consumer, polled in one loop. State is
 * in PostgreSQL only, so several server processes can run this side by side and a restart loses nothing.
 */
export const startBackground = async (
  db: Db,
  options: {
    handlers: JobHandlers;
    consumers: EventConsumerSpec[];
    workers?: BackgroundWorker[];
    now?: () => Date;
    pollMs?: number;
    log?: (message: string) => void;
    isLooping?: boolean;
  },
): Promise<Background> => {
  for (const c of options.consumers) await registerEventConsumer(db, c.name, c.itemKinds, c.codes ?? null);
  const now = options.now ?? (() => new Date());
  // Stopping ends the current pass after the job or event at hand, not after a whole batch: a backlog of
  // thousands of events would otherwise hold a shutdown (and the restart after it) for minutes.
  const controller = new AbortController();
  let lastPurgeAt = 0;
  const runOnce = async (): Promise<number> => {
    const signal = controller.signal;
    let work = await runDueJobs(db, options.handlers, now, { log: options.log, signal });
    for (const c of options.consumers) work += await consumeEvents(db, c.name, c.handler, { now, log: options.log, limit: 500, signal, batchHandler: c.handleBatch });
    for (const w of options.workers ?? []) if (!signal.aborted) work += await w.run(db, now(), options.log);
    // Sealing is not counted as work: it never creates more of it.
    if (!signal.aborted) await sealAuditEntries(db);
    if (!signal.aborted && now().getTime() - lastPurgeAt >= 60_000) {
      lastPurgeAt = now().getTime();
      await purgeIdempotencyKeys(db, new Date(lastPurgeAt - IDEMPOTENCY_WINDOW_MS));
      await purgeThrottleCounters(db, new Date(lastPurgeAt - THROTTLE_KEPT_MS));
    }
    return work;
  };
  const loop =
    options.isLooping === false
      ? Promise.resolve()
      : (async () => {
          while (!controller.signal.aborted) {
            try {
              if ((await runOnce()) > 0) continue;
            } catch (error) {
              options.log?.(`background: ${error instanceof Error ? error.message : String(error)}`);
            }
            await sleep(options.pollMs ?? 5000, undefined, { signal: controller.signal }).catch(() => undefined);
          }
        })();
  return {
    runOnce,
    stop: async () => {
      controller.abort();
      await loop;
    },
  };
};
