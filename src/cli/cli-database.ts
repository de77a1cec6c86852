import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config.js';
import { createDb, type Db } from '../db/database.js';
import { startEmbeddedPostgres } from '../db/embedded-postgres.js';

/**
 * The database a CLI command works on: DATABASE_URL (or --database-url), else the embedded cluster under
 * BIHUAN_DATA_DIR — the running server's if it is up, otherwise started for the command and stopped after.
 */
export const withCliDatabase = async <T>(options: { databaseUrl?: string }, fn: (db: Db, url: string) => Promise<T>): Promise<T> => {
  const config = loadConfig();
  const explicit = options.databaseUrl ?? config.databaseUrl;
  if (explicit) {
    const db = createDb(explicit, { max: 4 });
    try {
      return await fn(db, explicit);
    } finally {
      await db.destroy();
    }
  }
  const isRunning = existsSync(path.join(config.dataDir, 'pg', 'postmaster.pid'));
  const embedded = isRunning ? null : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort });
  const url = embedded?.url ?? `postgres://bihuan:bihuan@127.0.0.1:${config.embeddedPgPort}/bihuan`;
  const db = createDb(url, { max: 4 });
  try {
    return await fn(db, url);
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
};
