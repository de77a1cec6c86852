import { sql, type Kysely } from 'kysely';

/**
 * A hold that the requester never answers ends (docs/time-limits.md): per policy, a reminder to the requester after
 * `hold_reminder_days` and the end of the wait after `hold_limit_days` (calendar days from the hold; NULL: none).
 * The requester hears about both through two new message kinds.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`
    ALTER TABLE sla_policies
      ADD COLUMN hold_reminder_days integer DEFAULT 3 CHECK (hold_reminder_days BETWEEN 1 AND 90),
      ADD COLUMN hold_limit_days integer DEFAULT 15 CHECK (hold_limit_days BETWEEN 1 AND 365),
      ADD CONSTRAINT sla_policies_hold_reminder_before_limit
        CHECK (hold_reminder_days IS NULL OR hold_limit_days IS NULL OR hold_reminder_days < hold_limit_days)`.execute(db);
  await sql`ALTER TABLE notification_messages DROP CONSTRAINT IF EXISTS notification_messages_kind_check`.execute(db);
  await sql`
    ALTER TABLE notification_messages ADD CONSTRAINT notification_messages_kind_check
      CHECK (kind IN ('registered','dispatched','extended','replied','callback','callback_request','follow_up','rejected','reopened','held','hold_reminder'))`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE notification_messages DROP CONSTRAINT IF EXISTS notification_messages_kind_check`.execute(db);
  await sql`
    ALTER TABLE notification_messages ADD CONSTRAINT notification_messages_kind_check
      CHECK (kind IN ('registered','dispatched','extended','replied','callback','callback_request','follow_up','rejected','reopened'))`.execute(db);
  await sql`
    ALTER TABLE sla_policies
      DROP CONSTRAINT sla_policies_hold_reminder_before_limit, DROP COLUMN hold_reminder_days, DROP COLUMN hold_limit_days`.execute(db);
};
