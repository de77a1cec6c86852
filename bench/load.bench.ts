/**
 * Load test of the mixed staff workload.
 * Run: npx tsx bench/load.bench.ts        (npm run bench:load)
 *
 * LOAD_CLIENTS concurrent clients (default 50), each a closed loop (send, wait for the answer, send the next),
 * for LOAD_SECONDS (default 60), against a server this script starts like the crash test does (fresh embedded
 * PostgreSQL, demo seed) or against BENCH_URL (then BENCH_PASSWORD is the demo users' password).
 *
 * Operations, weighted by LOAD_MIX (default `intake=40,queue=15,page=20,action=15,search=10`):
 *   intake   POST /api/v1/cases as `agent`
 *   queue    GET /api/v1/cases?mine=true as dispatcher / unit handlers, and filtered lists (status, overdue, sort)
 *   page     GET /api/v1/cases/{id} (the case page: detail + timeline + allowed actions)
 *   action   dispatch (dispatcher) → accept (the unit's handler), or note, on the bench's own cases
 *   search   GET /api/v1/cases?q=… (words and tracking numbers)
 * `LOAD_MIX=intake=1` measures case creation alone.
 *
 * Prints throughput, p50/p95/p99/max latency and errors per operation and overall, the intake rate over time,
 * CPU seconds used by the server, PostgreSQL and the load generator, what PostgreSQL backends waited on, and
 * the load average before and after (this is a 2-core machine shared with other work).
 * LOAD_CPU_PROF=1 runs the server with --cpu-prof and prints its top functions and packages.
 * LOAD_DRAIN_SECONDS=n then watches the idle server work off the event consumers' queue for up to n seconds.
 * BENCH_ENTRY=build runs the server compiled by tsc instead of through tsx (see bench/lib/server-process.ts).
 * LOAD_PG_STATEMENTS=1 preloads pg_stat_statements (one extra restart) and prints PostgreSQL's top statements, with their planning time
 * (`full`: with their whole text).
 * LOAD_WORKER=separate runs the background work (timers, event consumers) in a `bihuan worker` process beside a
 * server started with BIHUAN_BACKGROUND=off, and prints its CPU apart; `none` runs no background work at all
 * (the request path alone; the queues grow); default: in the server, as `npm start` does.
 * LOAD_SESSIONS=shared makes all clients use one session per role (default: one per client and role; against
 * BENCH_URL sessions are always shared, as login is rate-limited).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { summariseProfile } from './lib/cpu-profile.js';
import { HttpClient, errorCode, isRecord, login, stringField, type HttpResult } from './lib/http-client.js';
import { caseBody, type Directory } from './lib/intake.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import {
  REPO_ROOT,
  freePort,
  postmasterPid,
  spawnServer,
  stopCluster,
  stopServer,
  waitReady,
  type ServerProcess,
} from './lib/server-process.js';
import { OpStats, clusterCpuSeconds, cpuSecondsOf, fmtMs, summarise } from './lib/stats.js';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const CLIENTS = Number(process.env.LOAD_CLIENTS ?? 50);
const MIX_TEXT = process.env.LOAD_MIX ?? 'intake=40,queue=15,page=20,action=15,search=10';
const CPU_PROF = process.env.LOAD_CPU_PROF === '1';
const DRAIN_SECONDS = Number(process.env.LOAD_DRAIN_SECONDS ?? 0);
const SESSIONS = process.env.LOAD_SESSIONS === 'shared' ? 'shared' : 'per-client';
const PG_STATEMENTS = process.env.LOAD_PG_STATEMENTS === '1' || process.env.LOAD_PG_STATEMENTS === 'full';
const WORKER = process.env.LOAD_WORKER === 'separate' || process.env.LOAD_WORKER === 'none' ? process.env.LOAD_WORKER : 'in-server';
const TARGET_CREATIONS = 1000;
const TARGET_P99_MS = 100;

type OpKind = 'intake' | 'queue' | 'page' | 'action' | 'search';
const OP_KINDS: readonly OpKind[] = ['intake', 'queue', 'page', 'action', 'search'];

const parseMix = (text: string): { kind: OpKind; weight: number }[] => {
  const mix = text.split(',').map((part) => {
    const [name, weight] = part.split('=').map((s) => s.trim());
    if (!OP_KINDS.includes(name as OpKind))
      throw new Error(`LOAD_MIX: unknown operation ${name ?? ''} (use ${OP_KINDS.join(', ')})`);
    return { kind: name as OpKind, weight: Number(weight ?? 1) };
  });
  if (mix.some((m) => !(m.weight >= 0)) || mix.every((m) => m.weight === 0))
    throw new Error('LOAD_MIX: weights must be ≥ 0, not all 0');
  return mix;
};

// A fixed-seed xorshift keeps runs comparable.
let seed = 0x2545f491;
const random = (): number => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 2 ** 32;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const HANDLER_OF_UNIT: Record<string, string> = {
  hrss: 'handler',
  cityman: 'handler_city',
  market: 'handler_market',
  union: 'handler_union',
};
const ROLES = ['agent', 'dispatcher', 'supervisor', ...Object.values(HANDLER_OF_UNIT)] as const;
const SEARCH_WORDS = ['噪音', '工资', '供暖', 'Street', '北京中路', 'གླ་ཕོགས', '卫生', '社保'];

type Category = { id: string; unitId: string; unitCode: string };
type World = {
  /** Bearer tokens by username: one set per client (see mintSessions), or one shared set. */
  sessions: Map<string, string>[];
  categories: Category[];
  directory: Directory;
  /** Recent case ids and tracking numbers (ring), for case pages, notes and searches. */
  recent: { id: string; trackingNo: string }[];
  /** The bench's own cases (ring), all open. */
  own: { id: string; trackingNo: string }[];
  registered: { id: string; unitId: string; unitCode: string }[];
  dispatched: { id: string; unitCode: string }[];
  nextRef: number;
};

const RECENT_MAX = 5000;
const POOL_MAX = 20_000;

const remember = (ring: { id: string; trackingNo: string }[], id: string, trackingNo: string): void => {
  if (ring.length < RECENT_MAX) ring.push({ id, trackingNo });
  else ring[Math.floor(random() * RECENT_MAX)] = { id, trackingNo };
};

const tokenOf = (tokens: Map<string, string>, username: string): string => {
  const token = tokens.get(username);
  if (!token) throw new Error(`no token for ${username}`);
  return token;
};

type Outcome = { label: string; result: HttpResult; expected: number };

const runOp = async (
  client: HttpClient,
  world: World,
  tokens: Map<string, string>,
  kind: OpKind,
): Promise<Outcome> => {
  switch (kind) {
    case 'intake': {
      world.nextRef += 1;
      const n = world.nextRef;
      const category = pick(world.categories);
      const body = { ...caseBody(`L-${n}`, world.directory, n), categoryId: category.id };
      const result = await client.request('POST', '/api/v1/cases', { token: tokenOf(tokens, 'agent'), body });
      const id = stringField(result.body, 'id');
      const trackingNo = stringField(result.body, 'trackingNo');
      if (result.status === 201 && id && trackingNo) {
        remember(world.recent, id, trackingNo);
        remember(world.own, id, trackingNo);
        if (world.registered.length < POOL_MAX)
          world.registered.push({ id, unitId: category.unitId, unitCode: category.unitCode });
      }
      return { label: 'intake', result, expected: 201 };
    }
    case 'queue': {
      const r = random();
      let user: string;
      let query: string;
      if (r < 0.3) [user, query] = ['dispatcher', 'mine=true'];
      else if (r < 0.6) [user, query] = [pick(Object.values(HANDLER_OF_UNIT)), 'mine=true'];
      else if (r < 0.75) [user, query] = ['supervisor', 'overdue=true&sort=replyDueAt'];
      else if (r < 0.9) [user, query] = ['handler', 'status=dispatched,accepted&sort=replyDueAt'];
      else
        [user, query] = ['agent', `status=registered&channel=phone&categoryId=${pick(world.categories).id}`];
      const result = await client.request('GET', `/api/v1/cases?${query}`, { token: tokenOf(tokens, user) });
      return { label: 'queue', result, expected: 200 };
    }
    case 'page': {
      const target = pick(world.recent);
      const result = await client.request('GET', `/api/v1/cases/${target.id}`, {
        token: tokenOf(tokens, random() < 0.5 ? 'agent' : 'dispatcher'),
      });
      return { label: 'case page', result, expected: 200 };
    }
    case 'action': {
      const r = random();
      if (r < 0.4 && world.registered.length > 0) {
        const c = world.registered.pop();
        if (c) {
          const result = await client.request('POST', `/api/v1/cases/${c.id}/dispatch`, {
            token: tokenOf(tokens, 'dispatcher'),
            body: { unitId: c.unitId, note: '请按时限办理并答复。' },
          });
          if (result.status === 200 && world.dispatched.length < POOL_MAX)
            world.dispatched.push({ id: c.id, unitCode: c.unitCode });
          return { label: 'dispatch', result, expected: 200 };
        }
      }
      if (r < 0.75 && world.dispatched.length > 0) {
        const c = world.dispatched.shift();
        if (c) {
          const result = await client.request('POST', `/api/v1/cases/${c.id}/accept`, {
            token: tokenOf(tokens, HANDLER_OF_UNIT[c.unitCode] ?? 'handler'),
            body: { note: '已签收，安排专人办理。' },
          });
          return { label: 'accept', result, expected: 200 };
        }
      }
      // Notes go on the bench's own (open) cases: seeded ones include closed cases, where a note is refused.
      if (world.own.length === 0) return runOp(client, world, tokens, 'page');
      const target = pick(world.own);
      const result = await client.request('POST', `/api/v1/cases/${target.id}/note`, {
        token: tokenOf(tokens, 'agent'),
        body: { text: '已电话联系诉求人，约定明日回访。', isInternal: true },
      });
      return { label: 'note', result, expected: 200 };
    }
    case 'search': {
      const q = random() < 0.5 ? pick(SEARCH_WORDS) : pick(world.recent).trackingNo;
      const result = await client.request('GET', `/api/v1/cases?q=${encodeURIComponent(q)}`, {
        token: tokenOf(tokens, 'agent'),
      });
      return { label: 'search', result, expected: 200 };
    }
  }
};

const itemsOf = (body: unknown): Record<string, unknown>[] =>
  isRecord(body) && Array.isArray(body.items)
    ? body.items.filter((item): item is Record<string, unknown> => isRecord(item))
    : [];

/**
 * One session per client and role, as 50 people at their desks would have. Login is rate-limited (30 a minute
 * per address), so when the bench owns the database it mints the sessions there, the way login stores them
 * (the SHA-256 of the token). Sharing one session between all clients would make every request update the
 * same `sessions` row (last_seen_at), a hot row that is not what real use looks like.
 */
const mintSessions = async (pgUrl: string, count: number): Promise<Map<string, string>[]> => {
  const db = new pg.Client({ connectionString: pgUrl });
  await db.connect();
  try {
    const users = await db.query<{ id: string; username: string }>(
      'SELECT id, username FROM users WHERE username = ANY($1)',
      [[...ROLES]],
    );
    const all: Map<string, string>[] = [];
    for (let i = 0; i < count; i += 1) {
      const tokens = new Map<string, string>();
      for (const u of users.rows) {
        const token = randomBytes(32).toString('base64url');
        await db.query(
          `INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
           VALUES ($1, $2, now(), now(), now() + interval '12 hours', '127.0.0.1', 'bihuan-load-bench')`,
          [createHash('sha256').update(token).digest('hex'), u.id],
        );
        tokens.set(u.username, token);
      }
      all.push(tokens);
    }
    return all;
  } finally {
    await db.end();
  }
};

const prepareWorld = async (client: HttpClient, password: string, pgUrl: string | null): Promise<World> => {
  const tokens = new Map<string, string>();
  for (const user of ROLES) tokens.set(user, await login(client, user, password));
  const sessions = pgUrl && SESSIONS === 'per-client' ? await mintSessions(pgUrl, CLIENTS) : [tokens];
  const [categoriesResult, unitsResult, casesResult] = await Promise.all([
    client.request('GET', '/api/v1/categories'),
    client.request('GET', '/api/v1/units'),
    client.request('GET', '/api/v1/cases?pageSize=100', { token: tokens.get('agent') ?? '' }),
  ]);
  const unitCodeById = new Map(
    itemsOf(unitsResult.body).flatMap((u) =>
      typeof u.id === 'string' && typeof u.code === 'string' ? [[u.id, u.code] as const] : [],
    ),
  );
  const categories: Category[] = itemsOf(categoriesResult.body).flatMap((c) => {
    const unitCode = typeof c.defaultUnitId === 'string' ? unitCodeById.get(c.defaultUnitId) : undefined;
    return typeof c.id === 'string' &&
      typeof c.defaultUnitId === 'string' &&
      unitCode &&
      HANDLER_OF_UNIT[unitCode]
      ? [{ id: c.id, unitId: c.defaultUnitId, unitCode }]
      : [];
  });
  if (categories.length === 0) throw new Error('no seeded categories whose unit has a demo handler');
  const world: World = {
    sessions,
    categories,
    directory: {
      categoryIds: categories.map((c) => c.id),
      unitIdsByCode: new Map([...unitCodeById].map(([id, code]) => [code, id])),
    },
    recent: [],
    own: [],
    registered: [],
    dispatched: [],
    nextRef: 0,
  };
  for (const c of itemsOf(casesResult.body))
    if (typeof c.id === 'string' && typeof c.trackingNo === 'string')
      remember(world.recent, c.id, c.trackingNo);
  if (world.recent.length === 0) throw new Error('no cases visible to agent: seed the database');
  return world;
};

const sampleWaits = (pgUrl: string, counts: Map<string, number>, signal: AbortSignal): Promise<void> =>
  (async () => {
    const db = new pg.Client({ connectionString: pgUrl, application_name: 'bench-sampler' });
    await db.connect();
    try {
      while (!signal.aborted) {
        const result = await db.query<{ what: string; n: string }>(
          `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') || ' (' || state || ')' AS what, count(*) AS n
             FROM pg_stat_activity WHERE datname = 'bihuan' AND application_name = 'bihuan' AND state <> 'idle' GROUP BY 1`,
        );
        counts.set('#samples', (counts.get('#samples') ?? 0) + 1);
        for (const row of result.rows) counts.set(row.what, (counts.get(row.what) ?? 0) + Number(row.n));
        await sleep(100);
      }
    } finally {
      await db.end();
    }
  })();

const withPg = async <T>(pgUrl: string, fn: (db: pg.Client) => Promise<T>): Promise<T> => {
  const db = new pg.Client({ connectionString: pgUrl });
  await db.connect();
  try {
    return await fn(db);
  } finally {
    await db.end();
  }
};

/** `bihuan worker` on the bench's database, with the server's data directory (its keys of personal data). */
const spawnWorker = (options: { dataDir: string; pgUrl: string; logFile: string }): ChildProcess => {
  const fd = openSync(options.logFile, 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/bihuan.ts', 'worker', '--database-url', options.pgUrl], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: '', BIHUAN_DATA_DIR: options.dataDir, BIHUAN_JOB_POLL_MS: '1000' },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  return child;
};

/**
 * PostgreSQL's side of the run: the statements that took the most time, planning and execution together
 * (pg_stat_statements with track_planning).
 */
const printTopStatements = async (pgUrl: string): Promise<void> => {
  const result = await withPg(pgUrl, (db) =>
    db.query<{ query: string; calls: string; total: number; plan: number; mean: number }>(
      `SELECT query, calls, total_exec_time + total_plan_time AS total, total_plan_time AS plan, mean_exec_time AS mean FROM pg_stat_statements
        WHERE query NOT ILIKE '%pg_stat%' ORDER BY total_exec_time + total_plan_time DESC LIMIT 15`,
    ),
  );
  const all = await withPg(pgUrl, (db) =>
    db.query<{ exec: number; plan: number; calls: string }>(
      'SELECT sum(total_exec_time) AS exec, sum(total_plan_time) AS plan, sum(calls) AS calls FROM pg_stat_statements',
    ),
  );
  const exec = Number(all.rows[0]?.exec ?? 0);
  const plan = Number(all.rows[0]?.plan ?? 0);
  const sum = exec + plan;
  console.log(
    `\nPostgreSQL statements by planning + execution time (pg_stat_statements; ${Number(all.rows[0]?.calls ?? 0)} calls; ` +
      `${(exec / 1000).toFixed(1)} s executing, ${(plan / 1000).toFixed(1)} s planning):`,
  );
  console.log('  share      calls  run ms/call  plan ms/call  statement');
  for (const r of result.rows) {
    const text = r.query.replace(/\s+/g, ' ').slice(0, process.env.LOAD_PG_STATEMENTS === 'full' ? undefined : 130);
    const calls = Math.max(Number(r.calls), 1);
    console.log(
      `  ${((100 * r.total) / Math.max(sum, 1)).toFixed(1).padStart(5)}%  ${String(r.calls).padStart(7)}  ${r.mean.toFixed(3).padStart(11)}  ${(r.plan / calls).toFixed(3).padStart(12)}  ${text}`,
    );
  }
};

/**
 * The work a request leaves behind: every timeline event is queued for each event consumer (statistics,
 * notifications, webhooks, search index), which the background loop handles one transaction each. Measures how
 * fast the idle server drains that queue and what it costs, so that the sustainable intake rate can be told.
 */
const measureDrain = async (pgUrl: string, serverPid: number, postmaster: number): Promise<void> => {
  const db = new pg.Client({ connectionString: pgUrl });
  await db.connect();
  try {
    const pending = async (): Promise<number> =>
      Number(
        (await db.query<{ n: string }>('SELECT count(*) AS n FROM event_outbox WHERE attempts < 10')).rows[0]
          ?.n ?? 0,
      );
    const start = await pending();
    const cpu0 = { server: cpuSecondsOf(serverPid), pg: clusterCpuSeconds(postmaster) };
    const t0 = performance.now();
    let left = start;
    while (left > 0 && performance.now() - t0 < DRAIN_SECONDS * 1000) {
      await sleep(1000);
      left = await pending();
    }
    const seconds = (performance.now() - t0) / 1000;
    const serverCpu = cpuSecondsOf(serverPid) - cpu0.server;
    let pgCpu = 0;
    for (const [pid, v] of clusterCpuSeconds(postmaster)) pgCpu += v - (cpu0.pg.get(pid) ?? 0);
    const done = start - left;
    console.log(
      `background drain: ${done} of ${start} outbox rows in ${seconds.toFixed(0)} s (${(done / seconds).toFixed(0)}/s), ` +
        `CPU server ${serverCpu.toFixed(1)} s + PostgreSQL ${pgCpu.toFixed(1)} s = ${done > 0 ? ((1000 * (serverCpu + pgCpu)) / done).toFixed(2) : '-'} ms per row` +
        `${left > 0 ? `; ${left} still queued after ${DRAIN_SECONDS} s` : ''}`,
    );
  } finally {
    await db.end();
  }
};

const main = async (): Promise<void> => {
  const mix = parseMix(MIX_TEXT);
  const totalWeight = mix.reduce((s, m) => s + m.weight, 0);
  const chooseKind = (): OpKind => {
    let r = random() * totalWeight;
    for (const m of mix) {
      r -= m.weight;
      if (r < 0) return m.kind;
    }
    return (mix[mix.length - 1] as { kind: OpKind }).kind;
  };

  let server: ServerProcess | null = null;
  let worker: ChildProcess | null = null;
  let dir: string | null = null;
  let baseUrl = process.env.BENCH_URL ?? '';
  let password = process.env.BENCH_PASSWORD ?? '';
  let pgUrl: string | null = null;
  let profDir: string | null = null;
  const loadBefore = os.loadavg();
  console.log(
    `Node ${process.version}, ${os.cpus().length} CPUs, load average before: ${loadBefore.map((l) => l.toFixed(2)).join(' ')}`,
  );
  try {
    if (!baseUrl) {
      dir = await mkdtemp(path.join(os.tmpdir(), 'bihuan-load-'));
      const [port, pgPort] = [await freePort(), await freePort()];
      password = `bench-${randomBytes(6).toString('hex')}`;
      profDir = CPU_PROF ? path.join(dir, 'prof') : null;
      const logFile = path.join(dir, 'server.log');
      pgUrl = `postgres://bihuan:bihuan@127.0.0.1:${pgPort}/bihuan`;
      if (PG_STATEMENTS) {
        // A first start creates the cluster; pg_stat_statements must be preloaded, so restart once with it.
        const first = spawnServer({ dataDir: dir, port, pgPort, password, logFile });
        await waitReady(first, logFile);
        await withPg(pgUrl, (db) =>
          db.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`),
        );
        await stopServer(first);
        await stopCluster(dir);
      }
      server = spawnServer({
        dataDir: dir,
        port,
        pgPort,
        password,
        logFile,
        nodeArgs: profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [],
        env: WORKER === 'in-server' ? {} : { BIHUAN_BACKGROUND: 'off' },
      });
      const ms = await waitReady(server, logFile);
      if (WORKER === 'separate') worker = spawnWorker({ dataDir: dir, pgUrl, logFile: path.join(dir, 'worker.log') });
      baseUrl = server.url;
      if (PG_STATEMENTS) {
        await withPg(pgUrl, (db) => db.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements'));
        // Planning is reported apart: for small statements it costs more than running them.
        await withPg(pgUrl, async (db) => {
          await db.query('ALTER SYSTEM SET pg_stat_statements.track_planning = on');
          await db.query('SELECT pg_reload_conf()');
        });
      }
      console.log(
        `server started in ${ms} ms (fresh embedded PostgreSQL in ${dir}, log level ${process.env.BENCH_LOG_LEVEL ?? 'warn'}${profDir ? ', --cpu-prof' : ''}, ` +
          `background work ${WORKER === 'in-server' ? 'in the server' : WORKER === 'separate' ? 'in a separate `bihuan worker`' : 'off'})`,
      );
    } else if (!password) {
      throw new Error('BENCH_URL needs BENCH_PASSWORD (the demo users’ password)');
    }

    const client = new HttpClient(baseUrl, CLIENTS + 8);
    const world = await prepareWorld(client, password, pgUrl);
    console.log(
      `${CLIENTS} clients for ${SECONDS} s, mix ${MIX_TEXT}, ${world.sessions.length > 1 ? 'a session per client' : 'sessions shared by all clients'}\n`,
    );

    const stats = new Map<string, OpStats>();
    const statsOf = (label: string): OpStats => {
      let s = stats.get(label);
      if (!s) stats.set(label, (s = new OpStats()));
      return s;
    };
    const createdPerSecond: number[] = [];
    const waits = new Map<string, number>();
    const sampler = new AbortController();
    const sampling = pgUrl
      ? sampleWaits(pgUrl, waits, sampler.signal).catch(() => undefined)
      : Promise.resolve();

    if (PG_STATEMENTS && pgUrl) await withPg(pgUrl, (db) => db.query('SELECT pg_stat_statements_reset()'));
    const pm = dir ? postmasterPid(dir) : null;
    const cpuBefore = {
      server: server ? cpuSecondsOf(server.pid) : 0,
      worker: worker?.pid ? cpuSecondsOf(worker.pid) : 0,
      pg: pm ? clusterCpuSeconds(pm) : new Map<number, number>(),
      self: process.cpuUsage(),
    };
    const started = performance.now();
    const deadline = started + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        const tokens = world.sessions[i % world.sessions.length] as Map<string, string>;
        while (performance.now() < deadline) {
          const { label, result, expected } = await runOp(client, world, tokens, chooseKind());
          const isOk = result.status === expected;
          statsOf(label).record(result.ms, isOk ? null : errorCode(result));
          if (label === 'intake' && isOk) {
            const second = Math.floor((performance.now() - started) / 1000);
            createdPerSecond[second] = (createdPerSecond[second] ?? 0) + 1;
          }
          if (!isOk && result.status === 0) await sleep(50);
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const selfCpu = process.cpuUsage(cpuBefore.self);
    const serverCpu = server ? cpuSecondsOf(server.pid) - cpuBefore.server : null;
    const workerCpu = worker?.pid ? cpuSecondsOf(worker.pid) - cpuBefore.worker : null;
    let pgCpu: number | null = null;
    if (pm) {
      pgCpu = 0;
      for (const [pid, seconds] of clusterCpuSeconds(pm)) pgCpu += seconds - (cpuBefore.pg.get(pid) ?? 0);
    }
    sampler.abort();
    await sampling;
    client.close();

    // ---- report ----
    const order = ['intake', 'queue', 'case page', 'dispatch', 'accept', 'note', 'search'];
    const labels = [
      ...order.filter((l) => stats.has(l)),
      ...[...stats.keys()].filter((l) => !order.includes(l)),
    ];
    const header = `${'operation'.padEnd(11)}${'count'.padStart(8)}${'per s'.padStart(9)}${'p50 ms'.padStart(9)}${'p95 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'max ms'.padStart(9)}${'errors'.padStart(8)}`;
    console.log(header);
    console.log('-'.repeat(header.length));
    const all: number[] = [];
    let allErrors = 0;
    const row = (label: string, latencies: readonly number[], errors: number): void => {
      const s = summarise(latencies, errors, elapsed);
      console.log(
        `${label.padEnd(11)}${String(s.count).padStart(8)}${s.perSecond.toFixed(1).padStart(9)}${fmtMs(s.p50).padStart(9)}${fmtMs(s.p95).padStart(9)}` +
          `${fmtMs(s.p99).padStart(9)}${fmtMs(s.max).padStart(9)}${String(s.errors).padStart(8)}`,
      );
    };
    for (const label of labels) {
      const s = statsOf(label);
      row(label, s.latencies, s.errorCount);
      for (const ms of s.latencies) all.push(ms);
      allErrors += s.errorCount;
    }
    console.log('-'.repeat(header.length));
    row('overall', all, allErrors);
    for (const label of labels)
      for (const [code, n] of statsOf(label).errors) console.log(`  error ${label}: ${code} ×${n}`);

    const intake = statsOf('intake');
    const intakeSummary = summarise(intake.latencies, intake.errorCount, elapsed);
    const created = intake.ok / elapsed;
    console.log(
      `\ncase creations: ${created.toFixed(1)}/s (target ≥ ${TARGET_CREATIONS}), intake p99 ${fmtMs(intakeSummary.p99)} ms (target < ${TARGET_P99_MS}), ` +
        `errors ${allErrors} (target 0) → ${created >= TARGET_CREATIONS && intakeSummary.p99 < TARGET_P99_MS && allErrors === 0 ? 'TARGETS MET' : 'TARGETS MISSED'}`,
    );
    const windows: string[] = [];
    for (let s = 0; s < Math.ceil(elapsed); s += 10) {
      const slice = createdPerSecond.slice(s, s + 10);
      windows.push(
        `${s}-${s + slice.length}s ${(slice.reduce((a, b) => a + (b ?? 0), 0) / Math.max(1, slice.length)).toFixed(0)}/s`,
      );
    }
    console.log(`intake over time: ${windows.join(', ')}`);
    const cpu = [`load generator ${((selfCpu.user + selfCpu.system) / 1e6).toFixed(1)}`];
    if (serverCpu !== null) cpu.unshift(`server (node) ${serverCpu.toFixed(1)}`);
    if (pgCpu !== null) cpu.splice(1, 0, `PostgreSQL ${pgCpu.toFixed(1)}`);
    if (workerCpu !== null) cpu.splice(1, 0, `worker (node) ${workerCpu.toFixed(1)}`);
    console.log(
      `CPU seconds in ${elapsed.toFixed(1)} s of wall time (2 cores = ${(2 * elapsed).toFixed(0)} available): ${cpu.join(', ')}`,
    );
    const samples = waits.get('#samples') ?? 0;
    if (samples > 0) {
      const top = [...waits.entries()]
        .filter(([k]) => k !== '#samples')
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8);
      console.log(
        `PostgreSQL backends busy, average over ${samples} samples: ${top.map(([k, n]) => `${k} ${(n / samples).toFixed(2)}`).join(', ')}`,
      );
    }
    if (pgUrl) {
      const db = new pg.Client({ connectionString: pgUrl });
      await db.connect();
      const sizes = await db.query<{
        cases: string;
        events: string;
        outbox: string;
        audit: string;
        unsealed: string;
      }>(
        `SELECT (SELECT count(*) FROM cases) AS cases, (SELECT count(*) FROM work_item_events) AS events,
                (SELECT count(*) FROM event_outbox) AS outbox, (SELECT count(*) FROM audit_log) AS audit,
                (SELECT count(*) FROM audit_log WHERE chain_seq IS NULL) AS unsealed`,
      );
      await db.end();
      const s = sizes.rows[0];
      if (s)
        console.log(
          `after the run: ${s.cases} cases, ${s.events} timeline events, ${s.outbox} outbox rows pending, ${s.audit} audit entries (${s.unsealed} not yet sealed)`,
        );
      if (PG_STATEMENTS) await printTopStatements(pgUrl);
      if (DRAIN_SECONDS > 0 && server && pm) {
        if (PG_STATEMENTS) await withPg(pgUrl, (db) => db.query('SELECT pg_stat_statements_reset()'));
        await measureDrain(pgUrl, server.pid, pm);
        if (PG_STATEMENTS) {
          console.log('\n(the statements of the drain)');
          await printTopStatements(pgUrl);
        }
      }
    }
  } finally {
    if (worker && worker.exitCode === null) {
      const gone = new Promise((resolve) => worker?.once('exit', resolve));
      worker.kill('SIGTERM');
      await Promise.race([gone, sleep(20_000)]);
    }
    if (server) {
      const how = await stopServer(server, 20_000);
      if (how === 'killed') console.log('server did not stop on SIGTERM: SIGKILLed');
    }
    if (dir) {
      const leftover = await stopCluster(dir);
      if (leftover !== 'no postmaster running') console.log(`cleanup: ${leftover}`);
      if (profDir) {
        const files = (await readdir(profDir).catch(() => [] as string[])).filter((f) =>
          f.endsWith('.cpuprofile'),
        );
        if (files.length === 0) console.log('no CPU profile was written (the server did not exit normally)');
        for (const f of files) console.log(`\n${await summariseProfile(path.join(profDir, f))}`);
      }
      if (process.env.LOAD_KEEP === '1') console.log(`kept ${dir}`);
      else await rm(dir, { recursive: true, force: true });
    }
    console.log(
      `load average after: ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  }
};

main().catch((error: unknown) => {
  console.error('load bench failed:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
