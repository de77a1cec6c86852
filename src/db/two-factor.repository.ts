import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'kysely';
import type { ManagedAccount } from '../core/access/staff-account-rules.js';
import type { AccountChangeRecord } from '../core/auth/account-change-record.js';
import { isRole, type Role } from '../core/auth/roles.js';
import { createTotpCrypto, type TotpState, type TwoFactorDeps, type TwoFactorStore } from '../core/auth/two-factor.js';
import { appendAudit } from './audit.repository.js';
import { createAuthStore } from './auth.repository.js';
import type { Db, DbOrTrx, Trx } from './database.js';
import type { TwoFactorTables } from './two-factor.schema.js';

/** The two-factor tables on top of the shared Database type (a no-op once schema.ts includes them). */
const tables = (db: DbOrTrx) => db.withTables<TwoFactorTables>();

export const TWO_FACTOR_ROLES_KEY = 'two_factor_roles';

// ------------------------------------------------------------------------------------------------ key

const KEY_PATTERN = /^[A-Za-z0-9+/_-]{43}=?$/;

const decodeKey = (text: string, source: string): Buffer => {
  const trimmed = text.trim();
  const key = KEY_PATTERN.test(trimmed) ? Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64') : Buffer.alloc(0);
  if (key.length !== 32) throw new Error(`${source} must hold 32 random bytes in base64 (e.g. \`openssl rand -base64 32\`)`);
  return key;
};

/**
 * Creates the key file once, atomically: it is written in full under a temporary name, then linked into
 * place, so that two processes starting together never read a half-written key, and the first one wins.
 */
const createKeyFileOnce = (file: string): void => {
  const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temporary, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
};

/**
 * The master key for TOTP secrets and recovery codes: `BIHUAN_TOTP_KEY` (base64 of 32 bytes) when set, else the
 * file `<BIHUAN_DATA_DIR>/totp.key`, created with mode 0600 on first use. A key file that others can read is
 * refused, as ssh refuses such a private key. Losing the key makes every enrolled user's TOTP unusable.
 */
export const loadTotpMasterKey = (env: NodeJS.ProcessEnv = process.env): Buffer => {
  const fromEnv = env.BIHUAN_TOTP_KEY;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return decodeKey(fromEnv, 'BIHUAN_TOTP_KEY');
  const dir = path.resolve(env.BIHUAN_DATA_DIR?.trim() || './data');
  const file = path.join(dir, 'totp.key');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    createKeyFileOnce(file);
  }
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    throw new Error(`${file} can be read by other users: chmod 600 it (and consider the key exposed), or set BIHUAN_TOTP_KEY`);
  }
  return decodeKey(readFileSync(file, 'utf8'), file);
};

// ------------------------------------------------------------------------------------------ repository

const toNumber = (value: string | null): number | null => (value === null ? null : Number(value));

export const findTotp = async (db: DbOrTrx, userId: string): Promise<TotpState | null> => {
  const row = await tables(db).selectFrom('user_totp').selectAll().where('user_id', '=', userId).executeTakeFirst();
  if (!row) return null;
  return {
    sealedSecret: row.secret_sealed,
    enabledAt: row.enabled_at,
    lastUsedStep: toNumber(row.last_used_step),
    sealedPendingSecret: row.pending_secret_sealed,
    pendingCreatedAt: row.pending_created_at,
  };
};

export const rolesOf = (value: unknown): Role[] => (Array.isArray(value) ? value.filter((r): r is Role => typeof r === 'string' && isRole(r)) : []);

export const findRequiredRoles = async (db: DbOrTrx): Promise<{ roles: Role[]; updatedAt: Date | null }> => {
  const row = await tables(db).selectFrom('security_settings').select(['value', 'updated_at']).where('key', '=', TWO_FACTOR_ROLES_KEY).executeTakeFirst();
  return { roles: rolesOf(row?.value), updatedAt: row?.updated_at ?? null };
};

const sameRoles = (a: readonly Role[], b: readonly Role[]): boolean => {
  const sortedB = [...b].sort();
  return a.length === b.length && [...a].sort().every((role, i) => role === sortedB[i]);
};

/**
 * The policy and its audit entry in one transaction. A transaction lock on the setting's name (a new deployment has
 * no row to lock yet) makes a second administrator saving at the same moment wait, so that each entry's `before` is
 * what the other left. Saving the roles already in force, or none on a deployment that never set any, changes
 * nothing and tells nothing; the answer's time is then that of the last change (null: never).
 */
export const saveRequiredRoles = async (db: Db, roles: Role[], by: string, at: Date, record: AccountChangeRecord): Promise<{ updatedAt: Date | null }> =>
  db.transaction().execute(async (trx) => {
    const t = tables(trx);
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`security_settings:${TWO_FACTOR_ROLES_KEY}`}))`.execute(trx);
    const current = await t.selectFrom('security_settings').select(['value', 'updated_at']).where('key', '=', TWO_FACTOR_ROLES_KEY).executeTakeFirst();
    const before = rolesOf(current?.value);
    if (sameRoles(before, roles)) return { updatedAt: current?.updated_at ?? null };
    await t
      .insertInto('security_settings')
      .values({ key: TWO_FACTOR_ROLES_KEY, value: JSON.stringify(roles), updated_by: by, updated_at: at })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(roles), updated_by: by, updated_at: at }))
      .execute();
    await appendAudit(trx, { ...record, outcome: 'done', data: { ...record.data, before, after: roles } });
    return { updatedAt: at };
  });

/** One round trip for the check made on every signed-in request. */
export const findEnrolmentState = async (db: DbOrTrx, userId: string): Promise<{ isEnabled: boolean; requiredRoles: Role[] }> => {
  const result = await sql<{ roles: unknown; is_enabled: boolean }>`
    SELECT
      (SELECT value FROM security_settings WHERE key = ${TWO_FACTOR_ROLES_KEY}) AS roles,
      EXISTS (SELECT 1 FROM user_totp WHERE user_id = ${userId} AND enabled_at IS NOT NULL) AS is_enabled`.execute(db);
  const row = result.rows[0];
  return { isEnabled: row?.is_enabled ?? false, requiredRoles: rolesOf(row?.roles) };
};

export const savePendingSecret = async (db: DbOrTrx, userId: string, sealedSecret: string, at: Date): Promise<void> => {
  await tables(db)
    .insertInto('user_totp')
    .values({ user_id: userId, pending_secret_sealed: sealedSecret, pending_created_at: at, updated_at: at })
    .onConflict((oc) =>
      oc
        .column('user_id')
        .doUpdateSet({ pending_secret_sealed: sealedSecret, pending_created_at: at, updated_at: at })
        // Never touches a secret in use: turning it off comes first.
        .where('user_totp.enabled_at', 'is', null),
    )
    .execute();
};

export const enableTotpSecret = async (
  db: Db,
  input: {
    userId: string; sealedPendingSecret: string; step: number; at: Date; recoveryCodeHashes: string[]; keepSessionTokenHash: string | null; record: AccountChangeRecord;
  },
): Promise<{ endedSessions: number } | null> =>
  db.transaction().execute(async (trx) => {
    const t = tables(trx);
    const updated = await t
      .updateTable('user_totp')
      .set((eb) => ({
        secret_sealed: eb.ref('pending_secret_sealed'),
        enabled_at: input.at,
        last_used_step: input.step,
        pending_secret_sealed: null,
        pending_created_at: null,
        updated_at: input.at,
      }))
      .where('user_id', '=', input.userId)
      .where('enabled_at', 'is', null)
      .where('pending_secret_sealed', '=', input.sealedPendingSecret)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return null;
    await t.deleteFrom('user_recovery_codes').where('user_id', '=', input.userId).execute();
    await t
      .insertInto('user_recovery_codes')
      .values(input.recoveryCodeHashes.map((codeHash) => ({ user_id: input.userId, code_hash: codeHash, created_at: input.at })))
      .execute();
    // The other sessions were opened without the second factor: they end with the change, or not at all.
    const endedSessions = await deleteOtherSessions(trx, input.userId, input.keepSessionTokenHash);
    await appendAudit(trx, { ...input.record, outcome: 'done', data: { ...input.record.data, endedSessions } });
    return { endedSessions };
  });

/** Atomic compare-and-set: of two requests racing with one code, exactly one succeeds. */
export const consumeTotpStep = async (db: DbOrTrx, userId: string, step: number): Promise<boolean> => {
  const result = await tables(db)
    .updateTable('user_totp')
    .set({ last_used_step: step })
    .where('user_id', '=', userId)
    .where('enabled_at', 'is not', null)
    .where((eb) => eb.or([eb('last_used_step', 'is', null), eb('last_used_step', '<', String(step))]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
};

export const consumeRecoveryCode = async (db: DbOrTrx, userId: string, codeHash: string, at: Date): Promise<boolean> => {
  const result = await tables(db)
    .updateTable('user_recovery_codes')
    .set({ used_at: at })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
};

export const countUnusedRecoveryCodes = async (db: DbOrTrx, userId: string): Promise<number> => {
  const row = await tables(db)
    .selectFrom('user_recovery_codes')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
};

const deleteTotpIn = async (trx: Trx, userId: string): Promise<boolean> => {
  const t = tables(trx);
  await t.deleteFrom('user_recovery_codes').where('user_id', '=', userId).execute();
  const result = await t.deleteFrom('user_totp').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
};

/** The owner turns it off: the secret goes with its audit entry, or nothing changes. */
export const deleteTotp = async (db: Db, userId: string, record: AccountChangeRecord): Promise<boolean> =>
  db.transaction().execute(async (trx) => {
    if (!(await deleteTotpIn(trx, userId))) return false;
    await appendAudit(trx, { ...record, outcome: 'done' });
    return true;
  });

/** An administrator's reset: the secret goes with every session of the user and its audit entry, or nothing changes. */
export const resetTotp = async (db: Db, userId: string, record: AccountChangeRecord): Promise<{ endedSessions: number } | null> =>
  db.transaction().execute(async (trx) => {
    if (!(await deleteTotpIn(trx, userId))) return null;
    const endedSessions = await deleteOtherSessions(trx, userId, null);
    await appendAudit(trx, { ...record, outcome: 'done', data: { ...record.data, endedSessions } });
    return { endedSessions };
  });

const findManagedAccount = async (db: DbOrTrx, userId: string): Promise<(ManagedAccount & { roles: Role[]; username: string }) | null> => {
  const row = await db
    .selectFrom('users as u')
    .innerJoin('units as un', 'un.id', 'u.unit_id')
    .select((eb) => [
      'u.id', 'u.username', 'u.roles', 'un.path',
      eb.exists(eb.selectFrom('service_accounts as sa').select('sa.user_id').whereRef('sa.user_id', '=', 'u.id')).as('is_service_account'),
    ])
    .where('u.id', '=', userId)
    .executeTakeFirst();
  return row ? { id: row.id, username: row.username, roles: rolesOf(row.roles), unit: { path: row.path }, isServiceAccount: Boolean(row.is_service_account) } : null;
};

export const deleteOtherSessions = async (db: DbOrTrx, userId: string, keepTokenHash: string | null): Promise<number> => {
  let query = db.deleteFrom('sessions').where('user_id', '=', userId);
  if (keepTokenHash !== null) query = query.where('token_hash', '<>', keepTokenHash);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
};

export const createTwoFactorStore = (db: Db): TwoFactorStore => ({
  findTotp: (userId) => findTotp(db, userId),
  enrolmentState: (userId) => findEnrolmentState(db, userId),
  savePendingSecret: (userId, sealedSecret, at) => savePendingSecret(db, userId, sealedSecret, at),
  enableTotp: (input) => enableTotpSecret(db, input),
  consumeStep: (userId, step) => consumeTotpStep(db, userId, step),
  consumeRecoveryCode: (userId, codeHash, at) => consumeRecoveryCode(db, userId, codeHash, at),
  countUnusedRecoveryCodes: (userId) => countUnusedRecoveryCodes(db, userId),
  deleteTotp: (userId, record) => deleteTotp(db, userId, record),
  requiredRoles: () => findRequiredRoles(db),
  setRequiredRoles: (roles, by, at, record) => saveRequiredRoles(db, roles, by, at, record),
  findManagedAccount: (userId) => findManagedAccount(db, userId),
  resetTotp: (userId, record) => resetTotp(db, userId, record),
});

/** Master keys by where they came from: read once per process, not on every sign-in. */
const keyCache = new Map<string, Buffer>();

const cachedMasterKey = (env: NodeJS.ProcessEnv): Buffer => {
  const source = env.BIHUAN_TOTP_KEY?.trim() ? `env:${env.BIHUAN_TOTP_KEY.trim()}` : `file:${path.resolve(env.BIHUAN_DATA_DIR?.trim() || './data')}`;
  const cached = keyCache.get(source);
  if (cached) return cached;
  const key = loadTotpMasterKey(env);
  keyCache.set(source, key);
  return key;
};

/** Binds the two-factor use cases to PostgreSQL and the master key (read on first use, from `env`). */
export const createTwoFactorDeps = (
  db: Db,
  now: () => Date,
  options: { env?: NodeJS.ProcessEnv; masterKey?: Buffer } = {},
): TwoFactorDeps => ({
  store: createTwoFactorStore(db),
  authStore: createAuthStore(db),
  crypto: createTotpCrypto(() => options.masterKey ?? cachedMasterKey(options.env ?? process.env)),
  now,
});
