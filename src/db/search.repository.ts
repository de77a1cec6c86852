import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Actor } from '../core/auth/actor.js';
import type { CaseStatus, Channel, Kind } from '../core/case/case.types.js';
import type { LocalizedText } from '../core/directory/directory.types.js';
import type { HighlightSource } from '../core/search/highlight.js';
import { facetsQuery, recentPeriodsQuery } from '../core/search/search-document.js';
import { estimateMatches } from '../core/search/search-query.js';
import type { CaseSummaryRow, RankedRow, SearchFilter, SearchStore, TextSearchInput } from '../core/search/search-cases.js';
import { caseScope, requesterVisibleTo } from './case-query.repository.js';
import { fieldCryptoFor } from './data-keys.js';
import type { DbOrTrx } from './database.js';
import { blindIndexOf } from './requester-crypto.js';
import type { Database } from './schema.js';
import { loadSearchSources } from './search-index.repository.js';

/** ts_rank_cd weights for D, C, B, A: address, replies and notes, description, title. */
const RANK_WEIGHTS = sql`'{0.05, 0.2, 0.4, 1.0}'::float4[]`;
/** A fuzzy match (trigrams of an address or a name) ranks below any word match in the text. */
const FUZZY_RANK = 0.01;
const FUZZY_LIMIT = 50;
/**
 * A query matching a large part of the archive (a common word) ranks only its newest matches: reading and
 * ranking a hundred thousand documents takes far longer than anyone waits, and among so many matches the
 * recent ones are what a desk looks for. Rarer queries are ranked over all their matches. The total is
 * counted up to the same bound and reported as "at least" beyond it.
 */
export const MAX_RANKED = 200;
/**
 * When a query matches many documents, its newest matches are looked for in the last few weeks first: each
 * document holds the lexeme of its week (see periodLexeme), so the index reads only those weeks' matches.
 * The window is chosen from the document frequencies to hold about three times what is ranked, and is a
 * suffix of time (ending where a date filter ends), so its newest matches are the newest of the archive.
 * If it holds fewer after all (other filters, the unit's scope, words that rarely meet), a wider window
 * sized by the matches it did hold follows, or the date filter's whole range or the whole archive, which
 * is what a rare word gets at once: cheap for it (see isWindowCheaper).
 */
const WINDOW_TARGET = 2;
const MAX_WINDOW_WEEKS = 52;
const UNKNOWN_WINDOW_WEEKS = 4;
/** A date filter up to this long is searched as its weeks, never as the whole archive. */
const MAX_RANGE_WEEKS = 60;
/** Frequencies count titles and descriptions only; replies and notes add matches. */
const REPLY_ALLOWANCE = 1.5;
const DAY_MS = 86_400_000;

/** How common each value of the copied filter columns is: PostgreSQL's own statistics, read every 10 minutes. */
type FilterStats = Map<string, Map<string, number>>;
const STATS_TTL_MS = 10 * 60_000;
const filterStatsCache = new WeakMap<DbOrTrx, { at: number; stats: FilterStats }>();

const parseArrayText = (text: string | null): string[] => (text ? text.replace(/^\{|\}$/g, '').split(',').map((v) => v.replace(/^"|"$/g, '')) : []);

const loadFilterStats = async (db: DbOrTrx): Promise<FilterStats> => {
  const cached = filterStatsCache.get(db);
  if (cached && Date.now() - cached.at < STATS_TTL_MS) return cached.stats;
  const { rows } = await sql<{ attname: string; vals: string | null; freqs: number[] | null; elems: string | null; elem_freqs: number[] | null }>`
    SELECT attname, most_common_vals::text AS vals, most_common_freqs AS freqs, most_common_elems::text AS elems, most_common_elem_freqs AS elem_freqs
    FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'case_search'
      AND attname IN ('status', 'category_id', 'channel', 'kind', 'unit_ids')`.execute(db);
  const stats: FilterStats = new Map();
  for (const r of rows) {
    const values = r.attname === 'unit_ids' ? parseArrayText(r.elems) : parseArrayText(r.vals);
    const freqs = (r.attname === 'unit_ids' ? r.elem_freqs : r.freqs) ?? [];
    stats.set(r.attname, new Map(values.map((v, i) => [v, Number(freqs[i] ?? 0)])));
  }
  filterStatsCache.set(db, { at: Date.now(), stats });
  return stats;
};

/** A value missing from the statistics is rarer than those listed. */
const UNLISTED_FREQUENCY = 0.005;

/** The share of cases that pass the filters and the scope, roughly (independence assumed), never below 0.1 %. */
const filterSelectivity = async (db: DbOrTrx, filter: SearchFilter, scopeUnits: readonly string[] | null): Promise<number> => {
  if (!filter.statuses?.length && !filter.categoryId && !filter.channel && !filter.kind && !filter.unitId && scopeUnits === null) return 1;
  const stats = await loadFilterStats(db);
  const share = (column: string, values: readonly string[]): number => {
    const known = stats.get(column);
    if (!known || known.size === 0) return 1;
    return Math.min(1, values.reduce((sum, v) => sum + (known.get(v) ?? UNLISTED_FREQUENCY), 0));
  };
  let selectivity = 1;
  if (filter.statuses?.length) selectivity *= share('status', filter.statuses);
  if (filter.categoryId) selectivity *= share('category_id', [filter.categoryId]);
  if (filter.channel) selectivity *= share('channel', [filter.channel]);
  if (filter.kind) selectivity *= share('kind', [filter.kind]);
  if (filter.unitId) selectivity *= share('unit_ids', [filter.unitId]);
  if (scopeUnits !== null) selectivity *= share('unit_ids', scopeUnits);
  return Math.max(0.001, selectivity);
};

/**
 * What the window plan knows of the archive: how many documents there are, over how many weeks, and how many
 * the query should match in all (from the word frequencies; Infinity when unknown).
 */
type ArchiveShape = { documents: number; weeks: number; estimate: number };

/**
 * The costs that choose between a window and the whole archive, measured at a million cases: the word index
 * walks every case of a window's weeks (about 0.4 µs each, whatever the words), while the whole archive
 * costs about 4 µs for each match (its row is read to order by date). A window is only worth it for words
 * so common that its weeks hold fewer cases than ten times all their matches.
 */
const WINDOW_STEP_COST = 1;
const MATCH_COST = 10;

const isWindowCheaper = (shape: ArchiveShape, weeks: number, matches: number): boolean =>
  (shape.documents * Math.min(1, weeks / shape.weeks)) * WINDOW_STEP_COST < matches * MATCH_COST;

/** The shape of the archive for this query, before filters (selectivity 1). */
const archiveShape = async (db: DbOrTrx, input: TextSearchInput, now: Date): Promise<ArchiveShape> => {
  const lexemes = [...new Set(input.clauses.flat(2))];
  const [stats, range] = await Promise.all([
    db.selectFrom('search_terms').select(['lexeme', 'df']).where('lexeme', 'in', ['', ...lexemes]).execute(),
    db.selectFrom('case_search').select((eb) => eb.fn.min('created_at').as('first')).executeTakeFirst(),
  ]);
  const df = new Map(stats.map((r) => [r.lexeme, r.df]));
  const documents = df.get('') ?? 0;
  const estimate = lexemes.length === 0 ? Number.POSITIVE_INFINITY : estimateMatches(input.clauses, (lexeme) => df.get(lexeme) ?? 0, documents) * REPLY_ALLOWANCE;
  const first = range?.first ? new Date(range.first) : now;
  return { documents, weeks: Math.max(1, (now.getTime() - first.getTime()) / (7 * DAY_MS)), estimate };
};

/** Weeks of the first window, or null to search the whole archive (or the date range) at once. */
const firstWindow = (shape: ArchiveShape, selectivity: number): number | null => {
  if (!Number.isFinite(shape.estimate)) {
    const weeks = Math.ceil(UNKNOWN_WINDOW_WEEKS / selectivity);
    return weeks >= MAX_WINDOW_WEEKS ? null : weeks;
  }
  const weeks = (WINDOW_TARGET * MAX_RANKED * shape.weeks) / Math.max(1, shape.estimate);
  if (weeks >= MAX_WINDOW_WEEKS || !isWindowCheaper(shape, weeks, shape.estimate)) return null;
  return Math.max(2, Math.ceil(weeks) + 1);
};

/**
 * After a window of `weeks` held only `found` matches: a wider window sized by what was found there, or
 * null for the whole archive when that is cheaper (few matches in all) or nothing was found.
 */
const nextWindow = (shape: ArchiveShape, weeks: number, found: number): number | null => {
  if (found === 0) return null;
  const wider = Math.max(weeks * 2, Math.ceil((weeks * WINDOW_TARGET * MAX_RANKED) / found));
  const matches = (found * shape.weeks) / weeks;
  return wider >= MAX_WINDOW_WEEKS || !isWindowCheaper(shape, wider, matches) ? null : wider;
};

type SearchEb = ExpressionBuilder<Database & { s: Database['case_search'] }, 's'>;
type CasesEb = ExpressionBuilder<Database, 'cases'>;

/** The filters on the search row's copies of the case's fields: exact, and they keep the documents unread. */
const searchRowFilters = (eb: SearchEb, filter: SearchFilter): Expression<SqlBool>[] => {
  const conditions: Expression<SqlBool>[] = [];
  if (filter.statuses?.length) conditions.push(eb('s.status', 'in', [...filter.statuses]));
  if (filter.categoryId) conditions.push(eb('s.category_id', '=', filter.categoryId));
  if (filter.channel) conditions.push(eb('s.channel', '=', filter.channel));
  if (filter.kind) conditions.push(eb('s.kind', '=', filter.kind));
  // On an expression, not the column: walking the date index and reading each row's document to test the
  // words took 1.8 s for a 90-day range; the weeks of the range are in the word index (see the windows).
  if (filter.from) conditions.push(sql<SqlBool>`s.created_at + interval '0 seconds' >= ${filter.from}`);
  if (filter.to) conditions.push(sql<SqlBool>`s.created_at + interval '0 seconds' < ${filter.to}`);
  if (filter.unitId) {
    const unitId = filter.unitId;
    // The array test lets the index skip other units' cases; the assignment test is the exact rule below.
    conditions.push(sql<SqlBool>`s.unit_ids && (SELECT array_agg(u.id) FROM units u JOIN units t ON t.id = ${unitId} WHERE u.path <@ t.path)`);
    conditions.push(
      eb.exists(
        eb
          .selectFrom('case_assignments as fa')
          .innerJoin('units as fu', 'fu.id', 'fa.unit_id')
          .innerJoin('units as target', (join) => join.on('target.id', '=', unitId))
          .select(sql`1`.as('one'))
          .whereRef('fa.case_id', '=', 's.case_id')
          .where('fa.status', 'in', ['pending', 'accepted', 'done'])
          .where(sql<SqlBool>`fu.path <@ target.path`),
      ),
    );
  }
  return conditions;
};

/** The same filters on the case row, authoritative, as the case list applies them. */
const caseFilters = (eb: CasesEb, filter: SearchFilter): Expression<SqlBool>[] => {
  const conditions: Expression<SqlBool>[] = [];
  if (filter.statuses?.length) conditions.push(eb('cases.status', 'in', [...filter.statuses]));
  if (filter.categoryId) conditions.push(eb('cases.category_id', '=', filter.categoryId));
  if (filter.channel) conditions.push(eb('cases.channel', '=', filter.channel));
  if (filter.kind) conditions.push(eb('cases.kind', '=', filter.kind));
  if (filter.from) conditions.push(eb('cases.created_at', '>=', filter.from));
  if (filter.to) conditions.push(eb('cases.created_at', '<', filter.to));
  if (filter.unitId) {
    // As in the case list: handled (or being handled) by the unit or one below it.
    const unitId = filter.unitId;
    conditions.push(
      eb.exists(
        eb
          .selectFrom('case_assignments as fa')
          .innerJoin('units as fu', 'fu.id', 'fa.unit_id')
          .innerJoin('units as target', (join) => join.on('target.id', '=', unitId))
          .select(sql`1`.as('one'))
          .whereRef('fa.case_id', '=', 'cases.id')
          .where('fa.status', 'in', ['pending', 'accepted', 'done'])
          .where(sql<SqlBool>`fu.path <@ target.path`),
      ),
    );
  }
  return conditions;
};

const summaryColumns = [
  'cases.id', 'cases.tracking_no', 'cases.status', 'cases.channel', 'cases.kind', 'cases.title', 'cases.supervised_at',
  'cases.supervision_outcome', 'cases.is_identity_protected', 'cases.sla_state', 'cases.accept_due_at', 'cases.reply_due_at', 'cases.created_at', 'cases.updated_at',
  'cat.id as cat_id', 'cat.code as cat_code', 'cat.name as cat_name', 'lead.id as lead_id', 'lead.code as lead_code', 'lead.name as lead_name',
] as const;

type SummarySelection = {
  id: string; tracking_no: string; status: string; channel: string; kind: string; title: string; supervised_at: Date | null;
  supervision_outcome: string | null; is_identity_protected: boolean; sla_state: string; accept_due_at: Date | null; reply_due_at: Date | null; created_at: Date; updated_at: Date;
  cat_id: string | null; cat_code: string | null; cat_name: LocalizedText | null;
  lead_id: string | null; lead_code: string | null; lead_name: LocalizedText | null;
};

const toSummary = (r: SummarySelection): CaseSummaryRow => ({
  id: r.id,
  trackingNo: r.tracking_no,
  status: r.status as CaseStatus,
  channel: r.channel as Channel,
  kind: r.kind as Kind,
  title: r.title,
  category: r.cat_id && r.cat_code && r.cat_name ? { id: r.cat_id, code: r.cat_code, name: r.cat_name } : null,
  leadUnit: r.lead_id && r.lead_code && r.lead_name ? { id: r.lead_id, code: r.lead_code, name: r.lead_name } : null,
  supervisedAt: r.supervised_at,
  supervisionOutcome: r.supervision_outcome,
  isIdentityProtected: r.is_identity_protected,
  slaState: r.sla_state as CaseSummaryRow['slaState'],
  acceptDueAt: r.accept_due_at,
  replyDueAt: r.reply_due_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The units in the actor's scope, or null when it covers every unit (a scope check would be a no-op). */
const scopeUnitIds = async (db: DbOrTrx, actor: Actor): Promise<string[] | null> => {
  const row = await db
    .selectFrom('units')
    .select([
      sql<string[]>`coalesce(array_agg(id) FILTER (WHERE path <@ ${actor.unitPath}::ltree), '{}')`.as('inside'),
      sql<string>`count(*) FILTER (WHERE NOT path <@ ${actor.unitPath}::ltree)`.as('outside'),
    ])
    .executeTakeFirstOrThrow();
  return Number(row.outside) === 0 ? null : row.inside;
};

const loadSummaries = async (db: DbOrTrx, ids: readonly string[]): Promise<Map<string, CaseSummaryRow>> => {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('cases')
    .leftJoin('categories as cat', 'cat.id', 'cases.category_id')
    .leftJoin('units as lead', 'lead.id', 'cases.lead_unit_id')
    .select([...summaryColumns])
    .where('cases.id', 'in', [...ids])
    .execute();
  return new Map(rows.map((r) => [r.id, toSummary(r)]));
};

/** Where the windows end: the date filter's end, or now. */
const searchEnd = (filter: SearchFilter, now: Date): Date => (filter.to && filter.to.getTime() < now.getTime() ? filter.to : now);

/** Fuzzy matches of addresses (trigrams) and of requesters' names (as typed), by case id with their similarity. */
const findFuzzyMatches = async (db: DbOrTrx, input: TextSearchInput, actor: Actor): Promise<Map<string, number>> => {
  const fuzzy = new Map<string, number>();
  if (input.fuzzyText === null) return fuzzy;
  const text = input.fuzzyText;
  // Requesters' names are sealed at rest (docs/encryption.md): a name is found as typed (spaces and tshegs
  // aside) through its blind index, not by similarity. Ranked as a perfect fuzzy match, below word matches.
  const nameIndex = input.isNameSearchAllowed ? blindIndexOf(fieldCryptoFor(), 'name', text) : null;
  const [addresses, names] = await Promise.all([
    sql<{ id: string; similarity: number }>`
      SELECT c.id, word_similarity(${text}, c.address) AS similarity FROM cases c
      WHERE ${text} <% c.address ORDER BY similarity DESC LIMIT ${FUZZY_LIMIT}`.execute(db).then((r) => r.rows),
    nameIndex === null
      ? Promise.resolve([])
      : // The person first (their index), then their cases. Ordered by an expression on purpose: on the bare
        // column the planner walks every case by date looking for the person (seconds at a million cases).
        db
          .selectFrom('cases')
          .select('cases.id')
          .where('cases.requester_id', 'in', (eb) => eb.selectFrom('requesters as r').select('r.id').where('r.name_bidx', '=', nameIndex))
          // A protected requester is not found by name outside the intake unit: finding the case would tell who
          // made it (identity-protection.ts).
          .where((eb) => requesterVisibleTo(eb, actor))
          .orderBy(sql`cases.created_at + interval '0'`, 'desc')
          .limit(FUZZY_LIMIT)
          .execute(),
  ]);
  for (const r of addresses) fuzzy.set(r.id, Math.max(fuzzy.get(r.id) ?? 0, Number(r.similarity)));
  for (const r of names) fuzzy.set(r.id, 1);
  return fuzzy;
};

export const createSearchStore = (db: DbOrTrx, now: () => Date = () => new Date()): SearchStore => ({
  searchText: async (actor, input: TextSearchInput) => {
    const q = sql`${input.tsquery}::tsquery`;
    const match = input.includeInternal ? sql<SqlBool>`(s.document @@ ${q} OR s.document_with_internal @@ ${q})` : sql<SqlBool>`s.document @@ ${q}`;
    // What the plan needs, at once: the caller's units, the query's word statistics, the unit filter's units.
    const [scopeUnits, unfiltered, unitFilter] = await Promise.all([
      scopeUnitIds(db, actor),
      archiveShape(db, input, searchEnd(input.filter, now())),
      input.filter.unitId
        ? db.selectFrom('units as u').innerJoin('units as t', (join) => join.on('t.id', '=', input.filter.unitId ?? '')).select('u.id').where(sql<SqlBool>`u.path <@ t.path`).execute().then((rows) => rows.map((u) => u.id))
        : Promise.resolve(null),
    ]);
    // Fuzzy matches of addresses and names (a handful at most, added to the pool) are looked up meanwhile.
    const fuzzyLookup = findFuzzyMatches(db, input, actor);
    // Awaited below; if the pool fails first, its failure is the one reported.
    fuzzyLookup.catch(() => undefined);

    // 1. The pool: ids of the newest matches (at most MAX_RANKED + 1), read from the narrow search rows.
    // Ordered by an expression rather than the column on purpose: walking the created_at index and testing
    // each row's document would read a document per row (out of line, compressed), far slower than the
    // word index; with no index for the order, the planner has only the word index left.
    let pool: { case_id: string }[] = [];
    let isWholeArchive = false;
    // Windows end where the date filter ends (or now); the last one is the date filter's whole range when it
    // has one, the whole archive otherwise.
    const end = searchEnd(input.filter, now());
    const rangeWeeks = input.filter.from ? Math.ceil((end.getTime() - input.filter.from.getTime()) / (7 * DAY_MS)) + 1 : null;
    const last = rangeWeeks !== null && rangeWeeks <= MAX_RANGE_WEEKS ? rangeWeeks : null;
    const selectivity = await filterSelectivity(db, input.filter, scopeUnits);
    const shape = { ...unfiltered, estimate: unfiltered.estimate * selectivity };
    // Filters and scope go into the word index as marker lexemes: only the final matches are read.
    const facets = [
      facetsQuery({ statuses: input.filter.statuses, categoryId: input.filter.categoryId, channel: input.filter.channel, kind: input.filter.kind, unitIds: scopeUnits ?? undefined }),
      unitFilter ? facetsQuery({ unitIds: unitFilter }) : '',
    ].filter((f) => f !== '').join(' & ');
    const filtered = facets === '' ? q : sql`(${q} && ${facets}::tsquery)`;
    for (let window = firstWindow(shape, selectivity); ; ) {
      const weeks = window === null || (last !== null && window >= last) ? last : window;
      // The weeks of a date range go into the index query only when they are cheaper than reading every match.
      const isWeeksIndexed = weeks !== null && (weeks !== last || isWindowCheaper(shape, weeks, shape.estimate));
      const windowed = weeks !== null && isWeeksIndexed ? sql`(${filtered} && (${recentPeriodsQuery(end, weeks)})::tsquery)` : filtered;
      const windowMatch = input.includeInternal
        ? sql<SqlBool>`(s.document @@ ${windowed} OR s.document_with_internal @@ ${windowed})`
        : sql<SqlBool>`s.document @@ ${windowed}`;
      const query = db
        .selectFrom('case_search as s')
        .select('s.case_id')
        .where(windowMatch)
        .where((eb) => eb.and(searchRowFilters(eb, input.filter)));
      // The unit markers (intake unit and every assigned unit) are the scope rule itself as of the last
      // indexing; the rule is applied exactly when ranking (step 2), which drops anything stale.
      pool = await query.orderBy(sql`s.created_at + interval '0 seconds'`, 'desc').limit(MAX_RANKED + 1).execute();
      isWholeArchive = weeks === last;
      if (pool.length > MAX_RANKED || weeks === null || weeks === last) break;
      window = nextWindow(shape, weeks, pool.length);
    }
    const isTotalExact = isWholeArchive && pool.length <= MAX_RANKED;
    const poolIds = pool.slice(0, MAX_RANKED).map((p) => p.case_id);

    const fuzzy = await fuzzyLookup;
    const candidateIds = [...new Set([...poolIds, ...fuzzy.keys()])];
    if (candidateIds.length === 0) return { rows: [], total: 0, isTotalExact: true };

    // 2. Rank the pool, with the authoritative scope and filters on the case rows.
    const document = input.includeInternal ? sql`coalesce(s.document_with_internal, s.document)` : sql`s.document`;
    const ranked = await db
      .selectFrom('cases')
      .leftJoin('case_search as s', 's.case_id', 'cases.id')
      .select([
        'cases.id',
        'cases.created_at',
        // The pool matched already: testing it again would decompress each document once more.
        sql<number>`CASE WHEN s.case_id = ANY(${poolIds}::uuid[]) THEN ts_rank_cd(${RANK_WEIGHTS}, ${document}, ${q})
          WHEN s.case_id IS NOT NULL AND ${match} THEN ts_rank_cd(${RANK_WEIGHTS}, ${document}, ${q}) ELSE 0 END`.as('rank'),
      ])
      .where(sql<SqlBool>`cases.id = ANY(${candidateIds}::uuid[])`)
      .where((eb) => eb.and([caseScope(eb, actor), ...caseFilters(eb, input.filter)]))
      .execute();
    const order = ranked
      .map((r) => ({ id: r.id, createdAt: r.created_at, rank: Number(r.rank) + FUZZY_RANK * (fuzzy.get(r.id) ?? 0) }))
      .sort((a, b) => b.rank - a.rank || b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? -1 : 1));
    const page = order.slice(input.offset, input.offset + input.limit);
    // The page's texts for the highlights are read alongside its summaries, not after them.
    const pageIds = page.map((p) => p.id);
    const [summaries, sources] = await Promise.all([loadSummaries(db, pageIds), loadSearchSources(db, pageIds)]);
    const rows: RankedRow[] = page.flatMap((p) => {
      const summary = summaries.get(p.id);
      return summary ? [{ ...summary, rank: p.rank }] : [];
    });
    const highlightSources = new Map<string, HighlightSource>([...sources].map(([id, source]) => [id, source]));
    return { rows, total: isTotalExact ? order.length : MAX_RANKED, isTotalExact, sources: highlightSources };
  },

  findByTrackingNo: async (actor, trackingNo, filter) => {
    const rows = await db
      .selectFrom('cases')
      .leftJoin('categories as cat', 'cat.id', 'cases.category_id')
      .leftJoin('units as lead', 'lead.id', 'cases.lead_unit_id')
      .select([...summaryColumns])
      .where('cases.tracking_no', '=', trackingNo)
      .where((eb) => eb.and([caseScope(eb, actor), ...caseFilters(eb, filter)]))
      .execute();
    return rows.map(toSummary);
  },

  highlightSources: async (caseIds) => {
    const loaded = await loadSearchSources(db, caseIds);
    return new Map<string, HighlightSource>([...loaded].map(([id, s]) => [id, s]));
  },
});

export { loadSummaries as loadCaseSummaries };

