/**
 * Statistics at provincial scale: dashboard queries on the rollups against the same figures from a plain
 * GROUP BY over the case table.
 *
 * Run: npx tsx bench/stats.bench.ts        (BENCH_CASES=1000000 for a quicker run; default 10,000,000)
 * Env: DATABASE_URL   a PostgreSQL server to create the bench database on (default: an embedded one in .tmp/bench-pg)
 *      BENCH_CASES    how many cases (default 10,000,000), over five years, across 316 units
 *      BENCH_REGENERATE=1   drop and generate the data again; otherwise a complete earlier run's data is reused
 *      BENCH_RUNS     timed runs per rollup query kind (default 200); BENCH_PLAIN_RUNS for the plain ones (default 20)
 *
 * The data lives in its own database, bihuan_bench_stats_<cases>, generated with generate_series in chunks:
 * a realistic mix of channels, categories (skewed), kinds, units (70% the category's department in the
 * prefecture, 30% a county or township), growth over the years, and states by age (old cases mostly closed
 * with a small backlog tail; recent ones often still open), with the time stamps, outcomes, evaluations and
 * amounts that go with them. No timeline is generated: the rollups are built from the case rows directly,
 * with one SQL expression per counter (CONTRIBUTION below), then summed by the same grouping-sets statement the
 * rebuild uses. The plain GROUP BY uses the very same expressions, so both must give identical figures, which
 * the bench checks. Dashboard timings go through the real use cases (getSummary, getSeries, getRanking) and the
 * real rollup queries, scope resolution included.
 */
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import type { Actor } from '../src/core/auth/actor.js';
import { PERMISSIONS } from '../src/core/auth/roles.js';
import { addDays, addMonths, chinaDayStart, monthStart } from '../src/core/stats/periods.js';
import { SETTLEMENT_DEFINITION } from '../src/core/stats/stats-config.js';
import type { StatsDeps, StatsUnit } from '../src/core/stats/stats.ports.js';
import { getBacklog } from '../src/core/stats/backlog.js';
import { getRanking, getSeries, getSummary, type StatsScopeInput } from '../src/core/stats/stats-queries.js';
import { createDb, migrateToLatest, type Db } from '../src/db/database.js';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/db/embedded-postgres.js';
import { createStatsStore } from '../src/db/stats-query.repository.js';
import { aggregateRollupsFromContributions, COUNTER_COLUMNS } from '../src/db/stats.repository.js';

const CASES = Number(process.env.BENCH_CASES ?? 10_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const PLAIN_RUNS = Number(process.env.BENCH_PLAIN_RUNS ?? 20);
const CHUNK = 500_000;
/** The bench's "now": data ends here, and open/overdue are judged at this instant. */
const NOW = new Date('2026-11-01T00:00:00+08:00');
const START = new Date('2021-11-01T00:00:00+08:00');
const NOW_SQL = sql.raw(`'${NOW.toISOString()}'::timestamptz`);

const log = (message: string) => console.log(message);
const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

// ---------------------------------------------------------------------------------------------------------
// The organisation: a region, 7 prefectures, each with 8 departments, a union and 7 counties of 4 townships.
const DEPARTMENTS = ['hrss', 'city', 'market', 'health', 'edu', 'transport', 'ecoenv', 'petition', 'union'] as const;
type Dept = (typeof DEPARTMENTS)[number];
const PREFECTURES = 7;
const COUNTIES = 7;
const TOWNSHIPS = 4;
/** Leaf categories, most frequent first (the generator skews towards the top), with the department that handles them. */
const CATEGORIES: { code: string; parent: string; dept: Dept }[] = [
  { code: 'wage_arrears', parent: 'labour', dept: 'hrss' },
  { code: 'noise', parent: 'city', dept: 'city' },
  { code: 'consumer', parent: 'market_affairs', dept: 'market' },
  { code: 'heating_water', parent: 'city', dept: 'city' },
  { code: 'sanitation', parent: 'city', dept: 'city' },
  { code: 'labour_dispute', parent: 'labour', dept: 'union' },
  { code: 'road_traffic', parent: 'city', dept: 'transport' },
  { code: 'food_safety', parent: 'market_affairs', dept: 'market' },
  { code: 'health_care', parent: 'public_services', dept: 'health' },
  { code: 'schooling', parent: 'public_services', dept: 'edu' },
  { code: 'social_insurance', parent: 'labour', dept: 'hrss' },
  { code: 'policy_enquiry', parent: 'public_services', dept: 'hrss' },
  { code: 'construction', parent: 'city', dept: 'city' },
  { code: 'prices', parent: 'market_affairs', dept: 'market' },
  { code: 'pollution', parent: 'environment', dept: 'ecoenv' },
  { code: 'housing', parent: 'public_services', dept: 'city' },
  { code: 'employment', parent: 'labour', dept: 'hrss' },
  { code: 'pension', parent: 'public_services', dept: 'hrss' },
  { code: 'pharma', parent: 'market_affairs', dept: 'health' },
  { code: 'water_quality', parent: 'environment', dept: 'ecoenv' },
  { code: 'waste', parent: 'environment', dept: 'ecoenv' },
  { code: 'land', parent: 'petition_matter', dept: 'petition' },
  { code: 'demolition', parent: 'petition_matter', dept: 'petition' },
  { code: 'other_petition', parent: 'petition_matter', dept: 'petition' },
];
const ROOT_CATEGORIES = ['labour', 'city', 'market_affairs', 'public_services', 'environment', 'petition_matter'];

const name = (zh: string) => JSON.stringify({ 'zh-Hans': zh, en: zh });

const createOrganisation = async (db: Db): Promise<void> => {
  const insertUnit = async (code: string, type: string, parentId: string | null, unitPath: string): Promise<string> =>
    (await db.insertInto('units').values({ code, type, parent_id: parentId, path: unitPath, name: name(code) }).returning('id').executeTakeFirstOrThrow()).id;
  await sql`CREATE TABLE bench_units (pref int NOT NULL, slot text NOT NULL, unit_id uuid NOT NULL, PRIMARY KEY (pref, slot))`.execute(db);
  const root = await insertUnit('xizang', 'region', null, 'xizang');
  for (let p = 0; p < PREFECTURES; p += 1) {
    const pCode = `p${p}`;
    const pPath = `xizang.${pCode}`;
    const pref = await insertUnit(pCode, 'region', root, pPath);
    await sql`INSERT INTO bench_units VALUES (${p}, 'desk', ${pref})`.execute(db);
    for (const d of DEPARTMENTS) {
      const id = await insertUnit(`${pCode}_${d}`, d === 'union' ? 'union' : 'department', pref, `${pPath}.${pCode}_${d}`);
      await sql`INSERT INTO bench_units VALUES (${p}, ${d}, ${id})`.execute(db);
    }
    for (let c = 0; c < COUNTIES; c += 1) {
      const cCode = `${pCode}_c${c}`;
      const county = await insertUnit(cCode, 'district', pref, `${pPath}.${cCode}`);
      await sql`INSERT INTO bench_units VALUES (${p}, ${`c${c}t0`}, ${county})`.execute(db);
      for (let t = 1; t <= TOWNSHIPS; t += 1) {
        const id = await insertUnit(`${cCode}_t${t}`, 'township', county, `${pPath}.${cCode}.${cCode}_t${t}`);
        await sql`INSERT INTO bench_units VALUES (${p}, ${`c${c}t${t}`}, ${id})`.execute(db);
      }
    }
  }
  await sql`INSERT INTO bench_units VALUES (-1, 'root', ${root})`.execute(db);

  const roots = new Map<string, string>();
  for (const [i, code] of ROOT_CATEGORIES.entries()) {
    roots.set(code, (await db.insertInto('categories').values({ code, name: name(code), sort_order: i }).returning('id').executeTakeFirstOrThrow()).id);
  }
  await sql`CREATE TABLE bench_categories (idx int PRIMARY KEY, category_id uuid NOT NULL, dept text NOT NULL)`.execute(db);
  for (const [i, c] of CATEGORIES.entries()) {
    const id = (await db.insertInto('categories').values({ code: c.code, parent_id: roots.get(c.parent) ?? null, name: name(c.code), sort_order: 10 + i }).returning('id').executeTakeFirstOrThrow()).id;
    await sql`INSERT INTO bench_categories VALUES (${i}, ${id}, ${c.dept})`.execute(db);
  }
};

/** One chunk of cases, generated in SQL: every column follows from a handful of random draws per case. */
const generateChunk = async (db: Db, from: number, to: number): Promise<void> => {
  const spanSeconds = (NOW.getTime() - START.getTime()) / 1000;
  await sql`
    INSERT INTO cases (id, tracking_no, access_code_hash, status, channel, kind, title, description, category_id, intake_unit_id,
      lead_unit_id, address, amount_recovered_fen, accept_due_at, reply_due_at, dispatched_at, accepted_at, reply_text, reply_outcome,
      replied_at, callback_resolved, callback_satisfaction, callback_at, rating_resolved, rating_satisfaction, rated_at, master_id,
      reopen_count, closed_at, created_at, updated_at)
    SELECT id, lpad(n::text, 12, '0'), 'bench', status, channel, kind, 'bench', 'bench', category_id, intake_unit_id,
      CASE WHEN is_dispatched AND status <> 'returned' THEN lead_unit_id END,
      NULL,
      CASE WHEN has_reply AND outcome = 'resolved' AND dept IN ('hrss', 'union') AND r_amount < 0.6 THEN (50000 + floor(r_amount * 8000000))::bigint END,
      CASE WHEN is_dispatched THEN dispatched_at + interval '24 hours' END,
      CASE WHEN is_dispatched OR has_reply THEN reply_due_at END,
      CASE WHEN is_dispatched THEN dispatched_at END,
      CASE WHEN is_accepted THEN accepted_at END,
      CASE WHEN has_reply THEN 'bench' END,
      CASE WHEN has_reply THEN outcome END,
      CASE WHEN has_reply THEN replied_at END,
      CASE WHEN has_callback THEN cb_resolved END,
      CASE WHEN has_callback THEN cb_satisfaction END,
      CASE WHEN has_callback THEN least(replied_at + interval '2 days', ${NOW_SQL}) END,
      CASE WHEN has_rating THEN cb_resolved END,
      CASE WHEN has_rating THEN cb_satisfaction END,
      CASE WHEN has_rating THEN least(replied_at + interval '1 day', ${NOW_SQL}) END,
      CASE WHEN status = 'merged' THEN id END,
      CASE WHEN status = 'closed' AND r_status < 0.03 THEN 1 ELSE 0 END,
      CASE WHEN status IN ('closed', 'rejected', 'merged') THEN least(created_at + interval '12 days', ${NOW_SQL}) END,
      created_at, created_at
    FROM (
      SELECT *,
        status IN ('dispatched', 'accepted', 'replied', 'callback_done', 'closed', 'returned') AND NOT on_intake AS is_dispatched,
        status IN ('accepted', 'replied', 'callback_done', 'closed') AND NOT on_intake AS is_accepted,
        status IN ('replied', 'callback_done', 'closed') AS has_reply,
        status = 'callback_done' OR (status = 'closed' AND r_cb < 0.9) AS has_callback,
        status IN ('replied', 'callback_done', 'closed') AND r_rating < 0.1 AS has_rating
      FROM (
        SELECT *,
          CASE
            WHEN age_days > 60 THEN CASE
              WHEN r_status < 0.80 THEN 'closed' WHEN r_status < 0.88 THEN 'callback_done' WHEN r_status < 0.91 THEN 'replied'
              WHEN r_status < 0.95 THEN 'rejected' WHEN r_status < 0.97 THEN 'merged' WHEN r_status < 0.985 THEN 'accepted'
              WHEN r_status < 0.99 THEN 'dispatched' WHEN r_status < 0.995 THEN 'returned' ELSE 'registered' END
            ELSE CASE
              WHEN r_status < 0.40 THEN 'closed' WHEN r_status < 0.55 THEN 'callback_done' WHEN r_status < 0.70 THEN 'replied'
              WHEN r_status < 0.74 THEN 'rejected' WHEN r_status < 0.76 THEN 'merged' WHEN r_status < 0.90 THEN 'accepted'
              WHEN r_status < 0.96 THEN 'dispatched' WHEN r_status < 0.98 THEN 'returned' ELSE 'registered' END
          END AS status,
          kind = 'enquiry' AND r_intake < 0.5 AS on_intake,
          dispatched_at + CASE WHEN r_accept < 0.92 THEN r_accept2 * interval '20 hours' ELSE interval '24 hours' + r_accept2 * interval '48 hours' END AS accepted_at,
          least(
            CASE WHEN r_reply < 0.88 THEN created_at + (reply_due_at - created_at) * (0.2 + 0.8 * r_reply2) ELSE reply_due_at + r_reply2 * interval '10 days' END,
            ${NOW_SQL}) AS replied_at,
          CASE WHEN r_outcome < 0.55 THEN 'resolved' WHEN r_outcome < 0.70 THEN 'partly_resolved' WHEN r_outcome < 0.95 THEN 'explained'
               WHEN r_outcome < 0.98 THEN 'not_accepted' ELSE 'referred' END AS outcome,
          CASE WHEN r_resolved < 0.75 THEN 'yes' WHEN r_resolved < 0.90 THEN 'partly' ELSE 'no' END AS cb_resolved,
          CASE WHEN r_sat < 0.70 THEN 'satisfied' WHEN r_sat < 0.90 THEN 'fairly_satisfied' ELSE 'dissatisfied' END AS cb_satisfaction
        FROM (
          SELECT g.*,
            extract(epoch FROM ${NOW_SQL} - created_at) / 86400 AS age_days,
            created_at + (5 + 240 * r_dispatch) * interval '1 minute' AS dispatched_at,
            created_at + CASE WHEN channel = 'petition' THEN interval '60 days' WHEN dept = 'union' THEN interval '15 days' ELSE interval '7 days' END AS reply_due_at,
            CASE WHEN r_lead < 0.7 THEN dept_unit ELSE local_unit END AS lead_unit_id
          FROM (
            SELECT n, gen_random_uuid() AS id, created_at, channel, kind, bc.category_id, bc.dept, desk.unit_id AS intake_unit_id,
              dept_u.unit_id AS dept_unit, local_u.unit_id AS local_unit,
              random() AS r_status, random() AS r_intake, random() AS r_accept, random() AS r_accept2, random() AS r_reply,
              random() AS r_reply2, random() AS r_outcome, random() AS r_resolved, random() AS r_sat, random() AS r_cb,
              random() AS r_rating, random() AS r_amount, random() AS r_dispatch, random() AS r_lead
            FROM (
              SELECT n,
                ${START.toISOString()}::timestamptz + sqrt(random()) * ${spanSeconds} * interval '1 second' AS created_at,
                (ARRAY['phone','phone','phone','phone','phone','phone','phone','phone','phone','web','web','web','app','app','miniprogram',
                       'miniprogram','visit','visit','letter','petition'])[1 + floor(random() * 20)::int] AS channel,
                (ARRAY['complaint','complaint','complaint','complaint','complaint','complaint','complaint','complaint','help','help','help',
                       'help','help','enquiry','enquiry','enquiry','enquiry','report','report','suggestion'])[1 + floor(random() * 20)::int] AS kind,
                floor(power(random(), 1.6) * ${CATEGORIES.length})::int AS cat_idx,
                floor(random() * ${PREFECTURES})::int AS pref,
                'c' || floor(random() * ${COUNTIES})::int || 't' || floor(random() * ${TOWNSHIPS + 1})::int AS local_slot
              FROM generate_series(${from}::bigint, ${to}::bigint) AS n
            ) base
            JOIN bench_categories bc ON bc.idx = base.cat_idx
            JOIN bench_units desk ON desk.pref = base.pref AND desk.slot = 'desk'
            JOIN bench_units dept_u ON dept_u.pref = base.pref AND dept_u.slot = bc.dept
            JOIN bench_units local_u ON local_u.pref = base.pref AND local_u.slot = base.local_slot
          ) g
        ) timed
      ) drawn
    ) final`.execute(db);
};

// ---------------------------------------------------------------------------------------------------------
// Each counter of one case, from its row: what the rollups are built from and what the plain GROUP BY sums.
const OPEN = `c.status IN ('registered', 'dispatched', 'accepted', 'returned')`;
/** Settlement: disputes are complaints and requests for help in the dispute categories (the bench's are leaves). */
const DISPUTE = `(c.category_id IN (SELECT id FROM categories WHERE code IN (${SETTLEMENT_DEFINITION.categoryCodes.map((c) => `'${c}'`).join(', ')})) AND c.kind IN (${SETTLEMENT_DEFINITION.kinds.map((k) => `'${k}'`).join(', ')}))`;
const CONTRIBUTION: Record<string, string> = {
  registered: '1',
  merged: `(c.status = 'merged')::int`,
  rejected: `(c.status = 'rejected')::int`,
  replied: '(c.replied_at IS NOT NULL)::int',
  replied_on_intake: '(c.replied_at IS NOT NULL AND c.dispatched_at IS NULL)::int',
  replied_on_time: '(c.replied_at IS NOT NULL AND (c.reply_due_at IS NULL OR c.replied_at <= c.reply_due_at))::int',
  outcome_resolved: `coalesce(c.replied_at IS NOT NULL AND c.reply_outcome = 'resolved', false)::int`,
  open: `(${OPEN})::int`,
  open_overdue: `coalesce(${OPEN} AND (c.reply_due_at < NOW OR (c.status = 'dispatched' AND c.accept_due_at < NOW)), false)::int`,
  evaluated: '(c.callback_at IS NOT NULL OR c.rated_at IS NOT NULL)::int',
  callback_done: '(c.callback_at IS NOT NULL)::int',
  eval_resolved: `coalesce(coalesce(c.callback_resolved, c.rating_resolved) = 'yes', false)::int`,
  eval_partly: `coalesce(coalesce(c.callback_resolved, c.rating_resolved) = 'partly', false)::int`,
  satisfied: `coalesce(coalesce(c.callback_satisfaction, c.rating_satisfaction) = 'satisfied', false)::int`,
  fairly_satisfied: `coalesce(coalesce(c.callback_satisfaction, c.rating_satisfaction) = 'fairly_satisfied', false)::int`,
  amount_recovered_fen: 'coalesce(c.amount_recovered_fen, 0)',
  reopened: '(c.reopen_count > 0)::int',
  dispatched: '(c.dispatched_at IS NOT NULL AND c.lead_unit_id IS NOT NULL)::int',
  dispatch_awaiting: `coalesce(c.status = 'dispatched' AND c.lead_unit_id IS NOT NULL AND c.accepted_at IS NULL AND c.accept_due_at >= NOW, false)::int`,
  accepted_on_time: 'coalesce(c.lead_unit_id IS NOT NULL AND c.accepted_at <= c.accept_due_at, false)::int',
  accept_late: `coalesce(c.lead_unit_id IS NOT NULL AND (c.accepted_at > c.accept_due_at OR (c.accepted_at IS NULL AND c.accept_due_at < NOW)), false)::int`,
  dispatch_returned: '0',
  dispatch_withdrawn: '0',
  dispute_replied: `coalesce(${DISPUTE} AND c.replied_at IS NOT NULL, false)::int`,
  dispute_settled: `coalesce(${DISPUTE} AND c.replied_at IS NOT NULL AND c.reply_outcome = 'resolved', false)::int`,
};
const expressionOf = (column: string): string => (CONTRIBUTION[column] ?? '0').replaceAll('NOW', `'${NOW.toISOString()}'::timestamptz`);
const CHINA_DAY = `((c.created_at AT TIME ZONE 'UTC') + interval '8 hours')::date`;

const buildRollups = async (db: Db): Promise<void> => {
  await sql`SET work_mem = '256MB'`.execute(db);
  await sql`
    CREATE TEMP TABLE bench_scope AS
    SELECT u.id, array_agg(a.id ORDER BY nlevel(a.path)) AS scope FROM units u JOIN units a ON a.path @> u.path GROUP BY u.id`.execute(db);
  await sql`
    INSERT INTO stats_case_contributions (case_id, unit_id, scope_unit_ids, day, category_id, channel, kind, ${sql.raw(COUNTER_COLUMNS.join(', '))})
    SELECT c.id, coalesce(c.lead_unit_id, c.intake_unit_id), s.scope, ${sql.raw(CHINA_DAY)}, c.category_id, c.channel, c.kind,
      ${sql.raw(COUNTER_COLUMNS.map(expressionOf).join(', '))}
    FROM cases c JOIN bench_scope s ON s.id = coalesce(c.lead_unit_id, c.intake_unit_id)
    -- Live, contributions are written as cases move, so rows of a day lie together; the bench keeps that order.
    ORDER BY 4`.execute(db);
  await aggregateRollupsFromContributions(db);
};

// ---------------------------------------------------------------------------------------------------------
const openBenchDatabase = async (): Promise<{ adminUrl: string; embedded: EmbeddedServer | null }> => {
  if (process.env.DATABASE_URL) return { adminUrl: process.env.DATABASE_URL, embedded: null };
  const embedded = await startEmbeddedPostgres({ dataDir: path.resolve('.tmp/bench-pg'), port: Number(process.env.BENCH_PG_PORT ?? 54359), database: 'postgres', log });
  return { adminUrl: embedded.url, embedded };
};

const adminQuery = async (adminUrl: string, text: string): Promise<pg.QueryResult> => {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await client.query(text);
  } finally {
    await client.end();
  }
};

const withDatabase = (url: string, database: string): string => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

/** Bumped whenever the generator or the rollup schema changes, so that stale data is generated again. */
const DATA_VERSION = 5;

const isComplete = async (db: Db): Promise<boolean> => {
  const exists = await sql<{ t: string | null }>`SELECT to_regclass('bench_meta')::text AS t`.execute(db);
  if (!exists.rows[0]?.t) return false;
  const meta = await sql<{ cases: string; version: number | null }>`SELECT * FROM bench_meta`.execute(db);
  return Number(meta.rows[0]?.cases ?? 0) === CASES && meta.rows[0]?.version === DATA_VERSION;
};

const generate = async (db: Db): Promise<void> => {
  let t0 = performance.now();
  await migrateToLatest(db);
  await createOrganisation(db);
  // Loading without secondary indexes and foreign-key triggers, then indexing once, is several times faster.
  const indexes = await sql<{ indexname: string; indexdef: string }>`
    SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'cases' AND indexname NOT IN ('cases_pkey', 'cases_tracking_no_key')`.execute(db);
  for (const i of indexes.rows) await sql`DROP INDEX ${sql.ref(i.indexname)}`.execute(db);
  await sql`ALTER TABLE cases DROP CONSTRAINT IF EXISTS cases_tracking_no_key`.execute(db);
  await sql`ALTER TABLE cases DISABLE TRIGGER ALL`.execute(db);
  for (let from = 1; from <= CASES; from += CHUNK) {
    const to = Math.min(CASES, from + CHUNK - 1);
    await generateChunk(db, from, to);
    log(`  cases ${to.toLocaleString('en')} / ${CASES.toLocaleString('en')} (${seconds(t0)} s)`);
  }
  await sql`ALTER TABLE cases ENABLE TRIGGER ALL`.execute(db);
  await sql`ALTER TABLE cases ADD CONSTRAINT cases_tracking_no_key UNIQUE (tracking_no)`.execute(db);
  for (const i of indexes.rows) await sql.raw(i.indexdef).execute(db);
  await sql`VACUUM ANALYZE cases`.execute(db);
  const caseSeconds = Number(seconds(t0));
  log(`  cases generated and indexed in ${caseSeconds} s`);
  t0 = performance.now();
  await buildRollups(db);
  await sql`VACUUM ANALYZE stats_case_contributions`.execute(db);
  await sql`VACUUM ANALYZE stats_rollups`.execute(db);
  const rollupSeconds = Number(seconds(t0));
  log(`  rollups built in ${rollupSeconds} s`);
  await sql`CREATE TABLE bench_meta AS SELECT ${CASES}::bigint AS cases, ${DATA_VERSION}::int AS version, now() AS generated_at, ${caseSeconds}::numeric AS case_seconds, ${rollupSeconds}::numeric AS rollup_seconds`.execute(db);
};

// ---------------------------------------------------------------------------------------------------------
type Query = { label: string; input: StatsScopeInput; unitIds: string[]; categoryIds: string[] | null };

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
};

const time = async (runs: number, run: (i: number) => Promise<unknown>): Promise<number[]> => {
  await run(0);
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t0 = performance.now();
    await run(i + 1);
    times.push(performance.now() - t0);
  }
  return times;
};

const sums = sql.raw(COUNTER_COLUMNS.map((c) => `sum(${expressionOf(c)})::bigint AS ${c}`).join(', '));

/** The plain way: the same counters summed from the case rows in scope, for one query. */
const plainSummary = async (db: Db, q: Query, groupBy: 'none' | 'month' | 'day' | 'unit') => {
  const filters = [
    sql`c.created_at >= ${chinaDayStart(q.input.from ?? '')} AND c.created_at < ${chinaDayStart(addDays(q.input.to ?? '', 1))}`,
    sql`coalesce(c.lead_unit_id, c.intake_unit_id) = ANY(${q.unitIds}::uuid[])`,
  ];
  if (q.categoryIds) filters.push(sql`c.category_id = ANY(${q.categoryIds}::uuid[])`);
  if (q.input.channel) filters.push(sql`c.channel = ${q.input.channel}`);
  if (q.input.kind) filters.push(sql`c.kind = ${q.input.kind}`);
  const key =
    groupBy === 'none'
      ? sql`''`
      : groupBy === 'unit'
        ? sql`coalesce(c.lead_unit_id, c.intake_unit_id)::text`
        : sql.raw(`to_char(date_trunc('${groupBy}', ${CHINA_DAY}), 'YYYY-MM-DD')`);
  const rows = await sql<Record<string, string>>`
    SELECT ${key} AS key, ${sums} FROM cases c WHERE ${sql.join(filters, sql` AND `)} GROUP BY 1`.execute(db);
  return rows.rows;
};

const main = async (): Promise<void> => {
  console.log(`Statistics bench: ${CASES.toLocaleString('en')} cases over 5 years, Node ${process.version}`);
  const { adminUrl, embedded } = await openBenchDatabase();
  const dbName = `bihuan_bench_stats_${CASES}`;
  const url = withDatabase(adminUrl, dbName);
  const exists = (await adminQuery(adminUrl, `SELECT 1 FROM pg_database WHERE datname = '${dbName}'`)).rowCount === 1;
  let db = createDb(url, { max: 2, onIdleError: () => {} });
  try {
    if (exists && process.env.BENCH_REGENERATE !== '1' && (await isComplete(db))) {
      const meta = (await sql<Record<string, string>>`SELECT * FROM bench_meta`.execute(db)).rows[0];
      log(`Reusing ${dbName} (generated ${meta?.generated_at}: cases in ${meta?.case_seconds} s, rollups in ${meta?.rollup_seconds} s)`);
    } else {
      await db.destroy();
      if (exists) await adminQuery(adminUrl, `DROP DATABASE ${dbName} WITH (FORCE)`);
      await adminQuery(adminUrl, `CREATE DATABASE ${dbName}`);
      db = createDb(url, { max: 2, onIdleError: () => {} });
      log(`Generating ${dbName}`);
      await generate(db);
    }
    const sizes = await sql<Record<string, string>>`
      SELECT (SELECT count(*) FROM stats_rollups) AS rollup_rows, pg_size_pretty(pg_total_relation_size('stats_rollups')) AS rollup_size,
        pg_size_pretty(pg_total_relation_size('cases')) AS case_size, (SELECT count(*) FROM units) AS units`.execute(db);
    const s = sizes.rows[0];
    log(`cases table ${s?.case_size}; ${s?.units} units; rollups: ${Number(s?.rollup_rows).toLocaleString('en')} rows, ${s?.rollup_size}\n`);

    // The queries a dashboard makes: scopes from the whole region down to one department, periods from a month to a
    // year, with and without a filter.
    const store = createStatsStore(db);
    const deps: StatsDeps = { store, now: () => NOW };
    const all = await store.subtreeOf((await sql<{ unit_id: string }>`SELECT unit_id FROM bench_units WHERE slot = 'root'`.execute(db)).rows[0]?.unit_id ?? '');
    const root = all[0];
    if (!root) throw new Error('no root unit');
    const actor: Actor = {
      kind: 'user', userId: '00000000-0000-4000-8000-000000000000', username: 'bench', displayName: 'bench', roles: ['admin'],
      permissions: new Set(PERMISSIONS), unitId: root.id, unitPath: root.path,
    };
    const categories = await store.categories();
    const scopes: { unit: StatsUnit; withSubUnits: boolean }[] = [
      { unit: root, withSubUnits: true },
      ...all.filter((u) => u.path.split('.').length === 2).map((unit) => ({ unit, withSubUnits: true })),
      ...all.filter((u) => u.code.endsWith('_hrss') || u.code.endsWith('_city')).map((unit) => ({ unit, withSubUnits: false })),
      ...all.filter((u) => /_c\d$/.test(u.code)).slice(0, 5).map((unit) => ({ unit, withSubUnits: true })),
    ];
    const lastMonth = monthStart(addDays(monthStart(NOW.toISOString().slice(0, 10)), -1));
    const periods = [
      { from: lastMonth, to: addDays(addMonths(lastMonth, 1), -1) },
      { from: addMonths(lastMonth, -2), to: addDays(addMonths(lastMonth, 1), -1) },
      { from: '2025-01-01', to: '2025-12-31' },
      { from: '2026-01-01', to: '2026-10-31' },
      { from: '2024-03-15', to: '2024-09-20' },
    ];
    const filters: Partial<StatsScopeInput>[] = [{}, {}, { category: categories.find((c) => c.code === 'wage_arrears')?.id }, { channel: 'phone' }, { kind: 'complaint' }, { category: categories.find((c) => c.code === 'labour')?.id, kind: 'help' }];
    const queries: Query[] = [];
    for (const [i, scope] of scopes.entries()) {
      const period = periods[i % periods.length] ?? periods[0];
      const filter = filters[i % filters.length] ?? {};
      const unitIds = scope.withSubUnits ? all.filter((u) => u.path === scope.unit.path || u.path.startsWith(`${scope.unit.path}.`)).map((u) => u.id) : [scope.unit.id];
      const categoryIds = filter.category ? categories.filter((c) => c.id === filter.category || c.parentId === filter.category).map((c) => c.id) : null;
      queries.push({ label: scope.unit.code, input: { unit: scope.unit.id, withSubUnits: scope.withSubUnits, ...period, ...filter }, unitIds, categoryIds });
    }
    const pick = (i: number): Query => queries[i % queries.length] as Query;

    // Correctness first: both ways must give the same figures.
    let mismatches = 0;
    for (const q of queries) {
      const viaRollups = await getSummary(deps, actor, q.input);
      const plain = (await plainSummary(db, q, 'none'))[0] ?? {};
      for (const column of COUNTER_COLUMNS) {
        const counter = column.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase()) as keyof typeof viaRollups.counts;
        if (Number(plain[column] ?? 0) !== viaRollups.counts[counter]) mismatches += 1;
      }
    }
    log(`Figures from the rollups and from the plain GROUP BY: ${mismatches === 0 ? 'identical' : `${mismatches} MISMATCHES`} (${queries.length} summaries, ${COUNTER_COLUMNS.length} counters each)\n`);

    const rows: { label: string; rollup: number[]; plain: number[] }[] = [];
    rows.push({
      label: 'summary (rates + score, scope + period + filter)',
      rollup: await time(RUNS, (i) => getSummary(deps, actor, pick(i).input)),
      plain: await time(PLAIN_RUNS, (i) => plainSummary(db, pick(i), 'none')),
    });
    rows.push({
      label: 'series: 12 months',
      rollup: await time(RUNS, (i) => getSeries(deps, actor, { ...pick(i).input, from: '2025-11-01', to: '2026-10-31', category: undefined, channel: undefined, kind: undefined, period: 'month' })),
      plain: await time(PLAIN_RUNS, (i) => plainSummary(db, { ...pick(i), categoryIds: null, input: { ...pick(i).input, from: '2025-11-01', to: '2026-10-31', category: undefined, channel: undefined, kind: undefined } }, 'month')),
    });
    rows.push({
      label: 'series: 31 days',
      rollup: await time(RUNS, (i) => getSeries(deps, actor, { ...pick(i).input, from: '2026-10-01', to: '2026-10-31', category: undefined, channel: undefined, kind: undefined, period: 'day' })),
      plain: await time(PLAIN_RUNS, (i) => plainSummary(db, { ...pick(i), categoryIds: null, input: { ...pick(i).input, from: '2026-10-01', to: '2026-10-31', category: undefined, channel: undefined, kind: undefined } }, 'day')),
    });
    const prefectures = scopes.filter((sc) => sc.unit.path.split('.').length <= 2);
    rows.push({
      label: 'ranking: sub-units by score',
      rollup: await time(RUNS, (i) => {
        const sc = prefectures[i % prefectures.length] ?? prefectures[0];
        const period = periods[i % 3] ?? periods[0];
        return getRanking(deps, actor, { unit: sc?.unit.id, withSubUnits: true, ...period, rate: 'score', level: 'children', minCases: 1 });
      }),
      plain: await time(PLAIN_RUNS, (i) => {
        const sc = prefectures[i % prefectures.length] ?? prefectures[0];
        const period = periods[i % 3] ?? periods[0];
        const unitIds = all.filter((u) => u.path === sc?.unit.path || u.path.startsWith(`${sc?.unit.path}.`)).map((u) => u.id);
        return plainSummary(db, { label: '', input: { withSubUnits: true, ...period }, unitIds, categoryIds: null }, 'unit');
      }),
    });

    const fmt = (ms: number) => (ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0)).padStart(8);
    console.log(`${'query'.padEnd(50)} ${'rollup p50'.padStart(10)} ${'p95'.padStart(8)}  ${'plain p50'.padStart(10)} ${'p95'.padStart(8)}  ${'ratio p50'.padStart(10)} ${'p95'.padStart(8)}   (ms; ${RUNS} / ${PLAIN_RUNS} runs)`);
    let isOk = mismatches === 0;
    for (const r of rows) {
      const [rp50, rp95, pp50, pp95] = [percentile(r.rollup, 50), percentile(r.rollup, 95), percentile(r.plain, 50), percentile(r.plain, 95)];
      const ok = rp95 < 50 && pp50 / rp50 >= 100;
      isOk &&= ok;
      console.log(
        `${r.label.padEnd(50)} ${fmt(rp50)}   ${fmt(rp95)}  ${fmt(pp50)}   ${fmt(pp95)}  ${`${Math.round(pp50 / rp50)}×`.padStart(10)} ${`${Math.round(pp95 / rp95)}×`.padStart(8)}   ${ok ? 'OK' : 'BELOW TARGET'}`,
      );
    }
    console.log(`\nTargets: rollup p95 < 50 ms and at least 100× faster than the plain GROUP BY: ${isOk ? 'met' : 'NOT met'}`);

    // For information: the lists that read the case table through indexes (no rollup, no target).
    const backlog = await time(PLAIN_RUNS, (i) => {
      const sc = prefectures[i % prefectures.length] ?? prefectures[0];
      return getBacklog(deps, actor, { unit: sc?.unit.id, withSubUnits: true, page: 1, pageSize: 20 });
    });
    const sample = await getBacklog(deps, actor, { unit: root.id, withSubUnits: true, page: 1, pageSize: 20 });
    console.log(`backlog list (open > 30 days, oldest 20 + age bands; ${sample.total.toLocaleString('en')} in the region): p50 ${fmt(percentile(backlog, 50))} ms, p95 ${fmt(percentile(backlog, 95))} ms`);
  } finally {
    await db.destroy();
    if (embedded) await embedded.stop();
  }
};

await main();
