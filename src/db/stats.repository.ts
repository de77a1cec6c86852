import { sql, type Insertable } from 'kysely';
import { contributionsOf, foldCaseEvents, type StatsEvent } from '../core/stats/case-facts.js';
import { chinaDayOf } from '../core/stats/periods.js';
import { isDisputeCase } from '../core/stats/stats-config.js';
import { rollupDeltas, type ContributionRow, type RollupDelta } from '../core/stats/rollup-keys.js';
import { COUNTERS, type CaseDims, type Counter, type Counters } from '../core/stats/stats.types.js';
import type { Channel, Kind } from '../core/case/case.types.js';
import type { Db, DbOrTrx, Trx } from './database.js';
import type { CounterColumns, StatsCaseContributionsTable } from './stats.schema.js';

type CounterColumn = keyof CounterColumns;

/** The column of each counter; typed, so a counter without a column does not compile. */
export const COLUMN_OF: Record<Counter, CounterColumn> = {
  registered: 'registered',
  merged: 'merged',
  rejected: 'rejected',
  replied: 'replied',
  repliedOnIntake: 'replied_on_intake',
  repliedOnTime: 'replied_on_time',
  outcomeResolved: 'outcome_resolved',
  open: 'open',
  openOverdue: 'open_overdue',
  evaluated: 'evaluated',
  callbackDone: 'callback_done',
  evalResolved: 'eval_resolved',
  evalPartly: 'eval_partly',
  satisfied: 'satisfied',
  fairlySatisfied: 'fairly_satisfied',
  amountRecoveredFen: 'amount_recovered_fen',
  reopened: 'reopened',
  dispatched: 'dispatched',
  dispatchAwaiting: 'dispatch_awaiting',
  acceptedOnTime: 'accepted_on_time',
  acceptLate: 'accept_late',
  dispatchReturned: 'dispatch_returned',
  dispatchWithdrawn: 'dispatch_withdrawn',
  disputeReplied: 'dispute_replied',
  disputeSettled: 'dispute_settled',
};

export const COUNTER_COLUMNS: readonly CounterColumn[] = COUNTERS.map((c) => COLUMN_OF[c]);

export const toColumns = (c: Counters): Record<CounterColumn, number> => {
  const out = {} as Record<CounterColumn, number>;
  for (const k of COUNTERS) out[COLUMN_OF[k]] = c[k];
  return out;
};

/** Counters from a row of sums (pg returns bigint and numeric sums as strings). */
export const fromColumns = (row: Partial<Record<string, unknown>>): Counters => {
  const out = {} as Counters;
  for (const k of COUNTERS) out[k] = Number(row[COLUMN_OF[k]] ?? 0);
  return out;
};

/** `sum(col)::bigint AS col` for every counter, for the aggregate queries. */
export const sumColumnsSql = (alias = '') =>
  sql.join(COUNTER_COLUMNS.map((col) => sql`sum(${sql.ref(alias ? `${alias}.${col}` : col)})::bigint AS ${sql.ref(col)}`));

type CaseDimsRow = { id: string; created_at: Date; intake_unit_id: string; category_id: string | null; channel: string; kind: string };
type EventRowLite = { seq: number; at: Date; code: string; to_status: string | null; data: Record<string, unknown> };
const toStatsEvent = (e: EventRowLite): StatsEvent => ({ seq: e.seq, at: e.at, code: e.code, toStatus: e.to_status, data: e.data });

/** What folding a case needs to know about the organisation and the categories, from whatever rows were loaded. */
export type StatsLookup = {
  /** the unit and every unit above it, root first */
  scopeOf: (unitId: string) => string[];
  /** the category's code and its ancestors' codes */
  categoryCodesOf: (categoryId: string | null) => string[];
};

export const lookupOf = (
  units: readonly { id: string; path: string }[],
  categories: readonly { id: string; code: string; parent_id: string | null }[],
): StatsLookup => {
  const idOfPath = new Map(units.map((u) => [u.path, u.id]));
  const pathOfId = new Map(units.map((u) => [u.id, u.path]));
  const categoryById = new Map(categories.map((c) => [c.id, c]));
  return {
    scopeOf: (unitId) => {
      const labels = (pathOfId.get(unitId) ?? '').split('.');
      const scope = labels.map((_, i) => idOfPath.get(labels.slice(0, i + 1).join('.'))).filter((id): id is string => id !== undefined);
      return scope.at(-1) === unitId ? scope : [unitId];
    },
    categoryCodesOf: (categoryId) => {
      const codes: string[] = [];
      for (let c = categoryId ? categoryById.get(categoryId) : undefined; c && codes.length < 50; c = c.parent_id ? categoryById.get(c.parent_id) : undefined) {
        codes.push(c.code);
      }
      return codes;
    },
  };
};

type UnitRow = { id: string; path: string };
type CategoryRow = { id: string; code: string; parent_id: string | null };

/** The units and every unit above them. */
const loadUnitScopes = async (db: DbOrTrx, unitIds: readonly string[]): Promise<UnitRow[]> =>
  unitIds.length === 0
    ? []
    : (
        await sql<UnitRow>`
          SELECT DISTINCT a.id, a.path::text AS path FROM units u JOIN units a ON a.path @> u.path WHERE u.id = ANY(${[...new Set(unitIds)]}::uuid[])`.execute(db)
      ).rows;

/** The categories and every category above them. */
const loadCategoryChains = async (db: DbOrTrx, categoryIds: readonly (string | null)[]): Promise<CategoryRow[]> => {
  const ids = [...new Set(categoryIds.filter((id): id is string => id !== null))];
  if (ids.length === 0) return [];
  return (
    await sql<CategoryRow>`
      WITH RECURSIVE up AS (
        SELECT id, code, parent_id, 1 AS depth FROM categories WHERE id = ANY(${ids}::uuid[])
        UNION SELECT c.id, c.code, c.parent_id, up.depth + 1 FROM categories c JOIN up ON c.id = up.parent_id WHERE up.depth < 50
      ) SELECT DISTINCT id, code, parent_id FROM up`.execute(db)
  ).rows;
};

const dimsOf = (c: CaseDimsRow, lookup: Pick<StatsLookup, 'categoryCodesOf'>): CaseDims => ({
  day: chinaDayOf(c.created_at),
  intakeUnitId: c.intake_unit_id,
  categoryId: c.category_id,
  channel: c.channel as Channel,
  kind: c.kind as Kind,
  isDispute: isDisputeCase(lookup.categoryCodesOf(c.category_id), c.kind as Kind),
});

/** A case's current contribution rows, computed from its timeline: the one definition used live and by a rebuild. */
export const contributionRowsOf = (c: CaseDimsRow, events: readonly EventRowLite[], lookup: StatsLookup): ContributionRow[] => {
  const dims = dimsOf(c, lookup);
  return contributionsOf(foldCaseEvents(events.map(toStatsEvent)), dims).map((x) => ({
    unitId: x.unitId,
    scopeUnitIds: lookup.scopeOf(x.unitId),
    day: dims.day,
    categoryId: dims.categoryId,
    channel: dims.channel,
    kind: dims.kind,
    counters: x.counters,
  }));
};

const contributionInsert = (caseId: string, r: ContributionRow): Insertable<StatsCaseContributionsTable> => ({
  case_id: caseId,
  unit_id: r.unitId,
  scope_unit_ids: [...r.scopeUnitIds],
  day: r.day,
  category_id: r.categoryId,
  channel: r.channel,
  kind: r.kind,
  ...toColumns(r.counters),
});

const applyRollupDeltas = async (trx: Trx, deltas: readonly RollupDelta[]): Promise<void> => {
  // Rows in key order, so that concurrent writers lock rollup rows in the same order and cannot deadlock; in
  // chunks of at most 1,000 rows (32 parameters each), under PostgreSQL's 65,535 parameters, as a batch of
  // cases deep in the unit tree can make thousands.
  for (let i = 0; i < deltas.length; i += 1000) await insertRollupDeltas(trx, deltas.slice(i, i + 1000));
};

const insertRollupDeltas = async (trx: Trx, deltas: readonly RollupDelta[]): Promise<void> => {
  const increments = Object.fromEntries(COUNTER_COLUMNS.map((col) => [col, sql`${sql.ref(`stats_rollups.${col}`)} + ${sql.ref(`excluded.${col}`)}`]));
  await trx
    .insertInto('stats_rollups')
    .values(
      deltas.map(({ key, counters }) => ({
        grain: key.grain,
        dims: key.dims,
        period: key.period,
        subtree_unit_id: key.subtreeUnitId,
        category_id: key.categoryId,
        channel: key.channel,
        kind: key.kind,
        ...toColumns(counters),
      })),
    )
    .onConflict((oc) => oc.constraint('stats_rollups_key').doUpdateSet(increments))
    .execute();
};

const CASE_DIM_COLUMNS = ['id', 'created_at', 'intake_unit_id', 'category_id', 'channel', 'kind'] as const;
const EVENT_COLUMNS = ['seq', 'at', 'code', 'to_status', 'data'] as const;

/**
 * Brings one case's contribution to the rollups up to date with its timeline, inside the caller's transaction
 * (see refreshCasesStats). Returns whether anything was folded.
 */
export const refreshCaseStats = async (trx: Trx, caseId: string, seq?: number): Promise<boolean> =>
  (await refreshCasesStats(trx, [{ caseId, seq }])) > 0;

const sameRows = (a: readonly ContributionRow[], b: readonly ContributionRow[]): boolean =>
  a.length === b.length && a.every((x, i) => x.scopeUnitIds.join() === b[i]?.scopeUnitIds.join());

/**
 * Brings the cases' contributions to the rollups up to date with their timelines, inside the caller's
 * transaction, with a fixed number of statements whatever the number of cases (an event consumer's batch).
 * Each case's facts row is locked first, in id order, so two workers never fold the same case at once and
 * cannot deadlock; whichever event of a case arrives first folds every committed event, and later deliveries of
 * events already folded (`seq` at or below the folded one) do nothing; an item without `seq` always refolds.
 * Rollups change by the difference between the old and the new contributions (the old ones taken back from the
 * rows they were added to), so cases are independent and the result does not depend on the order the events
 * are delivered in. Returns the number of cases folded.
 */
export const refreshCasesStats = async (trx: Trx, items: readonly { caseId: string; seq?: number | undefined }[]): Promise<number> => {
  if (items.length === 0) return 0;
  // The highest seq asked for per case; null when some item asks for a refold regardless.
  const asked = new Map<string, number | null>();
  for (const { caseId, seq } of items) {
    const previous = asked.get(caseId);
    asked.set(caseId, seq === undefined || previous === null ? null : Math.max(seq, previous ?? -Infinity));
  }
  const ids = [...asked.keys()].sort();
  await trx.insertInto('stats_case_facts').values(ids.map((id) => ({ case_id: id, last_seq: 0 }))).onConflict((oc) => oc.column('case_id').doNothing()).execute();
  const facts = await trx.selectFrom('stats_case_facts').select(['case_id', 'last_seq']).where('case_id', 'in', ids).orderBy('case_id').forUpdate().execute();
  const foldedSeq = new Map(facts.map((f) => [f.case_id, f.last_seq]));
  const due = ids.filter((id) => {
    const seq = asked.get(id);
    return seq === null || seq === undefined || seq > (foldedSeq.get(id) ?? 0);
  });
  if (due.length === 0) return 0;

  const found = await trx.selectFrom('cases').select(CASE_DIM_COLUMNS).where('id', 'in', due).execute();
  const eventRows =
    found.length === 0
      ? []
      : await trx
          .selectFrom('work_item_events')
          .select(['item_id', ...EVENT_COLUMNS])
          .where('item_kind', '=', 'case')
          .where('item_id', 'in', found.map((c) => c.id))
          .orderBy('item_id')
          .orderBy('seq')
          .execute();
  const eventsOf = new Map<string, EventRowLite[]>();
  for (const e of eventRows) {
    const list = eventsOf.get(e.item_id);
    if (list) list.push(e);
    else eventsOf.set(e.item_id, [e]);
  }

  // Fold once to learn which units the cases count for, then load just those units' ancestors.
  const categories = await loadCategoryChains(trx, found.map((c) => c.category_id));
  const categoryLookup = lookupOf([], categories);
  const units = found.flatMap((c) => contributionsOf(foldCaseEvents((eventsOf.get(c.id) ?? []).map(toStatsEvent)), dimsOf(c, categoryLookup)).map((x) => x.unitId));
  const lookup = lookupOf(await loadUnitScopes(trx, units), categories);
  const afterOf = new Map(found.map((c) => [c.id, contributionRowsOf(c, eventsOf.get(c.id) ?? [], lookup)]));

  const beforeRows = await trx.selectFrom('stats_case_contributions').selectAll().where('case_id', 'in', due).orderBy('case_id').orderBy('unit_id').execute();
  const beforeOf = new Map<string, ContributionRow[]>();
  for (const r of beforeRows) {
    const row: ContributionRow = {
      unitId: r.unit_id,
      scopeUnitIds: r.scope_unit_ids,
      day: r.day,
      categoryId: r.category_id,
      channel: r.channel,
      kind: r.kind,
      counters: fromColumns(r),
    };
    const list = beforeOf.get(r.case_id);
    if (list) list.push(row);
    else beforeOf.set(r.case_id, [row]);
  }

  const changed = due.filter((id) => {
    const before = beforeOf.get(id) ?? [];
    const after = afterOf.get(id) ?? [];
    return rollupDeltas(before, after).length > 0 || !sameRows(before, after);
  });
  // Deltas add up across cases: the whole batch is written together (in chunks of 1,000 rows).
  await applyRollupDeltas(trx, rollupDeltas(due.flatMap((id) => beforeOf.get(id) ?? []), due.flatMap((id) => afterOf.get(id) ?? [])));
  if (changed.length > 0) {
    await trx.deleteFrom('stats_case_contributions').where('case_id', 'in', changed).execute();
    const inserts = changed.flatMap((id) => (afterOf.get(id) ?? []).map((r) => contributionInsert(id, r)));
    // About 35 parameters a row: stay well under PostgreSQL's 65,535.
    for (let i = 0; i < inserts.length; i += 500) await trx.insertInto('stats_case_contributions').values(inserts.slice(i, i + 500)).execute();
  }
  const lastSeqs = due.map((id) => eventsOf.get(id)?.at(-1)?.seq ?? foldedSeq.get(id) ?? 0);
  await sql`
    UPDATE stats_case_facts AS f SET last_seq = v.last_seq, refreshed_at = now()
    FROM unnest(${due}::uuid[], ${lastSeqs}::int[]) AS v(case_id, last_seq)
    WHERE f.case_id = v.case_id`.execute(trx);
  return due.length;
};

// GROUPING(category_id, channel, kind) has a bit set for each dimension a grouping set leaves out.
const DIMS_OF_GROUPING = sql.raw(
  `CASE GROUPING(category_id, channel, kind) WHEN 0 THEN 'full' WHEN 3 THEN 'unit_category' WHEN 5 THEN 'unit_channel' WHEN 6 THEN 'unit_kind' ELSE 'unit' END`,
);
const GROUPING_SETS: Record<'d' | 'm', string> = {
  d: 'GROUPING SETS ((s, period, category_id), (s, period, channel), (s, period, kind), (s, period))',
  m: 'GROUPING SETS ((s, period, category_id, channel, kind), (s, period, category_id), (s, period, channel), (s, period, kind), (s, period))',
};

/**
 * Recomputes every rollup row as the sum of the contribution rows, each counted for its unit and every unit
 * above it (scope_unit_ids), in two statements (days, months) with grouping sets. Used by the rebuild and by the
 * benchmark; the live consumer reaches the same sums by deltas (rollup-keys.ts spells out the same rows).
 */
export const aggregateRollupsFromContributions = async (db: DbOrTrx): Promise<void> => {
  const columns = sql.join(COUNTER_COLUMNS.map((c) => sql.ref(c)));
  for (const [grain, periodExpr] of [['d', 'day'], ['m', `date_trunc('month', day)::date`]] as const) {
    await sql`
      INSERT INTO stats_rollups (grain, dims, period, subtree_unit_id, category_id, channel, kind, ${columns})
      SELECT ${grain}, ${DIMS_OF_GROUPING}, period, s, category_id, channel, kind, ${sumColumnsSql()}
      FROM (SELECT ${sql.raw(periodExpr)} AS period, * FROM stats_case_contributions) c CROSS JOIN LATERAL unnest(c.scope_unit_ids) AS s
      GROUP BY ${sql.raw(GROUPING_SETS[grain])}`.execute(db);
  }
};

export type RebuildResult = { cases: number; events: number; contributions: number; rollupRows: number; seconds: number };

/** Rebuilds inside the caller's transaction (see rebuildStats). */
export const rebuildStatsIn = async (trx: Trx, options: { batchSize?: number; log?: (message: string) => void } = {}): Promise<RebuildResult> => {
  const started = Date.now();
  const batchSize = options.batchSize ?? 2000;
  await sql`LOCK TABLE stats_case_facts IN EXCLUSIVE MODE`.execute(trx);
  await sql`DELETE FROM stats_case_facts`.execute(trx);
  await sql`DELETE FROM stats_case_contributions`.execute(trx);
  await sql`DELETE FROM stats_rollups`.execute(trx);
  const lookup = lookupOf(
    (await sql<{ id: string; path: string }>`SELECT id, path::text AS path FROM units`.execute(trx)).rows,
    await trx.selectFrom('categories').select(['id', 'code', 'parent_id']).execute(),
  );
  let after: string | null = null;
  let cases = 0;
  let events = 0;
  let contributions = 0;
  for (;;) {
    let query = trx.selectFrom('cases').select(CASE_DIM_COLUMNS).orderBy('id').limit(batchSize);
    if (after) query = query.where('id', '>', after);
    const batch = await query.execute();
    if (batch.length === 0) break;
    after = batch.at(-1)?.id ?? null;
    const rows = await trx
      .selectFrom('work_item_events')
      .select(['item_id', ...EVENT_COLUMNS])
      .where('item_kind', '=', 'case')
      .where(
        'item_id',
        'in',
        batch.map((c) => c.id),
      )
      .orderBy('item_id')
      .orderBy('seq')
      .execute();
    const byCase = new Map<string, EventRowLite[]>();
    for (const r of rows) {
      const list = byCase.get(r.item_id) ?? [];
      list.push(r);
      byCase.set(r.item_id, list);
    }
    const inserts: Insertable<StatsCaseContributionsTable>[] = [];
    const facts: { case_id: string; last_seq: number }[] = [];
    for (const c of batch) {
      const timeline = byCase.get(c.id) ?? [];
      for (const r of contributionRowsOf(c, timeline, lookup)) inserts.push(contributionInsert(c.id, r));
      facts.push({ case_id: c.id, last_seq: timeline.at(-1)?.seq ?? 0 });
    }
    // At most 65535 parameters per statement: a contribution row has 31 columns.
    for (let i = 0; i < inserts.length; i += 1000) await trx.insertInto('stats_case_contributions').values(inserts.slice(i, i + 1000)).execute();
    for (let i = 0; i < facts.length; i += 5000) await trx.insertInto('stats_case_facts').values(facts.slice(i, i + 5000)).execute();
    cases += batch.length;
    events += rows.length;
    contributions += inserts.length;
    if (cases % (batchSize * 25) === 0) options.log?.(`stats rebuild: ${cases} cases folded`);
  }
  await aggregateRollupsFromContributions(trx);
  const rollupRows = Number((await sql<{ n: string }>`SELECT count(*) AS n FROM stats_rollups`.execute(trx)).rows[0]?.n ?? 0);
  return { cases, events, contributions, rollupRows, seconds: (Date.now() - started) / 1000 };
};

/**
 * Recomputes the statistics from the timeline: every case folded again with the same code the consumer uses,
 * its contribution rows written anew, the rollups summed from them. One transaction: the facts table is locked
 * first, so the consumer waits and then carries on from where the rebuild stopped (events it gets that the
 * rebuild already folded are skipped by their seq); dashboards keep reading the old rollups until the commit.
 */
export const rebuildStats = async (db: Db, options: { batchSize?: number; log?: (message: string) => void } = {}): Promise<RebuildResult> =>
  db.transaction().execute((trx) => rebuildStatsIn(trx, options));

const NON_ZERO = sql.raw(`NOT (${COUNTER_COLUMNS.map((c) => `${c} = 0`).join(' AND ')})`);
const ROLLUP_COLUMNS = sql.raw(['grain', 'dims', 'period', 'subtree_unit_id', 'category_id', 'channel', 'kind', ...COUNTER_COLUMNS].join(', '));

class RollbackCheck extends Error {}

/**
 * Rebuilds inside a transaction that is rolled back, and counts the rollup rows that differ from the stored
 * ones (rows of zeros, which retractions leave behind, count as absent). Changes nothing.
 */
export type CheckResult = { rollupRows: number; differing: number; queuedEvents: number; rebuild: RebuildResult };

export const checkStats = async (db: Db): Promise<CheckResult> => {
  let outcome: CheckResult | null = null;
  await db
    .transaction()
    .execute(async (trx) => {
      await sql`CREATE TEMP TABLE stats_check_before ON COMMIT DROP AS SELECT ${ROLLUP_COLUMNS} FROM stats_rollups WHERE ${NON_ZERO}`.execute(trx);
      const rebuild = await rebuildStatsIn(trx);
      const diff = await sql<{ n: string }>`
        SELECT count(*) AS n FROM (
          (SELECT * FROM stats_check_before EXCEPT ALL SELECT ${ROLLUP_COLUMNS} FROM stats_rollups WHERE ${NON_ZERO})
          UNION ALL
          (SELECT ${ROLLUP_COLUMNS} FROM stats_rollups WHERE ${NON_ZERO} EXCEPT ALL SELECT * FROM stats_check_before)
        ) d`.execute(trx);
      const queued = await trx.selectFrom('event_outbox').select((eb) => eb.fn.countAll<string>().as('n')).where('consumer', '=', 'stats.rollup').executeTakeFirst();
      outcome = { rollupRows: rebuild.rollupRows, differing: Number(diff.rows[0]?.n ?? 0), queuedEvents: Number(queued?.n ?? 0), rebuild };
      throw new RollbackCheck('check only');
    })
    .catch((error: unknown) => {
      if (!(error instanceof RollbackCheck)) throw error;
    });
  if (!outcome) throw new Error('stats check did not run');
  return outcome;
};
