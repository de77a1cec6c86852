import { describe, expect, it } from 'vitest';
import { authTimeOf } from './oidc-login.js';

const now = new Date('2026-11-25T02:00:00.000Z');
const seconds = now.getTime() / 1000;

describe('auth_time of an ID token', () => {
  it('is when the person signed in at the provider, in seconds', () => {
    expect(authTimeOf({ auth_time: seconds - 600, iat: seconds }, now)?.toISOString()).toBe('2026-11-25T01:50:00.000Z');
    // Within the clock skew, a moment ahead counts as now.
    expect(authTimeOf({ auth_time: seconds + 30 }, now)?.toISOString()).toBe(now.toISOString());
  });

  it('is not believed when it is missing, not a number, in the future, later than the token, or in milliseconds', () => {
    for (const claims of [{}, { auth_time: '1700000000' }, { auth_time: seconds + 3600 }, { auth_time: seconds, iat: seconds - 600 }, { auth_time: now.getTime() }, { auth_time: -1e20 }, { auth_time: Number.NaN }]) {
      expect(authTimeOf(claims, now), JSON.stringify(claims)).toBeNull();
    }
  });
});
