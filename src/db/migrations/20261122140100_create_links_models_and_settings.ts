import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // "Related" cases: the same matter from several requesters, handled apart but looked at together.
  await sql`
    CREATE TABLE case_links (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_a uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
      case_b uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
      kind text NOT NULL DEFAULT 'related' CHECK (kind IN ('related')),
      note text CHECK (length(note) <= 500),
      created_by uuid REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      CHECK (case_a < case_b),
      UNIQUE (case_a, case_b)
    )`.execute(db);
  await sql`CREATE INDEX case_links_b ON case_links (case_b)`.execute(db);

  // Dispatch-suggestion models trained on our own history, every version kept with its evaluation.
  await sql`
    CREATE TABLE router_models (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      target text NOT NULL CHECK (target IN ('unit','category')),
      version integer NOT NULL CHECK (version > 0),
      status text NOT NULL CHECK (status IN ('active','retired','rejected','failed')),
      trigger text NOT NULL CHECK (trigger IN ('schedule','manual')),
      requested_by uuid REFERENCES users(id),
      examples integer NOT NULL,
      labels text[] NOT NULL,
      model text,
      evaluation jsonb NOT NULL,
      seconds real NOT NULL,
      error text,
      trained_at timestamptz NOT NULL,
      activated_at timestamptz,
      UNIQUE (target, version)
    )`.execute(db);
  await sql`CREATE UNIQUE INDEX router_models_one_active ON router_models (target) WHERE status = 'active'`.execute(db);

  // Settings of the text features an administrator may change (duplicate windows, auto-dispatch).
  await sql`
    CREATE TABLE text_settings (
      key text PRIMARY KEY CHECK (key IN ('duplicates','suggestions')),
      value jsonb NOT NULL,
      updated_by uuid REFERENCES users(id),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // The first scheduled retraining of the dispatch-suggestion models, the next night at 03:00 China time;
  // each run books the next (src/jobs/search.consumers.ts).
  await sql`
    INSERT INTO jobs (kind, version, run_at, payload, dedupe_key)
    VALUES ('suggestions.retrain', 1,
      date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' + interval '1 day 3 hours',
      '{"version": 1, "trigger": "schedule", "requestedBy": null}'::jsonb, 'suggestions.retrain:schedule:first')
    ON CONFLICT (dedupe_key) DO NOTHING`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DELETE FROM jobs WHERE kind = 'suggestions.retrain' AND done_at IS NULL`.execute(db);
  await sql`DROP TABLE IF EXISTS text_settings`.execute(db);
  await sql`DROP TABLE IF EXISTS router_models`.execute(db);
  await sql`DROP TABLE IF EXISTS case_links`.execute(db);
};
