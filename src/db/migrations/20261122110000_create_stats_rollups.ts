import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one. The counter columns are spelled out
// here rather than imported, so that a later change to the code cannot change what this migration did.
const COUNTER_COLUMNS = `
  registered integer NOT NULL DEFAULT 0,
  merged integer NOT NULL DEFAULT 0,
  rejected integer NOT NULL DEFAULT 0,
  replied integer NOT NULL DEFAULT 0,
  replied_on_intake integer NOT NULL DEFAULT 0,
  replied_on_time integer NOT NULL DEFAULT 0,
  outcome_resolved integer NOT NULL DEFAULT 0,
  open integer NOT NULL DEFAULT 0,
  open_overdue integer NOT NULL DEFAULT 0,
  evaluated integer NOT NULL DEFAULT 0,
  callback_done integer NOT NULL DEFAULT 0,
  eval_resolved integer NOT NULL DEFAULT 0,
  eval_partly integer NOT NULL DEFAULT 0,
  satisfied integer NOT NULL DEFAULT 0,
  fairly_satisfied integer NOT NULL DEFAULT 0,
  amount_recovered_fen bigint NOT NULL DEFAULT 0,
  reopened integer NOT NULL DEFAULT 0,
  dispatched integer NOT NULL DEFAULT 0,
  dispatch_awaiting integer NOT NULL DEFAULT 0,
  accepted_on_time integer NOT NULL DEFAULT 0,
  accept_late integer NOT NULL DEFAULT 0,
  dispatch_returned integer NOT NULL DEFAULT 0,
  dispatch_withdrawn integer NOT NULL DEFAULT 0,
  dispute_replied integer NOT NULL DEFAULT 0,
  dispute_settled integer NOT NULL DEFAULT 0`;

export const up = async (db: Kysely<unknown>): Promise<void> => {
  // No foreign keys to cases or units: statistics must never stand in the way of erasing or archiving a case,
  // and a rebuild recomputes everything from the timeline anyway.
  await sql`
    CREATE TABLE stats_case_facts (
      case_id uuid PRIMARY KEY,
      last_seq integer NOT NULL DEFAULT 0,
      refreshed_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // scope_unit_ids: the unit and every unit above it, root first, as they were when the row was written, so that
  // taking a contribution back subtracts it from exactly the rollup rows it was added to.
  await sql`
    CREATE TABLE stats_case_contributions (
      case_id uuid NOT NULL,
      unit_id uuid NOT NULL,
      scope_unit_ids uuid[] NOT NULL,
      day date NOT NULL,
      category_id uuid,
      channel text NOT NULL,
      kind text NOT NULL,
      ${sql.raw(COUNTER_COLUMNS)},
      PRIMARY KEY (case_id, unit_id)
    )`.execute(db);
  // Combined filters over days that are not whole months read contributions (see rollup-keys.ts): by day, or by
  // category and day when a category is among the filters, which it usually is.
  await sql`CREATE INDEX stats_case_contributions_day ON stats_case_contributions (day)`.execute(db);
  await sql`CREATE INDEX stats_case_contributions_category_day ON stats_case_contributions (category_id, day)`.execute(db);
  // A rollup row sums the contributions of every unit in the subtree of subtree_unit_id (the unit included), so
  // a dashboard scoped to a unit reads that unit's rows only, however many units lie below it.
  await sql`
    CREATE TABLE stats_rollups (
      grain char(1) NOT NULL CHECK (grain IN ('d', 'm')),
      dims text NOT NULL CHECK (dims IN ('unit', 'unit_category', 'unit_channel', 'unit_kind', 'full')),
      period date NOT NULL,
      subtree_unit_id uuid NOT NULL,
      category_id uuid,
      channel text,
      kind text,
      ${sql.raw(COUNTER_COLUMNS)},
      CONSTRAINT stats_rollups_key UNIQUE NULLS NOT DISTINCT (subtree_unit_id, grain, dims, period, category_id, channel, kind)
    )`.execute(db);

  // The backlog list and the notable cases read open cases oldest first: across a large scope in registration
  // order, for a small one by responsible unit.
  await sql`
    CREATE INDEX stats_cases_open_responsible ON cases ((coalesce(lead_unit_id, intake_unit_id)), created_at)
    WHERE status IN ('registered', 'dispatched', 'accepted', 'returned')`.execute(db);
  await sql`CREATE INDEX stats_cases_open_created ON cases (created_at) WHERE status IN ('registered', 'dispatched', 'accepted', 'returned')`.execute(db);

  // Subscribe to the timeline now, so that every event from here on is queued for the rollups, and queue the
  // newest event of every existing case once: folding a case reads its whole timeline, so one is enough.
  await sql`INSERT INTO event_consumers (name, item_kinds) VALUES ('stats.rollup', ARRAY['case']) ON CONFLICT (name) DO NOTHING`.execute(db);
  await sql`
    INSERT INTO event_outbox (consumer, event_id)
    SELECT 'stats.rollup', max(id) FROM work_item_events WHERE item_kind = 'case' GROUP BY item_id`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DELETE FROM event_consumers WHERE name = 'stats.rollup'`.execute(db);
  await sql`DROP INDEX IF EXISTS stats_cases_open_responsible`.execute(db);
  await sql`DROP INDEX IF EXISTS stats_cases_open_created`.execute(db);
  for (const table of ['stats_rollups', 'stats_case_contributions', 'stats_case_facts']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  }
};
