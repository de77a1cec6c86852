import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGunzip, createGzip } from 'node:zlib';
import { Migrator, sql } from 'kysely';
import type { Db } from './database.js';
import { migrations } from './migrations/index.js';

export const BACKUP_FORMAT = 'bihuan-backup';
export const BACKUP_VERSION = 1;
const MIGRATION_TABLES = ['bihuan_migrations', 'bihuan_migrations_lock'];

type Header = { format: string; version: number; createdAt: string; migrations: string[]; tables: { name: string; rows: number }[] };

const listTables = async (db: Db): Promise<string[]> =>
  (
    await sql<{ name: string }>`
      SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`.execute(db)
  ).rows
    .map((r) => r.name)
    .filter((name) => !MIGRATION_TABLES.includes(name));

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/**
 * A consistent logical backup: one read-only REPEATABLE READ snapshot, every table's rows as PostgreSQL's own
 * JSON text (never re-parsed in JS, so no number loses precision), gzip'd, with the schema version recorded.
 * Line 1 is a JSON header; each further line is `<table>\t<row JSON>`.
 */
export const backupDatabase = async (db: Db, file: string, now: Date = new Date()): Promise<Header> =>
  db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(async (trx) => {
    const applied = (await sql<{ name: string }>`SELECT name FROM bihuan_migrations ORDER BY name`.execute(trx)).rows.map((r) => r.name);
    const tables = await listTables(db);
    const counts: { name: string; rows: number }[] = [];
    async function* lines(): AsyncGenerator<string> {
      yield ''; // replaced by the header below, once counts are known (written last, then moved first)
      for (const table of tables) {
        let count = 0;
        let offset = 0;
        // Rows with files (up to 10 MiB each, twice that as hex) come a few at a time, so a page stays small.
        const pageRows = table === 'case_attachments' ? 8 : 5000;
        for (;;) {
          const page = await sql<{ row: string }>`
            SELECT row_to_json(t)::text AS row FROM ${sql.raw(quoteIdent(table))} t ORDER BY ctid LIMIT ${pageRows} OFFSET ${offset}`.execute(trx);
          for (const r of page.rows) yield `${table}\t${r.row}\n`;
          count += page.rows.length;
          offset += page.rows.length;
          if (page.rows.length < pageRows) break;
        }
        counts.push({ name: table, rows: count });
      }
    }
    const body = `${file}.body`;
    await pipeline(Readable.from(lines()), createGzip(), createWriteStream(body));
    const header: Header = { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt: now.toISOString(), migrations: applied, tables: counts };
    // Header first, then the body: a gzip file may be the concatenation of gzip members.
    await pipeline(Readable.from([`${JSON.stringify(header)}\n`]), createGzip(), createWriteStream(file));
    await pipeline(createReadStream(body), createWriteStream(file, { flags: 'a' }));
    const { rm } = await import('node:fs/promises');
    await rm(body, { force: true });
    return header;
  });

export class RestoreError extends Error {}

/**
 * Restores into an empty database: migrates it to the backup's schema version, loads every row with triggers
 * and foreign-key checks off (session_replication_role = replica; needs the database owner as superuser),
 * resets identity sequences, then migrates to the current version.
 */
const readHeader = async (file: string): Promise<Header> => {
  const rl = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
  for await (const line of rl) {
    rl.close();
    const header = JSON.parse(line) as Header;
    if (header.format !== BACKUP_FORMAT || header.version !== BACKUP_VERSION) throw new RestoreError('not a Bihuan backup of a known version');
    return header;
  }
  throw new RestoreError('empty backup file');
};

/**
 * Restores into an empty database: migrates it to the backup's schema version, loads every row with triggers
 * and foreign-key checks off (session_replication_role = replica, on one pinned connection; needs the
 * database owner as superuser), resets identity sequences, then migrates to the current version.
 */
export const restoreDatabase = async (pool: Db, file: string): Promise<Header> => {
  const header = await readHeader(file);
  const unknown = header.migrations.filter((m) => !(m in migrations));
  if (unknown.length > 0) throw new RestoreError(`the backup is newer than this program (unknown migrations: ${unknown.join(', ')})`);
  if ((await listTables(pool)).includes('units')) {
    const count = await sql<{ n: string }>`SELECT count(*)::text AS n FROM units`.execute(pool);
    if (Number(count.rows[0]?.n ?? 0) > 0) throw new RestoreError('the target database is not empty: restore into a new, empty database');
  }
  const migrator = new Migrator({ db: pool, provider: { getMigrations: async () => migrations }, migrationTableName: 'bihuan_migrations', migrationLockTableName: 'bihuan_migrations_lock' });
  const last = header.migrations.at(-1);
  if (last) {
    const { error } = await migrator.migrateTo(last);
    if (error) throw new RestoreError(`could not create the schema: ${String(error)}`);
  }
  await pool.connection().execute(async (db) => {
    await sql`SET session_replication_role = replica`.execute(db);
    try {
      const buffered = new Map<string, string[]>();
      const cleared = new Set<string>();
      const flush = async (table: string): Promise<void> => {
        // Migrations may seed rows (registrations, defaults): the backup's rows replace them.
        if (!cleared.has(table)) {
          cleared.add(table);
          await sql`DELETE FROM ${sql.raw(quoteIdent(table))}`.execute(db);
        }
        const rows = buffered.get(table);
        if (!rows || rows.length === 0) return;
        buffered.set(table, []);
        await sql`INSERT INTO ${sql.raw(quoteIdent(table))} OVERRIDING SYSTEM VALUE
          SELECT * FROM json_populate_recordset(NULL::${sql.raw(quoteIdent(table))}, ${`[${rows.join(',')}]`}::json)`.execute(db);
      };
      const rl = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity });
      let isHeader = true;
      for await (const line of rl) {
        if (isHeader) {
          isHeader = false;
          continue;
        }
        const tab = line.indexOf('\t');
        if (tab < 0) continue;
        const table = line.slice(0, tab);
        const list = buffered.get(table) ?? [];
        list.push(line.slice(tab + 1));
        buffered.set(table, list);
        if (list.length >= 1000) await flush(table);
      }
      for (const table of buffered.keys()) await flush(table);
    } finally {
      await sql`SET session_replication_role = DEFAULT`.execute(db);
    }
    // Identity columns continue after the highest restored value.
    const identities = await sql<{ table_name: string; column_name: string }>`
      SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND is_identity = 'YES'`.execute(db);
    for (const { table_name: t, column_name: c } of identities.rows) {
      await sql`SELECT setval(pg_get_serial_sequence(${t}, ${c}), coalesce((SELECT max(${sql.raw(quoteIdent(c))}) FROM ${sql.raw(quoteIdent(t))}), 0) + 1, false)`.execute(db);
    }
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw new RestoreError(`restored, but migrating to this version failed: ${String(error)}`);
  return header;
};
