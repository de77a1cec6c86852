import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one.
// The callback SMS (reply codes 1-4) goes through the notifications outbox as its own message kind.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE notification_messages DROP CONSTRAINT IF EXISTS notification_messages_kind_check`.execute(db);
  await sql`
    ALTER TABLE notification_messages ADD CONSTRAINT notification_messages_kind_check
      CHECK (kind IN ('registered','dispatched','extended','replied','callback','callback_request','rejected','reopened'))`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE notification_messages DROP CONSTRAINT IF EXISTS notification_messages_kind_check`.execute(db);
  await sql`
    ALTER TABLE notification_messages ADD CONSTRAINT notification_messages_kind_check
      CHECK (kind IN ('registered','dispatched','extended','replied','callback','rejected','reopened'))`.execute(db);
};
