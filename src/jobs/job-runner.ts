
import type { Db, Trx } from '../db/database.js';
import { claimDueJob, markJobDone, markJobFailed, type ClaimedJob } from '../db/jobs.repository.js';

export type JobHandler = (trx: Trx, job: ClaimedJob, now: Date) => Promise<unknown>;
export type JobHandlers = Record<string, JobHandler>;

/** After this many failed attempts a job is parked (done, with its last error) for an administrator to look at. */
export const MAX_ATTEMPTS = 8;

const backoffMs = (attempts: number): number => Math.min(60 * 60_000, 30_000 * 2 ** attempts);

/**
 * Runs due jobs one transaction each: claim (SKIP LOCKED), handle, mark done, commit. A handler's writes and
 * the job's completion commit together, so a crash either loses both (the job runs again) or keeps both.
 */
export const runDueJobs = async (
  db: Db,
  handlers: JobHandlers,
  now: () => Date,
  options: { maxJobs?: number; log?: (message: string) => void; signal?: AbortSignal } = {},
): Promise<number> => {
  let processed = 0;
  const max = options.maxJobs ?? 500;
  while (processed < max && !options.signal?.aborted) {
    let failed: { job: ClaimedJob; error: string } | null = null;
    const claimed = await db.transaction().execute(async (trx) => {
      const at = now();
      const job = await claimDueJob(trx, at);
      if (!job) return false;
      const handler = handlers[job.kind];
      if (!handler) {
        failed = { job, error: `no handler for job kind ${job.kind}` };
        return true;
      }
      try {
        await handler(trx, job, at);
        await markJobDone(trx, job.id, at);
      } catch (error) {
        // Roll back the handler's writes; the failure is recorded outside this transaction.
        failed = { job, error: error instanceof Error ? error.message : String(error) };
        throw new RollbackSignal();
      }
      return true;
    }).catch((error: unknown) => {
      if (error instanceof RollbackSignal) return true;
      throw error;
    });
    if (!claimed) break;
    processed += 1;
    if (failed) {
      const { job, error } = failed as { job: ClaimedJob; error: string };
      const isParked = job.attempts + 1 >= MAX_ATTEMPTS;
      options.log?.(`job ${job.id} (${job.kind}) failed: ${error}${isParked ? ' — parked' : ''}`);
      await markJobFailed(db, job.id, error, new Date(now().getTime() + backoffMs(job.attempts)));
      if (isParked) await db.updateTable('jobs').set({ done_at: now() }).where('id', '=', job.id).execute();
    }
  }
  return processed;
};

class RollbackSignal extends Error {}
