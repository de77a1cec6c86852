import { sql, type Kysely } from 'kysely';

/**
 * Whether the account has a password its owner can type. Accounts made at a first single sign-on, and service
 * accounts, get a random hash nothing matches; without this column the confirmation before a sensitive step
 * (docs/access.md, "Recent sign-in") would ask them for a password they never had. Setting a password (an
 * administrator's reset, the owner's own change, an account made with one) sets it true.
 *
 * Existing people's accounts stay true: a hash nothing matches looks like every other hash, so the accounts made
 * by single sign-on before this migration cannot be told apart. Their owners keep seeing the password box beside
 * the single sign-on button, as before, until a password is set for them. Service accounts can be told apart (a
 * row in service_accounts), and none of them ever had a password: they are set false.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE users ADD COLUMN has_password boolean NOT NULL DEFAULT true`.execute(db);
  await sql`UPDATE users SET has_password = false WHERE id IN (SELECT user_id FROM service_accounts)`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS has_password`.execute(db);
};
