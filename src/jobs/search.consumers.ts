import { enqueueJob } from '../db/jobs.repository.js';
import { indexCase } from '../db/search-index.repository.js';
import { createRouterModelStore, loadSuggestionSettings } from '../db/suggestions.repository.js';
import { nextRetrainAt, retrainJobPayloadSchema, ROUTER_RETRAIN_JOB, scheduleDedupeKey } from '../core/suggestions/retrain-job.js';
import { retrainRouter, ROUTER_TARGETS } from '../core/suggestions/retrain-router.js';
import type { EventConsumerSpec } from './background.js';
import type { JobHandler, JobHandlers } from './job-runner.js';

/**
 * Event consumers of the search module (see background.ts). Every event of a case rebuilds its search row
 * in the event's own consumer transaction: the index is never ahead of, and at most one poll behind, the
 * timeline. The consumer is registered by the migration that created the index, which also queued every
 * case that existed then.
 */
export const searchConsumers: EventConsumerSpec[] = [
  {
    name: 'search.index',
    itemKinds: ['case'],
    handler: async (trx, event) => {
      await indexCase(trx, event.itemId, { now: new Date() });
    },
  },
];

/**
 * Retrains both dispatch-suggestion models (unit and category) on the history in the database. A scheduled
 * run books the next one; the first was booked by the migration. Training is CPU-bound for a few seconds
 * (about 15 s for 5 000 cases, twice: hold-out trial and final model), during which this process's event
 * loop is busy; see docs/search.md for running the background worker in a process of its own.
 */
export const retrainRouterJob: JobHandler = async (trx, job, now) => {
  const payload = retrainJobPayloadSchema.parse(job.payload);
  const settings = await loadSuggestionSettings(trx);
  const outcomes = [];
  for (const target of ROUTER_TARGETS) {
    outcomes.push(await retrainRouter({ store: createRouterModelStore(trx), now: () => now, settings }, { target, trigger: payload.trigger, requestedBy: payload.requestedBy }));
  }
  if (payload.trigger === 'schedule') {
    const runAt = nextRetrainAt(now, settings.retrainEveryDays);
    await enqueueJob(trx, { kind: ROUTER_RETRAIN_JOB, runAt, payload: { version: 1, trigger: 'schedule', requestedBy: null }, dedupeKey: scheduleDedupeKey(runAt) });
  }
  return outcomes;
};

/** Job handlers of the search module, for src/jobs/handlers.ts. */
export const searchJobHandlers: JobHandlers = { [ROUTER_RETRAIN_JOB]: retrainRouterJob };
