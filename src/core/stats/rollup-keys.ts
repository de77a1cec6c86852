import { monthStart } from './periods.js';
import { addCounters, isZero, zeroCounters, type Counters } from './stats.types.js';

/**
 * Rollups are kept at two grains (day, month) and five groupings of the dimensions, each summed over the subtree
 * of every unit: a row of unit U holds the cases of U and of every unit below it, so a query scoped to U reads
 * U's rows only. A query filtering or grouping on one dimension reads the grouping with just that dimension;
 * combined filters read `full`, which is kept by month only (by far the largest grouping day by day, and needed
 * only for combined filters over ranges that are not whole months, which read the contributions instead).
 */
export const GROUPINGS = ['unit', 'unit_category', 'unit_channel', 'unit_kind', 'full'] as const;
export type Grouping = (typeof GROUPINGS)[number];
export type Grain = 'd' | 'm';
export type Dimension = 'category' | 'channel' | 'kind';

export type RollupKey = {
  grain: Grain;
  dims: Grouping;
  period: string;
  /** the rollup row sums this unit's subtree */
  subtreeUnitId: string;
  categoryId: string | null;
  channel: string | null;
  kind: string | null;
};

/** A contribution row as stored: a case's counters for one unit, with the unit's ancestors and the case's dimensions. */
export type ContributionRow = {
  unitId: string;
  /** the unit and every unit above it */
  scopeUnitIds: readonly string[];
  day: string;
  categoryId: string | null;
  channel: string;
  kind: string;
  counters: Counters;
};

/** The groupings kept at each grain. */
export const GROUPINGS_OF: Record<Grain, readonly Grouping[]> = { d: ['unit', 'unit_category', 'unit_channel', 'unit_kind'], m: GROUPINGS };

const has = (dims: Grouping, d: Dimension): boolean =>
  dims === 'full' || (d === 'category' && dims === 'unit_category') || (d === 'channel' && dims === 'unit_channel') || (d === 'kind' && dims === 'unit_kind');

/** Every rollup row a contribution row adds to: each grain and grouping, for the unit and each unit above it. */
export const rollupKeysOf = (row: Omit<ContributionRow, 'counters'>): RollupKey[] =>
  row.scopeUnitIds.flatMap((subtreeUnitId) =>
    (['d', 'm'] as const).flatMap((grain) =>
      GROUPINGS_OF[grain].map((dims) => ({
        grain,
        dims,
        period: grain === 'd' ? row.day : monthStart(row.day),
        subtreeUnitId,
        categoryId: has(dims, 'category') ? row.categoryId : null,
        channel: has(dims, 'channel') ? row.channel : null,
        kind: has(dims, 'kind') ? row.kind : null,
      })),
    ),
  );

/** In the order of the rollup table's unique key, so that sorting by it sorts like the index. */
export const rollupKeyString = (k: RollupKey): string =>
  [k.subtreeUnitId, k.grain, k.dims, k.period, k.categoryId ?? '', k.channel ?? '', k.kind ?? ''].join('|');

/** The smallest grouping that has every dimension a query filters or groups on. */
export const groupingFor = (dimensions: ReadonlySet<Dimension>): Grouping => {
  if (dimensions.size === 0) return 'unit';
  if (dimensions.size > 1) return 'full';
  const [only] = [...dimensions];
  return only === 'category' ? 'unit_category' : only === 'channel' ? 'unit_channel' : 'unit_kind';
};

export type RollupDelta = { key: RollupKey; counters: Counters };

/**
 * The change to the rollups when a case's contributions go from `before` to `after`: every key of every row,
 * minus the old, plus the new, zero changes dropped. Sorted by key, so that concurrent writers take row locks
 * in one order and never deadlock.
 */
export const rollupDeltas = (before: readonly ContributionRow[], after: readonly ContributionRow[]): RollupDelta[] => {
  const deltas = new Map<string, RollupDelta>();
  const add = (rows: readonly ContributionRow[], sign: 1 | -1) => {
    for (const row of rows) {
      for (const key of rollupKeysOf(row)) {
        const id = rollupKeyString(key);
        const existing = deltas.get(id) ?? { key, counters: zeroCounters() };
        addCounters(existing.counters, row.counters, sign);
        deltas.set(id, existing);
      }
    }
  };
  add(before, -1);
  add(after, 1);
  return [...deltas.entries()]
    .filter(([, d]) => !isZero(d.counters))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, d]) => d);
};
