import { sql } from 'kysely';
import type { FailureThrottle } from '../core/shared/failure-throttle.js';
import type { DbOrTrx } from './database.js';

export const createFailureThrottle = (db: DbOrTrx): FailureThrottle => ({
  lockedUntil: async (keys, now) => {
    if (keys.length === 0) return null;
    const row = await db
      .selectFrom('failure_throttle')
      .select((eb) => eb.fn.max('locked_until').as('until'))
      .where('key', 'in', keys)
      .where('locked_until', '>', now)
      .executeTakeFirst();
    return row?.until ? new Date(row.until) : null;
  },
  recordFailure: async (key, now, rule) => {
    const windowStart = new Date(now.getTime() - rule.windowMs);
    // One statement: a new window starts when the old one has passed; reaching the limit sets the lock.
    const result = await sql<{ failures: number; locked_until: Date | null }>`
      INSERT INTO failure_throttle AS t (key, failures, window_started_at)
      VALUES (${key}, 1, ${now})
      ON CONFLICT (key) DO UPDATE SET
        failures = CASE WHEN t.window_started_at < ${windowStart} THEN 1 ELSE t.failures + 1 END,
        window_started_at = CASE WHEN t.window_started_at < ${windowStart} THEN ${now} ELSE t.window_started_at END,
        locked_until = CASE
          WHEN t.window_started_at >= ${windowStart} AND t.failures + 1 >= ${rule.failures}
          THEN ${new Date(now.getTime() + rule.lockMs)} ELSE t.locked_until END
      RETURNING failures, locked_until`.execute(db);
    const row = result.rows[0];
    const lockedUntil = row?.locked_until ? new Date(row.locked_until) : null;
    return { failures: row?.failures ?? 1, lockedUntil: lockedUntil && lockedUntil > now ? lockedUntil : null };
  },
  clearFailures: async (key) => {
    await db.deleteFrom('failure_throttle').where('key', '=', key).execute();
  },
});

/**
 * Deletes counters whose window and lock have both ended before `before`. Without it, guessing at many
 * tracking numbers (or usernames) would leave a row per guess for ever.
 */
export const purgeFailureThrottle = async (db: DbOrTrx, before: Date): Promise<number> => {
  const result = await db
    .deleteFrom('failure_throttle')
    .where('window_started_at', '<', before)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', before)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
};
