import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NON_DELEGABLE_PERMISSIONS } from '../../src/core/access/api-token-rules.js';
import { sha256 } from '../../src/core/shared/secrets.js';
import { changesOf as changesOfIn, entryCount as entryCountIn } from '../helpers/audit-entries.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';

/** API tokens for integrations (docs/access.md): scopes, unit, expiry, allow-list, revocation, no escalation. */

let clock = Date.parse('2026-11-22T12:00:00Z');
let t: TestApp;
const units = new Map<string, string>();

beforeAll(async () => {
  t = await createTestApp({ now: () => new Date(clock) });
  for (const u of await t.database.db.selectFrom('units').select(['id', 'code']).execute()) units.set(u.code, u.id);
});
afterAll(async () => {
  await t.close();
});

const unitId = (code: string): string => {
  const id = units.get(code);
  if (!id) throw new Error(`no unit ${code}`);
  return id;
};

const withToken = (token: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown, remoteAddress = '127.0.0.1'): Promise<LightMyRequestResponse> =>
  t.app.inject({
    method,
    url,
    remoteAddress,
    headers: { authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
  });

/** A staff session per user, signed in again when the test clock has run past its expiry. */
const sessions = new Map<string, string>();
const call = async (username: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<LightMyRequestResponse> => {
  for (let attempt = 0; ; attempt += 1) {
    let session = sessions.get(username);
    if (!session) {
      const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: TEST_PASSWORD } });
      session = (res.json() as { token: string }).token;
      sessions.set(username, session);
    }
    const res = await withToken(session, method, url, body);
    if (attempt > 0 || res.statusCode !== 401 || res.json().error.code !== 'auth.required') return res;
    sessions.delete(username);
  }
};

type Created = { token: string; apiToken: { id: string; tokenPrefix: string; permissions: string[]; status: string; expiresAt: string } };

const createToken = async (body: Record<string, unknown>, as = 'admin'): Promise<Created> => {
  const res = await call(as, 'POST', '/api/v1/api-tokens', { name: 'integration', expiresInDays: 30, ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Created;
};

const tokenCount = async (): Promise<number> =>
  Number((await t.database.db.selectFrom('api_tokens').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

const refusalsAudited = async (reason: string): Promise<number> =>
  Number(
    (
      await t.database.db
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('action', '=', 'api_token.refused')
        .where((eb) => eb.fn('jsonb_extract_path_text', [eb.ref('data'), eb.val('reason')]), '=', reason)
        .executeTakeFirstOrThrow()
    ).n,
  );

const changesOf = (action: string, subjectId: string) => changesOfIn(t.database.db, action, subjectId);
const entryCount = (action: string): Promise<number> => entryCountIn(t.database.db, action);

const newCase = { channel: 'phone', kind: 'help', title: '令牌测试', description: '令牌测试用例。' };

describe('making a token', () => {
  it('shows the secret once, keeps only its hash, and lists a non-secret prefix', async () => {
    const created = await createToken({ name: '报表脚本', permissions: ['case.read'] });
    expect(created.token).toMatch(/^bh_[A-Za-z0-9_-]{43}$/);
    expect(created.apiToken.tokenPrefix).toBe(created.token.slice(0, 11));
    const row = await t.database.db.selectFrom('api_tokens').selectAll().where('id', '=', created.apiToken.id).executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(sha256(created.token));
    expect(JSON.stringify(row)).not.toContain(created.token.slice(11));
    const list = await call('admin', 'GET', '/api/v1/api-tokens');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain(created.apiToken.tokenPrefix);
    expect(list.body).not.toContain(created.token);
    // Told in the token's own transaction, with its limits and owner; never the secret or its hash.
    const told = await changesOf('api_token.created', created.apiToken.id);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({
      actor_name: 'admin', ip: '127.0.0.1', user_agent: 'lightMyRequest', subject_kind: 'api-tokens', outcome: 'done',
      data: { name: '报表脚本', tokenPrefix: created.apiToken.tokenPrefix, permissions: ['case.read'], owner: { username: 'admin' }, unit: null, allowedIps: null },
    });
    expect(told[0]?.actor_id).toBe((await t.database.db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow()).id);
    expect(JSON.stringify(told)).not.toContain(created.token.slice(11));
    expect(JSON.stringify(told)).not.toContain(row.token_hash);
  });

  it('refuses bad limits with a coded error and makes nothing', async () => {
    const before = await tokenCount();
    const toldBefore = await entryCount('api_token.created');
    const cases: [Record<string, unknown>, string, string][] = [
      [{ permissions: ['security.manage'] }, 'body.permissions', 'not_delegable'],
      [{ permissions: ['integration.manage'] }, 'body.permissions', 'not_delegable'],
      [{ permissions: ['case.read'], expiresInDays: 366 }, 'body.expiresInDays', ''],
      [{ permissions: ['case.read'], expiresInDays: 0 }, 'body.expiresInDays', ''],
      [{ permissions: [] }, 'body.permissions', ''],
      [{ permissions: ['case.read'], allowedIps: ['10.0.0.0/33'] }, 'body.allowedIps.0', 'invalid_cidr'],
      [{ permissions: ['case.read'], allowedIps: ['not-an-address'] }, 'body.allowedIps.0', 'invalid_cidr'],
      [{ permissions: ['case.read'], unitId: '00000000-0000-4000-8000-000000000000' }, 'body.unitId', 'unknown_unit'],
      // The owner must be the creator or a service account: not another person.
      [{ permissions: ['case.read'], ownerId: (await t.database.db.selectFrom('users').select('id').where('username', '=', 'agent').executeTakeFirstOrThrow()).id }, 'body.ownerId', 'not_a_service_account_in_scope'],
    ];
    for (const [body, path, problem] of cases) {
      const res = await call('admin', 'POST', '/api/v1/api-tokens', { name: 'x', expiresInDays: 30, ...body });
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      const error = res.json().error as { code: string; details: { issues: { path: string; message: string }[] } };
      expect(error.code).toBe('validation.failed');
      expect(error.details.issues[0]?.path).toBe(path);
      if (problem) expect(error.details.issues[0]?.message).toBe(problem);
    }
    // Without integration.manage there is no token making at all.
    expect((await call('dispatcher', 'POST', '/api/v1/api-tokens', { name: 'x', expiresInDays: 30, permissions: ['case.read'] })).json().error.code).toBe('auth.forbidden');
    expect(await tokenCount()).toBe(before);
    expect(await entryCount('api_token.created')).toBe(toldBefore);
  });
});

describe('using a token', () => {
  it('acts with the token permissions only, and refusals are audited', async () => {
    const { token } = await createToken({ permissions: ['case.read'] });
    expect((await withToken(token, 'GET', '/api/v1/cases')).statusCode).toBe(200);
    const me = (await withToken(token, 'GET', '/api/v1/auth/me')).json() as { username: string; permissions: string[]; roles: string[] };
    expect(me).toMatchObject({ username: 'admin', permissions: ['case.read'] });
    // An administrator's token limited to reading is not "an administrator".
    expect(me.roles).not.toContain('admin');
    const countCases = async () => Number((await t.database.db.selectFrom('cases').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await countCases();
    const auditedBefore = await refusalsAudited('missing_permission');
    const refused = await withToken(token, 'POST', '/api/v1/cases', newCase);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ code: 'auth.forbidden', details: { permission: 'case.create', reason: 'token_scope' } });
    expect(await countCases()).toBe(before);
    expect(await refusalsAudited('missing_permission')).toBe(auditedBefore + 1);
  });

  it('cannot make tokens, change credentials or security settings (no escalation)', async () => {
    // Even a token with every delegable permission of an administrator.
    const all = (await call('admin', 'GET', '/api/v1/auth/me')).json().permissions as string[];
    const { token } = await createToken({ permissions: all.filter((p) => !(NON_DELEGABLE_PERMISSIONS as readonly string[]).includes(p)) });
    const before = await tokenCount();
    const attempts: [method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: unknown][] = [
      ['POST', '/api/v1/api-tokens', { name: 'escalate', expiresInDays: 30, permissions: ['case.read'] }],
      ['GET', '/api/v1/admin/users', undefined],
      ['GET', '/api/v1/api-tokens'],
      ['POST', '/api/v1/api-tokens/service-accounts', { username: 'sneaky', roles: ['admin'], unitId: unitId('lhasa') }],
      ['PUT', '/api/v1/admin/security/two-factor-roles', { roles: [] }],
      ['POST', '/api/v1/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'a-much-better-password-2026' }],
      ['POST', '/api/v1/auth/totp/setup'],
      ['POST', '/api/v1/auth/logout-all'],
      ['POST', '/api/v1/admin/api-keys', { name: 'partner', intakeUnitId: unitId('lhasa') }],
    ];
    for (const [method, url, body] of attempts) {
      const res = await withToken(token, method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(403);
      expect(res.json().error, `${method} ${url}`).toMatchObject({ code: 'auth.token_forbidden', details: { reason: 'route_not_allowed' } });
    }
    expect(await tokenCount()).toBe(before);
    expect(await t.database.db.selectFrom('users').select('id').where('username', '=', 'sneaky').executeTakeFirst()).toBeUndefined();
    // The admin's own session still works (logout-all was refused).
    expect((await call('admin', 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
  });

  it('sees only the subtree of its unit', async () => {
    const { token } = await createToken({ permissions: ['case.read'], unitId: unitId('hrss') });
    const asToken = (await withToken(token, 'GET', '/api/v1/cases?pageSize=100')).json() as { total: number; items: { id: string }[] };
    const asLeader = (await call('leader', 'GET', '/api/v1/cases?pageSize=100')).json() as { total: number; items: { id: string }[] };
    const asAdmin = (await call('admin', 'GET', '/api/v1/cases?pageSize=100')).json() as { total: number };
    expect(asToken.total).toBe(asLeader.total);
    expect(asToken.total).toBeLessThan(asAdmin.total);
    expect(new Set(asToken.items.map((i) => i.id))).toEqual(new Set(asLeader.items.map((i) => i.id)));
  });

  it('refuses unknown, expired and revoked tokens with coded 401s, audited', async () => {
    const unknown = await withToken(`bh_${'A'.repeat(43)}`, 'GET', '/api/v1/cases');
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.code).toBe('auth.token_invalid');

    const short = await createToken({ permissions: ['case.read'], expiresInDays: 1 });
    expect((await withToken(short.token, 'GET', '/api/v1/cases')).statusCode).toBe(200);
    const expiredBefore = await refusalsAudited('expired');
    clock += 25 * 3600_000;
    const expired = await withToken(short.token, 'GET', '/api/v1/cases');
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error).toMatchObject({ code: 'auth.token_expired', details: { reason: 'expired', tokenPrefix: short.apiToken.tokenPrefix } });
    expect(await refusalsAudited('expired')).toBe(expiredBefore + 1);

    const revocable = await createToken({ permissions: ['case.read'] });
    expect((await withToken(revocable.token, 'GET', '/api/v1/cases')).statusCode).toBe(200);
    const revoked = await call('admin', 'POST', `/api/v1/api-tokens/${revocable.apiToken.id}/revoke`);
    expect(revoked.json()).toMatchObject({ status: 'revoked' });
    const told = { actor_name: 'admin', subject_kind: 'api-tokens', outcome: 'done', data: { tokenPrefix: revocable.apiToken.tokenPrefix, owner: { username: 'admin' } } };
    expect(await changesOf('api_token.revoked', revocable.apiToken.id)).toMatchObject([told]);
    // Revoking again changes nothing, and tells nothing.
    expect((await call('admin', 'POST', `/api/v1/api-tokens/${revocable.apiToken.id}/revoke`)).statusCode).toBe(200);
    expect(await changesOf('api_token.revoked', revocable.apiToken.id)).toMatchObject([told]);
    const after = await withToken(revocable.token, 'GET', '/api/v1/cases');
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('auth.token_revoked');
    // A revoked token is listed only on request.
    expect((await call('admin', 'GET', '/api/v1/api-tokens')).body).not.toContain(revocable.apiToken.id);
    expect((await call('admin', 'GET', '/api/v1/api-tokens?includeInactive=true')).body).toContain(revocable.apiToken.id);
  });

  it('rotates: a new secret with the same limits, the old one stops at once', async () => {
    const old = await createToken({ name: '轮换', permissions: ['case.read', 'case.note'] });
    const rotated = await call('admin', 'POST', `/api/v1/api-tokens/${old.apiToken.id}/rotate`, { expiresInDays: 90 });
    expect(rotated.statusCode).toBe(201);
    const fresh = rotated.json() as Created & { apiToken: { rotatedFrom: string } };
    expect(fresh.token).not.toBe(old.token);
    expect(fresh.apiToken).toMatchObject({ permissions: ['case.read', 'case.note'], rotatedFrom: old.apiToken.id, status: 'active' });
    expect(Date.parse(fresh.apiToken.expiresAt)).toBe(clock + 90 * 86_400_000);
    expect((await withToken(old.token, 'GET', '/api/v1/cases')).json().error.code).toBe('auth.token_revoked');
    expect((await withToken(fresh.token, 'GET', '/api/v1/cases')).statusCode).toBe(200);
    // Told under the rotated token, naming the new one; neither secret.
    const told = await changesOf('api_token.rotated', old.apiToken.id);
    expect(told).toMatchObject([{
      actor_name: 'admin', subject_kind: 'api-tokens', outcome: 'done',
      data: { name: '轮换', tokenPrefix: old.apiToken.tokenPrefix, newTokenId: fresh.apiToken.id, newTokenPrefix: fresh.apiToken.tokenPrefix, permissions: ['case.read', 'case.note'] },
    }]);
    expect(JSON.stringify(told)).not.toContain(fresh.token.slice(11));
    expect(JSON.stringify(told)).not.toContain(old.token.slice(11));
    // A revoked token cannot be rotated back to life, and the refusal tells of no rotation.
    const again = await call('admin', 'POST', `/api/v1/api-tokens/${old.apiToken.id}/rotate`, {});
    expect(again.statusCode).toBe(400);
    expect(await changesOf('api_token.rotated', old.apiToken.id)).toHaveLength(1);
  });

  it('is refused outside its address allow-list', async () => {
    const { token } = await createToken({ permissions: ['case.read'], allowedIps: ['10.5.0.0/16', '2001:db8::/32'] });
    expect((await withToken(token, 'GET', '/api/v1/cases', undefined, '10.5.3.4')).statusCode).toBe(200);
    expect((await withToken(token, 'GET', '/api/v1/cases', undefined, '::ffff:10.5.3.4')).statusCode).toBe(200);
    expect((await withToken(token, 'GET', '/api/v1/cases', undefined, '2001:db8::7')).statusCode).toBe(200);
    const before = await refusalsAudited('ip_not_allowed');
    const outside = await withToken(token, 'GET', '/api/v1/cases', undefined, '10.6.0.1');
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error).toMatchObject({ code: 'auth.token_forbidden', details: { reason: 'ip_not_allowed' } });
    expect(await refusalsAudited('ip_not_allowed')).toBe(before + 1);
  });

  it('records the last use at most once a minute', async () => {
    const { token, apiToken } = await createToken({ permissions: ['case.read'] });
    const lastUsed = async () => (await t.database.db.selectFrom('api_tokens').select('last_used_at').where('id', '=', apiToken.id).executeTakeFirstOrThrow()).last_used_at;
    expect(await lastUsed()).toBeNull();
    await withToken(token, 'GET', '/api/v1/auth/me');
    const first = await lastUsed();
    expect(first?.getTime()).toBe(clock);
    clock += 30_000;
    await withToken(token, 'GET', '/api/v1/auth/me');
    expect((await lastUsed())?.getTime()).toBe(first?.getTime());
    clock += 31_000;
    await withToken(token, 'GET', '/api/v1/auth/me');
    expect((await lastUsed())?.getTime()).toBe(clock);
  });
});

describe('service accounts', () => {
  it('own tokens within their roles and unit; demotion and deactivation take effect at once', async () => {
    const made = await call('admin', 'POST', '/api/v1/api-tokens/service-accounts', {
      username: 'hotline-bridge', displayName: '12345 热线对接', roles: ['dispatcher'], unitId: unitId('hrss'), description: '热线系统',
    });
    expect(made.statusCode, made.body).toBe(201);
    const account = made.json() as { id: string; isActive: boolean };
    expect(account.isActive).toBe(true);
    expect(await changesOf('service_account.created', account.id)).toMatchObject([{
      actor_name: 'admin', subject_kind: 'users', outcome: 'done', data: { username: 'hotline-bridge', roles: ['dispatcher'], unit: { id: unitId('hrss') } },
    }]);
    const madeBefore = await entryCount('service_account.created');
    // A service account cannot sign in with a password.
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'hotline-bridge', password: TEST_PASSWORD }, remoteAddress: '10.77.0.1' })).statusCode).toBe(401);
    // Never administrator powers through a role.
    const strong = await call('admin', 'POST', '/api/v1/api-tokens/service-accounts', { username: 'too-strong', roles: ['admin'], unitId: unitId('hrss') });
    expect(strong.json().error.details.issues[0]).toMatchObject({ path: 'body.roles', message: 'role_too_strong' });
    expect(await entryCount('service_account.created')).toBe(madeBefore);

    // The token's unit must lie within the account's unit; its permissions within the account's roles.
    const outside = await call('admin', 'POST', '/api/v1/api-tokens', { name: 'x', expiresInDays: 30, ownerId: account.id, permissions: ['case.read'], unitId: unitId('cityman') });
    expect(outside.json().error.details.issues[0]).toMatchObject({ path: 'body.unitId', message: 'outside_scope' });
    const notHeld = await call('admin', 'POST', '/api/v1/api-tokens', { name: 'x', expiresInDays: 30, ownerId: account.id, permissions: ['case.reply'] });
    expect(notHeld.json().error.details.issues[0]).toMatchObject({ path: 'body.permissions', message: 'not_held_by_owner' });

    const { token } = await createToken({ ownerId: account.id, permissions: ['case.read', 'case.create'] });
    const created = await withToken(token, 'POST', '/api/v1/cases', newCase);
    expect(created.statusCode, created.body).toBe(201);
    // Made without a password, and its token says so.
    expect((await withToken(token, 'GET', '/api/v1/auth/me')).json()).toMatchObject({ username: 'hotline-bridge', hasPassword: false });

    // Demoted: the account loses case.create, so does its token (the owner's CURRENT roles count).
    await t.database.db.updateTable('users').set({ roles: ['unit_handler'] }).where('id', '=', account.id).execute();
    const demoted = await withToken(token, 'POST', '/api/v1/cases', newCase);
    expect(demoted.statusCode).toBe(403);
    expect(demoted.json().error.code).toBe('auth.forbidden');
    expect((await withToken(token, 'GET', '/api/v1/cases')).statusCode).toBe(200);

    // Disabled directly: the token stops.
    await t.database.db.updateTable('users').set({ is_active: false }).where('id', '=', account.id).execute();
    const inactive = await withToken(token, 'GET', '/api/v1/cases');
    expect(inactive.statusCode).toBe(401);
    expect(inactive.json().error).toMatchObject({ code: 'auth.token_invalid', details: { reason: 'owner_inactive' } });
    await t.database.db.updateTable('users').set({ is_active: true }).where('id', '=', account.id).execute();
    expect((await withToken(token, 'GET', '/api/v1/cases')).statusCode).toBe(200);

    // Disabled through the API: every token of it is revoked.
    expect((await call('admin', 'DELETE', `/api/v1/api-tokens/service-accounts/${account.id}`)).statusCode).toBe(204);
    expect((await withToken(token, 'GET', '/api/v1/cases')).json().error.code).toBe('auth.token_revoked');
    const listed = (await call('admin', 'GET', '/api/v1/api-tokens/service-accounts')).json() as { items: { id: string; isActive: boolean; activeTokens: number }[] };
    expect(listed.items.find((a) => a.id === account.id)).toMatchObject({ isActive: false, activeTokens: 0 });
    const disabled = { actor_name: 'admin', subject_kind: 'users', outcome: 'done', data: { username: 'hotline-bridge', revokedTokens: 1 } };
    expect(await changesOf('service_account.disabled', account.id)).toMatchObject([disabled]);
    // Disabled already, no token left: nothing changes, nothing is told.
    expect((await call('admin', 'DELETE', `/api/v1/api-tokens/service-accounts/${account.id}`)).statusCode).toBe(204);
    expect(await changesOf('service_account.disabled', account.id)).toMatchObject([disabled]);
  });

  it('a token whose unit is no longer within its owner unit is refused', async () => {
    const made = (await call('admin', 'POST', '/api/v1/api-tokens/service-accounts', { username: 'mover', roles: ['agent'], unitId: unitId('hrss') })).json() as { id: string };
    const { token } = await createToken({ ownerId: made.id, permissions: ['case.read'], unitId: unitId('hrss') });
    expect((await withToken(token, 'GET', '/api/v1/cases')).statusCode).toBe(200);
    await t.database.db.updateTable('users').set({ unit_id: unitId('cityman') }).where('id', '=', made.id).execute();
    const moved = await withToken(token, 'GET', '/api/v1/cases');
    expect(moved.statusCode).toBe(403);
    expect(moved.json().error).toMatchObject({ code: 'auth.token_forbidden', details: { reason: 'unit_out_of_scope' } });
  });
});
