import { describe, expect, it } from 'vitest';
import { isDormant, lastActivityOf, type AccountActivity } from './dormant-accounts.js';

const day = (n: number): Date => new Date(Date.UTC(2026, 0, 1) + n * 24 * 3600_000);
const account = (over: Partial<AccountActivity> = {}): AccountActivity => ({
  createdAt: day(0), lastLoginAt: null, enabledAt: null, passwordChangedAt: null, lastTokenUseAt: null, lastSessionSeenAt: null, ...over,
});

describe('dormant accounts', () => {
  it('counts the period from the last sign of life, whichever kind it was', () => {
    expect(lastActivityOf(account())).toEqual(day(0));
    expect(lastActivityOf(account({ lastLoginAt: day(10), enabledAt: day(30), passwordChangedAt: day(20) }))).toEqual(day(30));
    expect(lastActivityOf(account({ lastLoginAt: day(10), lastTokenUseAt: day(50) }))).toEqual(day(50));
    expect(lastActivityOf(account({ lastSessionSeenAt: day(70), lastLoginAt: day(60) }))).toEqual(day(70));
  });

  it('an account never signed in is dormant a period after it was made', () => {
    expect(isDormant(account(), day(89), 90)).toBe(false);
    expect(isDormant(account(), day(90), 90)).toBe(false);
    expect(isDormant(account(), day(91), 90)).toBe(true);
  });

  it('an account enabled again, or given a new password, gets a whole period', () => {
    const old = { lastLoginAt: day(1) };
    expect(isDormant(account(old), day(200), 90)).toBe(true);
    expect(isDormant(account({ ...old, enabledAt: day(150) }), day(200), 90)).toBe(false);
    expect(isDormant(account({ ...old, passwordChangedAt: day(150) }), day(200), 90)).toBe(false);
  });

  it('a person who works only through their own API token is not dormant', () => {
    expect(isDormant(account({ lastLoginAt: day(1), lastTokenUseAt: day(199) }), day(200), 90)).toBe(false);
  });

  it('0 days turns the check off', () => {
    expect(isDormant(account(), day(10_000), 0)).toBe(false);
  });
});
