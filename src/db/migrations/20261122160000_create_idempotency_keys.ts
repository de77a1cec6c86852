import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // A create request sent with an Idempotency-Key creates at most one case: the key is written in the same
  // transaction as the case, so both commit or neither does, and a retry finds the case (docs/durability.md).
  // The access code is kept so that a retry gets the answer the first request got; rows are deleted after
  // the replay window (24 h), like the registration message's stash of the code.
  await sql`
    CREATE TABLE idempotency_keys (
      scope text NOT NULL,
      key text NOT NULL,
      request_hash text NOT NULL,
      case_id uuid NOT NULL REFERENCES cases(id),
      access_code text NOT NULL,
      created_at timestamptz NOT NULL,
      PRIMARY KEY (scope, key)
    )`.execute(db);
  await sql`CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at)`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DROP TABLE IF EXISTS idempotency_keys`.execute(db);
};
