import { sql, type Kysely } from 'kysely';

/**
 * The requester's answer to "may this be published, anonymised?" (是否同意公开), asked on the public form and by
 * staff at intake. Existing cases were never asked: `not_asked`, so the publication rules alone decide for them,
 * as before. A constant default adds the column without rewriting the table.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`
    ALTER TABLE cases ADD COLUMN publication_consent text NOT NULL DEFAULT 'not_asked'
      CONSTRAINT cases_publication_consent_check CHECK (publication_consent IN ('granted', 'refused', 'not_asked'))`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE cases DROP COLUMN IF EXISTS publication_consent`.execute(db);
};
