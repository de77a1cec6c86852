// The roles whose people must use two-step verification (docs/two-factor.md, "For administrators"). Same fetch
// conventions as the shared client; the change needs a recent sign-in, which the client asks for by itself.
import { apiRequest } from './client';

/** Roles as the server names them; it may hold one this page does not show (`citizen`). */
export interface RequiredRoles {
  roles: string[];
  /** When the roles last changed; null while they never have. */
  updatedAt: string | null;
}

export interface RoleReach {
  role: string;
  activeAccounts: number;
  withoutTwoFactor: number;
}

/** Active people's accounts holding exactly `roles`: a person is in one set only, so totals never count twice. */
export interface RoleSetReach {
  roles: string[];
  activeAccounts: number;
  withoutTwoFactor: number;
}

export interface TwoFactorImpact {
  byRole: RoleReach[];
  roleSets: RoleSetReach[];
}

export function getTwoFactorRoles(signal?: AbortSignal): Promise<RequiredRoles> {
  return apiRequest<RequiredRoles>('GET', '/admin/security/two-factor-roles', signal ? { signal } : {});
}

/** Counts of the whole organisation; administrators of a top-level unit only (403 `not_top_level_unit`). */
export function getTwoFactorImpact(signal?: AbortSignal): Promise<TwoFactorImpact> {
  return apiRequest<TwoFactorImpact>('GET', '/admin/security/two-factor-roles/impact', signal ? { signal } : {});
}

/** Replaces the roles; administrators of a top-level unit only. Answers what was stored. */
export function saveTwoFactorRoles(roles: readonly string[]): Promise<RequiredRoles> {
  return apiRequest<RequiredRoles>('PUT', '/admin/security/two-factor-roles', { body: { roles } });
}
