import { sql, type Kysely } from 'kysely';

/**
 * The failure counters of sign-in now also count wrong access codes per tracking number (issue 8: limits per
 * identity on public look-ups), so the table is named for what it holds. Rows of windows long past are purged
 * by the background loop, on the new index: guessing at many numbers must not grow the table for ever.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE login_throttle RENAME TO failure_throttle`.execute(db);
  await sql`ALTER INDEX login_throttle_pkey RENAME TO failure_throttle_pkey`.execute(db);
  await sql`CREATE INDEX failure_throttle_window_started_at ON failure_throttle (window_started_at)`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DROP INDEX IF EXISTS failure_throttle_window_started_at`.execute(db);
  await sql`ALTER INDEX failure_throttle_pkey RENAME TO login_throttle_pkey`.execute(db);
  await sql`ALTER TABLE failure_throttle RENAME TO login_throttle`.execute(db);
};
