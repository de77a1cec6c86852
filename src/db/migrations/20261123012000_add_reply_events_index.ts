import { sql, type Kysely } from 'kysely';

/**
 * The review of a period's replies (`GET /replies/quality`) reads every reply given in the period, a reopened
 * case's earlier replies included: reply events by time, newest first.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`CREATE INDEX IF NOT EXISTS work_item_events_replies_at ON work_item_events (at DESC, id DESC)
    WHERE item_kind = 'case' AND code IN ('case.replied', 'case.resolved_on_intake')`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DROP INDEX IF EXISTS work_item_events_replies_at`.execute(db);
};
