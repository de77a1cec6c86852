// Types and calls of the statistics API (/api/v1/stats, docs/statistics.md), for the dashboard.
import { apiRequest, buildUrl } from './client';
import type { Channel, Kind, Ref, Status } from './types';

export const STATS_RATES = [
  'responseRate',
  'onTimeRate',
  'replyRate',
  'resolutionRate',
  'satisfactionRate',
  'settlementRate',
] as const;
export type StatsRate = (typeof STATS_RATES)[number];

export const STATS_PERIODS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type StatsPeriod = (typeof STATS_PERIODS)[number];

export const STATS_COUNTERS = [
  'registered',
  'merged',
  'rejected',
  'replied',
  'repliedOnIntake',
  'repliedOnTime',
  'outcomeResolved',
  'open',
  'openOverdue',
  'evaluated',
  'callbackDone',
  'evalResolved',
  'evalPartly',
  'satisfied',
  'fairlySatisfied',
  'amountRecoveredFen',
  'reopened',
  'dispatched',
  'dispatchAwaiting',
  'acceptedOnTime',
  'acceptLate',
  'dispatchReturned',
  'dispatchWithdrawn',
  'disputeReplied',
  'disputeSettled',
] as const;
export type StatsCounter = (typeof STATS_COUNTERS)[number];
export type StatsCounts = Record<StatsCounter, number>;

export interface Ratio {
  /** null: nothing to measure (zero denominator), never 0. */
  value: number | null;
  numerator: number;
  denominator: number;
}
export type StatsRates = Record<StatsRate, Ratio>;

export interface StatsFigures {
  counts: StatsCounts;
  rates: StatsRates;
  score: number | null;
}

export interface StatsScopeView {
  unit: Ref;
  withSubUnits: boolean;
  from: string;
  to: string;
  category: Ref | null;
  channel: Channel | null;
  kind: Kind | null;
  weights: Record<string, number>;
  asOf: string;
}

export interface StatsSummary extends StatsFigures {
  scope: StatsScopeView;
}

export interface StatsSeriesItem extends StatsFigures {
  label: string;
  start: string;
  from: string;
  to: string;
}
export interface StatsSeries {
  scope: StatsScopeView;
  period: StatsPeriod;
  items: StatsSeriesItem[];
}

export interface StatsRankingItem extends StatsFigures {
  rank: number | null;
  unit: Ref;
  value: number | null;
}
export interface StatsRanking {
  scope: StatsScopeView;
  rate: StatsRate | 'score';
  level: 'children' | 'units';
  items: StatsRankingItem[];
}

export type BreakdownBy = 'category' | 'channel' | 'kind';
export interface StatsBreakdownItem extends StatsFigures {
  /** Category id, channel or kind. */
  key: string;
  name: string;
  parent: Ref | null;
}
export interface StatsBreakdown {
  scope: StatsScopeView;
  by: BreakdownBy;
  items: StatsBreakdownItem[];
}

export type HotspotTrend = 'new' | 'rising' | 'steady' | 'falling';
export interface StatsHotspot {
  category: Ref | null;
  place: string;
  district: string | null;
  count: number;
  previousCount: number;
  change: number;
  growth: number | null;
  trend: HotspotTrend;
  keywords: string[];
  latestAt: string;
  caseIds: string[];
}
export interface StatsHotspots {
  scope: StatsScopeView;
  previous: { from: string; to: string };
  items: StatsHotspot[];
}

export interface StatsBacklogItem {
  id: string;
  trackingNo: string;
  title: string;
  status: Status;
  category: Ref | null;
  owner: Ref | null;
  ownerSince: string;
  ownerDays: number;
  handler: { id: string; displayName: string } | null;
  createdAt: string;
  ageDays: number;
  replyDueAt: string | null;
  overdueDays: number | null;
  isSupervised: boolean;
  reopenCount: number;
  urgeCount: number;
}
export interface StatsBacklog {
  scope: StatsScopeView;
  minAgeDays: number;
  asOf: string;
  total: number;
  overdue: number;
  bands: { fromDays: number; toDays: number | null; count: number }[];
  page: number;
  pageSize: number;
  items: StatsBacklogItem[];
}

/** The scope parameters every statistics call takes (docs/statistics.md, "Common parameters"). */
export interface StatsScopeQuery {
  unit?: string | undefined;
  withSubUnits?: boolean | undefined;
  from?: string | undefined;
  to?: string | undefined;
  category?: string | undefined;
  channel?: string | undefined;
  kind?: string | undefined;
}

type Query = Record<string, string | number | boolean | undefined>;

const scopeParams = (q: StatsScopeQuery): Query => ({
  unit: q.unit,
  // The API defaults to true; only "false" needs saying.
  withSubUnits: q.withSubUnits === false ? 'false' : undefined,
  from: q.from,
  to: q.to,
  category: q.category,
  channel: q.channel,
  kind: q.kind,
});

async function getJson<T>(path: string, query: Query, signal?: AbortSignal): Promise<T> {
  return apiRequest<T>('GET', path, { query, signal });
}

export const getStatsSummary = (q: StatsScopeQuery, signal?: AbortSignal): Promise<StatsSummary> =>
  getJson('/stats/summary', scopeParams(q), signal);

export const getStatsSeries = (
  q: StatsScopeQuery & { period: StatsPeriod },
  signal?: AbortSignal,
): Promise<StatsSeries> => getJson('/stats/series', { ...scopeParams(q), period: q.period }, signal);

export const getStatsRanking = (
  q: StatsScopeQuery & { rate?: StatsRate | 'score'; level?: 'children' | 'units'; minCases?: number },
  signal?: AbortSignal,
): Promise<StatsRanking> =>
  getJson(
    '/stats/ranking',
    // Ranking always counts sub-units (each child with everything below it): the API refuses withSubUnits.
    { ...scopeParams({ ...q, withSubUnits: undefined }), rate: q.rate, level: q.level, minCases: q.minCases },
    signal,
  );

export const getStatsBreakdown = (
  q: StatsScopeQuery & { by: BreakdownBy },
  signal?: AbortSignal,
): Promise<StatsBreakdown> => getJson('/stats/breakdown', { ...scopeParams(q), by: q.by }, signal);

export const getStatsHotspots = (
  q: Pick<StatsScopeQuery, 'unit' | 'withSubUnits' | 'from' | 'to' | 'category'> & {
    by?: 'place' | 'district';
    minCases?: number;
    limit?: number;
  },
  signal?: AbortSignal,
): Promise<StatsHotspots> =>
  getJson(
    '/stats/hotspots',
    {
      unit: q.unit,
      withSubUnits: q.withSubUnits === false ? 'false' : undefined,
      from: q.from,
      to: q.to,
      category: q.category,
      by: q.by,
      minCases: q.minCases,
      limit: q.limit,
    },
    signal,
  );

export const getStatsBacklog = (
  q: { unit?: string | undefined; withSubUnits?: boolean | undefined; minAgeDays?: number; page?: number; pageSize?: number },
  signal?: AbortSignal,
): Promise<StatsBacklog> =>
  getJson(
    '/stats/backlog',
    {
      unit: q.unit,
      withSubUnits: q.withSubUnits === false ? 'false' : undefined,
      minAgeDays: q.minAgeDays,
      page: q.page,
      pageSize: q.pageSize,
    },
    signal,
  );

/** The Excel report of a unit for a month (YYYY-MM), quarter (YYYY-Qn) or year (YYYY): a download link. */
export const statsReportUrl = (period: string, unit?: string): string =>
  buildUrl('/stats/report.xlsx', { period, unit });
