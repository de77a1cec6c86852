import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import type { HeldCase } from '../api/privacy';
import {
  buildExport,
  checkPersonValue,
  erasableCount,
  exportFileName,
  fieldProblemOf,
  isFinishedStatus,
  isLastFourMatch,
  lastFour,
  normaliseTyped,
  openTrackingNosOf,
  readableCode,
  summarise,
} from './privacy';

const held = (trackingNo: string, status: string, isAnonymised = false): HeldCase => ({
  caseId: `00000000-0000-4000-8000-00000000000${trackingNo.slice(-1)}`,
  trackingNo,
  status,
  title: '欠薪',
  description: '老板欠我工资。',
  reply: null,
  createdAt: '2026-11-01T02:00:00.000Z',
  closedAt: null,
  isAnonymised,
  publicationConsent: 'not_asked',
  requester: { name: '格桑', phone: '13677778888', idNumber: null, email: null },
  address: null,
  location: null,
  language: 'zh-Hans',
  callbackAnswer: null,
  messagePreferences: { isSmsOptedOut: false, isEmailOptedOut: false },
  files: [],
  messages: [],
});

describe('what the operator types', () => {
  it('turns full-width digits and letters of a Chinese input method into plain ones, and trims', () => {
    expect(normaliseTyped('  １３６７７７７８８８８ ')).toBe('13677778888');
    expect(normaliseTyped('54010219580101123Ｘ')).toBe('54010219580101123X');
  });

  it('asks for a phone number the server accepts', () => {
    expect(checkPersonValue('phone', '')).toBe('privacy.problem.phoneRequired');
    expect(checkPersonValue('phone', '   ')).toBe('privacy.problem.phoneRequired');
    expect(checkPersonValue('phone', '13677778888')).toBeNull();
    expect(checkPersonValue('phone', '+86 136-7777-8888')).toBeNull();
    expect(checkPersonValue('phone', '１３６７７７７８８８８')).toBeNull();
    expect(checkPersonValue('phone', '1234')).toBe('privacy.problem.phoneFormat');
    expect(checkPersonValue('phone', '136x7777')).toBe('privacy.problem.phoneFormat');
  });

  it('asks for an ID number of 6 to 20 characters', () => {
    expect(checkPersonValue('idNumber', '')).toBe('privacy.problem.idNumberRequired');
    expect(checkPersonValue('idNumber', '12345')).toBe('privacy.problem.idNumberLength');
    expect(checkPersonValue('idNumber', '123456')).toBeNull();
    expect(checkPersonValue('idNumber', '540102195801011234')).toBeNull();
    expect(checkPersonValue('idNumber', '1'.repeat(21))).toBe('privacy.problem.idNumberLength');
  });
});

describe('the last-4 confirmation', () => {
  it('takes the end of the number without spaces and dashes, in capitals', () => {
    expect(lastFour('13677778888')).toBe('8888');
    expect(lastFour('+86 136-7777-8-888')).toBe('8888');
    expect(lastFour('54010219580101123x')).toBe('123X');
  });

  it('accepts exactly the last four, typed in either width', () => {
    expect(isLastFourMatch('13677778888', '8888')).toBe(true);
    expect(isLastFourMatch('13677778888', ' ８８８８ ')).toBe(true);
    expect(isLastFourMatch('54010219580101123X', '123x')).toBe(true);
    expect(isLastFourMatch('13677778888', '7888')).toBe(false);
    expect(isLastFourMatch('13677778888', '78888')).toBe(false);
    expect(isLastFourMatch('13677778888', '')).toBe(false);
  });
});

describe('the results', () => {
  it('counts the cases and those still being handled', () => {
    const cases = [held('A1', 'closed'), held('A2', 'dispatched'), held('A3', 'rejected', true), held('A4', 'merged')];
    expect(summarise(cases)).toEqual({ total: 4, open: 1, openTrackingNos: ['A2'] });
    expect(summarise([])).toEqual({ total: 0, open: 0, openTrackingNos: [] });
    expect(erasableCount(cases)).toBe(2);
  });

  it('treats closed, rejected and merged cases as finished, as the server does', () => {
    expect(['closed', 'rejected', 'merged'].every(isFinishedStatus)).toBe(true);
    expect(['registered', 'dispatched', 'accepted', 'replied', 'callback_done', 'returned'].some(isFinishedStatus)).toBe(false);
  });

  it('makes codes without a message readable', () => {
    expect(readableCode('callback_request')).toBe('callback request');
    expect(readableCode('sms')).toBe('sms');
  });
});

describe('the export file', () => {
  it('is named after the end of the number and the local day of the export', () => {
    const at = new Date(2026, 10, 22, 23, 59);
    expect(exportFileName('13677778888', at)).toBe('personal-data-8888-2026-11-22.json');
    expect(exportFileName('54010219580101123x', new Date(2026, 0, 5))).toBe('personal-data-123X-2026-01-05.json');
  });

  it('holds the server answer untouched, the question and the time of export', () => {
    const response = { cases: [held('A1', 'closed')], isTruncated: false };
    const at = new Date('2026-11-22T08:30:00.000Z');
    const file = buildExport({ phone: '13677778888' }, response, at);
    expect(file).toEqual({ exportedAt: '2026-11-22T08:30:00.000Z', query: { phone: '13677778888' }, response });
    expect(file.response).toBe(response);
  });
});

describe('field messages of a refused search', () => {
  const refused = (path: string) =>
    new ApiError(400, 'validation.failed', 'invalid querystring', undefined, { issues: [{ path, message: 'Invalid string' }] });

  it('puts the rule of the field next to it', () => {
    expect(fieldProblemOf(refused('querystring.phone'), 'phone')).toBe('privacy.problem.phoneFormat');
    expect(fieldProblemOf(refused('body.idNumber'), 'idNumber')).toBe('privacy.problem.idNumberLength');
  });

  it('leaves other refusals to the page', () => {
    expect(fieldProblemOf(refused('querystring'), 'phone')).toBeNull();
    expect(fieldProblemOf(new ApiError(403, 'auth.reauth_required', 'confirm'), 'phone')).toBeNull();
    expect(fieldProblemOf(new Error('boom'), 'phone')).toBeNull();
  });
});

describe('a refused erasure', () => {
  it('names the cases opened again meanwhile', () => {
    const refused = new ApiError(409, 'privacy.cases_open', 'open', 'errors.privacy.cases_open', { trackingNos: ['26112400015', 7, '26112400016'] });
    expect(openTrackingNosOf(refused)).toEqual(['26112400015', '26112400016']);
    expect(openTrackingNosOf(new ApiError(409, 'privacy.cases_open', 'open'))).toEqual([]);
  });
});
