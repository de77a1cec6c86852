import type { AuthStore, UserForAuth } from '../core/auth/auth.ports.js';
import { isRole } from '../core/auth/roles.js';
import type { DbOrTrx } from './database.js';

const userColumns = [
  'users.id', 'users.username', 'users.display_name', 'users.password_hash', 'users.roles', 'users.unit_id',
  'users.is_active', 'units.path as unit_path',
] as const;

type UserJoinRow = {
  id: string; username: string; display_name: string; password_hash: string; roles: string[]; unit_id: string;
  is_active: boolean; unit_path: string;
};

const mapUser = (r: UserJoinRow): UserForAuth => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  passwordHash: r.password_hash,
  roles: r.roles.filter(isRole),
  unitId: r.unit_id,
  unitPath: r.unit_path,
  isActive: r.is_active,
});

export const createAuthStore = (db: DbOrTrx): AuthStore => ({
  findUserByUsername: async (username) => {
    const row = await db.selectFrom('users').innerJoin('units', 'units.id', 'users.unit_id').select(userColumns).where('users.username', '=', username).executeTakeFirst();
    return row ? mapUser(row) : null;
  },
  findUserBySessionTokenHash: async (tokenHash, now) => {
    const row = await db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .innerJoin('units', 'units.id', 'users.unit_id')
      .select([...userColumns, 'sessions.id as session_id'])
      .where('sessions.token_hash', '=', tokenHash)
      .where('sessions.expires_at', '>', now)
      .executeTakeFirst();
    return row ? { ...mapUser(row), sessionId: row.session_id } : null;
  },
  createSession: async (s) => {
    await db
      .insertInto('sessions')
      .values({ user_id: s.userId, token_hash: s.tokenHash, expires_at: s.expiresAt, ip: s.ip, user_agent: s.userAgent?.slice(0, 500) ?? null, created_at: s.at, last_seen_at: s.at })
      .execute();
  },
  touchSession: async (sessionId, at) => {
    await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', sessionId).execute();
  },
  deleteSessionByTokenHash: async (tokenHash) => {
    await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  },
});
