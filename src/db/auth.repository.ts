import { sql } from 'kysely';
import { createMicroBatcher } from '../core/shared/micro-batcher.js';
import type { AuthStore, SignInDevice, UserForAuth } from '../core/auth/auth.ports.js';
import { signInNoticeKey } from '../core/auth/known-devices.js';
import { isRole } from '../core/auth/roles.js';
import { appendAudit } from './audit.repository.js';
import type { Db, DbOrTrx, Trx } from './database.js';
import { endSessionsOfUser } from './sessions.repository.js';
import { createThrottleCounters } from './throttle.repository.js';
import { rolesOf, TWO_FACTOR_ROLES_KEY } from './two-factor.repository.js';

const userColumns = [
  'users.id', 'users.username', 'users.display_name', 'users.password_hash', 'users.has_password', 'users.roles', 'users.unit_id',
  'users.is_active', 'users.must_change_password', 'users.password_change_reason', 'users.password_expires_at', 'users.password_changed_at',
  'users.created_at', 'units.path as unit_path',
] as const;

type UserJoinRow = {
  id: string; username: string; display_name: string; password_hash: string; has_password: boolean; roles: string[]; unit_id: string;
  is_active: boolean; must_change_password: boolean; password_change_reason: 'administrator' | 'expired' | null; password_expires_at: Date | null;
  password_changed_at: Date | null; created_at: Date; unit_path: string;
};

const mapUser = (r: UserJoinRow): UserForAuth => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  passwordHash: r.password_hash,
  hasPassword: r.has_password,
  roles: r.roles.filter(isRole),
  unitId: r.unit_id,
  unitPath: r.unit_path,
  isActive: r.is_active,
  mustChangePassword: r.must_change_password,
  // Flagged before the reason was kept: only an administrator flagged accounts then.
  passwordChangeReason: r.must_change_password ? r.password_change_reason ?? 'administrator' : null,
  passwordExpiresAt: r.password_expires_at,
  passwordChangedAt: r.password_changed_at,
  createdAt: r.created_at,
});

type SessionUser = NonNullable<Awaited<ReturnType<AuthStore['findUserBySessionTokenHash']>>>;

/** The users behind session tokens (by their hashes), in the order given; null for a token unknown or expired. */
const findSessionUsers = async (db: DbOrTrx, tokenHashes: readonly string[], now: Date): Promise<({ user: SessionUser; expiresAt: Date } | null)[]> => {
  const rows = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .select([
      ...userColumns,
      'sessions.id as session_id',
      'sessions.token_hash',
      'sessions.expires_at',
      'sessions.last_seen_at',
      sql<Date>`coalesce(sessions.verified_at, sessions.created_at)`.as('verified_at'),
      sql<unknown>`(SELECT value FROM security_settings WHERE key = ${TWO_FACTOR_ROLES_KEY})`.as('totp_roles'),
      sql<boolean>`EXISTS (SELECT 1 FROM user_totp WHERE user_id = users.id AND enabled_at IS NOT NULL)`.as('totp_enabled'),
    ])
    .where('sessions.token_hash', 'in', [...new Set(tokenHashes)])
    .where('sessions.expires_at', '>', now)
    .execute();
  const byHash = new Map(rows.map((row) => [row.token_hash, row]));
  return tokenHashes.map((hash) => {
    const row = byHash.get(hash);
    if (!row) return null;
    const twoFactor = { isEnabled: row.totp_enabled, requiredRoles: rolesOf(row.totp_roles) };
    return { user: { ...mapUser(row), sessionId: row.session_id, lastSeenAt: row.last_seen_at, verifiedAt: row.verified_at, twoFactor }, expiresAt: row.expires_at };
  });
};

/**
 * Session look-ups of requests arriving together, made with one statement: every signed-in request makes one,
 * and at 50 desks they come in bursts. The expiry is compared with each request's own clock.
 */
export const createSessionFinder = (db: DbOrTrx): AuthStore['findUserBySessionTokenHash'] => {
  const batcher = createMicroBatcher<{ tokenHash: string; now: Date }, SessionUser | null>({
    maxBatch: 100,
    maxInFlight: 2,
    run: async (lookups) => {
      // The earliest clock of the batch: a session expired by a later one is dropped below.
      const earliest = new Date(Math.min(...lookups.map((l) => l.now.getTime())));
      const users = await findSessionUsers(db, lookups.map((l) => l.tokenHash), earliest);
      return lookups.map((l, i) => {
        const found = users[i];
        return { ok: true, value: found && found.expiresAt > l.now ? found.user : null };
      });
    },
  });
  return (tokenHash, now) => batcher.submit({ tokenHash, now });
};

/**
 * The device of a sign-in, and its notice when one is due, behind a savepoint: a failure here is rolled back alone
 * and handed back, so that the session opens all the same.
 */
const rememberDevice = async (trx: Trx, userId: string, sessionId: string, device: SignInDevice, at: Date): Promise<Error | null> => {
  await sql`SAVEPOINT known_device`.execute(trx);
  try {
    await trx
      .insertInto('known_devices')
      .values({ user_id: userId, device_hash: device.key, first_seen_at: at, last_seen_at: at })
      .onConflict((oc) => oc.columns(['user_id', 'device_hash']).doUpdateSet({ last_seen_at: at }))
      .execute();
    if (device.notice) {
      await trx
        .insertInto('staff_notifications')
        .values({ user_id: userId, case_id: null, source_event_id: null, source_key: signInNoticeKey(sessionId), code: device.notice.code, data: JSON.stringify(device.notice.data), created_at: at })
        .onConflict((oc) => oc.columns(['user_id', 'source_key']).doNothing())
        .execute();
    }
    await sql`RELEASE SAVEPOINT known_device`.execute(trx);
    return null;
  } catch (error) {
    await sql`ROLLBACK TO SAVEPOINT known_device`.execute(trx);
    return error instanceof Error ? error : new Error(String(error));
  }
};

export const createAuthStore = (db: Db, counters = createThrottleCounters(db)): AuthStore => ({
  findUserByUsername: async (username) => {
    const row = await db.selectFrom('users').innerJoin('units', 'units.id', 'users.unit_id').select(userColumns).where('users.username', '=', username).executeTakeFirst();
    return row ? mapUser(row) : null;
  },
  findUserBySessionTokenHash: async (tokenHash, now) => (await findSessionUsers(db, [tokenHash], now))[0]?.user ?? null,
  createSession: (s) =>
    db.transaction().execute(async (trx) => {
      const session = await trx
        .insertInto('sessions')
        .values({
          user_id: s.userId, token_hash: s.tokenHash, expires_at: s.expiresAt, ip: s.ip, user_agent: s.userAgent?.slice(0, 500) ?? null, created_at: s.at, last_seen_at: s.at,
          verified_at: s.verifiedAt ?? null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      // Kept on the account: sessions end and are deleted, and administrators look for accounts nobody uses.
      await trx.updateTable('users').set({ last_login_at: s.at }).where('id', '=', s.userId).execute();
      if (!s.device) return { sessionId: session.id, deviceError: null };
      const deviceError = await rememberDevice(trx, s.userId, session.id, s.device, s.at);
      return { sessionId: session.id, deviceError };
    }),
  findKnownDeviceKeys: async (userId) => {
    const rows = await db.selectFrom('known_devices').select('device_hash').where('user_id', '=', userId).execute();
    return rows.map((r) => r.device_hash);
  },
  touchSession: async (sessionId, at) => {
    await db.updateTable('sessions').set({ last_seen_at: at }).where('id', '=', sessionId).execute();
  },
  markSessionVerified: async (tokenHash, at) => {
    const row = await db.updateTable('sessions').set({ verified_at: at }).where('token_hash', '=', tokenHash).returning('id').executeTakeFirst();
    return row !== undefined;
  },
  deleteSessionByTokenHash: async (tokenHash) => {
    await db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
  },
  deleteSessionsOfUser: (userId) => endSessionsOfUser(db, userId),
  lockedUntil: (keys, now) => counters.lockedUntil(keys, now),
  recordLoginFailure: async (key, now, limits) => {
    await counters.recordFailure(key, now, limits);
  },
  clearLoginFailures: (key) => counters.clear(key),
  replacePassword: (userId, passwordHash, at, record) =>
    db.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({ password_hash: passwordHash, has_password: true, password_changed_at: at, must_change_password: false, password_change_reason: null, password_expires_at: null })
        .where('id', '=', userId)
        .execute();
      const endedSessions = await endSessionsOfUser(trx, userId);
      await appendAudit(trx, { ...record, outcome: 'done', data: { ...record.data, endedSessions } });
      return endedSessions;
    }),
  requirePasswordChange: async (userId, reason) => {
    await db.updateTable('users').set({ must_change_password: true, password_change_reason: reason }).where('id', '=', userId).execute();
  },
});
