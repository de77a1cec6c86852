import { AppError } from '../shared/app-error.js';
import { DUMMY_PASSWORD_HASH, hashPassword, newSessionToken, sha256, verifyPassword } from '../shared/secrets.js';
import { checkPassword, isPasswordTooOld } from './password-policy.js';
import { signInThrottle } from './sign-in-throttle.js';
import { accountChangeRecord, type ChangeContext } from './account-change-record.js';
import type { UserActor } from './actor.js';
import { describeUserAgent } from '../access/user-agent.js';
import type { AuthDeps, SessionFacts, SignInDevice, UserForAuth } from './auth.ports.js';
import { deviceKeyOf, judgeSignInDevice, NEW_DEVICE_NOTICE_CODE, newDeviceNoticeData } from './known-devices.js';
import { permissionsForRoles } from './roles.js';
import { checkSecondFactor, twoFactorError } from './two-factor.js';

export const toActor = (user: UserForAuth): UserActor => ({
  kind: 'user',
  userId: user.id,
  username: user.username,
  displayName: user.displayName,
  roles: user.roles,
  permissions: permissionsForRoles(user.roles),
  unitId: user.unitId,
  unitPath: user.unitPath,
  mustChangePassword: user.mustChangePassword === true,
  passwordChangeReason: user.passwordChangeReason ?? null,
  hasPassword: user.hasPassword,
});

export const login = async (
  deps: AuthDeps,
  input: { username: string; password: string; totpCode?: string | null; ip: string | null; userAgent: string | null },
): Promise<{ token: string; user: UserForAuth; expiresAt: Date; mustEnrollTotp: boolean; mustChangePassword: boolean; deviceError: Error | null }> => {
  const username = input.username.trim().toLowerCase();
  const now = deps.now();
  const throttle = signInThrottle(deps.store, { username, ip: input.ip }, now);
  await throttle.assertNotLockedOrThrow('too many failed sign-ins: try again later');
  const recordFailure = throttle.recordFailure;
  const user = await deps.store.findUserByUsername(username);
  // Verify even for unknown users so that response time does not reveal which usernames exist.
  const isPasswordValid = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!user || !isPasswordValid) {
    await recordFailure();
    throw new AppError('auth.invalid_credentials', 'wrong username or password');
  }
  if (!user.isActive) throw new AppError('auth.inactive_user', 'this account is disabled');
  // Said only to whoever knows the password, so it tells a guesser nothing.
  if (user.passwordExpiresAt && user.passwordExpiresAt.getTime() <= now.getTime()) {
    throw new AppError('auth.password_expired', 'this one-time password has expired: ask your administrator for a new one');
  }
  // The second factor, before failures are cleared: a wrong code counts like a wrong password, and a right
  // password alone (no code) neither opens a session nor resets the count, so codes cannot be guessed forever.
  const second = await checkSecondFactor(deps.twoFactor, user, input.totpCode, now);
  if (second.outcome === 'code_required') throw twoFactorError('totp_required', 'enter the code from your authenticator app, or a recovery code');
  if (second.outcome === 'code_invalid') {
    await recordFailure();
    throw twoFactorError('totp_invalid', 'wrong or already used code');
  }
  await throttle.clear();
  // Checked at a sign-in with the password only: someone who signs in through single sign-on never types it.
  let signedIn = user;
  if (!user.mustChangePassword && isPasswordTooOld(user, now, deps.passwordMaxAgeDays ?? 0)) {
    await deps.store.requirePasswordChange(user.id, 'expired');
    signedIn = { ...user, mustChangePassword: true, passwordChangeReason: 'expired' };
  }
  const session = await openSession(deps, signedIn, input);
  return { ...session, user: signedIn, mustEnrollTotp: second.outcome === 'not_enrolled' && second.mustEnrollTotp, mustChangePassword: signedIn.mustChangePassword === true };
};

/**
 * A new session for a user whose sign-in succeeded (password and second factor, or single sign-on). A new token
 * at every sign-in: a session fixed before login is never reused.
 *
 * The device is remembered, and a sign-in from one new to the account puts a notice in its owner's bell
 * (known-devices.ts), in the session's own transaction. Neither may refuse the sign-in: when they fail, the
 * session opens without them and `deviceError` tells the caller what to log.
 */
export const openSession = async (
  deps: AuthDeps,
  user: { id: string },
  input: { ip: string | null; userAgent: string | null; verifiedAt?: Date },
): Promise<{ token: string; expiresAt: Date; deviceError: Error | null }> => {
  const now = deps.now();
  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + deps.sessionTtlHours * 3600_000);
  let device: SignInDevice | undefined;
  let lookupError: Error | null = null;
  try {
    device = await signInDeviceOf(deps, user.id, input, now);
  } catch (error) {
    lookupError = error instanceof Error ? error : new Error(String(error));
  }
  const created = await deps.store.createSession({
    userId: user.id, tokenHash: sha256(token), expiresAt, ip: input.ip, userAgent: input.userAgent, at: now, ...(input.verifiedAt ? { verifiedAt: input.verifiedAt } : {}),
    ...(device ? { device } : {}),
  });
  return { token, expiresAt, deviceError: lookupError ?? created.deviceError };
};

const signInDeviceOf = async (deps: AuthDeps, userId: string, input: { ip: string | null; userAgent: string | null }, now: Date): Promise<SignInDevice> => {
  const description = describeUserAgent(input.userAgent);
  const key = deviceKeyOf(userId, description);
  // Read before the session's transaction: two sign-ins at the same moment from two new devices may both miss or
  // both give a notice, which is harmless, while a lock here would make every sign-in of the account wait.
  const verdict = judgeSignInDevice(await deps.store.findKnownDeviceKeys(userId), key);
  return { key, notice: verdict === 'new_device' ? { code: NEW_DEVICE_NOTICE_CODE, data: newDeviceNoticeData(description, input.ip, now) } : null };
};

export const SESSION_TOUCH_INTERVAL_MS = 60_000;

export const authenticate = async (deps: AuthDeps, token: string): Promise<{ actor: UserActor; user: UserForAuth & SessionFacts } | null> => {
  const now = deps.now();
  const user = await deps.store.findUserBySessionTokenHash(sha256(token), now);
  if (!user || !user.isActive) return null;
  if (now.getTime() - user.lastSeenAt.getTime() > deps.sessionIdleMinutes * 60_000) {
    await deps.store.deleteSessionByTokenHash(sha256(token));
    return null;
  }
  // The idle timeout is counted in minutes: recording every request would make each read a write (a commit
  // and a WAL flush), and a session used by parallel requests a hot row. Once a minute is precise enough.
  if (now.getTime() - user.lastSeenAt.getTime() >= SESSION_TOUCH_INTERVAL_MS) await deps.store.touchSession(user.sessionId, now);
  return { actor: toActor(user), user };
};

export const logout = async (deps: AuthDeps, token: string): Promise<void> => {
  await deps.store.deleteSessionByTokenHash(sha256(token));
};

/** "Log out everywhere": every session of the user ends, on every device. */
export const logoutEverywhere = async (deps: AuthDeps, userId: string): Promise<number> => deps.store.deleteSessionsOfUser(userId);

export const changePassword = async (
  deps: AuthDeps,
  input: { username: string; currentPassword: string; newPassword: string; context: ChangeContext; apiToken?: { prefix: string } | null },
): Promise<void> => {
  const user = await deps.store.findUserByUsername(input.username);
  // The signed-in owner asks about their own account: saying it has no password tells them only what they know.
  if (user && !user.hasPassword) {
    throw new AppError('validation.failed', 'this account has no password to change: it signs in through single sign-on, and an administrator can set one', {
      issues: [{ path: 'body.currentPassword', message: 'no_password' }],
    });
  }
  if (!user || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
    throw new AppError('validation.failed', 'the current password is wrong', { issues: [{ path: 'body.currentPassword', message: 'wrong password' }] });
  }
  const problems = checkPassword(input.newPassword, user.username);
  // A one-time password from an administrator is known to them: it cannot be kept as the new one.
  if (input.newPassword === input.currentPassword) problems.push('same_as_current');
  if (problems.length > 0) {
    throw new AppError('validation.failed', `the new password is not acceptable: ${problems.join(', ')}`, {
      issues: problems.map((p) => ({ path: 'body.newPassword', message: p })),
    });
  }
  // Everyone holding an old session must sign in again with the new password.
  const at = deps.now();
  const acting = { userId: user.id, username: user.username, apiToken: input.apiToken ?? null };
  await deps.store.replacePassword(
    user.id,
    await hashPassword(input.newPassword),
    at,
    // Whether it replaced an administrator's one-time password or an expired one tells a reader why it was changed.
    accountChangeRecord(acting, input.context, at, {
      action: 'user.password_changed', subjectKind: 'users', subjectId: user.id, data: { username: user.username, reason: user.passwordChangeReason ?? null },
    }),
  );
};
