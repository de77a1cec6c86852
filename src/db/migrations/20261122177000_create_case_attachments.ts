import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // The bytes live in PostgreSQL (bytea, TOASTed and compressed out of line), never under the web root: one
  // place to back up, restore and erase, and a file is committed with its case event or not at all.
  await sql`
    CREATE TABLE case_attachments (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      case_id uuid NOT NULL REFERENCES cases(id),
      file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
      media_type text NOT NULL CHECK (media_type IN ('image/jpeg','image/png','application/pdf')),
      byte_size integer NOT NULL CHECK (byte_size > 0),
      sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
      original_sha256 text NOT NULL CHECK (original_sha256 ~ '^[0-9a-f]{64}$'),
      is_public boolean NOT NULL,
      uploader_kind text NOT NULL CHECK (uploader_kind IN ('user','requester')),
      uploaded_by uuid REFERENCES users(id),
      is_reencoded boolean NOT NULL,
      width integer,
      height integer,
      content bytea,
      created_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz,
      deleted_by uuid REFERENCES users(id),
      CHECK ((deleted_at IS NULL) = (content IS NOT NULL)),
      CHECK (uploader_kind = 'requester' OR uploaded_by IS NOT NULL)
    )`.execute(db);
  // Already compressed formats: do not spend CPU on compressing them again.
  await sql`ALTER TABLE case_attachments ALTER COLUMN content SET STORAGE EXTERNAL`.execute(db);
  await sql`CREATE INDEX case_attachments_case ON case_attachments (case_id, created_at) WHERE deleted_at IS NULL`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DROP TABLE case_attachments`.execute(db);
};
