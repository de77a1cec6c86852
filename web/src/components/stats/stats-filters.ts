// The dashboard's filters: read from and written to the URL (like the queue's), turned into API scopes,
// and turned into links to the case list behind a figure. Pure: no React, no DOM.
import { CHANNELS, KINDS } from '../../api/types';
import { STATS_PERIODS, STATS_RATES, type StatsPeriod, type StatsRate, type StatsScopeQuery } from '../../api/stats';
import type { QueryInput } from '../../router';

export type RankingRate = StatsRate | 'score';

export interface StatsFilters {
  /** China dates (YYYY-MM-DD), both included; '' = the default (this month so far). */
  from: string;
  to: string;
  /** Unit id; '' = the caller's own unit. */
  unit: string;
  withSubUnits: boolean;
  category: string;
  channel: string;
  kind: string;
  /** Grain of the trend chart. */
  grain: StatsPeriod;
  /** What the unit ranking orders by. */
  rate: RankingRate;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const isIsoDay = (v: string | null): v is string => v !== null && ISO_DAY.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`));
const oneOf = <T extends string>(values: readonly T[], v: string | null, fallback: T): T =>
  v !== null && (values as readonly string[]).includes(v) ? (v as T) : fallback;

export function statsFiltersFromQuery(q: URLSearchParams): StatsFilters {
  return {
    from: isIsoDay(q.get('from')) ? (q.get('from') as string) : '',
    to: isIsoDay(q.get('to')) ? (q.get('to') as string) : '',
    unit: q.get('unit') ?? '',
    withSubUnits: q.get('sub') !== 'false',
    category: q.get('category') ?? '',
    channel: oneOf<string>(CHANNELS, q.get('channel'), ''),
    kind: oneOf<string>(KINDS, q.get('kind'), ''),
    grain: oneOf(STATS_PERIODS, q.get('grain'), 'day'),
    rate: oneOf<RankingRate>([...STATS_RATES, 'score'], q.get('rate'), 'score'),
  };
}

/** The hash query of a view; defaults are left out so that links stay short. */
export function statsFiltersToQuery(f: StatsFilters): QueryInput {
  return {
    from: f.from,
    to: f.to,
    unit: f.unit,
    sub: f.withSubUnits ? undefined : 'false',
    category: f.category,
    channel: f.channel,
    kind: f.kind,
    grain: f.grain === 'day' ? undefined : f.grain,
    rate: f.rate === 'score' ? undefined : f.rate,
  };
}

/** Today's date in China (UTC+8), where statistics periods are counted. */
export function chinaToday(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

const dayNumber = (day: string): number => Math.round(Date.parse(`${day}T00:00:00Z`) / 86_400_000);
const dayOf = (n: number): string => new Date(n * 86_400_000).toISOString().slice(0, 10);
export const addDays = (day: string, days: number): string => dayOf(dayNumber(day) + days);

/** The period shown: the URL's, else this month so far (the API's own default), in China dates. */
export function effectivePeriod(f: Pick<StatsFilters, 'from' | 'to'>, now: Date): { from: string; to: string } {
  const today = chinaToday(now);
  const to = f.to || today;
  const from = f.from || (f.to ? `${to.slice(0, 8)}01` : `${today.slice(0, 8)}01`);
  return from <= to ? { from, to } : { from: to, to: from };
}

/**
 * The calendar period of the Excel report the dashboard offers for its period: the year or quarter the period
 * starts at the beginning of and stays within (this year so far, a quarter), else the month it starts the
 * beginning of and stays within, else the month it ends in. As `GET /stats/report.xlsx` names them.
 */
export function excelReportPeriod(p: { from: string; to: string }): { label: string; grain: 'month' | 'quarter' | 'year' } {
  const [year, month] = [p.from.slice(0, 4), Number(p.from.slice(5, 7))];
  const isSameYear = p.to.slice(0, 4) === year;
  if (isSameYear && p.from.endsWith('-01-01') && p.to.slice(5) > '03-31') return { label: year, grain: 'year' };
  const quarter = Math.floor((month - 1) / 3) + 1;
  const isQuarterStart = p.from.endsWith('-01') && (month - 1) % 3 === 0;
  const isInQuarter = isSameYear && Math.floor((Number(p.to.slice(5, 7)) - 1) / 3) + 1 === quarter;
  if (isQuarterStart && isInQuarter && p.to.slice(0, 7) !== p.from.slice(0, 7)) return { label: `${year}-Q${quarter}`, grain: 'quarter' };
  return { label: p.to.slice(0, 7), grain: 'month' };
}

/** The window of equal length just before (the comparison period of the tiles). */
export function previousPeriod(p: { from: string; to: string }): { from: string; to: string } {
  const length = dayNumber(p.to) - dayNumber(p.from) + 1;
  return { from: addDays(p.from, -length), to: addDays(p.from, -1) };
}

/** The API scope of the filters over a period. */
export function statsScope(f: StatsFilters, period: { from: string; to: string }): StatsScopeQuery {
  return {
    unit: f.unit || undefined,
    withSubUnits: f.withSubUnits,
    from: period.from,
    to: period.to,
    category: f.category || undefined,
    channel: f.channel || undefined,
    kind: f.kind || undefined,
  };
}

/** The case list's statuses of open cases (no reply yet), as the statistics count them (`open`). */
export const OPEN_CASE_STATUSES = 'registered,dispatched,accepted,returned';
/** Cases with a reply (the on-time rate and amounts are counted on these). */
export const REPLIED_CASE_STATUSES = 'replied,callback_done,closed';

/** What a link narrows the list to, beyond the dashboard's own filters. */
export interface DrillTarget {
  from?: string;
  to?: string;
  unitId?: string;
  categoryId?: string;
  channel?: string;
  kind?: string;
  status?: string;
  overdue?: boolean;
}

/**
 * The case list (#/work, see Queue.tsx filtersFromQuery) behind a figure: cases registered in the period, in
 * the dashboard's category, channel and kind, further narrowed by `target`. The list matches `unitId` on any
 * unit a case was assigned to (a superset of the responsible unit the figures use) and `categoryId` on that
 * category only (the figures include sub-categories): docs/statistics.md, "Dashboard".
 */
export function caseListQuery(f: StatsFilters, period: { from: string; to: string }, target: DrillTarget = {}): QueryInput {
  return {
    status: target.status,
    kind: target.kind ?? f.kind,
    channel: target.channel ?? f.channel,
    categoryId: target.categoryId ?? f.category,
    unitId: target.unitId ?? f.unit,
    overdue: target.overdue ? 'true' : undefined,
    from: target.from ?? period.from,
    to: target.to ?? period.to,
  };
}
