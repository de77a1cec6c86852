import { refreshCaseStats, refreshCasesStats } from '../db/stats.repository.js';
import type { EventConsumerSpec } from './background.js';

/** The consumer name the stats migration subscribed; it must not change, or the queue would be orphaned. */
export const STATS_CONSUMER = 'stats.rollup';

/**
 * Keeps the rollups up to date with the timeline: each event refreshes its case's contribution, in the same
 * transaction that takes the event off the queue, so a crash can neither lose nor double-count it.
 */
export const statsConsumers: EventConsumerSpec[] = [
  {
    name: STATS_CONSUMER,
    itemKinds: ['case'],
    handler: async (trx, event) => {
      if (event.itemKind !== 'case') return;
      await refreshCaseStats(trx, event.itemId, event.seq);
    },
    // A batch folds each of its cases once, with the same few statements for all of them.
    handleBatch: async (trx, events) => {
      await refreshCasesStats(trx, events.filter((e) => e.itemKind === 'case').map((e) => ({ caseId: e.itemId, seq: e.seq })));
    },
  },
];
