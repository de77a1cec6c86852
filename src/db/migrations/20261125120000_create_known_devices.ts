import { sql, type Kysely } from 'kysely';

/**
 * The devices each account has signed in from (src/core/auth/known-devices.ts), so that a sign-in from a new one
 * puts a notice in its owner's bell. Only a SHA-256 of the user id and the browser and system names is kept: the
 * sessions table already holds the User-Agent of each open session, and this table outlives them.
 *
 * Those notices belong to no case event: `staff_notifications.source_event_id` (a reference to work_item_events)
 * may now be null when `source_key` (e.g. `sign-in:<session id>`) says what the notice came from, unique per user
 * like the event. Every earlier notice keeps its event.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`
    CREATE TABLE known_devices (
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      device_hash text NOT NULL CHECK (device_hash ~ '^[0-9a-f]{64}$'),
      first_seen_at timestamptz NOT NULL,
      last_seen_at timestamptz NOT NULL,
      PRIMARY KEY (user_id, device_hash)
    )`.execute(db);
  await sql`ALTER TABLE staff_notifications ALTER COLUMN source_event_id DROP NOT NULL`.execute(db);
  await sql`ALTER TABLE staff_notifications ADD COLUMN source_key text`.execute(db);
  await sql`ALTER TABLE staff_notifications ADD CONSTRAINT staff_notifications_source_key UNIQUE (user_id, source_key)`.execute(db);
  await sql`ALTER TABLE staff_notifications ADD CONSTRAINT staff_notifications_has_source CHECK (source_event_id IS NOT NULL OR source_key IS NOT NULL)`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DELETE FROM staff_notifications WHERE source_event_id IS NULL`.execute(db);
  await sql`ALTER TABLE staff_notifications DROP CONSTRAINT IF EXISTS staff_notifications_has_source`.execute(db);
  await sql`ALTER TABLE staff_notifications DROP CONSTRAINT IF EXISTS staff_notifications_source_key`.execute(db);
  await sql`ALTER TABLE staff_notifications DROP COLUMN IF EXISTS source_key`.execute(db);
  await sql`ALTER TABLE staff_notifications ALTER COLUMN source_event_id SET NOT NULL`.execute(db);
  await sql`DROP TABLE IF EXISTS known_devices`.execute(db);
};
