import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one.
// The reports table only accepted 'monthly' and 'custom'; yearly reports (a calendar year) join them.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE reports DROP CONSTRAINT reports_kind_check`.execute(db);
  await sql`ALTER TABLE reports ADD CONSTRAINT reports_kind_check CHECK (kind IN ('monthly','yearly','custom'))`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DELETE FROM reports WHERE kind = 'yearly'`.execute(db);
  await sql`ALTER TABLE reports DROP CONSTRAINT reports_kind_check`.execute(db);
  await sql`ALTER TABLE reports ADD CONSTRAINT reports_kind_check CHECK (kind IN ('monthly','custom'))`.execute(db);
};
