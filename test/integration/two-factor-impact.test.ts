import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * GET /admin/security/two-factor-roles/impact (docs/two-factor.md): the counts an administrator reads before
 * requiring two-factor authentication for roles. Expected numbers are counted here from the rows the test writes,
 * not from the query under test.
 */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

type Impact = {
  byRole: { role: string; activeAccounts: number; withoutTwoFactor: number }[];
  roleSets: { roles: string[]; activeAccounts: number; withoutTwoFactor: number }[];
};

const impactAs = async (username: string): Promise<Impact> => {
  const res = await t.call(username, 'GET', '/api/v1/admin/security/two-factor-roles/impact');
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Impact;
};

const roleOf = (impact: Impact, role: string) => impact.byRole.find((r) => r.role === role);

describe('who requiring two-factor authentication would reach', () => {
  it('counts active people per role and per set of roles, without two-factor, leaving out disabled and service accounts', async () => {
    const db = t.database.db;
    const before = await impactAs('admin');
    expect(before.byRole.map((r) => r.role)).toEqual(['citizen', 'agent', 'dispatcher', 'unit_handler', 'unit_leader', 'supervisor', 'admin']);

    const lhasa = await db.selectFrom('units').select('id').where('code', '=', 'lhasa').executeTakeFirstOrThrow();
    const hash = (await db.selectFrom('users').select('password_hash').where('username', '=', 'admin').executeTakeFirstOrThrow()).password_hash;
    const add = async (username: string, roles: string[], isActive = true): Promise<string> =>
      (await db.insertInto('users').values({ username, display_name: username, password_hash: hash, roles, unit_id: lhasa.id, is_active: isActive }).returning('id').executeTakeFirstOrThrow()).id;
    // Two roles, one of them stored twice and out of order: one person in one set.
    await add('impact_both', ['supervisor', 'agent', 'supervisor']);
    await add('impact_both_b', ['agent', 'supervisor']);
    const enrolledId = await add('impact_enrolled', ['supervisor']);
    const now = new Date();
    await db.insertInto('user_totp').values({ user_id: enrolledId, secret_sealed: 'sealed-by-the-test', enabled_at: now, updated_at: now }).execute();
    // Set up but not finished: still without two-factor.
    const pendingId = await add('impact_pending', ['supervisor']);
    await db.insertInto('user_totp').values({ user_id: pendingId, pending_secret_sealed: 'pending-by-the-test', pending_created_at: now, updated_at: now }).execute();
    await add('impact_disabled', ['supervisor'], false);
    const serviceId = await add('impact_service', ['supervisor']);
    await db.insertInto('service_accounts').values({ user_id: serviceId, created_by: null }).execute();

    const after = await impactAs('admin');
    expect(roleOf(after, 'supervisor')).toEqual({
      role: 'supervisor',
      activeAccounts: (roleOf(before, 'supervisor')?.activeAccounts ?? 0) + 4,
      withoutTwoFactor: (roleOf(before, 'supervisor')?.withoutTwoFactor ?? 0) + 3,
    });
    expect(roleOf(after, 'agent')?.activeAccounts).toBe((roleOf(before, 'agent')?.activeAccounts ?? 0) + 2);
    expect(after.roleSets).toContainEqual({ roles: ['agent', 'supervisor'], activeAccounts: 2, withoutTwoFactor: 2 });
    // Each set once, its roles sorted; their sum is every active person's account.
    const keys = after.roleSets.map((s) => s.roles.join(','));
    expect(new Set(keys).size).toBe(keys.length);
    for (const set of after.roleSets) expect(set.roles).toEqual([...set.roles].sort());
    const people = await db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('is_active', '=', true)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('service_accounts').select('user_id').whereRef('service_accounts.user_id', '=', 'users.id'))))
      .executeTakeFirstOrThrow();
    expect(after.roleSets.reduce((n, s) => n + s.activeAccounts, 0)).toBe(Number(people.n));
  });

  it('is for administrators of a top-level unit, like the change itself; it changes nothing and is not for other roles', async () => {
    const db = t.database.db;
    const hrss = await db.selectFrom('units').select(['id', 'path']).where('code', '=', 'hrss').executeTakeFirstOrThrow();
    expect(hrss.path).toContain('.');
    const hash = (await db.selectFrom('users').select('password_hash').where('username', '=', 'admin').executeTakeFirstOrThrow()).password_hash;
    await db.insertInto('users').values({ username: 'impact_admin_hrss', display_name: 'impact_admin_hrss', password_hash: hash, roles: ['admin'], unit_id: hrss.id }).execute();

    const below = await t.call('impact_admin_hrss', 'GET', '/api/v1/admin/security/two-factor-roles/impact');
    expect(below.statusCode).toBe(403);
    expect(below.json()).toMatchObject({ error: { code: 'auth.forbidden', details: { reason: 'not_top_level_unit' } } });
    // The roles themselves stay readable to them: the page shows them, read-only.
    expect((await t.call('impact_admin_hrss', 'GET', '/api/v1/admin/security/two-factor-roles')).statusCode).toBe(200);

    expect((await t.call('supervisor', 'GET', '/api/v1/admin/security/two-factor-roles/impact')).statusCode).toBe(403);
    expect((await t.call(null, 'GET', '/api/v1/admin/security/two-factor-roles/impact')).statusCode).toBe(401);
  });
});
