import { Kysely, Migrator, PostgresDialect, type KyselyConfig, type Transaction } from 'kysely';
import pg from 'pg';
import { migrations } from './migrations/index.js';
import { createPreparingPool, isPreparingEnabled } from './prepared-statements.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;
export type Trx = Transaction<Database>;
/** Repository functions take either the database or an open transaction first. */
export type DbOrTrx = Db | Trx;

/**
 * Inside the caller's transaction when given one, so that the caller's own writes (an audit entry, say) commit
 * or roll back with these; else in a transaction of its own. Kysely cannot nest transactions.
 */
export const inTransaction = <T>(db: DbOrTrx, fn: (trx: Trx) => Promise<T>): Promise<T> =>
  db.isTransaction ? fn(db as Trx) : db.transaction().execute(fn);

// Keep timestamps as Date and numeric/bigint as strings (we convert fen explicitly): pg's defaults.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => value);
// Calendar dates are days, not instants: keep 'YYYY-MM-DD' instead of a Date at local midnight.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export const createDb = (
  connectionString: string,
  options: { max?: number; onIdleError?: (error: Error) => void; log?: KyselyConfig['log']; isPreparing?: boolean } = {},
): Db => {
  // JIT compilation costs about a second per statement on list queries over 100k cases and pays off only for
  // long analytical scans, which we do not run in requests (the statistics read rollups).
  // A connection lives an hour at most, so that what it holds on the server (prepared statements, caches) does
  // not grow for the life of the process.
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10, application_name: 'bihuan', options: '-c jit=off', maxLifetimeSeconds: 3600 });
  // A connection closed by the server (restart, crash, failover, admin) emits 'error'; without a listener Node
  // treats it as uncaught and the whole process dies. An idle connection reports on the pool; one checked out
  // (inside a transaction, between two statements) only on its own client, so every client gets a listener
  // too. The statement in flight fails by itself, and the pool discards the broken client when it is released.
  const onError = options.onIdleError ?? ((error: Error) => console.error(`database connection lost: ${error.message}`));
  pool.on('error', () => {}); // the client's own listener below has already reported it
  pool.on('connect', (client) => client.on('error', onError));
  const isPreparing = options.isPreparing ?? isPreparingEnabled();
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool: isPreparing ? createPreparingPool(pool) : pool }),
    ...(options.log ? { log: options.log } : {}),
  });
};

export const migrateToLatest = async (db: Db): Promise<string[]> => {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'bihuan_migrations',
    migrationLockTableName: 'bihuan_migrations_lock',
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${String(error)}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
};
