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
  // The end of the current hold's wait, fixed when the case is put on hold: what the requester is told, kept even
  // if the policy changes later.
  await sql`ALTER TABLE cases ADD COLUMN hold_ends_at timestamptz`.execute(db);
  await sql`ALTER TABLE notification_messages DROP CONSTRAINT IF EXISTS notification_messages_kind_check`.execute(db);
  await sql`
    ALTER TABLE notification_messages ADD CONSTRAINT notification_messages_kind_check
      CHECK (kind IN ('registered','dispatched','extended','replied','callback','callback_request','follow_up','rejected','reopened','held','hold_reminder'))`.execute(db);
  await backfillHoldDeadlines(db);
};

/**
 * Cases already waiting get the defaults every policy has just been given (15 days, a reminder after 3), and the
 * timers that keep them; a wait already past its end ends at the next run of the jobs. Exported for its test.
 */
export const backfillHoldDeadlines = async (db: Kysely<unknown>): Promise<void> => {
  await sql`UPDATE cases SET hold_ends_at = held_at + interval '15 days' WHERE status = 'on_hold' AND held_at IS NOT NULL AND hold_ends_at IS NULL`.execute(db);
  await sql`
    INSERT INTO jobs (kind, run_at, payload, dedupe_key)
    SELECT 'case.hold_timer', t.run_at,
           jsonb_build_object('version', 1, 'caseId', c.id, 'heldAt', to_char(c.held_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'timer', t.timer),
           'hold:' || c.id || ':' || t.timer || ':' || to_char(c.held_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
    FROM cases c
    CROSS JOIN LATERAL (VALUES ('reminder', c.held_at + interval '3 days'), ('expiry', c.held_at + interval '15 days')) AS t(timer, run_at)
    WHERE c.status = 'on_hold' AND c.held_at IS NOT NULL AND (t.timer = 'expiry' OR t.run_at > now())
    ON CONFLICT DO NOTHING`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DELETE FROM jobs WHERE kind = 'case.hold_timer'`.execute(db);
  await sql`ALTER TABLE cases DROP COLUMN IF EXISTS hold_ends_at`.execute(db);
  // The narrower check cannot hold rows of the new kinds.
  await sql`DELETE FROM notification_messages WHERE kind IN ('held', 'hold_reminder')`.execute(db);
  await sql`ALTER TABLE notification_messages DROP CONSTRAINT IF EXISTS notification_messages_kind_check`.execute(db);
  await sql`
    ALTER TABLE notification_messages ADD CONSTRAINT notification_messages_kind_check
      CHECK (kind IN ('registered','dispatched','extended','replied','callback','callback_request','follow_up','rejected','reopened'))`.execute(db);
  await sql`
    ALTER TABLE sla_policies
      DROP CONSTRAINT sla_policies_hold_reminder_before_limit, DROP COLUMN hold_reminder_days, DROP COLUMN hold_limit_days`.execute(db);
};
