import { describe, expect, it } from 'vitest';
import type { UserActor } from '../auth/actor.js';
import { checkPassword } from '../auth/password-policy.js';
import { permissionsForRoles, type Role } from '../auth/roles.js';
import { isManageableBy, isOwnAccount, isStaffRole, newTemporaryPassword, normalizeUsername, refusedRoles, STAFF_ROLES, USERNAME_PATTERN } from './staff-account-rules.js';

const actorOf = (roles: Role[], unitPath: string, userId = 'u-admin'): UserActor => ({
  kind: 'user', userId, username: 'someone', displayName: 'someone', roles, permissions: permissionsForRoles(roles), unitId: 'unit', unitPath,
});

describe('staff account rules', () => {
  it('lets an administrator manage people of their unit and the units below it, never service accounts', () => {
    const admin = actorOf(['admin'], 'lhasa.city');
    expect(isManageableBy(admin, { id: 'a', unit: { path: 'lhasa.city' }, isServiceAccount: false })).toBe(true);
    expect(isManageableBy(admin, { id: 'b', unit: { path: 'lhasa.city.hrss' }, isServiceAccount: false })).toBe(true);
    expect(isManageableBy(admin, { id: 'c', unit: { path: 'lhasa' }, isServiceAccount: false })).toBe(false);
    expect(isManageableBy(admin, { id: 'd', unit: { path: 'lhasa.cityman' }, isServiceAccount: false })).toBe(false);
    expect(isManageableBy(admin, { id: 'e', unit: { path: 'lhasa.city.hrss' }, isServiceAccount: true })).toBe(false);
  });

  it('refuses unknown roles, the citizen role, and roles stronger than the giver', () => {
    const admin = actorOf(['admin'], 'lhasa');
    expect(refusedRoles(admin, ['agent', 'unit_leader', 'admin'])).toEqual([]);
    expect(refusedRoles(admin, ['citizen', 'root'])).toEqual([
      { role: 'citizen', reason: 'unknown_role' },
      { role: 'root', reason: 'unknown_role' },
    ]);
    // A dispatcher holds every permission of an agent, but not the supervisor's case.supervise nor the admin's.
    const dispatcher = actorOf(['dispatcher'], 'lhasa');
    expect(refusedRoles(dispatcher, ['agent', 'supervisor', 'admin'])).toEqual([
      { role: 'supervisor', reason: 'role_too_strong' },
      { role: 'admin', reason: 'role_too_strong' },
    ]);
    expect(STAFF_ROLES).not.toContain('citizen');
    expect(isStaffRole('unit_handler')).toBe(true);
    expect(isStaffRole('citizen')).toBe(false);
  });

  it('knows an account is the actor’s own', () => {
    const admin = actorOf(['admin'], 'lhasa', 'me');
    expect(isOwnAccount(admin, 'me')).toBe(true);
    expect(isOwnAccount(admin, 'someone-else')).toBe(false);
  });

  it('takes usernames in lower case, in one shape', () => {
    expect(normalizeUsername('  Zhang.Wei ')).toBe('zhang.wei');
    expect(USERNAME_PATTERN.test('zhang.wei')).toBe(true);
    expect(USERNAME_PATTERN.test('z')).toBe(false);
    expect(USERNAME_PATTERN.test('.zhang')).toBe(false);
    expect(USERNAME_PATTERN.test('张伟')).toBe(false);
  });

  it('makes one-time passwords that pass the policy, without look-alike characters, never twice the same', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      const password = newTemporaryPassword('zhang.wei');
      expect(password).toMatch(/^[a-zA-Z2-9]{4}-[a-zA-Z2-9]{4}-[a-zA-Z2-9]{4}$/);
      expect(password).not.toMatch(/[01OIl]/);
      expect(checkPassword(password, 'zhang.wei')).toEqual([]);
      seen.add(password);
    }
    expect(seen.size).toBe(200);
  });
});
