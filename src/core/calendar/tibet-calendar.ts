/**
 * The working calendar of public bodies in the Tibet Autonomous Region: the national arrangement plus the
 * regional holidays Losar (藏历新年) and Shoton (雪顿节), whose dates come from our Phugpa calendar.
 *
 * Holiday lengths are parameters because the region sets them by notice every year. Defaults:
 * - Losar: 7 consecutive days from Losar. The region's notices have given about a week (3 statutory days
 *   lengthened by swapped days); with 7 we do not count a week most offices are closed as working days.
 * - Shoton: 3 consecutive days from the 30th of month 6 (see `festivalDate` for doubled months), the main
 *   days of the festival in Lhasa.
 * Both are assumptions to be replaced by each year's notice: pass the notice's own holidays and swapped
 * days in `regionalHolidays` / `regionalSwappedWorkdays` (they override the generated ones), or set a
 * length of 0 to leave a festival out.
 *
 * Overlaps: a day that is already a national holiday keeps its national label (Losar 2024 fell inside the
 * Spring Festival week); a national swapped working day inside a regional holiday becomes a holiday,
 * because in the region that day is off.
 */

import { createWorkCalendar, type HolidayLabel, type SwappedWorkdayLabel, type WorkCalendar, type WorkCalendarOptions } from './calendar.js';
import { HOLIDAY_NAMES, type TibetanHolidayCode } from './holiday-names.js';
import { addDaysIso, type IsoDate } from './iso-date.js';
import { nationalHolidayData } from './national-holidays.js';
import { losarDate, shotonDate, type FestivalRule } from './tibetan-calendar.js';

export const DEFAULT_LOSAR_DAYS = 7;
export const DEFAULT_SHOTON_DAYS = 3;

export type TibetRegionCalendarOptions = Omit<WorkCalendarOptions, 'id' | 'holidays' | 'swappedWorkdays' | 'coverage'> & TibetanHolidayLengths & {
  readonly id?: string;
  /** Years whose Losar and Shoton are added; default: the years of the national data. */
  readonly fromYear?: number;
  readonly toYear?: number;
  /** Holidays from the region's notices; they win over everything generated. */
  readonly regionalHolidays?: Iterable<readonly [IsoDate, HolidayLabel]>;
  /** Swapped working days from the region's notices. */
  readonly regionalSwappedWorkdays?: Iterable<readonly [IsoDate, SwappedWorkdayLabel]>;
};

/** The days of a festival of `length` days starting on `first`. */
const festivalDays = (first: IsoDate, length: number): IsoDate[] => Array.from({ length }, (_, i) => addDaysIso(first, i));

const assertLength = (length: number, what: string): void => {
  if (!Number.isInteger(length) || length < 0 || length > 30) throw new RangeError(`${what} must be a whole number of days, 0..30: ${length}`);
};

export type TibetanHolidayLengths = {
  readonly losarDays?: number;
  readonly shotonDays?: number;
  /** Which instance Shoton follows in a doubled month 6 or on a duplicated 30th; see `festivalDate`. */
  readonly shotonRule?: FestivalRule;
};

/** The Losar and Shoton days of each year in [fromYear, toYear], with their codes. */
export const tibetanHolidayDays = (fromYear: number, toYear: number, lengths: TibetanHolidayLengths = {}): ReadonlyMap<IsoDate, TibetanHolidayCode> => {
  const losarDays = lengths.losarDays ?? DEFAULT_LOSAR_DAYS;
  const shotonDays = lengths.shotonDays ?? DEFAULT_SHOTON_DAYS;
  assertLength(losarDays, 'losarDays');
  assertLength(shotonDays, 'shotonDays');
  const days = new Map<IsoDate, TibetanHolidayCode>();
  for (let year = fromYear; year <= toYear; year += 1) {
    for (const date of festivalDays(losarDate(year), losarDays)) days.set(date, 'losar');
    for (const date of festivalDays(shotonDate(year, lengths.shotonRule), shotonDays)) days.set(date, 'shoton');
  }
  return days;
};

export const tibetRegionCalendar = (options: TibetRegionCalendarOptions = {}): WorkCalendar => {
  const national = nationalHolidayData();
  const fromYear = options.fromYear ?? national.firstYear;
  const toYear = options.toYear ?? national.lastYear;
  if (!Number.isInteger(fromYear) || !Number.isInteger(toYear) || toYear < fromYear) throw new RangeError(`bad year range ${fromYear}..${toYear}`);

  const holidays = new Map(national.holidays);
  const swapped = new Map(national.swappedWorkdays);
  for (const [date, code] of tibetanHolidayDays(fromYear, toYear, options)) {
    if (holidays.has(date)) continue;
    holidays.set(date, { code, name: HOLIDAY_NAMES[code] });
    swapped.delete(date);
  }
  for (const [date, label] of options.regionalHolidays ?? []) {
    holidays.set(date, label);
    swapped.delete(date);
  }
  for (const [date, label] of options.regionalSwappedWorkdays ?? []) {
    holidays.delete(date);
    swapped.set(date, label);
  }

  // Known only where both the national notices and the Tibetan years we generated are.
  const first = Math.max(fromYear, national.firstYear);
  const last = Math.min(toYear, national.lastYear);
  const { id, fromYear: _from, toYear: _to, losarDays: _l, shotonDays: _s, shotonRule: _r, regionalHolidays: _h, regionalSwappedWorkdays: _w, ...calendarOptions } = options;
  return createWorkCalendar({
    ...calendarOptions,
    id: id ?? 'cn-xizang',
    holidays,
    swappedWorkdays: swapped,
    coverage: first <= last ? { firstDay: `${first}-01-01`, lastDay: `${last}-12-31` } : null,
  });
};
