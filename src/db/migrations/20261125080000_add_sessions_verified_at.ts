import { sql, type Kysely } from 'kysely';

/**
 * When the session's owner last proved who they are: at sign-in, or by entering the password again for a
 * sensitive step (docs/access.md, "Recent sign-in"). Null means the sign-in itself (`created_at`), so that
 * existing sessions need no rewrite and no session gains a confirmation it never made.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE sessions ADD COLUMN verified_at timestamptz`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE sessions DROP COLUMN IF EXISTS verified_at`.execute(db);
};
