import { z } from 'zod';
import { isAnotherBatchDue, isSignInRetentionOn, signInRetentionCutoffs, type SignInRetention } from '../core/auth/sign-in-retention.js';
import { chinaDay } from '../core/case/tracking-number.js';
import type { Db, Trx } from '../db/database.js';
import { dropPendingJobs, enqueueJob, setPendingJobPayloads, type ClaimedJob } from '../db/jobs.repository.js';
import { deleteOldSignInNotices, deleteUnusedKnownDevices } from '../db/sign-in-retention.repository.js';

/*
 * The nightly clean-up of sign-in traces (docs/access.md, "New device notice"): new-device notices older than
 * BIHUAN_SIGNIN_NOTICE_DAYS are deleted, and devices not seen for BIHUAN_KNOWN_DEVICE_DAYS are forgotten. A job of
 * its own rather than a step of access.hygiene: it needs none of that job's lock of staff-account changes, and a
 * long first run over old rows must not hold that lock batch after batch.
 */

export const SIGN_IN_RETENTION_JOB = 'access.sign_in_retention';
const payloadSchema = z.object({ version: z.literal(1), noticeDays: z.number().int().min(0), deviceDays: z.number().int().min(0) });
export type SignInRetentionPayload = z.infer<typeof payloadSchema>;
/** Rows of each table a run deletes: one short transaction, whatever the size of the backlog. */
export const SIGN_IN_RETENTION_BATCH = 500;

/** Schedules the next nightly run (03:45 China time, after access.hygiene); the same night is scheduled once. */
export const scheduleSignInRetention = async (db: Db | Trx, settings: SignInRetention, now: Date): Promise<void> => {
  if (!isSignInRetentionOn(settings)) return;
  const nextRun = new Date(`${chinaDay(new Date(now.getTime() + 24 * 3600_000))}T03:45:00+08:00`);
  const payload: SignInRetentionPayload = { version: 1, ...settings };
  await enqueueJob(db, { kind: SIGN_IN_RETENTION_JOB, runAt: nextRun, payload, dedupeKey: `${SIGN_IN_RETENTION_JOB}:${chinaDay(nextRun)}` });
};

/**
 * At start: the runs already waiting take this start's periods (each run hands its own on to the next, so a night
 * scheduled before a restart would keep the old ones), or are dropped when both are 0.
 */
export const applySignInRetentionSettings = async (db: Db, settings: SignInRetention, now: Date): Promise<void> => {
  await db.transaction().execute(async (trx) => {
    if (!isSignInRetentionOn(settings)) await dropPendingJobs(trx, SIGN_IN_RETENTION_JOB);
    else await setPendingJobPayloads(trx, SIGN_IN_RETENTION_JOB, { version: 1, ...settings } satisfies SignInRetentionPayload);
    await scheduleSignInRetention(trx, settings, now);
  });
};

/** One batch of each kind in the job's transaction; a full batch runs again at once, else the next night. */
export const runSignInRetention = async (trx: Trx, job: ClaimedJob, now: Date): Promise<{ deletedNotices: number; deletedDevices: number }> => {
  const { noticeDays, deviceDays } = payloadSchema.parse(job.payload);
  const settings: SignInRetention = { noticeDays, deviceDays };
  const { noticesBefore, devicesBefore } = signInRetentionCutoffs(now, settings);
  const deletedNotices = noticesBefore ? await deleteOldSignInNotices(trx, noticesBefore, SIGN_IN_RETENTION_BATCH) : 0;
  const deletedDevices = devicesBefore ? await deleteUnusedKnownDevices(trx, devicesBefore, SIGN_IN_RETENTION_BATCH) : 0;
  if (isAnotherBatchDue({ notices: deletedNotices, devices: deletedDevices }, SIGN_IN_RETENTION_BATCH)) {
    const payload: SignInRetentionPayload = { version: 1, ...settings };
    await enqueueJob(trx, { kind: SIGN_IN_RETENTION_JOB, runAt: now, payload, dedupeKey: `${SIGN_IN_RETENTION_JOB}:more:${job.id}` });
  } else {
    await scheduleSignInRetention(trx, settings, now);
  }
  return { deletedNotices, deletedDevices };
};
