import { describe, expect, it } from 'vitest';
import { checkPassword, isPasswordTooOld } from './password-policy.js';

const DAY = 24 * 3600_000;
const now = new Date('2026-11-24T00:00:00Z');
const daysAgo = (n: number): Date => new Date(now.getTime() - n * DAY);

describe('password policy', () => {
  it('refuses short, common and one-class passwords, and the username inside', () => {
    expect(checkPassword('short1A', 'zhuoma')).toContain('too_short');
    expect(checkPassword('woaini1314', 'zhuoma')).toContain('too_common');
    expect(checkPassword('abcdefghijkl', 'zhuoma')).toContain('too_simple');
    expect(checkPassword('zhuoma-2026-ok', 'zhuoma')).toContain('contains_username');
    expect(checkPassword('Lhasa-Gesar-2026', 'zhuoma')).toEqual([]);
    // Tibetan letters count as a class of their own.
    expect(checkPassword('བཀྲ་ཤིས་བདེ་ལེགས་2026', 'zhuoma')).toEqual([]);
  });

  it('a password is too old only past the maximum age, counted from its change or else from the account', () => {
    expect(isPasswordTooOld({ passwordChangedAt: daysAgo(91), createdAt: daysAgo(400) }, now, 90)).toBe(true);
    expect(isPasswordTooOld({ passwordChangedAt: daysAgo(89), createdAt: daysAgo(400) }, now, 90)).toBe(false);
    expect(isPasswordTooOld({ passwordChangedAt: null, createdAt: daysAgo(91) }, now, 90)).toBe(true);
    expect(isPasswordTooOld({ passwordChangedAt: null, createdAt: daysAgo(10) }, now, 90)).toBe(false);
  });

  it('no maximum age, no expiry', () => {
    expect(isPasswordTooOld({ passwordChangedAt: daysAgo(5000), createdAt: daysAgo(5000) }, now, 0)).toBe(false);
  });
});
