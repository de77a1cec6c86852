import { sql } from 'kysely';
import type { OidcStore } from '../core/access/oidc-login.js';
import { unusablePasswordHash } from '../core/access/api-token-rules.js';
import type { AccessDeps, AccessStore, ApiTokenView, NewApiTokenRow, ServiceAccountView } from '../core/access/api-tokens.js';
import { isRole } from '../core/auth/roles.js';
import { appendAudit } from './audit.repository.js';
import { inTransaction, type Db, type DbOrTrx } from './database.js';

/** PostgreSQL side of API tokens, service accounts and OIDC sign-in states (docs/access.md). */

const tokenViewQuery = (db: DbOrTrx) =>
  db
    .selectFrom('api_tokens as t')
    .innerJoin('users as o', 'o.id', 't.owner_id')
    .innerJoin('units as ou', 'ou.id', 'o.unit_id')
    .leftJoin('units as tu', 'tu.id', 't.unit_id')
    .leftJoin('users as c', 'c.id', 't.created_by')
    .leftJoin('service_accounts as sa', 'sa.user_id', 't.owner_id')
    .select([
      't.id', 't.name', 't.token_prefix', 't.permissions', 't.expires_at', 't.created_at', 't.last_used_at', 't.last_used_ip',
      't.revoked_at', 't.rotated_from', 't.unit_id',
      'o.id as owner_id', 'o.username as owner_username', 'o.display_name as owner_display_name', 'o.unit_id as owner_unit_id',
      'ou.path as owner_unit_path', 'tu.code as unit_code', 'tu.path as unit_path', 'c.id as creator_id', 'c.username as creator_username',
    ])
    .select((eb) => [
      sql<string[] | null>`t.allowed_ips::text[]`.as('allowed_ips'),
      eb.case().when('sa.user_id', 'is not', null).then(true).else(false).end().as('is_service_account'),
    ]);

type TokenViewRow = Awaited<ReturnType<ReturnType<typeof tokenViewQuery>['executeTakeFirstOrThrow']>>;

const mapTokenView = (r: TokenViewRow): ApiTokenView & { ownerUnitPath: string } => ({
  id: r.id,
  name: r.name,
  tokenPrefix: r.token_prefix,
  owner: { id: r.owner_id, username: r.owner_username, displayName: r.owner_display_name, isServiceAccount: Boolean(r.is_service_account), unitId: r.owner_unit_id },
  permissions: r.permissions,
  unit: r.unit_id && r.unit_code && r.unit_path ? { id: r.unit_id, code: r.unit_code, path: r.unit_path } : null,
  allowedIps: r.allowed_ips,
  expiresAt: r.expires_at,
  createdAt: r.created_at,
  createdBy: r.creator_id && r.creator_username ? { id: r.creator_id, username: r.creator_username } : null,
  lastUsedAt: r.last_used_at,
  lastUsedIp: r.last_used_ip,
  revokedAt: r.revoked_at,
  rotatedFrom: r.rotated_from,
  ownerUnitPath: r.owner_unit_path,
});

const insertTokenRow = async (db: DbOrTrx, row: NewApiTokenRow): Promise<string> => {
  const inserted = await db
    .insertInto('api_tokens')
    .values({
      owner_id: row.ownerId, name: row.name, token_prefix: row.tokenPrefix, token_hash: row.tokenHash, permissions: row.permissions,
      unit_id: row.unitId, allowed_ips: row.allowedIps, expires_at: row.expiresAt, created_by: row.createdBy, created_at: row.createdAt,
      rotated_from: row.rotatedFrom,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
};

/** Given a transaction, every write runs inside it, so that a route's audit entry commits or rolls back with it. */
export const createAccessStore = (db: DbOrTrx): AccessStore => ({
  findTokenForAuth: async (tokenHash) => {
    const r = await db
      .selectFrom('api_tokens as t')
      .innerJoin('users as o', 'o.id', 't.owner_id')
      .innerJoin('units as ou', 'ou.id', 'o.unit_id')
      .leftJoin('units as tu', 'tu.id', 't.unit_id')
      .select([
        't.id', 't.token_prefix', 't.permissions', 't.unit_id', 't.expires_at', 't.revoked_at', 't.last_used_at', 'tu.path as unit_path',
        'o.id as owner_id', 'o.username', 'o.display_name', 'o.roles', 'o.unit_id as owner_unit_id', 'o.is_active', 'o.has_password', 'ou.path as owner_unit_path',
      ])
      .select(sql<string[] | null>`t.allowed_ips::text[]`.as('allowed_ips'))
      .where('t.token_hash', '=', tokenHash)
      .executeTakeFirst();
    if (!r) return null;
    return {
      token: {
        id: r.id, tokenPrefix: r.token_prefix, permissions: r.permissions, unitId: r.unit_id, unitPath: r.unit_path, allowedIps: r.allowed_ips,
        expiresAt: r.expires_at, revokedAt: r.revoked_at, lastUsedAt: r.last_used_at,
      },
      owner: {
        id: r.owner_id, username: r.username, displayName: r.display_name, roles: r.roles.filter(isRole), unitId: r.owner_unit_id,
        unitPath: r.owner_unit_path, isActive: r.is_active, hasPassword: r.has_password,
      },
    };
  },
  touchToken: async (tokenId, at, ip) => {
    // Conditional, so that parallel requests of one token write it once a minute, not once each.
    await db
      .updateTable('api_tokens')
      .set({ last_used_at: at, last_used_ip: ip?.slice(0, 64) ?? null })
      .where('id', '=', tokenId)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<=', new Date(at.getTime() - 60_000))]))
      .execute();
  },
  findUnit: async (unitId) => (await db.selectFrom('units').select(['id', 'path']).where('id', '=', unitId).executeTakeFirst()) ?? null,
  findOwner: async (userId) => {
    const r = await db
      .selectFrom('users as u')
      .innerJoin('units', 'units.id', 'u.unit_id')
      .leftJoin('service_accounts as sa', 'sa.user_id', 'u.id')
      .select(['u.id', 'u.username', 'u.display_name', 'u.roles', 'u.unit_id', 'u.is_active', 'units.path', 'sa.user_id as sa_id'])
      .where('u.id', '=', userId)
      .executeTakeFirst();
    if (!r) return null;
    return {
      id: r.id, username: r.username, displayName: r.display_name, roles: r.roles.filter(isRole), unitId: r.unit_id, unitPath: r.path,
      isActive: r.is_active, isServiceAccount: r.sa_id !== null,
    };
  },
  insertToken: async (row) => insertTokenRow(db, row),
  listTokens: async (scope, filter) => {
    let query = tokenViewQuery(db)
      .where((eb) => eb.or([eb('t.owner_id', '=', scope.userId), sql<boolean>`ou.path <@ ${scope.unitPath}::ltree`]))
      .orderBy('t.created_at', 'desc')
      .limit(500);
    if (filter.ownerId) query = query.where('t.owner_id', '=', filter.ownerId);
    if (!filter.includeInactive) query = query.where('t.revoked_at', 'is', null).where('t.expires_at', '>', filter.now);
    return (await query.execute()).map(mapTokenView);
  },
  findToken: async (tokenId) => {
    const r = await tokenViewQuery(db).where('t.id', '=', tokenId).executeTakeFirst();
    return r ? mapTokenView(r) : null;
  },
  revokeToken: async (tokenId, by, at) => {
    const result = await db.updateTable('api_tokens').set({ revoked_at: at, revoked_by: by }).where('id', '=', tokenId).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  },
  rotateToken: async (oldTokenId, by, row) =>
    inTransaction(db, async (trx) => {
      const revoked = await trx
        .updateTable('api_tokens')
        .set({ revoked_at: row.createdAt, revoked_by: by })
        .where('id', '=', oldTokenId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      if (Number(revoked.numUpdatedRows) === 0) return null;
      return insertTokenRow(trx, row);
    }),
  usernameExists: async (username) => (await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst()) !== undefined,
  insertServiceAccount: async (input) =>
    inTransaction(db, async (trx) => {
      const user = await trx
        .insertInto('users')
        .values({ username: input.username, display_name: input.displayName, password_hash: input.passwordHash, has_password: false, roles: input.roles, unit_id: input.unitId })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.insertInto('service_accounts').values({ user_id: user.id, description: input.description, created_by: input.createdBy, created_at: input.at }).execute();
      return user.id;
    }),
  listServiceAccounts: async (unitPath, now) => {
    const rows = await db
      .selectFrom('service_accounts as sa')
      .innerJoin('users as u', 'u.id', 'sa.user_id')
      .innerJoin('units', 'units.id', 'u.unit_id')
      .select(['u.id', 'u.username', 'u.display_name', 'u.roles', 'u.unit_id', 'units.path', 'u.is_active', 'sa.description', 'sa.created_at'])
      .select((eb) =>
        eb
          .selectFrom('api_tokens as t')
          .select((e) => e.fn.countAll<string>().as('n'))
          .whereRef('t.owner_id', '=', 'u.id')
          .where('t.revoked_at', 'is', null)
          .where('t.expires_at', '>', now)
          .as('active_tokens'),
      )
      .where(sql<boolean>`units.path <@ ${unitPath}::ltree`)
      .orderBy('u.username')
      .execute();
    return rows.map((r): ServiceAccountView => ({
      id: r.id, username: r.username, displayName: r.display_name, roles: r.roles.filter(isRole), unitId: r.unit_id, unitPath: r.path,
      isActive: r.is_active, description: r.description, createdAt: r.created_at, activeTokens: Number(r.active_tokens ?? 0),
    }));
  },
  deactivateServiceAccount: async (userId, by, at) =>
    inTransaction(db, async (trx) => {
      const isAccount = await trx.selectFrom('service_accounts').select('user_id').where('user_id', '=', userId).executeTakeFirst();
      if (!isAccount) return null;
      await trx.updateTable('users').set({ is_active: false }).where('id', '=', userId).execute();
      const revoked = await trx
        .updateTable('api_tokens')
        .set({ revoked_at: at, revoked_by: by })
        .where('owner_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return { revokedTokens: Number(revoked.numUpdatedRows) };
    }),
});

export const createAccessDeps = (db: DbOrTrx, now: () => Date): AccessDeps => ({ store: createAccessStore(db), now });

/** Whether the user is a service account (which never signs in interactively, OIDC included). */
export const isServiceAccount = async (db: DbOrTrx, userId: string): Promise<boolean> =>
  (await db.selectFrom('service_accounts').select('user_id').where('user_id', '=', userId).executeTakeFirst()) !== undefined;

// ------------------------------------------------------------------------------------------- OIDC sign-in

export const createOidcStore = (db: Db): OidcStore => ({
  saveState: async (row) => {
    await db
      .insertInto('oidc_login_states')
      .values({
        state_hash: row.stateHash, browser_hash: row.browserHash, nonce: row.nonce, code_verifier: row.codeVerifier, return_to: row.returnTo,
        created_at: row.createdAt, expires_at: row.expiresAt, is_confirmation: row.isConfirmation,
      })
      .execute();
  },
  takeState: async (stateHash) => {
    const r = await db.deleteFrom('oidc_login_states').where('state_hash', '=', stateHash).returningAll().executeTakeFirst();
    return r
      ? {
          stateHash: r.state_hash, browserHash: r.browser_hash, nonce: r.nonce, codeVerifier: r.code_verifier, returnTo: r.return_to, createdAt: r.created_at,
          expiresAt: r.expires_at, isConfirmation: r.is_confirmation,
        }
      : null;
  },
  deleteExpiredStates: async (now) => {
    await db.deleteFrom('oidc_login_states').where('expires_at', '<', now).execute();
  },
  isServiceAccount: async (userId) => isServiceAccount(db, userId),
  createUserWithoutRoles: (input) => inTransaction(db, async (trx) => {
    const unit = await trx.selectFrom('units').select(['id', 'path']).where('code', '=', input.unitCode).executeTakeFirst();
    if (!unit) return null;
    // A password hash nothing matches: the person signs in through the provider only (until a password is set for
    // them), and confirms a sensitive step there too, so the confirmation must not ask for a password.
    const passwordHash = unusablePasswordHash();
    const row = await trx
      .insertInto('users')
      .values({ username: input.username, display_name: input.displayName, password_hash: passwordHash, has_password: false, roles: [], unit_id: unit.id })
      .onConflict((oc) => oc.column('username').doNothing())
      .returning(['id', 'is_active'])
      .executeTakeFirst();
    // Two first sign-ins racing: the other one made the user; read it back.
    const user = row ?? (await trx.selectFrom('users').select(['id', 'is_active']).where('username', '=', input.username).executeTakeFirstOrThrow());
    const full = await trx.selectFrom('users').select(['id', 'username', 'display_name', 'password_hash', 'has_password', 'roles', 'unit_id']).where('id', '=', user.id).executeTakeFirstOrThrow();
    // Only the sign-in that made the account records it: a racing one found it made.
    if (row) {
      await appendAudit(trx, {
        at: input.at, actorId: full.id, actorName: full.username, ip: input.context.ip, userAgent: input.context.userAgent,
        action: 'user.created', subjectKind: 'users', subjectId: full.id, outcome: 'done',
        data: { username: full.username, via: 'single_sign_on', roles: [], unit: { id: unit.id, code: input.unitCode } },
      });
    }
    return {
      id: full.id, username: full.username, displayName: full.display_name, passwordHash: full.password_hash, hasPassword: full.has_password, roles: full.roles.filter(isRole),
      unitId: full.unit_id, unitPath: unit.path, isActive: user.is_active,
    };
  }),
  isTotpEnabled: async (userId) =>
    (await db.selectFrom('user_totp').select('user_id').where('user_id', '=', userId).where('enabled_at', 'is not', null).executeTakeFirst()) !== undefined,
});
