// Periodic reports (PDF, Excel) made by a background job, and the case-list export (docs/reports.md).
// The shared client's request helper is private to it; this module calls fetch the same way (same origin,
// cookie session, language on every call) and answers errors as the same ApiError.
import { apiRequest, buildUrl } from './client';
import type { CaseListQuery, Lang } from './types';

export const REPORT_KINDS = ['monthly', 'quarterly', 'yearly', 'custom'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export type ReportFormat = 'pdf' | 'xlsx';
export type ReportStatus = 'queued' | 'running' | 'done' | 'failed' | 'expired';

export interface Report {
  id: string;
  kind: ReportKind;
  from: string;
  to: string;
  unit: { id: string; code: string; name: string };
  format: ReportFormat;
  language: Lang;
  status: ReportStatus;
  /** 0–100 */
  progress: number;
  error: { code: string; message: string } | null;
  fileName: string | null;
  fileSize: number | null;
  createdAt: string;
  finishedAt: string | null;
  expiresAt: string | null;
  downloadUrl: string | null;
}

export interface ReportRequest {
  kind: ReportKind;
  from: string;
  to?: string;
  unitId?: string;
  format: ReportFormat;
  lang: Lang;
}

async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  return apiRequest<T>(method, path, { body, signal });
}

export const requestReport = (body: ReportRequest): Promise<Report> => call<Report>('POST', '/reports', body);
export const listReports = (signal?: AbortSignal): Promise<{ items: Report[] }> => call('GET', '/reports', undefined, signal);
export const getReport = (id: string, signal?: AbortSignal): Promise<Report> => call('GET', `/reports/${encodeURIComponent(id)}`, undefined, signal);

/** Whether a report may still change: the panel polls while any does. */
export const isPending = (r: Report): boolean => r.status === 'queued' || r.status === 'running';

/**
 * The export of the case list with the list's filters and sort (paging dropped): a plain link, the browser downloads
 * it. Names and phone numbers are masked, as in the list; `withPersonalData` asks for them in full (permission
 * case.export_personal_data and a recent sign-in).
 */
export function caseExportUrl(query: CaseListQuery, format: 'csv' | 'xlsx', withPersonalData = false): string {
  const { page: _page, pageSize: _pageSize, ...filters } = query;
  void _page;
  void _pageSize;
  return buildUrl(withPersonalData ? '/cases/export/with-personal-data' : '/cases/export', { ...filters, format });
}
