import { sql, type Kysely } from 'kysely';

// Quarterly reports (a calendar quarter: 季度统计) join monthly, yearly and custom ones.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE reports DROP CONSTRAINT reports_kind_check`.execute(db);
  await sql`ALTER TABLE reports ADD CONSTRAINT reports_kind_check CHECK (kind IN ('monthly','quarterly','yearly','custom'))`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DELETE FROM reports WHERE kind = 'quarterly'`.execute(db);
  await sql`ALTER TABLE reports DROP CONSTRAINT reports_kind_check`.execute(db);
  await sql`ALTER TABLE reports ADD CONSTRAINT reports_kind_check CHECK (kind IN ('monthly','yearly','custom'))`.execute(db);
};
