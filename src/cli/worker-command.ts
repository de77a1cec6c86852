import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { migrateToLatest } from '../db/database.js';
import { startBackground } from '../jobs/background.js';
import { backgroundWorkers, eventConsumers } from '../jobs/consumers.js';
import { jobHandlers } from '../jobs/handlers.js';
import type { CliIo } from './cli-io.js';
import { withCliDatabase } from './cli-database.js';

export const WORKER_HELP = `Usage: bihuan worker [--once] [--database-url URL]

Runs the background work without the web server: due timers (SLA warnings and escalation), the event
consumers (notifications, statistics, search index, Open311 webhooks, open data) and audit sealing. Run it
beside web servers started with BIHUAN_BACKGROUND=off, so that requests do not share a process with this work;
any number of workers may run side by side (they share the queues in PostgreSQL).

--once   work until nothing is due, then exit (for a scheduler, or to drain a backlog)
Without --database-url, DATABASE_URL is used, else the embedded PostgreSQL under BIHUAN_DATA_DIR (the
running server's). Stops after the work at hand on SIGINT or SIGTERM.`;

export const runWorkerCommand = async (
  argv: readonly string[],
  io: CliIo,
  options: { signal?: AbortSignal } = {},
): Promise<number> => {
  const { values } = parseArgs({
    args: [...argv],
    options: { once: { type: 'boolean' }, 'database-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    io.stdout(WORKER_HELP);
    return 0;
  }
  const config = loadConfig();
  return withCliDatabase({ databaseUrl: values['database-url'] }, async (db) => {
    // A worker may start before the web server has migrated a new version: the schema must be current.
    await migrateToLatest(db);
    const log = (message: string) => io.stderr(`worker: ${message}`);
    const isOnce = values.once === true;
    const background = await startBackground(db, {
      handlers: jobHandlers, consumers: eventConsumers, workers: backgroundWorkers, pollMs: config.jobPollMs, log, isLooping: !isOnce,
    });
    if (isOnce) {
      let total = 0;
      for (let n = await background.runOnce(); n > 0; n = await background.runOnce()) total += n;
      io.stdout(`worker: ${total} jobs and events handled; nothing is due now`);
      return 0;
    }
    io.stdout(`worker: running (polling every ${config.jobPollMs} ms)`);
    await new Promise<void>((resolve) => {
      if (options.signal?.aborted) return resolve();
      options.signal?.addEventListener('abort', () => resolve(), { once: true });
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await background.stop();
    io.stdout('worker: stopped');
    return 0;
  });
};
