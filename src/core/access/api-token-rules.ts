import { randomBytes } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { isPathWithin } from '../auth/actor.js';
import { PERMISSIONS, ROLE_PERMISSIONS, type Permission, type Role } from '../auth/roles.js';

/*
 * Pure rules of API tokens (docs/access.md): the secret's form, what a token may be given, which routes it may
 * call, and how its limits combine with its owner's current roles and unit at each request.
 */

export const API_TOKEN_PREFIX = 'bh_';
/** `bh_` and 8 characters of the random part: enough to recognise a token in a list, far too little to guess it. */
const DISPLAY_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 8;
export const API_TOKEN_MAX_DAYS = 365;
export const API_TOKEN_MAX_IP_RANGES = 20;
/** last_used_at is written at most this often per token: reads must not all become writes. */
export const API_TOKEN_TOUCH_INTERVAL_MS = 60_000;

/**
 * Never given to a token, whatever its creator holds: a token must not make credentials (other tokens, Open311
 * partner keys) or change security settings. A leaked token is then bounded by what it was made for.
 */
// Staff accounts are made and changed by a person at a desk, never by a script holding a token; and a file of a whole
// list's names and phone numbers is taken by a person who has just confirmed who they are.
export const NON_DELEGABLE_PERMISSIONS: readonly Permission[] = ['security.manage', 'integration.manage', 'user.manage', 'case.export_personal_data'];

export const DELEGABLE_PERMISSIONS: readonly Permission[] = PERMISSIONS.filter((p) => !NON_DELEGABLE_PERMISSIONS.includes(p));

/** 256 random bits after the prefix, base64url (43 characters). */
export const newApiTokenSecret = (): string => `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;

export const displayPrefixOf = (token: string): string => token.slice(0, DISPLAY_PREFIX_LENGTH);

/** A bearer value in the token form; anything else is a session token. */
export const isApiTokenShape = (value: string): boolean => value.startsWith(API_TOKEN_PREFIX);

/**
 * Routes a token may never call, whatever its permissions: token management, one's own credentials and
 * sessions (password, TOTP, log-out), security settings, Open311 partner keys, staff accounts. GET /auth/me stays, so an
 * integration can check what its token is.
 */
export const isRouteAllowedForApiToken = (routeUrl: string): boolean => {
  if (routeUrl === '/api/v1/auth/me') return true;
  const denied = ['/api/v1/api-tokens', '/api/v1/auth/', '/api/v1/admin/security/', '/api/v1/admin/api-keys', '/api/v1/admin/users'];
  return !denied.some((prefix) => routeUrl === prefix || routeUrl.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`));
};

// ------------------------------------------------------------------------------------------- addresses

type ParsedRange = { address: string; prefix: number; family: 'ipv4' | 'ipv6' };

/** `10.0.0.0/8`, `2001:db8::/32`, or a single address (as /32 or /128). Null when it is not one. */
export const parseCidr = (text: string): ParsedRange | null => {
  const [address = '', prefixText, ...rest] = text.trim().split('/');
  if (rest.length > 0) return null;
  const version = isIP(address);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = prefixText === undefined ? max : Number(prefixText);
  if (prefix > max) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
};

/** The canonical form kept and shown: with the prefix length always written. */
export const normalizeCidr = (text: string): string | null => {
  const range = parseCidr(text);
  return range ? `${range.address}/${range.prefix}` : null;
};

/** Whether the address is in one of the ranges; an IPv4 address seen as IPv6 (::ffff:10.1.2.3) counts as IPv4. */
export const isAddressAllowed = (ip: string | null, ranges: readonly string[] | null): boolean => {
  if (ranges === null) return true;
  if (!ip) return false;
  const list = new BlockList();
  for (const text of ranges) {
    const range = parseCidr(text);
    if (range) list.addSubnet(range.address, range.prefix, range.family);
  }
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  const address = mapped ?? ip;
  const version = isIP(address);
  if (version === 0) return false;
  return list.check(address, version === 4 ? 'ipv4' : 'ipv6');
};

// -------------------------------------------------------------------------------------- effective limits

export type ApiTokenRecord = {
  id: string;
  tokenPrefix: string;
  permissions: readonly string[];
  unitId: string | null;
  unitPath: string | null;
  allowedIps: readonly string[] | null;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
};

export type TokenOwner = {
  id: string;
  username: string;
  displayName: string;
  roles: readonly Role[];
  unitId: string;
  unitPath: string;
  isActive: boolean;
};

export type ApiTokenRefusal =
  | { status: 'unauthenticated'; reason: 'unknown' | 'expired' | 'revoked' | 'owner_inactive' }
  | { status: 'forbidden'; reason: 'ip_not_allowed' | 'unit_out_of_scope' };

export type EffectiveTokenLimits = {
  permissions: ReadonlySet<Permission>;
  roles: Role[];
  unitId: string;
  unitPath: string;
};

/**
 * What a token may do in this request: its permissions intersected with its owner's CURRENT roles (a demoted
 * owner's tokens lose power at once), never a non-delegable one; its unit, which must still lie within the
 * owner's current unit (else it is refused rather than silently widened or moved).
 * Roles are the owner's roles whose every permission the token holds: code that asks "is this an admin?"
 * then answers no for a token limited to a few permissions of an administrator.
 */
export const effectiveTokenLimits = (
  token: ApiTokenRecord,
  owner: TokenOwner,
  at: { now: Date; ip: string | null },
): { limits: EffectiveTokenLimits } | { refusal: ApiTokenRefusal } => {
  if (token.revokedAt !== null) return { refusal: { status: 'unauthenticated', reason: 'revoked' } };
  if (token.expiresAt.getTime() <= at.now.getTime()) return { refusal: { status: 'unauthenticated', reason: 'expired' } };
  if (!owner.isActive) return { refusal: { status: 'unauthenticated', reason: 'owner_inactive' } };
  if (!isAddressAllowed(at.ip, token.allowedIps)) return { refusal: { status: 'forbidden', reason: 'ip_not_allowed' } };
  const ownerPermissions = new Set(owner.roles.flatMap((role) => ROLE_PERMISSIONS[role]));
  const permissions = new Set(
    DELEGABLE_PERMISSIONS.filter((p) => token.permissions.includes(p) && ownerPermissions.has(p)),
  );
  const roles = owner.roles.filter((role) => ROLE_PERMISSIONS[role].every((p) => permissions.has(p)));
  if (token.unitId === null || token.unitPath === null) return { limits: { permissions, roles, unitId: owner.unitId, unitPath: owner.unitPath } };
  if (!isPathWithin(owner.unitPath, token.unitPath)) return { refusal: { status: 'forbidden', reason: 'unit_out_of_scope' } };
  return { limits: { permissions, roles, unitId: token.unitId, unitPath: token.unitPath } };
};

/**
 * A password hash no password matches: the scrypt format of shared/secrets.ts with a random key, so nothing needs
 * computing (creating many accounts stays cheap) and a sign-in attempt costs the same time as for anyone else.
 * For service accounts and users created by single sign-on.
 */
export const unusablePasswordHash = (): string =>
  `scrypt$32768$8$1$${randomBytes(16).toString('base64')}$${randomBytes(32).toString('base64')}`;

export const shouldTouchToken = (lastUsedAt: Date | null, now: Date): boolean =>
  lastUsedAt === null || now.getTime() - lastUsedAt.getTime() >= API_TOKEN_TOUCH_INTERVAL_MS;

export type ApiTokenStatus = 'active' | 'expired' | 'revoked';

export const tokenStatusOf = (token: { expiresAt: Date; revokedAt: Date | null }, now: Date): ApiTokenStatus => {
  if (token.revokedAt !== null) return 'revoked';
  return token.expiresAt.getTime() <= now.getTime() ? 'expired' : 'active';
};
