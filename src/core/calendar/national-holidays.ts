/**
 * Mainland-China public holidays and swapped working days (调休上班), from the npm package `chinese-days`,
 * which transcribes the State Council's yearly notices (国务院办公厅关于部分节假日安排的通知). A new year's
 * notice usually comes out in November or December: updating the package brings it in, and the test
 * against the holiday-cn data set catches a transcription that disagrees.
 */

import chineseDays from 'chinese-days';
import { createWorkCalendar, swappedWorkday, type HolidayLabel, type SwappedWorkdayLabel, type WorkCalendar, type WorkCalendarOptions } from './calendar.js';
import { HOLIDAY_NAMES, type NationalHolidayCode } from './holiday-names.js';
import { dayNumberOfIso, isoOfDayNumber, isoWeekdayOfDayNumber, type IsoDate } from './iso-date.js';

/** We use the arrangements from 2020 on; earlier years are of no use for open cases. */
export const NATIONAL_DATA_FIRST_YEAR = 2020;

/** `chinese-days` names a day "English,中文,n"; we key on the English name. */
const CODE_OF_ENGLISH_NAME: Readonly<Record<string, NationalHolidayCode>> = {
  "New Year's Day": 'new_year',
  'Spring Festival': 'spring_festival',
  'Tomb-sweeping Day': 'qingming',
  'Labour Day': 'labour_day',
  'Dragon Boat Festival': 'dragon_boat',
  'Mid-autumn Festival': 'mid_autumn',
  'National Day': 'national_day',
};

const codeOf = (date: IsoDate, packageName: string): NationalHolidayCode => {
  const english = packageName.split(',')[0] ?? '';
  const code = CODE_OF_ENGLISH_NAME[english];
  // A holiday we cannot name must stop the build of the calendar, not turn silently into a working day.
  if (!code) throw new Error(`chinese-days labels ${date} "${packageName}", which has no holiday code here`);
  return code;
};

export type NationalHolidayData = {
  /** Years for which the package has the State Council's arrangement. */
  readonly firstYear: number;
  readonly lastYear: number;
  readonly holidays: ReadonlyMap<IsoDate, HolidayLabel>;
  readonly swappedWorkdays: ReadonlyMap<IsoDate, SwappedWorkdayLabel>;
};

const hasArrangement = (year: number): boolean => chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-12-31`, false).length > 0;

let cached: NationalHolidayData | null = null;

/** Every holiday and swapped working day `chinese-days` knows from 2020 on (read once, then shared). */
export const nationalHolidayData = (): NationalHolidayData => {
  if (cached) return cached;
  let lastYear = NATIONAL_DATA_FIRST_YEAR - 1;
  while (hasArrangement(lastYear + 1)) lastYear += 1;
  if (lastYear < NATIONAL_DATA_FIRST_YEAR) throw new Error('chinese-days has no holiday arrangement from 2020 on');
  const holidays = new Map<IsoDate, HolidayLabel>();
  const swappedWorkdays = new Map<IsoDate, SwappedWorkdayLabel>();
  const end = dayNumberOfIso(`${lastYear}-12-31`);
  for (let day = dayNumberOfIso(`${NATIONAL_DATA_FIRST_YEAR}-01-01`); day <= end; day += 1) {
    const date = isoOfDayNumber(day);
    const detail = chineseDays.getDayDetail(date);
    // Ordinary days carry the weekday's name ("Monday"); only arranged days carry "English,中文,n".
    if (!detail.name.includes(',')) continue;
    const weekend = isoWeekdayOfDayNumber(day) >= 6;
    if (!detail.work) {
      const code = codeOf(date, detail.name);
      holidays.set(date, { code, name: HOLIDAY_NAMES[code] });
    } else if (weekend) {
      swappedWorkdays.set(date, swappedWorkday(codeOf(date, detail.name)));
    }
  }
  cached = { firstYear: NATIONAL_DATA_FIRST_YEAR, lastYear, holidays, swappedWorkdays };
  return cached;
};

export type NationalCalendarOptions = Omit<WorkCalendarOptions, 'id' | 'holidays' | 'swappedWorkdays' | 'coverage'> & { readonly id?: string };

/** The national calendar: State Council holidays and swapped days, weekends off, given working hours. */
export const nationalWorkCalendar = (options: NationalCalendarOptions = {}): WorkCalendar => {
  const data = nationalHolidayData();
  return createWorkCalendar({
    ...options,
    id: options.id ?? 'cn-national',
    holidays: data.holidays,
    swappedWorkdays: data.swappedWorkdays,
    coverage: { firstDay: `${data.firstYear}-01-01`, lastDay: `${data.lastYear}-12-31` },
  });
};
