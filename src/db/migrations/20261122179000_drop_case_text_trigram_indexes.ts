import { sql, type Kysely } from 'kysely';

/**
 * The trigram indexes on case titles and descriptions served the first search (ILIKE). Search reads the
 * word index (case_search) now, and nothing reads these; every intake paid for them (a GIN entry per
 * trigram of the description). The trigram index on requesters' names indexes ciphertext since names are
 * sealed (docs/encryption.md): names are found by their blind index. The address trigram index stays: fuzzy
 * address matching uses it.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DROP INDEX IF EXISTS cases_title_trgm`.execute(db);
  await sql`DROP INDEX IF EXISTS cases_description_trgm`.execute(db);
  await sql`DROP INDEX IF EXISTS requesters_name_trgm`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`CREATE INDEX IF NOT EXISTS cases_title_trgm ON cases USING gin (title gin_trgm_ops)`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS cases_description_trgm ON cases USING gin (description gin_trgm_ops)`.execute(db);
  await sql`CREATE INDEX IF NOT EXISTS requesters_name_trgm ON requesters USING gin (name gin_trgm_ops) WHERE name IS NOT NULL`.execute(db);
};
