/**
 * The Tibetan Phugpa (phug lugs) lunisolar calendar, after Svante Janson, "Tibetan calendar mathematics"
 * (2007, rev. 2014), with the epoch E806 (month 3 of AD 806).
 *
 * Why our own code rather than a package: Losar and Shoton decide whether a case in Tibet is overdue, so
 * we must be able to explain every date, and the decisions that matter are made by `floor()` of a true
 * date. Janson's quantities are all rationals with small denominators, so we compute them exactly, in
 * integers, and no floating-point rounding can turn a normal day into a skipped or duplicated one.
 *
 * Vocabulary (Janson):
 * - true month count `n`: months numbered consecutively from the epoch, leap months included.
 * - a Tibetan year `year` is named here by the Gregorian year in which it begins (Losar 2024-02-10 opens
 *   year 2024, which Tibetans number 2151, Wood Dragon).
 * - lunar day (tithi) `d` = 1..30 of month `n` ends at the true date `trueDate(n, d)`, a Julian day number
 *   with a fraction. The calendar day on which it ends bears the date `d`. If two lunar days end on the same
 *   calendar day, the second date is skipped; if none ends on a calendar day, the date is duplicated and
 *   the first of the two days is the leap day.
 * - a month is doubled (intercalary) when the mean sun enters no new sign during it; the first of the two
 *   months is the leap month and the second the regular one (Phugpa).
 */

import { dayNumberOfIso, isoOfDayNumber, type IsoDate } from './iso-date.js';

export type TibetanMonthRef = {
  /** Gregorian year in which the Tibetan year begins. */
  readonly year: number;
  /** 1..12 */
  readonly month: number;
  /** The first instance of a doubled month. */
  readonly isLeapMonth: boolean;
};

export type TibetanDate = TibetanMonthRef & {
  /** 1..30 */
  readonly day: number;
  /** The first instance of a duplicated date. */
  readonly isLeapDay: boolean;
};

/** What became of a Tibetan date (month, day) in the sequence of calendar days. */
export type TibetanDayKind = 'normal' | 'skipped' | 'duplicated';

export type ResolvedTibetanDate = {
  readonly kind: TibetanDayKind;
  /** The calendar days bearing the date: none if skipped, two (leap day first) if duplicated. */
  readonly days: readonly IsoDate[];
  /** The first calendar day bearing the date or, if it is skipped, the following day. */
  readonly firstOn: IsoDate;
};

/** Which instance a festival follows when its month is doubled or its day duplicated. */
export type InstanceChoice = 'first' | 'second';

// --- Janson's E806 constants, all exact rationals -----------------------------------------------------
// Every true date is held as an integer count of 1/TRUE_DATE_DENOMINATOR days: the least common multiple
// of the denominators below (11312 for the mean date, 126·60 for the moon equation, 402·60 for the sun
// equation). Around AD 2000 the numerators are about 2.5e14, well inside Number.MAX_SAFE_INTEGER (9e15).
const TRUE_DATE_DENOMINATOR = 102_317_040;

/** m0 = 2015501 + 4783/5656, m1 = 167025/5656 (mean month), m2 = m1/30 (mean lunar day); in 1/11312 day. */
const M0 = 2015501 * 11312 + 4783 * 2;
const M1 = 167025 * 2;
const M2 = 11135;
/** Mean sun s0 = 743/804, s1 = 65/804, s2 = s1/30, in 1/4824 of a revolution. */
const S0 = 743 * 6;
const S1 = 65 * 6;
const S2 = 13;
const SUN_UNITS = 4824;
/** Anomaly of the moon a0 = 475/3528, a1 = 253/3528, a2 = 1/28, in 1/3528 of a revolution. */
const A0 = 475;
const A1 = 253;
const A2 = 126;
const MOON_UNITS = 3528;

/** Janson's tables: moon_tab(0..7) and sun_tab(0..3); the rest of the period follows by symmetry. */
const MOON_TAB = [0, 5, 10, 15, 19, 22, 24, 25] as const;
const SUN_TAB = [0, 6, 10, 11] as const;

/**
 * Month naming. Month M of year Y is the M* = 12(Y − 806) + M − 3-th named month after the epoch; its
 * regular instance is true month n = ⌊(67·M* + β*)/65⌋ and it is doubled iff (67·M* + β*) mod 65 ∈ {0, 1},
 * the leap instance then being n − 1 (65 named months fall in 67 true months; leap month first).
 * β* = ⌈67·α⌉ = 78 with α = 12·(s0 − p0) = 12·(743/804 − 139/180), Janson's Phugpa intercalation
 * constant (his App. C). What pins it, since a wrong β* moves leap months by a month or more: the Losars of
 * 2001–2026 allow only 76..78, and the day-by-day agreement with @hnw/date-tibetan over 1990–2050 (where
 * 76 and 77 place some leap months differently) only 78. See the tests.
 */
const BETA = 78;
const EPOCH_YEAR = 806;
const EPOCH_MONTH = 3;

const mod = (a: number, m: number): number => ((a % m) + m) % m;

/** ⌊a/b⌋ for safe integers, corrected so a quotient close to an integer cannot round the wrong way. */
const floorDiv = (a: number, b: number): number => {
  let q = Math.floor(a / b);
  if (q * b > a) q -= 1;
  else if ((q + 1) * b <= a) q += 1;
  return q;
};

const moonTab = (i: number): number => {
  const j = mod(i, 28);
  if (j >= 14) return -moonTab(j - 14);
  return MOON_TAB[j > 7 ? 14 - j : j] ?? 0;
};

const sunTab = (i: number): number => {
  const j = mod(i, 12);
  if (j >= 6) return -sunTab(j - 6);
  return SUN_TAB[j > 3 ? 6 - j : j] ?? 0;
};

/**
 * The true date (gza' dag) at the end of lunar day `d` of true month `n`, in 1/TRUE_DATE_DENOMINATOR of a
 * day since the Julian day 0. Janson §7: mean date + moon_equ/60 − sun_equ/60, the equations read from the
 * tables by linear interpolation; the sun's anomaly is its mean longitude minus 1/4.
 */
export const trueDateUnits = (n: number, d: number): number => {
  const meanDate = M0 + M1 * n + M2 * d; // 1/11312 day
  const meanSun = mod(S0 + S1 * n + S2 * d, SUN_UNITS);
  const moonAnomaly = mod(A0 + A1 * n + A2 * d, MOON_UNITS);
  // 28 · anomaly = moonAnomaly / 126 table steps: whole step i plus r/126.
  const mi = Math.floor(moonAnomaly / 126);
  const mr = moonAnomaly % 126;
  const moonEqu = moonTab(mi) * 126 + (moonTab(mi + 1) - moonTab(mi)) * mr; // 1/126 table unit
  // 12 · (mean sun − 1/4) = sunAnomaly / 402 table steps.
  const sunAnomaly = mod(meanSun - SUN_UNITS / 4, SUN_UNITS);
  const si = Math.floor(sunAnomaly / 402);
  const sr = sunAnomaly % 402;
  const sunEqu = sunTab(si) * 402 + (sunTab(si + 1) - sunTab(si)) * sr; // 1/402 table unit
  // Table units are 1/60 day: 1/(126·60) = 13534/D, 1/(402·60) = 4242/D, 1/11312 = 9045/D.
  return meanDate * 9045 + moonEqu * 13534 - sunEqu * 4242;
};

/** The Julian day number of the calendar day on which lunar day `d` of true month `n` ends. */
export const trueDateJdn = (n: number, d: number): number => floorDiv(trueDateUnits(n, d), TRUE_DATE_DENOMINATOR);

/**
 * The day on which the lunar day before `d` ends. For d = 1 this is day 30 of the previous month, not the
 * formula at d = 0: a1 = 253/3528 differs from 30·a2 = 252/3528 (mod 1), so the two can straddle midnight,
 * and only the previous month's own last day keeps every calendar day in exactly one month (Janson §8).
 */
const previousEndJdn = (n: number, d: number): number => (d === 1 ? trueDateJdn(n - 1, 30) : trueDateJdn(n, d - 1));

const namedMonthIndex = (year: number, month: number): number => 12 * (year - EPOCH_YEAR) + month - EPOCH_MONTH;

const assertMonth = (year: number, month: number): void => {
  if (!Number.isInteger(year) || !Number.isInteger(month) || month < 1 || month > 12) {
    throw new RangeError(`not a Tibetan month: year ${year}, month ${month}`);
  }
};

/** Whether month `month` of Tibetan year `year` is doubled (has a leap instance before the regular one). */
export const isDoubledMonth = (year: number, month: number): boolean => {
  assertMonth(year, month);
  const r = mod(67 * namedMonthIndex(year, month) + BETA, 65);
  return r === 0 || r === 1;
};

/** The true month count of a Tibetan month; throws for the leap instance of a month that is not doubled. */
export const trueMonthCount = (year: number, month: number, isLeapMonth: boolean): number => {
  assertMonth(year, month);
  const regular = Math.floor((67 * namedMonthIndex(year, month) + BETA) / 65);
  if (!isLeapMonth) return regular;
  if (!isDoubledMonth(year, month)) throw new RangeError(`month ${month} of Tibetan year ${year} is not doubled`);
  return regular - 1;
};

/** The Tibetan month that true month `n` is: the inverse of `trueMonthCount`. */
export const tibetanMonthOf = (n: number): TibetanMonthRef => {
  // The named month of n is the first M* whose regular instance is n or later.
  const named = Math.ceil((65 * n - BETA) / 67);
  const regular = Math.floor((67 * named + BETA) / 65);
  const shifted = named + EPOCH_MONTH - 1;
  return { year: EPOCH_YEAR + Math.floor(shifted / 12), month: mod(shifted, 12) + 1, isLeapMonth: regular !== n };
};

/** The months of Tibetan year `year` that are doubled (in practice none or one). */
export const doubledMonths = (year: number): readonly number[] => {
  const months: number[] = [];
  for (let m = 1; m <= 12; m += 1) if (isDoubledMonth(year, m)) months.push(m);
  return months;
};

// --- Julian day numbers and ISO dates ---------------------------------------------------------------------
const JDN_OF_UNIX_EPOCH = 2_440_588;
const isoOfJdn = (jdn: number): IsoDate => isoOfDayNumber(jdn - JDN_OF_UNIX_EPOCH);
const jdnOfIso = (date: IsoDate): number => dayNumberOfIso(date) + JDN_OF_UNIX_EPOCH;

/** Where a Tibetan date falls in the sequence of calendar days. */
export const resolveTibetanDate = (year: number, month: number, isLeapMonth: boolean, day: number): ResolvedTibetanDate => {
  if (!Number.isInteger(day) || day < 1 || day > 30) throw new RangeError(`not a Tibetan day: ${day}`);
  const n = trueMonthCount(year, month, isLeapMonth);
  const end = trueDateJdn(n, day);
  const gap = end - previousEndJdn(n, day);
  if (gap === 0) return { kind: 'skipped', days: [], firstOn: isoOfJdn(end + 1) };
  if (gap === 2) return { kind: 'duplicated', days: [isoOfJdn(end - 1), isoOfJdn(end)], firstOn: isoOfJdn(end - 1) };
  return { kind: 'normal', days: [isoOfJdn(end)], firstOn: isoOfJdn(end) };
};

/**
 * The Gregorian date of the Tibetan date (year, month, leap month?, day): the first day bearing it (the
 * leap day if it is duplicated) or, if it is skipped, the following day, which bears the next date.
 */
export const tibetanToGregorian = (year: number, month: number, isLeapMonth: boolean, day: number): IsoDate =>
  resolveTibetanDate(year, month, isLeapMonth, day).firstOn;

/** The Tibetan date of a Gregorian day (the Tibetan day is taken as the civil day, as in Janson). */
export const gregorianToTibetan = (date: IsoDate): TibetanDate => {
  const jdn = jdnOfIso(date);
  // Estimate from the mean month, then settle on the month whose last day is the first not before `jdn`.
  let n = Math.floor(((jdn - 2015501.85) * 5656) / 167025);
  while (trueDateJdn(n, 30) < jdn) n += 1;
  while (trueDateJdn(n - 1, 30) >= jdn) n -= 1;
  let d = 1;
  while (trueDateJdn(n, d) < jdn) d += 1;
  const isLeapDay = trueDateJdn(n, d) > jdn;
  return { ...tibetanMonthOf(n), day: d, isLeapDay };
};

/**
 * Losar, the Tibetan New Year beginning in Gregorian year `year`: the first calendar day of month 1.
 * - When month 1 is doubled, the year opens with the leap (first) instance, so Losar is its first day
 *   (Janson; 2019: Losar 2019-02-05, the regular month 1 began on 2019-03-07).
 * - When the 1st is skipped the month's first day bears the 2nd; when it is duplicated, the first of the two
 *   days. Both follow from "the day after the last day of month 12".
 */
export const losarDate = (year: number): IsoDate => {
  const first = trueMonthCount(year, 1, isDoubledMonth(year, 1));
  return isoOfJdn(trueDateJdn(first - 1, 30) + 1);
};

export type FestivalRule = {
  /** When the month is doubled: the leap (first) instance or the regular (second) one. */
  readonly doubledMonth?: InstanceChoice;
  /** When the day is duplicated: the leap (first) day or the regular (second) one. */
  readonly duplicatedDay?: InstanceChoice;
};

/**
 * A festival on a fixed Tibetan date (month, day). By default it is held on the first calendar day that
 * bears the date or a later one: the leap instance of a doubled month, the first of a duplicated day, the
 * next day when the date is skipped. That is the rule that gives Losar, so one rule explains both
 * festivals; `rule` picks the regular instances instead, which is what some almanacs do. Only 2005 and
 * 2024 (month 6 doubled) and 2031 (6/30 duplicated) differ between the two within 1990–2050.
 */
export const festivalDate = (year: number, month: number, day: number, rule: FestivalRule = {}): IsoDate => {
  const leapMonth = isDoubledMonth(year, month) && (rule.doubledMonth ?? 'first') === 'first';
  const resolved = resolveTibetanDate(year, month, leapMonth, day);
  if (resolved.kind === 'duplicated' && rule.duplicatedDay === 'second') return resolved.days[1] ?? resolved.firstOn;
  return resolved.firstOn;
};

/**
 * Shoton (zho ston), the 30th day of month 6 of the Tibetan year beginning in `year`; when the 30th is
 * skipped, the following day (the 1st of month 7). See `festivalDate` for doubled months and days.
 */
export const shotonDate = (year: number, rule: FestivalRule = {}): IsoDate => festivalDate(year, 6, 30, rule);
