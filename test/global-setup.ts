import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb, migrateToLatest } from '../src/db/database.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/db/embedded-postgres.js';
import { seedDemo } from '../src/seed/demo-seed.js';
import { adminQuery, TEMPLATE_DB, TEST_PASSWORD, withDatabase } from './helpers/test-database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

let embedded: EmbeddedServer | null = null;

/**
 * One PostgreSQL for the whole run: the configured DATABASE_URL server, or an embedded one. A template
 * database is migrated and seeded once; each test file then clones it, which takes a fraction of a second.
 */
export const setup = async (project: TestProject): Promise<void> => {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dataDir = path.resolve('.tmp/test-pg');
    embedded = await startEmbeddedPostgres({ dataDir, port: Number(process.env.BIHUAN_TEST_PG_PORT ?? 54339), database: 'postgres' });
    adminUrl = embedded.url;
  }
  console.log(`[tests] PostgreSQL: ${process.env.DATABASE_URL ? 'DATABASE_URL server' : 'embedded'}`);
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  await adminQuery(adminUrl, `CREATE DATABASE ${TEMPLATE_DB}`);
  const db = createDb(withDatabase(adminUrl, TEMPLATE_DB), { max: 2 });
  try {
    await migrateToLatest(db);
    await seedDemo(db, { demoPassword: TEST_PASSWORD, now: new Date() });
  } finally {
    await db.destroy();
  }
  project.provide('pgAdminUrl', adminUrl);
};

export const teardown = async (): Promise<void> => {
  if (embedded) await embedded.stop();
};
