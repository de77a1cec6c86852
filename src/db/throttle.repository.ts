import { sql } from 'kysely';
import type { ThrottleCounters } from '../core/shared/throttle.js';
import type { DbOrTrx } from './database.js';

export const createThrottleCounters = (db: DbOrTrx): ThrottleCounters => ({
  lockedUntil: async (keys, now) => {
    if (keys.length === 0) return null;
    const row = await db
      .selectFrom('throttle_counters')
      .select((eb) => eb.fn.max('locked_until').as('until'))
      .where('key', 'in', keys)
      .where('locked_until', '>', now)
      .executeTakeFirst();
    return row?.until ? new Date(row.until) : null;
  },
  recordFailure: async (key, now, rule) => {
    const windowStart = new Date(now.getTime() - rule.windowMs);
    const lockEnd = new Date(now.getTime() + rule.lockMs);
    // One statement: a new window starts when the old one has passed; reaching the limit (in a new window too,
    // for a rule of one failure) sets the lock.
    const result = await sql<{ count: number; locked_until: Date | null }>`
      INSERT INTO throttle_counters AS t (key, count, window_started_at, locked_until)
      VALUES (${key}, 1, ${now}, CASE WHEN 1 >= ${rule.failures}::int THEN ${lockEnd}::timestamptz END)
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN t.window_started_at < ${windowStart} THEN 1 ELSE t.count + 1 END,
        window_started_at = CASE WHEN t.window_started_at < ${windowStart} THEN ${now} ELSE t.window_started_at END,
        locked_until = CASE
          WHEN (CASE WHEN t.window_started_at < ${windowStart} THEN 1 ELSE t.count + 1 END) >= ${rule.failures}::int
          THEN ${lockEnd}::timestamptz ELSE t.locked_until END
      RETURNING count, locked_until`.execute(db);
    const row = result.rows[0];
    const lockedUntil = row?.locked_until ? new Date(row.locked_until) : null;
    return { count: row?.count ?? 1, lockedUntil: lockedUntil && lockedUntil > now ? lockedUntil : null };
  },
  clear: async (key) => {
    await db.deleteFrom('throttle_counters').where('key', '=', key).execute();
  },
  countAttempt: async (key, now, windowMs) => {
    const windowStart = new Date(now.getTime() - windowMs);
    // Committed without waiting for the disk (set in the same statement): a crash may forget the last few
    // counts, which costs nothing, and the request does not wait for a flush of its own.
    const result = await sql<{ count: number; window_started_at: Date }>`
      WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true))
      INSERT INTO throttle_counters AS t (key, count, window_started_at)
      SELECT ${key}, 1, ${now}::timestamptz FROM async_commit
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN t.window_started_at <= ${windowStart} THEN 1 ELSE t.count + 1 END,
        locked_until = CASE WHEN t.window_started_at <= ${windowStart} THEN NULL ELSE t.locked_until END,
        window_started_at = CASE WHEN t.window_started_at <= ${windowStart} THEN ${now} ELSE t.window_started_at END
      RETURNING count, window_started_at`.execute(db);
    const row = result.rows[0];
    if (!row) throw new Error(`throttle counter ${key} was not written`);
    return { key, count: row.count, windowStartedAt: new Date(row.window_started_at) };
  },
  refundAttempt: async (attempt) => {
    await sql`
      WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true))
      UPDATE throttle_counters SET count = greatest(count - 1, 0)
      FROM async_commit
      WHERE key = ${attempt.key} AND window_started_at = ${attempt.windowStartedAt}`.execute(db);
  },
  refuseAttempt: async (attempt, until) => {
    const result = await sql<{ is_first: boolean }>`
      WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true)),
      before AS (
        SELECT locked_until FROM throttle_counters
        WHERE key = ${attempt.key} AND window_started_at = ${attempt.windowStartedAt} FOR UPDATE
      )
      UPDATE throttle_counters AS t SET count = greatest(t.count - 1, 0), locked_until = coalesce(t.locked_until, ${until}::timestamptz)
      FROM before, async_commit
      WHERE t.key = ${attempt.key} AND t.window_started_at = ${attempt.windowStartedAt}
      RETURNING before.locked_until IS NULL AS is_first`.execute(db);
    return result.rows[0]?.is_first === true;
  },
});

/**
 * Deletes counters whose window and lock have both ended before `before`. Without it, guessing at many
 * tracking numbers (or usernames) would leave a row per guess for ever.
 */
export const purgeThrottleCounters = async (db: DbOrTrx, before: Date): Promise<number> => {
  const result = await db
    .deleteFrom('throttle_counters')
    .where('window_started_at', '<', before)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', before)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
};
