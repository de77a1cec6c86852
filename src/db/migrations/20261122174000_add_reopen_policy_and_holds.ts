import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // The reopen policy (docs/notifications.md) and the hold waiting on the requester (docs/time-limits.md).
  // A pending request to reopen is one per case at a time; its history is the timeline.
  await sql`
    ALTER TABLE cases
      ADD COLUMN hold_from_status text,
      ADD COLUMN hold_reason text,
      ADD COLUMN held_at timestamptz,
      ADD COLUMN reopen_requested_at timestamptz,
      ADD COLUMN reopen_request_reason text,
      ADD COLUMN reopen_request_source text CHECK (reopen_request_source IN ('requester', 'callback', 'rating', 'staff')),
      ADD COLUMN reopen_decision text CHECK (reopen_decision IN ('approved', 'declined', 'escalated')),
      ADD COLUMN reopen_decision_note text,
      ADD COLUMN reopen_decided_at timestamptz,
      ADD COLUMN reopen_window_ends_at timestamptz`.execute(db);
  // A case waiting on the requester has its own status; it returns to the one it was put on hold from.
  await sql`
    ALTER TABLE cases
      DROP CONSTRAINT cases_status_check,
      ADD CONSTRAINT cases_status_check
        CHECK (status IN ('registered','dispatched','accepted','replied','callback_done','closed','returned','rejected','merged','on_hold')),
      ADD CONSTRAINT cases_hold_consistent CHECK ((status = 'on_hold') = (hold_from_status IS NOT NULL AND held_at IS NOT NULL))`.execute(db);
  // Per policy (category, channel, kind): which statuses stop the clock, how many reopen rounds, how long after
  // closing a requester may still ask. Without a policy row the defaults in core/sla/case-sla.ts apply.
  await sql`
    ALTER TABLE sla_policies
      ADD COLUMN paused_statuses text[] NOT NULL DEFAULT ARRAY['on_hold']::text[],
      ADD COLUMN max_reopen_rounds integer NOT NULL DEFAULT 2 CHECK (max_reopen_rounds >= 0),
      ADD COLUMN reopen_window_days integer NOT NULL DEFAULT 30 CHECK (reopen_window_days >= 0)`.execute(db);
  // Supervisors' list of requests waiting for a decision.
  await sql`CREATE INDEX cases_reopen_pending ON cases (reopen_requested_at) WHERE reopen_requested_at IS NOT NULL`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DROP INDEX IF EXISTS cases_reopen_pending`.execute(db);
  await sql`
    ALTER TABLE cases
      DROP CONSTRAINT cases_hold_consistent,
      DROP CONSTRAINT cases_status_check,
      ADD CONSTRAINT cases_status_check
        CHECK (status IN ('registered','dispatched','accepted','replied','callback_done','closed','returned','rejected','merged'))`.execute(db);
  await sql`ALTER TABLE sla_policies DROP COLUMN paused_statuses, DROP COLUMN max_reopen_rounds, DROP COLUMN reopen_window_days`.execute(db);
  await sql`
    ALTER TABLE cases DROP COLUMN hold_from_status, DROP COLUMN hold_reason, DROP COLUMN held_at, DROP COLUMN reopen_requested_at,
      DROP COLUMN reopen_request_reason, DROP COLUMN reopen_request_source, DROP COLUMN reopen_decision,
      DROP COLUMN reopen_decision_note, DROP COLUMN reopen_decided_at, DROP COLUMN reopen_window_ends_at`.execute(db);
};
