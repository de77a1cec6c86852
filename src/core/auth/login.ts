import { AppError } from '../shared/app-error.js';
import { DUMMY_PASSWORD_HASH, newSessionToken, sha256, verifyPassword } from '../shared/secrets.js';
import type { Actor } from './actor.js';
import type { AuthDeps, UserForAuth } from './auth.ports.js';
import { permissionsForRoles } from './roles.js';

export const toActor = (user: UserForAuth): Actor => ({
  kind: 'user',
  userId: user.id,
  username: user.username,
  displayName: user.displayName,
  roles: user.roles,
  permissions: permissionsForRoles(user.roles),
  unitId: user.unitId,
  unitPath: user.unitPath,
});

export const login = async (
  deps: AuthDeps,
  input: { username: string; password: string; ip: string | null; userAgent: string | null },
): Promise<{ token: string; user: UserForAuth; expiresAt: Date }> => {
  const user = await deps.store.findUserByUsername(input.username.trim().toLowerCase());
  // Verify even for unknown users so that response time does not reveal which usernames exist.
  const isPasswordValid = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!user || !isPasswordValid) throw new AppError('auth.invalid_credentials', 'wrong username or password');
  if (!user.isActive) throw new AppError('auth.inactive_user', 'this account is disabled');
  const now = deps.now();
  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + deps.sessionTtlHours * 3600_000);
  await deps.store.createSession({ userId: user.id, tokenHash: sha256(token), expiresAt, ip: input.ip, userAgent: input.userAgent, at: now });
  return { token, user, expiresAt };
};

export const authenticate = async (deps: AuthDeps, token: string): Promise<{ actor: Actor; user: UserForAuth } | null> => {
  const now = deps.now();
  const user = await deps.store.findUserBySessionTokenHash(sha256(token), now);
  if (!user || !user.isActive) return null;
  await deps.store.touchSession(user.sessionId, now);
  return { actor: toActor(user), user };
};

export const logout = async (deps: AuthDeps, token: string): Promise<void> => {
  await deps.store.deleteSessionByTokenHash(sha256(token));
};
