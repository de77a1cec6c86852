import { sql, type Kysely } from 'kysely';

/**
 * Unit scope compares assignment unit ids with the ids of the caller's subtree (case-query.repository.ts,
 * `caseScope`). PostgreSQL may then read a subtree's assignments once, or drive a list from them; the only
 * index on `unit_id` so far covered open assignments alone (`case_assignments_unit_active`).
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`CREATE INDEX IF NOT EXISTS case_assignments_unit ON case_assignments (unit_id, case_id)`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DROP INDEX IF EXISTS case_assignments_unit`.execute(db);
};
