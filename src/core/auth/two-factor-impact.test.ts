import { describe, expect, it } from 'vitest';
import { AppError } from '../shared/app-error.js';
import type { UserActor } from './actor.js';
import { countByRole, getTwoFactorImpact, mergeRoleSets } from './two-factor-impact.js';

const actorAt = (unitPath: string): UserActor => ({
  kind: 'user', userId: 'u1', username: 'admin', displayName: 'admin', roles: ['admin'], permissions: new Set(['security.manage']), unitId: 'unit', unitPath,
});

describe('the reach of the roles that must use two-factor authentication', () => {
  it('merges stored arrays into sets, sorted, without repeats or unknown roles', () => {
    expect(
      mergeRoleSets([
        { roles: ['supervisor', 'agent'], activeAccounts: 2, withoutTwoFactor: 1 },
        { roles: ['agent', 'supervisor', 'agent'], activeAccounts: 1, withoutTwoFactor: 1 },
        { roles: ['admin', 'retired_role'], activeAccounts: 1, withoutTwoFactor: 0 },
      ]),
    ).toEqual([
      { roles: ['admin'], activeAccounts: 1, withoutTwoFactor: 0 },
      { roles: ['agent', 'supervisor'], activeAccounts: 3, withoutTwoFactor: 2 },
    ]);
  });

  it('counts a person under every role they hold, and lists every role', () => {
    const byRole = countByRole([
      { roles: ['agent', 'supervisor'], activeAccounts: 3, withoutTwoFactor: 2 },
      { roles: ['supervisor'], activeAccounts: 1, withoutTwoFactor: 0 },
    ]);
    expect(byRole.find((r) => r.role === 'supervisor')).toEqual({ role: 'supervisor', activeAccounts: 4, withoutTwoFactor: 2 });
    expect(byRole.find((r) => r.role === 'agent')).toEqual({ role: 'agent', activeAccounts: 3, withoutTwoFactor: 2 });
    expect(byRole.find((r) => r.role === 'admin')).toEqual({ role: 'admin', activeAccounts: 0, withoutTwoFactor: 0 });
    expect(byRole).toHaveLength(7);
  });

  it('answers administrators of a top-level unit only', async () => {
    const store = { countActiveAccountsByRoles: async () => [{ roles: ['admin'], activeAccounts: 1, withoutTwoFactor: 1 }] };
    expect((await getTwoFactorImpact(store, actorAt('lhasa'))).roleSets).toEqual([{ roles: ['admin'], activeAccounts: 1, withoutTwoFactor: 1 }]);
    const refusal = await getTwoFactorImpact(store, actorAt('lhasa.hrss')).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: 'auth.forbidden', details: { reason: 'not_top_level_unit' } });
  });
});
