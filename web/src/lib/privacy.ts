// Pure helpers of the personal data requests page: checks of what the operator typed, the summary of the
// results, the export file and the last-4 confirmation of an erasure. No React, so they are tested in node.
import { ApiError } from '../api/client';
import type { HeldCase, PersonData, PersonKey, PersonQuery } from '../api/privacy';
import type { MessageKey } from '../i18n';

/** The server's own rules (privacy.routes.ts), checked here first so that the message is in the reader's words. */
const PHONE_PATTERN = /^\+?[0-9][0-9\- ]{4,19}$/;
const ID_NUMBER_MIN = 6;
const ID_NUMBER_MAX = 20;

/** Statuses in which a case is finished (server: privacy.repository.ts); the others still need the person's details. */
export const FINISHED_STATUSES = ['closed', 'rejected', 'merged'] as const;

export function isFinishedStatus(status: string): boolean {
  return (FINISHED_STATUSES as readonly string[]).includes(status);
}

/**
 * What the operator typed, as the server wants it: trimmed, and full-width digits and letters (a Chinese input
 * method's "１３８…") turned into plain ones, since the number is then the same number.
 */
export function normaliseTyped(raw: string): string {
  return raw
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .trim();
}

/** The message for a value the server would refuse, or null when it may be sent. */
export function checkPersonValue(key: PersonKey, raw: string): MessageKey | null {
  const value = normaliseTyped(raw);
  if (key === 'phone') {
    if (value === '') return 'privacy.problem.phoneRequired';
    return PHONE_PATTERN.test(value) ? null : 'privacy.problem.phoneFormat';
  }
  if (value === '') return 'privacy.problem.idNumberRequired';
  return value.length >= ID_NUMBER_MIN && value.length <= ID_NUMBER_MAX ? null : 'privacy.problem.idNumberLength';
}

/**
 * The last four characters of a phone or ID number, without spaces and dashes and in capitals (an ID number
 * may end in X): what the operator types to confirm an erasure.
 */
export function lastFour(value: string): string {
  return normaliseTyped(value).replace(/[\s-]/g, '').toUpperCase().slice(-4);
}

/** Whether the typed confirmation is the last four of the number searched for. */
export function isLastFourMatch(value: string, typed: string): boolean {
  const expected = lastFour(value);
  return expected.length === 4 && lastFour(typed) === expected && normaliseTyped(typed).replace(/[\s-]/g, '').length === 4;
}

export interface PersonSummary {
  total: number;
  /** Cases still being handled: they block an erasure. */
  open: number;
  openTrackingNos: string[];
}

export function summarise(cases: readonly HeldCase[]): PersonSummary {
  const open = cases.filter((c) => !isFinishedStatus(c.status));
  return {
    total: cases.length,
    open: open.length,
    openTrackingNos: open.map((c) => c.trackingNo),
  };
}

/** Cases an erasure would still change: finished and not yet anonymised. */
export function erasableCount(cases: readonly HeldCase[]): number {
  return cases.filter((c) => isFinishedStatus(c.status) && !c.isAnonymised).length;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `personal-data-8888-2026-11-22.json`: the date is the office's own (local) day of the export. */
export function exportFileName(value: string, at: Date): string {
  const tail = lastFour(value).replace(/[^0-9A-Z]/g, '') || 'person';
  return `personal-data-${tail}-${at.getFullYear()}-${pad2(at.getMonth() + 1)}-${pad2(at.getDate())}.json`;
}

/** What the export file holds: the server's answer untouched, with the question asked and when. */
export interface PersonExport {
  exportedAt: string;
  query: PersonQuery;
  response: PersonData;
}

export function buildExport(query: PersonQuery, response: PersonData, at: Date): PersonExport {
  return { exportedAt: at.toISOString(), query, response };
}

/** A code without a message of its own, made readable: `callback_request` → `callback request`. */
export function readableCode(code: string): string {
  return code.replace(/[_.-]+/g, ' ').trim();
}

/**
 * The field message for a 400 `validation.failed` of a search or erasure (paths such as `querystring.phone`,
 * `body.idNumber`): the server's issue text is for developers, so the reader gets the rule of the field instead.
 * Null when the refusal is not about the number typed.
 */
export function fieldProblemOf(err: unknown, key: PersonKey): MessageKey | null {
  if (!(err instanceof ApiError) || err.code !== 'validation.failed') return null;
  const fields = err.issues.map((issue) => issue.path.split('.').pop() ?? '');
  if (fields.includes('phone') || fields.includes('idNumber')) {
    return key === 'phone' ? 'privacy.problem.phoneFormat' : 'privacy.problem.idNumberLength';
  }
  return null;
}

/** The tracking numbers a 409 `privacy.cases_open` names: the cases that block the erasure. */
export function openTrackingNosOf(err: ApiError): string[] {
  const raw = err.details['trackingNos'];
  return Array.isArray(raw) ? raw.filter((n): n is string => typeof n === 'string') : [];
}
