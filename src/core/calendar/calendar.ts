/**
 * Working calendars and clock arithmetic: working hours, working days and natural days, with holidays,
 * swapped working days (调休上班) and pauses.
 *
 * A `WorkCalendar` is a plain immutable value. Its local time is a fixed UTC offset (China has had no
 * daylight saving time since 1991), so local days are exactly 24 hours and every computation is integer
 * arithmetic on milliseconds. Queries go through a per-calendar day index (working milliseconds before each
 * day, working days before each day) built on first use and kept in a WeakMap, so the value stays plain
 * data and a due date costs a binary search rather than a walk over days.
 *
 * Conventions (the rules users must be able to check by hand):
 * - Instants are `Date`s. A due instant is exclusive: a case is overdue from that instant on.
 * - Working hours: the clock runs only inside working intervals, outside pauses. A target reached exactly
 *   at the end of an interval is due then (17:30), not at the next opening.
 * - Working days: the day of the start is not counted (Civil Code Art. 201: 开始的当日不计入); "N working
 *   days" ends at close of business of the N-th working day after the start day (Art. 203: with business
 *   hours, the period ends when business stops). Pauses push it back by the working time they stopped.
 * - Natural days: the start day is not counted; "N days" ends at 24:00 of the N-th day after it. If that last
 *   day is not a working day the period runs to the end of the next working day (Art. 203), unless turned
 *   off.
 * - Pauses are half-open [from, to): the clock does not run inside them.
 */

import { type HolidayCode, type LocalizedName, swappedWorkdayName } from './holiday-names.js';
import { DAY_MS, dayNumberOfIso, isoOfDayNumber, isoWeekdayOfDayNumber, type IsoDate, type IsoWeekday } from './iso-date.js';

export type HolidayLabel = { readonly code: HolidayCode; readonly name: LocalizedName };
export type SwappedWorkdayLabel = {
  readonly code: 'swapped_workday';
  readonly name: LocalizedName;
  /** The holiday this working day pays for, when known. */
  readonly bridges: HolidayCode | null;
};
export type DayLabel = HolidayLabel | SwappedWorkdayLabel;

/** A working interval as configured: 'HH:MM'–'HH:MM' local time, end exclusive; '24:00' ends a day. */
export type ClockInterval = readonly [from: string, to: string];
/** The same, in minutes after local midnight. */
export type WorkingInterval = { readonly startMinute: number; readonly endMinute: number };

export type WorkCalendar = {
  readonly id: string;
  /** Local time = UTC + this many minutes, all year (Asia/Shanghai: +480). */
  readonly utcOffsetMinutes: number;
  readonly weeklyHours: Readonly<Record<IsoWeekday, readonly WorkingInterval[]>>;
  /** Working hours of a weekend day declared a working day. */
  readonly swappedWorkdayHours: readonly WorkingInterval[];
  readonly holidays: ReadonlyMap<IsoDate, HolidayLabel>;
  readonly swappedWorkdays: ReadonlyMap<IsoDate, SwappedWorkdayLabel>;
  /**
   * The days for which the holiday data is known (a State Council notice exists). Outside them the
   * calendar still answers, with weekends only, and explanations flag the result as provisional.
   */
  readonly coverage: CalendarCoverage | null;
};

export type CalendarCoverage = { readonly firstDay: IsoDate; readonly lastDay: IsoDate };

export type WorkCalendarOptions = {
  readonly id: string;
  readonly utcOffsetMinutes?: number;
  /** Replaces the default week entirely: a weekday left out has no working hours. */
  readonly weeklyHours?: Partial<Readonly<Record<IsoWeekday, readonly ClockInterval[]>>>;
  /** Defaults to Monday's hours: a State Council 调休 notice just says "上班", i.e. a normal working day. */
  readonly swappedWorkdayHours?: readonly ClockInterval[];
  readonly holidays?: Iterable<readonly [IsoDate, HolidayLabel]>;
  readonly swappedWorkdays?: Iterable<readonly [IsoDate, SwappedWorkdayLabel]>;
  readonly coverage?: CalendarCoverage | null;
};

export type DayInfo = {
  readonly date: IsoDate;
  readonly weekday: IsoWeekday;
  readonly isWorkday: boolean;
  /** The holiday, or `swapped_workday` for a weekend working day; null for an ordinary day. */
  readonly holiday: DayLabel | null;
};

/** The clock does not run from `from` (inclusive) to `to` (exclusive). */
export type Pause = { readonly from: Date; readonly to: Date };

/** Why a day did not count: its holiday, a weekend, a day without working time left, or a pause. */
export type SkipReason = HolidayCode | 'weekend' | 'outside_working_hours' | 'paused';
export type SkippedDay = { readonly date: IsoDate; readonly reason: SkipReason };
export type CountedSwappedWorkday = { readonly date: IsoDate; readonly bridges: HolidayCode | null };

export const ASIA_SHANGHAI_UTC_OFFSET_MINUTES = 480;
/** 09:00–12:00 and 13:30–17:30: common office hours of Chinese public bodies; configure per unit. */
export const DEFAULT_WORKING_HOURS: readonly ClockInterval[] = [['09:00', '12:00'], ['13:30', '17:30']];

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const WEEKDAYS: readonly IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7];

// --- construction -----------------------------------------------------------------------------------------

const CLOCK = /^(\d{2}):(\d{2})$/;

const parseClock = (text: string): number => {
  const m = CLOCK.exec(text);
  const minutes = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
  if (!m || Number(m[2]) > 59 || minutes > 24 * 60) throw new RangeError(`not a clock time (HH:MM): ${text}`);
  return minutes;
};

export const formatClock = (minute: number): string =>
  `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;

const parseIntervals = (intervals: readonly ClockInterval[], where: string): readonly WorkingInterval[] => {
  const parsed = intervals.map(([from, to]) => ({ startMinute: parseClock(from), endMinute: parseClock(to) }));
  parsed.forEach((interval, i) => {
    if (interval.endMinute <= interval.startMinute) throw new RangeError(`${where}: empty or reversed interval ${formatClock(interval.startMinute)}–${formatClock(interval.endMinute)}`);
    const previous = parsed[i - 1];
    if (previous && previous.endMinute > interval.startMinute) throw new RangeError(`${where}: intervals must be in order and must not overlap`);
  });
  return Object.freeze(parsed.map((p) => Object.freeze(p)));
};

export const createWorkCalendar = (options: WorkCalendarOptions): WorkCalendar => {
  const utcOffsetMinutes = options.utcOffsetMinutes ?? ASIA_SHANGHAI_UTC_OFFSET_MINUTES;
  if (!Number.isInteger(utcOffsetMinutes) || Math.abs(utcOffsetMinutes) > 14 * 60) {
    throw new RangeError(`UTC offset must be whole minutes within ±14 h: ${utcOffsetMinutes}`);
  }
  const week = options.weeklyHours ?? { 1: DEFAULT_WORKING_HOURS, 2: DEFAULT_WORKING_HOURS, 3: DEFAULT_WORKING_HOURS, 4: DEFAULT_WORKING_HOURS, 5: DEFAULT_WORKING_HOURS };
  const weeklyHours = Object.freeze(
    Object.fromEntries(WEEKDAYS.map((d) => [d, parseIntervals(week[d] ?? [], `weekday ${d}`)])) as Record<IsoWeekday, readonly WorkingInterval[]>,
  );
  // A week without working time would make every working-time target unreachable.
  if (WEEKDAYS.every((d) => weeklyHours[d].length === 0)) throw new RangeError('a work calendar needs working hours on at least one weekday');
  const swappedWorkdayHours = options.swappedWorkdayHours ? parseIntervals(options.swappedWorkdayHours, 'swapped working day') : weeklyHours[1];
  const holidays = new Map<IsoDate, HolidayLabel>();
  for (const [date, label] of options.holidays ?? []) {
    dayNumberOfIso(date);
    holidays.set(date, Object.freeze({ code: label.code, name: label.name }));
  }
  const swappedWorkdays = new Map<IsoDate, SwappedWorkdayLabel>();
  for (const [date, label] of options.swappedWorkdays ?? []) {
    dayNumberOfIso(date);
    if (holidays.has(date)) throw new RangeError(`${date} is both a holiday and a swapped working day`);
    swappedWorkdays.set(date, Object.freeze({ code: 'swapped_workday', name: label.name, bridges: label.bridges }));
  }
  const coverage = options.coverage ?? null;
  if (coverage && dayNumberOfIso(coverage.lastDay) < dayNumberOfIso(coverage.firstDay)) throw new RangeError('calendar coverage ends before it starts');
  return Object.freeze({ id: options.id, utcOffsetMinutes, weeklyHours, swappedWorkdayHours, holidays, swappedWorkdays, coverage: coverage && Object.freeze({ ...coverage }) });
};

/** A swapped working day label for `bridges`, with the standard names. */
export const swappedWorkday = (bridges: HolidayCode | null): SwappedWorkdayLabel => ({ code: 'swapped_workday', name: swappedWorkdayName(bridges), bridges });

// --- the day index ----------------------------------------------------------------------------------------

type Schedule = {
  readonly starts: readonly number[]; // ms after local midnight
  readonly ends: readonly number[];
  readonly total: number;
};

type DayIndex = {
  readonly firstDay: number; // day number of slot 0
  readonly days: number;
  readonly offsetMs: number;
  readonly scheduleOf: Uint8Array;
  readonly schedules: readonly Schedule[];
  /** Working ms before each slot, counted from slot 0; length days + 1. */
  readonly cumMs: Float64Array;
  /** Working days before each slot; length days + 1. */
  readonly cumWorkdays: Int32Array;
  /** Slot of the k-th working day. */
  readonly workdaySlots: Int32Array;
  /** Ready-made explanation entries, shared by every explanation that mentions the day. */
  readonly skipEntry: readonly (SkippedDay | null)[];
  readonly swapEntry: readonly (CountedSwappedWorkday | null)[];
};

const toSchedule = (intervals: readonly WorkingInterval[]): Schedule => {
  const starts = intervals.map((i) => i.startMinute * MINUTE_MS);
  const ends = intervals.map((i) => i.endMinute * MINUTE_MS);
  return { starts, ends, total: ends.reduce((sum, end, k) => sum + end - (starts[k] ?? 0), 0) };
};

const indexes = new WeakMap<WorkCalendar, DayIndex>();

/** Default window: enough for every case we will hold; queries outside it grow the index. */
const DEFAULT_FIRST_DAY = dayNumberOfIso('1990-01-01');
const DEFAULT_END_DAY = dayNumberOfIso('2061-01-01');
const MAX_INDEX_DAYS = 400 * 366;

const buildIndex = (cal: WorkCalendar, firstDay: number, endDay: number): DayIndex => {
  const days = endDay - firstDay;
  if (days > MAX_INDEX_DAYS) throw new RangeError('date range too large for a work calendar (more than 400 years)');
  const schedules: Schedule[] = [toSchedule([])];
  const scheduleIds = new Map<readonly WorkingInterval[], number>([[[], 0]]);
  const idOf = (intervals: readonly WorkingInterval[]): number => {
    if (intervals.length === 0) return 0;
    let id = scheduleIds.get(intervals);
    if (id === undefined) {
      id = schedules.length;
      schedules.push(toSchedule(intervals));
      scheduleIds.set(intervals, id);
    }
    return id;
  };
  const scheduleOf = new Uint8Array(days);
  const cumMs = new Float64Array(days + 1);
  const cumWorkdays = new Int32Array(days + 1);
  const workdays: number[] = [];
  const skipEntry: (SkippedDay | null)[] = new Array<SkippedDay | null>(days).fill(null);
  const swapEntry: (CountedSwappedWorkday | null)[] = new Array<CountedSwappedWorkday | null>(days).fill(null);
  for (let slot = 0; slot < days; slot += 1) {
    const dayNumber = firstDay + slot;
    const date = isoOfDayNumber(dayNumber);
    const weekday = isoWeekdayOfDayNumber(dayNumber);
    const holiday = cal.holidays.get(date);
    const swapped = cal.swappedWorkdays.get(date);
    const intervals = holiday ? [] : swapped ? cal.swappedWorkdayHours : cal.weeklyHours[weekday];
    const id = idOf(intervals);
    scheduleOf[slot] = id;
    const total = schedules[id]?.total ?? 0;
    cumMs[slot + 1] = (cumMs[slot] ?? 0) + total;
    cumWorkdays[slot + 1] = (cumWorkdays[slot] ?? 0) + (total > 0 ? 1 : 0);
    if (total > 0) {
      workdays.push(slot);
      if (swapped) swapEntry[slot] = Object.freeze({ date, bridges: swapped.bridges });
    } else {
      const reason: SkipReason = holiday ? holiday.code : weekday >= 6 ? 'weekend' : 'outside_working_hours';
      skipEntry[slot] = Object.freeze({ date, reason });
    }
  }
  if (schedules.length > 255) throw new RangeError('too many distinct daily schedules');
  return {
    firstDay, days, offsetMs: cal.utcOffsetMinutes * MINUTE_MS, scheduleOf, schedules, cumMs, cumWorkdays,
    workdaySlots: Int32Array.from(workdays), skipEntry, swapEntry,
  };
};

/** The index, grown (never shifted forward) so that it covers days [fromDay, toDay]. */
const indexCovering = (cal: WorkCalendar, fromDay: number, toDay: number): DayIndex => {
  const current = indexes.get(cal);
  if (current && fromDay >= current.firstDay && toDay < current.firstDay + current.days) return current;
  // Never move the first day of an index that already covers `fromDay`: working totals computed earlier in
  // the same operation are relative to it.
  const first = current && fromDay >= current.firstDay ? current.firstDay : Math.min(current?.firstDay ?? DEFAULT_FIRST_DAY, fromDay - 366);
  const oldEnd = current ? current.firstDay + current.days : DEFAULT_END_DAY;
  // Grow forward in large steps so a run of far-future queries rebuilds only a few times.
  const end = toDay < oldEnd ? oldEnd : Math.max(toDay + 366, oldEnd + (oldEnd - first));
  const next = buildIndex(cal, first, end);
  indexes.set(cal, next);
  return next;
};

/** The local day number of an instant in the calendar's fixed offset. */
const localDayOf = (cal: WorkCalendar, ms: number): number => Math.floor((ms + cal.utcOffsetMinutes * MINUTE_MS) / DAY_MS);
const localDayIn = (ix: DayIndex, ms: number): number => Math.floor((ms + ix.offsetMs) / DAY_MS);

const slotStartMs = (ix: DayIndex, slot: number): number => (ix.firstDay + slot) * DAY_MS - ix.offsetMs;

const scheduleAt = (ix: DayIndex, slot: number): Schedule => ix.schedules[ix.scheduleOf[slot] ?? 0] as Schedule;

/** Working ms from the start of the index to the instant (the index must cover its day). */
const workedAt = (ix: DayIndex, ms: number): number => {
  const local = ms + ix.offsetMs;
  const day = Math.floor(local / DAY_MS);
  const slot = day - ix.firstDay;
  const within = local - day * DAY_MS;
  const s = scheduleAt(ix, slot);
  let worked = ix.cumMs[slot] ?? 0;
  for (let k = 0; k < s.starts.length; k += 1) {
    const start = s.starts[k] as number;
    if (within <= start) break;
    worked += Math.min(within, s.ends[k] as number) - start;
  }
  return worked;
};

/** The first instant at which the worked total reaches `target` (cumMs[0] < target ≤ cumMs[days]). */
const instantAtWorked = (ix: DayIndex, target: number): number => {
  let lo = 0;
  let hi = ix.days - 1;
  // Largest slot whose cumulative start is below the target.
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if ((ix.cumMs[mid] as number) < target) lo = mid;
    else hi = mid - 1;
  }
  let remaining = target - (ix.cumMs[lo] as number);
  const s = scheduleAt(ix, lo);
  for (let k = 0; k < s.starts.length; k += 1) {
    const length = (s.ends[k] as number) - (s.starts[k] as number);
    if (remaining <= length) return slotStartMs(ix, lo) + (s.starts[k] as number) + remaining;
    remaining -= length;
  }
  throw new Error('day index is inconsistent');
};

/** The index covering `ms` and with at least `target` working ms before its end. */
const indexReaching = (cal: WorkCalendar, ix: DayIndex, target: number): DayIndex => {
  let current = ix;
  while ((current.cumMs[current.days] as number) < target) {
    current = indexCovering(cal, current.firstDay, current.firstDay + current.days + 366);
  }
  return current;
};

const normalizePauses = (pauses: readonly Pause[]): { from: number; to: number }[] => {
  const list = pauses.map((p) => {
    const from = p.from.getTime();
    const to = p.to.getTime();
    if (!Number.isFinite(from) || !Number.isFinite(to)) throw new RangeError('pause with an invalid date');
    if (to < from) throw new RangeError(`pause ends before it starts: ${p.from.toISOString()} – ${p.to.toISOString()}`);
    return { from, to };
  });
  list.sort((a, b) => a.from - b.from);
  const merged: { from: number; to: number }[] = [];
  for (const p of list) {
    if (p.to === p.from) continue;
    const last = merged[merged.length - 1];
    if (last && p.from <= last.to) last.to = Math.max(last.to, p.to);
    else merged.push({ ...p });
  }
  return merged;
};

export type PauseEffect = { readonly from: Date; readonly to: Date; readonly lostMillis: number };

type ClockRun = { readonly ix: DayIndex; readonly dueMs: number; readonly pauses: readonly { from: number; to: number }[] };

/** Runs the working clock from `startMs` for `budgetMs` of working time, stopping inside pauses. */
const runWorkingClock = (cal: WorkCalendar, startMs: number, budgetMs: number, pauses: readonly { from: number; to: number }[]): ClockRun => {
  let ix = indexCovering(cal, localDayOf(cal, startMs), localDayOf(cal, startMs));
  if (budgetMs <= 0) return { ix, dueMs: startMs, pauses };
  let t = startMs;
  let worked = workedAt(ix, t);
  let remaining = budgetMs;
  for (const p of pauses) {
    if (p.to <= t) continue;
    if (p.from > t) {
      ix = indexCovering(cal, ix.firstDay, localDayIn(ix, p.from));
      const available = workedAt(ix, p.from) - worked;
      if (remaining <= available) break;
      remaining -= available;
    }
    t = p.to;
    ix = indexCovering(cal, ix.firstDay, localDayIn(ix, t));
    worked = workedAt(ix, t);
  }
  ix = indexReaching(cal, ix, worked + remaining);
  return { ix, dueMs: Math.max(t, instantAtWorked(ix, worked + remaining)), pauses };
};

// --- public queries ---------------------------------------------------------------------------------------

export const dayInfo = (cal: WorkCalendar, date: IsoDate): DayInfo => {
  const dayNumber = dayNumberOfIso(date);
  const weekday = isoWeekdayOfDayNumber(dayNumber);
  const holiday = cal.holidays.get(date) ?? null;
  const swapped = cal.swappedWorkdays.get(date) ?? null;
  const hours = holiday ? [] : swapped ? cal.swappedWorkdayHours : cal.weeklyHours[weekday];
  return { date, weekday, isWorkday: hours.length > 0, holiday: holiday ?? swapped };
};

/** The local date and clock time of an instant in the calendar's time zone. */
export const toLocal = (cal: WorkCalendar, at: Date): { readonly date: IsoDate; readonly time: string } => {
  const local = at.getTime() + cal.utcOffsetMinutes * MINUTE_MS;
  const day = Math.floor(local / DAY_MS);
  const ms = local - day * DAY_MS;
  const seconds = Math.floor((ms % MINUTE_MS) / 1000);
  return { date: isoOfDayNumber(day), time: formatClock(Math.floor(ms / MINUTE_MS)) + (seconds ? `:${String(seconds).padStart(2, '0')}` : '') };
};

/** The instant of a local date and 'HH:MM' clock time in the calendar's time zone. */
export const fromLocal = (cal: WorkCalendar, date: IsoDate, time = '00:00'): Date =>
  new Date(dayNumberOfIso(date) * DAY_MS + parseClock(time) * MINUTE_MS - cal.utcOffsetMinutes * MINUTE_MS);

/** Working milliseconds in [a, b) (negative if b is before a). */
export const workingMillisBetween = (cal: WorkCalendar, a: Date, b: Date): number => {
  const [x, y] = [a.getTime(), b.getTime()];
  const ix = indexCovering(cal, localDayOf(cal, Math.min(x, y)), localDayOf(cal, Math.max(x, y)));
  return workedAt(ix, y) - workedAt(ix, x);
};

const assertAmount = (amount: number, what: string, integer: boolean): void => {
  if (!Number.isFinite(amount) || amount < 0 || (integer && !Number.isInteger(amount))) {
    throw new RangeError(`${what} must be a ${integer ? 'whole ' : ''}number ≥ 0: ${amount}`);
  }
};

const checkedTime = (at: Date): number => {
  const ms = at.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('invalid date');
  return ms;
};

/** Adds `hours` of working time to `start`; the clock stands still outside working hours and in pauses. */
export const addWorkingHours = (cal: WorkCalendar, start: Date, hours: number, pauses: readonly Pause[] = []): Date => {
  assertAmount(hours, 'hours', false);
  return new Date(runWorkingClock(cal, checkedTime(start), Math.round(hours * HOUR_MS), normalizePauses(pauses)).dueMs);
};

type WorkingDaysPlan = { readonly ix: DayIndex; readonly clockStartMs: number; readonly budgetMs: number; readonly noPauseDueMs: number };

/** Close of business of the `days`-th working day after the start day, and the working time until then. */
const planWorkingDays = (cal: WorkCalendar, startMs: number, days: number): WorkingDaysPlan => {
  const startDay = localDayOf(cal, startMs);
  let ix = indexCovering(cal, startDay, startDay + 1);
  const firstCounted = startDay + 1 - ix.firstDay;
  const before = ix.cumWorkdays[firstCounted] as number;
  while (before + days > ix.workdaySlots.length) ix = indexCovering(cal, ix.firstDay, ix.firstDay + ix.days + 366);
  const clockStartMs = slotStartMs(ix, firstCounted);
  if (days === 0) return { ix, clockStartMs, budgetMs: 0, noPauseDueMs: startMs };
  const last = ix.workdaySlots[before + days - 1] as number;
  const budgetMs = (ix.cumMs[last + 1] as number) - (ix.cumMs[firstCounted] as number);
  return { ix, clockStartMs, budgetMs, noPauseDueMs: instantAtWorked(ix, ix.cumMs[last + 1] as number) };
};

/**
 * `days` working days after `start`: close of business of the `days`-th working day after the start day
 * (the start day itself never counts, whatever the hour). With pauses, the clock runs from the first
 * counted day and the due instant moves back by the working time the pauses stopped.
 */
export const addWorkingDays = (cal: WorkCalendar, start: Date, days: number, pauses: readonly Pause[] = []): Date => {
  assertAmount(days, 'days', true);
  const plan = planWorkingDays(cal, checkedTime(start), days);
  if (pauses.length === 0 || days === 0) return new Date(plan.noPauseDueMs);
  return new Date(runWorkingClock(cal, plan.clockStartMs, plan.budgetMs, normalizePauses(pauses)).dueMs);
};

export type NaturalDaysOptions = {
  readonly pauses?: readonly Pause[];
  /** Move a last day that is not a working day to the end of the next working day. Default true. */
  readonly rollForwardToWorkday?: boolean;
};

type NaturalRun = { readonly dueMs: number; readonly lastDay: number; readonly unrolledLastDay: number; readonly pauses: readonly { from: number; to: number }[] };

/** Natural-day clock from the local midnight `clockStartMs`; whole days, rolled forward if asked. */
const runNaturalClock = (cal: WorkCalendar, clockStartMs: number, days: number, options: NaturalDaysOptions): NaturalRun => {
  const pauses = normalizePauses(options.pauses ?? []);
  let t = clockStartMs;
  let remaining = days * DAY_MS;
  for (const p of pauses) {
    if (p.to <= t) continue;
    if (p.from > t) {
      if (remaining <= p.from - t) break;
      remaining -= p.from - t;
    }
    t = p.to;
  }
  const end = t + remaining;
  // Periods in days are whole days: an end inside a day ends with that day.
  const endDay = Math.ceil((end + cal.utcOffsetMinutes * MINUTE_MS) / DAY_MS);
  const unrolledLastDay = Math.max(endDay - 1, localDayOf(cal, clockStartMs) - 1);
  let lastDay = unrolledLastDay;
  if (options.rollForwardToWorkday ?? true) {
    let ix = indexCovering(cal, lastDay, lastDay);
    while (((ix.cumWorkdays[lastDay - ix.firstDay + 1] as number) - (ix.cumWorkdays[lastDay - ix.firstDay] as number)) === 0) {
      lastDay += 1;
      ix = indexCovering(cal, ix.firstDay, lastDay);
    }
  }
  return { dueMs: (lastDay + 1) * DAY_MS - cal.utcOffsetMinutes * MINUTE_MS, lastDay, unrolledLastDay, pauses };
};

const nextLocalMidnight = (cal: WorkCalendar, ms: number): number => (localDayOf(cal, ms) + 1) * DAY_MS - cal.utcOffsetMinutes * MINUTE_MS;

/**
 * `days` natural days after `start`: the instant 24:00 ends the `days`-th day after the start day (rolled
 * forward past non-working days unless turned off). Pauses add the wall-clock time they cover, and a
 * period ending inside a day runs to the end of that day.
 */
export const addNaturalDays = (cal: WorkCalendar, start: Date, days: number, options: NaturalDaysOptions = {}): Date => {
  assertAmount(days, 'days', true);
  return new Date(runNaturalClock(cal, nextLocalMidnight(cal, checkedTime(start)), days, options).dueMs);
};

/**
 * Extends a natural-day period that ends at `due` (exclusive, as returned above) by `days` days: the new
 * period continues from where the old one ended.
 */
export const extendNaturalDays = (cal: WorkCalendar, due: Date, days: number, options: NaturalDaysOptions = {}): Date => {
  assertAmount(days, 'days', true);
  return new Date(runNaturalClock(cal, nextLocalMidnight(cal, checkedTime(due) - 1), days, options).dueMs);
};

// --- explanations (used by the SLA layer) -----------------------------------------------------------------

export type ClockTrace = {
  readonly dueAt: Date;
  /** When the clock first runs: the start itself (hours) or the midnight after the start day (days). */
  readonly clockStartsAt: Date;
  /** The last local day of the period. */
  readonly lastDay: IsoDate;
  readonly skippedDays: readonly SkippedDay[];
  readonly swappedWorkdays: readonly CountedSwappedWorkday[];
  readonly pauses: readonly PauseEffect[];
  /** Natural days only: the last day before it was moved to a working day, or null if it was not moved. */
  readonly rolledForwardFrom: IsoDate | null;
};

const pausedWorkWithin = (ix: DayIndex, pauses: readonly { from: number; to: number }[], a: number, b: number): number => {
  let paused = 0;
  for (const p of pauses) {
    const from = Math.max(p.from, a);
    const to = Math.min(p.to, b);
    if (to > from) paused += workedAt(ix, to) - workedAt(ix, from);
  }
  return paused;
};

/** Which days between the clock start and the due instant counted, which did not and why. */
const traceWorking = (run: ClockRun, clockStartMs: number): ClockTrace => {
  const { ix, dueMs, pauses } = run;
  const firstSlot = localDayIn(ix, clockStartMs) - ix.firstDay;
  // A due instant at 24:00 belongs to the day it ends.
  const lastSlot = Math.max(firstSlot, localDayIn(ix, dueMs - 1) - ix.firstDay);
  const skippedDays: SkippedDay[] = [];
  const swappedWorkdays: CountedSwappedWorkday[] = [];
  for (let slot = firstSlot; slot <= lastSlot; slot += 1) {
    const skip = ix.skipEntry[slot];
    if (skip) {
      skippedDays.push(skip);
      continue;
    }
    const dayStart = slotStartMs(ix, slot);
    const from = Math.max(dayStart, clockStartMs);
    const to = Math.min(dayStart + DAY_MS, dueMs);
    const edge = slot === firstSlot || slot === lastSlot;
    const work = edge ? Math.max(0, workedAt(ix, to) - workedAt(ix, from)) : scheduleAt(ix, slot).total;
    if (work === 0) {
      skippedDays.push({ date: isoOfDayNumber(ix.firstDay + slot), reason: 'outside_working_hours' });
      continue;
    }
    if (pauses.length > 0 && work - pausedWorkWithin(ix, pauses, from, to) === 0) {
      skippedDays.push({ date: isoOfDayNumber(ix.firstDay + slot), reason: 'paused' });
      continue;
    }
    const swap = ix.swapEntry[slot];
    if (swap) swappedWorkdays.push(swap);
  }
  const pauseEffects: PauseEffect[] = [];
  for (const p of pauses) {
    if (p.to <= clockStartMs || p.from >= dueMs) continue;
    pauseEffects.push({ from: new Date(p.from), to: new Date(p.to), lostMillis: pausedWorkWithin(ix, [p], clockStartMs, dueMs) });
  }
  return {
    dueAt: new Date(dueMs), clockStartsAt: new Date(clockStartMs), lastDay: isoOfDayNumber(ix.firstDay + lastSlot),
    skippedDays, swappedWorkdays, pauses: pauseEffects, rolledForwardFrom: null,
  };
};

export const traceWorkingHours = (cal: WorkCalendar, start: Date, hours: number, pauses: readonly Pause[] = []): ClockTrace => {
  assertAmount(hours, 'hours', false);
  const startMs = checkedTime(start);
  return traceWorking(runWorkingClock(cal, startMs, Math.round(hours * HOUR_MS), normalizePauses(pauses)), startMs);
};

export const traceWorkingDays = (cal: WorkCalendar, start: Date, days: number, pauses: readonly Pause[] = []): ClockTrace => {
  assertAmount(days, 'days', true);
  const startMs = checkedTime(start);
  const plan = planWorkingDays(cal, startMs, days);
  if (days === 0) return traceWorking({ ix: plan.ix, dueMs: startMs, pauses: [] }, startMs);
  const run = pauses.length === 0
    ? { ix: plan.ix, dueMs: plan.noPauseDueMs, pauses: [] }
    : runWorkingClock(cal, plan.clockStartMs, plan.budgetMs, normalizePauses(pauses));
  return traceWorking(run, plan.clockStartMs);
};

export const traceNaturalDays = (cal: WorkCalendar, start: Date, days: number, options: NaturalDaysOptions = {}): ClockTrace => {
  assertAmount(days, 'days', true);
  const clockStartMs = nextLocalMidnight(cal, checkedTime(start));
  const run = runNaturalClock(cal, clockStartMs, days, options);
  const ix = indexCovering(cal, localDayOf(cal, clockStartMs), run.lastDay);
  const skippedDays: SkippedDay[] = [];
  const swappedWorkdays: CountedSwappedWorkday[] = [];
  for (const p of run.pauses) {
    // Whole days inside a pause did not count.
    for (let day = Math.ceil((Math.max(p.from, clockStartMs) + ix.offsetMs) / DAY_MS); (day + 1) * DAY_MS - ix.offsetMs <= Math.min(p.to, run.dueMs); day += 1) {
      skippedDays.push({ date: isoOfDayNumber(day), reason: 'paused' });
    }
  }
  for (let day = run.unrolledLastDay; day < run.lastDay; day += 1) {
    const skip = ix.skipEntry[day - ix.firstDay];
    if (skip) skippedDays.push(skip);
  }
  skippedDays.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const lastSwap = ix.swapEntry[run.lastDay - ix.firstDay];
  if (lastSwap && run.lastDay !== run.unrolledLastDay) swappedWorkdays.push(lastSwap);
  const pauseEffects = run.pauses
    .filter((p) => p.to > clockStartMs && p.from < run.dueMs)
    .map((p) => ({ from: new Date(p.from), to: new Date(p.to), lostMillis: Math.min(p.to, run.dueMs) - Math.max(p.from, clockStartMs) }));
  return {
    dueAt: new Date(run.dueMs), clockStartsAt: new Date(clockStartMs), lastDay: isoOfDayNumber(run.lastDay), skippedDays, swappedWorkdays,
    pauses: pauseEffects, rolledForwardFrom: run.lastDay === run.unrolledLastDay ? null : isoOfDayNumber(run.unrolledLastDay),
  };
};

/** Groups consecutive skipped days with the same reason, e.g. National Day 10-01..10-08, for display. */
export const groupSkippedDays = (days: readonly SkippedDay[]): readonly { readonly from: IsoDate; readonly to: IsoDate; readonly reason: SkipReason }[] => {
  const groups: { from: IsoDate; to: IsoDate; reason: SkipReason; lastDay: number }[] = [];
  for (const d of days) {
    const n = dayNumberOfIso(d.date);
    const last = groups[groups.length - 1];
    if (last && last.reason === d.reason && last.lastDay === n - 1) {
      last.to = d.date;
      last.lastDay = n;
    } else groups.push({ from: d.date, to: d.date, reason: d.reason, lastDay: n });
  }
  return groups.map(({ from, to, reason }) => ({ from, to, reason }));
};
