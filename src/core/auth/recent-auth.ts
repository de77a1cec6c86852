import { AppError } from '../shared/app-error.js';
import { sha256, verifyPassword } from '../shared/secrets.js';
import type { AuthDeps } from './auth.ports.js';
import { signInThrottle } from './sign-in-throttle.js';
import { checkSecondFactor, wrongField } from './two-factor.js';

/*
 * Recent sign-in ("sudo mode", docs/access.md): steps that change who can do what, or that reach a person's data
 * across cases, need the session's owner to have proved who they are within the last few minutes. A session left
 * open on an unattended desk, or a stolen session cookie, then cannot make an account, raise a role or erase a
 * person without also knowing the password.
 */

/** BIHUAN_REAUTH_MINUTES when unset. */
export const DEFAULT_REAUTH_MINUTES = 15;

/** Whether a session whose owner last proved who they are at `verifiedAt` may take a sensitive step now; 0 minutes turns the check off. */
export const isRecentlyVerified = (verifiedAt: Date, now: Date, reauthMinutes: number): boolean =>
  reauthMinutes <= 0 || now.getTime() - verifiedAt.getTime() <= reauthMinutes * 60_000;

/** Until when the confirmation holds, or null when the check is off. */
export const verifiedUntilOf = (verifiedAt: Date, reauthMinutes: number): Date | null =>
  reauthMinutes <= 0 ? null : new Date(verifiedAt.getTime() + reauthMinutes * 60_000);

/**
 * The refusal says how the person can confirm: `hasPassword` false (an account made by single sign-on) means the
 * page must not ask for a password they never had, only offer single sign-on (`canUseSso`), or, with neither,
 * send them to an administrator.
 */
export const assertRecentlyVerifiedOrThrow = (
  session: { verifiedAt: Date; hasTotp: boolean; hasPassword: boolean },
  now: Date,
  settings: { reauthMinutes: number; canUseSso: boolean },
): void => {
  if (isRecentlyVerified(session.verifiedAt, now, settings.reauthMinutes)) return;
  const how = session.hasPassword ? 'confirm your password first' : 'sign in again through single sign-on first';
  throw new AppError('auth.reauth_required', `${how}: this step needs a sign-in within the last ${settings.reauthMinutes} minutes`, {
    reauthMinutes: settings.reauthMinutes,
    hasPassword: session.hasPassword,
    hasTotp: session.hasTotp,
    canUseSso: settings.canUseSso,
  });
};

/**
 * The owner of a session enters the password again (and a code when TOTP is on). Wrong attempts count like
 * failed sign-ins, on the same keys, so a stolen session cannot be used to guess the password. A wrong password
 * is a field error, not a 401: the session itself stays valid. An account without a password is refused before
 * the lock and the count: there is nothing to guess, and a lock left by someone guessing at the sign-in page must
 * not hide the way that works for it (single sign-on).
 */
export const reauthenticate = async (
  deps: AuthDeps,
  input: { username: string; sessionToken: string; password: string; totpCode: string | null; ip: string | null },
): Promise<{ verifiedUntil: Date | null }> => {
  const now = deps.now();
  const user = await deps.store.findUserByUsername(input.username);
  if (!user || !user.isActive) throw new AppError('auth.required', 'sign in first');
  // Said only to the signed-in owner of the account: nobody learns from it which accounts have a password.
  if (!user.hasPassword) throw wrongField('body.password', 'this account has no password: confirm by signing in again through single sign-on', 'no_password');
  const throttle = signInThrottle(deps.store, { username: input.username, ip: input.ip }, now);
  await throttle.assertNotLockedOrThrow('too many failed attempts: try again later');
  const recordFailure = throttle.recordFailure;
  if (!(await verifyPassword(input.password, user.passwordHash))) {
    await recordFailure();
    throw wrongField('body.password', 'the password is wrong', 'wrong password');
  }
  const second = await checkSecondFactor(deps.twoFactor, user, input.totpCode, now);
  if (second.outcome === 'code_required') throw wrongField('body.totpCode', 'enter the code from your authenticator app, or a recovery code', 'required');
  if (second.outcome === 'code_invalid') {
    await recordFailure();
    throw wrongField('body.totpCode', 'the code is wrong or was already used', 'wrong_code');
  }
  await throttle.clear();
  const isMarked = await deps.store.markSessionVerified(sha256(input.sessionToken), now);
  // The session ended between the auth hook and here (signed out on another tab, ended by an administrator).
  if (!isMarked) throw new AppError('auth.required', 'sign in first');
  return { verifiedUntil: verifiedUntilOf(now, deps.reauthMinutes ?? DEFAULT_REAUTH_MINUTES) };
};
