import { sql, type Kysely } from 'kysely';

/**
 * The nightly clean-up deletes new-device notices older than BIHUAN_SIGNIN_NOTICE_DAYS (src/jobs/sign-in-retention.ts),
 * a batch at a time, oldest first. They are a sliver of the staff notices, which every case event fills for several
 * people: without this index each batch would read the whole table. The code is written out, as the clean-up writes
 * it, so that the planner can match the two.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`CREATE INDEX IF NOT EXISTS staff_notifications_sign_in_created ON staff_notifications (created_at) WHERE code = 'auth.new_device_sign_in'`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DROP INDEX IF EXISTS staff_notifications_sign_in_created`.execute(db);
};
