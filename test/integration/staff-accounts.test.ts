import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { resetStaffPassword, setStaffAccountActive } from '../../src/core/access/staff-accounts.js';
import type { UserActor } from '../../src/core/auth/actor.js';
import { permissionsForRoles } from '../../src/core/auth/roles.js';
import { createStaffAccountDeps } from '../../src/db/staff-accounts.repository.js';
import { changesOf as changesOfIn, entryCount as entryCountIn } from '../helpers/audit-entries.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** Staff accounts (docs/access.md, "Staff accounts"): made, changed, disabled and unlocked by administrators. */

let t: TestApp;
const units = new Map<string, string>();

beforeAll(async () => {
  t = await createTestApp();
  for (const u of await t.database.db.selectFrom('units').select(['id', 'code']).execute()) units.set(u.code, u.id);
  // An administrator of one bureau only, to prove the unit scope.
  const admin = await t.database.db.selectFrom('users').select('password_hash').where('username', '=', 'admin').executeTakeFirstOrThrow();
  await t.database.db.insertInto('users').values({ username: 'admin_hrss', display_name: '人社局管理员', password_hash: admin.password_hash, roles: ['admin'], unit_id: unitId('hrss') }).execute();
});
afterAll(async () => {
  await t.close();
});

const unitId = (code: string): string => {
  const id = units.get(code);
  if (!id) throw new Error(`no unit ${code}`);
  return id;
};

type Account = {
  id: string; username: string; displayName: string; roles: string[]; unit: { id: string; code: string }; isActive: boolean; hasTotp: boolean;
  mustChangePassword: boolean; lastLoginAt: string | null; lockedUntil: string | null; activeSessions: number; createdBy: { username: string } | null;
};
type WithPassword = { account: Account; temporaryPassword: string };

const login = (username: string, password: string): Promise<LightMyRequestResponse> =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });

const bearer = (token: string, method: 'GET' | 'POST', url: string, body?: Record<string, unknown>): Promise<LightMyRequestResponse> =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body ? { payload: body } : {}) });

const userIdOf = async (username: string): Promise<string> =>
  (await t.database.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;

const auditOf = async (action: string, subjectId: string) =>
  t.database.db.selectFrom('audit_log').select(['outcome', 'data', 'actor_name']).where('action', '=', action).where('subject_id', '=', subjectId).orderBy('id').execute();

const changesOf = (action: string, subjectId: string) => changesOfIn(t.database.db, action, subjectId);
const entryCount = (action: string): Promise<number> => entryCountIn(t.database.db, action);

const userCount = async (): Promise<number> => Number((await t.database.db.selectFrom('users').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

const create = async (body: Record<string, unknown>, as = 'admin'): Promise<WithPassword> => {
  const res = await t.call(as, 'POST', '/api/v1/admin/users', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as WithPassword;
};

describe('staff accounts', () => {
  it('makes an account whose one-time password must be replaced before anything else', async () => {
    const res = await t.call('admin', 'POST', '/api/v1/admin/users', { username: ' Zhuoma.Agent ', displayName: '卓玛', roles: ['agent'], unitId: unitId('lhasa') });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.headers['cache-control']).toBe('no-store');
    const { account, temporaryPassword } = res.json() as WithPassword;
    expect(account).toMatchObject({ username: 'zhuoma.agent', displayName: '卓玛', roles: ['agent'], isActive: true, mustChangePassword: true, lastLoginAt: null, createdBy: { username: 'admin' } });
    // The audit entry says what was made, never the password.
    const made = await t.database.db.selectFrom('audit_log').select(['data', 'outcome', 'subject_kind', 'subject_id']).where('action', '=', 'POST /api/v1/admin/users').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(made).toMatchObject({ outcome: '201', subject_kind: 'users', subject_id: account.id });
    expect(made.data).toMatchObject({ username: 'zhuoma.agent', roles: ['agent'], unit: { code: 'lhasa' } });
    expect(JSON.stringify(made.data)).not.toContain(temporaryPassword);
    // The step's own entry, committed with the account: who, from where, what was made; never the password.
    const created = await changesOf('user.created', account.id);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      actor_id: await userIdOf('admin'), actor_name: 'admin', ip: '127.0.0.1', user_agent: 'lightMyRequest', subject_kind: 'users', outcome: 'done',
      data: { username: 'zhuoma.agent', roles: ['agent'], unit: { id: unitId('lhasa'), code: 'lhasa' } },
    });
    expect(JSON.stringify(created[0]?.data)).not.toContain(temporaryPassword);

    const first = await login('zhuoma.agent', temporaryPassword);
    expect(first.statusCode, first.body).toBe(200);
    const token = (first.json() as { token: string; user: { mustChangePassword: boolean } }).token;
    expect((first.json() as { user: { mustChangePassword: boolean } }).user.mustChangePassword).toBe(true);
    // Nothing but who-am-I, sign-out and the password change until the password is the owner's own.
    const cases = await bearer(token, 'GET', '/api/v1/cases');
    expect(cases.statusCode).toBe(403);
    expect(cases.json().error.code).toBe('auth.password_change_required');
    const me = await bearer(token, 'GET', '/api/v1/auth/me');
    expect(me.statusCode).toBe(200);
    expect(me.json()).toMatchObject({ username: 'zhuoma.agent', mustChangePassword: true });
    const same = await bearer(token, 'POST', '/api/v1/auth/password', { currentPassword: temporaryPassword, newPassword: temporaryPassword });
    expect(same.statusCode).toBe(400);
    expect(JSON.stringify(same.json().error.details)).toContain('same_as_current');
    const changed = await bearer(token, 'POST', '/api/v1/auth/password', { currentPassword: temporaryPassword, newPassword: 'Nyima-Lhasa-2026' });
    expect(changed.statusCode, changed.body).toBe(204);

    expect((await login('zhuoma.agent', temporaryPassword)).statusCode).toBe(401);
    const own = await login('zhuoma.agent', 'Nyima-Lhasa-2026');
    expect(own.statusCode).toBe(200);
    expect((own.json() as { user: { mustChangePassword: boolean } }).user.mustChangePassword).toBe(false);
    expect((await bearer((own.json() as { token: string }).token, 'GET', '/api/v1/cases')).statusCode).toBe(200);

    const listed = await t.call('admin', 'GET', '/api/v1/admin/users?q=zhuoma');
    expect(listed.statusCode).toBe(200);
    const items = (listed.json() as { items: Account[] }).items;
    expect(items.map((a) => a.username)).toEqual(['zhuoma.agent']);
    expect(items[0]?.mustChangePassword).toBe(false);
    expect(items[0]?.lastLoginAt).not.toBeNull();
    expect(items[0]?.activeSessions).toBe(1);
  });

  it('refuses bad accounts with a coded error and makes nothing', async () => {
    const before = await userCount();
    const toldBefore = await entryCount('user.created');
    const cases: [Record<string, unknown>, string][] = [
      [{ username: 'ADMIN', displayName: '重名', roles: [], unitId: unitId('lhasa') }, 'taken'],
      [{ username: 'x', displayName: '太短', roles: [], unitId: unitId('lhasa') }, 'body'],
      [{ username: '张三', displayName: '汉字', roles: [], unitId: unitId('lhasa') }, 'bad_username'],
      [{ username: 'citizen.role', displayName: '群众', roles: ['citizen'], unitId: unitId('lhasa') }, 'body.roles'],
      [{ username: 'no.unit', displayName: '无单位', roles: [], unitId: '00000000-0000-4000-8000-000000000000' }, 'unknown_unit'],
      [{ username: 'extra.field', displayName: '多余', roles: [], unitId: unitId('lhasa'), password: 'Chosen-by-admin-1' }, 'body'],
    ];
    for (const [body, expected] of cases) {
      const res = await t.call('admin', 'POST', '/api/v1/admin/users', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().error.code).toBe('validation.failed');
      expect(JSON.stringify(res.json().error.details)).toContain(expected);
    }
    expect(await userCount()).toBe(before);
    expect(await entryCount('user.created')).toBe(toldBefore);
  });

  it('keeps an administrator of one unit to that unit', async () => {
    const listed = await t.call('admin_hrss', 'GET', '/api/v1/admin/users?pageSize=100');
    expect(listed.statusCode).toBe(200);
    const names = (listed.json() as { items: Account[] }).items.map((a) => a.username);
    expect(names).toContain('handler');
    expect(names).toContain('leader');
    expect(names).not.toContain('admin');
    expect(names).not.toContain('handler_city');
    // Another unit's filter answers like an empty list, and its accounts like missing ones.
    const other = await t.call('admin_hrss', 'GET', `/api/v1/admin/users?unitId=${unitId('cityman')}`);
    expect((other.json() as { total: number }).total).toBe(0);
    const cityHandler = await userIdOf('handler_city');
    for (const [method, url, body] of [
      ['GET', `/api/v1/admin/users/${cityHandler}`, undefined],
      ['PATCH', `/api/v1/admin/users/${cityHandler}`, { roles: [] }],
      ['POST', `/api/v1/admin/users/${cityHandler}/disable`, undefined],
      ['POST', `/api/v1/admin/users/${cityHandler}/reset-password`, undefined],
    ] as const) {
      const res = await t.call('admin_hrss', method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    const city = await t.database.db.selectFrom('users').select(['roles', 'is_active', 'password_hash']).where('username', '=', 'handler_city').executeTakeFirstOrThrow();
    expect(city).toMatchObject({ roles: ['unit_handler'], is_active: true });
    const outside = await t.call('admin_hrss', 'POST', '/api/v1/admin/users', { username: 'hrss.outside', displayName: '越权', roles: [], unitId: unitId('lhasa') });
    expect(outside.statusCode).toBe(400);
    expect(JSON.stringify(outside.json().error.details)).toContain('outside_scope');
  });

  it('changes roles and unit at the next request, and audits them before and after', async () => {
    const { account, temporaryPassword } = await create({ username: 'wang.handler', displayName: '王', roles: ['unit_handler'], unitId: unitId('hrss') });
    const session = (await login('wang.handler', temporaryPassword)).json() as { token: string };
    await bearer(session.token, 'POST', '/api/v1/auth/password', { currentPassword: temporaryPassword, newPassword: 'Wang-Handler-77' });
    const token = ((await login('wang.handler', 'Wang-Handler-77')).json() as { token: string }).token;
    expect((await bearer(token, 'GET', '/api/v1/cases')).statusCode).toBe(200);

    const res = await t.call('admin', 'PATCH', `/api/v1/admin/users/${account.id}`, { roles: [], unitId: unitId('cityman'), displayName: '王某' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ roles: [], unit: { code: 'cityman' }, displayName: '王某' });
    // The same session, no sign-in again: the roles are read at every request.
    const refused = await bearer(token, 'GET', '/api/v1/cases');
    expect(refused.statusCode).toBe(403);
    const [entry] = await auditOf('PATCH /api/v1/admin/users/:id', account.id);
    expect(entry?.outcome).toBe('200');
    expect(entry?.data).toMatchObject({
      username: 'wang.handler',
      before: { roles: ['unit_handler'], unit: { code: 'hrss' }, displayName: '王' },
      after: { roles: [], unit: { id: unitId('cityman') }, displayName: '王某' },
    });
    // The change's own entry names the fields it changed, with before and after.
    const changed = await changesOf('user.updated', account.id);
    expect(changed).toHaveLength(1);
    expect(changed[0]).toMatchObject({
      actor_name: 'admin', subject_kind: 'users', outcome: 'done',
      data: {
        username: 'wang.handler', fields: ['displayName', 'roles', 'unit'],
        before: { roles: ['unit_handler'], unit: { id: unitId('hrss'), code: 'hrss' }, displayName: '王' },
        after: { roles: [], unit: { id: unitId('cityman'), code: 'cityman' }, displayName: '王某' },
      },
    });
    // No change: nothing before or after in the request's entry, and no entry of a change.
    const again = await t.call('admin', 'PATCH', `/api/v1/admin/users/${account.id}`, { roles: [] });
    expect(again.statusCode).toBe(200);
    const entries = await auditOf('PATCH /api/v1/admin/users/:id', account.id);
    expect(entries[1]?.data).toMatchObject({ before: {}, after: {} });
    expect(await changesOf('user.updated', account.id)).toHaveLength(1);
    // A refused change (new roles with an unknown unit): nothing changes, nothing is told.
    const badUnit = await t.call('admin', 'PATCH', `/api/v1/admin/users/${account.id}`, { roles: ['agent'], unitId: '00000000-0000-4000-8000-000000000000' });
    expect(badUnit.statusCode).toBe(400);
    expect((await t.database.db.selectFrom('users').select('roles').where('id', '=', account.id).executeTakeFirstOrThrow()).roles).toEqual([]);
    expect(await changesOf('user.updated', account.id)).toHaveLength(1);
  });

  it('refuses to let an administrator demote, move, disable or reset themselves', async () => {
    const me = await userIdOf('admin');
    for (const [url, body, change] of [
      [`/api/v1/admin/users/${me}`, { roles: ['supervisor'] }, 'roles'],
      [`/api/v1/admin/users/${me}`, { unitId: unitId('hrss') }, 'unit'],
      [`/api/v1/admin/users/${me}/disable`, undefined, 'disable'],
      [`/api/v1/admin/users/${me}/reset-password`, undefined, 'reset_password'],
    ] as const) {
      const res = await t.call('admin', body ? 'PATCH' : 'POST', url, body);
      expect(res.statusCode, url).toBe(409);
      expect(res.json().error).toMatchObject({ code: 'user.self_change_refused', details: { change } });
    }
    const admin = await t.database.db.selectFrom('users').select(['roles', 'is_active', 'unit_id']).where('id', '=', me).executeTakeFirstOrThrow();
    expect(admin).toEqual({ roles: ['admin'], is_active: true, unit_id: unitId('lhasa') });
    for (const action of ['user.updated', 'user.disabled', 'user.password_reset']) expect(await changesOf(action, me), action).toEqual([]);
    // One's own name is one's own to change.
    const renamed = await t.call('admin', 'PATCH', `/api/v1/admin/users/${me}`, { displayName: '系统管理员' });
    expect(renamed.statusCode).toBe(200);
    expect(await changesOf('user.updated', me)).toMatchObject([{ actor_id: me, data: { fields: ['displayName'], after: { displayName: '系统管理员' } } }]);
  });

  it('disables an account: its sessions end and its API tokens are revoked; enabling gives sign-in back', async () => {
    // An administrator of a bureau, disabled by one of the region above it.
    const { account, temporaryPassword } = await create({ username: 'lobsang.admin', displayName: '洛桑', roles: ['admin'], unitId: unitId('hrss') });
    const first = ((await login('lobsang.admin', temporaryPassword)).json() as { token: string }).token;
    await bearer(first, 'POST', '/api/v1/auth/password', { currentPassword: temporaryPassword, newPassword: 'Lobsang-Adm-2026' });
    const token = ((await login('lobsang.admin', 'Lobsang-Adm-2026')).json() as { token: string }).token;
    const made = await bearer(token, 'POST', '/api/v1/api-tokens', { name: '脚本', permissions: ['case.read'], expiresInDays: 30 });
    expect(made.statusCode, made.body).toBe(201);
    const apiToken = (made.json() as { token: string }).token;
    expect((await bearer(apiToken, 'GET', '/api/v1/cases')).statusCode).toBe(200);
    // A service account's token this person made: they saw its secret, so it goes with them.
    const sa = await bearer(token, 'POST', '/api/v1/api-tokens/service-accounts', { username: 'svc.lobsang', roles: ['agent'], unitId: unitId('hrss') });
    expect(sa.statusCode, sa.body).toBe(201);
    const saToken = await bearer(token, 'POST', '/api/v1/api-tokens', { name: '同步', ownerId: (sa.json() as { id: string }).id, permissions: ['case.read'], expiresInDays: 30 });
    expect(saToken.statusCode, saToken.body).toBe(201);
    const serviceToken = (saToken.json() as { token: string }).token;
    expect((await bearer(serviceToken, 'GET', '/api/v1/cases')).statusCode).toBe(200);

    const res = await t.call('admin', 'POST', `/api/v1/admin/users/${account.id}/disable`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ isActive: false, activeSessions: 0 });
    expect((await bearer(token, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    expect((await bearer(apiToken, 'GET', '/api/v1/cases')).statusCode).toBe(401);
    expect((await bearer(serviceToken, 'GET', '/api/v1/cases')).statusCode).toBe(401);
    const refused = await login('lobsang.admin', 'Lobsang-Adm-2026');
    expect(refused.json().error.code).toBe('auth.inactive_user');
    expect((await t.call('admin', 'GET', '/api/v1/admin/users?status=disabled')).json().items.map((a: Account) => a.username)).toContain('lobsang.admin');
    // Told with what it ended, as on the command line.
    const disabled = await changesOf('user.disabled', account.id);
    expect(disabled).toHaveLength(1);
    expect(disabled[0]).toMatchObject({ actor_name: 'admin', outcome: 'done', data: { username: 'lobsang.admin', revokedTokens: 2 } });
    expect(typeof disabled[0]?.data.endedSessions).toBe('number');
    expect(disabled[0]?.data.endedSessions).toBeGreaterThan(0);
    // Disabling a disabled account changes nothing and tells nothing.
    expect((await t.call('admin', 'POST', `/api/v1/admin/users/${account.id}/disable`)).statusCode).toBe(200);
    expect(await changesOf('user.disabled', account.id)).toHaveLength(1);

    expect((await t.call('admin', 'POST', `/api/v1/admin/users/${account.id}/enable`)).statusCode).toBe(200);
    expect((await login('lobsang.admin', 'Lobsang-Adm-2026')).statusCode).toBe(200);
    expect((await t.call('admin', 'POST', `/api/v1/admin/users/${account.id}/enable`)).statusCode).toBe(200);
    expect(await changesOf('user.enabled', account.id)).toMatchObject([{ actor_name: 'admin', outcome: 'done', data: { username: 'lobsang.admin' } }]);
    // The revoked token stays revoked.
    expect((await bearer(apiToken, 'GET', '/api/v1/cases')).statusCode).toBe(401);
  });

  it('resets a forgotten password and lifts a lock', async () => {
    const { account, temporaryPassword } = await create({ username: 'dawa.leader', displayName: '达瓦', roles: ['unit_leader'], unitId: unitId('hrss') });
    const session = ((await login('dawa.leader', temporaryPassword)).json() as { token: string }).token;
    for (let i = 0; i < 5; i += 1) expect((await login('dawa.leader', 'wrong-password-1')).statusCode).toBe(401);
    expect((await login('dawa.leader', temporaryPassword)).json().error.code).toBe('auth.locked');
    const locked = (await t.call('admin_hrss', 'GET', `/api/v1/admin/users/${account.id}`)).json() as Account;
    expect(locked.lockedUntil).not.toBeNull();

    const unlocked = await t.call('admin_hrss', 'POST', `/api/v1/admin/users/${account.id}/unlock`);
    expect(unlocked.statusCode).toBe(200);
    expect(unlocked.json()).toMatchObject({ lockedUntil: null });
    expect(await changesOf('user.unlocked', account.id)).toMatchObject([{ actor_name: 'admin_hrss', subject_kind: 'users', outcome: 'done', data: { username: 'dawa.leader' } }]);
    expect((await login('dawa.leader', temporaryPassword)).statusCode).toBe(200);

    const reset = await t.call('admin_hrss', 'POST', `/api/v1/admin/users/${account.id}/reset-password`);
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.headers['cache-control']).toBe('no-store');
    const next = (reset.json() as WithPassword).temporaryPassword;
    expect(next).not.toBe(temporaryPassword);
    expect((await bearer(session, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    expect((await login('dawa.leader', temporaryPassword)).statusCode).toBe(401);
    const fresh = await login('dawa.leader', next);
    expect((fresh.json() as { user: { mustChangePassword: boolean } }).user.mustChangePassword).toBe(true);
    const [entry] = await auditOf('POST /api/v1/admin/users/:id/reset-password', account.id);
    expect(entry).toMatchObject({ outcome: '200', actor_name: 'admin_hrss', data: { username: 'dawa.leader' } });
    expect(JSON.stringify(entry?.data)).not.toContain(next);
    const told = await changesOf('user.password_reset', account.id);
    expect(told).toMatchObject([{ actor_name: 'admin_hrss', subject_kind: 'users', outcome: 'done', data: { username: 'dawa.leader' } }]);
    expect(JSON.stringify(told)).not.toContain(next);
  });

  it('leaves service accounts to the API-token page, and staff accounts to administrators', async () => {
    const sa = await t.call('admin', 'POST', '/api/v1/api-tokens/service-accounts', { username: 'svc.sync', roles: ['agent'], unitId: unitId('lhasa') });
    expect(sa.statusCode, sa.body).toBe(201);
    const id = (sa.json() as { id: string }).id;
    expect((await t.call('admin', 'GET', `/api/v1/admin/users/${id}`)).statusCode).toBe(404);
    const names = ((await t.call('admin', 'GET', '/api/v1/admin/users?pageSize=100')).json() as { items: Account[] }).items.map((a) => a.username);
    expect(names).not.toContain('svc.sync');

    const handler = await userIdOf('handler');
    for (const user of ['supervisor', 'dispatcher', 'handler']) {
      expect((await t.call(user, 'GET', '/api/v1/admin/users')).statusCode).toBe(403);
      expect((await t.call(user, 'PATCH', `/api/v1/admin/users/${handler}`, { roles: ['admin'] })).statusCode).toBe(403);
    }
    expect((await t.database.db.selectFrom('users').select('roles').where('id', '=', handler).executeTakeFirstOrThrow()).roles).toEqual(['unit_handler']);
    // Nor can a token be given the permission.
    const token = await t.call('admin', 'POST', '/api/v1/api-tokens', { name: '用户管理', permissions: ['user.manage'], expiresInDays: 30 });
    expect(token.statusCode).toBe(400);
    expect(JSON.stringify(token.json().error.details)).toContain('not_delegable');
  });

  it('pages and filters the list', async () => {
    const all = (await t.call('admin', 'GET', '/api/v1/admin/users?pageSize=100')).json() as { items: Account[]; total: number };
    expect(all.total).toBe(all.items.length);
    const pages: string[] = [];
    for (let page = 1; page <= Math.ceil(all.total / 3); page += 1) {
      const res = (await t.call('admin', 'GET', `/api/v1/admin/users?pageSize=3&page=${page}`)).json() as { items: Account[]; total: number };
      expect(res.total).toBe(all.total);
      pages.push(...res.items.map((a) => a.username));
    }
    expect(pages).toEqual(all.items.map((a) => a.username));
    const handlers = (await t.call('admin', 'GET', '/api/v1/admin/users?role=unit_handler&pageSize=100')).json() as { items: Account[] };
    expect(handlers.items.length).toBeGreaterThan(0);
    expect(handlers.items.every((a) => a.roles.includes('unit_handler'))).toBe(true);
    // The web client's language parameter is welcome; others are not.
    expect((await t.call('admin', 'GET', '/api/v1/admin/users?lang=bo')).statusCode).toBe(200);
    expect((await t.call('admin', 'GET', '/api/v1/admin/users?sort=name')).statusCode).toBe(400);
    const bad = await t.call('admin', 'GET', '/api/v1/admin/users?status=gone');
    expect(bad.statusCode).toBe(400);
    // A search pattern's wildcard is text, not a wildcard.
    expect(((await t.call('admin', 'GET', '/api/v1/admin/users?q=%25')).json() as { total: number }).total).toBe(0);
  });

  it('lets a one-time password be replaced first when the role must also set up two-step verification', async () => {
    expect((await t.call('admin', 'PUT', '/api/v1/admin/security/two-factor-roles', { roles: ['supervisor'] })).statusCode).toBe(200);
    try {
      const { temporaryPassword } = await create({ username: 'pema.sup', displayName: '白玛', roles: ['supervisor'], unitId: unitId('lhasa') });
      const first = await login('pema.sup', temporaryPassword);
      expect(first.json()).toMatchObject({ mustEnrollTotp: true, user: { mustChangePassword: true } });
      const token = (first.json() as { token: string }).token;
      // Neither gate lets the other's step through, except the password change, which comes first.
      expect((await bearer(token, 'POST', '/api/v1/auth/totp/setup')).json().error.code).toBe('auth.password_change_required');
      const changed = await bearer(token, 'POST', '/api/v1/auth/password', { currentPassword: temporaryPassword, newPassword: 'Pema-Supervisor-9' });
      expect(changed.statusCode, changed.body).toBe(204);
      const next = ((await login('pema.sup', 'Pema-Supervisor-9')).json() as { token: string; mustEnrollTotp: boolean });
      expect(next.mustEnrollTotp).toBe(true);
      expect((await bearer(next.token, 'GET', '/api/v1/cases')).json().error.code).toBe('auth.totp_setup_required');
      expect((await bearer(next.token, 'POST', '/api/v1/auth/totp/setup')).statusCode).toBe(200);
      // Once the password is the owner's own, changing it again waits for the second factor, as before.
      const again = await bearer(next.token, 'POST', '/api/v1/auth/password', { currentPassword: 'Pema-Supervisor-9', newPassword: 'Pema-Supervisor-10' });
      expect(again.json().error.code).toBe('auth.totp_setup_required');
    } finally {
      await t.call('admin', 'PUT', '/api/v1/admin/security/two-factor-roles', { roles: [] });
    }
  });

  it('makes the first administrator and rescues a locked-out one on the command line', async () => {
    const out: string[] = [];
    const io = { stdout: (line: string) => out.push(line), stderr: (line: string) => out.push(`! ${line}`), writeStdout: () => {} };
    const cli = (...args: string[]) => runCli(['users', ...args, '--database-url', t.database.url], io);
    const before = await userCount();

    expect(await cli('add', '--username', 'Root.Admin', '--name', '区管理员', '--unit', 'lhasa', '--role', 'admin')).toBe(0);
    const password = /one-time password: (\S+)/.exec(out.join('\n'))?.[1] ?? '';
    expect(password).toMatch(/^[a-zA-Z2-9]{4}-[a-zA-Z2-9]{4}-[a-zA-Z2-9]{4}$/);
    const first = await login('root.admin', password);
    expect(first.json()).toMatchObject({ user: { roles: ['admin'], mustChangePassword: true } });
    const made = await t.database.db.selectFrom('audit_log').select(['actor_id', 'actor_name', 'data']).where('action', '=', 'user.created').where('user_agent', '=', 'bihuan users').executeTakeFirstOrThrow();
    expect(made.actor_id).toBeNull();
    expect(made.actor_name).toMatch(/^cli/);
    expect(made.data).toMatchObject({ username: 'root.admin', roles: ['admin'], unit: { code: 'lhasa' } });

    // Bad input: a clear message, exit 2, nothing made.
    out.length = 0;
    expect(await cli('add', '--username', 'root.admin', '--name', '重名', '--unit', 'lhasa', '--role', 'admin')).toBe(2);
    expect(out.join('\n')).toContain('taken');
    expect(await cli('add', '--username', 'nobody.unit', '--name', '无', '--unit', 'atlantis', '--role', 'admin')).toBe(2);
    expect(out.join('\n')).toContain('atlantis');
    expect(await cli('add', '--username', 'bad.role', '--name', '无', '--unit', 'lhasa', '--role', 'citizen')).toBe(2);
    expect(await cli('add', '--username', 'no.role', '--name', '无', '--unit', 'lhasa')).toBe(2);
    expect(await userCount()).toBe(before + 1);

    // Locked out by wrong passwords: a one-time password from the command line lifts the lock.
    for (let i = 0; i < 5; i += 1) await login('root.admin', 'wrong-password-2');
    expect((await login('root.admin', password)).json().error.code).toBe('auth.locked');
    out.length = 0;
    expect(await cli('reset-password', '--username', 'ROOT.ADMIN')).toBe(0);
    const next = /one-time password: (\S+)/.exec(out.join('\n'))?.[1] ?? '';
    expect(next).not.toBe(password);
    expect((await login('root.admin', next)).statusCode).toBe(200);
    expect(await cli('reset-password', '--username', 'ghost')).toBe(2);

    out.length = 0;
    expect(await cli('list', '--unit', 'hrss')).toBe(0);
    const listing = out.join('\n');
    expect(listing).toContain('handler');
    expect(listing).not.toContain('root.admin');
  });

  it('disables an account and signs one out on the command line, each step audited with what it ended', async () => {
    const out: string[] = [];
    const io = { stdout: (line: string) => out.push(line), stderr: (line: string) => out.push(`! ${line}`), writeStdout: () => {} };
    const cli = (...args: string[]) => runCli(['users', ...args, '--database-url', t.database.url], io);
    const db = t.database.db;
    const stateOf = (id: string) => db.selectFrom('users').select(['is_active', 'disabled_reason', 'disabled_at']).where('id', '=', id).executeTakeFirstOrThrow();
    const sessionCount = async (id: string): Promise<number> =>
      Number((await db.selectFrom('sessions').select((eb) => eb.fn.countAll<string>().as('n')).where('user_id', '=', id).executeTakeFirstOrThrow()).n);
    const tokenOf = async (username: string, password: string): Promise<string> => {
      const res = await login(username, password);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { token: string }).token;
    };

    // An administrator of the top unit, whom no administrator above can disable: two sessions, an API token of
    // their own and one of a service account they made.
    const { account, temporaryPassword } = await create({ username: 'norbu.admin', displayName: '诺布', roles: ['admin'], unitId: unitId('lhasa') });
    const first = await tokenOf('norbu.admin', temporaryPassword);
    expect((await bearer(first, 'POST', '/api/v1/auth/password', { currentPassword: temporaryPassword, newPassword: 'Norbu-Admin-2026' })).statusCode).toBe(204);
    const session = await tokenOf('norbu.admin', 'Norbu-Admin-2026');
    const otherSession = await tokenOf('norbu.admin', 'Norbu-Admin-2026');
    const made = await bearer(session, 'POST', '/api/v1/api-tokens', { name: '脚本', permissions: ['case.read'], expiresInDays: 30 });
    expect(made.statusCode, made.body).toBe(201);
    const apiToken = (made.json() as { token: string }).token;
    const sa = await bearer(session, 'POST', '/api/v1/api-tokens/service-accounts', { username: 'svc.norbu', roles: ['agent'], unitId: unitId('lhasa') });
    expect(sa.statusCode, sa.body).toBe(201);
    const serviceAccountId = (sa.json() as { id: string }).id;
    const saToken = await bearer(session, 'POST', '/api/v1/api-tokens', { name: '同步', ownerId: serviceAccountId, permissions: ['case.read'], expiresInDays: 30 });
    expect(saToken.statusCode, saToken.body).toBe(201);
    const serviceToken = (saToken.json() as { token: string }).token;
    expect((await bearer(serviceToken, 'GET', '/api/v1/cases')).statusCode).toBe(200);
    expect(await sessionCount(account.id)).toBe(2);

    expect(await cli('disable', '--username', 'Norbu.Admin', '--reason', '  账号疑似被他人使用  ')).toBe(0);
    expect(out.join('\n')).toContain('account norbu.admin is disabled: 2 sessions ended, 2 API tokens revoked');
    const disabled = await stateOf(account.id);
    expect(disabled).toMatchObject({ is_active: false, disabled_reason: 'operator' });
    expect(disabled.disabled_at).toBeInstanceOf(Date);
    expect(await sessionCount(account.id)).toBe(0);
    const tokens = await db
      .selectFrom('api_tokens')
      .select(['revoked_at', 'revoked_by'])
      .where((eb) => eb.or([eb('owner_id', '=', account.id), eb('created_by', '=', account.id)]))
      .execute();
    expect(tokens).toHaveLength(2);
    expect(tokens.every((tk) => tk.revoked_at !== null && tk.revoked_by === null)).toBe(true);
    for (const token of [session, otherSession]) expect((await bearer(token, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    expect((await bearer(apiToken, 'GET', '/api/v1/cases')).statusCode).toBe(401);
    expect((await bearer(serviceToken, 'GET', '/api/v1/cases')).statusCode).toBe(401);
    expect((await login('norbu.admin', 'Norbu-Admin-2026')).json().error.code).toBe('auth.inactive_user');
    // The users page says who turned it off; the free text is the audit entry's, the reason stays a code.
    expect((await t.call('admin', 'GET', `/api/v1/admin/users/${account.id}`)).json()).toMatchObject({ isActive: false, disabledReason: 'operator' });
    const entries = await db.selectFrom('audit_log').select(['actor_id', 'actor_name', 'user_agent', 'outcome', 'data']).where('action', '=', 'user.disabled').where('subject_id', '=', account.id).execute();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actor_id: null, user_agent: 'bihuan users', outcome: 'done',
      data: { username: 'norbu.admin', reason: '账号疑似被他人使用', endedSessions: 2, revokedTokens: 2 },
    });
    expect(entries[0]?.actor_name).toMatch(/^cli/);

    // Again: said so, and nothing changes (not the date, not the audit log).
    out.length = 0;
    expect(await cli('disable', '--username', 'norbu.admin', '--reason', '再次')).toBe(0);
    expect(out.join('\n')).toContain('already disabled on the command line');
    expect(await stateOf(account.id)).toEqual(disabled);
    expect(await auditOf('user.disabled', account.id)).toHaveLength(1);

    // Unknown people, service accounts (the API-token page's) and bad usage: a message, exit 2, nothing done.
    out.length = 0;
    expect(await cli('disable', '--username', 'ghost')).toBe(2);
    expect(out.join('\n')).toContain('no staff account ghost');
    expect(await cli('disable', '--username', 'svc.norbu')).toBe(2);
    expect((await db.selectFrom('users').select('is_active').where('id', '=', serviceAccountId).executeTakeFirstOrThrow()).is_active).toBe(true);
    expect(await auditOf('user.disabled', serviceAccountId)).toHaveLength(0);
    expect(await cli('disable')).toBe(2);
    expect(await cli('disable', '--username', 'handler', '--reason', '   ')).toBe(2);
    expect(await cli('end-sessions', '--username', 'handler', '--reason', '丢失手机')).toBe(2);
    expect((await stateOf(await userIdOf('handler'))).is_active).toBe(true);

    // Enabling an account the operator disabled clears the reason, as on the users page.
    expect(await cli('enable', '--username', 'norbu.admin')).toBe(0);
    expect(await stateOf(account.id)).toEqual({ is_active: true, disabled_reason: null, disabled_at: null });
    expect((await t.call('admin', 'GET', `/api/v1/admin/users/${account.id}`)).json()).toMatchObject({ isActive: true, disabledReason: null });
    // Revoked tokens stay revoked.
    expect((await bearer(apiToken, 'GET', '/api/v1/cases')).statusCode).toBe(401);

    // Signing out everywhere ends every session and leaves the account enabled and its API tokens working.
    const phone = await tokenOf('norbu.admin', 'Norbu-Admin-2026');
    const desk = await tokenOf('norbu.admin', 'Norbu-Admin-2026');
    const fresh = await bearer(desk, 'POST', '/api/v1/api-tokens', { name: '新脚本', permissions: ['case.read'], expiresInDays: 30 });
    expect(fresh.statusCode, fresh.body).toBe(201);
    const freshToken = (fresh.json() as { token: string }).token;
    out.length = 0;
    expect(await cli('end-sessions', '--username', 'NORBU.ADMIN')).toBe(0);
    expect(out.join('\n')).toContain('account norbu.admin: 2 sessions ended');
    expect(await sessionCount(account.id)).toBe(0);
    for (const token of [phone, desk]) expect((await bearer(token, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    expect((await stateOf(account.id)).is_active).toBe(true);
    expect((await bearer(freshToken, 'GET', '/api/v1/cases')).statusCode).toBe(200);
    const [ended] = await auditOf('user.sessions_ended', account.id);
    expect(ended).toMatchObject({ outcome: 'done', data: { username: 'norbu.admin', endedSessions: 2 } });
    expect(ended?.actor_name).toMatch(/^cli/);
    out.length = 0;
    expect(await cli('end-sessions', '--username', 'NORBU.ADMIN')).toBe(0);
    expect(out.join('\n')).toContain('0 sessions ended');
    expect(await cli('end-sessions', '--username', 'ghost')).toBe(2);
    expect(await cli('end-sessions')).toBe(2);
  });

  it('keeps administrators of one unit from taking or silencing each other; the unit above can', async () => {
    const { account: peer } = await create({ username: 'ciren.admin', displayName: '次仁', roles: ['admin'], unitId: unitId('hrss') });
    for (const [method, url, body, change] of [
      ['POST', `/api/v1/admin/users/${peer.id}/reset-password`, undefined, 'reset_password'],
      ['POST', `/api/v1/admin/users/${peer.id}/disable`, undefined, 'disable'],
      ['PATCH', `/api/v1/admin/users/${peer.id}`, { roles: ['agent'] }, 'roles'],
      ['PATCH', `/api/v1/admin/users/${peer.id}`, { unitId: unitId('hrss_inspection') }, 'unit'],
    ] as const) {
      const res = await t.call('admin_hrss', method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error).toMatchObject({ code: 'auth.forbidden', messageId: 'errors.auth.forbidden.peer_administrator', details: { reason: 'peer_administrator', change } });
    }
    const row = await t.database.db.selectFrom('users').select(['roles', 'is_active', 'must_change_password']).where('id', '=', peer.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ roles: ['admin'], is_active: true });
    for (const action of ['user.password_reset', 'user.disabled', 'user.updated']) expect(await changesOf(action, peer.id), action).toEqual([]);
    // Harmless steps stay open to a peer; the region's administrator can do the rest.
    expect((await t.call('admin_hrss', 'POST', `/api/v1/admin/users/${peer.id}/unlock`)).statusCode).toBe(200);
    expect((await t.call('admin_hrss', 'PATCH', `/api/v1/admin/users/${peer.id}`, { displayName: '次仁 (人社)' })).statusCode).toBe(200);
    expect((await t.call('admin', 'POST', `/api/v1/admin/users/${peer.id}/reset-password`)).statusCode).toBe(200);
    expect(await changesOf('user.updated', peer.id)).toMatchObject([{ actor_name: 'admin_hrss', data: { fields: ['displayName'] } }]);
    expect(await changesOf('user.password_reset', peer.id)).toMatchObject([{ actor_name: 'admin' }]);
  });

  it('checks the administrator again inside the step: one disabled or demoted meanwhile is refused', async () => {
    const { account } = await create({ username: 'stale.admin', displayName: '旧', roles: ['admin'], unitId: unitId('lhasa') });
    // The administrator as their request saw them when it began...
    const stale: UserActor = {
      kind: 'user', userId: account.id, username: 'stale.admin', displayName: '旧', roles: ['admin'], permissions: permissionsForRoles(['admin']),
      unitId: unitId('lhasa'), unitPath: 'lhasa',
    };
    const deps = createStaffAccountDeps(t.database.db, () => new Date());
    const handler = await userIdOf('handler_market');
    // ...and as they are when its turn comes, after another administrator disabled them.
    await t.database.db.updateTable('users').set({ is_active: false }).where('id', '=', account.id).execute();
    await expect(setStaffAccountActive(deps, stale, handler, false)).rejects.toMatchObject({ code: 'auth.forbidden', details: { reason: 'no_longer_allowed' } });
    await t.database.db.updateTable('users').set({ is_active: true, roles: ['supervisor'] }).where('id', '=', account.id).execute();
    await expect(resetStaffPassword(deps, stale, handler)).rejects.toMatchObject({ code: 'auth.forbidden' });
    expect((await t.database.db.selectFrom('users').select(['is_active', 'must_change_password']).where('id', '=', handler).executeTakeFirstOrThrow())).toEqual({ is_active: true, must_change_password: false });
    await t.database.db.updateTable('users').set({ roles: ['admin'] }).where('id', '=', account.id).execute();
    expect((await setStaffAccountActive(deps, stale, handler, true)).account.isActive).toBe(true);
  });

  it('answers two makings of one username at once with one account and one coded refusal', async () => {
    const body = { username: 'twin.agent', displayName: '双', roles: ['agent'], unitId: unitId('lhasa') };
    const results = await Promise.all([t.call('admin', 'POST', '/api/v1/admin/users', body), t.call('admin', 'POST', '/api/v1/admin/users', body)]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 400]);
    expect(JSON.stringify(results.find((r) => r.statusCode === 400)?.json())).toContain('taken');
  });

  it('lets a one-time password expire, and a reset revoke the tokens of a possibly stolen account', async () => {
    const { account, temporaryPassword } = await create({ username: 'late.agent', displayName: '迟', roles: ['admin'], unitId: unitId('hrss') });
    await t.database.db.updateTable('users').set({ password_expires_at: new Date(Date.now() - 1000) }).where('id', '=', account.id).execute();
    const expired = await login('late.agent', temporaryPassword);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('auth.password_expired');
    // A wrong password still answers as a wrong password: the expiry is told only to who knows the password.
    expect((await login('late.agent', 'Wrong-Password-9')).json().error.code).toBe('auth.invalid_credentials');

    const reset = (await t.call('admin', 'POST', `/api/v1/admin/users/${account.id}/reset-password`)).json() as WithPassword;
    const first = ((await login('late.agent', reset.temporaryPassword)).json() as { token: string }).token;
    await bearer(first, 'POST', '/api/v1/auth/password', { currentPassword: reset.temporaryPassword, newPassword: 'Late-Agent-2026' });
    const own = await t.database.db.selectFrom('users').select(['password_expires_at', 'must_change_password']).where('id', '=', account.id).executeTakeFirstOrThrow();
    expect(own).toEqual({ password_expires_at: null, must_change_password: false });
    const token = ((await login('late.agent', 'Late-Agent-2026')).json() as { token: string }).token;
    const made = await bearer(token, 'POST', '/api/v1/api-tokens', { name: '被盗', permissions: ['case.read'], expiresInDays: 30 });
    const apiToken = (made.json() as { token: string }).token;
    expect((await bearer(apiToken, 'GET', '/api/v1/cases')).statusCode).toBe(200);
    expect((await t.call('admin', 'POST', `/api/v1/admin/users/${account.id}/reset-password`)).statusCode).toBe(200);
    expect((await bearer(apiToken, 'GET', '/api/v1/cases')).statusCode).toBe(401);
  });

  it('on the web, a change whose audit entry cannot be written answers 500 and changes nothing', async () => {
    const db = t.database.db;
    const { account } = await create({ username: 'atomic.agent', displayName: '原子', roles: ['agent'], unitId: unitId('lhasa') });
    await sql`CREATE FUNCTION refuse_update_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.action = 'user.updated' THEN RAISE EXCEPTION 'audit refused'; END IF; RETURN NEW; END $$`.execute(db);
    await sql`CREATE TRIGGER refuse_update_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_update_audit()`.execute(db);
    try {
      const res = await t.call('admin', 'PATCH', `/api/v1/admin/users/${account.id}`, { roles: ['admin'] });
      expect(res.statusCode, res.body).toBe(500);
      expect((await db.selectFrom('users').select('roles').where('id', '=', account.id).executeTakeFirstOrThrow()).roles).toEqual(['agent']);
      expect(await changesOf('user.updated', account.id)).toEqual([]);
      // The request's own entry still tells of the attempt and how it ended.
      expect((await auditOf('PATCH /api/v1/admin/users/:id', account.id)).map((e) => e.outcome)).toEqual(['500']);
    } finally {
      await sql`DROP TRIGGER refuse_update_audit ON audit_log`.execute(db);
      await sql`DROP FUNCTION refuse_update_audit()`.execute(db);
    }
    // Once the entry can be written, the same change goes through with it.
    const res = await t.call('admin', 'PATCH', `/api/v1/admin/users/${account.id}`, { roles: ['admin'] });
    expect(res.statusCode, res.body).toBe(200);
    expect(await changesOf('user.updated', account.id)).toMatchObject([{ data: { before: { roles: ['agent'] }, after: { roles: ['admin'] } } }]);
  });

  it('on the command line, a step whose audit entry cannot be written changes nothing', async () => {
    const db = t.database.db;
    const io = { stdout: () => {}, stderr: () => {}, writeStdout: () => {} };
    const cli = (...args: string[]) => runCli(['users', ...args, '--database-url', t.database.url], io);
    await t.call('handler_union', 'GET', '/api/v1/auth/me');
    await sql`CREATE FUNCTION refuse_disable_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.action = 'user.disabled' THEN RAISE EXCEPTION 'audit refused'; END IF; RETURN NEW; END $$`.execute(db);
    await sql`CREATE TRIGGER refuse_disable_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_disable_audit()`.execute(db);
    try {
      const code = await cli('disable', '--username', 'handler_union').catch(() => 1);
      expect(code).not.toBe(0);
      const account = await db.selectFrom('users').select(['is_active', 'disabled_reason']).where('username', '=', 'handler_union').executeTakeFirstOrThrow();
      expect(account).toEqual({ is_active: true, disabled_reason: null });
      // Its sessions are still there: the whole step rolled back with the entry.
      expect((await t.call('handler_union', 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    } finally {
      await sql`DROP TRIGGER refuse_disable_audit ON audit_log`.execute(db);
      await sql`DROP FUNCTION refuse_disable_audit()`.execute(db);
    }
  });
});
