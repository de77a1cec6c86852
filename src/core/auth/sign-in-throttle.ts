import { AppError } from '../shared/app-error.js';
import { clientNetworkOf } from '../shared/client-network.js';
import type { AuthStore } from './auth.ports.js';
import { LOGIN_THROTTLE } from './password-policy.js';

/**
 * The count of wrong passwords and codes, shared by every step that checks one: sign-in, the recent sign-in
 * before a sensitive step, and turning TOTP off. One count per username, whatever the address, and one per
 * address (its network, so that a block of addresses counts as one), so that guessing through one step also
 * locks the others.
 */
export const signInThrottle = (
  store: Pick<AuthStore, 'lockedUntil' | 'recordLoginFailure' | 'clearLoginFailures'>,
  attempt: { username: string; ip: string | null },
  now: Date,
) => {
  const userKey = `user:${attempt.username}`;
  const ipKey = `ip:${attempt.ip ? clientNetworkOf(attempt.ip) : 'unknown'}`;
  return {
    assertNotLockedOrThrow: async (message: string): Promise<void> => {
      const lockedUntil = await store.lockedUntil([userKey, ipKey], now);
      if (lockedUntil) throw new AppError('auth.locked', message, { retryAfterSeconds: Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000) });
    },
    recordFailure: async (): Promise<void> => {
      const { windowMs, lockMs } = LOGIN_THROTTLE;
      await store.recordLoginFailure(userKey, now, { windowMs, lockMs, failures: LOGIN_THROTTLE.userFailures });
      await store.recordLoginFailure(ipKey, now, { windowMs, lockMs, failures: LOGIN_THROTTLE.ipFailures });
    },
    /** After a success: the username's count starts again; the address's stays, so one address cannot reset it. */
    clear: (): Promise<void> => store.clearLoginFailures(userKey),
  };
};
