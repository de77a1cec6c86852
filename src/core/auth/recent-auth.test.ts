import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/app-error.js';
import type { AuthDeps, AuthStore, UserForAuth } from './auth.ports.js';
import { assertRecentlyVerifiedOrThrow, isRecentlyVerified, reauthenticate, verifiedUntilOf } from './recent-auth.js';

const at = (iso: string) => new Date(iso);

const refusalOf = (run: () => void): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return null;
};

describe('recent sign-in', () => {
  it('holds for the window, to the millisecond, and always when the window is 0', () => {
    const verified = at('2026-11-25T02:00:00.000Z');
    expect(isRecentlyVerified(verified, at('2026-11-25T02:15:00.000Z'), 15)).toBe(true);
    expect(isRecentlyVerified(verified, at('2026-11-25T02:15:00.001Z'), 15)).toBe(false);
    expect(isRecentlyVerified(verified, at('2026-11-26T02:00:00.000Z'), 0)).toBe(true);
    expect(verifiedUntilOf(verified, 15)?.toISOString()).toBe('2026-11-25T02:15:00.000Z');
    expect(verifiedUntilOf(verified, 0)).toBeNull();
  });

  it('refuses with what the client needs to ask for the confirmation', () => {
    const session = { verifiedAt: at('2026-11-25T02:00:00Z'), hasTotp: true, hasPassword: true };
    expect(() => assertRecentlyVerifiedOrThrow(session, at('2026-11-25T02:10:00Z'), { reauthMinutes: 15, canUseSso: false })).not.toThrow();
    const caught = refusalOf(() => assertRecentlyVerifiedOrThrow(session, at('2026-11-25T02:20:00Z'), { reauthMinutes: 15, canUseSso: true }));
    expect(caught).toBeInstanceOf(AppError);
    expect(caught).toMatchObject({ code: 'auth.reauth_required', details: { reauthMinutes: 15, hasPassword: true, hasTotp: true, canUseSso: true } });
  });

  it('tells the page when the account has no password to ask for', () => {
    const session = { verifiedAt: at('2026-11-25T02:00:00Z'), hasTotp: false, hasPassword: false };
    const caught = refusalOf(() => assertRecentlyVerifiedOrThrow(session, at('2026-11-25T02:20:00Z'), { reauthMinutes: 15, canUseSso: true }));
    expect(caught).toMatchObject({ code: 'auth.reauth_required', details: { hasPassword: false, canUseSso: true } });
    expect((caught as AppError).message).toContain('single sign-on');
  });
});

describe('confirming an account without a password', () => {
  it('is a field error that points to single sign-on, answered before the lock and never counted', async () => {
    const touched: string[] = [];
    const user: UserForAuth = {
      id: 'u1', username: 'dolma.tsering', displayName: 'Dolma', passwordHash: 'scrypt$32768$8$1$x$y', hasPassword: false, roles: [], unitId: 'unit', unitPath: 'root', isActive: true,
    };
    const store = {
      findUserByUsername: async () => user,
      // Locked by someone guessing at the sign-in page: the owner is still told the way that works.
      lockedUntil: async () => {
        touched.push('lockedUntil');
        return at('2099-01-01T00:00:00Z');
      },
      recordLoginFailure: async () => {
        touched.push('recordLoginFailure');
      },
      clearLoginFailures: async () => {
        touched.push('clearLoginFailures');
      },
      markSessionVerified: async () => {
        touched.push('markSessionVerified');
        return true;
      },
    } as unknown as AuthStore;
    const deps = { store, now: () => at('2026-11-25T02:00:00Z'), sessionTtlHours: 12, sessionIdleMinutes: 120 } as unknown as AuthDeps;
    const attempt = reauthenticate(deps, { username: user.username, sessionToken: 'session', password: 'anything at all', totpCode: null, ip: '10.0.0.1' });
    await expect(attempt).rejects.toMatchObject({ code: 'validation.failed', details: { issues: [{ path: 'body.password', message: 'no_password' }] } });
    expect(touched).toEqual([]);
  });
});
