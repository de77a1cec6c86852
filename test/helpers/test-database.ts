import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { createDb, type Db } from '../../src/db/database.js';

/** One template per test run, so that runs in parallel (several developers, CI jobs) never share one. */
export const templateDbName = (runId: number): string => `bihuan_tpl_${runId}`;
export const TEST_PASSWORD = 'test-password-1';

/** A URL on the same server with another database name. */
export const withDatabase = (url: string, database: string): string => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

export const adminQuery = async (adminUrl: string, text: string): Promise<void> => {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
};

export type TestDatabase = { url: string; db: Db; drop: () => Promise<void> };

/** A private copy of the migrated, seeded template for one test file. */
export const createTestDatabase = async (adminUrl: string, templateDb: string): Promise<TestDatabase> => {
  const name = `bihuan_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name} TEMPLATE ${templateDb}`);
  const url = withDatabase(adminUrl, name);
  const db = createDb(url, { max: 5, onIdleError: () => {} });
  return {
    url,
    db,
    drop: async () => {
      await db.destroy();
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
};
