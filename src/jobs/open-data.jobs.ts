import { OPEN_DATA_REFRESH_ALL_JOB } from '../core/open-data/open-data.types.js';
import { enqueueJob } from '../db/jobs.repository.js';
import { loadOpenDataInputs, refreshOpenDataBatch, refreshOpenDataCase } from '../db/open-data.repository.js';
import type { EventConsumerSpec } from './background.js';
import type { JobHandlers } from './job-runner.js';

/** The event consumer that keeps the public snapshot of each case current (registered by the module's migration). */
export const OPEN_DATA_CONSUMER = 'open_data.refresh';

/** Event consumers and job handlers of the open-data module (merged in consumers.ts and handlers.ts). */
export const openDataConsumers: EventConsumerSpec[] = [
  {
    name: OPEN_DATA_CONSUMER,
    handler: async (trx, event) => {
      if (event.itemKind !== 'case') return;
      await refreshOpenDataCase(trx, event.itemId, event.at);
    },
    // The snapshot depends only on the case as it is now: each case of a batch once, at its latest event's
    // time (a first publication at its first event's, as one by one), with the rules and settings read once.
    handleBatch: async (trx, events) => {
      const times = new Map<string, { first: Date; latest: Date }>();
      for (const e of events) {
        if (e.itemKind !== 'case') continue;
        const known = times.get(e.itemId);
        times.set(e.itemId, { first: known?.first ?? e.at, latest: e.at });
      }
      if (times.size === 0) return;
      const loaded = await loadOpenDataInputs(trx);
      for (const [caseId, { first, latest }] of times) await refreshOpenDataCase(trx, caseId, latest, loaded, first);
    },
  },
];

export const openDataJobHandlers: JobHandlers = {
  // One batch per run, in its own transaction; the job queues its own continuation after the last id.
  [OPEN_DATA_REFRESH_ALL_JOB]: async (trx, job, now) => {
    const afterId = typeof job.payload['afterId'] === 'string' ? job.payload['afterId'] : null;
    const lastId = await refreshOpenDataBatch(trx, afterId, now);
    if (lastId) await enqueueJob(trx, { kind: OPEN_DATA_REFRESH_ALL_JOB, runAt: now, payload: { afterId: lastId } });
  },
};
