import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE requesters ADD COLUMN anonymised_at timestamptz`.execute(db);
  await sql`ALTER TABLE cases ADD COLUMN anonymised_at timestamptz`.execute(db);
  await sql`CREATE INDEX cases_closed_not_anonymised ON cases (closed_at) WHERE anonymised_at IS NULL AND closed_at IS NOT NULL`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DROP INDEX IF EXISTS cases_closed_not_anonymised`.execute(db);
  await sql`ALTER TABLE cases DROP COLUMN IF EXISTS anonymised_at`.execute(db);
  await sql`ALTER TABLE requesters DROP COLUMN IF EXISTS anonymised_at`.execute(db);
};
