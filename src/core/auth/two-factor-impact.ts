import { isTopLevelUnitPath } from '../audit/audit-log-rules.js';
import { AppError } from '../shared/app-error.js';
import type { UserActor } from './actor.js';
import { isRole, ROLES, type Role } from './roles.js';

/*
 * What requiring two-factor authentication for some roles would do to people: how many active accounts hold each
 * role and how many of them have not turned it on (they could then do nothing but set it up). Read before the
 * roles are changed (docs/two-factor.md, "For administrators"). Counts only, never who.
 */

/** Active accounts of people holding exactly this set of roles (sorted, without repeats). */
export type RoleSetCount = { roles: Role[]; activeAccounts: number; withoutTwoFactor: number };

export type RoleCount = { role: Role; activeAccounts: number; withoutTwoFactor: number };

export type TwoFactorImpact = { byRole: RoleCount[]; roleSets: RoleSetCount[] };

export type TwoFactorImpactStore = {
  /**
   * Active accounts of people (service accounts sign in with tokens, which the rule does not reach), grouped by
   * their roles as stored; the same set may come back more than once, in another order.
   */
  countActiveAccountsByRoles: () => Promise<{ roles: readonly string[]; activeAccounts: number; withoutTwoFactor: number }[]>;
};

/** Rows grouped by the stored array become one row per set, so that a selection's total counts each person once. */
export const mergeRoleSets = (rows: readonly { roles: readonly string[]; activeAccounts: number; withoutTwoFactor: number }[]): RoleSetCount[] => {
  const bySet = new Map<string, RoleSetCount>();
  for (const row of rows) {
    const roles = [...new Set(row.roles.filter(isRole))].sort();
    const key = roles.join(',');
    const known = bySet.get(key);
    if (known) {
      known.activeAccounts += row.activeAccounts;
      known.withoutTwoFactor += row.withoutTwoFactor;
    } else {
      bySet.set(key, { roles, activeAccounts: row.activeAccounts, withoutTwoFactor: row.withoutTwoFactor });
    }
  }
  return [...bySet.values()].sort((a, b) => a.roles.join(',').localeCompare(b.roles.join(',')));
};

/** Every role, in the order of ROLES, with the accounts that hold it (a person with two roles counts under both). */
export const countByRole = (roleSets: readonly RoleSetCount[]): RoleCount[] =>
  ROLES.map((role) => {
    const holding = roleSets.filter((set) => set.roles.includes(role));
    return {
      role,
      activeAccounts: holding.reduce((n, set) => n + set.activeAccounts, 0),
      withoutTwoFactor: holding.reduce((n, set) => n + set.withoutTwoFactor, 0),
    };
  });

/**
 * The counts span the whole organisation, as the rule does, so they are for those who may set it: administrators
 * of a top-level unit (the same refusal as the change itself).
 */
export const getTwoFactorImpact = async (store: TwoFactorImpactStore, actor: UserActor): Promise<TwoFactorImpact> => {
  if (!isTopLevelUnitPath(actor.unitPath)) {
    throw new AppError('auth.forbidden', 'the roles that must use two-factor authentication are set by an administrator of a top-level unit', { reason: 'not_top_level_unit' });
  }
  const roleSets = mergeRoleSets(await store.countActiveAccountsByRoles());
  return { byRole: countByRole(roleSets), roleSets };
};
