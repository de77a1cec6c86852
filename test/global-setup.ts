import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb, migrateToLatest } from '../src/db/database.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/db/embedded-postgres.js';
import { seedDemo } from '../src/seed/demo-seed.js';
import { adminQuery, templateDbName, TEST_PASSWORD, withDatabase } from './helpers/test-database.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    templateDb: string;
  }
}

let embedded: EmbeddedServer | null = null;
let cleanup: (() => Promise<void>) | null = null;

/**
 * One PostgreSQL for the whole run: the configured DATABASE_URL server, or an embedded one. A template
 * database is migrated and seeded once; each test file then clones it, which takes a fraction of a second.
 */
export const setup = async (project: TestProject): Promise<void> => {
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    // One cluster per port: parallel runs on one machine set BIHUAN_TEST_PG_PORT or use DATABASE_URL.
    const port = Number(process.env.BIHUAN_TEST_PG_PORT ?? 54339);
    const dataDir = path.resolve(`.tmp/test-pg-${port}`);
    embedded = await startEmbeddedPostgres({ dataDir, port, database: 'postgres' });
    adminUrl = embedded.url;
  }
  console.log(`[tests] PostgreSQL: ${process.env.DATABASE_URL ? 'DATABASE_URL server' : 'embedded'}`);
  const templateDb = templateDbName(process.pid);
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${templateDb} WITH (FORCE)`);
  await adminQuery(adminUrl, `CREATE DATABASE ${templateDb}`);
  const url = adminUrl;
  cleanup = () => adminQuery(url, `DROP DATABASE IF EXISTS ${templateDb} WITH (FORCE)`);
  const db = createDb(withDatabase(adminUrl, templateDb), { max: 2, onIdleError: () => {} });
  try {
    await migrateToLatest(db);
    await seedDemo(db, { demoPassword: TEST_PASSWORD, now: new Date() });
  } finally {
    await db.destroy();
  }
  project.provide('pgAdminUrl', adminUrl);
  project.provide('templateDb', templateDb);
};

export const teardown = async (): Promise<void> => {
  await cleanup?.().catch(() => undefined);
  if (embedded) await embedded.stop();
};
