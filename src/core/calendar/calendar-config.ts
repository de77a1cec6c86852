import { createWorkCalendar, swappedWorkday, type ClockInterval, type HolidayLabel, type SwappedWorkdayLabel, type WorkCalendar } from './calendar.js';
import { HOLIDAY_NAMES, REGIONAL_HOLIDAY_CODE, type HolidayCode, type LocalizedName } from './holiday-names.js';
import { nationalWorkCalendar } from './national-holidays.js';
import { tibetRegionCalendar } from './tibet-calendar.js';
import type { IsoDate, IsoWeekday } from './iso-date.js';

export type CalendarBase = 'national' | 'tibet';

export const TIBETAN_YEARS = { from: 2000, to: 2060 } as const;

export type CalendarOptions = {
  utcOffsetMinutes?: number;
  weeklyHours?: Partial<Record<IsoWeekday, ClockInterval[]>>;
  losarDays?: number;
  shotonDays?: number;
};

/** An administrator's correction of one day: a holiday added or moved, or a generated one turned back into a workday. */
export type DayOverride = {
  date: IsoDate;
  isWorkday: boolean;
  holidayCode: HolidayCode | null;
  name: Partial<LocalizedName> | null;
};

export type CalendarConfig = { id: string; code: string; base: CalendarBase; options: CalendarOptions; overrides: DayOverride[] };

const labelFor = (o: DayOverride): HolidayLabel => {
  const code = o.holidayCode ?? REGIONAL_HOLIDAY_CODE;
  return { code, name: { ...HOLIDAY_NAMES[code], ...(o.name ?? {}) } };
};

/** Builds the working calendar a unit uses: the generated base plus every administrator override, which wins. */
export const buildCalendar = (config: CalendarConfig): WorkCalendar => {
  const holidays: [IsoDate, HolidayLabel][] = [];
  const swapped: [IsoDate, SwappedWorkdayLabel][] = [];
  for (const o of config.overrides) {
    if (o.isWorkday) swapped.push([o.date, swappedWorkday(null)]);
    else holidays.push([o.date, labelFor(o)]);
  }
  const common = { utcOffsetMinutes: config.options.utcOffsetMinutes, weeklyHours: config.options.weeklyHours };
  if (config.base === 'tibet') {
    return tibetRegionCalendar({
      ...common,
      id: config.code,
      // Tibetan holidays are computed, so they are known decades ahead, unlike the national notices.
      fromYear: TIBETAN_YEARS.from,
      toYear: TIBETAN_YEARS.to,
      losarDays: config.options.losarDays,
      shotonDays: config.options.shotonDays,
      regionalHolidays: holidays,
      regionalSwappedWorkdays: swapped,
    });
  }
  const base = nationalWorkCalendar({ ...common, id: config.code });
  const mergedHolidays = new Map(base.holidays);
  const mergedSwapped = new Map(base.swappedWorkdays);
  for (const [date, label] of holidays) {
    mergedHolidays.set(date, label);
    mergedSwapped.delete(date);
  }
  for (const [date, label] of swapped) {
    mergedHolidays.delete(date);
    mergedSwapped.set(date, label);
  }
  return createWorkCalendar({ ...common, id: config.code, holidays: mergedHolidays, swappedWorkdays: mergedSwapped, coverage: base.coverage });
};
