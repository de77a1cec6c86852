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

/** A notice about the reader's own account rather than a case: a sign-in from a device new to it. */
export const NEW_DEVICE_NOTICE_CODE = 'auth.new_device_sign_in';

/**
 * Where a notice leads: its case, or for a sign-in from a new device the signed-in devices page, where that
 * device can be signed out. Null when there is nowhere to go (the notice is only marked read).
 */
export function noticeHref(notice: Pick<StaffNotice, 'code' | 'caseId'>): string | null {
  if (notice.caseId) return `#/work/cases/${encodeURIComponent(notice.caseId)}`;
  if (notice.code === NEW_DEVICE_NOTICE_CODE) return '#/account/sessions';
  return null;
}

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
