// Pure rules of the page that sets which roles must use two-step verification (pages/TwoFactorRoles.tsx).
import type { RoleSetReach, TwoFactorImpact } from '../api/two-factor-roles';
import { scopeRefusalOf } from './unit-scope';

export interface Reach {
  activeAccounts: number;
  withoutTwoFactor: number;
}

const NONE: Reach = { activeAccounts: 0, withoutTwoFactor: 0 };

const holdsAny = (set: RoleSetReach, roles: readonly string[]): boolean => set.roles.some((r) => roles.includes(r));

const sum = (sets: readonly RoleSetReach[]): Reach =>
  sets.reduce((n, s) => ({ activeAccounts: n.activeAccounts + s.activeAccounts, withoutTwoFactor: n.withoutTwoFactor + s.withoutTwoFactor }), NONE);

/** The people the roles reach, each once however many of the roles they hold. */
export function reachOf(impact: TwoFactorImpact, roles: readonly string[]): Reach {
  return sum(impact.roleSets.filter((s) => holdsAny(s, roles)));
}

/** One role's line (zeros for a role nobody holds). */
export function roleReachOf(impact: TwoFactorImpact, role: string): Reach {
  const found = impact.byRole.find((r) => r.role === role);
  return found ? { activeAccounts: found.activeAccounts, withoutTwoFactor: found.withoutTwoFactor } : NONE;
}

/**
 * What saving the draft changes for people: those it newly requires it of who have not set it up (they can do
 * nothing else at their next request), and those it no longer requires it of. People already required are
 * neither: saving changes nothing for them.
 */
export function changeOf(impact: TwoFactorImpact, saved: readonly string[], draft: readonly string[]): { newlyBlocked: number; released: number } {
  const added = impact.roleSets.filter((s) => holdsAny(s, draft) && !holdsAny(s, saved));
  const removed = impact.roleSets.filter((s) => holdsAny(s, saved) && !holdsAny(s, draft));
  return { newlyBlocked: sum(added).withoutTwoFactor, released: sum(removed).activeAccounts };
}

/**
 * The roles to send: the ticked ones, plus stored roles the page does not show, which a save must not drop
 * behind the administrator's back.
 */
export function rolesToSave(draft: readonly string[], saved: readonly string[], shown: readonly string[]): string[] {
  return [...new Set([...draft.filter((r) => shown.includes(r)), ...saved.filter((r) => !shown.includes(r))])].sort();
}

export function isSameRoles(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((r, i) => r === y[i]);
}

/** The server's refusal of someone below a top-level unit (403 `auth.forbidden`, reason `not_top_level_unit`). */
export function isNotTopLevelRefusal(err: unknown): boolean {
  return scopeRefusalOf(err) === 'not_top_level_unit';
}

/** The reader would be held to setting it up themself: one of their roles is ticked and theirs is not on. */
export function mustSetUpOwn(ownRoles: readonly string[], draft: readonly string[], isOwnOn: boolean): boolean {
  return !isOwnOn && ownRoles.some((r) => draft.includes(r));
}
