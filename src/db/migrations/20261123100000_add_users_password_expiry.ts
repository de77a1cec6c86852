import { sql, type Kysely } from 'kysely';

/**
 * A one-time password from an administrator works for a limited time: an account nobody takes up must not keep,
 * for ever, a password someone else knows. Null for a password its owner chose.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE users ADD COLUMN password_expires_at timestamptz`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE users DROP COLUMN IF EXISTS password_expires_at`.execute(db);
};
