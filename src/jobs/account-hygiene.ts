import { sql } from 'kysely';
import { z } from 'zod';
import { dormantCutoffOf, isDormant } from '../core/access/dormant-accounts.js';
import { idleSinceOf } from '../core/access/sessions.js';
import { chinaDay } from '../core/case/tracking-number.js';
import { appendAudit } from '../db/audit.repository.js';
import type { Db, Trx } from '../db/database.js';
import { enqueueJob, setPendingJobPayloads, type ClaimedJob } from '../db/jobs.repository.js';
import { purgeEndedSessions } from '../db/sessions.repository.js';
import { disableDormantAccount, findDormantAccounts, STAFF_ACCOUNTS_LOCK } from '../db/staff-accounts.repository.js';

/*
 * The nightly care of accounts (docs/access.md, "Sessions" and "Dormant accounts"): sessions that have ended
 * are deleted, and accounts without a sign of life for BIHUAN_DORMANT_ACCOUNT_DAYS are disabled, each with an
 * audit entry that an administrator of its unit can read.
 */

export const ACCOUNT_HYGIENE_JOB = 'access.hygiene';
const payloadSchema = z.object({ version: z.literal(1), dormantDays: z.number().int().min(0), idleMinutes: z.number().int().min(1) });
export type AccountHygienePayload = z.infer<typeof payloadSchema>;
const BATCH = 200;

type HygieneSettings = { dormantDays: number; idleMinutes: number };

/** Schedules the next nightly run (03:30 China time); the same night is scheduled once, however often this runs. */
export const scheduleAccountHygiene = async (db: Db | Trx, settings: HygieneSettings, now: Date): Promise<void> => {
  const nextRun = new Date(`${chinaDay(new Date(now.getTime() + 24 * 3600_000))}T03:30:00+08:00`);
  const payload: AccountHygienePayload = { version: 1, ...settings };
  await enqueueJob(db, { kind: ACCOUNT_HYGIENE_JOB, runAt: nextRun, payload, dedupeKey: `${ACCOUNT_HYGIENE_JOB}:${chinaDay(nextRun)}` });
};

/**
 * At start: the runs already waiting take this start's settings (a night scheduled before a restart would
 * otherwise keep the old period, and each run hands its own on to the next), then the next night is scheduled.
 */
export const applyAccountHygieneSettings = async (db: Db, settings: HygieneSettings, now: Date): Promise<void> => {
  const payload: AccountHygienePayload = { version: 1, ...settings };
  await db.transaction().execute(async (trx) => {
    await setPendingJobPayloads(trx, ACCOUNT_HYGIENE_JOB, payload);
    await scheduleAccountHygiene(trx, settings, now);
  });
};

export const runAccountHygiene = async (trx: Trx, job: ClaimedJob, now: Date): Promise<{ purgedSessions: number; disabledAccounts: number }> => {
  const payload = payloadSchema.parse(job.payload);
  // Administrators' steps on accounts wait for this one (and it for theirs): an account enabled or given a new
  // password at this moment is looked at after that step, never disabled under it. Taken before the purge: the
  // steps take it before they delete an account's sessions, and the other order would deadlock with them.
  await sql`SELECT pg_advisory_xact_lock(${STAFF_ACCOUNTS_LOCK})`.execute(trx);
  const purgedSessions = await purgeEndedSessions(trx, now, idleSinceOf(now, payload.idleMinutes));
  let disabledAccounts = 0;
  let isBatchFull = false;
  if (payload.dormantDays > 0) {
    const cutoff = dormantCutoffOf(now, payload.dormantDays);
    const candidates = await findDormantAccounts(trx, cutoff, BATCH);
    for (const account of candidates) {
      // The query and the rule say the same; the rule has the last word.
      if (!isDormant(account, now, payload.dormantDays)) continue;
      if (!(await disableDormantAccount(trx, account.id, cutoff, now))) continue;
      disabledAccounts += 1;
      await appendAudit(trx, {
        at: now, actorId: null, actorName: 'system', ip: null, userAgent: null, action: 'user.disabled_dormant', subjectKind: 'users', subjectId: account.id,
        outcome: 'done',
        data: {
          username: account.username, unit: account.unitCode, days: payload.dormantDays,
          lastLoginAt: account.lastLoginAt?.toISOString() ?? null, createdAt: account.createdAt.toISOString(),
        },
      });
    }
    // Another batch only when this one was full and did something: were the query and the rule ever to disagree
    // on a whole batch, the job would otherwise start again at once, for ever.
    isBatchFull = candidates.length === BATCH && disabledAccounts > 0;
  }
  if (isBatchFull) {
    await enqueueJob(trx, { kind: ACCOUNT_HYGIENE_JOB, runAt: now, payload, dedupeKey: `${ACCOUNT_HYGIENE_JOB}:more:${job.id}` });
  } else {
    await scheduleAccountHygiene(trx, payload, now);
  }
  return { purgedSessions, disabledAccounts };
};
