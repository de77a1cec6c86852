import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // Failures are counted per key ('user:<name>' and 'ip:<address>'), whether or not the user exists, so that
  // throttling neither reveals which usernames exist nor lets one address try many accounts.
  await sql`
    CREATE TABLE login_throttle (
      key text PRIMARY KEY,
      failures integer NOT NULL DEFAULT 0,
      window_started_at timestamptz NOT NULL,
      locked_until timestamptz
    )`.execute(db);
  await sql`ALTER TABLE users ADD COLUMN password_changed_at timestamptz`.execute(db);

  // Append-only audit of every state-changing request, login and personal-data reveal. Entries are written
  // without blocking requests; a single chainer then assigns chain_seq and a SHA-256 hash over the previous
  // hash and the entry, in commit order, so any later edit or deletion breaks the chain.
  await sql`
    CREATE TABLE audit_log (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      at timestamptz NOT NULL,
      actor_id uuid,
      actor_name text,
      ip text,
      user_agent text,
      action text NOT NULL,
      subject_kind text,
      subject_id text,
      outcome text NOT NULL,
      data jsonb NOT NULL DEFAULT '{}'::jsonb,
      chain_seq bigint UNIQUE,
      prev_hash text,
      hash text
    )`.execute(db);
  await sql`CREATE INDEX audit_log_unchained ON audit_log (id) WHERE chain_seq IS NULL`.execute(db);
  await sql`CREATE INDEX audit_log_subject ON audit_log (subject_kind, subject_id)`.execute(db);
  await sql`
    CREATE FUNCTION audit_log_guard() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'audit_log is append-only'; END IF;
      -- The only update allowed is the chainer sealing an unchained entry.
      IF OLD.chain_seq IS NOT NULL OR NEW.at IS DISTINCT FROM OLD.at OR NEW.action IS DISTINCT FROM OLD.action
         OR NEW.data IS DISTINCT FROM OLD.data OR NEW.actor_id IS DISTINCT FROM OLD.actor_id
         OR NEW.outcome IS DISTINCT FROM OLD.outcome OR NEW.subject_id IS DISTINCT FROM OLD.subject_id THEN
        RAISE EXCEPTION 'audit_log entries cannot be changed';
      END IF;
      RETURN NEW;
    END $$`.execute(db);
  await sql`CREATE TRIGGER audit_log_guard BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_guard()`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DROP TABLE IF EXISTS audit_log`.execute(db);
  await sql`DROP FUNCTION IF EXISTS audit_log_guard()`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS password_changed_at`.execute(db);
  await sql`DROP TABLE IF EXISTS login_throttle`.execute(db);
};
