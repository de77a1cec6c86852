/**
 * Starts the real Bihuan server as a child process (`node --import tsx src/main.ts`) with its embedded
 * PostgreSQL in a throw-away data directory, and the process plumbing the crash and load benchmarks need:
 * free ports, readiness, the postmaster's pid, kills by pid, and waiting for processes to be gone.
 *
 * Only processes this module started (the server) or that the server started (its postmaster and the
 * postmaster's children) are ever signalled, always by pid.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import os from 'node:os';
import { createServer } from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT =
  process.env.BENCH_REPO ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * BENCH_ENTRY=build runs the server compiled by tsc (into a directory under the system's temp dir, never into
 * the repository) instead of through tsx: closer to `npm start`, and CPU profiles keep function names and
 * lines (tsx minifies whitespace, so every frame of src/ would be line 1). Compiled once per bench run.
 */
let builtEntry: string | null = null;
const serverEntry = (): { args: string[]; cwd: string } => {
  if (process.env.BENCH_ENTRY !== 'build') return { args: ['--import', 'tsx'], cwd: REPO_ROOT };
  if (!builtEntry) {
    const out = path.join(os.tmpdir(), `bihuan-bench-build-${process.pid}`);
    mkdirSync(out, { recursive: true });
    try {
      execFileSync(
        process.execPath,
        [
          path.join(REPO_ROOT, 'node_modules/typescript/bin/tsc'),
          '-p',
          'tsconfig.build.json',
          '--outDir',
          out,
          '--sourceMap',
          'false',
        ],
        {
          cwd: REPO_ROOT,
          stdio: 'pipe',
        },
      );
    } catch {
      // tsc emits even with type errors (others may be mid-edit); the server starting is what counts.
    }
    if (!existsSync(path.join(out, 'node_modules')))
      symlinkSync(path.join(REPO_ROOT, 'node_modules'), path.join(out, 'node_modules'));
    copyFileSync(path.join(REPO_ROOT, 'package.json'), path.join(out, 'package.json'));
    builtEntry = path.join(out, 'src', 'main.js');
    process.once('exit', () => rmSync(out, { recursive: true, force: true }));
  }
  return { args: [], cwd: path.dirname(path.dirname(builtEntry)) };
};

/** A port the kernel just gave out on loopback; free again when we return it. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

export type ServerOptions = {
  dataDir: string;
  port: number;
  pgPort: number;
  password: string;
  logFile: string;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  env?: Record<string, string>;
};

export type ServerProcess = {
  child: ChildProcess;
  pid: number;
  url: string;
  /** Resolves with the exit code or signal once the process is gone. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited: () => boolean;
};

export const spawnServer = (options: ServerOptions): ServerProcess => {
  const entry = serverEntry();
  appendFileSync(options.logFile, `--- bench: starting the server (${new Date().toISOString()}) ---\n`);
  const fd = openSync(options.logFile, 'a');
  const child = spawn(
    process.execPath,
    [...entry.args, ...(options.nodeArgs ?? []), entry.args.length > 0 ? 'src/main.ts' : 'src/main.js'],
    {
      cwd: entry.cwd,
      env: {
        ...process.env,
        DATABASE_URL: '',
        HOST: '127.0.0.1',
        PORT: String(options.port),
        BIHUAN_DATA_DIR: options.dataDir,
        BIHUAN_EMBEDDED_PG_PORT: String(options.pgPort),
        BIHUAN_DEMO_PASSWORD: options.password,
        BIHUAN_SEED: 'on',
        // Request logging at `info` writes two JSON lines per request; the benchmarks measure the server, not pino.
        BIHUAN_LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
        ...options.env,
      },
      stdio: ['ignore', fd, fd],
    },
  );
  closeSync(fd);
  let isGone = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      isGone = true;
      resolve({ code, signal });
    });
  });
  if (child.pid === undefined) throw new Error('could not spawn the server');
  return { child, pid: child.pid, url: `http://127.0.0.1:${options.port}`, exited, hasExited: () => isGone };
};

export const logTail = (logFile: string, lines = 25): string => {
  if (!existsSync(logFile)) return '(no log)';
  return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
};

/** Polls /healthz until it answers 200; fails early when the process exits. */
export const waitReady = async (
  server: ServerProcess,
  logFile: string,
  timeoutMs = 120_000,
): Promise<number> => {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (server.hasExited()) {
      const { code, signal } = await server.exited;
      throw new ServerStartError(
        `server exited during start (code ${code}, signal ${signal})`,
        logTail(logFile),
      );
    }
    try {
      const response = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (response.status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await sleep(150);
  }
  throw new ServerStartError(`server not ready after ${timeoutMs} ms`, logTail(logFile));
};

export class ServerStartError extends Error {
  constructor(
    message: string,
    readonly log: string,
  ) {
    super(message);
    this.name = 'ServerStartError';
  }
}

export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie still answers kill(0): look at its state.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
};

export const waitUntilDead = async (pids: readonly number[], timeoutMs: number): Promise<boolean> => {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (pids.every((pid) => !isAlive(pid))) return true;
    await sleep(50);
  }
  return pids.every((pid) => !isAlive(pid));
};

export const signal = (pid: number, sig: NodeJS.Signals): boolean => {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
};

/** The postmaster's pid from the first line of `<dataDir>/pg/postmaster.pid`, if the file exists. */
export const postmasterPid = (dataDir: string): number | null => {
  const file = path.join(dataDir, 'pg', 'postmaster.pid');
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8').split('\n')[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
};

/** Direct children of a process, from /proc (the postmaster's backends and auxiliary processes). */
export const childrenOf = (pid: number): number[] => {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
};

/** Stops the server politely (SIGTERM), then by SIGKILL if it does not exit in time. */
export const stopServer = async (server: ServerProcess, timeoutMs = 15_000): Promise<'exited' | 'killed'> => {
  if (server.hasExited()) return 'exited';
  signal(server.pid, 'SIGTERM');
  const outcome = await Promise.race([
    server.exited.then(() => 'exited' as const),
    sleep(timeoutMs).then(() => 'timeout' as const),
  ]);
  if (outcome === 'exited') return 'exited';
  signal(server.pid, 'SIGKILL');
  await server.exited;
  return 'killed';
};

/**
 * Makes sure no postmaster runs on the cluster in `dataDir`: fast shutdown (SIGINT) of a live one, immediate
 * shutdown (SIGQUIT) if that takes too long, then waits for its children, which hold the shared memory.
 * Returns what it found and did.
 */
export const stopCluster = async (dataDir: string): Promise<string> => {
  const pid = postmasterPid(dataDir);
  if (pid === null || !isAlive(pid)) return 'no postmaster running';
  const children = childrenOf(pid);
  signal(pid, 'SIGINT');
  if (await waitUntilDead([pid, ...children], 20_000)) return `stopped postmaster ${pid} (fast shutdown)`;
  signal(pid, 'SIGQUIT');
  if (await waitUntilDead([pid, ...children], 10_000))
    return `stopped postmaster ${pid} (immediate shutdown)`;
  return `postmaster ${pid} did not stop`;
};
