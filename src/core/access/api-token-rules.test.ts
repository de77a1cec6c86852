import { describe, expect, it } from 'vitest';
import {
  displayPrefixOf, effectiveTokenLimits, isAddressAllowed, isRouteAllowedForApiToken, newApiTokenSecret, normalizeCidr, shouldTouchToken,
  unusablePasswordHash, type ApiTokenRecord, type TokenOwner,
} from './api-token-rules.js';
import { verifyPassword } from '../shared/secrets.js';
import { pkceChallenge } from './id-token.js';
import { safeReturnTo, signedInLandingOf } from './oidc-login.js';
import { loadOidcSettings, OidcConfigError } from './oidc-settings.js';

const now = new Date('2026-11-22T12:00:00Z');
const token = (over: Partial<ApiTokenRecord> = {}): ApiTokenRecord => ({
  id: 't1', tokenPrefix: 'bh_abcdefgh', permissions: ['case.read', 'case.create', 'security.manage'], unitId: null, unitPath: null,
  allowedIps: null, expiresAt: new Date(now.getTime() + 86_400_000), revokedAt: null, lastUsedAt: null, ...over,
});
const owner = (over: Partial<TokenOwner> = {}): TokenOwner => ({
  id: 'u1', username: 'admin', displayName: 'Admin', roles: ['admin'], unitId: 'root', unitPath: 'lhasa', isActive: true, ...over,
});

describe('API token rules', () => {
  it('makes bh_ secrets of 256 bits with an 11-character display prefix', () => {
    const a = newApiTokenSecret();
    expect(a).toMatch(/^bh_[A-Za-z0-9_-]{43}$/);
    expect(newApiTokenSecret()).not.toBe(a);
    expect(displayPrefixOf(a)).toBe(a.slice(0, 11));
  });

  it('never lets a token manage tokens, credentials or security settings', () => {
    for (const url of ['/api/v1/api-tokens', '/api/v1/api-tokens/:id/rotate', '/api/v1/auth/password', '/api/v1/auth/totp/setup', '/api/v1/auth/logout-all', '/api/v1/admin/security/two-factor-roles', '/api/v1/admin/api-keys', '/api/v1/admin/api-keys/:id', '/api/v1/admin/users', '/api/v1/admin/users/:id/reset-password']) {
      expect(isRouteAllowedForApiToken(url), url).toBe(false);
    }
    for (const url of ['/api/v1/auth/me', '/api/v1/cases', '/api/v1/cases/:id/accept', '/api/v1/api-tokensx', '/api/v1/admin/usersx']) expect(isRouteAllowedForApiToken(url), url).toBe(true);
  });

  it('matches IPv4, IPv6 and IPv4-mapped addresses against CIDR ranges', () => {
    expect(normalizeCidr('10.0.0.1')).toBe('10.0.0.1/32');
    expect(normalizeCidr('10.0.0.0/33')).toBeNull();
    expect(normalizeCidr('2001:db8::/32')).toBe('2001:db8::/32');
    expect(normalizeCidr('example.org')).toBeNull();
    const ranges = ['10.5.0.0/16', '2001:db8::/32'];
    expect(isAddressAllowed('10.5.200.1', ranges)).toBe(true);
    expect(isAddressAllowed('::ffff:10.5.0.9', ranges)).toBe(true);
    expect(isAddressAllowed('10.6.0.1', ranges)).toBe(false);
    expect(isAddressAllowed('2001:db8:1::1', ranges)).toBe(true);
    expect(isAddressAllowed(null, ranges)).toBe(false);
    expect(isAddressAllowed(null, null)).toBe(true);
  });

  it('intersects with the owner current roles, drops non-delegable permissions and the admin role', () => {
    const full = effectiveTokenLimits(token(), owner(), { now, ip: '127.0.0.1' });
    expect('limits' in full && [...full.limits.permissions].sort()).toEqual(['case.create', 'case.read']);
    expect('limits' in full && full.limits.roles).toEqual([]);
    const demoted = effectiveTokenLimits(token(), owner({ roles: ['unit_handler'] }), { now, ip: null });
    expect('limits' in demoted && [...demoted.limits.permissions]).toEqual(['case.read']);
  });

  it('refuses revoked, expired, inactive, out-of-range and out-of-scope tokens with a reason', () => {
    const reasonOf = (r: ReturnType<typeof effectiveTokenLimits>) => ('refusal' in r ? r.refusal.reason : null);
    expect(reasonOf(effectiveTokenLimits(token({ revokedAt: now }), owner(), { now, ip: null }))).toBe('revoked');
    expect(reasonOf(effectiveTokenLimits(token({ expiresAt: now }), owner(), { now, ip: null }))).toBe('expired');
    expect(reasonOf(effectiveTokenLimits(token(), owner({ isActive: false }), { now, ip: null }))).toBe('owner_inactive');
    expect(reasonOf(effectiveTokenLimits(token({ allowedIps: ['10.0.0.0/8'] }), owner(), { now, ip: '192.168.1.1' }))).toBe('ip_not_allowed');
    expect(reasonOf(effectiveTokenLimits(token({ unitId: 'u', unitPath: 'lhasa.hrss' }), owner({ unitPath: 'lhasa.cityman' }), { now, ip: null }))).toBe('unit_out_of_scope');
    const scoped = effectiveTokenLimits(token({ unitId: 'u', unitPath: 'lhasa.hrss' }), owner(), { now, ip: null });
    expect('limits' in scoped && scoped.limits.unitPath).toBe('lhasa.hrss');
  });

  it('makes password hashes in the scrypt format that no password matches', async () => {
    const hash = unusablePasswordHash();
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(unusablePasswordHash()).not.toBe(hash);
    expect(await verifyPassword('', hash)).toBe(false);
    expect(await verifyPassword('test-password-1', hash)).toBe(false);
  });

  it('touches the last use at most once a minute', () => {
    expect(shouldTouchToken(null, now)).toBe(true);
    expect(shouldTouchToken(new Date(now.getTime() - 59_000), now)).toBe(false);
    expect(shouldTouchToken(new Date(now.getTime() - 60_000), now)).toBe(true);
  });
});

describe('OIDC helpers', () => {
  it('computes the PKCE S256 challenge of RFC 7636 appendix B', () => {
    expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('only returns to paths of this site', () => {
    expect(safeReturnTo('/work/queue')).toBe('/work/queue');
    for (const bad of ['//evil.example', 'https://evil.example', '/\\evil.example', '/work queue', null]) expect(safeReturnTo(bad), String(bad)).toBeNull();
  });

  it('lands a signed-in person on the staff pages or their own account pages, else on the workbench', () => {
    expect(signedInLandingOf('/work/queue?status=registered')).toBe('/work/queue?status=registered');
    expect(signedInLandingOf('/account/two-factor')).toBe('/account/two-factor');
    expect(signedInLandingOf('/account')).toBe('/account');
    for (const other of ['/track', '/login', '/accounting', '/workshop', '//evil.example', '/work queue', '', null, undefined]) {
      expect(signedInLandingOf(other), String(other)).toBe('/work');
    }
  });
});

describe('OIDC settings', () => {
  it('are off without an issuer, complete with one, and list every problem otherwise', () => {
    expect(loadOidcSettings({})).toBeNull();
    const full = {
      BIHUAN_OIDC_ISSUER: 'https://sso.example.gov.cn/realms/xz/', BIHUAN_OIDC_CLIENT_ID: 'bihuan', BIHUAN_OIDC_CLIENT_SECRET: 's',
      BIHUAN_OIDC_REDIRECT_URL: 'https://bihuan.example.gov.cn/api/v1/auth/oidc/callback',
    };
    expect(loadOidcSettings(full)).toMatchObject({ issuer: 'https://sso.example.gov.cn/realms/xz', usernameClaim: 'preferred_username', unknownUsers: 'refuse', providerName: 'SSO' });
    expect(() => loadOidcSettings({ BIHUAN_OIDC_ISSUER: 'http://sso.example.gov.cn', BIHUAN_OIDC_UNKNOWN_USERS: 'create' })).toThrow(OidcConfigError);
    try {
      loadOidcSettings({ BIHUAN_OIDC_ISSUER: 'http://sso.example.gov.cn', BIHUAN_OIDC_UNKNOWN_USERS: 'create' });
    } catch (error) {
      const problems = (error as OidcConfigError).problems.join('\n');
      for (const name of ['BIHUAN_OIDC_ISSUER', 'BIHUAN_OIDC_CLIENT_ID', 'BIHUAN_OIDC_CLIENT_SECRET', 'BIHUAN_OIDC_REDIRECT_URL', 'BIHUAN_OIDC_NEW_USER_UNIT']) expect(problems).toContain(name);
    }
    // Plain http only on the loopback interface.
    expect(loadOidcSettings({ ...full, BIHUAN_OIDC_ISSUER: 'http://127.0.0.1:9000' })?.issuer).toBe('http://127.0.0.1:9000');
  });
});
