import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRIPT, renderCallScript, summariseReply, unknownVariablesOf } from './call-scripts.js';
import { renderCallbackSms } from './callback-sms.js';
import { checkFollowUpAnswersOrThrow, FOLLOW_UP_QUESTIONS, followUpDueAt, followUpLink, renderFollowUpMessage } from './follow-up.js';
import { decideAfterAttempt, isClaimedByOther, loadCallbackSettings, parseSmsReplyCode, SMS_CODE_RESULTS } from './callback-rules.js';
import { checkAnswersOrThrow, DEFAULT_QUESTIONNAIRE, questionnaireSchema } from './questionnaire.js';

const at = (local: string) => new Date(`${local}+08:00`);
const settings = { maxUnreachableAttempts: 3, minAttemptDays: 2 };

describe('decideAfterAttempt', () => {
  it('needs N unanswered calls on at least two Lhasa days', () => {
    const day1 = [{ outcome: 'no_answer' as const, at: at('2026-12-04T10:00:00') }, { outcome: 'busy' as const, at: at('2026-12-04T15:00:00') }];
    expect(decideAfterAttempt(day1, settings)).toEqual({ status: 'open', closeReason: null, nextAttemptAfter: at('2026-12-05T00:00:00') });
    const sameDay = [...day1, { outcome: 'no_answer' as const, at: at('2026-12-04T23:30:00') }];
    expect(decideAfterAttempt(sameDay, settings).status).toBe('open');
    // 23:30 Lhasa is 15:30 UTC the same day; 00:30 Lhasa the next day is another day even though UTC says otherwise.
    const nextDay = [...day1, { outcome: 'no_answer' as const, at: at('2026-12-05T00:30:00') }];
    expect(decideAfterAttempt(nextDay, settings)).toEqual({ status: 'unreachable', closeReason: 'max_attempts', nextAttemptAfter: null });
  });

  it('ends at once on a wrong number or a refusal', () => {
    expect(decideAfterAttempt([{ outcome: 'wrong_number', at: at('2026-12-04T10:00:00') }], settings)).toMatchObject({ status: 'unreachable', closeReason: 'wrong_number' });
    expect(decideAfterAttempt([{ outcome: 'refused', at: at('2026-12-04T10:00:00') }], settings)).toMatchObject({ status: 'refused' });
  });

  it('does not wait for a second day while calls remain', () => {
    expect(decideAfterAttempt([{ outcome: 'no_answer', at: at('2026-12-04T10:00:00') }], settings)).toEqual({ status: 'open', closeReason: null, nextAttemptAfter: null });
  });
});

describe('claims', () => {
  it('belong to their holder until the lease ends', () => {
    const now = new Date('2026-12-04T02:00:00Z');
    const task = { claimedBy: 'a', claimExpiresAt: new Date(now.getTime() + 60_000) };
    expect(isClaimedByOther(task, 'b', now)).toBe(true);
    expect(isClaimedByOther(task, 'a', now)).toBe(false);
    expect(isClaimedByOther(task, 'b', new Date(now.getTime() + 60_000))).toBe(false);
  });
});

describe('SMS reply codes', () => {
  it.each([
    ['1', '1'], [' 2 ', '2'], ['３', '3'], ['4 谢谢', '4'], ['4。', '4'],
    ['12', null], ['5', null], ['满意', null], ['', null], ['0', null],
  ])('%j → %j', (text, code) => {
    expect(parseSmsReplyCode(text)).toBe(code);
  });

  it('map to the same answers as the SMS promises', () => {
    expect(SMS_CODE_RESULTS).toEqual({
      '1': { resolved: 'yes', satisfaction: 'satisfied' },
      '2': { resolved: 'yes', satisfaction: 'fairly_satisfied' },
      '3': { resolved: 'partly', satisfaction: 'dissatisfied' },
      '4': { resolved: 'no', satisfaction: 'dissatisfied' },
    });
    for (const language of ['zh-Hans', 'bo', 'en'] as const) {
      const { body } = renderCallbackSms(language, '202611220001');
      expect(body).toContain('202611220001');
      for (const digit of ['1', '2', '3', '4']) expect(body).toContain(digit);
    }
  });
});

describe('settings', () => {
  it('have defaults and refuse nonsense', () => {
    expect(loadCallbackSettings({})).toMatchObject({ maxUnreachableAttempts: 3, minAttemptDays: 2, dueWorkingDays: 3, claimLeaseMinutes: 15, callbackUnitCode: null, smsInboundSecret: null });
    expect(loadCallbackSettings({ BIHUAN_CALLBACK_MAX_ATTEMPTS: '5', BIHUAN_CALLBACK_UNIT: 'callcentre' })).toMatchObject({ maxUnreachableAttempts: 5, callbackUnitCode: 'callcentre' });
    expect(() => loadCallbackSettings({ BIHUAN_CALLBACK_MAX_ATTEMPTS: '0' })).toThrow(RangeError);
    expect(() => loadCallbackSettings({ BIHUAN_CALLBACK_CLAIM_MINUTES: 'ten' })).toThrow(RangeError);
  });
});

describe('call scripts', () => {
  it('fill the facts in every language and never print an empty name', () => {
    for (const language of ['zh-Hans', 'bo', 'en'] as const) {
      expect(unknownVariablesOf(DEFAULT_SCRIPT[language])).toEqual([]);
      const r = renderCallScript(DEFAULT_SCRIPT[language], { trackingNo: '123', title: 'T', replySummary: 'R', unitName: 'U', agentName: 'A' }, language);
      expect(r.missing).toEqual([]);
      expect(r.text).not.toMatch(/\{\w+\}/);
    }
    expect(renderCallScript('{requesterName}您好', {}, 'zh-Hans').text).toBe('群众您好');
    expect(renderCallScript('{unitName}', {}, 'en')).toEqual({ text: '…', missing: ['unitName'] });
    expect(unknownVariablesOf('{title} {password}')).toEqual(['password']);
  });

  it('summarise a long reply to its first sentences', () => {
    const reply = `经核实，您反映的问题属实。${'我局已责令整改并跟踪落实。'.repeat(10)}`;
    const s = summariseReply(reply) ?? '';
    expect(s.length).toBeLessThanOrEqual(120);
    expect(s.endsWith('落实')).toBe(true);
    expect(summariseReply('已修复。')).toBe('已修复');
  });
});

describe('questionnaires', () => {
  it('check answers: required, options, scale range, unknown questions', () => {
    expect(questionnaireSchema.safeParse(DEFAULT_QUESTIONNAIRE).success).toBe(true);
    expect(checkAnswersOrThrow(DEFAULT_QUESTIONNAIRE, { resolved: 'no', satisfaction: 'dissatisfied', attitude: 2 })).toEqual({
      answers: { resolved: 'no', satisfaction: 'dissatisfied', attitude: 2 }, satisfaction: 'dissatisfied', resolved: 'no',
    });
    expect(() => checkAnswersOrThrow(DEFAULT_QUESTIONNAIRE, { resolved: 'no' })).toThrow(/answers.satisfaction/);
    expect(() => checkAnswersOrThrow(DEFAULT_QUESTIONNAIRE, { resolved: 'maybe', satisfaction: 'satisfied' })).toThrow(/options/);
    expect(() => checkAnswersOrThrow(DEFAULT_QUESTIONNAIRE, { resolved: 'yes', satisfaction: 'satisfied', attitude: 6 })).toThrow(/1 to 5/);
    expect(() => checkAnswersOrThrow(DEFAULT_QUESTIONNAIRE, { resolved: 'yes', satisfaction: 'satisfied', age: 70 })).toThrow(/no such question/);
  });

  it('refuse a satisfaction question with other options', () => {
    const bad = [{ ...DEFAULT_QUESTIONNAIRE[1], options: DEFAULT_QUESTIONNAIRE[0]?.options }];
    expect(questionnaireSchema.safeParse(bad).success).toBe(false);
  });
});

describe('the follow-up questionnaire', () => {
  it('is due N weeks after closure, 4 by default, disabled by 0, refused when out of range', () => {
    expect(loadCallbackSettings({}).followUpWeeks).toBe(4);
    expect(loadCallbackSettings({ BIHUAN_FOLLOW_UP_WEEKS: '0' }).followUpWeeks).toBe(0);
    expect(() => loadCallbackSettings({ BIHUAN_FOLLOW_UP_WEEKS: '-1' })).toThrow(RangeError);
    expect(() => loadCallbackSettings({ BIHUAN_FOLLOW_UP_WEEKS: 'four' })).toThrow(/BIHUAN_FOLLOW_UP_WEEKS/);
    const closed = new Date('2026-12-07T02:00:00Z');
    expect(followUpDueAt(closed, 4)?.toISOString()).toBe('2027-01-04T02:00:00.000Z');
    expect(followUpDueAt(closed, 0)).toBeNull();
  });

  it('puts the one-time link in the message, in three languages', () => {
    expect(followUpLink('https://12345.example.gov.cn/#/track', 'abc')).toBe('https://12345.example.gov.cn/#/feedback?t=abc');
    expect(followUpLink(null, 'abc')).toBe('/#/feedback?t=abc');
    for (const language of ['zh-Hans', 'bo', 'en'] as const) {
      const m = renderFollowUpMessage(language, 'LS2026', 'https://x/#/feedback?t=abc');
      expect(m.body).toContain('LS2026');
      expect(m.body).toContain('https://x/#/feedback?t=abc');
      expect(m.body).not.toMatch(/\{[a-zA-Z]+\}/);
      expect(m.params).toEqual({ trackingNo: 'LS2026', link: 'https://x/#/feedback?t=abc' });
    }
    expect(renderFollowUpMessage('bo', 'X', 'L').body).toMatch(/[\u0F00-\u0FFF]/);
  });

  it('accepts yes / partly / no with an optional comment, nothing else', () => {
    expect(checkFollowUpAnswersOrThrow({ resolved: 'partly', comment: ' 还行 ' })).toEqual({ resolved: 'partly', comment: '还行' });
    expect(checkFollowUpAnswersOrThrow({ resolved: 'yes' })).toEqual({ resolved: 'yes', comment: null });
    expect(() => checkFollowUpAnswersOrThrow({})).toThrow();
    expect(() => checkFollowUpAnswersOrThrow({ resolved: 'maybe' })).toThrow();
    expect(() => checkFollowUpAnswersOrThrow({ resolved: 'yes', satisfaction: 'satisfied' })).toThrow();
    expect(FOLLOW_UP_QUESTIONS.map((q) => q.id)).toEqual(['resolved', 'comment']);
  });
});
