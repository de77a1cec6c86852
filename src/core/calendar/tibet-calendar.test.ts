import { describe, expect, it } from 'vitest';
import { addWorkingDays, dayInfo, fromLocal, groupSkippedDays, swappedWorkday, toLocal, traceWorkingDays, type WorkCalendar } from './calendar.js';
import { HOLIDAY_NAMES } from './holiday-names.js';
import { nationalWorkCalendar } from './national-holidays.js';
import { DEFAULT_LOSAR_DAYS, DEFAULT_SHOTON_DAYS, tibetRegionCalendar } from './tibet-calendar.js';

const tibet = tibetRegionCalendar();
const cn = nationalWorkCalendar();
const at = (date: string, time: string): Date => fromLocal(tibet, date, time);
const local = (d: Date, cal: WorkCalendar = tibet): string => `${toLocal(cal, d).date} ${toLocal(cal, d).time}`;
const codes = (cal: WorkCalendar, dates: string[]): (string | null)[] => dates.map((d) => dayInfo(cal, d).holiday?.code ?? null);

describe('Tibet regional calendar', () => {
  it('defaults: Losar 7 days, Shoton 3 days, national data years', () => {
    expect([DEFAULT_LOSAR_DAYS, DEFAULT_SHOTON_DAYS]).toEqual([7, 3]);
    expect(tibet.id).toBe('cn-xizang');
    expect(tibet.coverage).toEqual({ firstDay: '2020-01-01', lastDay: cn.coverage?.lastDay });
    // Losar 2025 is Fri 02-28: 02-28..03-06 off, weekend days inside the span included.
    expect(codes(tibet, ['2025-02-27', '2025-02-28', '2025-03-01', '2025-03-06', '2025-03-07'])).toEqual([null, 'losar', 'losar', 'losar', null]);
    // Shoton 2025 is Sat 08-23: 08-23..08-25 off.
    expect(codes(tibet, ['2025-08-22', '2025-08-23', '2025-08-25', '2025-08-26'])).toEqual([null, 'shoton', 'shoton', null]);
    expect(dayInfo(tibet, '2025-03-03')).toMatchObject({ isWorkday: false, holiday: { code: 'losar', name: { 'zh-Hans': '藏历新年', bo: 'བོད་ལོ་གསར།' } } });
  });

  it('a deadline across Losar', () => {
    // Thu 2025-02-27 10:00 + 3 working days. Tibet: 02-28..03-06 Losar, 03-07 Fri (1), weekend, 03-10 Mon (2),
    // 03-11 Tue (3): due 03-11 17:30. Nationally: 02-28 (1), 03-03 (2), 03-04 (3): 03-04 17:30.
    const trace = traceWorkingDays(tibet, at('2025-02-27', '10:00'), 3);
    expect(local(trace.dueAt)).toBe('2025-03-11 17:30');
    expect(groupSkippedDays(trace.skippedDays)).toEqual([
      { from: '2025-02-28', to: '2025-03-06', reason: 'losar' },
      { from: '2025-03-08', to: '2025-03-09', reason: 'weekend' },
    ]);
    expect(local(addWorkingDays(cn, at('2025-02-27', '10:00'), 3), cn)).toBe('2025-03-04 17:30');
  });

  it('Losar next to the Spring Festival keeps the national label where they overlap (2026)', () => {
    // Spring Festival 02-15..02-23, Losar 02-18..02-24: only 02-24 is labelled Losar.
    expect(codes(tibet, ['2026-02-14', '2026-02-18', '2026-02-23', '2026-02-24', '2026-02-25'])).toEqual(['swapped_workday', 'spring_festival', 'spring_festival', 'losar', null]);
    // Fri 02-13 10:00 + 2 working days: Sat 02-14 swapped (1), 02-15..02-24 off, Wed 02-25 (2): 17:30.
    const trace = traceWorkingDays(tibet, at('2026-02-13', '10:00'), 2);
    expect(local(trace.dueAt)).toBe('2026-02-25 17:30');
    expect(trace.swappedWorkdays).toEqual([{ date: '2026-02-14', bridges: 'spring_festival' }]);
    expect(groupSkippedDays(trace.skippedDays)).toEqual([
      { from: '2026-02-15', to: '2026-02-23', reason: 'spring_festival' },
      { from: '2026-02-24', to: '2026-02-24', reason: 'losar' },
    ]);
    // Nationally 02-24 is a working day: 02-14 (1), 02-24 (2).
    expect(local(addWorkingDays(cn, at('2026-02-13', '10:00'), 2), cn)).toBe('2026-02-24 17:30');
  });

  it('takes the holiday lengths as parameters', () => {
    const short = tibetRegionCalendar({ losarDays: 3, shotonDays: 1 });
    expect(codes(short, ['2025-02-28', '2025-03-02', '2025-03-03', '2025-08-23', '2025-08-24'])).toEqual(['losar', 'losar', null, 'shoton', null]);
    const none = tibetRegionCalendar({ losarDays: 0, shotonDays: 0 });
    expect(dayInfo(none, '2025-03-03').isWorkday).toBe(true);
    expect(() => tibetRegionCalendar({ losarDays: -1 })).toThrow(RangeError);
  });

  it('a regional holiday over a national swapped working day makes it a day off', () => {
    // Losar 2024 is 02-10; 9 days reach Sun 02-18, a national swapped working day for the Spring Festival.
    const long = tibetRegionCalendar({ losarDays: 9 });
    expect(dayInfo(long, '2024-02-18')).toMatchObject({ isWorkday: false, holiday: { code: 'losar' } });
    expect(dayInfo(tibet, '2024-02-18')).toMatchObject({ isWorkday: true, holiday: { code: 'swapped_workday' } });
  });

  it("applies the region's own notice over the generated days", () => {
    // Suppose a notice makes Sat 2025-03-08 a swapped working day for Losar and 03-07 a holiday.
    const noticed = tibetRegionCalendar({
      regionalHolidays: [['2025-03-07', { code: 'losar', name: HOLIDAY_NAMES.losar }]],
      regionalSwappedWorkdays: [['2025-03-08', swappedWorkday('losar')]],
    });
    expect(codes(noticed, ['2025-03-07', '2025-03-08'])).toEqual(['losar', 'swapped_workday']);
    // Thu 02-27 + 1 working day: 02-28..03-07 off, Sat 03-08 worked: due 03-08 17:30.
    expect(local(addWorkingDays(noticed, at('2025-02-27', '10:00'), 1))).toBe('2025-03-08 17:30');
  });

  it('Shoton 2024 follows the first instance of the doubled month 6 unless told otherwise', () => {
    expect(codes(tibet, ['2024-08-04', '2024-09-02'])).toEqual(['shoton', null]);
    const regular = tibetRegionCalendar({ shotonRule: { doubledMonth: 'second' } });
    expect(codes(regular, ['2024-08-04', '2024-09-02'])).toEqual([null, 'shoton']);
  });
});
