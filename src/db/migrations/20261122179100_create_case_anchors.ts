import { sql, type Kysely } from 'kysely';

/**
 * The duplicate check's posting table: one row per stored anchor of each indexed case (about 24 per case),
 * kept by a trigger on case_search so that every writer of anchors keeps it in step. The candidates of a
 * new request are read from its index alone (anchor, date, case), where the GIN index on case_search.anchors
 * made the check read a whole search row per candidate: 10 ms for a typical request at a million cases,
 * 2 ms from the postings. The GIN index stays for open cases only, which are candidates at any age.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`
    CREATE TABLE case_anchors (
      anchor integer NOT NULL,
      created_at timestamptz NOT NULL,
      case_id uuid NOT NULL
    )`.execute(db);
  // Stored anchors are distinct per case (see storedAnchors), so the backfill needs no DISTINCT.
  await sql`INSERT INTO case_anchors (anchor, created_at, case_id) SELECT unnest(anchors), created_at, case_id FROM case_search`.execute(db);
  await sql`CREATE INDEX case_anchors_lookup ON case_anchors (anchor, created_at, case_id)`.execute(db);
  await sql`
    CREATE FUNCTION case_anchors_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND OLD.anchors IS NOT DISTINCT FROM NEW.anchors AND OLD.created_at IS NOT DISTINCT FROM NEW.created_at THEN
        RETURN NULL;
      END IF;
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM case_anchors WHERE anchor = ANY (OLD.anchors) AND case_id = OLD.case_id;
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO case_anchors (anchor, created_at, case_id) SELECT DISTINCT unnest(NEW.anchors), NEW.created_at, NEW.case_id;
      END IF;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER case_search_anchors_sync AFTER INSERT OR DELETE OR UPDATE OF anchors, created_at ON case_search
    FOR EACH ROW EXECUTE FUNCTION case_anchors_sync()`.execute(db);
  await sql`DROP INDEX IF EXISTS case_search_anchors`.execute(db);
  // The same list as OPEN_ANCHOR_STATUSES in duplicates.repository.ts: the query must repeat it literally.
  await sql`
    CREATE INDEX case_search_open_anchors ON case_search USING gin (anchors)
    WHERE status IN ('registered', 'dispatched', 'accepted', 'returned')`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DROP INDEX IF EXISTS case_search_open_anchors`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS case_search_anchors ON case_search USING gin (anchors)`.execute(db);
  await sql`DROP TRIGGER IF EXISTS case_search_anchors_sync ON case_search`.execute(db);
  await sql`DROP FUNCTION IF EXISTS case_anchors_sync()`.execute(db);
  await sql`DROP TABLE IF EXISTS case_anchors`.execute(db);
};
