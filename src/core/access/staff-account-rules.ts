import { randomInt } from 'node:crypto';
import { isPathWithin, type UserActor } from '../auth/actor.js';
import { checkPassword } from '../auth/password-policy.js';
import { ROLE_PERMISSIONS, ROLES, type Role } from '../auth/roles.js';

/*
 * Pure rules of staff accounts (docs/access.md, "Staff accounts"): who may manage whom, which roles and units
 * an administrator may hand out, and what nobody may do to their own account.
 */

/** Lower-case, so that `Zhang.Wei` and `zhang.wei` cannot be two accounts. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;

export const normalizeUsername = (raw: string): string => raw.trim().toLowerCase();

/** Roles of people who work in the system; `citizen` belongs to the public side. */
export const STAFF_ROLES: readonly Role[] = ROLES.filter((r) => r !== 'citizen');

export const isStaffRole = (value: string): value is Role => (STAFF_ROLES as readonly string[]).includes(value);

export type ManagedAccount = { id: string; unit: { path: string }; isServiceAccount: boolean };

/**
 * An administrator manages the people of their unit and the units below it. Service accounts have their own
 * page (API tokens), where their tokens are revoked with them.
 */
export const isManageableBy = (actor: UserActor, account: ManagedAccount): boolean =>
  !account.isServiceAccount && isPathWithin(actor.unitPath, account.unit.path);

export type RoleRefusal = { role: string; reason: 'unknown_role' | 'role_too_strong' };

/**
 * The roles an administrator may give: staff roles whose every permission they hold themselves, so that no one
 * can make an account stronger than their own.
 */
export const refusedRoles = (actor: UserActor, roles: readonly string[]): RoleRefusal[] =>
  roles.flatMap((role): RoleRefusal[] => {
    if (!isStaffRole(role)) return [{ role, reason: 'unknown_role' }];
    return ROLE_PERMISSIONS[role].every((p) => actor.permissions.has(p)) ? [] : [{ role, reason: 'role_too_strong' }];
  });

export type AccountChange = 'roles' | 'unit' | 'disable' | 'reset_password' | 'reset_two_factor' | 'end_sessions' | 'view_sessions' | 'unlock';

/** Who turned an account off: an administrator on the users page, the operator, or the check of dormant accounts. */
export const DISABLED_REASONS = ['administrator', 'operator', 'dormant'] as const;
export type DisabledReason = (typeof DISABLED_REASONS)[number];

/** Whether the account can manage accounts itself (an administrator). */
export const isAdministrator = (roles: readonly Role[]): boolean => roles.some((r) => ROLE_PERMISSIONS[r].includes('user.manage'));

/** `a` is a unit strictly above `b` in the tree. */
export const isStrictlyAbove = (ancestorPath: string, path: string): boolean => path.startsWith(`${ancestorPath}.`);

/**
 * Administrators of the same unit cannot take each other's account: a reset would let one sign in as the other,
 * and a disable or demotion is a way to silence a colleague. So an administrator's roles, unit, status and
 * password are changed from a unit above theirs, or by the operator on the command line (the top unit's
 * administrators have no unit above them). Lifting a lock and renaming stay open to peers: they take nothing.
 */
export const isPeerChangeRefused = (actor: UserActor, account: { roles: readonly Role[]; unit: { path: string } }): boolean =>
  isAdministrator(account.roles) && !isStrictlyAbove(actor.unitPath, account.unit.path);

/** A one-time password works this long: an account never used must not keep a password its administrator knows. */
export const TEMPORARY_PASSWORD_HOURS = 72;

/**
 * Changes nobody makes to their own account: an administrator who demoted, moved or disabled themselves by a
 * slip could lock everyone out, and a reset of one's own password would skip the current-password check.
 * Another administrator does it, or the owner changes their password on the account page.
 */
export const isOwnAccount = (actor: UserActor, accountId: string): boolean => actor.userId === accountId;

const TEMPORARY_ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * A password for the administrator to pass on (read aloud over the phone, often): 3 groups of 4 letters and
 * digits without look-alikes (0/O, 1/l/I), about 70 bits. It works once: the owner must replace it at sign-in.
 */
export const newTemporaryPassword = (username: string): string => {
  for (;;) {
    const groups = Array.from({ length: 3 }, () => Array.from({ length: 4 }, () => TEMPORARY_ALPHABET[randomInt(TEMPORARY_ALPHABET.length)]).join(''));
    const password = groups.join('-');
    if (checkPassword(password, username).length === 0) return password;
  }
};

export const ACCOUNT_STATUSES = ['active', 'disabled', 'all'] as const;
export type AccountStatusFilter = (typeof ACCOUNT_STATUSES)[number];
