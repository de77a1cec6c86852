/**
 * Search latency over a generated archive (see bench/search-corpus.ts).
 * Run: DATABASE_URL=postgres://… npx tsx bench/search.bench.ts   (BENCH_CASES=200000 to scale, default 1 000 000;
 * BENCH_QUERIES=1000; BENCH_FRESH=1 to regenerate the database instead of reusing it; BENCH_PROFILE=1 to print
 * where the time goes, statement by statement)
 *
 * The database bihuan_bench_<cases>_<seed> is created on that server, loaded with COPY and kept for the
 * next run. 1000 queries (after 50 for warming up) go through the search use case as the HTTP route calls
 * it: parsing, the ranked query under the caller's unit scope, the count, and the highlights.
 */
import { performance } from 'node:perf_hooks';
import type { Actor } from '../src/core/auth/actor.js';
import { permissionsForRoles, type Role } from '../src/core/auth/roles.js';
import type { CaseStatus } from '../src/core/case/case.types.js';
import { isStopWord } from '../src/core/search/search-query.js';
import { searchCases, type SearchFilter } from '../src/core/search/search-cases.js';
import { createDb } from '../src/db/database.js';
import { createSearchStore, MAX_RANKED } from '../src/db/search.repository.js';
import { tokenize } from '../src/text/tokenize.js';
import { generateCase, indexSizes, log, mulberry32, openBenchDatabase, percentile, type BenchDatabase } from './search-corpus.js';

const SCALE = Number(process.env.BENCH_CASES ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 1000);
const IS_PROFILE = process.env.BENCH_PROFILE === '1';

/** Statement time by the statement's first words (a rough shape), for BENCH_PROFILE. */
const statementTimes = new Map<string, { n: number; ms: number }>();
const shapeOf = (text: string): string => text.replace(/\s+/g, ' ').replace(/\$\d+/g, '?').slice(0, 110);

type QueryKind = 'one word' | 'two words' | 'three words' | 'tibetan' | 'tracking no.' | 'word + filter' | 'unit user';
type BenchQuery = { kind: QueryKind; q: string; filter: SearchFilter; actor: Actor };

const HAN = /\p{Script=Han}/u;

const actorFor = async (bench: BenchDatabase, username: string): Promise<Actor> => {
  const user = await bench.db
    .selectFrom('users')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .select(['users.id', 'users.roles', 'users.unit_id', 'units.path'])
    .where('users.username', '=', username)
    .executeTakeFirstOrThrow();
  const roles = user.roles as Role[];
  return { kind: 'user', userId: user.id, username, displayName: username, roles, permissions: permissionsForRoles(roles), unitId: user.unit_id, unitPath: user.path };
};

/** Words a desk would type: Chinese words of two or more characters taken from real cases, so common words come up often. */
const makeQueries = async (bench: BenchDatabase): Promise<BenchQuery[]> => {
  const r = mulberry32(7);
  const central = await actorFor(bench, 'dispatcher');
  const units = await Promise.all(['handler', 'handler_city', 'handler_market'].map((u) => actorFor(bench, u)));
  const wordsOf = (index: number): string[] => {
    const c = generateCase(bench.vocab, bench.seed, index, { scale: bench.scale, now: bench.now });
    const text = `${c.title.text}${c.description.map((d) => d.text).join('')}`;
    return tokenize(text).filter((t) => HAN.test(t) && [...t].length >= 2 && !isStopWord(t));
  };
  const words = (n: number): string => {
    for (;;) {
      const all = wordsOf(r.int(bench.scale));
      if (all.length < n) continue;
      const start = r.int(all.length - n + 1);
      return [...new Set(all.slice(start, start + n * 3).filter((_, i) => i % 3 === 0 || n === 1))].slice(0, n).join(' ');
    }
  };
  const tibetanPhrase = (): string => {
    for (;;) {
      const c = generateCase(bench.vocab, bench.seed, r.int(bench.scale), { scale: bench.scale, now: bench.now });
      if (c.language !== 'bo') continue;
      const syllables = c.title.text.split(/[\u0f0b\s།]+/u).filter(Boolean);
      if (syllables.length < 3) continue;
      const start = r.int(syllables.length - 2);
      return syllables.slice(start, start + 2 + r.int(2)).join('\u0f0b');
    }
  };
  const statuses: CaseStatus[][] = [['registered', 'dispatched', 'accepted', 'returned'], ['closed'], ['replied', 'callback_done']];
  const categories = [...bench.directory.categoryIds.values()];
  const queries: BenchQuery[] = [];
  for (let i = 0; i < QUERIES + 50; i += 1) {
    const x = r.next();
    if (x < 0.35) queries.push({ kind: 'one word', q: words(1), filter: {}, actor: central });
    else if (x < 0.55) queries.push({ kind: 'two words', q: words(2), filter: {}, actor: central });
    else if (x < 0.63) queries.push({ kind: 'three words', q: words(3), filter: {}, actor: central });
    else if (x < 0.73) queries.push({ kind: 'tibetan', q: tibetanPhrase(), filter: {}, actor: central });
    else if (x < 0.78) {
      const c = generateCase(bench.vocab, bench.seed, r.int(bench.scale), { scale: bench.scale, now: bench.now });
      queries.push({ kind: 'tracking no.', q: c.trackingNo, filter: {}, actor: central });
    } else if (x < 0.88) {
      const to = new Date(bench.now.getTime() - r.int(700) * 86_400_000);
      const filters: SearchFilter[] = [
        { statuses: r.pick(statuses) },
        { categoryId: r.pick(categories) },
        { from: new Date(to.getTime() - 90 * 86_400_000), to },
      ];
      queries.push({ kind: 'word + filter', q: words(1), filter: r.pick(filters), actor: central });
    } else queries.push({ kind: 'unit user', q: words(1 + r.int(2)), filter: {}, actor: r.pick(units) });
  }
  return queries;
};

const main = async (): Promise<void> => {
  const bench = await openBenchDatabase({ scale: SCALE, isFresh: process.env.BENCH_FRESH === '1' });
  try {
    const queries = await makeQueries(bench);
    const profiled = IS_PROFILE
      ? createDb(bench.url, {
          max: 8,
          log: (event) => {
            const shape = shapeOf(event.query.sql);
            const t = statementTimes.get(shape) ?? { n: 0, ms: 0 };
            statementTimes.set(shape, { n: t.n + 1, ms: t.ms + event.queryDurationMillis });
          },
        })
      : null;
    const store = createSearchStore(profiled ?? bench.db, () => bench.now);
    const run = async (q: BenchQuery) => {
      const started = performance.now();
      const result = await searchCases(store, { actor: q.actor, q: q.q, filter: q.filter, page: 1, pageSize: 20 });
      return { ms: performance.now() - started, total: result.total, isExact: result.isTotalExact };
    };
    log('warming up');
    for (const q of queries.slice(0, 50)) await run(q);
    log(`running ${QUERIES} queries`);
    const results: { kind: QueryKind; q: string; filter: SearchFilter; user: string; ms: number; total: number; isExact: boolean }[] = [];
    for (const q of queries.slice(50)) results.push({ kind: q.kind, q: q.q, filter: q.filter, user: q.actor.username, ...(await run(q)) });

    const summarise = (rows: typeof results) => {
      const ms = rows.map((x) => x.ms).sort((a, b) => a - b);
      const hits = rows.map((x) => x.total).sort((a, b) => a - b);
      return {
        n: rows.length,
        p50: percentile(ms, 50).toFixed(1),
        p95: percentile(ms, 95).toFixed(1),
        p99: percentile(ms, 99).toFixed(1),
        max: (ms[ms.length - 1] ?? 0).toFixed(1),
        'median hits': percentile(hits, 50),
        [`>${MAX_RANKED} hits`]: `${Math.round((100 * rows.filter((x) => !x.isExact).length) / Math.max(1, rows.length))} %`,
        'no hit': `${Math.round((100 * rows.filter((x) => x.total === 0).length) / Math.max(1, rows.length))} %`,
      };
    };
    const table: Record<string, ReturnType<typeof summarise>> = { all: summarise(results) };
    for (const kind of [...new Set(results.map((x) => x.kind))]) table[kind] = summarise(results.filter((x) => x.kind === kind));
    console.log(`\nSearch over ${SCALE.toLocaleString('en')} cases, ${QUERIES} queries, times in ms (search use case, no HTTP):`);
    console.table(table);
    console.log('Slowest queries:');
    for (const x of [...results].sort((a, b) => b.ms - a.ms).slice(0, 8)) console.log(`  ${x.ms.toFixed(1)} ms  ${x.kind}  ${JSON.stringify(x.q)}  (${x.total}${x.isExact ? '' : '+'} hits)  ${x.user} ${JSON.stringify(x.filter)}`);
    console.log('Sizes:', await indexSizes(bench.url));
    if (profiled) {
      const all = [...statementTimes.values()].reduce((sum, t) => sum + t.ms, 0);
      console.log(`\nStatements (warm-up included), ${all.toFixed(0)} ms in all:`);
      for (const [shape, t] of [...statementTimes].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15)) {
        console.log(`  ${((100 * t.ms) / all).toFixed(1).padStart(5)} %  ${String(t.n).padStart(5)} ×  ${(t.ms / t.n).toFixed(2).padStart(7)} ms  ${shape}`);
      }
      await profiled.destroy();
    }
  } finally {
    await bench.db.destroy();
  }
};

await main();
