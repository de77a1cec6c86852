import { isPathWithin, type Actor } from '../auth/actor.js';
import type { Channel, Kind } from '../case/case.types.js';
import { AppError } from '../shared/app-error.js';
import { addDays, bucketsBetween, chinaDayOf, daysBetween, monthStart, type Bucket } from './periods.js';
import { compositeScore, computeRates, type ScoreWeights } from './rates.js';
import { DEFAULT_SCORE_WEIGHTS } from './stats-config.js';
import type { StatsCategory, StatsDeps, StatsGroupBy, StatsUnit } from './stats.ports.js';
import { addCounters, zeroCounters, type Counters, type Period, type RateName, type Rates } from './stats.types.js';

export type StatsScopeInput = {
  unit?: string;
  withSubUnits: boolean;
  from?: string;
  to?: string;
  category?: string;
  channel?: Channel;
  kind?: Kind;
  weights?: ScoreWeights;
};

export type StatsScope = {
  unit: StatsUnit;
  /** the unit and everything below it, parents first */
  subtree: StatsUnit[];
  /** the units directly below the unit */
  children: StatsUnit[];
  withSubUnits: boolean;
  from: string;
  to: string;
  category: StatsCategory | null;
  categoryIds: string[] | null;
  channel: Channel | null;
  kind: Kind | null;
  categories: StatsCategory[];
  weights: ScoreWeights;
};

/** The units whose own cases are in scope: the whole subtree, or the unit alone. */
export const scopeUnitIds = (scope: StatsScope): string[] => (scope.withSubUnits ? scope.subtree.map((u) => u.id) : [scope.unit.id]);

export type Figures = { counts: Counters; rates: Rates; score: number | null };

/** About ten years of days: enough for any report, small enough that a typo cannot ask for the Middle Ages. */
const MAX_RANGE_DAYS = 3700;

const invalid = (field: string, message: string): AppError =>
  new AppError('validation.failed', message, { issues: [{ path: `querystring.${field}`, message }] });

/** A category and everything filed under it. */
export const categoryWithDescendants = (categories: readonly StatsCategory[], rootIds: readonly string[]): string[] => {
  const children = new Map<string, string[]>();
  for (const c of categories) if (c.parentId) children.set(c.parentId, [...(children.get(c.parentId) ?? []), c.id]);
  const out = new Set<string>();
  const visit = (id: string) => {
    if (out.has(id)) return;
    out.add(id);
    for (const child of children.get(id) ?? []) visit(child);
  };
  rootIds.forEach(visit);
  return [...out];
};

/**
 * The scope of a statistics request: the unit must be the caller's own or below it (anything else answers as
 * missing, as a case out of scope does), the period defaults to this month so far, in China time.
 */
export const resolveScope = async (deps: StatsDeps, actor: Actor, input: StatsScopeInput): Promise<StatsScope> => {
  const { store } = deps;
  const today = chinaDayOf(deps.now());
  const to = input.to ?? today;
  const from = input.from ?? monthStart(to);
  if (from > to) throw invalid('from', 'from must not be after to');
  if (daysBetween(from, to) > MAX_RANGE_DAYS) throw invalid('from', `at most ${MAX_RANGE_DAYS} days`);
  const [subtree, categories] = await Promise.all([store.subtreeOf(input.unit ?? actor.unitId), store.categories()]);
  const unit = subtree[0];
  if (!unit || !isPathWithin(actor.unitPath, unit.path)) throw new AppError('unit.not_found', 'no such unit', { id: input.unit ?? actor.unitId });
  let category: StatsCategory | null = null;
  if (input.category) {
    category = categories.find((c) => c.id === input.category) ?? null;
    if (!category) throw new AppError('category.not_found', 'no such category', { id: input.category });
  }
  return {
    unit,
    subtree,
    children: subtree.filter((u) => u.parentId === unit.id),
    withSubUnits: input.withSubUnits,
    from,
    to,
    category,
    categoryIds: category ? categoryWithDescendants(categories, [category.id]) : null,
    channel: input.channel ?? null,
    kind: input.kind ?? null,
    categories,
    weights: input.weights ?? DEFAULT_SCORE_WEIGHTS,
  };
};

const minus = (a: Map<string, Counters>, b: Map<string, Counters>): Map<string, Counters> => {
  const out = new Map<string, Counters>();
  for (const [key, counters] of a) out.set(key, addCounters(addCounters(zeroCounters(), counters), b.get(key) ?? zeroCounters(), -1));
  return out;
};

type Range = { from: string; to: string };

/** Rollup sums of the subtrees of the units, with the scope's filters, over the scope's period or another. */
const sumFor = (deps: StatsDeps, scope: StatsScope, unitIds: readonly string[], groupBy: StatsGroupBy, range: Range = scope): Promise<Map<string, Counters>> =>
  unitIds.length === 0
    ? Promise.resolve(new Map())
    : deps.store.sumRollups({
        from: range.from,
        to: range.to,
        unitIds,
        categoryIds: scope.categoryIds,
        channels: scope.channel ? [scope.channel] : null,
        kinds: scope.kind ? [scope.kind] : null,
        groupBy,
      });

/**
 * Counters of the scope by the grouping. Rollup rows sum whole subtrees, so a unit with its sub-units is one
 * unit's rows, and a unit on its own is its subtree minus its children's subtrees.
 */
export const countersBy = async (deps: StatsDeps, scope: StatsScope, groupBy: StatsGroupBy, range: Range = scope): Promise<Map<string, Counters>> => {
  if (scope.withSubUnits) return sumFor(deps, scope, [scope.unit.id], groupBy, range);
  const [all, below] = await Promise.all([
    sumFor(deps, scope, [scope.unit.id], groupBy, range),
    sumFor(deps, scope, scope.children.map((c) => c.id), groupBy, range),
  ]);
  return minus(all, below);
};

export const figuresOf = (counts: Counters, weights: ScoreWeights): Figures => {
  const rates = computeRates(counts);
  return { counts, rates, score: compositeScore(rates, weights) };
};

const figuresAt = (data: Map<string, Counters>, key: string, weights: ScoreWeights): Figures => figuresOf(data.get(key) ?? zeroCounters(), weights);

export const getSummary = async (deps: StatsDeps, actor: Actor, input: StatsScopeInput): Promise<{ scope: StatsScope } & Figures> => {
  const scope = await resolveScope(deps, actor, input);
  return { scope, ...figuresAt(await countersBy(deps, scope, 'none'), '', scope.weights) };
};

const MAX_BUCKETS = 400;

/** A default window per period, ending today, when the caller gives none. */
const defaultFrom = (to: string, period: Period): string => {
  switch (period) {
    case 'day':
      return addDays(to, -29);
    case 'week':
      return addDays(to, -7 * 12 + 1);
    case 'quarter':
      return monthStart(addDays(to, -365));
    case 'year':
      return `${Number(to.slice(0, 4)) - 4}-01-01`;
    default:
      return monthStart(addDays(monthStart(to), -330));
  }
};

export const getSeries = async (
  deps: StatsDeps,
  actor: Actor,
  input: StatsScopeInput & { period: Period },
): Promise<{ scope: StatsScope; period: Period; items: (Bucket & Figures)[] }> => {
  const to = input.to ?? chinaDayOf(deps.now());
  const scope = await resolveScope(deps, actor, { ...input, to, from: input.from ?? defaultFrom(to, input.period) });
  const buckets = bucketsBetween(scope.from, scope.to, input.period);
  if (buckets.length > MAX_BUCKETS) throw invalid('period', `at most ${MAX_BUCKETS} periods: choose a longer period or a shorter range`);
  const data = await countersBy(deps, scope, input.period);
  return { scope, period: input.period, items: buckets.map((b) => ({ ...b, ...figuresAt(data, b.start, scope.weights) })) };
};

export type RankingInput = StatsScopeInput & { rate: RateName | 'score'; level: 'children' | 'units'; minCases: number };
export type RankingItem = { rank: number | null; unit: StatsUnit; value: number | null } & Figures;

/** How much a rate or the score stands on: a rate's denominator, the registered cases for the score. */
const basisOf = (f: Figures, rate: RateName | 'score'): number => (rate === 'score' ? f.counts.registered : f.rates[rate].denominator);

export const rankItems = (entries: { unit: StatsUnit; figures: Figures }[], rate: RateName | 'score', minCases: number): RankingItem[] => {
  const valued = entries.map(({ unit, figures }) => {
    const raw = rate === 'score' ? figures.score : figures.rates[rate].value;
    return { unit, ...figures, value: basisOf(figures, rate) >= minCases ? raw : null };
  });
  valued.sort(
    (a, b) =>
      (a.value === null ? 1 : 0) - (b.value === null ? 1 : 0) ||
      (b.value ?? 0) - (a.value ?? 0) ||
      b.counts.registered - a.counts.registered ||
      (a.unit.code < b.unit.code ? -1 : a.unit.code > b.unit.code ? 1 : 0),
  );
  // Competition ranking: equal values share a rank and the next rank skips (1, 2, 2, 4).
  return valued.map((item) => {
    const firstEqual = valued.findIndex((other) => other.value === item.value);
    return { ...item, rank: item.value === null ? null : firstEqual + 1 };
  });
};

/**
 * Units ranked by a rate or the composite score. `children`: the units directly below the scope unit, each
 * with everything under it (how a city compares its districts and departments); `units`: every unit in scope
 * on its own cases only.
 */
export const getRanking = async (
  deps: StatsDeps,
  actor: Actor,
  input: RankingInput,
): Promise<{ scope: StatsScope; rate: RateName | 'score'; level: RankingInput['level']; items: RankingItem[] }> => {
  const scope = await resolveScope(deps, actor, { ...input, withSubUnits: true });
  const entities = input.level === 'children' ? scope.children : scope.subtree;
  const subtreeSums = await sumFor(deps, scope, entities.map((u) => u.id), 'unit');
  const entries = entities.map((entity) => {
    let counts = subtreeSums.get(entity.id) ?? zeroCounters();
    if (input.level === 'units') {
      // Each unit on its own cases: its subtree minus its children's subtrees.
      counts = addCounters(zeroCounters(), counts);
      for (const child of scope.subtree.filter((u) => u.parentId === entity.id)) addCounters(counts, subtreeSums.get(child.id) ?? zeroCounters(), -1);
    }
    return { unit: entity, figures: figuresOf(counts, scope.weights) };
  });
  return { scope, rate: input.rate, level: input.level, items: rankItems(entries, input.rate, input.minCases) };
};

export type BreakdownBy = 'category' | 'channel' | 'kind';

/** Figures per category (each category on its own cases), channel or kind; keys without cases are left out. */
export const getBreakdown = async (
  deps: StatsDeps,
  actor: Actor,
  input: StatsScopeInput & { by: BreakdownBy },
): Promise<{ scope: StatsScope; by: BreakdownBy; items: ({ key: string } & Figures)[] }> => {
  const scope = await resolveScope(deps, actor, input);
  const data = await countersBy(deps, scope, input.by);
  const items = [...data.keys()]
    .map((key) => ({ key, ...figuresAt(data, key, scope.weights) }))
    .filter((item) => item.counts.registered > 0 || item.counts.dispatched > 0)
    .sort((a, b) => b.counts.registered - a.counts.registered || (a.key < b.key ? -1 : 1));
  return { scope, by: input.by, items };
};
