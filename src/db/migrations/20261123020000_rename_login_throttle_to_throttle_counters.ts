import { sql, type Kysely } from 'kysely';

/**
 * The counters of failed sign-ins now also count access-code attempts per tracking number and public
 * submissions per phone number (issue 8: limits per identity), so the table and its count are named for what
 * they hold. Rows of windows long past are purged by the background loop, on the new index: guessing at many
 * numbers must not grow the table for ever.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE login_throttle RENAME TO throttle_counters`.execute(db);
  await sql`ALTER TABLE throttle_counters RENAME COLUMN failures TO count`.execute(db);
  await sql`ALTER INDEX login_throttle_pkey RENAME TO throttle_counters_pkey`.execute(db);
  await sql`CREATE INDEX throttle_counters_window_started_at ON throttle_counters (window_started_at)`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DROP INDEX IF EXISTS throttle_counters_window_started_at`.execute(db);
  await sql`ALTER INDEX throttle_counters_pkey RENAME TO login_throttle_pkey`.execute(db);
  await sql`ALTER TABLE throttle_counters RENAME COLUMN count TO failures`.execute(db);
  await sql`ALTER TABLE throttle_counters RENAME TO login_throttle`.execute(db);
};
