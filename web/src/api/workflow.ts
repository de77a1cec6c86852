// The requester's side of the reopen policy and of the hold (docs/notifications.md, docs/time-limits.md): ask to
// reopen, add information. Same fetch conventions as the shared client (same origin, language on every call,
// errors as ApiError); public routes, so a 401 never signs anyone out.
import { ApiError, buildUrl, getApiLanguage } from './client';
import type { PublicCase } from './types';

async function post<T>(path: string, body: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(buildUrl(path), {
      method: 'POST',
      headers: { Accept: 'application/json', 'Accept-Language': getApiLanguage(), 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch (err) {
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

/** "Not solved": the requester asks to reopen; staff decide under the reopen policy. */
export function requestPublicReopen(trackingNo: string, body: { accessCode: string; reason: string }): Promise<PublicCase> {
  return post<PublicCase>(`/public/cases/${encodeURIComponent(trackingNo)}/reopen-request`, body);
}

/** The requester adds what was asked for; a case waiting for it resumes. */
export function addPublicInformation(trackingNo: string, body: { accessCode: string; text: string }): Promise<PublicCase> {
  return post<PublicCase>(`/public/cases/${encodeURIComponent(trackingNo)}/information`, body);
}
