// One's own signed-in devices (docs/access.md, "Sessions"). Same fetch conventions as the shared client (same
// origin, cookie session, language on every call, errors as ApiError).
import { apiRequest } from './client';

export const DEVICE_KINDS = ['desktop', 'mobile', 'tablet', 'program'] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** The server names products (Chrome, WeChat, curl) and systems the same in every language; null when unknown. */
export interface SessionDevice {
  browser: string | null;
  os: string | null;
  kind: DeviceKind;
}

/** A signed-in device. Dates are ISO strings. */
export interface Session {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  /** The absolute end, however much the device is used. */
  expiresAt: string;
  /** When it ends if it stays unused: the idle limit or the absolute end, whichever comes first. */
  endsAt: string;
  ip: string | null;
  userAgent: string | null;
  device: SessionDevice;
  /** The session of the page asking; always false on the administrators' view of someone else's account. */
  isCurrent: boolean;
}

export interface OwnSessions {
  items: Session[];
  /** Minutes without use after which a session ends by itself. */
  idleMinutes: number;
}

export function listOwnSessions(signal?: AbortSignal): Promise<OwnSessions> {
  return apiRequest<OwnSessions>('GET', '/auth/sessions', signal ? { signal } : {});
}

/** Ending the current session is signing out: the server clears the cookie as well. */
export function endOwnSession(id: string): Promise<void> {
  return apiRequest<void>('DELETE', `/auth/sessions/${encodeURIComponent(id)}`);
}

/** Every other device is signed out; this one stays. */
export function endOtherOwnSessions(): Promise<{ endedSessions: number }> {
  return apiRequest<{ endedSessions: number }>('POST', '/auth/logout-others');
}
