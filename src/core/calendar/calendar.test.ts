import { describe, expect, it } from 'vitest';
import {
  addNaturalDays,
  addWorkingDays,
  addWorkingHours,
  createWorkCalendar,
  dayInfo,
  extendNaturalDays,
  fromLocal,
  groupSkippedDays,
  swappedWorkday,
  toLocal,
  traceNaturalDays,
  traceWorkingDays,
  traceWorkingHours,
  workingMillisBetween,
  type Pause,
  type WorkCalendar,
} from './calendar.js';
import { HOLIDAY_NAMES } from './holiday-names.js';
import { DAY_MS, dayNumberOfIso, isoOfDayNumber } from './iso-date.js';
import { nationalWorkCalendar } from './national-holidays.js';

/*
 * Default working hours: 09:00–12:00 and 13:30–17:30, Monday to Friday, 7 working hours a day.
 * Times are Beijing time (UTC+8) unless a test says otherwise.
 */
const cn = nationalWorkCalendar();
const at = (date: string, time: string, cal: WorkCalendar = cn): Date => fromLocal(cal, date, time);
const local = (d: Date, cal: WorkCalendar = cn): string => {
  const l = toLocal(cal, d);
  return `${l.date} ${l.time}`;
};
const HOUR = 3_600_000;
const pause = (fromDate: string, fromTime: string, toDate: string, toTime: string): Pause => ({ from: at(fromDate, fromTime), to: at(toDate, toTime) });

describe('working hours', () => {
  it('start at 17:29: one minute today, the rest from 09:00 tomorrow', () => {
    // Mon 2026-03-02 17:29 + 1 h: 17:29–17:30 (1 min), Tue 09:00 + 59 min = 09:59.
    expect(local(addWorkingHours(cn, at('2026-03-02', '17:29'), 1))).toBe('2026-03-03 09:59');
  });

  it('start in the lunch break: the clock starts at 13:30', () => {
    // Mon 12:15 + 1 h: nothing until 13:30, then 1 h = 14:30.
    expect(local(addWorkingHours(cn, at('2026-03-02', '12:15'), 1))).toBe('2026-03-02 14:30');
    // + 4 h: 13:30–17:30 is exactly 4 h, due at 17:30 the same day, not at 09:00 the next.
    expect(local(addWorkingHours(cn, at('2026-03-02', '12:15'), 4))).toBe('2026-03-02 17:30');
  });

  it('a target reached at close of business is due then', () => {
    // 09:00 + 7 h = one full day = 17:30 the same day.
    expect(local(addWorkingHours(cn, at('2026-03-02', '09:00'), 7))).toBe('2026-03-02 17:30');
    // 09:00 + 3 h = 12:00 (end of the morning), not 13:30.
    expect(local(addWorkingHours(cn, at('2026-03-02', '09:00'), 3))).toBe('2026-03-02 12:00');
  });

  it('start on a holiday: the clock starts on the next working day', () => {
    // Thu 2026-10-01 (National Day 10-01..10-07) 10:00 + 4 h: first working moment Thu 10-08 09:00;
    // 09:00–12:00 is 3 h, then 13:30 + 1 h = 14:30.
    const trace = traceWorkingHours(cn, at('2026-10-01', '10:00'), 4);
    expect(local(trace.dueAt)).toBe('2026-10-08 14:30');
    expect(groupSkippedDays(trace.skippedDays)).toEqual([{ from: '2026-10-01', to: '2026-10-07', reason: 'national_day' }]);
  });

  it('start after close: the start day is skipped as outside working hours', () => {
    // Mon 17:45 + 0.5 h = Tue 09:30.
    const trace = traceWorkingHours(cn, at('2026-03-02', '17:45'), 0.5);
    expect(local(trace.dueAt)).toBe('2026-03-03 09:30');
    expect(trace.skippedDays).toEqual([{ date: '2026-03-02', reason: 'outside_working_hours' }]);
  });

  it('across a weekend and a year boundary', () => {
    // Wed 2025-12-31 16:00 + 10 h: 1.5 h on 12-31 (16:00–17:30); 2026-01-01..03 New Year holiday;
    // Sun 01-04 is a swapped working day: 7 h (total 8.5); Mon 01-05 09:00 + 1.5 h = 10:30.
    const trace = traceWorkingHours(cn, at('2025-12-31', '16:00'), 10);
    expect(local(trace.dueAt)).toBe('2026-01-05 10:30');
    expect(trace.skippedDays.map((d) => `${d.date}:${d.reason}`)).toEqual(['2026-01-01:new_year', '2026-01-02:new_year', '2026-01-03:new_year']);
    expect(trace.swappedWorkdays).toEqual([{ date: '2026-01-04', bridges: 'new_year' }]);
  });

  it('zero hours is the start itself', () => {
    expect(addWorkingHours(cn, at('2026-03-07', '10:00'), 0).getTime()).toBe(at('2026-03-07', '10:00').getTime());
  });
});

describe('working days: close of business of the N-th working day after the start day', () => {
  it('across the National Day week (2025, with a swapped Saturday)', () => {
    // Tue 2025-09-30 10:00 + 3 working days. 10-01..10-08 off (10-06 is the Mid-Autumn Festival);
    // Thu 10-09 is day 1, Fri 10-10 day 2, Sat 10-11 (swapped working day) day 3: due 10-11 17:30.
    const trace = traceWorkingDays(cn, at('2025-09-30', '10:00'), 3);
    expect(local(trace.dueAt)).toBe('2025-10-11 17:30');
    expect(groupSkippedDays(trace.skippedDays)).toEqual([
      { from: '2025-10-01', to: '2025-10-05', reason: 'national_day' },
      { from: '2025-10-06', to: '2025-10-06', reason: 'mid_autumn' },
      { from: '2025-10-07', to: '2025-10-08', reason: 'national_day' },
    ]);
    expect(trace.swappedWorkdays).toEqual([{ date: '2025-10-11', bridges: 'national_day' }]);
    expect(toLocal(cn, trace.clockStartsAt)).toEqual({ date: '2025-10-01', time: '00:00' });
  });

  it('across the National Day week (2024)', () => {
    // Mon 2024-09-30 15:00 + 5: 10-01..10-07 off; Tue 10-08 (1), 10-09 (2), 10-10 (3), Fri 10-11 (4),
    // Sat 10-12 swapped (5): due 2024-10-12 17:30.
    expect(local(addWorkingDays(cn, at('2024-09-30', '15:00'), 5))).toBe('2024-10-12 17:30');
  });

  it('across a swapped Saturday', () => {
    // Fri 2025-02-07 16:00 + 1: Sat 02-08 is a swapped working day (Spring Festival): due 02-08 17:30.
    expect(local(addWorkingDays(cn, at('2025-02-07', '16:00'), 1))).toBe('2025-02-08 17:30');
    // Fri 2026-03-06 16:00 + 1: an ordinary Saturday and Sunday are skipped: Mon 03-09 17:30.
    const trace = traceWorkingDays(cn, at('2026-03-06', '16:00'), 1);
    expect(local(trace.dueAt)).toBe('2026-03-09 17:30');
    expect(trace.skippedDays).toEqual([{ date: '2026-03-07', reason: 'weekend' }, { date: '2026-03-08', reason: 'weekend' }]);
  });

  it('across a year boundary', () => {
    // Wed 2025-12-31 11:00 + 2: 2026-01-01..03 New Year; Sun 01-04 swapped (1); Mon 01-05 (2): 17:30.
    expect(local(addWorkingDays(cn, at('2025-12-31', '11:00'), 2))).toBe('2026-01-05 17:30');
  });

  it('the start day never counts, whatever the hour', () => {
    // Mon 2026-03-02 at 08:00, 10:00 and 23:00 + 1 working day: all Tue 03-03 17:30.
    for (const time of ['08:00', '10:00', '23:00']) expect(local(addWorkingDays(cn, at('2026-03-02', time), 1))).toBe('2026-03-03 17:30');
    // Started on Saturday 03-07: Monday 03-09 is the first working day after it.
    expect(local(addWorkingDays(cn, at('2026-03-07', '10:00'), 1))).toBe('2026-03-09 17:30');
  });
});

describe('pauses', () => {
  it('a whole paused working day moves a working-days target by one day', () => {
    // Mon 2026-03-02 10:00 + 5 working days = Mon 03-09 17:30. Paused all of Wed 03-04: 7 h lost,
    // one more working day: Tue 03-10 17:30.
    const trace = traceWorkingDays(cn, at('2026-03-02', '10:00'), 5, [pause('2026-03-04', '00:00', '2026-03-05', '00:00')]);
    expect(local(trace.dueAt)).toBe('2026-03-10 17:30');
    expect(trace.skippedDays).toEqual([
      { date: '2026-03-04', reason: 'paused' }, { date: '2026-03-07', reason: 'weekend' }, { date: '2026-03-08', reason: 'weekend' },
    ]);
    expect(trace.pauses.map((p) => p.lostMillis)).toEqual([7 * HOUR]);
  });

  it('a partial pause moves it by the working time it stopped', () => {
    // Paused Tue 03-03 15:00 → Thu 03-05 10:00: Tue 2.5 h + Wed 7 h + Thu 1 h = 10.5 h lost.
    // Mon 03-09 17:30 + 10.5 h: Tue 03-10 whole day (7 h), Wed 03-11 09:00–12:00 (3 h), 13:30 + 0.5 h = 14:00.
    const trace = traceWorkingDays(cn, at('2026-03-02', '10:00'), 5, [pause('2026-03-03', '15:00', '2026-03-05', '10:00')]);
    expect(local(trace.dueAt)).toBe('2026-03-11 14:00');
    expect(trace.pauses.map((p) => p.lostMillis)).toEqual([10.5 * HOUR]);
  });

  it('a pause on the start day, before the clock starts, changes nothing in working-days mode', () => {
    expect(local(addWorkingDays(cn, at('2026-03-02', '10:00'), 5, [pause('2026-03-02', '11:00', '2026-03-02', '16:00')]))).toBe('2026-03-09 17:30');
  });

  it('working hours: overlapping pauses are merged and the clock waits', () => {
    // Mon 09:00 + 2 h with pauses 09:30–10:00 and 09:45–11:00 (merged 09:30–11:00):
    // 09:00–09:30 (0.5 h), then 11:00–12:00 (1 h), then 13:30 + 0.5 h = 14:00.
    const pauses = [pause('2026-03-02', '09:30', '2026-03-02', '10:00'), pause('2026-03-02', '09:45', '2026-03-02', '11:00')];
    const trace = traceWorkingHours(cn, at('2026-03-02', '09:00'), 2, pauses);
    expect(local(trace.dueAt)).toBe('2026-03-02 14:00');
    expect(trace.pauses).toEqual([{ from: at('2026-03-02', '09:30'), to: at('2026-03-02', '11:00'), lostMillis: 1.5 * HOUR }]);
  });

  it('a pause over the night costs nothing; one that starts after the due instant is ignored', () => {
    // Mon 17:00 + 1 h = Tue 09:30; pause Mon 18:00 → Tue 08:00 is outside working hours.
    const trace = traceWorkingHours(cn, at('2026-03-02', '17:00'), 1, [pause('2026-03-02', '18:00', '2026-03-03', '08:00'), pause('2026-03-04', '09:00', '2026-03-04', '10:00')]);
    expect(local(trace.dueAt)).toBe('2026-03-03 09:30');
    expect(trace.pauses.map((p) => p.lostMillis)).toEqual([0]);
  });

  it('start inside a pause', () => {
    // Paused until Mon 14:00; + 1 h from Mon 10:00 = 15:00.
    expect(local(addWorkingHours(cn, at('2026-03-02', '10:00'), 1, [pause('2026-03-02', '08:00', '2026-03-02', '14:00')]))).toBe('2026-03-02 15:00');
  });

  it('refuses a pause that ends before it starts', () => {
    expect(() => addWorkingHours(cn, at('2026-03-02', '10:00'), 1, [pause('2026-03-02', '12:00', '2026-03-02', '11:00')])).toThrow(RangeError);
  });
});

describe('natural days', () => {
  it('petition acceptance: 15 days, start day not counted, ends at 24:00', () => {
    // Received Mon 2026-03-02 10:00: days 03-03..03-17; 03-17 is a Tuesday: due 03-17 24:00 = 03-18 00:00.
    const due = addNaturalDays(cn, at('2026-03-02', '10:00'), 15);
    expect(due.getTime()).toBe(at('2026-03-18', '00:00').getTime());
  });

  it('petition handling: 60 days, rolled past the Labour Day holiday', () => {
    // 03-03 + 59 = 05-01 (March 29 days, April 30, May 1). 05-01..05-05 are off: due 05-06 24:00.
    const trace = traceNaturalDays(cn, at('2026-03-02', '10:00'), 60);
    expect(trace.dueAt.getTime()).toBe(at('2026-05-07', '00:00').getTime());
    expect(trace.lastDay).toBe('2026-05-06');
    expect(trace.rolledForwardFrom).toBe('2026-05-01');
    expect(groupSkippedDays(trace.skippedDays)).toEqual([{ from: '2026-05-01', to: '2026-05-05', reason: 'labour_day' }]);
    // Without rolling forward the period ends with 05-01.
    expect(addNaturalDays(cn, at('2026-03-02', '10:00'), 60, { rollForwardToWorkday: false }).getTime()).toBe(at('2026-05-02', '00:00').getTime());
  });

  it('extension: +30 days from the end of the period', () => {
    // Period ended 05-06 24:00; 05-07 + 29 = 06-05 (May 25 days, June 5), a Friday: due 06-05 24:00.
    const due = extendNaturalDays(cn, at('2026-05-07', '00:00'), 30);
    expect(due.getTime()).toBe(at('2026-06-06', '00:00').getTime());
  });

  it('a last day on a swapped Saturday is a working day and stays', () => {
    // Review, 30 days from Thu 2026-09-10: 09-11 + 29 = 10-10, a swapped working day: due 10-10 24:00.
    const trace = traceNaturalDays(cn, at('2026-09-10', '09:00'), 30);
    expect(trace.lastDay).toBe('2026-10-10');
    expect(trace.rolledForwardFrom).toBeNull();
  });

  it('pauses add the time they cover, rounded up to whole days', () => {
    // 15 days from 2026-03-02 end 03-18 00:00. A 2-day pause (03-05 12:00 → 03-07 12:00) ends them 03-20
    // 00:00 (last day 03-19, a Thursday); a 12-hour pause ends them at 03-18 12:00, rounded up to 03-18 24:00.
    const twoDays = traceNaturalDays(cn, at('2026-03-02', '10:00'), 15, { pauses: [pause('2026-03-05', '12:00', '2026-03-07', '12:00')] });
    expect(twoDays.lastDay).toBe('2026-03-19');
    expect(twoDays.skippedDays).toEqual([{ date: '2026-03-06', reason: 'paused' }]);
    expect(twoDays.pauses.map((p) => p.lostMillis)).toEqual([2 * DAY_MS]);
    const halfDay = addNaturalDays(cn, at('2026-03-02', '10:00'), 15, { pauses: [pause('2026-03-05', '12:00', '2026-03-06', '00:00')] });
    expect(halfDay.getTime()).toBe(at('2026-03-19', '00:00').getTime());
  });
});

describe('working milliseconds between two instants', () => {
  it('counts only working time', () => {
    // Mon 08:00 → Tue 08:00: all of Monday's 7 h.
    expect(workingMillisBetween(cn, at('2026-03-02', '08:00'), at('2026-03-03', '08:00'))).toBe(7 * HOUR);
    // Tue 2025-09-30 12:00 → Thu 10-09 10:00: 4 h on 09-30 afternoon, nothing 10-01..10-08, 1 h on 10-09.
    expect(workingMillisBetween(cn, at('2025-09-30', '12:00'), at('2025-10-09', '10:00'))).toBe(5 * HOUR);
    expect(workingMillisBetween(cn, at('2025-10-09', '10:00'), at('2025-09-30', '12:00'))).toBe(-5 * HOUR);
  });
});

describe('fixed UTC offsets and configured hours', () => {
  it('works in any fixed offset', () => {
    // Kathmandu, UTC+05:45, 10:00–17:00 every weekday. Mon 16:30 local + 1 h = Tue 10:30 local.
    const ktm = createWorkCalendar({ id: 'npt', utcOffsetMinutes: 345, weeklyHours: { 1: [['10:00', '17:00']], 2: [['10:00', '17:00']] } });
    const start = fromLocal(ktm, '2026-03-02', '16:30');
    expect(start.toISOString()).toBe('2026-03-02T10:45:00.000Z');
    expect(addWorkingHours(ktm, start, 1).toISOString()).toBe('2026-03-03T04:45:00.000Z');
    // UTC−05:00: local midnight is 05:00 UTC, so a Monday 23:00 local start is Tuesday in UTC but Monday here.
    const est = createWorkCalendar({ id: 'est', utcOffsetMinutes: -300 });
    expect(local(addWorkingDays(est, fromLocal(est, '2026-03-02', '23:00'), 1), est)).toBe('2026-03-03 17:30');
  });

  it('takes working hours per weekday and for swapped days, and a holiday list', () => {
    // Saturday mornings 09:00–12:00; swapped days 08:30–12:00 and 14:00–18:00.
    const cal = createWorkCalendar({
      id: 'custom',
      weeklyHours: { 1: [['09:00', '17:00']], 6: [['09:00', '12:00']] },
      swappedWorkdayHours: [['08:30', '12:00'], ['14:00', '18:00']],
      holidays: [['2026-03-09', { code: 'losar', name: HOLIDAY_NAMES.losar }]],
      swappedWorkdays: [['2026-03-08', swappedWorkday('losar')]],
    });
    expect(dayInfo(cal, '2026-03-03').isWorkday).toBe(false); // Tuesday: no hours configured
    // Sat 2026-03-07 11:00 + 4 h: 1 h Saturday, Sun 03-08 swapped 08:30–11:30 (3 h): 11:30.
    expect(local(addWorkingHours(cal, fromLocal(cal, '2026-03-07', '11:00'), 4), cal)).toBe('2026-03-08 11:30');
    // + 12 h: 1 h Sat, 7.5 h Sun (3.5 + 4), Mon 03-09 holiday, Tue–Fri none, Sat 03-14 09:00 + 3 h = 12:00, then Mon 03-16 +0.5 h.
    const trace = traceWorkingHours(cal, fromLocal(cal, '2026-03-07', '11:00'), 12);
    expect(local(trace.dueAt, cal)).toBe('2026-03-16 09:30');
    expect(groupSkippedDays(trace.skippedDays)).toEqual([
      { from: '2026-03-09', to: '2026-03-09', reason: 'losar' },
      { from: '2026-03-10', to: '2026-03-13', reason: 'outside_working_hours' },
      { from: '2026-03-15', to: '2026-03-15', reason: 'weekend' },
    ]);
  });

  it('refuses calendars it cannot use', () => {
    expect(() => createWorkCalendar({ id: 'x', weeklyHours: {} })).toThrow(RangeError);
    expect(() => createWorkCalendar({ id: 'x', weeklyHours: { 1: [['13:00', '12:00']] } })).toThrow(RangeError);
    expect(() => createWorkCalendar({ id: 'x', weeklyHours: { 1: [['09:00', '12:00'], ['11:00', '14:00']] } })).toThrow(RangeError);
    expect(() => createWorkCalendar({ id: 'x', utcOffsetMinutes: 900 })).toThrow(RangeError);
    expect(() => createWorkCalendar({ id: 'x', holidays: [['2026-02-30', { code: 'losar', name: HOLIDAY_NAMES.losar }]] })).toThrow(RangeError);
  });
});

describe('far dates', () => {
  it('answers outside the prebuilt window (weekends only there)', () => {
    // 2101-01-03 is a Monday. + 7 working days = Wed 01-12 close (Tue 4, ... Fri 7, Mon 10, Tue 11, Wed 12).
    expect(local(addWorkingDays(cn, at('2101-01-03', '10:00'), 7))).toBe('2101-01-12 17:30');
    expect(local(addWorkingHours(cn, at('1985-03-04', '09:00'), 14))).toBe('1985-03-05 17:30');
  });
});

/*
 * The index-based arithmetic against a brute-force walker that steps minute by minute through the days.
 */
const naiveAddWorkingHours = (cal: WorkCalendar, start: Date, hours: number, pauses: readonly Pause[]): Date => {
  let remaining = Math.round(hours * 60);
  let t = start.getTime();
  if (remaining === 0) return start;
  const offset = cal.utcOffsetMinutes * 60_000;
  for (;;) {
    const localMs = t + offset;
    const day = Math.floor(localMs / DAY_MS);
    const minute = Math.floor((localMs - day * DAY_MS) / 60_000);
    const info = dayInfo(cal, isoOfDayNumber(day));
    const hoursOfDay = info.holiday?.code === 'swapped_workday' ? cal.swappedWorkdayHours : info.isWorkday ? cal.weeklyHours[info.weekday] : [];
    const working = hoursOfDay.some((i) => minute >= i.startMinute && minute < i.endMinute);
    const paused = pauses.some((p) => t >= p.from.getTime() && t < p.to.getTime());
    t += 60_000;
    if (working && !paused && --remaining === 0) return new Date(t);
  }
};

const naiveAddWorkingDays = (cal: WorkCalendar, start: Date, days: number): string => {
  let day = Math.floor((start.getTime() + cal.utcOffsetMinutes * 60_000) / DAY_MS);
  let left = days;
  while (left > 0) {
    day += 1;
    if (dayInfo(cal, isoOfDayNumber(day)).isWorkday) left -= 1;
  }
  return isoOfDayNumber(day);
};

describe('agrees with a brute-force walker', () => {
  // A fixed-seed generator keeps the test repeatable.
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const from = dayNumberOfIso('2024-01-01');
  const randomStart = (): Date => new Date((from + Math.floor(random() * 1000)) * DAY_MS + Math.floor(random() * 1440) * 60_000 - 8 * HOUR);

  it('for working hours, with and without pauses', () => {
    for (let i = 0; i < 150; i += 1) {
      const start = randomStart();
      const hours = Math.floor(random() * 60) / 4; // 0..14.75 h in quarter hours
      const pauses: Pause[] = random() < 0.5 ? [] : [0, 1].map(() => {
        const a = start.getTime() + Math.floor(random() * 72 * 60) * 60_000;
        return { from: new Date(a), to: new Date(a + Math.floor(random() * 20 * 60) * 60_000) };
      });
      expect(addWorkingHours(cn, start, hours, pauses).toISOString()).toBe(naiveAddWorkingHours(cn, start, hours, pauses).toISOString());
    }
  });

  it('for working days', () => {
    for (let i = 0; i < 300; i += 1) {
      const start = randomStart();
      const days = 1 + Math.floor(random() * 20);
      const due = addWorkingDays(cn, start, days);
      expect(toLocal(cn, due)).toEqual({ date: naiveAddWorkingDays(cn, start, days), time: '17:30' });
    }
  });
});
