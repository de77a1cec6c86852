import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { OPEN_DATA_REFRESH_ALL_JOB } from '../core/open-data/open-data.types.js';
import { enqueueJob } from '../db/jobs.repository.js';
import type { CliIo } from './cli-io.js';
import { withCliDatabase } from './cli-database.js';

export const OPEN_DATA_HELP = `Usage: bihuan open-data refresh [--database-url URL]

Queues the refresh of every case's public snapshot, as saving changed publication settings does: after a change
of the masking rules in a new version, say, or to be sure the portal matches the cases. The server's background
work (or \`bihuan worker\`) carries it out, a page of cases at a time. Queuing it again while one waits to start
adds nothing; while one is under way, a new one is queued and starts again from the first case.`;

export const runOpenDataCommand = async (argv: readonly string[], io: CliIo): Promise<number> => {
  const { positionals, values } = parseArgs({
    args: [...argv],
    options: { 'database-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help || positionals[0] !== 'refresh' || positionals.length > 1) {
    (values.help ? io.stdout : io.stderr)(OPEN_DATA_HELP);
    return values.help ? 0 : 2;
  }
  return withCliDatabase({ databaseUrl: values['database-url'] }, async (db) => {
    const hasSchema = (await sql<{ table: string | null }>`SELECT to_regclass('jobs')::text AS table`.execute(db)).rows[0]?.table;
    if (!hasSchema) {
      io.stderr('bihuan: this database has no Bihuan schema yet: start the server (or bihuan worker) once, which migrates it');
      return 2;
    }
    const waiting = await db
      .selectFrom('jobs')
      .select('id')
      .where('kind', '=', OPEN_DATA_REFRESH_ALL_JOB)
      .where('done_at', 'is', null)
      // The first page of a refresh not yet done, retries included. A refresh already past its first pages is not
      // counted: the cases it has done may predate the reason for this one, so a new one starts from the first.
      .where(sql<boolean>`payload = '{}'::jsonb`)
      .executeTakeFirst();
    if (waiting) {
      io.stdout(`a refresh of every case is already waiting (job ${waiting.id}); nothing added`);
      return 0;
    }
    await enqueueJob(db, { kind: OPEN_DATA_REFRESH_ALL_JOB, runAt: new Date(), payload: {} });
    io.stdout('queued: every case\'s public snapshot will be refreshed by the background work');
    return 0;
  });
};
