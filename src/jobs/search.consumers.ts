import { sql } from 'kysely';
import type { CaseDeps } from '../core/case/case.ports.js';
import { autoDispatchIfConfident } from '../core/suggestions/auto-dispatch.js';
import { createCaseStore } from '../db/case.repository.js';
import type { Trx } from '../db/database.js';
import { enqueueJob } from '../db/jobs.repository.js';
import { indexCase } from '../db/search-index.repository.js';
import { createActiveModels, createRouterModelStore, loadIntakeDeskActor, loadSuggestionSettings, loadUserActor } from '../db/suggestions.repository.js';
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
    // The search row is rebuilt from the case as it is now, so a case with several events in a batch is
    // indexed once.
    handleBatch: async (trx, events) => {
      for (const caseId of new Set(events.map((e) => e.itemId))) await indexCase(trx, caseId, { now: new Date() });
    },
  },
  {
    name: 'search.auto_dispatch',
    itemKinds: ['case'],
    codes: ['case.registered'],
    handler: async (trx, event) => {
      if (event.code !== 'case.registered') return;
      // Registered by staff (in their name), or submitted by a citizen or an integration (the desk as the system).
      if (event.actorKind === 'user' && event.actorId) await autoDispatchRegisteredCase(trx, event.itemId, event.actorId);
      else if (event.actorKind === 'requester') await autoDispatchRegisteredCase(trx, event.itemId, null);
    },
  },
];

/**
 * Auto-dispatch after registration, as an event consumer: registration commits first and never waits for a
 * model. The dispatch is made in the registering user's name (for a citizen's or an integration's submission, by
 * the intake desk as the system), inside the consumer's transaction, so that it
 * and the removal of the event from the queue commit together (a retried event finds the case dispatched and
 * does nothing). A refused dispatch is rolled back to a savepoint: the event is still consumed and the case
 * waits for a dispatcher, with the suggestion as a hint.
 */
export const autoDispatchRegisteredCase = async (trx: Trx, caseId: string, userId: string | null): Promise<boolean> => {
  // Most installations enable no category: one read of the settings, and nothing else is done.
  const settings = await loadSuggestionSettings(trx);
  if (settings.autoDispatchCategoryIds.length === 0) return false;
  // What a citizen or an integration submitted has no registering user: if the settings allow it, the intake desk
  // dispatches it by itself, recorded as the system's step.
  if (userId === null && !settings.isAutoDispatchingSubmissions) return false;
  const actor = userId === null ? await loadIntakeDeskActor(trx, caseId) : await loadUserActor(trx, userId);
  if (!actor) return false;
  const caseDeps: CaseDeps = {
    transaction: async (fn) => {
      await sql`SAVEPOINT auto_dispatch`.execute(trx);
      try {
        const result = await fn(createCaseStore(trx));
        await sql`RELEASE SAVEPOINT auto_dispatch`.execute(trx);
        return result;
      } catch (error) {
        await sql`ROLLBACK TO SAVEPOINT auto_dispatch`.execute(trx);
        throw error;
      }
    },
    now: () => new Date(),
    reserveTrackingSequence: () => Promise.reject(new Error('auto-dispatch registers nothing')),
  };
  const result = await autoDispatchIfConfident({ caseDeps, models: createActiveModels(trx), settings: async () => settings }, { caseId, actor, isSubmission: userId === null });
  return result.isDispatched;
};

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
