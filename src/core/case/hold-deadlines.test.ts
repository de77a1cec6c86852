import { describe, expect, it } from 'vitest';
import { holdDeadlines, holdTimerJobs, holdTimerPayloadSchema } from './hold-deadlines.js';

describe('hold deadlines', () => {
  const heldAt = new Date('2026-11-23T02:00:00.000Z');

  it('counts calendar days from the hold', () => {
    expect(holdDeadlines(heldAt, { holdReminderDays: 3, holdLimitDays: 15 })).toEqual({
      remindAt: new Date('2026-11-26T02:00:00.000Z'),
      endsAt: new Date('2026-12-08T02:00:00.000Z'),
    });
  });

  it('has no reminder on or after the end, and nothing where the policy sets nothing', () => {
    expect(holdDeadlines(heldAt, { holdReminderDays: 15, holdLimitDays: 15 }).remindAt).toBeNull();
    expect(holdDeadlines(heldAt, { holdReminderDays: 3, holdLimitDays: null })).toEqual({ remindAt: new Date('2026-11-26T02:00:00.000Z'), endsAt: null });
    expect(holdDeadlines(heldAt, { holdReminderDays: null, holdLimitDays: null })).toEqual({ remindAt: null, endsAt: null });
  });

  it('schedules one job per deadline, keyed by the hold, with a valid payload', () => {
    const jobs = holdTimerJobs('7f1f6c1e-8d0a-4c52-9c55-2f0b6f0e4a11', heldAt, holdDeadlines(heldAt, { holdReminderDays: 3, holdLimitDays: 15 }));
    expect(jobs.map((j) => [j.payload.timer, j.runAt.toISOString(), j.dedupeKey])).toEqual([
      ['reminder', '2026-11-26T02:00:00.000Z', 'hold:7f1f6c1e-8d0a-4c52-9c55-2f0b6f0e4a11:reminder:2026-11-23T02:00:00.000Z'],
      ['expiry', '2026-12-08T02:00:00.000Z', 'hold:7f1f6c1e-8d0a-4c52-9c55-2f0b6f0e4a11:expiry:2026-11-23T02:00:00.000Z'],
    ]);
    for (const j of jobs) expect(holdTimerPayloadSchema.parse(j.payload)).toEqual(j.payload);
    expect(holdTimerJobs('x', heldAt, { remindAt: null, endsAt: null })).toEqual([]);
  });
});
