import { sql, type Kysely } from 'kysely';

/**
 * Why and when an account was disabled: an administrator's decision reads differently from an account the daily
 * check turned off after months without a sign-in, and the administrator who enables it again needs to know which.
 * Accounts disabled before this migration keep a null reason. `enabled_at` counts as activity for that check, so
 * that an account enabled again is not turned off the next night before its owner has had time to sign in.
 * `password_change_reason` says why a password must be replaced (set by an administrator, or older than
 * BIHUAN_PASSWORD_MAX_AGE_DAYS), so that the page can say which; rows flagged before it are an administrator's.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE users ADD COLUMN disabled_at timestamptz`.execute(db);
  await sql`ALTER TABLE users ADD COLUMN enabled_at timestamptz`.execute(db);
  await sql`ALTER TABLE users ADD COLUMN password_change_reason text CHECK (password_change_reason IN ('administrator', 'expired'))`.execute(db);
  await sql`UPDATE users SET password_change_reason = 'administrator' WHERE must_change_password`.execute(db);
  // The last sign-in was kept only from the sessions still open when it was added: someone who always signs out
  // has none. Every account in use gets a whole period from the upgrade, so that the first night disables nobody
  // who merely signed out properly.
  await sql`UPDATE users SET enabled_at = now() WHERE is_active`.execute(db);
  await sql`ALTER TABLE users ADD COLUMN disabled_reason text CHECK (disabled_reason IN ('administrator', 'operator', 'dormant'))`.execute(db);
  // The daily check of dormant accounts and the purge of ended sessions read these.
  await sql`CREATE INDEX sessions_expires_at ON sessions (expires_at)`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DROP INDEX IF EXISTS sessions_expires_at`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS disabled_reason`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS password_change_reason`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS enabled_at`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS disabled_at`.execute(db);
};
