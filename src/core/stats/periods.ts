import { DAY_MS, dayNumberOfIso, isoOfDayNumber, isoWeekdayOfDayNumber, type IsoDate } from '../calendar/iso-date.js';
import type { Period } from './stats.types.js';

// Statistics count days in China time. China has had no daylight saving since 1991, so UTC+8 is exact.
const CHINA_OFFSET_MS = 8 * 3600_000;

/** The civil date in China of an instant. */
export const chinaDayOf = (at: Date): IsoDate => isoOfDayNumber(Math.floor((at.getTime() + CHINA_OFFSET_MS) / DAY_MS));

/** The instant a China date begins. */
export const chinaDayStart = (day: IsoDate): Date => new Date(dayNumberOfIso(day) * DAY_MS - CHINA_OFFSET_MS);

export const addDays = (day: IsoDate, days: number): IsoDate => isoOfDayNumber(dayNumberOfIso(day) + days);

/** Days from `from` to `to` inclusive. */
export const daysBetween = (from: IsoDate, to: IsoDate): number => dayNumberOfIso(to) - dayNumberOfIso(from) + 1;

const pad2 = (n: number): string => String(n).padStart(2, '0');
const partsOf = (day: IsoDate): { y: number; m: number; d: number } => {
  dayNumberOfIso(day);
  return { y: Number(day.slice(0, 4)), m: Number(day.slice(5, 7)), d: Number(day.slice(8, 10)) };
};

export const monthStart = (day: IsoDate): IsoDate => `${day.slice(0, 7)}-01`;

export const addMonths = (day: IsoDate, months: number): IsoDate => {
  const { y, m } = partsOf(day);
  const index = y * 12 + (m - 1) + months;
  return `${Math.floor(index / 12)}-${pad2((index % 12) + 1)}-01`;
};

/** The first day of the period that contains the day; weeks start on Monday, as in China. */
export const bucketStart = (day: IsoDate, period: Period): IsoDate => {
  const { y, m } = partsOf(day);
  switch (period) {
    case 'day':
      return day;
    case 'week':
      return addDays(day, 1 - isoWeekdayOfDayNumber(dayNumberOfIso(day)));
    case 'month':
      return monthStart(day);
    case 'quarter':
      return `${y}-${pad2(Math.floor((m - 1) / 3) * 3 + 1)}-01`;
    case 'year':
      return `${y}-01-01`;
    default:
      return day;
  }
};

export const nextBucketStart = (start: IsoDate, period: Period): IsoDate => {
  switch (period) {
    case 'day':
      return addDays(start, 1);
    case 'week':
      return addDays(start, 7);
    case 'month':
      return addMonths(start, 1);
    case 'quarter':
      return addMonths(start, 3);
    case 'year':
      return addMonths(start, 12);
    default:
      return addDays(start, 1);
  }
};

/** ISO 8601 week label: the week belongs to the year of its Thursday. */
const isoWeekLabel = (monday: IsoDate): string => {
  const thursday = addDays(monday, 3);
  const year = Number(thursday.slice(0, 4));
  const week = Math.floor((dayNumberOfIso(thursday) - dayNumberOfIso(`${year}-01-01`)) / 7) + 1;
  return `${year}-W${pad2(week)}`;
};

/** `2026-10-05`, `2026-W41`, `2026-10`, `2026-Q4`, `2026`. */
export const bucketLabel = (start: IsoDate, period: Period): string => {
  switch (period) {
    case 'day':
      return start;
    case 'week':
      return isoWeekLabel(start);
    case 'month':
      return start.slice(0, 7);
    case 'quarter':
      return `${start.slice(0, 4)}-Q${Math.floor((Number(start.slice(5, 7)) - 1) / 3) + 1}`;
    case 'year':
      return start.slice(0, 4);
    default:
      return start;
  }
};

export type Bucket = { label: string; start: IsoDate; from: IsoDate; to: IsoDate };

/** The periods that meet from..to (inclusive), each clipped to the range. */
export const bucketsBetween = (from: IsoDate, to: IsoDate, period: Period): Bucket[] => {
  const buckets: Bucket[] = [];
  for (let start = bucketStart(from, period); start <= to; start = nextBucketStart(start, period)) {
    const end = addDays(nextBucketStart(start, period), -1);
    buckets.push({ label: bucketLabel(start, period), start, from: start < from ? from : start, to: end > to ? to : end });
  }
  return buckets;
};

/**
 * How a date range is read from the rollups: whole months from the monthly tables, the days before the
 * first and after the last whole month from the daily tables. A year is then 12 rows per unit, not 365.
 */
export type RangePlan = { months: { from: IsoDate; to: IsoDate } | null; days: { from: IsoDate; to: IsoDate }[] };

export const planRange = (from: IsoDate, to: IsoDate): RangePlan => {
  const firstFull = from === monthStart(from) ? from : addMonths(from, 1);
  const afterLastFull = monthStart(addDays(to, 1));
  if (firstFull >= afterLastFull) return { months: null, days: from <= to ? [{ from, to }] : [] };
  const days: RangePlan['days'] = [];
  if (from < firstFull) days.push({ from, to: addDays(firstFull, -1) });
  if (afterLastFull <= to) days.push({ from: afterLastFull, to });
  return { months: { from: firstFull, to: addMonths(afterLastFull, -1) }, days };
};

export type ReportPeriod = { period: 'month' | 'quarter' | 'year'; label: string; from: IsoDate; to: IsoDate };

/** `2026-10` (a month), `2026-Q4` (a quarter) or `2026` (a year); null if it is none of these. */
export const parseReportPeriod = (text: string): ReportPeriod | null => {
  const month = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(text);
  if (month) {
    const from = `${text}-01`;
    return { period: 'month', label: text, from, to: addDays(addMonths(from, 1), -1) };
  }
  const quarter = /^(\d{4})-Q([1-4])$/.exec(text);
  if (quarter) {
    const from = `${quarter[1]}-${pad2((Number(quarter[2]) - 1) * 3 + 1)}-01`;
    return { period: 'quarter', label: text, from, to: addDays(addMonths(from, 3), -1) };
  }
  if (/^\d{4}$/.test(text)) return { period: 'year', label: text, from: `${text}-01-01`, to: `${text}-12-31` };
  return null;
};

/** The window of equal length just before from..to: what a trend compares with. */
export const previousWindow = (from: IsoDate, to: IsoDate): { from: IsoDate; to: IsoDate } => {
  const length = daysBetween(from, to);
  return { from: addDays(from, -length), to: addDays(from, -1) };
};
