import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { createDb, migrateToLatest, type Db } from './db/database.js';
import { createAuthDeps, createCaseDeps } from './db/deps.js';
import { startEmbeddedPostgres, type EmbeddedServer } from './db/embedded-postgres.js';
import { buildApp } from './http/app.js';
import { seedDemo } from './seed/demo-seed.js';
import { jobHandlers } from './jobs/handlers.js';
import { startBackground } from './jobs/background.js';
import { applyRetentionSettings } from './jobs/retention.js';
import { applyAccountHygieneSettings } from './jobs/account-hygiene.js';
import { applySignInRetentionSettings } from './jobs/sign-in-retention.js';
import { backgroundWorkers, eventConsumers } from './jobs/consumers.js';
import { fieldCryptoFor } from './db/data-keys.js';
import { sealRequesters } from './db/requester-crypto.js';

export type RunningServer = {
  app: FastifyInstance;
  db: Db;
  url: string;
  stop: () => Promise<void>;
};

/** The built web app sits in dist/web at the repository root, whether we run from src or dist. */
export const defaultWebRoot = (): string => {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = here.includes(`${path.sep}dist${path.sep}`) ? here.slice(0, here.lastIndexOf(`${path.sep}dist${path.sep}`)) : path.resolve(here, '..');
  return path.join(root, 'dist', 'web');
};

export const startServer = async (
  config: Config,
  options: { now?: () => Date; log?: (message: string) => void; webRoot?: string; onDatabaseLost?: () => void } = {},
): Promise<RunningServer> => {
  const log = options.log ?? ((message: string) => console.log(message));
  const now = options.now ?? (() => new Date());
  let embedded: EmbeddedServer | null = null;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log, onUnexpectedExit: options.onDatabaseLost });
    databaseUrl = embedded.url;
    log(`Embedded PostgreSQL is running with its data in ${config.dataDir}`);
  }
  const db = createDb(databaseUrl, { isPreparing: config.isPreparingStatements });
  try {
    const applied = await migrateToLatest(db);
    if (applied.length > 0) log(`Applied migrations: ${applied.join(', ')}`);
    // Before any request: requesters written in plain text (before encryption, or by restoring an old backup).
    const sealed = await sealRequesters(db, fieldCryptoFor());
    if (sealed > 0) log(`Encrypted the identity of ${sealed} requesters written in plain text.`);
    if (config.isSeedEnabled) {
      const seeded = await seedDemo(db, { demoPassword: config.demoPassword, now: now() });
      if (seeded.generatedPassword) {
        log(`Demo users (admin, agent, dispatcher, handler, leader, supervisor) were created with the password: ${seeded.generatedPassword}`);
        log('It is shown only this once; set BIHUAN_DEMO_PASSWORD to choose it.');
      }
      if (seeded.isNew) log(`Seeded the demo organisation and ${seeded.caseCount} demo cases.`);
    }
    const app = await buildApp(
      {
        db,
        config,
        now,
        caseDeps: createCaseDeps(db, now),
        authDeps: createAuthDeps(db, now, config.sessionTtlHours, { idleMinutes: config.sessionIdleMinutes, passwordMaxAgeDays: config.passwordMaxAgeDays, reauthMinutes: config.reauthMinutes }),
        webRoot: options.webRoot ?? defaultWebRoot(),
      },
      { logLevel: config.logLevel },
    );
    const address = await app.listen({ port: config.port, host: config.host });
    await applyRetentionSettings(db, config.retentionDays, now());
    await applyAccountHygieneSettings(db, { dormantDays: config.dormantAccountDays, idleMinutes: config.sessionIdleMinutes }, now());
    await applySignInRetentionSettings(db, { noticeDays: config.signInNoticeDays, deviceDays: config.knownDeviceDays }, now());
    const worker = config.isBackgroundEnabled
      ? await startBackground(db, { handlers: jobHandlers, consumers: eventConsumers, workers: backgroundWorkers, now, pollMs: config.jobPollMs, log })
      : null;
    if (!worker) log('Background work is off in this process (BIHUAN_BACKGROUND=off): run `bihuan worker` beside it.');
    let isStopped = false;
    return {
      app,
      db,
      url: address,
      stop: async () => {
        if (isStopped) return;
        isStopped = true;
        await app.close();
        await worker?.stop();
        await db.destroy();
        if (embedded) await embedded.stop();
      },
    };
  } catch (error) {
    await db.destroy();
    if (embedded) await embedded.stop();
    throw error;
  }
};
