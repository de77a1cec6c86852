import { isPathWithin, type UserActor } from '../auth/actor.js';
import { permissionsForRoles, type Role } from '../auth/roles.js';
import { AppError } from '../shared/app-error.js';
import { hashPassword } from '../shared/secrets.js';
import type { SessionView } from './sessions.js';
import {
  isManageableBy, isOwnAccount, isPeerChangeRefused, isStaffRole, newTemporaryPassword, normalizeUsername, refusedRoles, TEMPORARY_PASSWORD_HOURS,
  USERNAME_PATTERN, type AccountChange, type AccountStatusFilter, type DisabledReason,
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
  /** Set while the account is disabled: by an administrator, by the operator, or by the check of dormant accounts. */
  disabledAt: Date | null;
  disabledReason: DisabledReason | null;
  hasTotp: boolean;
  mustChangePassword: boolean;
  lastLoginAt: Date | null;
  /** Until when sign-in is refused after too many wrong passwords, if it is now. */
  lockedUntil: Date | null;
  /** Sessions that have not ended (neither expired nor idle too long). */
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
  findUnit: (unitId: string) => Promise<{ id: string; code: string; path: string; isActive: boolean } | null>;
  findUnitByCode: (code: string) => Promise<{ id: string; code: string; path: string; isActive: boolean } | null>;
  /** The acting administrator as they are now (another administrator may have just disabled or demoted them). */
  findActor: (userId: string) => Promise<{ isActive: boolean; roles: Role[]; unitId: string; unitPath: string } | null>;
  findAccountIdByUsername: (username: string) => Promise<string | null>;
  usernameExists: (username: string) => Promise<boolean>;
  /** People's accounts (never service accounts) whose unit lies within the path. */
  listAccounts: (unitPath: string, filter: StaffAccountFilter, now: Date) => Promise<{ items: StaffAccountView[]; total: number }>;
  findAccount: (userId: string, now: Date) => Promise<StaffAccountRecord | null>;
  /**
   * `createdBy` is null for an account made on the command line (the first administrator). Null when the username
   * was taken meanwhile (the unique index decides between two administrators making the same account at once).
   */
  insertAccount: (row: {
    username: string; displayName: string; roles: Role[]; unitId: string; passwordHash: string; passwordExpiresAt: Date; createdBy: string | null; at: Date;
  }) => Promise<string | null>;
  updateAccount: (userId: string, patch: { displayName?: string; roles?: Role[]; unitId?: string }) => Promise<void>;
  /**
   * Disabling also ends every session of the account and revokes every API token it owns or made (a service
   * account's token made by someone who leaves is a secret they saw). The counts are what disabling ended (both
   * 0 for an enable), for the operator's report on the command line.
   */
  setActive: (
    userId: string,
    change: { isActive: boolean; by: string | null; at: Date; reason: DisabledReason },
  ) => Promise<{ endedSessions: number; revokedTokens: number }>;
  /**
   * Sets a password its owner must replace before it expires, ends every session of the account and revokes the
   * tokens it owns: a reset is the answer to an account someone else may hold.
   */
  setTemporaryPassword: (userId: string, passwordHash: string, expiresAt: Date, by: string | null, at: Date) => Promise<void>;
  /** Lifts the lock of too many wrong passwords (the username's counter; an address's counter stays). */
  clearLoginLock: (username: string) => Promise<void>;
  /** The account's sessions that have not ended, the latest used first; none marked current (that is the owner's page). */
  listSessions: (userId: string, now: Date) => Promise<SessionView[]>;
  /** Ends every session of the account (its API tokens stay); how many ended. */
  endSessions: (userId: string) => Promise<number>;
};

export type StaffAccountDeps = {
  store: StaffAccountStore;
  now: () => Date;
  /**
   * Runs the changes of one step one after the other with every other step's (a transaction under one lock),
   * with a store bound to it: two administrators disabling each other at once cannot both succeed.
   */
  exclusive: <T>(fn: (store: StaffAccountStore) => Promise<T>) => Promise<T>;
};

/** What a step reads and writes inside its exclusive section. */
type Section = { store: StaffAccountStore; now: () => Date };

// ---------------------------------------------------------------------------------------------- helpers

const fieldError = (path: string, message: string, problem: string, extra: Record<string, unknown> = {}): AppError =>
  new AppError('validation.failed', message, { issues: [{ path, message: problem, ...extra }] });

/** Accounts of other units, and service accounts, answer like missing ones. */
const findManageableOrThrow = async (deps: Section, actor: UserActor, userId: string): Promise<StaffAccountRecord> => {
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

const checkUnitOrThrow = async (deps: Section, actor: UserActor, unitId: string): Promise<{ id: string; code: string; path: string }> => {
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

const reloadOrThrow = async (deps: Section, userId: string): Promise<StaffAccountView> => {
  const account = await deps.store.findAccount(userId, deps.now());
  if (!account) throw new Error(`staff account ${userId} vanished`);
  return account;
};

const refusePeerOrThrow = (actor: UserActor, account: StaffAccountRecord, change: AccountChange): void => {
  if (isPeerChangeRefused(actor, account)) {
    throw new AppError(
      'auth.forbidden', 'an administrator is changed from a unit above theirs, or on the command line', { reason: 'peer_administrator', change },
      'errors.auth.forbidden.peer_administrator',
    );
  }
};

/**
 * The acting administrator as they are now, inside the step's section: their session was checked when the
 * request began, but another administrator may have disabled, demoted or moved them since.
 */
const currentActorOrThrow = async (store: StaffAccountStore, actor: UserActor): Promise<UserActor> => {
  const now = await store.findActor(actor.userId);
  if (!now || !now.isActive || !permissionsForRoles(now.roles).has('user.manage')) {
    throw new AppError('auth.forbidden', 'you may no longer manage accounts', { permission: 'user.manage', reason: 'no_longer_allowed' });
  }
  return { ...actor, roles: now.roles, permissions: permissionsForRoles(now.roles), unitId: now.unitId, unitPath: now.unitPath };
};

/** Runs a step of an administrator in its section, with the administrator as they are now. */
const asAdministrator = <T>(deps: StaffAccountDeps, actor: UserActor, step: (section: Section, me: UserActor) => Promise<T>): Promise<T> =>
  deps.exclusive(async (store) => {
    const section = { store, now: deps.now };
    return step(section, await currentActorOrThrow(store, actor));
  });

const expiryOf = (now: Date): Date => new Date(now.getTime() + TEMPORARY_PASSWORD_HOURS * 3600_000);

const takenError = (): AppError => fieldError('body.username', 'this username is taken', 'taken');

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
 * replaces it at their first sign-in, within TEMPORARY_PASSWORD_HOURS, so the administrator never knows the
 * password the account is used with.
 */
export const createStaffAccount = async (
  deps: StaffAccountDeps,
  actor: UserActor,
  input: NewStaffAccountInput,
): Promise<{ account: StaffAccountView; temporaryPassword: string }> => {
  const username = normalizeUsername(input.username);
  if (!USERNAME_PATTERN.test(username)) throw fieldError('body.username', '2 to 64 lower-case letters, digits, dot, dash or underscore', 'bad_username');
  const displayName = displayNameOrThrow(input.displayName);
  const temporaryPassword = newTemporaryPassword(username);
  const passwordHash = await hashPassword(temporaryPassword);
  return asAdministrator(deps, actor, async (section, me) => {
    const roles = checkRolesOrThrow(me, input.roles);
    const unit = await checkUnitOrThrow(section, me, input.unitId);
    if (await section.store.usernameExists(username)) throw takenError();
    const now = deps.now();
    const id = await section.store.insertAccount({ username, displayName, roles, unitId: unit.id, passwordHash, passwordExpiresAt: expiryOf(now), createdBy: me.userId, at: now });
    if (!id) throw takenError();
    return { account: await reloadOrThrow(section, id), temporaryPassword };
  });
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
): Promise<{ account: StaffAccountView; changes: AccountChanges }> =>
  asAdministrator(deps, actor, async (section, me) => {
    const account = await findManageableOrThrow(section, me, userId);
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
      const roles = checkRolesOrThrow(me, patch.roles);
      const isSame = roles.length === account.roles.length && roles.every((r) => account.roles.includes(r));
      if (!isSame) {
        refuseOwnOrThrow(me, userId, 'roles');
        refusePeerOrThrow(me, account, 'roles');
        // The roles the account holds now may be stronger than the administrator's own: only one who holds them
        // may take them away or keep them, else a weaker administrator could rewrite a stronger one's account.
        checkRolesOrThrow(me, account.roles);
        set.roles = roles;
        changes.before.roles = account.roles;
        changes.after.roles = roles;
      }
    }
    if (patch.unitId !== undefined && patch.unitId !== account.unit.id) {
      refuseOwnOrThrow(me, userId, 'unit');
      refusePeerOrThrow(me, account, 'unit');
      const unit = await checkUnitOrThrow(section, me, patch.unitId);
      set.unitId = unit.id;
      changes.before.unit = { id: account.unit.id, code: account.unit.code };
      changes.after.unit = { id: unit.id, code: unit.code };
    }
    if (Object.keys(set).length > 0) await section.store.updateAccount(userId, set);
    return { account: await reloadOrThrow(section, userId), changes };
  });

/**
 * Disabling ends the account's sessions and revokes its API tokens at once; the account and everything it did
 * stay (timelines and the audit log name it). Enabling gives sign-in back, not the revoked tokens. An account
 * already as asked stays as it is (`isChanged` false), so that the audit log tells only of real changes.
 */
export const setStaffAccountActive = async (
  deps: StaffAccountDeps,
  actor: UserActor,
  userId: string,
  isActive: boolean,
): Promise<{ account: StaffAccountView; isChanged: boolean; endedSessions: number; revokedTokens: number }> =>
  asAdministrator(deps, actor, async (section, me) => {
    const account = await findManageableOrThrow(section, me, userId);
    if (!isActive) refuseOwnOrThrow(me, userId, 'disable');
    refusePeerOrThrow(me, account, 'disable');
    if (account.isActive === isActive) return { account: await reloadOrThrow(section, userId), isChanged: false, endedSessions: 0, revokedTokens: 0 };
    const ended = await section.store.setActive(userId, { isActive, by: me.userId, at: deps.now(), reason: 'administrator' });
    return { account: await reloadOrThrow(section, userId), isChanged: true, ...ended };
  });

/**
 * A new one-time password when the owner has forgotten theirs: every session of the account ends, its own API
 * tokens are revoked, and a lock from wrong passwords is lifted so that the new password works at once.
 */
export const resetStaffPassword = async (
  deps: StaffAccountDeps,
  actor: UserActor,
  userId: string,
): Promise<{ account: StaffAccountView; temporaryPassword: string }> =>
  asAdministrator(deps, actor, async (section, me) => {
    const account = await findManageableOrThrow(section, me, userId);
    refuseOwnOrThrow(me, userId, 'reset_password');
    refusePeerOrThrow(me, account, 'reset_password');
    const temporaryPassword = newTemporaryPassword(account.username);
    const now = deps.now();
    await section.store.setTemporaryPassword(userId, await hashPassword(temporaryPassword), expiryOf(now), me.userId, now);
    await section.store.clearLoginLock(account.username);
    return { account: await reloadOrThrow(section, userId), temporaryPassword };
  });

/** Lifts the lock of too many wrong passwords before it ends by itself (the owner called the help desk). */
export const unlockStaffAccount = async (deps: StaffAccountDeps, actor: UserActor, userId: string): Promise<StaffAccountView> =>
  asAdministrator(deps, actor, async (section, me) => {
    // One's own lock is what stops a stolen session from guessing the password at the recent sign-in
    // (recent-auth.ts): it is lifted by time or by another administrator.
    refuseOwnOrThrow(me, userId, 'unlock');
    const account = await findManageableOrThrow(section, me, userId);
    await section.store.clearLoginLock(account.username);
    return reloadOrThrow(section, userId);
  });

/**
 * The devices an account is signed in on, for the administrator helping its owner ("I left myself signed in at
 * the service station"). Addresses and browsers are what the owner sees of their own sessions.
 */
export const listStaffAccountSessions = async (deps: StaffAccountDeps, actor: UserActor, userId: string): Promise<SessionView[]> => {
  const account = await findManageableOrThrow(deps, actor, userId);
  // Where and when a colleague works is theirs: a peer administrator sees it no more than they may end it.
  if (!isOwnAccount(actor, userId)) refusePeerOrThrow(actor, account, 'view_sessions');
  return deps.store.listSessions(userId, deps.now());
};

/**
 * Signs an account out everywhere without disabling it (a phone lost, a shared computer left signed in): the
 * owner signs in again with their password. Its API tokens stay; disabling is the step that revokes them.
 */
export const endStaffAccountSessions = async (
  deps: StaffAccountDeps,
  actor: UserActor,
  userId: string,
): Promise<{ account: StaffAccountView; endedSessions: number }> =>
  asAdministrator(deps, actor, async (section, me) => {
    const account = await findManageableOrThrow(section, me, userId);
    refuseOwnOrThrow(me, userId, 'end_sessions');
    refusePeerOrThrow(me, account, 'end_sessions');
    const endedSessions = await section.store.endSessions(userId);
    return { account: await reloadOrThrow(section, userId), endedSessions };
  });

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
  const temporaryPassword = newTemporaryPassword(username);
  const passwordHash = await hashPassword(temporaryPassword);
  return deps.exclusive(async (store) => {
    const section = { store, now: deps.now };
    const unit = await store.findUnitByCode(input.unitCode);
    if (!unit) throw fieldError('unit', `no unit with the code ${input.unitCode}`, 'unknown_unit');
    if (!unit.isActive) throw fieldError('unit', 'this unit is closed', 'unit_inactive');
    const now = deps.now();
    const id = (await store.usernameExists(username))
      ? null
      : await store.insertAccount({ username, displayName, roles, unitId: unit.id, passwordHash, passwordExpiresAt: expiryOf(now), createdBy: null, at: now });
    if (!id) throw fieldError('username', 'this username is taken', 'taken');
    return { account: await reloadOrThrow(section, id), temporaryPassword };
  });
};

const findStaffByUsernameOrThrow = async (section: Section, rawUsername: string): Promise<StaffAccountRecord> => {
  const username = normalizeUsername(rawUsername);
  const id = await section.store.findAccountIdByUsername(username);
  const account = id ? await section.store.findAccount(id, section.now()) : null;
  if (!account || account.isServiceAccount) throw new AppError('resource.not_found', `no staff account ${username}`, { username });
  return account;
};

/** The way back in for a locked-out administrator: a one-time password, the lock lifted, sessions and tokens ended. */
export const resetStaffPasswordAsOperator = async (deps: StaffAccountDeps, rawUsername: string): Promise<{ account: StaffAccountView; temporaryPassword: string }> => {
  const temporaryPassword = newTemporaryPassword(normalizeUsername(rawUsername));
  const passwordHash = await hashPassword(temporaryPassword);
  return deps.exclusive(async (store) => {
    const section = { store, now: deps.now };
    const account = await findStaffByUsernameOrThrow(section, rawUsername);
    const now = deps.now();
    await store.setTemporaryPassword(account.id, passwordHash, expiryOf(now), null, now);
    await store.clearLoginLock(account.username);
    return { account: await reloadOrThrow(section, account.id), temporaryPassword };
  });
};

/** Gives sign-in back to a disabled account (the administrators of a region disabled one another, say). */
export const enableStaffAccountAsOperator = async (deps: StaffAccountDeps, rawUsername: string): Promise<StaffAccountView> =>
  deps.exclusive(async (store) => {
    const section = { store, now: deps.now };
    const account = await findStaffByUsernameOrThrow(section, rawUsername);
    if (!account.isActive) await store.setActive(account.id, { isActive: true, by: null, at: deps.now(), reason: 'operator' });
    return reloadOrThrow(section, account.id);
  });

/**
 * Turns an account off from the server, as an administrator's disable does (sessions ended, the tokens it owns or
 * made revoked), with the reason `operator`: the answer when no administrator above the account can act (the top
 * unit's administrators have none). An account already off stays as it is, with its first reason and date.
 */
export const disableStaffAccountAsOperator = async (
  deps: StaffAccountDeps,
  rawUsername: string,
): Promise<{ account: StaffAccountView; isChanged: boolean; endedSessions: number; revokedTokens: number }> =>
  deps.exclusive(async (store) => {
    const section = { store, now: deps.now };
    const account = await findStaffByUsernameOrThrow(section, rawUsername);
    if (!account.isActive) return { account, isChanged: false, endedSessions: 0, revokedTokens: 0 };
    const ended = await store.setActive(account.id, { isActive: false, by: null, at: deps.now(), reason: 'operator' });
    return { account: await reloadOrThrow(section, account.id), isChanged: true, ...ended };
  });

/** Signs an account out everywhere from the server; as an administrator's step, its API tokens stay. */
export const endStaffAccountSessionsAsOperator = async (
  deps: StaffAccountDeps,
  rawUsername: string,
): Promise<{ account: StaffAccountView; endedSessions: number }> =>
  deps.exclusive(async (store) => {
    const section = { store, now: deps.now };
    const account = await findStaffByUsernameOrThrow(section, rawUsername);
    const endedSessions = await store.endSessions(account.id);
    return { account: await reloadOrThrow(section, account.id), endedSessions };
  });
