import { sql } from 'kysely';
import type { DbOrTrx, Trx } from './database.js';

export type NewJob = { kind: string; runAt: Date; payload: Record<string, unknown>; dedupeKey?: string; version?: number };

export type ClaimedJob = { id: string; kind: string; version: number; runAt: Date; payload: Record<string, unknown>; attempts: number };

/**
 * Gives the jobs of a kind still waiting a new payload: the nightly jobs hand their settings on from run to run,
 * so a start with other settings must reach the runs already scheduled.
 */
export const setPendingJobPayloads = async (db: DbOrTrx, kind: string, payload: Record<string, unknown>): Promise<void> => {
  await db.updateTable('jobs').set({ payload: JSON.stringify(payload) }).where('kind', '=', kind).where('done_at', 'is', null).execute();
};

export const dropPendingJobs = async (db: DbOrTrx, kind: string): Promise<void> => {
  await db.deleteFrom('jobs').where('kind', '=', kind).where('done_at', 'is', null).execute();
};

/** Scheduling the same timer twice (same dedupe key) is a no-op, so callers need not check. */
export const enqueueJob = async (db: DbOrTrx, job: NewJob): Promise<void> => enqueueJobs(db, [job]);

/** Several jobs with one statement (see enqueueJob). */
export const enqueueJobs = async (db: DbOrTrx, jobs: readonly NewJob[]): Promise<void> => {
  if (jobs.length === 0) return;
  await db
    .insertInto('jobs')
    .values(jobs.map((job) => ({ kind: job.kind, version: job.version ?? 1, run_at: job.runAt, payload: JSON.stringify(job.payload), dedupe_key: job.dedupeKey ?? null })))
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .execute();
};

/**
 * Claims one due job for this transaction. SKIP LOCKED lets several workers share the queue; the partial
 * index on run_at (pending jobs only) keeps this a short index scan however many cases are open.
 */
export const claimDueJob = async (trx: Trx, now: Date): Promise<ClaimedJob | null> => {
  const row = await trx
    .selectFrom('jobs')
    .select(['id', 'kind', 'version', 'run_at', 'payload', 'attempts'])
    .where('done_at', 'is', null)
    .where('run_at', '<=', now)
    .orderBy('run_at')
    .limit(1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
  return row ? { id: String(row.id), kind: row.kind, version: row.version, runAt: row.run_at, payload: row.payload, attempts: row.attempts } : null;
};

export const markJobDone = async (trx: Trx, id: string, at: Date): Promise<void> => {
  await trx.updateTable('jobs').set({ done_at: at }).where('id', '=', id).execute();
};

export const markJobFailed = async (db: DbOrTrx, id: string, error: string, retryAt: Date): Promise<void> => {
  await db
    .updateTable('jobs')
    .set({ attempts: sql`attempts + 1`, last_error: error.slice(0, 2000), run_at: retryAt })
    .where('id', '=', id)
    .execute();
};

export const countPendingJobs = async (db: DbOrTrx, kind?: string): Promise<number> => {
  let q = db.selectFrom('jobs').select((eb) => eb.fn.countAll<string>().as('n')).where('done_at', 'is', null);
  if (kind) q = q.where('kind', '=', kind);
  return Number((await q.executeTakeFirstOrThrow()).n);
};
