// In-app notices for signed-in staff (issue 7; docs/notifications.md). The server renders `text` in the
// language sent with the call, so a language switch needs a new fetch, never a client-side translation.
import { apiRequest } from './client';

export type StaffNotice = {
  id: string;
  code: string;
  caseId: string | null;
  trackingNo: string | null;
  text: string;
  data: Record<string, unknown>;
  at: string;
  readAt: string | null;
};

export type StaffNoticePage = {
  items: StaffNotice[];
  total: number;
  unread: number;
  page: number;
  pageSize: number;
};

export function listNotices(
  q: { isUnreadOnly?: boolean; page?: number; pageSize?: number } = {},
  signal?: AbortSignal,
): Promise<StaffNoticePage> {
  return apiRequest<StaffNoticePage>('GET', '/notifications', {
    query: { unread: q.isUnreadOnly ? 'true' : undefined, page: q.page, pageSize: q.pageSize },
    signal,
  });
}

export function markNoticeRead(id: string): Promise<{ updated: number }> {
  return apiRequest<{ updated: number }>('POST', `/notifications/${encodeURIComponent(id)}/read`);
}

export function markAllNoticesRead(): Promise<{ updated: number }> {
  return apiRequest<{ updated: number }>('POST', '/notifications/read-all');
}
