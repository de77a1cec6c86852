import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // Webhook deliveries of the open311 module: claimed, sent outside any transaction, recorded (at least once).
  // The body is kept as the exact bytes to send (jsonb would reorder keys), so every attempt sends the same.
  // The event consumer only enqueues here, in its outbox transaction; a background worker does the HTTP.
  await sql`
    CREATE TABLE open311_webhook_queue (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      event_id bigint NOT NULL REFERENCES work_item_events(id),
      api_key_id uuid NOT NULL REFERENCES open311_api_keys(id) ON DELETE CASCADE,
      event_code text NOT NULL,
      body text NOT NULL,
      status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sending','delivered','parked')),
      attempts integer NOT NULL DEFAULT 0,
      not_before timestamptz NOT NULL,
      claim_token uuid,
      lease_until timestamptz,
      last_error text,
      last_status_code integer,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      UNIQUE (event_id, api_key_id),
      CHECK ((status = 'sending') = (claim_token IS NOT NULL))
    )`.execute(db);
  await sql`CREATE INDEX open311_webhook_queue_due ON open311_webhook_queue (id) WHERE status IN ('pending','sending')`.execute(db);

  // What may be published, per channel, kind, category or unit (subtree): the strictest matching rule wins.
  await sql`
    CREATE TABLE open_data_rules (
      scope text NOT NULL CHECK (scope IN ('channel','kind','category','unit')),
      code text NOT NULL CHECK (code ~ '^[a-z0-9_]{1,60}$'),
      policy text NOT NULL CHECK (policy IN ('never','review','auto')),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (scope, code)
    )`.execute(db);
  await sql`
    INSERT INTO open_data_rules (scope, code, policy) VALUES
      ('channel','petition','never'), ('category','petition_matter','never'), ('unit','petition','never'), ('unit','procuratorate','never'),
      ('category','wage_arrears','never'), ('category','labour_dispute','never'), ('category','health_care','never'), ('category','schooling','never'),
      ('kind','complaint','review'), ('kind','help','review')`.execute(db);
  await sql`
    CREATE TABLE open_data_settings (
      id integer PRIMARY KEY CHECK (id = 1),
      default_policy text NOT NULL DEFAULT 'auto' CHECK (default_policy IN ('never','review','auto')),
      is_review_required boolean NOT NULL DEFAULT false,
      min_cell integer NOT NULL DEFAULT 3 CHECK (min_cell BETWEEN 1 AND 100),
      grid_metres integer NOT NULL DEFAULT 200 CHECK (grid_metres BETWEEN 50 AND 5000),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`INSERT INTO open_data_settings (id) VALUES (1)`.execute(db);

  // The public snapshot of a case: never a requester field, never an exact place. The public API reads only
  // the served_* columns; auto_* is the latest automatic anonymisation, edited_* what staff wrote.
  await sql`
    CREATE TABLE open_data_cases (
      case_id uuid PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
      public_id text NOT NULL UNIQUE,
      -- 'never' only for a row kept because staff withdrew or edited it: never served, never counted.
      policy text NOT NULL CHECK (policy IN ('never','review','auto')),
      state text NOT NULL CHECK (state IN ('pending','published','withdrawn')),
      category_id uuid REFERENCES categories(id),
      kind text NOT NULL,
      district_code text,
      grid_lat double precision,
      grid_lng double precision,
      status text NOT NULL CHECK (status IN ('open','replied','closed')),
      registered_at timestamptz NOT NULL,
      replied_at timestamptz,
      reply_due_at timestamptz,
      auto_title text NOT NULL,
      auto_text text NOT NULL,
      auto_reply text,
      edited_title text,
      edited_text text,
      edited_reply text,
      served_title text,
      served_text text,
      served_reply text,
      has_unreviewed_changes boolean NOT NULL DEFAULT false,
      reviewed_by uuid REFERENCES users(id),
      reviewed_at timestamptz,
      published_at timestamptz,
      updated_at timestamptz NOT NULL,
      CHECK (state <> 'published' OR (served_title IS NOT NULL AND served_text IS NOT NULL AND policy <> 'never'))
    )`.execute(db);
  await sql`CREATE INDEX open_data_cases_published ON open_data_cases (registered_at DESC) WHERE state = 'published'`.execute(db);
  await sql`CREATE INDEX open_data_cases_registered ON open_data_cases (registered_at)`.execute(db);
  // Registered here (not only at start-up) so that the events of the demo seed, which runs after the
  // migrations, are queued for it too.
  await sql`INSERT INTO event_consumers (name, item_kinds) VALUES ('open_data.refresh', ARRAY['case']) ON CONFLICT (name) DO NOTHING`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DELETE FROM event_consumers WHERE name = 'open_data.refresh'`.execute(db);
  for (const table of ['open_data_cases', 'open_data_settings', 'open_data_rules', 'open311_webhook_queue']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  }
};
