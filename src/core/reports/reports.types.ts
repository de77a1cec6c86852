import type { Language } from '../case/case.types.js';
import type { LocalizedText } from '../directory/directory.types.js';

export const REPORT_KINDS = ['monthly', 'quarterly', 'yearly', 'custom'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];
export const REPORT_FORMATS = ['pdf', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const REPORT_STATUSES = ['queued', 'running', 'done', 'failed', 'expired'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];

/** Why a report failed, as stored on the report and shown to its owner in their language. */
export const REPORT_ERROR_CODES = ['report.font_missing', 'report.scope_lost', 'report.render_failed'] as const;
export type ReportErrorCode = (typeof REPORT_ERROR_CODES)[number];

/** A failure of the report itself (not of the database): recorded on the report, never retried. */
export class ReportFailure extends Error {
  readonly code: ReportErrorCode;
  readonly details: Record<string, unknown>;

  constructor(code: ReportErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ReportFailure';
    this.code = code;
    this.details = details;
  }
}

export type ReportRecord = {
  id: string;
  userId: string;
  unitId: string;
  unit: { id: string; code: string; name: LocalizedText };
  kind: ReportKind;
  from: string;
  to: string;
  format: ReportFormat;
  language: Language;
  status: ReportStatus;
  progress: number;
  errorCode: string | null;
  errorMessage: string | null;
  fileName: string | null;
  fileSize: number | null;
  createdAt: Date;
  finishedAt: Date | null;
  expiresAt: Date | null;
};

/** The MIME type of each format. */
export const CONTENT_TYPES: Record<ReportFormat, string> = {
  pdf: 'application/pdf',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** Job kinds: gathering the figures, then rendering the file (two steps, so progress shows in between). */
export const REPORT_GATHER_JOB = 'reports.gather';
export const REPORT_RENDER_JOB = 'reports.render';
export const REPORT_EXPIRE_JOB = 'reports.expire';

/** How long a finished report can be downloaded; `BIHUAN_REPORT_RETENTION_DAYS` overrides it. */
export const DEFAULT_REPORT_RETENTION_DAYS = 30;
