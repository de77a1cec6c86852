import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../config.js';
import { createDb, migrateToLatest, type Db } from '../db/database.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../db/embedded-postgres.js';
import { checkStats, rebuildStats } from '../db/stats.repository.js';
import type { CliIo } from './cli-io.js';

export const STATS_HELP = `Usage: bihuan stats <command> [options]

Statistics are rollups kept up to date from the case timeline (docs/statistics.md).

Commands:
  rebuild   recompute every case's contribution and every rollup from the timeline
            (one transaction: dashboards keep the old figures until it commits)
  check     rebuild in a transaction that is rolled back and report rollup rows that differ;
            exit status 1 if any does

Options:
  --database-url URL   the database (default: DATABASE_URL, else the embedded PostgreSQL
                       of BIHUAN_DATA_DIR, started for the command if the server is not running)
  -h, --help           show this help`;

/** The database of the configuration: DATABASE_URL, the running embedded server, or the embedded one started now. */
const openDatabase = async (explicitUrl: string | undefined, io: CliIo): Promise<{ db: Db; close: () => Promise<void> }> => {
  const config = loadConfig();
  let url = explicitUrl ?? config.databaseUrl;
  let embedded: EmbeddedServer | null = null;
  if (!url) {
    url = `postgres://bihuan:bihuan@127.0.0.1:${config.embeddedPgPort}/bihuan`;
    const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    const isRunning = await probe.connect().then(
      () => true,
      () => false,
    );
    await probe.end().catch(() => undefined);
    if (!isRunning) {
      io.stderr(`Starting the embedded PostgreSQL in ${config.dataDir}`);
      embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPgPort, log: io.stderr });
      url = embedded.url;
    }
  }
  const db = createDb(url, { max: 2 });
  return {
    db,
    close: async () => {
      await db.destroy();
      if (embedded) await embedded.stop();
    },
  };
};

export const runStatsCommand = async (argv: readonly string[], io: CliIo): Promise<0 | 1 | 2> => {
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { 'database-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  const [command, ...extra] = positionals;
  if (values.help || command === 'help') {
    io.stdout(STATS_HELP);
    return 0;
  }
  if ((command !== 'rebuild' && command !== 'check') || extra.length > 0) {
    io.stderr(command ? `bihuan stats: unknown command ${JSON.stringify([command, ...extra].join(' '))}\n\n${STATS_HELP}` : STATS_HELP);
    return 2;
  }
  const { db, close } = await openDatabase(values['database-url'], io);
  try {
    await migrateToLatest(db);
    if (command === 'rebuild') {
      const r = await rebuildStats(db, { log: io.stderr });
      io.stdout(
        `Rebuilt the statistics from ${r.events.toLocaleString('en')} events of ${r.cases.toLocaleString('en')} cases: ` +
          `${r.contributions.toLocaleString('en')} contributions, ${r.rollupRows.toLocaleString('en')} rollup rows, in ${r.seconds.toFixed(1)} s.`,
      );
      return 0;
    }
    const c = await checkStats(db);
    if (c.differing === 0) {
      io.stdout(`The statistics match the timeline: ${c.rollupRows.toLocaleString('en')} rollup rows of ${c.rebuild.cases.toLocaleString('en')} cases.`);
      return 0;
    }
    const queued = c.queuedEvents > 0 ? ` ${c.queuedEvents.toLocaleString('en')} events are still queued: a running server folds them in shortly.` : '';
    io.stdout(`${c.differing.toLocaleString('en')} rollup rows differ from a rebuild from the timeline.${queued} Otherwise run "bihuan stats rebuild".`);
    return 1;
  } finally {
    await close();
  }
};
