import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // One row per case, rewritten by the `search.index` event consumer whenever the case has a new event.
  // The documents are built in the application from our own tokens (jieba for Chinese, syllables and bigrams
  // for Tibetan) and cast from tsvector literals: PostgreSQL's parser would split a Tibetan bigram at its tsheg.
  await sql`
    CREATE TABLE case_search (
      case_id uuid PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
      document tsvector NOT NULL,
      document_with_internal tsvector,
      created_at timestamptz NOT NULL,
      status text NOT NULL,
      category_id uuid,
      channel text NOT NULL,
      kind text NOT NULL,
      unit_ids uuid[] NOT NULL DEFAULT '{}',
      requester_keys text[] NOT NULL DEFAULT '{}',
      anchors integer[] NOT NULL DEFAULT '{}',
      lat double precision,
      lng double precision,
      text_weight real NOT NULL DEFAULT 0,
      similar_to uuid REFERENCES cases(id) ON DELETE SET NULL,
      similarity real,
      indexed_seq integer NOT NULL DEFAULT 0,
      indexed_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // Documents go out of line from a few hundred bytes on: the row itself stays small, so a search that
  // walks many matches reads few pages, and filters by date, status or unit never touch the documents.
  await sql`ALTER TABLE case_search SET (toast_tuple_target = 512)`.execute(db);
  await sql`CREATE INDEX case_search_document ON case_search USING gin (document)`.execute(db);
  // Internal notes exist on a minority of cases; the full document is stored only for those.
  await sql`CREATE INDEX case_search_document_with_internal ON case_search USING gin (document_with_internal) WHERE document_with_internal IS NOT NULL`.execute(db);
  await sql`CREATE INDEX case_search_created ON case_search (created_at DESC)`.execute(db);
  // The units a case was taken in by or assigned to: narrows a unit's search before the exact scope check.
  await sql`CREATE INDEX case_search_unit_ids ON case_search USING gin (unit_ids)`.execute(db);
  await sql`CREATE INDEX case_search_requester_keys ON case_search USING gin (requester_keys)`.execute(db);
  // Hashes of each request's rarest words: candidates for duplicate detection without reading documents.
  await sql`CREATE INDEX case_search_anchors ON case_search USING gin (anchors)`.execute(db);
  await sql`CREATE INDEX case_search_location ON case_search USING gist (point(lng, lat)) WHERE lat IS NOT NULL`.execute(db);
  await sql`CREATE INDEX case_search_similar_to ON case_search (similar_to) WHERE similar_to IS NOT NULL`.execute(db);

  // Document frequencies of the title and description lexemes, for IDF weights in duplicate detection.
  // The row with the empty lexeme counts the documents.
  await sql`
    CREATE TABLE search_terms (
      lexeme text PRIMARY KEY,
      df integer NOT NULL CHECK (df >= 0)
    )`.execute(db);
  await sql`INSERT INTO search_terms (lexeme, df) VALUES ('', 0)`.execute(db);

  // Fuzzy matching of names and addresses (typos, partial names) with trigrams; pg_trgm is already installed.
  await sql`CREATE INDEX cases_address_trgm ON cases USING gin (address gin_trgm_ops) WHERE address IS NOT NULL`.execute(db);
  await sql`CREATE INDEX requesters_name_trgm ON requesters USING gin (name gin_trgm_ops) WHERE name IS NOT NULL`.execute(db);
  await sql`CREATE INDEX cases_requester ON cases (requester_id) WHERE requester_id IS NOT NULL`.execute(db);

  // Register the consumer here rather than at first start, and queue every existing case once: the index
  // is then complete from the first run, through the same code path as any later change.
  await sql`INSERT INTO event_consumers (name, item_kinds) VALUES ('search.index', ARRAY['case']) ON CONFLICT (name) DO NOTHING`.execute(db);
  await sql`
    INSERT INTO event_outbox (consumer, event_id)
    SELECT 'search.index', max(id) FROM work_item_events WHERE item_kind = 'case' GROUP BY item_id`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DELETE FROM event_consumers WHERE name = 'search.index'`.execute(db);
  await sql`DROP INDEX IF EXISTS cases_requester`.execute(db);
  await sql`DROP INDEX IF EXISTS requesters_name_trgm`.execute(db);
  await sql`DROP INDEX IF EXISTS cases_address_trgm`.execute(db);
  await sql`DROP TABLE IF EXISTS search_terms`.execute(db);
  await sql`DROP TABLE IF EXISTS case_search`.execute(db);
};
