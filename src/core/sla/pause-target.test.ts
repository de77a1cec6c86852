import { describe, expect, it } from 'vitest';
import { fromLocal } from '../calendar/calendar.js';
import { nationalWorkCalendar } from '../calendar/national-holidays.js';
import { dueForTarget, pauseTarget, policyFromCategory, type CasePolicy } from './case-sla.js';
import { explanationText } from './explain-text.js';

const cn = nationalWorkCalendar();
const at = (date: string, time: string): Date => fromLocal(cn, date, time);
const policy: CasePolicy = policyFromCategory({ code: 'x', name: { 'zh-Hans': '测试' }, acceptHours: 4, replyDays: 5 });

describe('pauseTarget', () => {
  it('gives back the working time the pause took, as computing with the pause from the start does', () => {
    // Mon 2026-03-02 10:00 + 5 working days = Mon 03-09 17:30; paused Wed 03-04 13:30 → 17:30 (4 h): Tue 03-10 14:30.
    const start = at('2026-03-02', '10:00');
    const pause = { from: at('2026-03-04', '13:30'), to: at('2026-03-04', '17:30') };
    const plain = dueForTarget(policy, 'reply', cn, start);
    const withPause = dueForTarget(policy, 'reply', cn, start, [pause]);
    if (!plain || !withPause) throw new Error('no due date');
    const paused = pauseTarget(policy, 'reply', cn, { dueAt: plain.dueAt.toISOString(), explanation: plain.explanation }, pause);
    expect(paused?.dueAt.getTime()).toBe(at('2026-03-10', '14:30').getTime());
    expect(paused?.dueAt.getTime()).toBe(withPause.dueAt.getTime());
    expect(paused?.explanation.pauses).toEqual([{ from: pause.from.toISOString(), to: pause.to.toISOString(), lostMillis: 4 * 3_600_000 }]);
    expect(paused?.explanation.dueLocal).toEqual({ date: '2026-03-10', time: '14:30' });
    expect(explanationText(paused!.explanation, 'en')).toContain('From 2026-03-04 13:30 to 2026-03-04 17:30 the case waited for the requester to add information: the clock was paused (4 working hours added).');
  });

  it('a pause across the National Day week gives back only its working days', () => {
    // Paused Tue 2025-09-30 09:00 → Fri 10-10 09:00: 09-30, 10-09 are working days (14 h); 10-01..10-08 are off.
    const start = at('2025-09-29', '09:00');
    const due = dueForTarget(policy, 'reply', cn, start);
    if (!due) throw new Error('no due date');
    const pause = { from: at('2025-09-30', '09:00'), to: at('2025-10-10', '09:00') };
    const paused = pauseTarget(policy, 'reply', cn, { dueAt: due.dueAt.toISOString(), explanation: due.explanation }, pause);
    expect(paused?.explanation.pauses[0]?.lostMillis).toBe(14 * 3_600_000);
  });

  it('does not move a due date that had passed before the pause began', () => {
    const due = dueForTarget(policy, 'accept', cn, at('2026-03-02', '09:00'));
    if (!due) throw new Error('no due date');
    expect(pauseTarget(policy, 'accept', cn, { dueAt: due.dueAt.toISOString(), explanation: due.explanation }, { from: at('2026-03-03', '09:00'), to: at('2026-03-04', '09:00') })).toBeNull();
  });
});
