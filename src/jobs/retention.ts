import { z } from 'zod';
import { chinaDay } from '../core/case/tracking-number.js';
import type { Db, Trx } from '../db/database.js';
import { dropPendingJobs, enqueueJob, setPendingJobPayloads } from '../db/jobs.repository.js';
import { anonymiseExpiredCases } from '../db/privacy.repository.js';
import type { ClaimedJob } from '../db/jobs.repository.js';

export const RETENTION_JOB = 'privacy.retention';
const payloadSchema = z.object({ version: z.literal(1), days: z.number().int().min(1) });
const BATCH = 200;

/** Schedules the next daily run (03:00 China time); the same day is scheduled once, however often this runs. */
export const scheduleRetention = async (db: Db | Trx, days: number, now: Date): Promise<void> => {
  if (days <= 0) return;
  const nextRun = new Date(`${chinaDay(new Date(now.getTime() + 24 * 3600_000))}T03:00:00+08:00`);
  await enqueueJob(db, { kind: RETENTION_JOB, runAt: nextRun, payload: { version: 1, days }, dedupeKey: `${RETENTION_JOB}:${chinaDay(nextRun)}` });
};

/**
 * At start: the runs already waiting take this start's period, or are dropped when it is 0 (a run scheduled before
 * a restart would otherwise keep the old period, and each run hands its own on to the next).
 */
export const applyRetentionSettings = async (db: Db, days: number, now: Date): Promise<void> => {
  await db.transaction().execute(async (trx) => {
    if (days <= 0) await dropPendingJobs(trx, RETENTION_JOB);
    else await setPendingJobPayloads(trx, RETENTION_JOB, { version: 1, days });
    await scheduleRetention(trx, days, now);
  });
};

/**
 * Anonymises a batch of expired cases in the job's transaction, each with its audit entry (written by
 * anonymiseExpiredCases); a full batch runs again at once, else tomorrow.
 */
export const runRetention = async (trx: Trx, job: ClaimedJob, now: Date): Promise<void> => {
  const { days } = payloadSchema.parse(job.payload);
  const { found } = await anonymiseExpiredCases(trx, { days, now, limit: BATCH });
  if (found === BATCH) {
    await enqueueJob(trx, { kind: RETENTION_JOB, runAt: now, payload: { version: 1, days }, dedupeKey: `${RETENTION_JOB}:more:${job.id}` });
  } else {
    await scheduleRetention(trx, days, now);
  }
};
