import type { SessionStore, SessionView } from '../core/access/sessions.js';
import { sessionEndOf } from '../core/access/sessions.js';
import type { DbOrTrx } from './database.js';

/** Sessions of a user that have not ended at `now`: not expired, and used since `idleSince`. */
export const listLiveSessions = async (
  db: DbOrTrx,
  input: { userId: string; now: Date; idleSince: Date; idleMinutes: number; currentTokenHash: string | null },
): Promise<SessionView[]> => {
  const rows = await db
    .selectFrom('sessions')
    .select(['id', 'token_hash', 'created_at', 'last_seen_at', 'expires_at', 'ip', 'user_agent'])
    .where('user_id', '=', input.userId)
    .where('expires_at', '>', input.now)
    .where('last_seen_at', '>=', input.idleSince)
    .orderBy('last_seen_at', 'desc')
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    lastSeenAt: r.last_seen_at,
    expiresAt: r.expires_at,
    endsAt: sessionEndOf({ lastSeenAt: r.last_seen_at, expiresAt: r.expires_at }, input.idleMinutes),
    ip: r.ip,
    userAgent: r.user_agent,
    isCurrent: input.currentTokenHash !== null && r.token_hash === input.currentTokenHash,
  }));
};

export const endSessionsOfUser = async (db: DbOrTrx, userId: string): Promise<number> => {
  const result = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
};

/**
 * Deletes the sessions that have ended (expired, or idle too long) and were left behind: a session is deleted
 * at once only when its owner signs out or comes back after the idle time. Each row holds an address and a
 * browser's description, which are kept no longer than they serve.
 */
export const purgeEndedSessions = async (db: DbOrTrx, now: Date, idleSince: Date): Promise<number> => {
  const result = await db
    .deleteFrom('sessions')
    .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<', idleSince)]))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
};

export const createSessionStore = (db: DbOrTrx, idleMinutes: number): SessionStore => ({
  listLive: (userId, now, idleSince, currentTokenHash) => listLiveSessions(db, { userId, now, idleSince, idleMinutes, currentTokenHash }),
  endOne: async (userId, sessionId, now, idleSince) => {
    const ended = await db
      .deleteFrom('sessions')
      .where('id', '=', sessionId)
      .where('user_id', '=', userId)
      .where('expires_at', '>', now)
      .where('last_seen_at', '>=', idleSince)
      .returning('token_hash')
      .executeTakeFirst();
    return ended ? { tokenHash: ended.token_hash } : null;
  },
  endAllExcept: async (userId, keepTokenHash) => {
    const result = await db.deleteFrom('sessions').where('user_id', '=', userId).where('token_hash', '!=', keepTokenHash).executeTakeFirst();
    return Number(result.numDeletedRows);
  },
});
