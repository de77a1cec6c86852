import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dayInfo } from './calendar.js';
import type { HolidayCode } from './holiday-names.js';
import { dayNumberOfIso, isoOfDayNumber } from './iso-date.js';
import { nationalHolidayData, nationalWorkCalendar } from './national-holidays.js';

const cn = nationalWorkCalendar();

/** Every day of [from, to] as 'YYYY-MM-DD'. */
const daysFrom = (from: string, to: string): string[] => {
  const out: string[] = [];
  for (let d = dayNumberOfIso(from); d <= dayNumberOfIso(to); d += 1) out.push(isoOfDayNumber(d));
  return out;
};
const offDays = (code: HolidayCode, from: string, to: string): [string, HolidayCode][] => daysFrom(from, to).map((d) => [d, code]);

/** The arrangement of one year as our data holds it: holiday days with codes, swapped working days. */
const arrangement = (year: number): { holidays: [string, HolidayCode][]; swapped: string[] } => {
  const data = nationalHolidayData();
  return {
    holidays: [...data.holidays].filter(([d]) => d.startsWith(`${year}-`)).map(([d, h]) => [d, h.code]),
    swapped: [...data.swappedWorkdays.keys()].filter((d) => d.startsWith(`${year}-`)),
  };
};

describe('State Council arrangements, pinned from the notices (and the holiday-cn CSV)', () => {
  it('2024', () => {
    expect(arrangement(2024)).toEqual({
      holidays: [
        ['2024-01-01', 'new_year'],
        ...offDays('spring_festival', '2024-02-10', '2024-02-17'),
        ...offDays('qingming', '2024-04-04', '2024-04-06'),
        ...offDays('labour_day', '2024-05-01', '2024-05-05'),
        ['2024-06-10', 'dragon_boat'],
        ...offDays('mid_autumn', '2024-09-15', '2024-09-17'),
        ...offDays('national_day', '2024-10-01', '2024-10-07'),
      ],
      // 春节 2-04 (Sun), 2-18 (Sun); 清明 4-07 (Sun); 劳动节 4-28 (Sun), 5-11 (Sat); 中秋 9-14 (Sat); 国庆 9-29 (Sun), 10-12 (Sat)
      swapped: ['2024-02-04', '2024-02-18', '2024-04-07', '2024-04-28', '2024-05-11', '2024-09-14', '2024-09-29', '2024-10-12'],
    });
  });

  it('2025', () => {
    expect(arrangement(2025)).toEqual({
      holidays: [
        ['2025-01-01', 'new_year'],
        ...offDays('spring_festival', '2025-01-28', '2025-02-04'),
        ...offDays('qingming', '2025-04-04', '2025-04-06'),
        ...offDays('labour_day', '2025-05-01', '2025-05-05'),
        ...offDays('dragon_boat', '2025-05-31', '2025-06-02'),
        // 国庆节、中秋节 together, 10-01..10-08; the package marks 10-06, the festival itself, as mid_autumn.
        ...offDays('national_day', '2025-10-01', '2025-10-05'),
        ['2025-10-06', 'mid_autumn'],
        ...offDays('national_day', '2025-10-07', '2025-10-08'),
      ],
      // 春节 1-26 (Sun), 2-08 (Sat); 劳动节 4-27 (Sun); 国庆 9-28 (Sun), 10-11 (Sat)
      swapped: ['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11'],
    });
  });

  it('2026', () => {
    expect(arrangement(2026)).toEqual({
      holidays: [
        ...offDays('new_year', '2026-01-01', '2026-01-03'),
        ...offDays('spring_festival', '2026-02-15', '2026-02-23'),
        ...offDays('qingming', '2026-04-04', '2026-04-06'),
        ...offDays('labour_day', '2026-05-01', '2026-05-05'),
        ...offDays('dragon_boat', '2026-06-19', '2026-06-21'),
        ...offDays('mid_autumn', '2026-09-25', '2026-09-27'),
        ...offDays('national_day', '2026-10-01', '2026-10-07'),
      ],
      // 元旦 1-04 (Sun); 春节 2-14 (Sat), 2-28 (Sat); 劳动节 5-09 (Sat); 国庆 9-20 (Sun), 10-10 (Sat)
      swapped: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
    });
  });

  it('reads every year from 2020 that the package has', () => {
    const data = nationalHolidayData();
    expect(data.firstYear).toBe(2020);
    expect(data.lastYear).toBeGreaterThanOrEqual(2026);
    expect(cn.coverage).toEqual({ firstDay: '2020-01-01', lastDay: `${data.lastYear}-12-31` });
  });

  it('labels days for dayInfo', () => {
    expect(dayInfo(cn, '2025-10-11')).toEqual({
      date: '2025-10-11', weekday: 6, isWorkday: true,
      holiday: { code: 'swapped_workday', bridges: 'national_day', name: { 'zh-Hans': '调休上班（国庆节）', bo: 'བརྗེ་སྒྲིག་ལས་ཉིན། (རྒྱལ་སྐྱིད་དུས་ཆེན།)', en: 'Swapped working day (National Day)' } },
    });
    expect(dayInfo(cn, '2025-01-28')).toMatchObject({ isWorkday: false, holiday: { code: 'spring_festival', name: { 'zh-Hans': '春节' } } });
    expect(dayInfo(cn, '2026-03-07')).toEqual({ date: '2026-03-07', weekday: 6, isWorkday: false, holiday: null });
    expect(dayInfo(cn, '2026-03-09')).toEqual({ date: '2026-03-09', weekday: 1, isWorkday: true, holiday: null });
  });
});

/*
 * holiday-cn (../shared/data/cn-holidays), transcribed independently from the same notices. The CSV lives
 * outside the repository, so a fresh clone skips this block; the pinned years above always run.
 */
const CSV = fileURLToPath(new URL('../../../../shared/data/cn-holidays/cn_holiday_adjusted_days_2007_2026.csv', import.meta.url));

const CODE_OF_CSV_NAME: Readonly<Record<string, readonly HolidayCode[]>> = {
  元旦: ['new_year'],
  春节: ['spring_festival'],
  清明节: ['qingming'],
  劳动节: ['labour_day'],
  端午节: ['dragon_boat'],
  中秋节: ['mid_autumn'],
  国庆节: ['national_day'],
  '国庆节、中秋节': ['national_day', 'mid_autumn'],
  '中秋节、国庆节': ['national_day', 'mid_autumn'],
};

describe.skipIf(!existsSync(CSV))('agrees with holiday-cn for 2020–2026', () => {
  const rows = readFileSync(CSV, 'utf8').trim().split('\n').slice(1).map((line) => {
    const [date, noticeYear, name, isOffDay, isoWeekday] = line.split(',');
    return { date: date ?? '', noticeYear: Number(noticeYear), name: name ?? '', isOffDay: isOffDay === 'true', isoWeekday: Number(isoWeekday) };
  }).filter((r) => r.date >= '2020-01-01' && r.date <= '2026-12-31');

  it('has the rows we expect', () => {
    expect(rows.length).toBeGreaterThan(200);
  });

  it('every CSV day is the same kind of day with a matching holiday', () => {
    const wrong: string[] = [];
    for (const row of rows) {
      const info = dayInfo(cn, row.date);
      const codes = CODE_OF_CSV_NAME[row.name];
      if (!codes) {
        wrong.push(`${row.date}: unknown CSV name ${row.name}`);
        continue;
      }
      if (row.isOffDay) {
        if (info.isWorkday || !info.holiday || !codes.includes(info.holiday.code as HolidayCode)) wrong.push(`${row.date} ${row.name}: got ${JSON.stringify(info)}`);
      } else if (row.isoWeekday <= 5) {
        // A weekday "working day": 2020-02-03, when work resumed after the State Council extended the 2020
        // Spring Festival to 02-02 (COVID-19). It is an ordinary working day, not a swapped weekend day.
        if (!info.isWorkday || info.holiday !== null) wrong.push(`${row.date} ${row.name} (weekday work): got ${JSON.stringify(info)}`);
      } else {
        const bridges = info.holiday?.code === 'swapped_workday' ? info.holiday.bridges : null;
        if (!info.isWorkday || !bridges || !codes.includes(bridges)) wrong.push(`${row.date} ${row.name} (work): got ${JSON.stringify(info)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has no holiday or swapped day the CSV lacks', () => {
    const listed = new Set(rows.map((r) => r.date));
    const data = nationalHolidayData();
    const ours = [...data.holidays.keys(), ...data.swappedWorkdays.keys()].filter((d) => d <= '2026-12-31');
    expect(ours.filter((d) => !listed.has(d))).toEqual([]);
    expect(ours.length).toBe(rows.filter((r) => r.isOffDay || r.isoWeekday >= 6).length);
    expect(rows.filter((r) => !r.isOffDay && r.isoWeekday <= 5).map((r) => r.date)).toEqual(['2020-02-03']);
  });

  it('every other day follows the weekly rule', () => {
    const listed = new Set(rows.map((r) => r.date));
    for (const date of daysFrom('2020-01-01', '2026-12-31')) {
      if (listed.has(date)) continue;
      const info = dayInfo(cn, date);
      expect(info.isWorkday).toBe(info.weekday <= 5);
      expect(info.holiday).toBeNull();
    }
  });
});
