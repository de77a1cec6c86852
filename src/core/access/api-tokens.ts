import type { UserActor } from '../auth/actor.js';
import { isPathWithin } from '../auth/actor.js';
import { isRole, PERMISSIONS, ROLE_PERMISSIONS, type Permission, type Role } from '../auth/roles.js';
import { AppError } from '../shared/app-error.js';
import { sha256 } from '../shared/secrets.js';
import { USERNAME_PATTERN } from './staff-account-rules.js';
import {
  API_TOKEN_MAX_DAYS, API_TOKEN_MAX_IP_RANGES, displayPrefixOf, effectiveTokenLimits, isApiTokenShape, newApiTokenSecret,
  NON_DELEGABLE_PERMISSIONS, normalizeCidr, shouldTouchToken, unusablePasswordHash, type ApiTokenRecord, type ApiTokenRefusal, type TokenOwner,
} from './api-token-rules.js';

/*
 * Use cases of API tokens and service accounts (docs/access.md). Managing them needs integration.manage, which a
 * token never holds, so only a signed-in person makes, rotates and revokes tokens.
 */

// ------------------------------------------------------------------------------------------------ ports

export type ApiTokenView = {
  id: string;
  name: string;
  tokenPrefix: string;
  owner: { id: string; username: string; displayName: string; isServiceAccount: boolean; unitId: string };
  permissions: string[];
  unit: { id: string; code: string; path: string } | null;
  allowedIps: string[] | null;
  expiresAt: Date;
  createdAt: Date;
  createdBy: { id: string; username: string } | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  revokedAt: Date | null;
  rotatedFrom: string | null;
};

export type ServiceAccountView = {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  unitId: string;
  unitPath: string;
  isActive: boolean;
  description: string;
  createdAt: Date;
  activeTokens: number;
};

export type NewApiTokenRow = {
  ownerId: string;
  name: string;
  tokenPrefix: string;
  tokenHash: string;
  permissions: Permission[];
  unitId: string | null;
  allowedIps: string[] | null;
  expiresAt: Date;
  createdBy: string;
  createdAt: Date;
  rotatedFrom: string | null;
};

export type AccessStore = {
  /**
   * The token and its owner as they are now (roles, unit, active), for every request that presents one. The owner's
   * `hasPassword` is false for service accounts and people made by single sign-on; GET /auth/me tells a token's caller too.
   */
  findTokenForAuth: (tokenHash: string) => Promise<{ token: ApiTokenRecord; owner: TokenOwner & { hasPassword: boolean } } | null>;
  touchToken: (tokenId: string, at: Date, ip: string | null) => Promise<void>;
  findUnit: (unitId: string) => Promise<{ id: string; path: string } | null>;
  /** A user who may own tokens: the actor themselves or a service account. */
  findOwner: (userId: string) => Promise<(TokenOwner & { isServiceAccount: boolean }) | null>;
  insertToken: (row: NewApiTokenRow) => Promise<string>;
  /** Tokens whose owner's unit lies within the path (or that the user owns). */
  listTokens: (scope: { unitPath: string; userId: string }, filter: { ownerId?: string; includeInactive: boolean; now: Date }) => Promise<ApiTokenView[]>;
  findToken: (tokenId: string) => Promise<(ApiTokenView & { ownerUnitPath: string }) | null>;
  /** Sets revoked_at if not yet revoked; false when it already was. */
  revokeToken: (tokenId: string, by: string, at: Date) => Promise<boolean>;
  /** Rotation in one transaction: the old token is revoked and the new one inserted, or neither. */
  rotateToken: (oldTokenId: string, by: string, row: NewApiTokenRow) => Promise<string | null>;
  usernameExists: (username: string) => Promise<boolean>;
  /** Made without a password (`passwordHash` matches nothing, and the account is marked so): it works through its tokens only. */
  insertServiceAccount: (input: { username: string; displayName: string; roles: Role[]; unitId: string; passwordHash: string; description: string; createdBy: string; at: Date }) => Promise<string>;
  listServiceAccounts: (unitPath: string, now: Date) => Promise<ServiceAccountView[]>;
  /** Deactivates the account and revokes its tokens (how many it revoked); null when there is no such service account. */
  deactivateServiceAccount: (userId: string, by: string, at: Date) => Promise<{ revokedTokens: number } | null>;
};

export type AccessDeps = { store: AccessStore; now: () => Date };

// ---------------------------------------------------------------------------------------- authentication

const REFUSAL_CODES = {
  unknown: 'auth.token_invalid',
  owner_inactive: 'auth.token_invalid',
  expired: 'auth.token_expired',
  revoked: 'auth.token_revoked',
  ip_not_allowed: 'auth.token_forbidden',
  unit_out_of_scope: 'auth.token_forbidden',
} as const;

const REFUSAL_MESSAGES: Record<ApiTokenRefusal['reason'], string> = {
  unknown: 'this API token is not valid',
  owner_inactive: 'the owner of this API token is disabled',
  expired: 'this API token has expired',
  revoked: 'this API token was revoked',
  ip_not_allowed: 'this API token may not be used from this address',
  unit_out_of_scope: "this API token's unit is no longer within its owner's unit",
};

export const apiTokenError = (reason: ApiTokenRefusal['reason'], tokenPrefix: string | null): AppError =>
  new AppError(REFUSAL_CODES[reason], REFUSAL_MESSAGES[reason], { reason, ...(tokenPrefix ? { tokenPrefix } : {}) });

export type TokenAuthentication =
  | { outcome: 'authenticated'; actor: UserActor }
  | { outcome: 'refused'; reason: ApiTokenRefusal['reason']; tokenPrefix: string | null; ownerId: string | null; error: AppError };

/** Resolves `Authorization: Bearer bh_…` to an actor limited by the token, or to a coded refusal. */
export const authenticateApiToken = async (deps: AccessDeps, secret: string, ip: string | null): Promise<TokenAuthentication> => {
  const now = deps.now();
  const refuse = (reason: ApiTokenRefusal['reason'], tokenPrefix: string | null, ownerId: string | null): TokenAuthentication =>
    ({ outcome: 'refused', reason, tokenPrefix, ownerId, error: apiTokenError(reason, tokenPrefix) });
  if (!isApiTokenShape(secret)) return refuse('unknown', null, null);
  const found = await deps.store.findTokenForAuth(sha256(secret));
  // The prefix of an unknown token is not echoed: it is whatever the caller sent.
  if (!found) return refuse('unknown', null, null);
  const { token, owner } = found;
  const checked = effectiveTokenLimits(token, owner, { now, ip });
  if ('refusal' in checked) return refuse(checked.refusal.reason, token.tokenPrefix, owner.id);
  if (shouldTouchToken(token.lastUsedAt, now)) await deps.store.touchToken(token.id, now, ip);
  return {
    outcome: 'authenticated',
    actor: {
      kind: 'user',
      userId: owner.id,
      username: owner.username,
      displayName: owner.displayName,
      roles: checked.limits.roles,
      permissions: checked.limits.permissions,
      unitId: checked.limits.unitId,
      unitPath: checked.limits.unitPath,
      apiToken: { id: token.id, prefix: token.tokenPrefix },
      hasPassword: owner.hasPassword,
    },
  };
};

// ---------------------------------------------------------------------------------------------- helpers

const fieldError = (path: string, message: string, problem: string): AppError =>
  new AppError('validation.failed', message, { issues: [{ path, message: problem }] });

/** Managing tokens is for signed-in people only (also enforced per route by the auth hook). */
const assertNotViaTokenOrThrow = (actor: UserActor): void => {
  if (actor.apiToken) throw new AppError('auth.token_forbidden', 'API tokens cannot manage API tokens', { reason: 'route_not_allowed' });
};

const isManageable = (actor: UserActor, token: { owner: { id: string }; ownerUnitPath: string }): boolean =>
  token.owner.id === actor.userId || isPathWithin(actor.unitPath, token.ownerUnitPath);

export type CreateApiTokenInput = {
  name: string;
  /** Null: the creator. Otherwise a service account within the creator's unit. */
  ownerId: string | null;
  permissions: readonly string[];
  unitId: string | null;
  expiresInDays: number;
  allowedIps: readonly string[] | null;
};

type CheckedLimits = { ownerId: string; permissions: Permission[]; unitId: string | null; allowedIps: string[] | null };

/**
 * Everything a token may be given: permissions the creator holds (and the owner too, else the token could do
 * nothing with them), never a non-delegable one; a unit within both the creator's and the owner's units.
 */
const checkLimitsOrThrow = async (deps: AccessDeps, actor: UserActor, input: Omit<CreateApiTokenInput, 'name' | 'expiresInDays'>): Promise<CheckedLimits> => {
  let ownerId = actor.userId;
  let ownerPermissions: ReadonlySet<Permission> = actor.permissions;
  let ownerUnitPath = actor.unitPath;
  if (input.ownerId !== null && input.ownerId !== actor.userId) {
    const owner = await deps.store.findOwner(input.ownerId);
    if (!owner || !owner.isServiceAccount || !isPathWithin(actor.unitPath, owner.unitPath)) {
      throw fieldError('body.ownerId', 'a token can be made for yourself or for a service account of your units', 'not_a_service_account_in_scope');
    }
    if (!owner.isActive) throw fieldError('body.ownerId', 'this service account is disabled', 'owner_inactive');
    ownerId = owner.id;
    ownerPermissions = new Set(owner.roles.flatMap((role) => ROLE_PERMISSIONS[role]));
    ownerUnitPath = owner.unitPath;
  }
  const permissions = [...new Set(input.permissions)];
  if (permissions.length === 0) throw fieldError('body.permissions', 'give the token at least one permission', 'empty');
  for (const permission of permissions) {
    if (!(PERMISSIONS as readonly string[]).includes(permission)) throw fieldError('body.permissions', `unknown permission ${permission}`, 'unknown_permission');
    const p = permission as Permission;
    if (NON_DELEGABLE_PERMISSIONS.includes(p)) throw fieldError('body.permissions', `${p} is never given to a token`, 'not_delegable');
    if (!actor.permissions.has(p)) throw fieldError('body.permissions', `you do not hold ${p}`, 'not_held_by_creator');
    if (!ownerPermissions.has(p)) throw fieldError('body.permissions', `the owner does not hold ${p}`, 'not_held_by_owner');
  }
  let unitId: string | null = null;
  if (input.unitId !== null) {
    const unit = await deps.store.findUnit(input.unitId);
    if (!unit) throw fieldError('body.unitId', 'no such unit', 'unknown_unit');
    if (!isPathWithin(actor.unitPath, unit.path) || !isPathWithin(ownerUnitPath, unit.path)) {
      throw fieldError('body.unitId', "the unit must lie within your unit and the owner's", 'outside_scope');
    }
    unitId = unit.id;
  }
  let allowedIps: string[] | null = null;
  if (input.allowedIps !== null) {
    if (input.allowedIps.length === 0 || input.allowedIps.length > API_TOKEN_MAX_IP_RANGES) {
      throw fieldError('body.allowedIps', `give 1 to ${API_TOKEN_MAX_IP_RANGES} address ranges, or leave it out`, 'bad_count');
    }
    allowedIps = input.allowedIps.map((text, i) => {
      const cidr = normalizeCidr(text);
      if (!cidr) throw fieldError(`body.allowedIps.${i}`, `${text} is not an address or CIDR range`, 'invalid_cidr');
      return cidr;
    });
  }
  return { ownerId, permissions: permissions as Permission[], unitId, allowedIps };
};

const expiryOrThrow = (now: Date, days: number): Date => {
  if (!Number.isInteger(days) || days < 1 || days > API_TOKEN_MAX_DAYS) {
    throw fieldError('body.expiresInDays', `a token expires after 1 to ${API_TOKEN_MAX_DAYS} days`, 'out_of_range');
  }
  return new Date(now.getTime() + days * 86_400_000);
};

// ------------------------------------------------------------------------------------------- use cases

/** Makes a token; the secret is returned this once and only its hash is kept. */
export const createApiToken = async (deps: AccessDeps, actor: UserActor, input: CreateApiTokenInput): Promise<{ token: string; view: ApiTokenView }> => {
  assertNotViaTokenOrThrow(actor);
  const now = deps.now();
  const name = input.name.trim();
  if (name.length === 0 || name.length > 100) throw fieldError('body.name', 'a name of 1 to 100 characters', 'bad_length');
  const expiresAt = expiryOrThrow(now, input.expiresInDays);
  const limits = await checkLimitsOrThrow(deps, actor, input);
  const secret = newApiTokenSecret();
  const id = await deps.store.insertToken({
    ...limits, name, tokenPrefix: displayPrefixOf(secret), tokenHash: sha256(secret), expiresAt, createdBy: actor.userId, createdAt: now, rotatedFrom: null,
  });
  const view = await deps.store.findToken(id);
  if (!view) throw new Error('the token just made is missing');
  return { token: secret, view };
};

export const listApiTokens = async (deps: AccessDeps, actor: UserActor, filter: { ownerId?: string; includeInactive: boolean }): Promise<ApiTokenView[]> => {
  assertNotViaTokenOrThrow(actor);
  return deps.store.listTokens({ unitPath: actor.unitPath, userId: actor.userId }, { ...filter, now: deps.now() });
};

const findManageableOrThrow = async (deps: AccessDeps, actor: UserActor, tokenId: string) => {
  const token = await deps.store.findToken(tokenId);
  // Tokens of other units answer like missing ones.
  if (!token || !isManageable(actor, token)) throw new AppError('resource.not_found', 'no such API token', { tokenId });
  return token;
};

/**
 * Revoking is final and takes effect at the next request. Revoking a revoked token changes nothing, and says so
 * (`isChanged`), so that the audit log tells only of the revocation that happened.
 */
export const revokeApiToken = async (deps: AccessDeps, actor: UserActor, tokenId: string): Promise<{ view: ApiTokenView; isChanged: boolean }> => {
  assertNotViaTokenOrThrow(actor);
  await findManageableOrThrow(deps, actor, tokenId);
  const isChanged = await deps.store.revokeToken(tokenId, actor.userId, deps.now());
  const view = await deps.store.findToken(tokenId);
  if (!view) throw new AppError('resource.not_found', 'no such API token', { tokenId });
  return { view, isChanged };
};

/**
 * A new secret with the same limits (checked again against the rotating person and the owner as they are now);
 * the old secret stops working at once. The expiry restarts when `expiresInDays` is given, else it stays.
 */
export const rotateApiToken = async (
  deps: AccessDeps,
  actor: UserActor,
  tokenId: string,
  input: { expiresInDays: number | null },
): Promise<{ token: string; view: ApiTokenView; replaced: { id: string; tokenPrefix: string } }> => {
  assertNotViaTokenOrThrow(actor);
  const now = deps.now();
  const old = await findManageableOrThrow(deps, actor, tokenId);
  if (old.revokedAt !== null) throw new AppError('validation.failed', 'a revoked token cannot be rotated', { issues: [{ path: 'params.id', message: 'revoked' }] });
  const expiresAt = input.expiresInDays === null ? old.expiresAt : expiryOrThrow(now, input.expiresInDays);
  if (expiresAt.getTime() <= now.getTime()) throw fieldError('body.expiresInDays', 'this token has expired: give a new expiry', 'expired');
  const limits = await checkLimitsOrThrow(deps, actor, {
    ownerId: old.owner.id, permissions: old.permissions, unitId: old.unit?.id ?? null, allowedIps: old.allowedIps,
  });
  const secret = newApiTokenSecret();
  const id = await deps.store.rotateToken(tokenId, actor.userId, {
    ...limits, name: old.name, tokenPrefix: displayPrefixOf(secret), tokenHash: sha256(secret), expiresAt, createdBy: actor.userId, createdAt: now, rotatedFrom: tokenId,
  });
  if (!id) throw new AppError('validation.failed', 'the token was revoked meanwhile', { issues: [{ path: 'params.id', message: 'revoked' }] });
  const view = await deps.store.findToken(id);
  if (!view) throw new Error('the token just made is missing');
  return { token: secret, view, replaced: { id: old.id, tokenPrefix: old.tokenPrefix } };
};

// ------------------------------------------------------------------------------------ service accounts

/**
 * A user for a system or script: it owns tokens and cannot sign in (its password is random and never shown).
 * Its roles must not give more than the creator holds, and its unit lies within the creator's.
 */
export const createServiceAccount = async (
  deps: AccessDeps,
  actor: UserActor,
  input: { username: string; displayName: string; roles: readonly string[]; unitId: string; description: string },
): Promise<ServiceAccountView> => {
  assertNotViaTokenOrThrow(actor);
  const username = input.username.trim().toLowerCase();
  if (!USERNAME_PATTERN.test(username)) throw fieldError('body.username', '2 to 64 lower-case letters, digits, dot, dash or underscore', 'bad_username');
  if (await deps.store.usernameExists(username)) throw fieldError('body.username', 'this username is taken', 'taken');
  const roles = [...new Set(input.roles)];
  for (const role of roles) {
    if (!isRole(role) || role === 'citizen') throw fieldError('body.roles', `unknown staff role ${role}`, 'unknown_role');
    // Admin holds the non-delegable permissions: a service account never gets them through a role either.
    if (ROLE_PERMISSIONS[role].some((p) => !actor.permissions.has(p) || NON_DELEGABLE_PERMISSIONS.includes(p))) {
      throw fieldError('body.roles', `the role ${role} gives permissions you may not hand out`, 'role_too_strong');
    }
  }
  const unit = await deps.store.findUnit(input.unitId);
  if (!unit) throw fieldError('body.unitId', 'no such unit', 'unknown_unit');
  if (!isPathWithin(actor.unitPath, unit.path)) throw fieldError('body.unitId', 'the unit must lie within yours', 'outside_scope');
  const now = deps.now();
  // A password hash nothing matches: the account exists for its tokens only.
  const passwordHash = unusablePasswordHash();
  const id = await deps.store.insertServiceAccount({
    username, displayName: input.displayName.trim() || username, roles: roles as Role[], unitId: unit.id, passwordHash, description: input.description.trim(), createdBy: actor.userId, at: now,
  });
  const created = (await deps.store.listServiceAccounts(unit.path, now)).find((a) => a.id === id);
  if (!created) throw new Error('the service account just made is missing');
  return created;
};

export const listServiceAccounts = async (deps: AccessDeps, actor: UserActor): Promise<ServiceAccountView[]> => {
  assertNotViaTokenOrThrow(actor);
  return deps.store.listServiceAccounts(actor.unitPath, deps.now());
};

/**
 * Disables the account and revokes every token of it. `isChanged` is false for an account already disabled with
 * no token left to revoke: the step then changed nothing.
 */
export const deactivateServiceAccount = async (
  deps: AccessDeps,
  actor: UserActor,
  userId: string,
): Promise<{ account: { id: string; username: string }; isChanged: boolean; revokedTokens: number }> => {
  assertNotViaTokenOrThrow(actor);
  const owner = await deps.store.findOwner(userId);
  if (!owner || !owner.isServiceAccount || !isPathWithin(actor.unitPath, owner.unitPath)) {
    throw new AppError('resource.not_found', 'no such service account', { userId });
  }
  const done = await deps.store.deactivateServiceAccount(userId, actor.userId, deps.now());
  if (!done) throw new AppError('resource.not_found', 'no such service account', { userId });
  return { account: { id: owner.id, username: owner.username }, isChanged: owner.isActive || done.revokedTokens > 0, revokedTokens: done.revokedTokens };
};
