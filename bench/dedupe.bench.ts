/**
 * Duplicate detection: quality on real messages, and speed against a large archive.
 * Run: DATABASE_URL=postgres://… npx tsx bench/dedupe.bench.ts [quality|speed|label]   (default: both quality and speed)
 *
 * quality  The 4 326 messages of teddy2020c/hotspot_attachment3.csv are registered as cases in time order
 *          (the poster's user id standing in for a phone number) and indexed by the production indexer. Each
 *          message is then checked as if it were being taken in, against the earlier ones only. Reported:
 *          - on the 96 groups of identical messages (a free ground truth): how often the top suggestion of a
 *            later copy is an earlier copy;
 *          - precision of the top suggestion on the hand-labelled pairs of test/fixtures/duplicate-pairs.jsonl,
 *            overall and per score band, with and without the requester signal.
 * label    Prints a fresh random sample of (message, top suggestion) pairs to label, as JSON lines.
 * speed    Checks 1000 new requests (dev.jsonl messages, with phone numbers and places) against the
 *          generated archive of bench/search-corpus.ts (BENCH_CASES, default 1 000 000), with the text window
 *          opened to the whole archive so that every case is a candidate; prints p50/p95.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Actor } from '../src/core/auth/actor.js';
import { permissionsForRoles } from '../src/core/auth/roles.js';
import { checkIntake, type DuplicateDeps } from '../src/core/duplicates/check-duplicates.js';
import { resolveDuplicateSettings, type DuplicateSettings } from '../src/core/duplicates/duplicate-settings.js';
import { findDuplicates, type DuplicateSuggestion } from '../src/core/duplicates/find-duplicates.js';
import { createDuplicateDeps, createDuplicateStore, probeOfCase } from '../src/db/duplicates.repository.js';
import { createDb, migrateToLatest, type Db } from '../src/db/database.js';
import { requestLexemes } from '../src/core/search/search-document.js';
import { indexCase } from '../src/db/search-index.repository.js';
import { seedDemo } from '../src/seed/demo-seed.js';
import { adminQuery, DATA_DIR, log, mulberry32, openBenchDatabase, percentile, readCsvRecords, withDatabase } from './search-corpus.js';

const FIXTURE = path.resolve(import.meta.dirname, '../test/fixtures/duplicate-pairs.jsonl');

type Hotspot = { messageId: string; user: string; title: string; detail: string; at: Date };

const readHotspot = (): Hotspot[] =>
  readCsvRecords(path.join(DATA_DIR, 'teddy2020c', 'hotspot_attachment3.csv'))
    .map((r) => ({ messageId: r.message_id ?? '', user: r.user ?? '', title: (r.title ?? '').trim(), detail: (r.detail ?? '').trim(), at: new Date(`${r.time}+08:00`) }))
    .filter((m) => m.title !== '' && m.detail !== '')
    .sort((a, b) => a.at.getTime() - b.at.getTime() || (a.messageId < b.messageId ? -1 : 1));

/** A stable made-up phone number per poster, so that "the same requester" means the same user id. */
const phoneOf = (user: string): string => {
  let h = 2166136261;
  for (const ch of user) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return `138${String(h % 100_000_000).padStart(8, '0')}`;
};

const openHotspotDatabase = async (): Promise<{ db: Db; ids: Map<string, string>; messages: Hotspot[] }> => {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('Set DATABASE_URL.');
  const name = 'bihuan_bench_hotspot';
  const messages = readHotspot();
  await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const db = createDb(withDatabase(adminUrl, name), { max: 4, onIdleError: () => {} });
  await migrateToLatest(db);
  await seedDemo(db, { demoPassword: 'bench-password-1', now: new Date('2017-01-01T00:00:00Z') });
  // The demo cases are not part of the experiment.
  await sql`DELETE FROM event_outbox`.execute(db);
  await sql`TRUNCATE case_search`.execute(db);
  await sql`UPDATE search_terms SET df = 0`.execute(db);
  const root = await db.selectFrom('units').select('id').where('parent_id', 'is', null).executeTakeFirstOrThrow();
  const ids = new Map<string, string>();
  log(`registering and indexing ${messages.length} messages`);
  for (const [i, m] of messages.entries()) {
    const requester = await db.insertInto('requesters').values({ name: m.user, phone: phoneOf(m.user) }).returning('id').executeTakeFirstOrThrow();
    const row = await db
      .insertInto('cases')
      .values({
        tracking_no: `hotspot-${m.messageId}-${i}`, access_code_hash: 'bench', status: 'registered', channel: 'web', kind: 'complaint',
        title: m.title.slice(0, 200), description: m.detail.slice(0, 10000), requester_id: requester.id, intake_unit_id: root.id,
        created_at: m.at, updated_at: m.at,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.set(`${m.messageId}#${i}`, row.id);
    await db.transaction().execute((trx) => indexCase(trx, row.id, { now: m.at }));
  }
  return { db, ids, messages };
};

type Top = { query: Hotspot; queryKey: string; top: DuplicateSuggestion | null; topMessage: Hotspot | null };

/** Each message checked against the earlier ones, as at its intake. */
const topSuggestions = async (db: Db, ids: Map<string, string>, messages: Hotspot[], settings: DuplicateSettings, withRequester: boolean): Promise<Top[]> => {
  const byCase = new Map<string, Hotspot>();
  messages.forEach((m, i) => byCase.set(ids.get(`${m.messageId}#${i}`) ?? '', m));
  const store = createDuplicateStore(db);
  const tops: Top[] = [];
  for (const [i, m] of messages.entries()) {
    const key = `${m.messageId}#${i}`;
    const caseId = ids.get(key) ?? '';
    const probe = await probeOfCase(db, caseId);
    if (!probe) continue;
    const [top] = await findDuplicates(store, { ...probe, requesterKeys: withRequester ? probe.requesterKeys : [], isEarlierOnly: true }, settings, { minScore: 0.2, limit: 1 });
    tops.push({ query: m, queryKey: key, top: top ?? null, topMessage: top ? (byCase.get(top.caseId) ?? null) : null });
  }
  return tops;
};

type Label = { query_id: string; suggestion_id: string; label: 'duplicate' | 'different' };

const readLabels = (): Label[] =>
  readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => JSON.parse(l) as Label)
    .filter((l) => l.query_id !== undefined);

const quality = async (mode: 'quality' | 'label'): Promise<void> => {
  const { db, ids, messages } = await openHotspotDatabase();
  try {
    const settings = resolveDuplicateSettings({ textWindowDays: 3650, requesterWindowDays: 90 });
    const tops = await topSuggestions(db, ids, messages, settings, true);
    if (mode === 'label') {
      // LABEL_MIN / LABEL_MAX: a band of text similarity to sample from (text only, requester signal off).
      const band = process.env.LABEL_MIN ? { min: Number(process.env.LABEL_MIN), max: Number(process.env.LABEL_MAX ?? 1) } : null;
      const rows = band ? await topSuggestions(db, ids, messages, resolveDuplicateSettings({ textWindowDays: 3650 }), false) : tops;
      const similarity = (t: Top): number => {
        const r = t.top?.reasons.find((x) => x.kind === 'similar_text');
        return r?.kind === 'similar_text' ? r.similarity : 0;
      };
      const r = mulberry32(band ? 13 : 11);
      const pool = rows.filter((t) => t.top !== null && (band ? similarity(t) >= band.min && similarity(t) < band.max : t.top.score >= 0.3));
      const sample = pool.filter(() => r.chance(Math.min(1, (band ? 80 : 200) / pool.length)));
      for (const t of sample) {
        console.log(JSON.stringify({
          query_id: t.query.messageId, suggestion_id: t.topMessage?.messageId, score: t.top?.score, similarity: similarity(t), reasons: t.top?.reasons.map((x) => x.kind).join('+'),
          q: `${t.query.title} | ${t.query.detail.slice(0, 80)}`, s: `${t.topMessage?.title} | ${t.topMessage?.detail.slice(0, 80)}`,
        }));
      }
      return;
    }
    // Identical copies: a later copy's top suggestion should be an earlier copy.
    const firstByDetail = new Map<string, number>();
    let copies = 0;
    let copiesFound = 0;
    for (const t of tops) {
      const seen = firstByDetail.get(t.query.detail) ?? 0;
      firstByDetail.set(t.query.detail, seen + 1);
      if (seen === 0) continue;
      copies += 1;
      if (t.topMessage?.detail === t.query.detail && (t.top?.score ?? 0) >= settings.minScore) copiesFound += 1;
    }
    console.log(`\nIdentical re-posts: ${copiesFound}/${copies} later copies have an earlier copy as their top suggestion (score ≥ ${settings.minScore}).`);

    const labels = readLabels();
    const bands = [0.3, 0.4, 0.5, 0.6, 0.7, 0.8];
    const report = (name: string, rows: Top[]): void => {
      const table: Record<string, { labelled: number; precision: string; 'queries with a suggestion': string }> = {};
      for (const band of bands) {
        const shown = rows.filter((t) => t.top !== null && t.top.score >= band);
        const judged = shown.flatMap((t) => {
          const label = labels.find((l) => l.query_id === t.query.messageId && l.suggestion_id === t.topMessage?.messageId);
          return label ? [label] : [];
        });
        const right = judged.filter((l) => l.label === 'duplicate').length;
        table[`score ≥ ${band}`] = {
          labelled: judged.length,
          precision: judged.length === 0 ? '–' : (right / judged.length).toFixed(3),
          'queries with a suggestion': `${shown.length} (${((100 * shown.length) / rows.length).toFixed(1)} %)`,
        };
      }
      console.log(`\nTop-suggestion precision on the labelled pairs, ${name}:`);
      console.table(table);
    };
    report('text, requester and place (as in production)', tops);
    report('text only (requester signal off)', await topSuggestions(db, ids, messages, settings, false));
    console.log(`(${labels.length} labelled pairs in ${path.relative(process.cwd(), FIXTURE)}; a pair counts where it is the top suggestion)`);
  } finally {
    await db.destroy();
  }
};

const speed = async (): Promise<void> => {
  const scale = Number(process.env.BENCH_CASES ?? 1_000_000);
  const bench = await openBenchDatabase({ scale, isFresh: process.env.BENCH_FRESH === '1' });
  try {
    const r = mulberry32(5);
    const dev = readFileSync(path.join(DATA_DIR, 'teddy2020c', 'dev.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { title: string | null; text: string });
    const user = await bench.db.selectFrom('users').innerJoin('units', 'units.id', 'users.unit_id').select(['users.id', 'users.unit_id', 'units.path']).where('username', '=', 'agent').executeTakeFirstOrThrow();
    const actor: Actor = {
      kind: 'user', userId: user.id, username: 'agent', displayName: 'agent', roles: ['agent'], permissions: permissionsForRoles(['agent']),
      unitId: user.unit_id, unitPath: user.path,
    };
    // BENCH_PROFILE=1: statement times by the statement's first words.
    const statements = new Map<string, { n: number; ms: number }>();
    const profiled = process.env.BENCH_PROFILE === '1'
      ? createDb(bench.url, {
          max: 8,
          log: (event) => {
            const shape = event.query.sql.replace(/\s+/g, ' ').replace(/\$\d+/g, '?').slice(0, 110);
            const t = statements.get(shape) ?? { n: 0, ms: 0 };
            statements.set(shape, { n: t.n + 1, ms: t.ms + event.queryDurationMillis });
          },
        })
      : null;
    const base = createDuplicateDeps(profiled ?? bench.db, () => bench.now);
    // Every case of the archive is a candidate: the text window covers all three years.
    const settings = resolveDuplicateSettings({ textWindowDays: 3650, requesterWindowDays: 365, nearbyWindowDays: 365 });
    const deps: DuplicateDeps = { ...base, settings: async () => settings };
    const intakes = Array.from({ length: 1050 }, () => {
      const m = r.pick(dev);
      const title = m.title ?? m.text.split('\n')[0] ?? '';
      const hasPoint = r.chance(0.5);
      return {
        title: title.slice(0, 200),
        description: m.text.slice(title.length).trim().slice(0, 4000) || title,
        ...(hasPoint ? { lat: 29.62 + r.next() * 0.08, lng: 91.0 + r.next() * 0.2 } : {}),
        requester: { phone: `139${String(Math.floor(r.next() ** 2 * Math.max(1000, Math.floor(scale / 3)))).padStart(8, '0')}` },
      };
    });
    log('warming up');
    for (const intake of intakes.slice(0, 50)) await checkIntake(deps, { actor, intake });
    log('checking 1000 new requests');
    const times: number[] = [];
    let found = 0;
    for (const intake of intakes.slice(50)) {
      const started = performance.now();
      const items = await checkIntake(deps, { actor, intake });
      times.push(performance.now() - started);
      if (items.length > 0) found += 1;
    }
    times.sort((a, b) => a - b);
    const { rows } = await sql<{ n: string }>`SELECT count(*) AS n FROM case_search WHERE status <> 'merged'`.execute(bench.db);
    console.log(`\nDuplicate check of a new request against ${Number(rows[0]?.n ?? 0).toLocaleString('en')} cases (all candidates), 1000 checks:`);
    console.table({ ms: { p50: percentile(times, 50).toFixed(1), p95: percentile(times, 95).toFixed(1), p99: percentile(times, 99).toFixed(1), max: (times[times.length - 1] ?? 0).toFixed(1) } });
    console.log(`${found} of 1000 checks returned at least one suggestion.`);
    if (profiled) {
      const tokenising = intakes.slice(50).map((intake) => {
        const started = performance.now();
        requestLexemes(intake.title, intake.description);
        return performance.now() - started;
      });
      tokenising.sort((a, b) => a - b);
      console.log(`Tokenising the request alone: p50 ${percentile(tokenising, 50).toFixed(2)} ms, p95 ${percentile(tokenising, 95).toFixed(2)} ms`);
      const all = [...statements.values()].reduce((sum, t) => sum + t.ms, 0);
      console.log(`Statements (warm-up included), ${all.toFixed(0)} ms in all:`);
      for (const [shape, t] of [...statements].sort((a, b) => b[1].ms - a[1].ms).slice(0, 10)) {
        console.log(`  ${((100 * t.ms) / all).toFixed(1).padStart(5)} %  ${String(t.n).padStart(5)} ×  ${(t.ms / t.n).toFixed(2).padStart(7)} ms  ${shape}`);
      }
      await profiled.destroy();
    }
  } finally {
    await bench.db.destroy();
  }
};

const mode = process.argv[2] ?? 'all';
if (mode === 'label') await quality('label');
else {
  if (mode === 'all' || mode === 'quality') await quality('quality');
  if (mode === 'all' || mode === 'speed') await speed();
}
