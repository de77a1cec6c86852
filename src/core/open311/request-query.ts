import { field, listField, type Params } from './form-params.js';
import { GeoReportError, type GeoReportIssue } from './georeport-error.js';
import type { OpenClosed } from './open311.types.js';
import { parseW3 } from './w3-datetime.js';

const DAY_MS = 86_400_000;
/** The standard's limit on a search span, and its default window. */
export const MAX_SPAN_DAYS = 90;
/** The standard's default and our ceiling on how many requests one answer holds. */
export const MAX_PAGE_SIZE = 1000;
const MAX_IDS = 1000;

export type Window = { start: Date; end: Date };
export type Paging = { page: number; pageSize: number };

export type RequestQuery =
  | { kind: 'ids'; ids: string[] }
  | { kind: 'search'; window: Window; serviceCodes: string[]; statuses: OpenClosed[]; paging: Paging };

const dateIssue = (name: string): GeoReportIssue => ({
  reason: 'date_invalid',
  description: `${name} must be a W3C date-time with a zone, e.g. 2026-11-22T00:00:00+08:00 (or a date, 2026-11-22)`,
});

/**
 * start_date and end_date: both optional, at most 90 days apart; one alone opens a 90-day window from it;
 * neither means the most recent 90 days.
 */
export const parseWindow = (params: Params, now: Date, issues: GeoReportIssue[]): Window => {
  const rawStart = field(params, 'start_date');
  const rawEnd = field(params, 'end_date');
  const start = rawStart === undefined ? undefined : parseW3(rawStart);
  const end = rawEnd === undefined ? undefined : parseW3(rawEnd);
  if (start === null) issues.push(dateIssue('start_date'));
  if (end === null) issues.push(dateIssue('end_date'));
  const span = MAX_SPAN_DAYS * DAY_MS;
  if (start && end) {
    if (end.getTime() < start.getTime()) issues.push({ reason: 'date_invalid', description: 'end_date must not be before start_date' });
    else if (end.getTime() - start.getTime() > span) {
      issues.push({ reason: 'date_span_too_long', description: `start_date and end_date may not span more than ${MAX_SPAN_DAYS} days` });
    }
    return { start, end };
  }
  if (start) return { start, end: new Date(start.getTime() + span) };
  if (end) return { start: new Date(end.getTime() - span), end };
  return { start: new Date(now.getTime() - span), end: now };
};

const positiveInt = (raw: string | undefined, fallback: number): number | null => {
  if (raw === undefined) return fallback;
  return /^[0-9]{1,9}$/.test(raw) && Number(raw) >= 1 ? Number(raw) : null;
};

/** `page` (from 1) and `page_size` (1–1000, default 1000): the paging extension most GeoReport servers share. */
export const parsePaging = (params: Params, issues: GeoReportIssue[]): Paging => {
  const page = positiveInt(field(params, 'page'), 1);
  const pageSize = positiveInt(field(params, 'page_size'), MAX_PAGE_SIZE);
  if (page === null) issues.push({ reason: 'paging_invalid', description: 'page must be a whole number from 1' });
  if (pageSize === null || pageSize > MAX_PAGE_SIZE) {
    issues.push({ reason: 'paging_invalid', description: `page_size must be a whole number from 1 to ${MAX_PAGE_SIZE}` });
  }
  return { page: page ?? 1, pageSize: Math.min(pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE) };
};

export const parseRequestQuery = (params: Params, now: Date): RequestQuery => {
  const ids = [...new Set(listField(params, 'service_request_id'))];
  // "This overrides all other arguments": with ids, nothing else is even looked at.
  if (ids.length > 0) {
    if (ids.length > MAX_IDS) throw GeoReportError.one(400, 'field_invalid', `at most ${MAX_IDS} service_request_id values at once`);
    return { kind: 'ids', ids };
  }
  const issues: GeoReportIssue[] = [];
  const window = parseWindow(params, now, issues);
  const statuses = [...new Set(listField(params, 'status'))];
  for (const s of statuses) {
    if (s !== 'open' && s !== 'closed') {
      issues.push({ reason: 'status_invalid', description: 'status must be open, closed, or both (comma delimited)' });
      break;
    }
  }
  const paging = parsePaging(params, issues);
  if (issues.length > 0) throw new GeoReportError(400, issues);
  return { kind: 'search', window, serviceCodes: [...new Set(listField(params, 'service_code'))], statuses: statuses as OpenClosed[], paging };
};

export const parseUpdatesQuery = (params: Params, now: Date): { window: Window; paging: Paging } => {
  const issues: GeoReportIssue[] = [];
  const window = parseWindow(params, now, issues);
  const paging = parsePaging(params, issues);
  if (issues.length > 0) throw new GeoReportError(400, issues);
  return { window, paging };
};
