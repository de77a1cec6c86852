import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`CREATE EXTENSION IF NOT EXISTS ltree`.execute(db);
  await sql`CREATE EXTENSION IF NOT EXISTS pg_trgm`.execute(db);
  await sql`CREATE EXTENSION IF NOT EXISTS pgcrypto`.execute(db);

  await sql`
    CREATE TABLE units (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9_]{1,60}$'),
      type text NOT NULL CHECK (type IN ('region','district','department','township','community','grid','union','branch','office')),
      parent_id uuid REFERENCES units(id),
      path ltree NOT NULL UNIQUE,
      name jsonb NOT NULL CHECK (name ? 'zh-Hans'),
      is_active boolean NOT NULL DEFAULT true,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX units_path_gist ON units USING gist (path)`.execute(db);

  await sql`
    CREATE TABLE users (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      username text NOT NULL UNIQUE CHECK (username = lower(username) AND length(username) BETWEEN 2 AND 64),
      display_name text NOT NULL,
      password_hash text NOT NULL,
      roles text[] NOT NULL CHECK (roles <@ ARRAY['citizen','agent','dispatcher','unit_handler','unit_leader','supervisor','admin']::text[]),
      unit_id uuid NOT NULL REFERENCES units(id),
      is_active boolean NOT NULL DEFAULT true,
      is_demo boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE sessions (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      token_hash text NOT NULL UNIQUE,
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      ip text,
      user_agent text
    )`.execute(db);
  await sql`CREATE INDEX sessions_user_id ON sessions (user_id)`.execute(db);

  await sql`
    CREATE TABLE categories (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9_]{1,60}$'),
      parent_id uuid REFERENCES categories(id),
      name jsonb NOT NULL CHECK (name ? 'zh-Hans'),
      default_unit_id uuid REFERENCES units(id),
      accept_hours integer NOT NULL DEFAULT 24 CHECK (accept_hours > 0),
      reply_days integer NOT NULL DEFAULT 7 CHECK (reply_days > 0),
      sort_order integer NOT NULL DEFAULT 0,
      is_active boolean NOT NULL DEFAULT true
    )`.execute(db);

  // Personal data lives apart from the case so that it can be encrypted, masked and erased on its own.
  await sql`
    CREATE TABLE requesters (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text,
      phone text,
      id_number text,
      email text,
      language text NOT NULL DEFAULT 'zh-Hans' CHECK (language IN ('zh-Hans','bo','en')),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX requesters_phone ON requesters (phone) WHERE phone IS NOT NULL`.execute(db);

  await sql`
    CREATE TABLE tracking_counters (
      day date PRIMARY KEY,
      last_value integer NOT NULL
    )`.execute(db);

  await sql`
    CREATE TABLE cases (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      tracking_no text NOT NULL UNIQUE,
      access_code_hash text NOT NULL,
      status text NOT NULL CHECK (status IN ('registered','dispatched','accepted','replied','callback_done','closed','returned','rejected','merged')),
      channel text NOT NULL CHECK (channel IN ('phone','visit','letter','web','app','miniprogram','api','import','petition')),
      kind text NOT NULL CHECK (kind IN ('enquiry','help','complaint','report','suggestion')),
      title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
      description text NOT NULL CHECK (length(description) BETWEEN 1 AND 10000),
      language text NOT NULL DEFAULT 'zh-Hans' CHECK (language IN ('zh-Hans','bo','en')),
      category_id uuid REFERENCES categories(id),
      requester_id uuid REFERENCES requesters(id),
      intake_unit_id uuid NOT NULL REFERENCES units(id),
      lead_unit_id uuid REFERENCES units(id),
      address text,
      lat double precision CHECK (lat BETWEEN -90 AND 90),
      lng double precision CHECK (lng BETWEEN -180 AND 180),
      amount_claimed_fen bigint CHECK (amount_claimed_fen >= 0),
      amount_recovered_fen bigint CHECK (amount_recovered_fen >= 0),
      accept_due_at timestamptz,
      reply_due_at timestamptz,
      dispatched_at timestamptz,
      accepted_at timestamptz,
      reply_text text,
      reply_outcome text CHECK (reply_outcome IN ('resolved','partly_resolved','explained','not_accepted','referred')),
      replied_at timestamptz,
      callback_resolved text CHECK (callback_resolved IN ('yes','partly','no')),
      callback_satisfaction text CHECK (callback_satisfaction IN ('satisfied','fairly_satisfied','dissatisfied')),
      callback_comment text,
      callback_at timestamptz,
      rating_resolved text CHECK (rating_resolved IN ('yes','partly','no')),
      rating_satisfaction text CHECK (rating_satisfaction IN ('satisfied','fairly_satisfied','dissatisfied')),
      rating_comment text,
      rated_at timestamptz,
      supervision_due_by timestamptz,
      supervision_note text,
      supervised_at timestamptz,
      extension_days integer CHECK (extension_days > 0),
      extension_reason text,
      extension_requested_at timestamptz,
      reject_reason text,
      reject_advice text,
      master_id uuid REFERENCES cases(id),
      reopen_count integer NOT NULL DEFAULT 0,
      closed_at timestamptz,
      created_by uuid REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((lat IS NULL) = (lng IS NULL)),
      CHECK (status <> 'merged' OR master_id IS NOT NULL)
    )`.execute(db);
  await sql`CREATE INDEX cases_status_created ON cases (status, created_at DESC)`.execute(db);
  await sql`CREATE INDEX cases_created ON cases (created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX cases_lead_unit ON cases (lead_unit_id)`.execute(db);
  await sql`CREATE INDEX cases_intake_unit ON cases (intake_unit_id)`.execute(db);
  await sql`CREATE INDEX cases_category ON cases (category_id)`.execute(db);
  await sql`CREATE INDEX cases_reply_due_open ON cases (reply_due_at) WHERE status IN ('registered','dispatched','accepted','returned')`.execute(db);
  await sql`CREATE INDEX cases_title_trgm ON cases USING gin (title gin_trgm_ops)`.execute(db);
  await sql`CREATE INDEX cases_description_trgm ON cases USING gin (description gin_trgm_ops)`.execute(db);

  await sql`
    CREATE TABLE case_assignments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid NOT NULL REFERENCES cases(id),
      unit_id uuid NOT NULL REFERENCES units(id),
      role text NOT NULL CHECK (role IN ('lead','assisting')),
      status text NOT NULL CHECK (status IN ('pending','accepted','returned','transferred','done')),
      assigned_by uuid REFERENCES users(id),
      assigned_at timestamptz NOT NULL DEFAULT now(),
      accepted_at timestamptz,
      ended_at timestamptz
    )`.execute(db);
  await sql`CREATE INDEX case_assignments_case ON case_assignments (case_id)`.execute(db);
  await sql`CREATE INDEX case_assignments_unit_active ON case_assignments (unit_id) WHERE status IN ('pending','accepted')`.execute(db);
  await sql`CREATE UNIQUE INDEX case_assignments_one_active_lead ON case_assignments (case_id) WHERE role = 'lead' AND status IN ('pending','accepted')`.execute(db);

  // The timeline is shared by every kind of work item the workflow engine runs (cases first; problems,
  // service orders and pick-ups later), so it is keyed by (item_kind, item_id) rather than by a case FK.
  await sql`
    CREATE TABLE work_item_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      item_kind text NOT NULL,
      item_id uuid NOT NULL,
      seq integer NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      actor_kind text NOT NULL CHECK (actor_kind IN ('user','requester','system')),
      actor_id uuid REFERENCES users(id),
      code text NOT NULL,
      from_status text,
      to_status text,
      is_internal boolean NOT NULL DEFAULT false,
      data jsonb NOT NULL DEFAULT '{}'::jsonb,
      UNIQUE (item_kind, item_id, seq)
    )`.execute(db);
  await sql`
    CREATE FUNCTION forbid_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'work_item_events is append-only';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER work_item_events_append_only BEFORE UPDATE OR DELETE ON work_item_events
    FOR EACH ROW EXECUTE FUNCTION forbid_event_change()`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  for (const table of ['work_item_events', 'case_assignments', 'cases', 'tracking_counters', 'requesters', 'categories', 'sessions', 'users', 'units']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)} CASCADE`.execute(db);
  }
  await sql`DROP FUNCTION IF EXISTS forbid_event_change()`.execute(db);
};
