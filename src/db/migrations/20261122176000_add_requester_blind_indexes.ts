import { sql, type Kysely } from 'kysely';

/**
 * Requesters' identity fields are now stored sealed (AES-256-GCM, src/core/privacy/field-crypto.ts) in their own
 * columns, and found by blind indexes (keyed hashes). Rows written before are sealed at start by
 * `sealRequesters` (src/db/requester-crypto.ts), which needs the keyring a migration does not have. The plain-text
 * indexes go: once the values are sealed they would index ciphertext.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE requesters
    ADD COLUMN name_bidx text,
    ADD COLUMN phone_bidx text,
    ADD COLUMN id_number_bidx text,
    ADD COLUMN email_bidx text`.execute(db);
  await sql`CREATE INDEX requesters_phone_bidx ON requesters (phone_bidx) WHERE phone_bidx IS NOT NULL`.execute(db);
  await sql`CREATE INDEX requesters_id_number_bidx ON requesters (id_number_bidx) WHERE id_number_bidx IS NOT NULL`.execute(db);
  await sql`CREATE INDEX requesters_name_bidx ON requesters (name_bidx) WHERE name_bidx IS NOT NULL`.execute(db);
  await sql`DROP INDEX IF EXISTS requesters_phone`.execute(db);
  await sql`DROP INDEX IF EXISTS requesters_name_trgm`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX IF NOT EXISTS requesters_phone ON requesters (phone) WHERE phone IS NOT NULL`.execute(db);
  await sql`ALTER TABLE requesters DROP COLUMN name_bidx, DROP COLUMN phone_bidx, DROP COLUMN id_number_bidx, DROP COLUMN email_bidx`.execute(db);
}
