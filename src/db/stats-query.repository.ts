import { sql, type RawBuilder } from 'kysely';
import { planRange } from '../core/stats/periods.js';
import { groupingFor, type Dimension } from '../core/stats/rollup-keys.js';
import type { RollupQuery, StatsCategory, StatsGroupBy, StatsStore, StatsUnit } from '../core/stats/stats.ports.js';
import type { Counters } from '../core/stats/stats.types.js';
import type { DbOrTrx } from './database.js';
import { backlogCases, hotspotClusters, notableCases } from './stats-cases.repository.js';
import { COUNTER_COLUMNS, fromColumns, sumColumnsSql } from './stats.repository.js';

/** The grouping key; `unit` and `period` name the columns of the relation read (rollups or contributions). */
const keyOf = (groupBy: StatsGroupBy, columns: { unit: string; period: string }): RawBuilder<unknown> => {
  switch (groupBy) {
    case 'none':
      return sql`''`;
    case 'unit':
      return sql`${sql.ref(columns.unit)}::text`;
    case 'category':
      return sql`coalesce(category_id::text, '')`;
    case 'channel':
      return sql`channel`;
    case 'kind':
      return sql`kind`;
    case 'day':
      return sql`to_char(${sql.ref(columns.period)}, 'YYYY-MM-DD')`;
    default:
      // date_trunc on a date gives the first day of its ISO week (Monday), month, quarter or year.
      return sql`to_char(date_trunc(${groupBy}, ${sql.ref(columns.period)}), 'YYYY-MM-DD')`;
  }
};

const COLUMN_LIST = sql.raw(COUNTER_COLUMNS.join(', '));

/**
 * Sums of the rollups for the subtrees of the given units over a date range, grouped as asked. Whole months come
 * from the monthly rows, the days around them (and day and week series) from the daily rows; the grouping read
 * is the smallest that has every dimension filtered or grouped on. Combined filters over days that are not a
 * whole month have no daily rollup (see rollup-keys.ts) and sum the contribution rows of those days instead.
 * Never touches the cases table.
 */
export const sumRollups = async (db: DbOrTrx, q: RollupQuery): Promise<Map<string, Counters>> => {
  if (q.unitIds.length === 0) return new Map();
  const dimensions = new Set<Dimension>();
  if (q.categoryIds !== null || q.groupBy === 'category') dimensions.add('category');
  if (q.channels !== null || q.groupBy === 'channel') dimensions.add('channel');
  if (q.kinds !== null || q.groupBy === 'kind') dimensions.add('kind');
  const dims = groupingFor(dimensions);
  const plan = q.groupBy === 'day' || q.groupBy === 'week' ? { months: null, days: q.from <= q.to ? [{ from: q.from, to: q.to }] : [] } : planRange(q.from, q.to);
  const units = [...q.unitIds];
  const filters: RawBuilder<unknown>[] = [];
  if (q.categoryIds !== null) filters.push(sql`category_id = ANY(${[...q.categoryIds]}::uuid[])`);
  if (q.channels !== null) filters.push(sql`channel = ANY(${[...q.channels]}::text[])`);
  if (q.kinds !== null) filters.push(sql`kind = ANY(${[...q.kinds]}::text[])`);
  const and = (conditions: RawBuilder<unknown>[]) => sql.join(conditions, sql` AND `);
  const rollupKey = keyOf(q.groupBy, { unit: 'subtree_unit_id', period: 'period' });
  // One index range per unit and segment, never an OR across them, which would make the planner scan the table.
  const fromRollups = (grain: 'd' | 'm', from: string, to: string) => sql`
    SELECT ${rollupKey} AS key, ${COLUMN_LIST} FROM stats_rollups
    WHERE ${and([sql`subtree_unit_id = ANY(${units}::uuid[])`, sql`grain = ${grain}`, sql`dims = ${dims}`, sql`period BETWEEN ${from}::date AND ${to}::date`, ...filters])}`;
  // By unit, each row counts for every listed unit it lies under; otherwise the listed units do not nest, so a
  // row lies under one of them at most and an overlap test is enough.
  const fromContributions = (from: string, to: string) =>
    q.groupBy === 'unit'
      ? sql`
        SELECT s::text AS key, ${COLUMN_LIST}
        FROM stats_case_contributions CROSS JOIN LATERAL unnest(scope_unit_ids) AS s
        WHERE ${and([sql`day BETWEEN ${from}::date AND ${to}::date`, sql`s = ANY(${units}::uuid[])`, ...filters])}`
      : sql`
        SELECT ${keyOf(q.groupBy, { unit: 'unit_id', period: 'day' })} AS key, ${COLUMN_LIST}
        FROM stats_case_contributions
        WHERE ${and([sql`day BETWEEN ${from}::date AND ${to}::date`, sql`scope_unit_ids && ${units}::uuid[]`, ...filters])}`;
  const segments = [
    ...(plan.months ? [fromRollups('m', plan.months.from, plan.months.to)] : []),
    ...plan.days.map((d) => (dims === 'full' ? fromContributions(d.from, d.to) : fromRollups('d', d.from, d.to))),
  ];
  if (segments.length === 0) return new Map();
  const result = await sql<Record<string, unknown>>`
    SELECT key, ${sumColumnsSql()} FROM (${sql.join(segments, sql` UNION ALL `)}) r GROUP BY key`.execute(db);
  return new Map(result.rows.map((row) => [String(row.key ?? ''), fromColumns(row)]));
};

const toUnit = (r: { id: string; code: string; name: StatsUnit['name']; path: string; parent_id: string | null }): StatsUnit => ({
  id: r.id,
  code: r.code,
  name: r.name,
  path: r.path,
  parentId: r.parent_id,
});

export const createStatsStore = (db: DbOrTrx): StatsStore => ({
  subtreeOf: async (unitId) => {
    const rows = await db
      .selectFrom('units')
      .select(['id', 'code', 'name', 'path', 'parent_id'])
      .where(sql<boolean>`path <@ (SELECT path FROM units WHERE id = ${unitId})`)
      .orderBy(sql`nlevel(path)`)
      .orderBy('path')
      .execute();
    return rows.map(toUnit);
  },
  categories: async (): Promise<StatsCategory[]> => {
    const rows = await db.selectFrom('categories').select(['id', 'code', 'name', 'parent_id']).orderBy('sort_order').orderBy('code').execute();
    return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, parentId: r.parent_id }));
  },
  sumRollups: (query) => sumRollups(db, query),
  hotspots: (query) => hotspotClusters(db, query),
  backlog: (query) => backlogCases(db, query),
  notableCases: (query) => notableCases(db, query),
});
