import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one.
// The follow-up questionnaire some weeks after closure ("is it still solved?"): one row per closure sent,
// with its one-time link and its answer, kept apart from the case's rating and callback result.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`
    CREATE TABLE callback_follow_ups (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid NOT NULL REFERENCES cases(id),
      close_event_id bigint NOT NULL UNIQUE REFERENCES work_item_events(id),
      unit_id uuid NOT NULL REFERENCES units(id),
      token_hash text NOT NULL UNIQUE,
      channel text NOT NULL CHECK (channel IN ('sms','email')),
      language text NOT NULL,
      sent_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL,
      answered_at timestamptz,
      resolved text CHECK (resolved IN ('yes','partly','no')),
      comment text,
      CHECK ((answered_at IS NULL) = (resolved IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX callback_follow_ups_case_idx ON callback_follow_ups (case_id)`.execute(db);
  await sql`CREATE INDEX callback_follow_ups_sent_idx ON callback_follow_ups (sent_at)`.execute(db);
  await sql`ALTER TABLE notification_messages DROP CONSTRAINT IF EXISTS notification_messages_kind_check`.execute(db);
  await sql`
    ALTER TABLE notification_messages ADD CONSTRAINT notification_messages_kind_check
      CHECK (kind IN ('registered','dispatched','extended','replied','callback','callback_request','follow_up','rejected','reopened'))`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE notification_messages DROP CONSTRAINT IF EXISTS notification_messages_kind_check`.execute(db);
  await sql`
    ALTER TABLE notification_messages ADD CONSTRAINT notification_messages_kind_check
      CHECK (kind IN ('registered','dispatched','extended','replied','callback','callback_request','rejected','reopened'))`.execute(db);
  await sql`DROP TABLE IF EXISTS callback_follow_ups`.execute(db);
};
