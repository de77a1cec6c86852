import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/app-error.js';
import { assertRecentlyVerifiedOrThrow, isRecentlyVerified, verifiedUntilOf } from './recent-auth.js';

const at = (iso: string) => new Date(iso);

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
    const session = { verifiedAt: at('2026-11-25T02:00:00Z'), hasTotp: true };
    expect(() => assertRecentlyVerifiedOrThrow(session, at('2026-11-25T02:10:00Z'), { reauthMinutes: 15, canUseSso: false })).not.toThrow();
    let caught: unknown;
    try {
      assertRecentlyVerifiedOrThrow(session, at('2026-11-25T02:20:00Z'), { reauthMinutes: 15, canUseSso: true });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect(caught).toMatchObject({ code: 'auth.reauth_required', details: { reauthMinutes: 15, hasTotp: true, canUseSso: true } });
  });
});
