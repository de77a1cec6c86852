import { parseArgs } from 'node:util';
import { backupDatabase, RestoreError, restoreDatabase } from '../db/backup.js';
import { sealAuditEntries, verifyAuditChain } from '../db/audit.repository.js';
import type { CliIo } from './cli-io.js';
import { withCliDatabase } from './cli-database.js';

const DB_OPTION = { 'database-url': { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;

export const AUDIT_HELP = `Usage: bihuan audit verify [--database-url URL]

Seals pending audit entries, then walks the hash chain of the audit log from the first entry and reports
the first entry that was changed, removed or re-linked. Exit 0 when intact, 3 when broken.`;

export const BACKUP_HELP = `Usage: bihuan backup --out FILE [--database-url URL]
       bihuan restore --in FILE [--database-url URL]

backup   writes a consistent logical backup (one snapshot, every table, the schema version) as gzip'd JSON lines
restore  loads such a file into an EMPTY database (created with CREATE DATABASE), at the backup's schema
         version, then migrates it to this program's version. Needs the database owner (superuser).
Without --database-url, DATABASE_URL is used, else the embedded PostgreSQL under BIHUAN_DATA_DIR.`;

export const runAuditCommand = async (argv: readonly string[], io: CliIo): Promise<number> => {
  const { positionals, values } = parseArgs({ args: [...argv], options: DB_OPTION, allowPositionals: true });
  if (values.help || positionals[0] !== 'verify') {
    (values.help ? io.stdout : io.stderr)(AUDIT_HELP);
    return values.help ? 0 : 2;
  }
  return withCliDatabase({ databaseUrl: values['database-url'] }, async (db) => {
    await sealAuditEntries(db, 1_000_000);
    const report = await verifyAuditChain(db);
    if (report.isIntact) {
      io.stdout(`audit log intact: ${report.entries} entries chained, ${report.unsealed} waiting to be sealed`);
      return 0;
    }
    io.stdout(`audit log BROKEN at entry ${report.firstBreak?.chainSeq} (id ${report.firstBreak?.id}): ${report.firstBreak?.reason}`);
    io.stdout(`${report.entries} entries before it are intact`);
    return 3;
  });
};

export const runBackupCommand = async (argv: readonly string[], io: CliIo): Promise<number> => {
  const { values } = parseArgs({ args: [...argv], options: { ...DB_OPTION, out: { type: 'string' } } });
  if (values.help || !values.out) {
    (values.help ? io.stdout : io.stderr)(BACKUP_HELP);
    return values.help ? 0 : 2;
  }
  const out = values.out;
  return withCliDatabase({ databaseUrl: values['database-url'] }, async (db) => {
    const started = Date.now();
    const header = await backupDatabase(db, out);
    const rows = header.tables.reduce((sum, t) => sum + t.rows, 0);
    io.stdout(`backup written to ${out}: ${header.tables.length} tables, ${rows} rows, schema ${header.migrations.at(-1)} (${Date.now() - started} ms)`);
    return 0;
  });
};

export const runRestoreCommand = async (argv: readonly string[], io: CliIo): Promise<number> => {
  const { values } = parseArgs({ args: [...argv], options: { ...DB_OPTION, in: { type: 'string' } } });
  if (values.help || !values.in) {
    (values.help ? io.stdout : io.stderr)(BACKUP_HELP);
    return values.help ? 0 : 2;
  }
  const input = values.in;
  return withCliDatabase({ databaseUrl: values['database-url'] }, async (db) => {
    try {
      const header = await restoreDatabase(db, input);
      io.stdout(`restored ${header.tables.reduce((s, t) => s + t.rows, 0)} rows from a backup of ${header.createdAt}`);
      return 0;
    } catch (error) {
      if (error instanceof RestoreError) {
        io.stderr(`bihuan restore: ${error.message}`);
        return 2;
      }
      throw error;
    }
  });
};
