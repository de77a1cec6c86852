import type { UserActor } from '../auth/actor.js';
import { AppError } from '../shared/app-error.js';

/*
 * The signed-in devices of one's own account (docs/access.md, "Sessions"): where am I signed in, and end the one
 * on the phone I lost. A session ends by itself at its absolute expiry or after the idle time; those that have
 * ended are not shown, whether or not the daily purge has deleted them yet.
 */

export type SessionView = {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  /** The absolute end (BIHUAN_SESSION_TTL_HOURS after sign-in). */
  expiresAt: Date;
  /** When it ends if it stays unused: the earlier of the idle limit and the absolute end. */
  endsAt: Date;
  ip: string | null;
  userAgent: string | null;
  /** The session of the request that asks. */
  isCurrent: boolean;
};

export type SessionStore = {
  /** Sessions not yet ended at `now` (neither expired nor idle since before `idleSince`), the latest used first. */
  listLive: (userId: string, now: Date, idleSince: Date, currentTokenHash: string | null) => Promise<SessionView[]>;
  /**
   * Ends one session of this user that has not ended yet, and gives its token hash (to tell whether it was the
   * caller's own); null when there is none by that id, it has ended, or it is another user's.
   */
  endOne: (userId: string, sessionId: string, now: Date, idleSince: Date) => Promise<{ tokenHash: string } | null>;
  /** Ends every session of the user but the one with this token hash; how many ended. */
  endAllExcept: (userId: string, keepTokenHash: string) => Promise<number>;
};

export type SessionDeps = { store: SessionStore; now: () => Date; idleMinutes: number };

/** When a session last used at `lastSeenAt` ends: the idle limit or its absolute expiry, whichever is first. */
export const sessionEndOf = (session: { lastSeenAt: Date; expiresAt: Date }, idleMinutes: number): Date =>
  new Date(Math.min(session.expiresAt.getTime(), session.lastSeenAt.getTime() + idleMinutes * 60_000));

export const idleSinceOf = (now: Date, idleMinutes: number): Date => new Date(now.getTime() - idleMinutes * 60_000);

const ownerOrThrow = (actor: UserActor): string => {
  // The routes refuse API tokens already; a token's owner must not end the sessions of the person holding it.
  if (actor.apiToken) throw new AppError('auth.token_forbidden', 'API tokens cannot manage sessions', { reason: 'route_not_allowed' });
  return actor.userId;
};

export const listOwnSessions = async (deps: SessionDeps, actor: UserActor, currentTokenHash: string | null): Promise<SessionView[]> => {
  const now = deps.now();
  return deps.store.listLive(ownerOrThrow(actor), now, idleSinceOf(now, deps.idleMinutes), currentTokenHash);
};

/**
 * Ends one of one's own sessions. Another user's session answers like a missing one, so that session ids tell
 * nobody anything. Ending the current one is signing out.
 */
export const endOwnSession = async (
  deps: SessionDeps,
  actor: UserActor,
  input: { sessionId: string; currentTokenHash: string | null },
): Promise<{ wasCurrent: boolean }> => {
  const userId = ownerOrThrow(actor);
  const now = deps.now();
  const ended = await deps.store.endOne(userId, input.sessionId, now, idleSinceOf(now, deps.idleMinutes));
  if (!ended) throw new AppError('resource.not_found', 'no such session', { sessionId: input.sessionId });
  return { wasCurrent: input.currentTokenHash !== null && ended.tokenHash === input.currentTokenHash };
};

/** "Sign out everywhere else": every other device of the account, this one stays signed in. */
export const endOtherOwnSessions = async (deps: SessionDeps, actor: UserActor, currentTokenHash: string): Promise<number> =>
  deps.store.endAllExcept(ownerOrThrow(actor), currentTokenHash);
