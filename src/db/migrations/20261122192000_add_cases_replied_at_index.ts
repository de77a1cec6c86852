import { sql, type Kysely } from 'kysely';

/** The review of a period's replies (`GET /replies/quality`) reads replied cases by reply time, newest first. */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`CREATE INDEX IF NOT EXISTS cases_replied_at ON cases (replied_at DESC, id) WHERE reply_text IS NOT NULL`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DROP INDEX IF EXISTS cases_replied_at`.execute(db);
};
