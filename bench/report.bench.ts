/**
 * Case-list export at scale: time to first byte, total time, bytes and the server's peak memory for a CSV and
 * an xlsx export of every case (default 100,000), streamed over a real socket (the client discards the bytes).
 *
 *   DATABASE_URL=postgres://root@127.0.0.1:5432/test npx tsx bench/report.bench.ts
 *
 * Env: DATABASE_URL (a server to create the bench database `bihuan_bench_report_<cases>` on; required),
 * BENCH_CASES (100000), BENCH_REGENERATE=1 (start over). The data is reused by later runs.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { createDb, migrateToLatest, type Db } from '../src/db/database.js';
import { createAuthDeps, createCaseDeps } from '../src/db/deps.js';
import { buildApp } from '../src/http/app.js';
import { seedDemo } from '../src/seed/demo-seed.js';

const CASES = Number(process.env.BENCH_CASES ?? 100_000);
const PASSWORD = 'bench-password-1';
const adminUrl = process.env.DATABASE_URL;
if (!adminUrl) throw new Error('set DATABASE_URL to a PostgreSQL server the bench may create a database on');

const dbName = `bihuan_bench_report_${CASES}`;
const withDatabase = (url: string, database: string): string => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

const admin = async (text: string): Promise<void> => {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
};

/** Cases of the demo organisation, generated in SQL: half with a requester, lead units and assignments spread over the units. */
const generate = async (db: Db): Promise<void> => {
  await sql`
    WITH u AS (SELECT array_agg(id ORDER BY code) AS ids FROM units WHERE code <> 'lhasa'),
         c AS (SELECT array_agg(id ORDER BY code) AS ids FROM categories WHERE parent_id IS NOT NULL),
         intake AS (SELECT id FROM units WHERE code = 'lhasa'),
         gen AS (
           SELECT n, gen_random_uuid() AS id, CASE WHEN n % 2 = 0 THEN gen_random_uuid() END AS requester_id,
             (SELECT ids FROM u) AS units, (SELECT ids FROM c) AS cats,
             timestamptz '2026-01-01 00:00+08' + (n * interval '2 minutes') AS at
           FROM generate_series(1, ${CASES}) AS n
         ),
         req AS (
           INSERT INTO requesters (id, name, phone)
           SELECT requester_id, '王' || n, '138' || lpad((n % 100000000)::text, 8, '0') FROM gen WHERE requester_id IS NOT NULL
         ),
         ins AS (
           INSERT INTO cases (id, tracking_no, access_code_hash, status, channel, kind, title, description, category_id, requester_id,
             intake_unit_id, lead_unit_id, accept_due_at, reply_due_at, dispatched_at, created_at, updated_at)
           SELECT id, 'B' || lpad(n::text, 11, '0'), 'bench',
             (ARRAY['dispatched','accepted','replied','closed'])[1 + n % 4], (ARRAY['phone','web','visit'])[1 + n % 3],
             (ARRAY['complaint','help','enquiry'])[1 + n % 3],
             CASE WHEN n % 50 = 0 THEN '=HYPERLINK("x") 工资 ' || n ELSE '拖欠工资问题 ' || n || ' ཞུ་གཏུག' END, 'bench',
             cats[1 + n % array_length(cats, 1)], requester_id, (SELECT id FROM intake), units[1 + n % array_length(units, 1)],
             at + interval '1 day', at + interval '15 days', at, at, at
           FROM gen
           RETURNING id, lead_unit_id, dispatched_at
         )
    INSERT INTO case_assignments (case_id, unit_id, role, status, assigned_at)
    SELECT id, lead_unit_id, 'lead', 'accepted', dispatched_at FROM ins`.execute(db);
  await sql`ANALYZE`.execute(db);
};

const main = async () => {
  if (process.env.BENCH_REGENERATE === '1') await admin(`DROP DATABASE IF EXISTS ${dbName}`);
  let isNew = false;
  try {
    await admin(`CREATE DATABASE ${dbName}`);
    isNew = true;
  } catch {
    // exists: reuse it
  }
  const db = createDb(withDatabase(adminUrl, dbName), { max: 6 });
  await migrateToLatest(db);
  await seedDemo(db, { demoPassword: PASSWORD, now: new Date() });
  const count = Number((await db.selectFrom('cases').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  if (isNew || count < CASES) {
    const t0 = performance.now();
    await generate(db);
    console.log(`generated ${CASES.toLocaleString('en-US')} cases in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const now = () => new Date();
  const app = await buildApp(
    {
      db,
      config: { sessionTtlHours: 12, trustProxy: false, rateLimits: { login: { limit: 1000, windowMs: 60_000 } } },
      now,
      caseDeps: createCaseDeps(db, now),
      authDeps: createAuthDeps(db, now, 12, { idleMinutes: 120 }),
    },
    { logLevel: 'warn' },
  );
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const login = await fetch(`${address}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }) });
  const { token } = (await login.json()) as { token: string };
  const total = Number((await db.selectFrom('cases').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  console.log(`cases in the database: ${total.toLocaleString('en-US')}; Node ${process.version}`);

  for (const format of ['csv', 'xlsx'] as const) {
    global.gc?.();
    const baseline = process.memoryUsage();
    let peak = baseline.rss;
    let peakHeap = baseline.heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 20);
    const t0 = performance.now();
    const res = await fetch(`${address}/api/v1/cases/export?format=${format}&lang=zh-Hans`, { headers: { authorization: `Bearer ${token}` } });
    if (!res.ok || !res.body) throw new Error(`export ${format}: ${res.status} ${await res.text()}`);
    let firstByte = 0;
    let bytes = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (bytes === 0) firstByte = performance.now() - t0;
      bytes += value.length;
    }
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(sampler);
    console.log(
      `${format}: ${res.headers.get('x-total-count')} rows, ${(bytes / 1e6).toFixed(1)} MB, first byte ${firstByte.toFixed(0)} ms, ` +
        `total ${seconds.toFixed(1)} s (${Math.round(Number(res.headers.get('x-total-count')) / seconds).toLocaleString('en-US')} rows/s), ` +
        `heap used ${(baseline.heapUsed / 1e6).toFixed(0)} → peak ${(peakHeap / 1e6).toFixed(0)} MB, RSS ${(baseline.rss / 1e6).toFixed(0)} → peak ${(peak / 1e6).toFixed(0)} MB (client and server in one process)`,
    );
  }
  await app.close();
  await db.destroy();
};

await main();
