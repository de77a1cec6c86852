// The review of a period's replies with the reply quality check (GET /replies/quality; `case.supervise`).
import { apiRequest } from './client';

export interface ReplyQualityQuery {
  from: string;
  to: string;
  unitId?: string;
  code?: string;
  page: number;
  pageSize: number;
}

export interface ReplyQualityReview {
  checked: number;
  flagged: number;
  isCapped: boolean;
  byCode: { code: string; message: string; count: number }[];
  byUnit: { unit: { id: string; name: string } | null; checked: number; flagged: number }[];
  items: {
    /** The reply's own id: a case reopened and answered again has one per answer. */
    replyId: string;
    caseId: string;
    trackingNo: string;
    title: string;
    kind: string;
    channel: string;
    outcome: string | null;
    repliedAt: string;
    unit: { id: string; name: string } | null;
    isSuperseded: boolean;
    findings: { code: string; severity: 'warning' | 'notice' }[];
  }[];
  total: number;
  page: number;
  pageSize: number;
}

export function getReplyQuality(q: ReplyQualityQuery, signal?: AbortSignal): Promise<ReplyQualityReview> {
  return apiRequest<ReplyQualityReview>('GET', '/replies/quality', {
    query: { from: q.from, to: q.to, unitId: q.unitId || undefined, code: q.code || undefined, page: q.page, pageSize: q.pageSize },
    signal,
  });
}
