import { sql, type ExpressionBuilder } from 'kysely';
import type { StaffAccountDeps, StaffAccountRecord, StaffAccountStore } from '../core/access/staff-accounts.js';
import type { AccountActivity } from '../core/access/dormant-accounts.js';
import { idleSinceOf } from '../core/access/sessions.js';
import { DEFAULT_SESSION_IDLE_MINUTES } from '../core/auth/auth.ports.js';
import { isRole } from '../core/auth/roles.js';
import { inTransaction, type Db, type DbOrTrx, type Trx } from './database.js';
import type { Database } from './schema.js';
import { endSessionsOfUser, listLiveSessions } from './sessions.repository.js';

/** The login lock of a username lives in throttle_counters under this key (core/auth/login.ts). */
const loginLockKey = (username: string): string => `user:${username}`;

const accountQuery = (db: DbOrTrx, now: Date, idleMinutes: number) =>
  db
    .selectFrom('users as u')
    .innerJoin('units', 'units.id', 'u.unit_id')
    .leftJoin('users as cb', 'cb.id', 'u.created_by')
    .leftJoin('throttle_counters as tc', (join) =>
      join.on(sql<boolean>`tc.key = 'user:' || u.username`).on('tc.locked_until', '>', now))
    .select([
      'u.id', 'u.username', 'u.display_name', 'u.roles', 'u.is_active', 'u.disabled_at', 'u.disabled_reason', 'u.must_change_password', 'u.last_login_at', 'u.created_at',
      'units.id as unit_id', 'units.code as unit_code', 'units.path as unit_path', 'cb.id as created_by_id', 'cb.username as created_by_username',
      'tc.locked_until',
    ])
    .select((eb) => [
      eb.exists(eb.selectFrom('user_totp').select('user_id').whereRef('user_totp.user_id', '=', 'u.id').where('enabled_at', 'is not', null)).as('has_totp'),
      eb.exists(eb.selectFrom('service_accounts').select('user_id').whereRef('service_accounts.user_id', '=', 'u.id')).as('is_service_account'),
      eb
        .selectFrom('sessions')
        .select((e) => e.fn.countAll<string>().as('n'))
        .whereRef('sessions.user_id', '=', 'u.id')
        .where('sessions.expires_at', '>', now)
        .where('sessions.last_seen_at', '>=', idleSinceOf(now, idleMinutes))
        .as('active_sessions'),
    ]);

type AccountRow = Awaited<ReturnType<ReturnType<typeof accountQuery>['executeTakeFirstOrThrow']>>;

const mapAccount = (r: AccountRow): StaffAccountRecord => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  roles: r.roles.filter(isRole),
  unit: { id: r.unit_id, code: r.unit_code, path: r.unit_path },
  isActive: r.is_active,
  disabledAt: r.is_active ? null : r.disabled_at,
  disabledReason: r.is_active ? null : r.disabled_reason,
  hasTotp: Boolean(r.has_totp),
  mustChangePassword: r.must_change_password,
  lastLoginAt: r.last_login_at,
  lockedUntil: r.locked_until,
  activeSessions: Number(r.active_sessions ?? 0),
  createdAt: r.created_at,
  createdBy: r.created_by_id && r.created_by_username ? { id: r.created_by_id, username: r.created_by_username } : null,
  isServiceAccount: Boolean(r.is_service_account),
});

const notServiceAccount = (eb: ExpressionBuilder<Database & { u: Database['users'] }, 'u'>) =>
  eb.not(eb.exists(eb.selectFrom('service_accounts').select('user_id').whereRef('service_accounts.user_id', '=', 'u.id')));

export const createStaffAccountStore = (db: Db | Trx, idleMinutes = DEFAULT_SESSION_IDLE_MINUTES): StaffAccountStore => ({
  findUnit: async (unitId) => {
    const unit = await db.selectFrom('units').select(['id', 'code', 'path', 'is_active']).where('id', '=', unitId).executeTakeFirst();
    return unit ? { id: unit.id, code: unit.code, path: unit.path, isActive: unit.is_active } : null;
  },
  findUnitByCode: async (code) => {
    const unit = await db.selectFrom('units').select(['id', 'code', 'path', 'is_active']).where('code', '=', code).executeTakeFirst();
    return unit ? { id: unit.id, code: unit.code, path: unit.path, isActive: unit.is_active } : null;
  },
  findActor: async (userId) => {
    const row = await db
      .selectFrom('users')
      .innerJoin('units', 'units.id', 'users.unit_id')
      .select(['users.is_active', 'users.roles', 'users.unit_id', 'units.path'])
      .where('users.id', '=', userId)
      .executeTakeFirst();
    return row ? { isActive: row.is_active, roles: row.roles.filter(isRole), unitId: row.unit_id, unitPath: row.path } : null;
  },
  findAccountIdByUsername: async (username) => (await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst())?.id ?? null,
  usernameExists: async (username) => (await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst()) !== undefined,
  listAccounts: async (unitPath, filter, now) => {
    let query = db
      .selectFrom('users as u')
      .innerJoin('units', 'units.id', 'u.unit_id')
      .where(sql<boolean>`units.path <@ ${unitPath}::ltree`)
      .where(notServiceAccount);
    if (filter.q !== null) {
      const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) => eb.or([eb('u.username', 'ilike', pattern), eb('u.display_name', 'ilike', pattern)]));
    }
    if (filter.role !== null) query = query.where(sql<boolean>`${filter.role} = ANY(u.roles)`);
    if (filter.status !== 'all') query = query.where('u.is_active', '=', filter.status === 'active');
    const ids = query.select('u.id');
    const [total, rows] = await Promise.all([
      query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
      accountQuery(db, now, idleMinutes)
        .where('u.id', 'in', ids)
        .orderBy('u.username')
        .limit(filter.limit)
        .offset(filter.offset)
        .execute(),
    ]);
    return { items: rows.map(mapAccount), total: Number(total.n) };
  },
  findAccount: async (userId, now) => {
    const row = await accountQuery(db, now, idleMinutes).where('u.id', '=', userId).executeTakeFirst();
    return row ? mapAccount(row) : null;
  },
  insertAccount: async (row) => {
    const inserted = await db
      .insertInto('users')
      .values({
        username: row.username, display_name: row.displayName, password_hash: row.passwordHash, has_password: true, roles: row.roles, unit_id: row.unitId,
        must_change_password: true, password_change_reason: 'administrator', password_expires_at: row.passwordExpiresAt, created_by: row.createdBy, created_at: row.at,
      })
      .onConflict((oc) => oc.column('username').doNothing())
      .returning('id')
      .executeTakeFirst();
    return inserted?.id ?? null;
  },
  updateAccount: async (userId, patch) => {
    await db
      .updateTable('users')
      .set({
        ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
        ...(patch.roles !== undefined ? { roles: patch.roles } : {}),
        ...(patch.unitId !== undefined ? { unit_id: patch.unitId } : {}),
      })
      .where('id', '=', userId)
      .execute();
  },
  setActive: async (userId, { isActive, by, at, reason }) =>
    inTransaction(db, async (trx) => {
      await trx
        .updateTable('users')
        .set(isActive ? { is_active: true, enabled_at: at, disabled_at: null, disabled_reason: null } : { is_active: false, disabled_at: at, disabled_reason: reason })
        .where('id', '=', userId)
        .execute();
      if (isActive) return { endedSessions: 0, revokedTokens: 0 };
      const endedSessions = await endSessionsOfUser(trx, userId);
      const revoked = await trx
        .updateTable('api_tokens')
        .set({ revoked_at: at, revoked_by: by })
        .where((eb) => eb.or([eb('owner_id', '=', userId), eb('created_by', '=', userId)]))
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return { endedSessions, revokedTokens: Number(revoked.numUpdatedRows) };
    }),
  setTemporaryPassword: async (userId, passwordHash, expiresAt, by, at) =>
    inTransaction(db, async (trx) => {
      await trx
        .updateTable('users')
        .set({ password_hash: passwordHash, has_password: true, password_changed_at: at, must_change_password: true, password_change_reason: 'administrator', password_expires_at: expiresAt })
        .where('id', '=', userId)
        .execute();
      await endSessionsOfUser(trx, userId);
      await trx.updateTable('api_tokens').set({ revoked_at: at, revoked_by: by }).where('owner_id', '=', userId).where('revoked_at', 'is', null).execute();
    }),
  clearLoginLock: async (username) => {
    await db.deleteFrom('throttle_counters').where('key', '=', loginLockKey(username)).execute();
  },
  listSessions: (userId, now) =>
    listLiveSessions(db, { userId, now, idleSince: idleSinceOf(now, idleMinutes), idleMinutes, currentTokenHash: null }),
  endSessions: (userId) => endSessionsOfUser(db, userId),
});

/**
 * One lock for every change of a staff account, so that the steps of two administrators never interleave (and the
 * nightly disable of dormant accounts never lands between an administrator's reset or enable and its answer).
 */
export const STAFF_ACCOUNTS_LOCK = 7_312_003;

/**
 * Given a transaction, every step runs inside it (the lock held until it ends), so that the caller's own writes
 * after the step, such as the command line's audit entry, commit or roll back with it.
 */
export const createStaffAccountDeps = (db: Db | Trx, now: () => Date, idleMinutes = DEFAULT_SESSION_IDLE_MINUTES): StaffAccountDeps => ({
  store: createStaffAccountStore(db, idleMinutes),
  now,
  exclusive: (fn) =>
    inTransaction(db, async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(${STAFF_ACCOUNTS_LOCK})`.execute(trx);
      return fn(createStaffAccountStore(trx, idleMinutes));
    }),
});

// --------------------------------------------------------------------------------------- dormant accounts

export type DormantCandidate = AccountActivity & { id: string; username: string; unitCode: string };

/**
 * People's accounts (never demo or service accounts) with no sign of life since the cutoff: no sign-in, no
 * re-enabling or reset, no use of a token they own and no request of a session since then.
 */
/** The conditions of a dormant account on `users as u`, shared by the search and the disabling update. */
const isDormantSince = (cutoff: Date) => (eb: ExpressionBuilder<Database & { u: Database['users'] }, 'u'>) =>
  eb.and([
    eb('u.is_active', '=', true),
    eb('u.is_demo', '=', false),
    notServiceAccount(eb),
    // greatest() skips nulls, and created_at is never null.
    eb(sql<Date>`greatest(u.created_at, u.last_login_at, u.enabled_at, u.password_changed_at)`, '<', cutoff),
    eb.not(eb.exists(eb.selectFrom('api_tokens').select('id').whereRef('api_tokens.owner_id', '=', 'u.id').where('api_tokens.last_used_at', '>=', cutoff))),
    eb.not(eb.exists(eb.selectFrom('sessions').select('id').whereRef('sessions.user_id', '=', 'u.id').where('sessions.last_seen_at', '>=', cutoff))),
  ]);

export const findDormantAccounts = async (db: DbOrTrx, cutoff: Date, limit: number): Promise<DormantCandidate[]> => {
  const rows = await db
    .selectFrom('users as u')
    .innerJoin('units', 'units.id', 'u.unit_id')
    .where(isDormantSince(cutoff))
    .select(['u.id', 'u.username', 'units.code as unit_code', 'u.created_at', 'u.last_login_at', 'u.enabled_at', 'u.password_changed_at'])
    .select((eb) => [
      eb.selectFrom('api_tokens').select((e) => e.fn.max('last_used_at').as('t')).whereRef('api_tokens.owner_id', '=', 'u.id').as('last_token_use_at'),
      eb.selectFrom('sessions').select((e) => e.fn.max('last_seen_at').as('s')).whereRef('sessions.user_id', '=', 'u.id').as('last_session_seen_at'),
    ])
    .orderBy('u.username')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    username: r.username,
    unitCode: r.unit_code,
    createdAt: r.created_at,
    lastLoginAt: r.last_login_at,
    enabledAt: r.enabled_at,
    passwordChangedAt: r.password_changed_at,
    lastTokenUseAt: r.last_token_use_at ?? null,
    lastSessionSeenAt: r.last_session_seen_at ?? null,
  }));
};

/**
 * Turns a dormant account off in the caller's transaction: its sessions end and the tokens it owns are revoked
 * (none of them was used in the period). Unlike an administrator's disable, the service-account tokens the
 * person made stay: an integration that works every day must not stop because its maker has not signed in.
 * The conditions are checked again by the update itself, so that a sign-in between the search and this step
 * keeps the account. False when it is no longer dormant (or no longer active).
 */
export const disableDormantAccount = async (trx: Trx, userId: string, cutoff: Date, at: Date): Promise<boolean> => {
  const updated = await trx
    .updateTable('users as u')
    .set({ is_active: false, disabled_at: at, disabled_reason: 'dormant' })
    .where('u.id', '=', userId)
    .where(isDormantSince(cutoff))
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return false;
  await endSessionsOfUser(trx, userId);
  await trx.updateTable('api_tokens').set({ revoked_at: at, revoked_by: null }).where('owner_id', '=', userId).where('revoked_at', 'is', null).execute();
  return true;
};
