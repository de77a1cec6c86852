// Periodic reports (PDF, Excel) made by a background job, and the case-list export (docs/reports.md).
// The shared client's request helper is private to it; this module calls fetch the same way (same origin,
// cookie session, language on every call) and answers errors as the same ApiError.
import { ApiError, buildUrl, getApiLanguage } from './client';
import type { CaseListQuery, Lang } from './types';

export const REPORT_KINDS = ['monthly', 'yearly', 'custom'] as const;
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
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': getApiLanguage() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(buildUrl(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin', signal });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  if (!res.ok) {
    let parsed: unknown = null;
    try {
      parsed = await res.json();
    } catch {
      parsed = null;
    }
    const e = (parsed as { error?: { code?: unknown; message?: unknown; messageId?: unknown; details?: unknown } } | null)?.error;
    throw new ApiError(
      res.status,
      typeof e?.code === 'string' ? e.code : `http_${res.status}`,
      typeof e?.message === 'string' ? e.message : res.statusText,
      typeof e?.messageId === 'string' ? e.messageId : undefined,
      typeof e?.details === 'object' && e.details !== null ? (e.details as Record<string, unknown>) : undefined,
    );
  }
  return (await res.json()) as T;
}

export const requestReport = (body: ReportRequest): Promise<Report> => call<Report>('POST', '/reports', body);
export const listReports = (signal?: AbortSignal): Promise<{ items: Report[] }> => call('GET', '/reports', undefined, signal);
export const getReport = (id: string, signal?: AbortSignal): Promise<Report> => call('GET', `/reports/${encodeURIComponent(id)}`, undefined, signal);

/** Whether a report may still change: the panel polls while any does. */
export const isPending = (r: Report): boolean => r.status === 'queued' || r.status === 'running';

/** The export of the case list with the list's filters and sort (paging dropped): a plain link, the browser downloads it. */
export function caseExportUrl(query: CaseListQuery, format: 'csv' | 'xlsx'): string {
  const { page: _page, pageSize: _pageSize, ...filters } = query;
  void _page;
  void _pageSize;
  return buildUrl('/cases/export', { ...filters, format });
}
