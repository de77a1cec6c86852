import type { Actor } from '../auth/actor.js';
import { AppError } from '../shared/app-error.js';
import { addDays, addMonths, chinaDayStart, parseReportPeriod, type ReportPeriod } from './periods.js';
import type { NotableRow, StatsCategory, StatsDeps, StatsUnit } from './stats.ports.js';
import { getBreakdown, getRanking, getSummary, scopeUnitIds, type Figures, type RankingItem } from './stats-queries.js';

export type ReportData = {
  unit: StatsUnit;
  period: ReportPeriod;
  previousPeriod: { from: string; to: string };
  generatedAt: Date;
  summary: Figures;
  previous: Figures;
  byCategory: ({ category: StatsCategory | null; parent: StatsCategory | null } & Figures)[];
  byUnit: RankingItem[];
  notable: (NotableRow & { category: StatsCategory | null; owner: StatsUnit | null })[];
};

const NOTABLE_PER_REASON = 10;

/** The period of the same length just before: the month, quarter or year before. */
export const previousReportPeriod = (p: ReportPeriod): { from: string; to: string } => {
  const months = p.period === 'month' ? 1 : p.period === 'quarter' ? 3 : 12;
  return { from: addMonths(p.from, -months), to: addDays(p.from, -1) };
};

/**
 * Everything a monthly, quarterly or yearly report of a unit (with its sub-units) shows: the figures and the
 * period before for comparison, the categories, the units below ranked by the composite score, and the cases
 * a leader should look at. Figures come from the rollups; only the notable cases read the cases table.
 */
export const getReportData = async (deps: StatsDeps, actor: Actor, input: { unit?: string; period: string }): Promise<ReportData> => {
  const period = parseReportPeriod(input.period);
  if (!period) {
    throw new AppError('validation.failed', 'period must be YYYY-MM, YYYY-Qn or YYYY', {
      issues: [{ path: 'querystring.period', message: 'expected YYYY-MM, YYYY-Qn or YYYY' }],
    });
  }
  const scopeInput = { unit: input.unit, withSubUnits: true, from: period.from, to: period.to };
  const previousPeriod = previousReportPeriod(period);
  const [summary, previous, categories, ranking] = await Promise.all([
    getSummary(deps, actor, scopeInput),
    getSummary(deps, actor, { ...scopeInput, ...previousPeriod }),
    getBreakdown(deps, actor, { ...scopeInput, by: 'category' }),
    getRanking(deps, actor, { ...scopeInput, rate: 'score', level: 'children', minCases: 1 }),
  ]);
  const { scope } = summary;
  const categoryById = new Map(scope.categories.map((c) => [c.id, c]));
  const unitById = new Map(scope.subtree.map((u) => [u.id, u]));
  const notable = await deps.store.notableCases({
    unitIds: scopeUnitIds(scope),
    from: chinaDayStart(period.from),
    to: chinaDayStart(addDays(period.to, 1)),
    now: deps.now(),
    perReason: NOTABLE_PER_REASON,
  });
  const byUnit = ranking.items.length > 0 ? ranking.items : [{ rank: 1, unit: scope.unit, value: summary.score, counts: summary.counts, rates: summary.rates, score: summary.score }];
  return {
    unit: scope.unit,
    period,
    previousPeriod,
    generatedAt: deps.now(),
    summary: { counts: summary.counts, rates: summary.rates, score: summary.score },
    previous: { counts: previous.counts, rates: previous.rates, score: previous.score },
    byCategory: categories.items.map(({ key, ...figures }) => {
      const category = categoryById.get(key) ?? null;
      return { category, parent: category?.parentId ? (categoryById.get(category.parentId) ?? null) : null, ...figures };
    }),
    byUnit,
    notable: notable.map((n) => ({ ...n, category: n.categoryId ? (categoryById.get(n.categoryId) ?? null) : null, owner: unitById.get(n.ownerUnitId) ?? null })),
  };
};
