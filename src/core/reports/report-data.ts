import type { Actor } from '../auth/actor.js';
import type { LocalizedText } from '../directory/directory.types.js';
import { getBacklog } from '../stats/backlog.js';
import { getHotspots } from '../stats/hotspots.js';
import { AppError } from '../shared/app-error.js';
import { addDays, addMonths, chinaDayOf, chinaDayStart, daysBetween, parseReportPeriod, previousWindow } from '../stats/periods.js';
import type { StatsDeps } from '../stats/stats.ports.js';
import { getBreakdown, getRanking, getSeries, getSummary, scopeUnitIds, type Figures } from '../stats/stats-queries.js';
import type { Period } from '../stats/stats.types.js';
import { selectNotableCases, type NotableCandidate, type NotableReason } from './notable-cases.js';
import type { ReportKind } from './reports.types.js';

type NamedRef = { id: string; code: string; name: LocalizedText };

/**
 * Everything a report shows, gathered once from the statistics use cases (rollups, plus the indexed case reads
 * of hotspots and backlog) and kept as JSON between the gather and render steps: dates are ISO strings.
 * Names stay in every language; the renderer picks the reader's.
 */
export type ReportData = {
  /** absent in figures gathered before yearly reports existed: read as not yearly */
  kind?: ReportKind;
  unit: NamedRef;
  from: string;
  to: string;
  previous: { from: string; to: string };
  generatedAt: string;
  summary: Figures;
  previousSummary: Figures;
  series: { period: Period; items: ({ label: string; from: string; to: string } & Figures)[] };
  ranking: ({ rank: number | null; unit: NamedRef } & Figures)[];
  categories: ({ category: NamedRef | null; parent: NamedRef | null } & Figures)[];
  hotspots: { category: NamedRef | null; place: string; district: string | null; count: number; previousCount: number; trend: string; keywords: string[] }[];
  backlog: {
    minAgeDays: number;
    total: number;
    overdue: number;
    bands: { fromDays: number; toDays: number | null; count: number }[];
    oldest: { trackingNo: string; title: string; status: string; owner: NamedRef | null; ageDays: number; overdueDays: number | null }[];
  };
  /** Cases registered in the period a leader should look at (no requester data); absent in older gathered figures. */
  notable?: { trackingNo: string; title: string; status: string; category: NamedRef | null; amountRecoveredFen: number | null; reasons: NotableReason[] }[];
};

/** Where the notable cases come from besides the statistics: the supervised cases, with the statistics' scope rule. */
export type NotableSources = {
  supervisedCases: (query: { unitIds: readonly string[]; from: Date; to: Date; limit: number }) => Promise<NotableCandidate[]>;
};

const ref = (x: NamedRef): NamedRef => ({ id: x.id, code: x.code, name: x.name });

/** Days in a trend chart up to two months; months beyond (a year of days is unreadable on A4). */
const seriesPeriodOf = (from: string, to: string): Period => (daysBetween(from, to) <= 62 ? 'day' : daysBetween(from, to) <= 366 * 2 ? 'month' : 'quarter');

const TOP_HOTSPOTS = 10;
/** Candidates read per reason before the selection keeps NOTABLE_CASES_LIMIT of them in all. */
const NOTABLE_PER_REASON = 10;
const OLDEST_BACKLOG = 10;

/**
 * The report's figures for a unit with its sub-units over from..to (China dates), scoped to what the actor may
 * see: the same use cases as the dashboard, so the report and the dashboard cannot disagree.
 */
export const gatherReportData = async (
  deps: StatsDeps,
  actor: Actor,
  input: { unitId: string; from: string; to: string; kind: ReportKind },
  sources: NotableSources,
): Promise<ReportData> => {
  const scopeInput = { unit: input.unitId, withSubUnits: true, from: input.from, to: input.to };
  const previous = previousPeriodOf(input.kind, input.from, input.to);
  // One after the other, not all at once: a report is not in a hurry, and seven statistics in parallel would take
  // seven of the pool's connections from the desks (the dashboard's Excel report is made in the request).
  const summary = await getSummary(deps, actor, scopeInput);
  const previousSummary = await getSummary(deps, actor, { ...scopeInput, ...previous });
  const series = await getSeries(deps, actor, { ...scopeInput, period: seriesPeriodOf(input.from, input.to) });
  const ranking = await getRanking(deps, actor, { ...scopeInput, rate: 'score', level: 'children', minCases: 1 });
  const breakdown = await getBreakdown(deps, actor, { ...scopeInput, by: 'category' });
  const hotspots = await getHotspots(deps, actor, { unit: input.unitId, withSubUnits: true, from: input.from, to: input.to, by: 'place', minCases: 2, limit: TOP_HOTSPOTS, previousFrom: previous.from });
  const backlog = await getBacklog(deps, actor, { unit: input.unitId, withSubUnits: true, page: 1, pageSize: OLDEST_BACKLOG });
  const { scope } = summary;
  const categoryById = new Map(scope.categories.map((c) => [c.id, c]));
  const unitById = new Map(scope.subtree.map((u) => [u.id, u]));
  // The notable cases: the same unit scope as every statistic (the owning unit within the report's subtree,
  // which resolveScope has checked against the actor), cases registered in the period (China days).
  const window = { unitIds: scopeUnitIds(scope), from: chinaDayStart(scope.from), to: chinaDayStart(addDays(scope.to, 1)) };
  const statsNotable = await deps.store.notableCases({ ...window, now: deps.now(), perReason: NOTABLE_PER_REASON });
  const supervised = await sources.supervisedCases({ ...window, limit: NOTABLE_PER_REASON });
  const notable = selectNotableCases([
    ...statsNotable.map((n) => ({ reason: n.reason, id: n.id, trackingNo: n.trackingNo, title: n.title, status: n.status, categoryId: n.categoryId, amountRecoveredFen: n.amountRecoveredFen })),
    ...supervised,
  ]);
  const figures = (f: Figures): Figures => ({ counts: f.counts, rates: f.rates, score: f.score });
  return {
    kind: input.kind,
    unit: ref(scope.unit),
    from: scope.from,
    to: scope.to,
    previous,
    generatedAt: deps.now().toISOString(),
    summary: figures(summary),
    previousSummary: figures(previousSummary),
    series: { period: series.period, items: series.items.map((b) => ({ label: b.label, from: b.from, to: b.to, ...figures(b) })) },
    ranking:
      ranking.items.length > 0
        ? ranking.items.map((r) => ({ rank: r.rank, unit: ref(r.unit), ...figures(r) }))
        : [{ rank: 1, unit: ref(scope.unit), ...figures(summary) }],
    categories: breakdown.items.map(({ key, ...f }) => {
      const category = categoryById.get(key);
      const parent = category?.parentId ? categoryById.get(category.parentId) : undefined;
      return { category: category ? ref(category) : null, parent: parent ? ref(parent) : null, ...figures(f) };
    }),
    hotspots: hotspots.items.map((h) => {
      const category = h.categoryId ? categoryById.get(h.categoryId) : undefined;
      return { category: category ? ref(category) : null, place: h.place, district: h.district, count: h.count, previousCount: h.previousCount, trend: h.trend, keywords: h.keywords };
    }),
    backlog: {
      minAgeDays: backlog.minAgeDays,
      total: backlog.total,
      overdue: backlog.overdue,
      bands: backlog.bands,
      oldest: backlog.items.map((b) => {
        const owner = unitById.get(b.ownerUnitId);
        return { trackingNo: b.trackingNo, title: b.title, status: b.status, owner: owner ? ref(owner) : null, ageDays: b.ageDays, overdueDays: b.overdueDays };
      }),
    },
    notable: notable.map((n) => {
      const category = n.categoryId ? categoryById.get(n.categoryId) : undefined;
      return { trackingNo: n.trackingNo, title: n.title, status: n.status, category: category ? ref(category) : null, amountRecoveredFen: n.amountRecoveredFen, reasons: n.reasons };
    }),
  };
};

/** The last day of the month that `from` (its first day) begins. */
export const monthEndOf = (from: string): string => {
  const [y, m] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
  return addDays(next, -1);
};

/** The last day of the calendar year that `from` (its 1 January) begins. */
export const yearEndOf = (from: string): string => `${from.slice(0, 4)}-12-31`;

/** Whether `from` is the first day of a calendar quarter (1 January, April, July or October). */
export const isQuarterStart = (from: string): boolean => /^\d{4}-(01|04|07|10)-01$/.test(from);

/** The last day of the calendar quarter that `from` (its first day) begins. */
export const quarterEndOf = (from: string): string => addDays(addMonths(from, 3), -1);

/** The quarter's name in file names and lists: `2026-Q3`. */
export const quarterLabelOf = (from: string): string => `${from.slice(0, 4)}-Q${Math.floor((Number(from.slice(5, 7)) - 1) / 3) + 1}`;

/**
 * The period a report compares with (环比): the calendar month, quarter or year before for those kinds (they
 * differ in length, so "as many days before" would compare March with 29 January to 28 February), else the
 * period of equal length just before.
 */
export const previousPeriodOf = (kind: ReportKind, from: string, to: string): { from: string; to: string } => {
  switch (kind) {
    case 'monthly':
      return { from: addMonths(from, -1), to: addDays(from, -1) };
    case 'quarterly':
      return { from: addMonths(from, -3), to: addDays(from, -1) };
    case 'yearly': {
      const year = Number(from.slice(0, 4)) - 1;
      return { from: `${year}-01-01`, to: `${year}-12-31` };
    }
    case 'custom':
      return previousWindow(from, to);
  }
};

const KIND_OF_PERIOD = { month: 'monthly', quarter: 'quarterly', year: 'yearly' } as const satisfies Record<string, ReportKind>;

/**
 * The report of a calendar period named as the statistics name them (`2026-10`, `2026-Q4`, `2026`), gathered at
 * once for a direct download (`GET /stats/report.xlsx`): the same figures and the same workbook as a periodic
 * report of that month, quarter or year, without the queue. `unit` defaults to the caller's own.
 */
export const gatherCalendarReport = async (
  deps: StatsDeps,
  actor: Actor,
  input: { period: string; unit?: string },
  sources: NotableSources,
): Promise<{ label: string; data: ReportData }> => {
  const period = parseReportPeriod(input.period);
  if (!period) {
    throw new AppError('validation.failed', 'period must be YYYY-MM, YYYY-Qn or YYYY', {
      issues: [{ path: 'querystring.period', message: 'expected YYYY-MM, YYYY-Qn or YYYY' }],
    });
  }
  // As for a queued report: a period that has not started has nothing to show.
  if (period.from > chinaDayOf(deps.now())) {
    throw new AppError('validation.failed', 'the period has not started yet', { issues: [{ path: 'querystring.period', message: 'the period has not started yet' }] });
  }
  const kind = KIND_OF_PERIOD[period.period];
  const data = await gatherReportData(deps, actor, { unitId: input.unit ?? actor.unitId, from: period.from, to: period.to, kind }, sources);
  return { label: period.label, data };
};
