import { isPathWithin, type UserActor } from '../auth/actor.js';
import type { Role } from '../auth/roles.js';
import { AppError } from '../shared/app-error.js';
import { hashPassword } from '../shared/secrets.js';
import {
  isManageableBy, isOwnAccount, isStaffRole, newTemporaryPassword, normalizeUsername, refusedRoles, USERNAME_PATTERN,
  type AccountChange, type AccountStatusFilter,
} from './staff-account-rules.js';

/*
 * Use cases of staff accounts (docs/access.md, "Staff accounts"): administrators (user.manage) make, change,
 * disable and unlock the accounts of their unit and the units below it, and hand out one-time passwords.
 */

// ------------------------------------------------------------------------------------------------ ports

export type StaffAccountView = {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  unit: { id: string; code: string; path: string };
  isActive: boolean;
  hasTotp: boolean;
  mustChangePassword: boolean;
  lastLoginAt: Date | null;
  /** Until when sign-in is refused after too many wrong passwords, if it is now. */
  lockedUntil: Date | null;
  activeSessions: number;
  createdAt: Date;
  createdBy: { id: string; username: string } | null;
};

export type StaffAccountRecord = StaffAccountView & { isServiceAccount: boolean };

export type StaffAccountFilter = {
  q: string | null;
  /** The unit and the units below it. */
  unitId: string | null;
  role: Role | null;
  status: AccountStatusFilter;
  limit: number;
  offset: number;
};

export type StaffAccountStore = {
  findUnit: (unitId: string) => Promise<{ id: string; path: string; isActive: boolean } | null>;
  findUnitByCode: (code: string) => Promise<{ id: string; path: string; isActive: boolean } | null>;
  findAccountIdByUsername: (username: string) => Promise<string | null>;
  usernameExists: (username: string) => Promise<boolean>;
  /** People's accounts (never service accounts) whose unit lies within the path. */
  listAccounts: (unitPath: string, filter: StaffAccountFilter, now: Date) => Promise<{ items: StaffAccountView[]; total: number }>;
  findAccount: (userId: string, now: Date) => Promise<StaffAccountRecord | null>;
  /** `createdBy` is null for an account made on the command line (the first administrator). */
  insertAccount: (row: { username: string; displayName: string; roles: Role[]; unitId: string; passwordHash: string; createdBy: string | null; at: Date }) => Promise<string>;
  updateAccount: (userId: string, patch: { displayName?: string; roles?: Role[]; unitId?: string }) => Promise<void>;
  /** Disabling also ends every session and revokes every API token of the account, in one transaction. */
  setActive: (userId: string, isActive: boolean, by: string, at: Date) => Promise<void>;
  /** Sets a password its owner must replace, and ends every session of the account, in one transaction. */
  setTemporaryPassword: (userId: string, passwordHash: string, at: Date) => Promise<void>;
  /** Lifts the lock of too many wrong passwords (the username's counter; an address's counter stays). */
  clearLoginLock: (username: string) => Promise<void>;
};

export type StaffAccountDeps = { store: StaffAccountStore; now: () => Date };

// ---------------------------------------------------------------------------------------------- helpers

const fieldError = (path: string, message: string, problem: string, extra: Record<string, unknown> = {}): AppError =>
  new AppError('validation.failed', message, { issues: [{ path, message: problem, ...extra }] });

/** Accounts of other units, and service accounts, answer like missing ones. */
const findManageableOrThrow = async (deps: StaffAccountDeps, actor: UserActor, userId: string): Promise<StaffAccountRecord> => {
  const account = await deps.store.findAccount(userId, deps.now());
  if (!account || !isManageableBy(actor, account)) throw new AppError('resource.not_found', 'no such staff account', { userId });
  return account;
};

const refuseOwnOrThrow = (actor: UserActor, accountId: string, change: AccountChange): void => {
  if (isOwnAccount(actor, accountId)) {
    throw new AppError('user.self_change_refused', 'ask another administrator to make this change to your own account', { change });
  }
};

const checkRolesOrThrow = (actor: UserActor, roles: readonly string[]): Role[] => {
  const unique = [...new Set(roles)];
  const refused = refusedRoles(actor, unique);
  if (refused.length > 0) {
    const first = refused[0];
    throw fieldError(
      'body.roles',
      first?.reason === 'unknown_role' ? `unknown staff role ${first.role}` : `the role ${first?.role} gives permissions you do not hold`,
      first?.reason ?? 'unknown_role',
      { roles: refused.map((r) => r.role) },
    );
  }
  return unique as Role[];
};

const checkUnitOrThrow = async (deps: StaffAccountDeps, actor: UserActor, unitId: string): Promise<{ id: string; path: string }> => {
  const unit = await deps.store.findUnit(unitId);
  if (!unit) throw fieldError('body.unitId', 'no such unit', 'unknown_unit');
  if (!isPathWithin(actor.unitPath, unit.path)) throw fieldError('body.unitId', 'the unit must be yours or one below it', 'outside_scope');
  if (!unit.isActive) throw fieldError('body.unitId', 'this unit is closed', 'unit_inactive');
  return unit;
};

const displayNameOrThrow = (raw: string): string => {
  const name = raw.trim();
  if (name.length === 0 || name.length > 100) throw fieldError('body.displayName', 'a name of 1 to 100 characters', 'bad_length');
  return name;
};

const reloadOrThrow = async (deps: StaffAccountDeps, userId: string): Promise<StaffAccountView> => {
  const account = await deps.store.findAccount(userId, deps.now());
  if (!account) throw new Error(`staff account ${userId} vanished`);
  return account;
};

// ------------------------------------------------------------------------------------------- use cases

export const listStaffAccounts = async (
  deps: StaffAccountDeps,
  actor: UserActor,
  filter: StaffAccountFilter,
): Promise<{ items: StaffAccountView[]; total: number }> => {
  let scopePath = actor.unitPath;
  if (filter.unitId !== null) {
    const unit = await deps.store.findUnit(filter.unitId);
    // A unit outside the administrator's answers like an empty one: the list does not confirm other units' shape.
    if (!unit || !isPathWithin(actor.unitPath, unit.path)) return { items: [], total: 0 };
    scopePath = unit.path;
  }
  return deps.store.listAccounts(scopePath, filter, deps.now());
};

export const getStaffAccount = async (deps: StaffAccountDeps, actor: UserActor, userId: string): Promise<StaffAccountView> =>
  findManageableOrThrow(deps, actor, userId);

export type NewStaffAccountInput = { username: string; displayName: string; roles: readonly string[]; unitId: string };

/**
 * Makes an account with a one-time password, returned this once for the administrator to pass on. The owner
 * replaces it at their first sign-in, so the administrator never knows the password the account is used with.
 */
export const createStaffAccount = async (
  deps: StaffAccountDeps,
  actor: UserActor,
  input: NewStaffAccountInput,
): Promise<{ account: StaffAccountView; temporaryPassword: string }> => {
  const username = normalizeUsername(input.username);
  if (!USERNAME_PATTERN.test(username)) throw fieldError('body.username', '2 to 64 lower-case letters, digits, dot, dash or underscore', 'bad_username');
  const displayName = displayNameOrThrow(input.displayName);
  const roles = checkRolesOrThrow(actor, input.roles);
  const unit = await checkUnitOrThrow(deps, actor, input.unitId);
  if (await deps.store.usernameExists(username)) throw fieldError('body.username', 'this username is taken', 'taken');
  const temporaryPassword = newTemporaryPassword(username);
  const id = await deps.store.insertAccount({
    username, displayName, roles, unitId: unit.id, passwordHash: await hashPassword(temporaryPassword), createdBy: actor.userId, at: deps.now(),
  });
  return { account: await reloadOrThrow(deps, id), temporaryPassword };
};

export type StaffAccountPatch = { displayName?: string; roles?: readonly string[]; unitId?: string };

/** What a change was, for the audit entry: the fields that changed, before and after. */
export type AccountChanges = { before: Record<string, unknown>; after: Record<string, unknown> };

/**
 * Changes the name, roles or unit. Roles and unit take effect at the account's next request (every request reads
 * them afresh), so no session needs to end.
 */
export const updateStaffAccount = async (
  deps: StaffAccountDeps,
  actor: UserActor,
  userId: string,
  patch: StaffAccountPatch,
): Promise<{ account: StaffAccountView; changes: AccountChanges }> => {
  const account = await findManageableOrThrow(deps, actor, userId);
  const set: { displayName?: string; roles?: Role[]; unitId?: string } = {};
  const changes: AccountChanges = { before: {}, after: {} };
  if (patch.displayName !== undefined) {
    const displayName = displayNameOrThrow(patch.displayName);
    if (displayName !== account.displayName) {
      set.displayName = displayName;
      changes.before.displayName = account.displayName;
      changes.after.displayName = displayName;
    }
  }
  if (patch.roles !== undefined) {
    const roles = checkRolesOrThrow(actor, patch.roles);
    const isSame = roles.length === account.roles.length && roles.every((r) => account.roles.includes(r));
    if (!isSame) {
      refuseOwnOrThrow(actor, userId, 'roles');
      // The roles the account holds now may be stronger than the administrator's own: only one who holds them
      // may take them away or keep them, else a weaker administrator could rewrite a stronger one's account.
      checkRolesOrThrow(actor, account.roles);
      set.roles = roles;
      changes.before.roles = account.roles;
      changes.after.roles = roles;
    }
  }
  if (patch.unitId !== undefined && patch.unitId !== account.unit.id) {
    refuseOwnOrThrow(actor, userId, 'unit');
    const unit = await checkUnitOrThrow(deps, actor, patch.unitId);
    set.unitId = unit.id;
    changes.before.unit = { id: account.unit.id, code: account.unit.code };
    changes.after.unit = { id: unit.id };
  }
  if (Object.keys(set).length > 0) await deps.store.updateAccount(userId, set);
  return { account: await reloadOrThrow(deps, userId), changes };
};

/**
 * Disabling ends the account's sessions and revokes its API tokens at once; the account and everything it did
 * stay (timelines and the audit log name it). Enabling gives sign-in back, not the revoked tokens.
 */
export const setStaffAccountActive = async (deps: StaffAccountDeps, actor: UserActor, userId: string, isActive: boolean): Promise<StaffAccountView> => {
  const account = await findManageableOrThrow(deps, actor, userId);
  if (!isActive) refuseOwnOrThrow(actor, userId, 'disable');
  if (account.isActive !== isActive) await deps.store.setActive(userId, isActive, actor.userId, deps.now());
  return reloadOrThrow(deps, userId);
};

/**
 * A new one-time password when the owner has forgotten theirs: every session of the account ends, and a lock
 * from wrong passwords is lifted so that the new password works at once.
 */
export const resetStaffPassword = async (
  deps: StaffAccountDeps,
  actor: UserActor,
  userId: string,
): Promise<{ account: StaffAccountView; temporaryPassword: string }> => {
  const account = await findManageableOrThrow(deps, actor, userId);
  refuseOwnOrThrow(actor, userId, 'reset_password');
  const temporaryPassword = newTemporaryPassword(account.username);
  await deps.store.setTemporaryPassword(userId, await hashPassword(temporaryPassword), deps.now());
  await deps.store.clearLoginLock(account.username);
  return { account: await reloadOrThrow(deps, userId), temporaryPassword };
};

/** Lifts the lock of too many wrong passwords before it ends by itself (the owner called the help desk). */
export const unlockStaffAccount = async (deps: StaffAccountDeps, actor: UserActor, userId: string): Promise<StaffAccountView> => {
  const account = await findManageableOrThrow(deps, actor, userId);
  await deps.store.clearLoginLock(account.username);
  return reloadOrThrow(deps, userId);
};

// ------------------------------------------------------------------------- the operator (command line)

/*
 * The person who runs the server makes the first administrator, and rescues a region whose administrators are
 * all locked out, on the command line (`bihuan users`): they already hold the database, so no role is checked.
 * The rules of shape still hold, and the same one-time password must be replaced at the first sign-in.
 */

const isStaffRoleList = (roles: readonly string[]): roles is Role[] => roles.every(isStaffRole);

export const createStaffAccountAsOperator = async (
  deps: StaffAccountDeps,
  input: { username: string; displayName: string; roles: readonly string[]; unitCode: string },
): Promise<{ account: StaffAccountView; temporaryPassword: string }> => {
  const username = normalizeUsername(input.username);
  if (!USERNAME_PATTERN.test(username)) throw fieldError('username', '2 to 64 lower-case letters, digits, dot, dash or underscore', 'bad_username');
  const displayName = displayNameOrThrow(input.displayName);
  const roles = [...new Set(input.roles)];
  if (!isStaffRoleList(roles)) throw fieldError('role', `unknown staff role in ${roles.join(', ')}`, 'unknown_role');
  const unit = await deps.store.findUnitByCode(input.unitCode);
  if (!unit) throw fieldError('unit', `no unit with the code ${input.unitCode}`, 'unknown_unit');
  if (!unit.isActive) throw fieldError('unit', 'this unit is closed', 'unit_inactive');
  if (await deps.store.usernameExists(username)) throw fieldError('username', 'this username is taken', 'taken');
  const temporaryPassword = newTemporaryPassword(username);
  const id = await deps.store.insertAccount({ username, displayName, roles, unitId: unit.id, passwordHash: await hashPassword(temporaryPassword), createdBy: null, at: deps.now() });
  return { account: await reloadOrThrow(deps, id), temporaryPassword };
};

export const resetStaffPasswordAsOperator = async (deps: StaffAccountDeps, rawUsername: string): Promise<{ account: StaffAccountView; temporaryPassword: string }> => {
  const username = normalizeUsername(rawUsername);
  const id = await deps.store.findAccountIdByUsername(username);
  const account = id ? await deps.store.findAccount(id, deps.now()) : null;
  if (!account || account.isServiceAccount) throw new AppError('resource.not_found', `no staff account ${username}`, { username });
  const temporaryPassword = newTemporaryPassword(username);
  await deps.store.setTemporaryPassword(account.id, await hashPassword(temporaryPassword), deps.now());
  await deps.store.clearLoginLock(username);
  return { account: await reloadOrThrow(deps, account.id), temporaryPassword };
};
