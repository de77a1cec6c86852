import { sql, type Kysely } from 'kysely';

/**
 * Staff accounts managed in the product rather than in SQL: who made an account, when its owner last signed in
 * (administrators disable accounts nobody uses), and whether its password was set by an administrator and must
 * be replaced by one only its owner knows before the account can do anything else.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE users ADD COLUMN must_change_password boolean NOT NULL DEFAULT false`.execute(db);
  await sql`ALTER TABLE users ADD COLUMN last_login_at timestamptz`.execute(db);
  await sql`ALTER TABLE users ADD COLUMN created_by uuid REFERENCES users(id) ON DELETE SET NULL`.execute(db);
  // The last sign-in of existing accounts, from the sessions that are still open.
  await sql`UPDATE users SET last_login_at = s.last FROM (SELECT user_id, max(created_at) AS last FROM sessions GROUP BY user_id) s WHERE s.user_id = users.id`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS created_by`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS last_login_at`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS must_change_password`.execute(db);
};
