/**
 * A generated archive of cases for the search and duplicate benchmarks, loaded with COPY into a database
 * of its own. Chinese requests are recombined from real citizen messages (teddy2020c): each case takes a
 * real message and swaps some of its clauses for clauses of other messages of the same department, so the
 * vocabulary, the lengths and the word frequencies are real while no two cases are copies. Tibetan cases
 * (8 %) are built the same way from the UDHR and the Nanhai modern-writing corpus. Shared by
 * bench/search.bench.ts and bench/dedupe.bench.ts.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { formatTrackingNo } from '../src/core/case/tracking-number.js';
import { requesterKeys } from '../src/core/duplicates/requester-key.js';
import { idf, storedAnchors } from '../src/core/duplicates/text-similarity.js';
import { caseDocumentsOfTokens, indexTokens, requestLexemesOfTokens } from '../src/core/search/search-document.js';
import { createDb, migrateToLatest, type Db } from '../src/db/database.js';
import { seedDemo } from '../src/seed/demo-seed.js';

export const DATA_DIR = process.env.BIHUAN_DATA_DIR ?? path.resolve(import.meta.dirname, '../../shared/data');

// ---------------------------------------------------------------------------------------------------------
// Deterministic randomness: the same seed regenerates the same corpus (the loader makes two passes).

export type Random = { next: () => number; int: (n: number) => number; pick: <T>(items: readonly T[]) => T; chance: (p: number) => boolean };

export const mulberry32 = (seed: number): Random => {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  return {
    next,
    int,
    pick: <T>(items: readonly T[]): T => {
      const item = items[int(items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    chance: (p: number) => next() < p,
  };
};

// ---------------------------------------------------------------------------------------------------------
// Source texts

export const parseCsv = (text: string): string[][] => {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let isQuoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i];
    if (isQuoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 1;
        } else isQuoted = false;
      } else field += ch;
    } else if (ch === '"') isQuoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (ch !== '\r') field += ch;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
};

export const readCsvRecords = (file: string): Record<string, string>[] => {
  const [header, ...rows] = parseCsv(readFileSync(file, 'utf8'));
  if (!header) return [];
  return rows.filter((r) => r.length === header.length).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])));
};

type Message = { label: string; title: string; body: string };

const LABEL_UNITS: Record<string, string> = {
  城乡建设: 'cityman',
  劳动和社会保障: 'hrss',
  教育文体: 'education',
  商贸旅游: 'market',
  环境保护: 'ecoenv',
  卫生计生: 'health',
  交通运输: 'transport',
  其他: 'petition',
};
const LABEL_CATEGORIES: Record<string, readonly string[]> = {
  城乡建设: ['city', 'sanitation', 'heating_water', 'noise'],
  劳动和社会保障: ['wage_arrears', 'labour_dispute', 'policy_enquiry'],
  教育文体: ['schooling'],
  商贸旅游: ['consumer', 'market_affairs', 'food_safety'],
  环境保护: ['noise', 'sanitation'],
  卫生计生: ['health_care'],
  交通运输: ['road_traffic'],
  其他: ['petition_matter', 'policy_enquiry'],
};

const readMessages = (): Message[] => {
  const messages: Message[] = [];
  for (const file of ['train.jsonl', 'dev.jsonl']) {
    for (const line of readFileSync(path.join(DATA_DIR, 'teddy2020c', file), 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const r = JSON.parse(line) as { title?: string | null; text?: string | null; label: string };
      const text = r.text ?? '';
      const title = r.title ?? text.split('\n')[0] ?? '';
      const body = text.startsWith(title) ? text.slice(title.length).trim() : text;
      messages.push({ label: r.label, title, body });
    }
  }
  // The hotspot messages have no department; they widen the vocabulary of places and matters.
  for (const r of readCsvRecords(path.join(DATA_DIR, 'teddy2020c', 'hotspot_attachment3.csv'))) {
    messages.push({ label: '其他', title: r.title ?? '', body: r.detail ?? '' });
  }
  return messages.filter((m) => m.title.length > 0 && m.body.length > 10);
};

const readReplies = (): string[] =>
  readCsvRecords(path.join(DATA_DIR, 'teddy2020c', 'replies_attachment4.csv'))
    .map((r) => (r.reply ?? '').replace(/\s+/g, ' ').trim())
    .filter((r) => r.length > 20);

/** The Nanhai corpus is word-segmented: put the tshegs back so that it reads like typed text. */
const unsegmentTibetan = (segmented: string): string =>
  segmented
    .replace(/-/g, '')
    .replace(/\+/g, '')
    .split(/\s+/)
    .filter(Boolean)
    .reduce((out, word) => {
      if (out === '') return word;
      if (/^[\u0f0d-\u0f14༼༽]/.test(word) || /[\u0f0b\u0f0d-\u0f14]$/.test(out)) return `${out}${word}`;
      return `${out}\u0f0b${word}`;
    }, '');

const readTibetanSentences = (): string[] => {
  const sentences: string[] = [];
  const add = (text: string) => {
    for (const s of text.split(/(?<=[།༎])\s*/u)) {
      const t = s.trim();
      if (t.length >= 12 && t.length <= 200) sentences.push(t);
    }
  };
  for (const line of readFileSync(path.join(DATA_DIR, 'tibetan-text', 'udhr_bod_paragraphs.jsonl'), 'utf8').split('\n')) {
    if (line.trim()) add((JSON.parse(line) as { text: string }).text);
  }
  for (const line of readFileSync(path.join(DATA_DIR, 'tibetan-text', 'nanhai_modern_writing_segmented.jsonl'), 'utf8').split('\n')) {
    if (line.trim()) add(unsegmentTibetan((JSON.parse(line) as { text_segmented: string }).text_segmented.slice(0, 6000)));
  }
  return sentences;
};

/** Clauses end after Chinese or Western sentence punctuation; the punctuation stays with its clause. */
export const splitClauses = (text: string): string[] =>
  text
    .replace(/\s+/g, ' ')
    .split(/(?<=[。！？；!?;，,\n])/u)
    .map((c) => c.trim())
    .filter((c) => c.length > 0);

type Clause = { text: string; tokens: string[] };

export type Vocabulary = {
  messages: { label: string; title: Clause; clauses: Clause[] }[];
  clausesByLabel: Map<string, Clause[]>;
  replies: Clause[][];
  tibetan: Clause[];
  names: string[];
};

/** Every clause is tokenised once; a generated document's tokens are the concatenation of its clauses'. */
export const loadVocabulary = (): Vocabulary => {
  const cache = new Map<string, Clause>();
  const clause = (text: string): Clause => {
    let c = cache.get(text);
    if (!c) {
      c = { text, tokens: indexTokens(text) };
      cache.set(text, c);
    }
    return c;
  };
  const messages = readMessages().map((m) => ({ label: m.label, title: clause(m.title.slice(0, 200)), clauses: splitClauses(m.body).slice(0, 40).map(clause) }));
  const clausesByLabel = new Map<string, Clause[]>();
  for (const m of messages) {
    const list = clausesByLabel.get(m.label) ?? [];
    list.push(...m.clauses);
    clausesByLabel.set(m.label, list);
  }
  const replies = readReplies().slice(0, 3000).map((r) => splitClauses(r).slice(0, 12).map(clause));
  const tibetan = readTibetanSentences().map(clause);
  const names = [
    '张建国', '李淑芬', '王德明', '陈晓', '刘洋', '杨丽', '赵强', '周敏', '吴涛', '黄静', '次仁', '卓玛', '扎西', '央金', '德吉', '格桑',
    '平措', '拉姆', '边巴', '索朗', 'བསོད་ནམས།', 'ཚེ་རིང་།', 'སྒྲོལ་མ།', 'བཀྲ་ཤིས།', 'པདྨ།',
  ];
  return { messages, clausesByLabel, replies, tibetan, names };
};

// ---------------------------------------------------------------------------------------------------------
// Generated cases

export type Directory = { rootUnitId: string; unitIds: Map<string, string>; categoryIds: Map<string, string>; unitCodes: string[] };

export type GeneratedCase = {
  index: number;
  id: string;
  requesterId: string;
  trackingNo: string;
  language: 'zh-Hans' | 'bo';
  label: string;
  status: string;
  channel: string;
  kind: string;
  title: Clause;
  description: Clause[];
  reply: Clause[] | null;
  internalNote: Clause | null;
  address: string | null;
  lat: number | null;
  lng: number | null;
  phone: string;
  name: string;
  categoryCode: string | null;
  leadUnitCode: string | null;
  createdAt: Date;
};

const STATUSES: readonly [string, number][] = [
  ['closed', 0.55], ['callback_done', 0.1], ['replied', 0.08], ['accepted', 0.1], ['dispatched', 0.07], ['registered', 0.04], ['returned', 0.01],
  ['rejected', 0.03], ['merged', 0.02],
];
const CHANNELS = ['phone', 'phone', 'phone', 'web', 'app', 'miniprogram', 'visit', 'letter'] as const;
const KINDS = ['complaint', 'complaint', 'help', 'enquiry', 'report', 'suggestion'] as const;
const STREETS = ['北京中路', '金珠西路', '江苏路', '林廓北路', '色拉路', '夺底路', '纳金路', '柳梧大道', '德吉路', '宇拓路', '藏大西路', '娘热路'];

const pickStatus = (r: Random): string => {
  let x = r.next();
  for (const [status, p] of STATUSES) {
    x -= p;
    if (x <= 0) return status;
  }
  return 'closed';
};

const YEAR_MS = 365 * 86_400_000;

/**
 * The i-th case of a corpus: a pure function of the seed and i, so the two loading passes agree. Phone
 * numbers come from a pool a third the size of the corpus with a skewed choice, so that some requesters
 * call again and again, as they do.
 */
export const generateCase = (vocab: Vocabulary, seed: number, index: number, options: { scale: number; now: Date }): GeneratedCase => {
  const r = mulberry32(seed * 1_000_003 + index);
  const createdAt = new Date(options.now.getTime() - Math.floor(r.next() * 3 * YEAR_MS));
  const isTibetan = r.chance(0.08);
  const status = pickStatus(r);
  let label: string;
  let title: Clause;
  let description: Clause[];
  if (isTibetan) {
    label = r.pick(['城乡建设', '劳动和社会保障', '教育文体', '卫生计生', '其他']);
    title = r.pick(vocab.tibetan);
    description = Array.from({ length: 1 + r.int(4) }, () => r.pick(vocab.tibetan));
  } else {
    const base = r.pick(vocab.messages);
    label = base.label;
    const pool = vocab.clausesByLabel.get(label) ?? base.clauses;
    description = base.clauses.map((c) => (r.chance(0.4) ? r.pick(pool) : c));
    if (description.length === 0) description = [r.pick(pool)];
    // The cases table holds at most 10 000 characters of description.
    while (description.length > 1 && textOf(description).length > 10_000) description = description.slice(0, -1);
    const first = description[0];
    title = r.chance(0.6) || !first || first.text.length > 40 ? base.title : first;
  }
  const isReplied = ['replied', 'callback_done', 'closed'].includes(status);
  const reply = isReplied && !isTibetan && r.chance(0.7) ? r.pick(vocab.replies) : null;
  const hasAddress = r.chance(0.5);
  const hasPoint = hasAddress && r.chance(0.6);
  const phonePool = Math.max(1000, Math.floor(options.scale / 3));
  // Skewed: the square of a uniform number favours low indices, so some numbers recur often.
  const phone = `139${String(Math.floor(r.next() ** 2 * phonePool)).padStart(8, '0')}`;
  const day = createdAt.toISOString().slice(0, 10);
  const categories = LABEL_CATEGORIES[label] ?? ['city'];
  return {
    index,
    id: randomUUID(),
    requesterId: randomUUID(),
    // Unique per corpus: the sequence carries the case index; the check digit keeps it valid.
    trackingNo: formatTrackingNo(day, 100_000 + index),
    language: isTibetan ? 'bo' : 'zh-Hans',
    label,
    status,
    channel: r.pick(CHANNELS),
    kind: r.pick(KINDS),
    title,
    description,
    reply,
    internalNote: r.chance(0.15) ? r.pick(vocab.clausesByLabel.get(label) ?? vocab.tibetan) : null,
    address: hasAddress ? `拉萨市城关区${r.pick(STREETS)}${1 + r.int(300)}号` : null,
    lat: hasPoint ? 29.62 + r.next() * 0.08 : null,
    lng: hasPoint ? 91.0 + r.next() * 0.2 : null,
    phone,
    name: r.pick(vocab.names),
    categoryCode: r.chance(0.8) ? r.pick(categories) : null,
    leadUnitCode: status === 'registered' || status === 'rejected' ? null : (LABEL_UNITS[label] ?? 'petition'),
    createdAt,
  };
};

export const textOf = (clauses: readonly Clause[]): string => clauses.map((c) => c.text).join('');
const tokensOf = (clauses: readonly Clause[]): string[] => clauses.flatMap((c) => c.tokens);

// ---------------------------------------------------------------------------------------------------------
// COPY through psql: node-postgres has no COPY FROM STDIN of its own, and psql streams it client-side.

const escapeCopy = (value: string | number | null): string => {
  if (value === null) return '\\N';
  return String(value).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
};

export const copyRow = (values: readonly (string | number | null)[]): string => `${values.map(escapeCopy).join('\t')}\n`;

export type CopyStream = { write: (line: string) => Promise<void>; end: () => Promise<void> };

export const openCopy = (databaseUrl: string, table: string, columns: readonly string[]): CopyStream => {
  const child = spawn(
    'psql',
    [databaseUrl, '-v', 'ON_ERROR_STOP=1', '-q', '-c', 'SET session_replication_role = replica', '-c', `\\copy ${table} (${columns.join(', ')}) FROM STDIN`],
    { stdio: ['pipe', 'inherit', 'inherit'] },
  );
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql \\copy ${table} exited with ${code}`))));
  });
  let buffer = '';
  const flush = async (): Promise<void> => {
    if (buffer === '') return;
    const chunk = buffer;
    buffer = '';
    if (!child.stdin.write(chunk)) await new Promise<void>((resolve) => child.stdin.once('drain', () => resolve()));
  };
  return {
    write: async (line) => {
      buffer += line;
      if (buffer.length > 1 << 20) await flush();
    },
    end: async () => {
      await flush();
      child.stdin.end();
      await done;
    },
  };
};

// ---------------------------------------------------------------------------------------------------------
// The benchmark database

export const adminQuery = async (adminUrl: string, text: string, values: unknown[] = []): Promise<pg.QueryResult> => {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await client.query(text, values);
  } finally {
    await client.end();
  }
};

export const withDatabase = (url: string, database: string): string => {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
};

export type BenchDatabase = { url: string; db: Db; directory: Directory; scale: number; seed: number; vocab: Vocabulary; now: Date };

const loadDirectory = async (db: Db): Promise<Directory> => {
  const units = await db.selectFrom('units').select(['id', 'code', 'parent_id']).execute();
  const categories = await db.selectFrom('categories').select(['id', 'code']).execute();
  const root = units.find((u) => u.parent_id === null);
  if (!root) throw new Error('no root unit');
  return { rootUnitId: root.id, unitIds: new Map(units.map((u) => [u.code, u.id])), categoryIds: new Map(categories.map((c) => [c.code, c.id])), unitCodes: units.map((u) => u.code) };
};

/**
 * Indexes that COPY would maintain row by row are dropped before loading and built afterwards, which is
 * several times faster. The trigram indexes on the case title and description (core, for the old ILIKE
 * search) are not rebuilt: search no longer reads them, and building them on a million long texts takes
 * most of the loading time.
 */
const SKIPPED_INDEXES = new Set(['cases_title_trgm', 'cases_description_trgm']);
const LOADED_TABLES = ['requesters', 'cases', 'case_assignments', 'case_search', 'case_anchors'];

const dropIndexes = async (url: string): Promise<string[]> => {
  const { rows } = await adminQuery(
    url,
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
      WHERE i.schemaname = 'public' AND i.tablename = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    [LOADED_TABLES],
  );
  const definitions: string[] = [];
  for (const row of rows as { indexname: string; indexdef: string }[]) {
    await adminQuery(url, `DROP INDEX ${row.indexname}`);
    if (!SKIPPED_INDEXES.has(row.indexname)) definitions.push(row.indexdef);
  }
  return definitions;
};

const log = (message: string): void => {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${message}\n`);
};

/** Opens the benchmark database for this scale and seed, generating and loading it first if needed. */
export const openBenchDatabase = async (options: { scale: number; seed?: number; isFresh?: boolean }): Promise<BenchDatabase> => {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
  if (!adminUrl) throw new Error('Set DATABASE_URL (a PostgreSQL server URL; a database of its own is created on it).');
  const seed = options.seed ?? 20261122;
  const name = `bihuan_bench_${options.scale}_${seed}`;
  const url = withDatabase(adminUrl, name);
  // A fixed "now", so that a reused database has the same ages as a new one.
  const now = new Date('2026-11-22T08:00:00+08:00');
  log('tokenising the source texts');
  const vocab = loadVocabulary();
  const exists = (await adminQuery(adminUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
  let isComplete = false;
  if (exists && !options.isFresh) {
    const marker = await adminQuery(url, "SELECT to_regclass('bench_loaded') IS NOT NULL AS ok").catch(() => null);
    isComplete = marker?.rows[0]?.ok === true;
  }
  if (!isComplete) {
    await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  }
  const db = createDb(url, { max: 8, onIdleError: () => {} });
  if (!isComplete) {
    await migrateToLatest(db);
    await seedDemo(db, { demoPassword: 'bench-password-1', now });
    const directory = await loadDirectory(db);
    await loadCorpus(url, vocab, directory, { scale: options.scale, seed, now });
    await adminQuery(url, 'CREATE TABLE bench_loaded (at timestamptz)');
  } else {
    // A database kept from an earlier run gets the migrations added since (new columns the queries read),
    // and the statistics and visibility map that a fresh load ends with.
    if ((await migrateToLatest(db)).length > 0) await adminQuery(url, 'VACUUM ANALYZE');
  }
  return { url, db, directory: await loadDirectory(db), scale: options.scale, seed, vocab, now };
};

const loadCorpus = async (url: string, vocab: Vocabulary, directory: Directory, options: { scale: number; seed: number; now: Date }): Promise<void> => {
  const { scale, seed, now } = options;
  const started = Date.now();
  // Pass 1: document frequencies, which each row's text weight needs.
  const df = new Map<string, number>();
  for (let i = 0; i < scale; i += 1) {
    const c = generateCase(vocab, seed, i, { scale, now });
    for (const lexeme of requestLexemesOfTokens(c.title.tokens, tokensOf(c.description))) df.set(lexeme, (df.get(lexeme) ?? 0) + 1);
    if ((i + 1) % 100_000 === 0) log(`counted ${i + 1} documents, ${df.size} lexemes`);
  }
  const stats = { documents: scale, df };
  const definitions = await dropIndexes(url);
  await adminQuery(url, 'TRUNCATE search_terms');
  // The anchor postings are filled in one statement after the load, not row by row by their trigger.
  await adminQuery(url, 'ALTER TABLE case_search DISABLE TRIGGER case_search_anchors_sync');
  await adminQuery(url, 'DELETE FROM event_outbox');

  const requesters = openCopy(url, 'requesters', ['id', 'name', 'phone', 'language', 'created_at']);
  const cases = openCopy(url, 'cases', [
    'id', 'tracking_no', 'access_code_hash', 'status', 'channel', 'kind', 'title', 'description', 'language', 'category_id', 'requester_id',
    'intake_unit_id', 'lead_unit_id', 'address', 'lat', 'lng', 'reply_text', 'reply_outcome', 'replied_at', 'dispatched_at', 'closed_at', 'master_id',
    'created_at', 'updated_at',
  ]);
  const assignments = openCopy(url, 'case_assignments', ['case_id', 'unit_id', 'role', 'status', 'assigned_at', 'accepted_at', 'ended_at']);
  const search = openCopy(url, 'case_search', [
    'case_id', 'document', 'document_with_internal', 'created_at', 'status', 'category_id', 'channel', 'kind', 'unit_ids', 'requester_keys', 'anchors', 'lat', 'lng',
    'text_weight', 'indexed_seq', 'indexed_at',
  ]);
  const terms = openCopy(url, 'search_terms', ['lexeme', 'df']);

  let firstId: string | null = null;
  for (let i = 0; i < scale; i += 1) {
    const c = generateCase(vocab, seed, i, { scale, now });
    firstId ??= c.id;
    const at = c.createdAt.toISOString();
    const description = textOf(c.description);
    const replyText = c.reply ? textOf(c.reply) : null;
    const isReplied = ['replied', 'callback_done', 'closed'].includes(c.status);
    const categoryId = c.categoryCode ? (directory.categoryIds.get(c.categoryCode) ?? null) : null;
    const leadUnitId = c.leadUnitCode ? (directory.unitIds.get(c.leadUnitCode) ?? null) : null;
    const later = new Date(c.createdAt.getTime() + 3 * 86_400_000).toISOString();
    await requesters.write(copyRow([c.requesterId, c.name, c.phone, c.language, at]));
    await cases.write(
      copyRow([
        c.id, c.trackingNo, 'bench', c.status, c.channel, c.kind, c.title.text, description || c.title.text, c.language,
        categoryId, c.requesterId, directory.rootUnitId, leadUnitId,
        c.address, c.lat, c.lng, isReplied ? (replyText ?? '已办理。') : null, isReplied ? 'resolved' : null, isReplied ? later : null,
        leadUnitId ? at : null, c.status === 'closed' || c.status === 'merged' ? later : null, c.status === 'merged' ? firstId : null, at, later,
      ]),
    );
    if (leadUnitId) {
      const assignmentStatus = c.status === 'dispatched' ? 'pending' : c.status === 'accepted' ? 'accepted' : c.status === 'returned' ? 'returned' : 'done';
      await assignments.write(copyRow([c.id, leadUnitId, 'lead', assignmentStatus, at, assignmentStatus === 'pending' ? null : at, ['done', 'returned'].includes(assignmentStatus) ? later : null]));
    }
    const unitIds = [directory.rootUnitId, ...(leadUnitId ? [leadUnitId] : [])];
    const documents = caseDocumentsOfTokens({
      createdAt: c.createdAt,
      facets: { status: c.status, categoryId, channel: c.channel, kind: c.kind, unitIds },
      title: c.title.tokens,
      description: tokensOf(c.description),
      address: c.address ? indexTokens(c.address) : [],
      replies: c.reply ? [tokensOf(c.reply)] : [],
      notes: c.internalNote ? [{ tokens: c.internalNote.tokens, isInternal: true }] : [],
    });
    let weight = 0;
    for (const lexeme of documents.requestLexemes) weight += idf(df.get(lexeme) ?? 0, scale) ** 2;
    const anchors = storedAnchors(documents.requestLexemes, stats);
    const keys = requesterKeys({ phone: c.phone });
    await search.write(
      copyRow([
        c.id, documents.document, documents.documentWithInternal, at, c.status, categoryId, c.channel, c.kind,
        `{${unitIds.join(',')}}`, `{${keys.map((k) => `"${k}"`).join(',')}}`, `{${anchors.join(',')}}`, c.lat, c.lng,
        weight, 0, now.toISOString(),
      ]),
    );
    if ((i + 1) % 100_000 === 0) log(`wrote ${i + 1} cases (${Math.round((Date.now() - started) / 1000)} s)`);
  }
  await terms.write(copyRow(['', scale]));
  for (const [lexeme, n] of df) await terms.write(copyRow([lexeme, n]));
  await Promise.all([requesters.end(), cases.end(), assignments.end(), search.end(), terms.end()]);
  await adminQuery(url, 'INSERT INTO case_anchors (anchor, created_at, case_id) SELECT unnest(anchors), created_at, case_id FROM case_search');
  await adminQuery(url, 'ALTER TABLE case_search ENABLE TRIGGER case_search_anchors_sync');
  log(`loaded ${scale} cases in ${Math.round((Date.now() - started) / 1000)} s; building ${definitions.length} indexes`);
  for (const definition of definitions) {
    const t0 = Date.now();
    await adminQuery(url, `SET maintenance_work_mem = '4GB'; ${definition}`);
    log(`  ${definition.replace(/^CREATE (UNIQUE )?INDEX (\S+).*$/, '$2')}: ${Math.round((Date.now() - t0) / 1000)} s`);
  }
  await adminQuery(url, 'VACUUM ANALYZE');
  log(`ready after ${Math.round((Date.now() - started) / 1000)} s`);
};

/** Sizes of the search structures, for the report. */
export const indexSizes = async (url: string): Promise<Record<string, string>> => {
  const { rows } = await adminQuery(
    url,
    `SELECT c.relname AS name, pg_size_pretty(pg_total_relation_size(c.oid)) AS size
       FROM pg_class c WHERE c.relname IN ('case_search', 'case_search_document', 'case_search_document_with_internal', 'search_terms', 'cases', 'case_search_requester_keys', 'case_search_location')`,
  );
  return Object.fromEntries((rows as { name: string; size: string }[]).map((r) => [r.name, r.size]));
};

export const percentile = (sorted: readonly number[], p: number): number => {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? 0;
};

export { log };
