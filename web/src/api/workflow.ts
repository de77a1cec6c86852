// The requester's side of the reopen policy and of the hold (docs/notifications.md, docs/time-limits.md): ask to
// reopen, add information. Same fetch conventions as the shared client (same origin, language on every call,
// errors as ApiError); public routes, so a 401 never signs anyone out.
import { apiRequest } from './client';
import type { PublicCase } from './types';

async function post<T>(path: string, body: unknown): Promise<T> {
  return apiRequest<T>('POST', path, { body });
}

/** "Not solved": the requester asks to reopen; staff decide under the reopen policy. */
export function requestPublicReopen(trackingNo: string, body: { accessCode: string; reason: string }): Promise<PublicCase> {
  return post<PublicCase>(`/public/cases/${encodeURIComponent(trackingNo)}/reopen-request`, body);
}

/** The requester adds what was asked for; a case waiting for it resumes. */
export function addPublicInformation(trackingNo: string, body: { accessCode: string; text: string }): Promise<PublicCase> {
  return post<PublicCase>(`/public/cases/${encodeURIComponent(trackingNo)}/information`, body);
}

/** The requester grants or withdraws consent to anonymised publication; a withdrawal takes the case off the portal. */
export function setPublicConsent(trackingNo: string, body: { accessCode: string; consent: 'granted' | 'refused' }): Promise<PublicCase> {
  return post<PublicCase>(`/public/cases/${encodeURIComponent(trackingNo)}/publication-consent`, body);
}
