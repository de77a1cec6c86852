// From API answers to what the dashboard shows: tiles, chart series, ranked bars, map values, and the
// numbers formatted in the reader's language. Pure: no React, no DOM, no ECharts (unit-tested in node).
import type {
  StatsBreakdownItem,
  StatsPeriod,
  StatsRanking,
  StatsRate,
  StatsSeries,
  StatsSummary,
} from '../../api/stats';
import type { Lang } from '../../api/types';
import { DISTRICT_FEATURE_BY_UNIT_CODE } from '../../geo';
import type { RankingRate } from './stats-filters';

/** The rates the dashboard shows as tiles, in the order leaders read them. */
export const TILE_RATES = ['responseRate', 'onTimeRate', 'replyRate', 'resolutionRate', 'satisfactionRate'] as const satisfies readonly StatsRate[];

const INTL_LOCALE: Record<Lang, string> = { 'zh-Hans': 'zh-CN', bo: 'bo-CN', en: 'en' };
export const intlLocale = (lang: Lang): string => INTL_LOCALE[lang];

const cache = new Map<string, Intl.NumberFormat>();
const numberFormat = (lang: Lang, kind: 'count' | 'percent' | 'yuan' | 'decimal'): Intl.NumberFormat => {
  const key = `${lang}|${kind}`;
  let f = cache.get(key);
  if (!f) {
    const options: Intl.NumberFormatOptions =
      kind === 'percent'
        ? { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }
        : kind === 'yuan'
          ? { style: 'currency', currency: 'CNY', minimumFractionDigits: 2, maximumFractionDigits: 2 }
          : kind === 'decimal'
            ? { minimumFractionDigits: 1, maximumFractionDigits: 1 }
            : { maximumFractionDigits: 0 };
    f = new Intl.NumberFormat(intlLocale(lang), options);
    cache.set(key, f);
  }
  return f;
};

/** 1234 → "1,234". */
export const formatCount = (n: number, lang: Lang): string => numberFormat(lang, 'count').format(n);
/** 0.995 → "99.5%"; null (nothing to measure) → "—". */
export const formatRate = (value: number | null, lang: Lang): string =>
  value === null ? '—' : numberFormat(lang, 'percent').format(value);
/** A composite score (0–100) with one decimal; null → "—". */
export const formatScore = (value: number | null, lang: Lang): string =>
  value === null ? '—' : numberFormat(lang, 'decimal').format(value);
/** Fen as yuan: 140123450 → "¥1,401,234.50". Integer arithmetic up to the division: no float drift in cents. */
export const formatYuan = (fen: number, lang: Lang): string => numberFormat(lang, 'yuan').format(Math.trunc(fen) / 100);
/** A rate difference in percentage points, signed: 0.012 → "+1.2". */
export const formatPoints = (delta: number, lang: Lang): string => {
  const text = numberFormat(lang, 'decimal').format(Math.abs(delta) * 100);
  return `${delta > 0 ? '+' : delta < 0 ? '−' : '±'}${text}`;
};
/** A count difference, signed. */
export const formatChange = (delta: number, lang: Lang): string =>
  `${delta > 0 ? '+' : delta < 0 ? '−' : '±'}${formatCount(Math.abs(delta), lang)}`;

/** Rate (0–1) as a chart percentage with one decimal; null stays null (a gap in the line). */
export const toPercent = (value: number | null): number | null => (value === null ? null : Math.round(value * 1000) / 10);

export interface RateTile {
  rate: StatsRate;
  value: number | null;
  numerator: number;
  denominator: number;
  previous: number | null;
  /** value − previous, when both exist. */
  delta: number | null;
}

export function rateTiles(current: StatsSummary, previous: StatsSummary | null): RateTile[] {
  return TILE_RATES.map((rate) => {
    const r = current.rates[rate];
    const p = previous ? previous.rates[rate].value : null;
    return {
      rate,
      value: r.value,
      numerator: r.numerator,
      denominator: r.denominator,
      previous: p,
      delta: r.value !== null && p !== null ? r.value - p : null,
    };
  });
}

export type CountTileId = 'registered' | 'open' | 'openOverdue' | 'amountRecoveredFen';
export const COUNT_TILES: readonly CountTileId[] = ['registered', 'open', 'openOverdue', 'amountRecoveredFen'];

export interface CountTile {
  id: CountTileId;
  value: number;
  previous: number | null;
  delta: number | null;
}

export function countTiles(current: StatsSummary, previous: StatsSummary | null): CountTile[] {
  return COUNT_TILES.map((id) => {
    const p = previous ? previous.counts[id] : null;
    return { id, value: current.counts[id], previous: p, delta: p === null ? null : current.counts[id] - p };
  });
}

/** Translator shape (the i18n `t`), so labels can be built without React. */
export type Translate = (key: string, vars?: Record<string, string | number>) => string;

/**
 * A period label of the series API (`2026-10-05`, `2026-W41`, `2026-10`, `2026-Q4`, `2026`) in the reader's
 * language, through the catalogue's `stats.periodLabel.*` templates and month names.
 */
export function periodLabel(label: string, period: StatsPeriod, t: Translate): string {
  if (period === 'day') return label;
  const week = /^(\d{4})-W(\d{2})$/.exec(label);
  if (period === 'week' && week) return t('stats.periodLabel.week', { year: week[1] ?? '', week: Number(week[2]) });
  const month = /^(\d{4})-(\d{2})$/.exec(label);
  if (period === 'month' && month)
    return t('stats.periodLabel.month', { year: month[1] ?? '', month: t(`month.${Number(month[2])}`) });
  const quarter = /^(\d{4})-Q([1-4])$/.exec(label);
  if (period === 'quarter' && quarter) return t('stats.periodLabel.quarter', { year: quarter[1] ?? '', quarter: quarter[2] ?? '' });
  if (period === 'year' && /^\d{4}$/.test(label)) return t('stats.periodLabel.year', { year: label });
  return label;
}

export interface TrendData {
  labels: string[];
  /** Each period's own from/to, for the link to its cases. */
  ranges: { from: string; to: string }[];
  registered: number[];
  /** Percentages (one decimal) per rate; null where nothing was measured. */
  rates: Record<(typeof TILE_RATES)[number], (number | null)[]>;
}

export function trendData(series: StatsSeries, t: Translate): TrendData {
  const rates = Object.fromEntries(TILE_RATES.map((r) => [r, series.items.map((i) => toPercent(i.rates[r].value))])) as TrendData['rates'];
  return {
    labels: series.items.map((i) => periodLabel(i.label, series.period, t)),
    ranges: series.items.map((i) => ({ from: i.from, to: i.to })),
    registered: series.items.map((i) => i.counts.registered),
    rates,
  };
}

/** The figure a ranking is ordered by, as shown: score 0–100, rates in percent. */
export const rankingFigure = (rate: RankingRate, value: number | null): number | null =>
  rate === 'score' ? (value === null ? null : Math.round(value * 10) / 10) : toPercent(value);

export interface RankingBar {
  unitId: string;
  unitCode: string;
  name: string;
  rank: number | null;
  value: number | null;
  registered: number;
}

/** Ranked units, best first, unranked (too few cases) last, as the API orders them. */
export function rankingBars(ranking: StatsRanking): RankingBar[] {
  return ranking.items.map((i) => ({
    unitId: i.unit.id,
    unitCode: i.unit.code,
    name: i.unit.name,
    rank: i.rank,
    value: rankingFigure(ranking.rate, i.value),
    registered: i.counts.registered,
  }));
}

export interface BreakdownSlice {
  key: string;
  name: string;
  registered: number;
  open: number;
  replyRate: number | null;
  satisfactionRate: number | null;
}

/**
 * The breakdown's groups with cases, most cases first. Each group holds the cases filed under exactly that
 * category, channel or kind (a parent category does not include its sub-categories here), so slices add up.
 */
export function breakdownSlices(
  items: readonly StatsBreakdownItem[],
  label: (item: StatsBreakdownItem) => string,
): BreakdownSlice[] {
  return items
    .filter((i) => i.counts.registered > 0)
    .map((i) => ({
      key: i.key,
      name: label(i),
      registered: i.counts.registered,
      open: i.counts.open,
      replyRate: i.rates.replyRate.value,
      satisfactionRate: i.rates.satisfactionRate.value,
    }))
    .sort((a, b) => b.registered - a.registered || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export interface DistrictValue {
  /** The map feature's `name`. */
  name: string;
  unitId: string;
  value: number;
  openOverdue: number;
}

/**
 * Cases per district for the heat map: the ranking's units (each with its sub-units) that are districts on
 * the map (geo/DISTRICT_FEATURE_BY_UNIT_CODE). Other units (departments) have no place on a map.
 */
export function districtValues(items: readonly { unit: { id: string; code: string }; counts: StatsSummary['counts'] }[]): DistrictValue[] {
  const out: DistrictValue[] = [];
  for (const i of items) {
    const name = DISTRICT_FEATURE_BY_UNIT_CODE[i.unit.code];
    if (name === undefined) continue;
    out.push({ name, unitId: i.unit.id, value: i.counts.registered, openOverdue: i.counts.openOverdue });
  }
  return out;
}

/** Longest period list the series API answers; past it the trend falls back to a coarser grain. */
const MAX_PERIODS = 400;
const APPROX_DAYS: Record<StatsPeriod, number> = { day: 1, week: 7, month: 31, quarter: 92, year: 366 };

/** The grain asked for, or the finest coarser one that keeps the series under the API's limit. */
export function effectiveGrain(grain: StatsPeriod, days: number): StatsPeriod {
  const order: StatsPeriod[] = ['day', 'week', 'month', 'quarter', 'year'];
  for (const g of order.slice(order.indexOf(grain))) if (days / APPROX_DAYS[g] <= MAX_PERIODS - 2) return g;
  return 'year';
}
