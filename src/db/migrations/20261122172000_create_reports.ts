import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // One row per requested report. The finished file lives in the row (bytea): it is backed up with the rest,
  // it commits together with the job that made it, and every server process sees it without a shared disk.
  // `data` holds the gathered figures between the two job steps (gather, render).
  await sql`
    CREATE TABLE reports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users(id),
      unit_id uuid NOT NULL REFERENCES units(id),
      kind text NOT NULL CHECK (kind IN ('monthly','custom')),
      period_from date NOT NULL,
      period_to date NOT NULL,
      format text NOT NULL CHECK (format IN ('pdf','xlsx')),
      language text NOT NULL CHECK (language IN ('zh-Hans','bo','en')),
      status text NOT NULL CHECK (status IN ('queued','running','done','failed','expired')),
      progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
      error_code text,
      error_message text,
      data jsonb,
      file bytea,
      file_name text,
      content_type text,
      file_size integer,
      created_at timestamptz NOT NULL,
      updated_at timestamptz NOT NULL,
      finished_at timestamptz,
      expires_at timestamptz,
      CHECK (period_from <= period_to),
      CHECK ((status = 'done') = (file IS NOT NULL))
    )`.execute(db);
  await sql`CREATE INDEX reports_user_created ON reports (user_id, created_at DESC)`.execute(db);
  await sql`CREATE INDEX reports_expires ON reports (expires_at) WHERE status = 'done'`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DROP TABLE reports`.execute(db);
};
