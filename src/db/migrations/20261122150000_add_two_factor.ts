import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // TOTP (RFC 6238). The secret is sealed with AES-256-GCM under a key outside the database (BIHUAN_TOTP_KEY or
  // <data dir>/totp.key); a set-up is pending until a code from the new secret is shown. last_used_step makes
  // each code usable once: only a later step is accepted.
  await sql`
    CREATE TABLE user_totp (
      user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      secret_sealed text,
      enabled_at timestamptz,
      last_used_step bigint,
      pending_secret_sealed text,
      pending_created_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      CHECK ((secret_sealed IS NULL) = (enabled_at IS NULL)),
      CHECK ((pending_secret_sealed IS NULL) = (pending_created_at IS NULL)),
      CHECK (enabled_at IS NULL OR pending_secret_sealed IS NULL)
    )`.execute(db);

  // Ten one-time codes for a lost phone, kept as keyed hashes; a used code stays, marked, until the next set.
  await sql`
    CREATE TABLE user_recovery_codes (
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      code_hash text NOT NULL,
      created_at timestamptz NOT NULL,
      used_at timestamptz,
      PRIMARY KEY (user_id, code_hash)
    )`.execute(db);

  // Security settings administrators change at run time. two_factor_roles: a JSON array of the roles that
  // must use TOTP (none by default).
  await sql`
    CREATE TABLE security_settings (
      key text PRIMARY KEY CHECK (key IN ('two_factor_roles')),
      value jsonb NOT NULL,
      updated_by uuid REFERENCES users(id),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DROP TABLE IF EXISTS security_settings`.execute(db);
  await sql`DROP TABLE IF EXISTS user_recovery_codes`.execute(db);
  await sql`DROP TABLE IF EXISTS user_totp`.execute(db);
};
