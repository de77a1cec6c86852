import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // Service accounts are ordinary users (so every foreign key, timeline and audit entry works for them) that
  // cannot sign in: their password hash is of random bytes nobody knows, and OIDC refuses them. This row marks
  // them as such and says who made them.
  await sql`
    CREATE TABLE service_accounts (
      user_id uuid PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      description text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
      created_by uuid REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // API tokens: `bh_` + 43 random characters, kept only as a SHA-256 hash; token_prefix (the first characters)
  // is not secret and lets people recognise a token in lists. permissions are the scopes; unit_id narrows the
  // owner's unit scope; allowed_ips is a CIDR allow-list (null: any address).
  await sql`
    CREATE TABLE api_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      token_prefix text NOT NULL,
      token_hash text NOT NULL UNIQUE,
      permissions text[] NOT NULL,
      unit_id uuid REFERENCES units(id),
      allowed_ips cidr[],
      expires_at timestamptz NOT NULL,
      created_by uuid REFERENCES users(id),
      created_at timestamptz NOT NULL,
      last_used_at timestamptz,
      last_used_ip text,
      revoked_at timestamptz,
      revoked_by uuid REFERENCES users(id),
      rotated_from uuid REFERENCES api_tokens(id),
      CHECK (expires_at > created_at)
    )`.execute(db);
  await sql`CREATE INDEX api_tokens_owner_idx ON api_tokens (owner_id)`.execute(db);

  // OIDC sign-ins under way: state, nonce and PKCE verifier stay on the server, keyed by the hash of the state;
  // browser_hash binds the flow to the browser that started it (a cookie), against login CSRF. A row is taken
  // (DELETE … RETURNING) by the callback, so a state works once.
  await sql`
    CREATE TABLE oidc_login_states (
      state_hash text PRIMARY KEY,
      browser_hash text NOT NULL,
      nonce text NOT NULL,
      code_verifier text NOT NULL,
      return_to text,
      created_at timestamptz NOT NULL,
      expires_at timestamptz NOT NULL
    )`.execute(db);
  await sql`CREATE INDEX oidc_login_states_expires_idx ON oidc_login_states (expires_at)`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DROP TABLE IF EXISTS oidc_login_states`.execute(db);
  await sql`DROP TABLE IF EXISTS api_tokens`.execute(db);
  await sql`DROP TABLE IF EXISTS service_accounts`.execute(db);
};
