import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // The reply's internal summary (issue 7): for staff only, never shown to the requester or the public,
  // so it is a column of its own rather than part of reply_text, which public outputs read.
  await sql`ALTER TABLE cases ADD COLUMN reply_internal_summary text`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE cases DROP COLUMN IF EXISTS reply_internal_summary`.execute(db);
};
