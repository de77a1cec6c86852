// Staff accounts (docs/access.md, "Staff accounts") and the change of one's own password. Same fetch conventions
// as the shared client (same origin, cookie session, language on every call, errors as ApiError).
import { apiRequest } from './client';
import type { Session } from './sessions';

/** Roles an administrator can give (server: STAFF_ROLES); `citizen` belongs to the public side. */
export const STAFF_ROLES = ['agent', 'dispatcher', 'unit_handler', 'unit_leader', 'supervisor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

export const ACCOUNT_STATUSES = ['all', 'active', 'disabled'] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/** Who turned an account off: an administrator on this page, the operator on the command line, or the nightly check. */
export const DISABLED_REASONS = ['administrator', 'operator', 'dormant'] as const;
export type DisabledReason = (typeof DISABLED_REASONS)[number];

export interface StaffAccount {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  unit: { id: string; code: string; path: string };
  isActive: boolean;
  /** Both null while the account is in use, and possibly for accounts disabled before the reason was kept. */
  disabledAt: string | null;
  disabledReason: DisabledReason | null;
  hasTotp: boolean;
  mustChangePassword: boolean;
  lastLoginAt: string | null;
  lockedUntil: string | null;
  /** Sessions that have not ended (those idle too long do not count). */
  activeSessions: number;
  createdAt: string;
  createdBy: { id: string; username: string } | null;
}

export interface StaffAccountPage {
  items: StaffAccount[];
  total: number;
  page: number;
  pageSize: number;
}

export interface WithTemporaryPassword {
  account: StaffAccount;
  temporaryPassword: string;
}

export function listStaffAccounts(
  filter: { q?: string; unitId?: string; role?: string; status: AccountStatus; page: number; pageSize: number },
  signal?: AbortSignal,
): Promise<StaffAccountPage> {
  return apiRequest<StaffAccountPage>('GET', '/admin/users', {
    query: {
      q: filter.q || undefined,
      unitId: filter.unitId || undefined,
      role: filter.role || undefined,
      status: filter.status,
      page: String(filter.page),
      pageSize: String(filter.pageSize),
    },
    ...(signal ? { signal } : {}),
  });
}

export function createStaffAccount(body: { username: string; displayName: string; roles: string[]; unitId: string }): Promise<WithTemporaryPassword> {
  return apiRequest<WithTemporaryPassword>('POST', '/admin/users', { body });
}

export function updateStaffAccount(id: string, body: { displayName?: string; roles?: string[]; unitId?: string }): Promise<StaffAccount> {
  return apiRequest<StaffAccount>('PATCH', `/admin/users/${encodeURIComponent(id)}`, { body });
}

export type AccountStep = 'disable' | 'enable' | 'unlock';

export function stepStaffAccount(id: string, step: AccountStep): Promise<StaffAccount> {
  return apiRequest<StaffAccount>('POST', `/admin/users/${encodeURIComponent(id)}/${step}`);
}

export function resetStaffPassword(id: string): Promise<WithTemporaryPassword> {
  return apiRequest<WithTemporaryPassword>('POST', `/admin/users/${encodeURIComponent(id)}/reset-password`);
}

/**
 * Turns off the two-step verification of someone who lost both the phone and the recovery codes: every session of
 * the account ends, and they sign in with the password alone (and set it up again if their role requires it).
 */
export function resetStaffTwoFactor(id: string): Promise<{ endedSessions: number }> {
  return apiRequest<{ endedSessions: number }>('DELETE', `/admin/security/users/${encodeURIComponent(id)}/totp`);
}

/** The devices an account is signed in on (`isCurrent` is always false here). */
export function listStaffAccountSessions(id: string, signal?: AbortSignal): Promise<{ items: Session[] }> {
  return apiRequest<{ items: Session[] }>('GET', `/admin/users/${encodeURIComponent(id)}/sessions`, signal ? { signal } : {});
}

/** Signs an account out on every device without disabling it; its API tokens stay. */
export function endStaffAccountSessions(id: string): Promise<{ account: StaffAccount; endedSessions: number }> {
  return apiRequest<{ account: StaffAccount; endedSessions: number }>('POST', `/admin/users/${encodeURIComponent(id)}/end-sessions`);
}

/** Ends every session of the user, this one included (the server clears its cookie). */
export function changeOwnPassword(currentPassword: string, newPassword: string): Promise<void> {
  return apiRequest<void>('POST', '/auth/password', { body: { currentPassword, newPassword } });
}
