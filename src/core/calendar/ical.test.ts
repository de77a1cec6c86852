import { describe, expect, it } from 'vitest';
import { parseIcal, toIcal } from './ical.js';

describe('iCalendar', () => {
  it('round-trips holidays and swapped working days, with names that need escaping and folding', () => {
    const days = [
      { date: '2026-10-01', isWorkday: false, code: 'national_day', name: '国庆节' },
      { date: '2026-10-10', isWorkday: true, code: 'swapped_workday', name: '调休上班（国庆节）' },
      { date: '2027-02-07', isWorkday: false, code: 'losar', name: 'བོད་ལོ་གསར། Losar; a long name, with commas, that certainly needs folding' },
    ];
    const text = toIcal('xizang', days, new Date('2026-11-22T00:00:00Z'));
    expect(text.split('\r\n').every((line) => Buffer.byteLength(line, 'utf8') <= 75)).toBe(true);
    expect(text).toContain('DTSTART;VALUE=DATE:20261001\r\nDTEND;VALUE=DATE:20261002');
    const parsed = parseIcal(text);
    expect(parsed.errors).toEqual([]);
    expect(parsed.days).toEqual([
      { date: '2026-10-01', isWorkday: false, holidayCode: 'national_day', name: null },
      { date: '2026-10-10', isWorkday: true, holidayCode: null, name: null },
      { date: '2027-02-07', isWorkday: false, holidayCode: 'losar', name: null },
    ]);
  });

  it('imports a plain calendar from elsewhere: multi-day events become one day each, named by SUMMARY', () => {
    const text = [
      'BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20270210', 'DTEND;VALUE=DATE:20270213',
      'SUMMARY:Regional day\\, off', 'END:VEVENT', 'END:VCALENDAR',
    ].join('\n');
    const { days, errors } = parseIcal(text);
    expect(errors).toEqual([]);
    expect(days.map((d) => d.date)).toEqual(['2027-02-10', '2027-02-11', '2027-02-12']);
    expect(days[0]).toMatchObject({ isWorkday: false, holidayCode: null, name: { 'zh-Hans': 'Regional day, off' } });
  });

  it('reports what it cannot read, with the line', () => {
    const { days, errors } = parseIcal('BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nEND:VEVENT\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270105\nDTEND;VALUE=DATE:20270101\nEND:VEVENT\nEND:VCALENDAR');
    expect(days).toEqual([]);
    expect(errors).toEqual([
      { line: 2, message: 'event without a valid DTSTART date' },
      { line: 5, message: 'DTEND is not after DTSTART' },
    ]);
    expect(parseIcal('hello').errors[0]?.message).toContain('not an iCalendar');
  });
});
