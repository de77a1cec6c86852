import { sql, type Kysely } from 'kysely';

/**
 * Whether a single sign-on was started as the confirmation before a sensitive step (docs/access.md, "Recent
 * sign-in"): its callback then insists that the provider asked for the credentials again.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE oidc_login_states ADD COLUMN is_confirmation boolean NOT NULL DEFAULT false`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE oidc_login_states DROP COLUMN IF EXISTS is_confirmation`.execute(db);
};
