import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // A calendar is generated from a base (national holidays, or those plus Tibetan ones) and options, then
  // corrected day by day by administrators; units inherit the calendar of their nearest ancestor that has one.
  await sql`
    CREATE TABLE calendars (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9_]{1,60}$'),
      name jsonb NOT NULL CHECK (name ? 'zh-Hans'),
      base text NOT NULL CHECK (base IN ('national', 'tibet')),
      options jsonb NOT NULL DEFAULT '{}'::jsonb,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE calendar_days (
      calendar_id uuid NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
      date date NOT NULL,
      is_workday boolean NOT NULL,
      holiday_code text,
      name jsonb,
      note text,
      PRIMARY KEY (calendar_id, date)
    )`.execute(db);
  await sql`ALTER TABLE units ADD COLUMN calendar_id uuid REFERENCES calendars(id)`.execute(db);

  await sql`
    CREATE TABLE sla_policies (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9_]{1,60}$'),
      name jsonb NOT NULL CHECK (name ? 'zh-Hans'),
      targets jsonb NOT NULL,
      reply_clock text NOT NULL DEFAULT 'registration' CHECK (reply_clock IN ('registration', 'acceptance')),
      warn_at_share numeric NOT NULL DEFAULT 0.8 CHECK (warn_at_share > 0 AND warn_at_share < 1),
      max_extension_days integer CHECK (max_extension_days > 0),
      category_id uuid REFERENCES categories(id),
      channel text,
      kind text,
      priority integer NOT NULL DEFAULT 0,
      is_active boolean NOT NULL DEFAULT true
    )`.execute(db);

  await sql`ALTER TABLE cases ADD COLUMN sla_policy_code text`.execute(db);
  await sql`ALTER TABLE cases ADD COLUMN sla jsonb NOT NULL DEFAULT '{}'::jsonb`.execute(db);
  await sql`ALTER TABLE cases ADD COLUMN sla_state text NOT NULL DEFAULT 'ok' CHECK (sla_state IN ('ok', 'warning', 'overdue'))`.execute(db);
  await sql`ALTER TABLE cases ADD COLUMN supervision_response text`.execute(db);
  await sql`ALTER TABLE cases ADD COLUMN supervision_outcome text`.execute(db);
  await sql`ALTER TABLE cases ADD COLUMN urge_count integer NOT NULL DEFAULT 0`.execute(db);

  // Timers and other background work live here, never only in memory: a job is claimed with
  // FOR UPDATE SKIP LOCKED and marked done in the transaction that does its work, so it runs exactly once.
  await sql`
    CREATE TABLE jobs (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      kind text NOT NULL,
      version integer NOT NULL DEFAULT 1,
      run_at timestamptz NOT NULL,
      payload jsonb NOT NULL,
      dedupe_key text UNIQUE,
      attempts integer NOT NULL DEFAULT 0,
      last_error text,
      done_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX jobs_due ON jobs (run_at) WHERE done_at IS NULL`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DROP TABLE IF EXISTS jobs`.execute(db);
  for (const column of ['urge_count', 'supervision_outcome', 'supervision_response', 'sla_state', 'sla', 'sla_policy_code']) {
    await sql`ALTER TABLE cases DROP COLUMN IF EXISTS ${sql.raw(column)}`.execute(db);
  }
  await sql`DROP TABLE IF EXISTS sla_policies`.execute(db);
  await sql`ALTER TABLE units DROP COLUMN IF EXISTS calendar_id`.execute(db);
  await sql`DROP TABLE IF EXISTS calendar_days`.execute(db);
  await sql`DROP TABLE IF EXISTS calendars`.execute(db);
};
