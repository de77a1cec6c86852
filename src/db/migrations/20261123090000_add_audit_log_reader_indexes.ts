import { sql, type Kysely } from 'kysely';

/**
 * The audit log's reader (docs/audit.md) pages newest first by id. A reader of a sub-unit sees only the entries of
 * its users, a search by user name looks for one person's entries, and a reader looking into one record asks for
 * its entries: these indexes find them instead of walking the whole log backwards (a unit with few entries took
 * the longest, since the walk found nothing to stop at). A period gets no index of its own: entries are written in
 * the order of their time, so the primary key already walks a period newest first, and every change pays for
 * each index of this table.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`CREATE INDEX IF NOT EXISTS audit_log_actor_id ON audit_log (actor_id, id) WHERE actor_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS audit_log_subject_id ON audit_log (subject_id, id) WHERE subject_id IS NOT NULL`.execute(db);
  // The name typed by someone not signed in (failed sign-ins), found by its start whatever its case.
  await sql`CREATE INDEX IF NOT EXISTS audit_log_claimed_name ON audit_log (lower(actor_name) text_pattern_ops) WHERE actor_id IS NULL`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DROP INDEX IF EXISTS audit_log_claimed_name`.execute(db);
  await sql`DROP INDEX IF EXISTS audit_log_subject_id`.execute(db);
  await sql`DROP INDEX IF EXISTS audit_log_actor_id`.execute(db);
};
