import { describe, expect, it } from 'vitest';
import { buildActionRequest, initialValues } from './actions';
import { describeEvent } from './events';

const ctx = (lang: 'zh-Hans' | 'bo' | 'en') => ({ lang, unitName: () => undefined });

describe('reopen and hold actions', () => {
  it('a declined reopen request needs a reason for the requester', () => {
    const values = { ...initialValues('decide-reopen'), isApproved: 'false' };
    expect(buildActionRequest('decide-reopen', values)).toEqual({ ok: false, errors: { note: 'form.required' } });
    expect(buildActionRequest('decide-reopen', { ...values, note: ' 已执行到位 ' })).toEqual({
      ok: true,
      request: { action: 'decide-reopen', body: { isApproved: false, note: '已执行到位' } },
    });
    expect(buildActionRequest('decide-reopen', { ...values, isApproved: 'true' })).toEqual({
      ok: true,
      request: { action: 'decide-reopen', body: { isApproved: true } },
    });
  });

  it('a hold says what the requester must add; resume takes an optional note', () => {
    expect(buildActionRequest('hold', initialValues('hold'))).toEqual({ ok: false, errors: { reason: 'form.required' } });
    expect(buildActionRequest('hold', { reason: '请补充合同' })).toEqual({
      ok: true,
      request: { action: 'hold', body: { reason: '请补充合同' } },
    });
    expect(buildActionRequest('resume', initialValues('resume'))).toEqual({ ok: true, request: { action: 'resume', body: {} } });
  });
});

describe('timeline lines of the reopen policy and holds', () => {
  it('say where a request came from, and when it went to supervision', () => {
    const requested = { code: 'case.reopen_requested', data: { source: 'callback', isEscalated: false, maxRounds: 2, reason: '钱没到手' } };
    expect(describeEvent(requested, ctx('zh-Hans')).title).toBe('申请重办（回访时提出）');
    expect(describeEvent(requested, ctx('en')).title).toBe('Reopening requested (at callback)');
    expect(describeEvent(requested, ctx('zh-Hans')).details).toEqual([{ label: expect.any(String), text: '钱没到手' }]);
    const escalated = { code: 'case.reopen_requested', data: { source: 'requester', isEscalated: true, maxRounds: 2 } };
    expect(describeEvent(escalated, ctx('bo')).title).toContain('ལྟ་སྐུལ');
    expect(describeEvent(escalated, ctx('en')).title).toContain('2 rounds');
  });

  it('a decision shows its own note, not the request again', () => {
    const declined = { code: 'case.reopen_decided', data: { isApproved: false, note: '已执行到位', reason: '钱没到手' } };
    const line = describeEvent(declined, ctx('zh-Hans'));
    expect(line.title).toBe('不同意重办');
    expect(line.details.map((d) => d.text)).toEqual(['已执行到位']);
  });

  it('a hold says whether the clock stopped; a resume gives the new due date', () => {
    expect(describeEvent({ code: 'case.put_on_hold', data: { isClockPaused: true, reason: '补充合同' } }, ctx('en')).title).toBe(
      'Waiting for the requester to add information; clock paused',
    );
    const resumed = describeEvent({ code: 'case.resumed', data: { source: 'requester', replyDueAt: '2026-12-11T09:30:00.000Z' } }, ctx('zh-Hans'));
    expect(resumed.title).toMatch(/^群众补充材料后恢复办理，答复期限：2026-12-11/);
    expect(describeEvent({ code: 'case.resumed', data: {} }, ctx('bo')).title).toBe('ལས་དོན་མུ་མཐུད།');
  });
});
