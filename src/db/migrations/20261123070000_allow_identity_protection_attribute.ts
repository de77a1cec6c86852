import { sql, type Kysely } from 'kysely';

/** An Open311 attribute may now carry the requester's wish for identity protection onto the case (docs/open311.md). */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE open311_attributes DROP CONSTRAINT IF EXISTS open311_attributes_maps_to_check`.execute(db);
  await sql`ALTER TABLE open311_attributes ADD CONSTRAINT open311_attributes_maps_to_check CHECK (maps_to IN ('amount_claimed_yuan', 'publication_consent', 'identity_protection'))`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`UPDATE open311_attributes SET maps_to = NULL WHERE maps_to = 'identity_protection'`.execute(db);
  await sql`ALTER TABLE open311_attributes DROP CONSTRAINT IF EXISTS open311_attributes_maps_to_check`.execute(db);
  await sql`ALTER TABLE open311_attributes ADD CONSTRAINT open311_attributes_maps_to_check CHECK (maps_to IN ('amount_claimed_yuan', 'publication_consent'))`.execute(db);
};
