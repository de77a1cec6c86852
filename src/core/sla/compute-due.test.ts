import { describe, expect, it } from 'vitest';
import { fromLocal, groupSkippedDays } from '../calendar/calendar.js';
import { HOLIDAY_NAMES, type HolidayCode } from '../calendar/holiday-names.js';
import { nationalWorkCalendar } from '../calendar/national-holidays.js';
import { tibetRegionCalendar } from '../calendar/tibet-calendar.js';
import { computeDue, computeDueAt, computeExtendedDue, slaState, type DueExplanation } from './compute-due.js';
import { defineSlaPolicy, PETITION_POLICY, PETITION_RE_REVIEW_POLICY, PETITION_REVIEW_POLICY, type SlaPolicy } from './sla-policy.js';

const cn = nationalWorkCalendar();
const tibet = tibetRegionCalendar();
const at = (date: string, time: string): Date => fromLocal(cn, date, time);
const name = { 'zh-Hans': '测试', bo: 'ཚོད་ལྟ།', en: 'Test' };

const hotline = defineSlaPolicy({
  id: 'hotline', name, mode: 'working_days', targets: { accept: 1, reply: 5, callback: 2 }, warnAtShare: 0.8, maxExtension: 5,
});
const urgent = defineSlaPolicy({
  id: 'urgent', name, mode: 'working_hours', targets: { accept: 0.5, firstContact: 2, reply: 16 }, warnAtShare: 0.8,
});

describe('computeDue', () => {
  it('explains a deadline across National Day 2025 as data', () => {
    // Tue 2025-09-30 10:00 + 3 working days: 10-01..10-08 off, 10-09 (1), 10-10 (2), Sat 10-11 swapped (3).
    const { dueAt, explanation } = computeDue({ ...hotline, targets: { reply: 3 } }, cn, at('2025-09-30', '10:00'), 'reply');
    expect(dueAt.getTime()).toBe(at('2025-10-11', '17:30').getTime());
    expect(explanation).toEqual({
      policyId: 'hotline', calendarId: 'cn-national', mode: 'working_days', target: 'reply', amount: 3, unit: 'days',
      extends: null, utcOffsetMinutes: 480,
      start: '2025-09-30T02:00:00.000Z', startLocal: { date: '2025-09-30', time: '10:00' },
      clockStartsAt: '2025-09-30T16:00:00.000Z',
      dueAt: '2025-10-11T09:30:00.000Z', dueLocal: { date: '2025-10-11', time: '17:30' },
      skippedDays: [
        { date: '2025-10-01', reason: 'national_day' }, { date: '2025-10-02', reason: 'national_day' },
        { date: '2025-10-03', reason: 'national_day' }, { date: '2025-10-04', reason: 'national_day' },
        { date: '2025-10-05', reason: 'national_day' }, { date: '2025-10-06', reason: 'mid_autumn' },
        { date: '2025-10-07', reason: 'national_day' }, { date: '2025-10-08', reason: 'national_day' },
      ],
      swappedWorkdays: [{ date: '2025-10-11', bridges: 'national_day' }],
      pauses: [],
      rolledForwardFrom: null,
      provisional: false,
    } satisfies DueExplanation);
  });

  it('is enough to say why, in each language', () => {
    // A toy renderer: what the UI does with the explanation, with no other input than the holiday names.
    const render = (e: DueExplanation, lang: 'zh-Hans' | 'en'): string => {
      const label = (reason: string): string => (reason in HOLIDAY_NAMES ? HOLIDAY_NAMES[reason as HolidayCode][lang] : reason);
      const skipped = groupSkippedDays(e.skippedDays).map((g) => `${label(g.reason)} ${g.from.slice(5)}..${g.to.slice(5)}`);
      const swapped = e.swappedWorkdays.map((s) => s.date.slice(5));
      return lang === 'en'
        ? `due ${e.dueLocal.date} ${e.dueLocal.time}; skipped: ${skipped.join(', ')}; swapped working days: ${swapped.join(', ')}`
        : `${e.dueLocal.date} ${e.dueLocal.time} 到期；跳过：${skipped.join('、')}；调休上班：${swapped.join('、')}`;
    };
    const { explanation } = computeDue({ ...hotline, targets: { reply: 3 } }, cn, at('2025-09-30', '10:00'), 'reply');
    expect(render(explanation, 'en')).toBe(
      'due 2025-10-11 17:30; skipped: National Day 10-01..10-05, Mid-Autumn Festival 10-06..10-06, National Day 10-07..10-08; swapped working days: 10-11',
    );
    expect(render(explanation, 'zh-Hans')).toBe('2025-10-11 17:30 到期；跳过：国庆节 10-01..10-05、中秋节 10-06..10-06、国庆节 10-07..10-08；调休上班：10-11');
  });

  it('working hours: accept within half an hour, across lunch', () => {
    // Mon 2026-03-02 11:50 + 0.5 h: 11:50–12:00 (10 min), 13:30 + 20 min = 13:50.
    const { dueAt, explanation } = computeDue(urgent, cn, at('2026-03-02', '11:50'), 'accept');
    expect(dueAt.getTime()).toBe(at('2026-03-02', '13:50').getTime());
    expect(explanation).toMatchObject({ unit: 'hours', amount: 0.5, clockStartsAt: at('2026-03-02', '11:50').toISOString(), skippedDays: [] });
  });

  it('working hours: 16 h from Friday afternoon over a weekend', () => {
    // Fri 2026-03-06 15:00 + 16 h: 2.5 h Fri, weekend, Mon 7 h (9.5), Tue 09:00 + 6.5 h = 17:00.
    const { dueAt, explanation } = computeDue(urgent, cn, at('2026-03-06', '15:00'), 'reply');
    expect(dueAt.getTime()).toBe(at('2026-03-10', '17:00').getTime());
    expect(explanation.skippedDays).toEqual([{ date: '2026-03-07', reason: 'weekend' }, { date: '2026-03-08', reason: 'weekend' }]);
  });

  it('records the pauses applied and the working time they stopped', () => {
    // Mon 2026-03-02 10:00 + 5 working days = Mon 03-09 17:30; paused Wed 03-04 13:30 → 17:30 (4 h):
    // due Tue 03-10 09:00 + 4 h = 3 h morning + 13:30 + 1 h = 14:30.
    const pauses = [{ from: at('2026-03-04', '13:30'), to: at('2026-03-04', '17:30') }];
    const { dueAt, explanation } = computeDue(hotline, cn, at('2026-03-02', '10:00'), 'reply', pauses);
    expect(dueAt.getTime()).toBe(at('2026-03-10', '14:30').getTime());
    expect(explanation.pauses).toEqual([{ from: at('2026-03-04', '13:30').toISOString(), to: at('2026-03-04', '17:30').toISOString(), lostMillis: 4 * 3_600_000 }]);
  });

  it('petitions: accept 15, handle 60, extend by at most 30 natural days', () => {
    // Received Mon 2026-03-02. Accept: 03-03..03-17 → due 03-17 24:00.
    const accept = computeDue(PETITION_POLICY, cn, at('2026-03-02', '10:00'), 'accept');
    expect(accept.explanation.dueLocal).toEqual({ date: '2026-03-17', time: '24:00' });
    expect(accept.dueAt.getTime()).toBe(at('2026-03-18', '00:00').getTime());
    // Accepted Mon 03-16 09:30. Handle: 03-17 + 59 = 05-15 (March 15 days, April 30, May 15), a Friday.
    const reply = computeDue(PETITION_POLICY, cn, at('2026-03-16', '09:30'), 'reply');
    expect(reply.explanation.dueLocal).toEqual({ date: '2026-05-15', time: '24:00' });
    // Extended by 30: 05-16 + 29 = 06-14, a Sunday → rolled to Mon 06-15 24:00.
    const extended = computeExtendedDue(PETITION_POLICY, cn, reply.dueAt, 'reply', 30);
    expect(extended.explanation).toMatchObject({
      dueLocal: { date: '2026-06-15', time: '24:00' }, rolledForwardFrom: '2026-06-14', extends: reply.dueAt.toISOString(),
      skippedDays: [{ date: '2026-06-14', reason: 'weekend' }],
    });
    expect(() => computeExtendedDue(PETITION_POLICY, cn, reply.dueAt, 'reply', 31)).toThrow(/at most 30/);
  });

  it('petition handling rolled past the National Day week', () => {
    // Accepted Tue 2026-08-04: 08-05 + 59 = 10-03 (August 27 days, September 30, October 3): off;
    // 10-01..10-07 National Day: rolled to Thu 10-08 24:00.
    const { explanation } = computeDue(PETITION_POLICY, cn, at('2026-08-04', '16:00'), 'reply');
    expect(explanation.dueLocal).toEqual({ date: '2026-10-08', time: '24:00' });
    expect(explanation.rolledForwardFrom).toBe('2026-10-03');
    expect(groupSkippedDays(explanation.skippedDays)).toEqual([{ from: '2026-10-03', to: '2026-10-07', reason: 'national_day' }]);
  });

  it('review and re-review: 30 days each', () => {
    // Review requested Thu 2026-09-10: 09-11 + 29 = 10-10, a swapped working Saturday: stays.
    expect(computeDue(PETITION_REVIEW_POLICY, cn, at('2026-09-10', '11:00'), 'reply').explanation.dueLocal).toEqual({ date: '2026-10-10', time: '24:00' });
    // Re-review requested Mon 2026-11-02: 11-03 + 29 = 12-02, a Wednesday.
    expect(computeDue(PETITION_RE_REVIEW_POLICY, cn, at('2026-11-02', '11:00'), 'reply').explanation.dueLocal).toEqual({ date: '2026-12-02', time: '24:00' });
  });

  it('across Losar on the Tibet calendar', () => {
    // Thu 2025-02-27 + 5 working days: Losar 02-28..03-06; 03-07 (1), 03-10 (2), 03-11 (3), 03-12 (4), 03-13 (5).
    const { explanation } = computeDue(hotline, tibet, at('2025-02-27', '15:00'), 'reply');
    expect(explanation).toMatchObject({ calendarId: 'cn-xizang', dueLocal: { date: '2025-03-13', time: '17:30' } });
    expect(groupSkippedDays(explanation.skippedDays)[0]).toEqual({ from: '2025-02-28', to: '2025-03-06', reason: 'losar' });
  });

  it('flags a due date beyond the holiday data as provisional', () => {
    // Mon 2026-12-28 + 5 working days reaches January 2027, for which there is no notice in the data.
    expect(computeDue(hotline, cn, at('2026-12-28', '10:00'), 'reply').explanation.provisional).toBe(true);
    expect(computeDue(hotline, cn, at('2026-12-01', '10:00'), 'reply').explanation.provisional).toBe(false);
  });

  it('computeDueAt gives the same instant as computeDue', () => {
    const policies: SlaPolicy[] = [hotline, urgent, PETITION_POLICY];
    for (let i = 0; i < 200; i += 1) {
      const start = new Date(at('2024-01-01', '00:00').getTime() + ((i * 7_919_993_311) % (900 * 86_400_000)));
      const policy = policies[i % 3] as SlaPolicy;
      const pauses = i % 4 === 0 ? [{ from: new Date(start.getTime() + 3_600_000), to: new Date(start.getTime() + 30 * 3_600_000) }] : [];
      expect(computeDueAt(policy, tibet, start, 'reply', pauses).getTime()).toBe(computeDue(policy, tibet, start, 'reply', pauses).dueAt.getTime());
    }
  });

  it('refuses a target the policy does not have', () => {
    expect(() => computeDue(PETITION_POLICY, cn, at('2026-03-02', '10:00'), 'callback')).toThrow(/no callback target/);
    expect(() => computeExtendedDue(urgent, cn, at('2026-03-02', '10:00'), 'reply', 1)).toThrow(/no extension/);
  });
});

describe('slaState', () => {
  // Start Mon 09:00, due Mon 19:00 (10 h wall clock); warning from 80 %, i.e. 17:00.
  const start = at('2026-03-02', '09:00');
  const due = at('2026-03-02', '19:00');
  it.each([
    ['09:00', 'ok'],
    ['16:59', 'ok'],
    ['17:00', 'warning'],
    ['18:59', 'warning'],
    ['19:00', 'overdue'],
    ['23:00', 'overdue'],
  ] as const)('at %s it is %s', (time, state) => {
    expect(slaState(due, start, at('2026-03-02', time), 0.8)).toBe(state);
  });
});

describe('defineSlaPolicy', () => {
  it('refuses policies that cannot be computed', () => {
    expect(() => defineSlaPolicy({ id: 'x', name, mode: 'working_days', targets: { reply: 1.5 }, warnAtShare: 0.8 })).toThrow(/whole number/);
    expect(() => defineSlaPolicy({ id: 'x', name, mode: 'working_hours', targets: { reply: 0 }, warnAtShare: 0.8 })).toThrow(RangeError);
    expect(() => defineSlaPolicy({ id: 'x', name, mode: 'natural_days', targets: { reply: 10 }, warnAtShare: 1 })).toThrow(/warnAtShare/);
    expect(defineSlaPolicy({ id: 'x', name, mode: 'working_hours', targets: { reply: 1.5 }, warnAtShare: 0.8 }).targets.reply).toBe(1.5);
  });
});
