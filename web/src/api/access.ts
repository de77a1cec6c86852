// API tokens, service accounts and single sign-on (docs/access.md). Same fetch conventions as the shared
// client (same origin, cookie session, language on every call, errors as ApiError).
import { apiRequest } from './client';

async function call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, opts: { query?: Record<string, string | undefined>; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  return apiRequest<T>(method, path, opts);
}

/** Never given to a token (server: NON_DELEGABLE_PERMISSIONS). */
export const NON_DELEGABLE = ['security.manage', 'integration.manage', 'user.manage', 'case.export_personal_data'] as const;
export const API_TOKEN_MAX_DAYS = 365;

export type ApiTokenStatus = 'active' | 'expired' | 'revoked';

export interface ApiToken {
  id: string;
  name: string;
  tokenPrefix: string;
  status: ApiTokenStatus;
  owner: { id: string; username: string; displayName: string; isServiceAccount: boolean; unitId: string };
  permissions: string[];
  unit: { id: string; code: string; path: string } | null;
  allowedIps: string[] | null;
  expiresAt: string;
  createdAt: string;
  createdBy: { id: string; username: string } | null;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  revokedAt: string | null;
  rotatedFrom: string | null;
}

export interface ServiceAccount {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  unitId: string;
  isActive: boolean;
  description: string;
  createdAt: string;
  activeTokens: number;
}

export interface NewApiToken {
  name: string;
  ownerId?: string;
  permissions: string[];
  unitId?: string;
  expiresInDays: number;
  allowedIps?: string[];
}

export interface NewServiceAccount {
  username: string;
  displayName: string;
  roles: string[];
  unitId: string;
  description: string;
}

export function listApiTokens(includeInactive: boolean, signal?: AbortSignal): Promise<{ items: ApiToken[] }> {
  return call('GET', '/api-tokens', { query: { includeInactive: includeInactive ? 'true' : undefined }, signal });
}

/** The secret (`token`) is in this answer only. */
export function createApiToken(body: NewApiToken): Promise<{ token: string; apiToken: ApiToken }> {
  return call('POST', '/api-tokens', { body });
}

export function revokeApiToken(id: string): Promise<ApiToken> {
  return call('POST', `/api-tokens/${encodeURIComponent(id)}/revoke`);
}

export function rotateApiToken(id: string, expiresInDays?: number): Promise<{ token: string; apiToken: ApiToken }> {
  return call('POST', `/api-tokens/${encodeURIComponent(id)}/rotate`, { body: expiresInDays ? { expiresInDays } : {} });
}

export function listServiceAccounts(signal?: AbortSignal): Promise<{ items: ServiceAccount[] }> {
  return call('GET', '/api-tokens/service-accounts', { signal });
}

export function createServiceAccount(body: NewServiceAccount): Promise<ServiceAccount> {
  return call('POST', '/api-tokens/service-accounts', { body });
}

export function deactivateServiceAccount(id: string): Promise<void> {
  return call('DELETE', `/api-tokens/service-accounts/${encodeURIComponent(id)}`);
}

export interface SsoInfo {
  isEnabled: boolean;
  providerName: string | null;
}

export function getSsoInfo(signal?: AbortSignal): Promise<SsoInfo> {
  return call('GET', '/auth/oidc', { signal });
}

/**
 * A full-page navigation: the provider's sign-in page, then back to `returnTo` signed in. A confirmation before a
 * sensitive step asks the provider for the credentials again instead of reusing its own session.
 */
export function ssoStartUrl(returnTo: string, isConfirmation = false): string {
  return `/api/v1/auth/oidc/start?returnTo=${encodeURIComponent(returnTo)}${isConfirmation ? '&confirm=1' : ''}`;
}
