import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import type { TwoFactorImpact } from '../api/two-factor-roles';
import { changeOf, isNotTopLevelRefusal, isSameRoles, mustSetUpOwn, reachOf, roleReachOf, rolesToSave } from './two-factor-roles';

// Three admins (one without two-step verification), two supervisors who are also agents (both without), one agent.
const impact: TwoFactorImpact = {
  byRole: [
    { role: 'admin', activeAccounts: 3, withoutTwoFactor: 1 },
    { role: 'agent', activeAccounts: 3, withoutTwoFactor: 2 },
    { role: 'supervisor', activeAccounts: 2, withoutTwoFactor: 2 },
  ],
  roleSets: [
    { roles: ['admin'], activeAccounts: 3, withoutTwoFactor: 1 },
    { roles: ['agent', 'supervisor'], activeAccounts: 2, withoutTwoFactor: 2 },
    { roles: ['agent'], activeAccounts: 1, withoutTwoFactor: 0 },
  ],
};

describe('the reach of the roles that must use two-step verification', () => {
  it('counts each person once, however many of the ticked roles they hold', () => {
    expect(reachOf(impact, ['agent', 'supervisor'])).toEqual({ activeAccounts: 3, withoutTwoFactor: 2 });
    expect(reachOf(impact, ['admin', 'agent'])).toEqual({ activeAccounts: 6, withoutTwoFactor: 3 });
    expect(reachOf(impact, [])).toEqual({ activeAccounts: 0, withoutTwoFactor: 0 });
  });

  it('reads one role\'s line, zeros for a role nobody holds', () => {
    expect(roleReachOf(impact, 'supervisor')).toEqual({ activeAccounts: 2, withoutTwoFactor: 2 });
    expect(roleReachOf(impact, 'unit_leader')).toEqual({ activeAccounts: 0, withoutTwoFactor: 0 });
  });

  it('warns only of the people the change newly holds to setting it up, and counts those it lets go', () => {
    // Supervisors are already required: adding agent newly reaches only the agent-only person, who has it on.
    expect(changeOf(impact, ['supervisor'], ['supervisor', 'agent'])).toEqual({ newlyBlocked: 0, released: 0 });
    expect(changeOf(impact, [], ['admin', 'supervisor'])).toEqual({ newlyBlocked: 3, released: 0 });
    expect(changeOf(impact, ['admin', 'agent'], ['agent'])).toEqual({ newlyBlocked: 0, released: 3 });
  });
});

describe('what the page sends and shows', () => {
  it('keeps stored roles the page does not show, and compares sets whatever the order', () => {
    expect(rolesToSave(['supervisor', 'admin'], ['citizen', 'agent'], ['agent', 'supervisor', 'admin'])).toEqual(['admin', 'citizen', 'supervisor']);
    expect(isSameRoles(['admin', 'agent'], ['agent', 'admin', 'agent'])).toBe(true);
    expect(isSameRoles(['admin'], ['admin', 'agent'])).toBe(false);
  });

  it('recognises the refusal of an administrator below a top-level unit, and no other', () => {
    expect(isNotTopLevelRefusal(new ApiError(403, 'auth.forbidden', 'no', undefined, { reason: 'not_top_level_unit' }))).toBe(true);
    expect(isNotTopLevelRefusal(new ApiError(403, 'auth.forbidden', 'no', undefined, { permission: 'security.manage' }))).toBe(false);
    expect(isNotTopLevelRefusal(new ApiError(403, 'auth.reauth_required', 'confirm'))).toBe(false);
    expect(isNotTopLevelRefusal(new Error('not_top_level_unit'))).toBe(false);
  });

  it('warns an administrator who would hold themself to setting it up', () => {
    expect(mustSetUpOwn(['admin'], ['admin', 'supervisor'], false)).toBe(true);
    expect(mustSetUpOwn(['admin'], ['admin'], true)).toBe(false);
    expect(mustSetUpOwn(['admin'], ['supervisor'], false)).toBe(false);
  });
});
