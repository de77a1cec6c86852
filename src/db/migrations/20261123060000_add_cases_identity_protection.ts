import { sql, type Kysely } from 'kysely';

/**
 * Identity protection (举报人保护): a protected case's requester is withheld from every unit except the one that
 * took the case and the units above it. Reports (举报) are protected by law whatever the requester asked, so
 * the reports already registered are protected too; other kinds only when the requester asks.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE cases ADD COLUMN is_identity_protected boolean NOT NULL DEFAULT false`.execute(db);
  await sql`UPDATE cases SET is_identity_protected = true WHERE kind = 'report'`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE cases DROP COLUMN IF EXISTS is_identity_protected`.execute(db);
};
