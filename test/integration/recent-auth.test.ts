import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, totp } from '../../src/core/auth/totp.js';
import { loadRouteCatalog, routeKey } from '../helpers/route-catalog.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';

/** Recent sign-in before sensitive steps (docs/access.md, "Recent sign-in"), with the default of 15 minutes. */

const MINUTE = 60_000;
let clock = Date.parse('2026-11-25T02:00:00Z');
let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ now: () => new Date(clock) });
});
afterAll(async () => {
  await t.close();
});

type ErrorBody = { error: { code: string; details: Record<string, unknown> } };

const signIn = async (username: string, extra: { totpCode?: string } = {}): Promise<string> => {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: TEST_PASSWORD, ...extra } });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { token: string }).token;
};

const as = (token: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown): Promise<LightMyRequestResponse> =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as Record<string, unknown> }) });

const codeOf = (res: LightMyRequestResponse): string => (res.json() as ErrorBody).error.code;

const unitId = async (code: string): Promise<string> =>
  (await t.database.db.selectFrom('units').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;

let accounts = 0;
const newAccountBody = async () => ({ username: `recent_${(accounts += 1)}`, displayName: '确认身份', roles: ['agent'], unitId: await unitId('lhasa') });

const accountCount = async (): Promise<number> =>
  Number((await t.database.db.selectFrom('users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('recent sign-in before sensitive steps', () => {
  it('a fresh sign-in may take the step; a quarter of an hour later the step asks for the password and changes nothing', async () => {
    const token = await signIn('admin');
    const made = await as(token, 'POST', '/api/v1/admin/users', await newAccountBody());
    expect(made.statusCode, made.body).toBe(201);

    clock += 16 * MINUTE;
    const before = await accountCount();
    const refused = await as(token, 'POST', '/api/v1/admin/users', await newAccountBody());
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'auth.reauth_required', details: { reauthMinutes: 15, hasPassword: true, hasTotp: false, canUseSso: false } } });
    expect(await accountCount()).toBe(before);

    // Everything else goes on as before: reading, and the protective steps that must stay one click.
    expect((await as(token, 'GET', '/api/v1/admin/users?status=active')).statusCode).toBe(200);
    const target = (made.json() as { account: { id: string } }).account.id;
    expect((await as(token, 'POST', `/api/v1/admin/users/${target}/disable`)).statusCode).toBe(200);
    // Enabling lets the account act again: it is guarded.
    expect(codeOf(await as(token, 'POST', `/api/v1/admin/users/${target}/enable`))).toBe('auth.reauth_required');
  });

  it('every guarded route asks, and a caller without the permission is refused, not asked', async () => {
    const admin = await signIn('admin');
    const agent = await signIn('agent');
    clock += 16 * MINUTE;
    const someone = (await t.database.db.selectFrom('users').select('id').where('username', '=', 'handler').executeTakeFirstOrThrow()).id;
    const guarded: [method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown][] = [
      ['POST', '/api/v1/admin/users', await newAccountBody()],
      ['PATCH', `/api/v1/admin/users/${someone}`, { roles: ['agent'] }],
      ['POST', `/api/v1/admin/users/${someone}/reset-password`],
      ['POST', `/api/v1/admin/users/${someone}/enable`],
      ['POST', '/api/v1/api-tokens', { name: 'late', permissions: ['case.read'], expiresInDays: 30 }],
      ['POST', `/api/v1/api-tokens/${someone}/rotate`, {}],
      ['POST', '/api/v1/api-tokens/service-accounts', { username: 'late-sa', roles: ['agent'], unitId: await unitId('hrss') }],
      ['PUT', '/api/v1/admin/security/two-factor-roles', { roles: [] }],
      ['DELETE', `/api/v1/admin/security/users/${someone}/totp`],
      ['GET', '/api/v1/privacy/people?phone=13800001234'],
      ['POST', '/api/v1/privacy/people/erase', { phone: '13800001234' }],
    ];
    for (const [method, url, body] of guarded) {
      const res = await as(admin, method, url, body);
      expect(codeOf(res), `${method} ${url}: ${res.body}`).toBe('auth.reauth_required');
      expect(codeOf(await as(agent, method, url, body)), `${method} ${url} as agent`).toBe('auth.forbidden');
    }
  });

  it('every change to accounts, credentials, security settings and a person\'s data is guarded, or named here as a protective step', async () => {
    // Adding a route in these areas fails this test until it is put on one list or the other.
    const GUARDED = [
      'POST /api/v1/admin/users', 'PATCH /api/v1/admin/users/:id', 'POST /api/v1/admin/users/:id/enable', 'POST /api/v1/admin/users/:id/reset-password',
      'POST /api/v1/api-tokens', 'POST /api/v1/api-tokens/:id/rotate', 'POST /api/v1/api-tokens/service-accounts',
      'POST /api/v1/admin/api-keys', 'PATCH /api/v1/admin/api-keys/:id',
      'PUT /api/v1/admin/security/two-factor-roles', 'DELETE /api/v1/admin/security/users/:id/totp',
      'POST /api/v1/auth/totp/setup', 'POST /api/v1/auth/totp/enable',
      'GET /api/v1/privacy/people', 'POST /api/v1/privacy/people/erase',
    ];
    const PROTECTIVE = [
      'POST /api/v1/admin/users/:id/disable', 'POST /api/v1/admin/users/:id/end-sessions', 'POST /api/v1/admin/users/:id/unlock',
      'POST /api/v1/api-tokens/:id/revoke', 'DELETE /api/v1/api-tokens/service-accounts/:id', 'DELETE /api/v1/admin/api-keys/:id',
      // Turning TOTP off needs the password and a code already.
      'POST /api/v1/auth/totp/disable',
      // Open311 settings: which services are public and which cases stay private; no credential, no account.
      'PUT /api/v1/admin/open311/services/:code', 'PUT /api/v1/admin/open311/private-cases/:caseId', 'DELETE /api/v1/admin/open311/private-cases/:caseId',
      'POST /api/v1/admin/open311/webhook-failures/:id/replay',
    ];
    const token = await signIn('admin');
    clock += 16 * MINUTE;
    const isInArea = (method: string, url: string) =>
      /^\/api\/v1\/(admin|api-tokens|privacy)(\/|$)/u.test(url) || /^\/api\/v1\/auth\/totp\//u.test(url) ? method !== 'GET' || url.startsWith('/api/v1/privacy/') : false;
    const guarded: string[] = [];
    const unguarded: string[] = [];
    for (const route of await loadRouteCatalog(t.app)) {
      if (!isInArea(route.method, route.url)) continue;
      const url = route.url.replace(/:(\w+)/gu, (_, name: string) => (name === 'code' ? 'matrix' : '00000000-0000-4000-8000-000000000000'));
      const res = await as(token, route.method as 'POST', url, route.method === 'GET' || route.method === 'DELETE' ? undefined : {});
      (codeOf(res) === 'auth.reauth_required' ? guarded : unguarded).push(routeKey(route));
    }
    expect(guarded.sort()).toEqual([...GUARDED].sort());
    expect(unguarded.sort()).toEqual([...PROTECTIVE].sort());
  });

  it('API tokens never take a guarded step, and one\'s own sign-in lock is lifted by time or another administrator only', async () => {
    const admin = await signIn('admin');
    const made = await as(admin, 'POST', '/api/v1/api-tokens', { name: 'privacy robot', permissions: ['privacy.manage', 'case.read'], expiresInDays: 30 });
    expect(made.statusCode, made.body).toBe(201);
    const apiToken = (made.json() as { token: string }).token;
    const lookup = await as(apiToken, 'GET', '/api/v1/privacy/people?phone=13800001234');
    expect(lookup.statusCode, lookup.body).toBe(403);
    expect(codeOf(lookup)).toBe('auth.token_forbidden');
    const me = (await as(admin, 'GET', '/api/v1/auth/me')).json() as { id: string };
    const own = await as(admin, 'POST', `/api/v1/admin/users/${me.id}/unlock`);
    expect(own.statusCode, own.body).toBe(409);
    expect(own.json()).toMatchObject({ error: { code: 'user.self_change_refused', details: { change: 'unlock' } } });
  });

  it('a session that must set up TOTP first confirms with its password before the set-up, like every other', async () => {
    const admin = await signIn('admin');
    clock += 16 * MINUTE;
    expect((await as(admin, 'POST', '/api/v1/auth/reauth', { password: TEST_PASSWORD })).statusCode).toBe(200);
    expect((await as(admin, 'PUT', '/api/v1/admin/security/two-factor-roles', { roles: ['agent'] })).statusCode).toBe(200);
    const enrolling = await signIn('agent');
    clock += 16 * MINUTE;
    // Nothing else is open to it, but a stolen session of it must not turn TOTP on for the thief.
    expect(codeOf(await as(enrolling, 'GET', '/api/v1/cases'))).toBe('auth.totp_setup_required');
    expect(codeOf(await as(enrolling, 'POST', '/api/v1/auth/totp/setup'))).toBe('auth.reauth_required');
    expect((await as(enrolling, 'POST', '/api/v1/auth/reauth', { password: TEST_PASSWORD })).statusCode).toBe(200);
    const setup = await as(enrolling, 'POST', '/api/v1/auth/totp/setup');
    expect(setup.statusCode, setup.body).toBe(200);
    expect((await as(admin, 'POST', '/api/v1/auth/reauth', { password: TEST_PASSWORD })).statusCode).toBe(200);
    expect((await as(admin, 'PUT', '/api/v1/admin/security/two-factor-roles', { roles: [] })).statusCode).toBe(200);
  });

  it('the password confirms this session for 15 minutes; a wrong one is a field error that keeps the session', async () => {
    const token = await signIn('supervisor');
    const other = await signIn('admin');
    const admin = await signIn('admin');
    clock += 20 * MINUTE;

    const wrong = await as(admin, 'POST', '/api/v1/auth/reauth', { password: 'not-the-password' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json()).toMatchObject({ error: { code: 'validation.failed', details: { issues: [{ path: 'body.password', message: 'wrong password' }] } } });
    expect((await as(admin, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    expect(codeOf(await as(admin, 'POST', '/api/v1/admin/users', await newAccountBody()))).toBe('auth.reauth_required');

    const confirmed = await as(admin, 'POST', '/api/v1/auth/reauth', { password: TEST_PASSWORD });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect((confirmed.json() as { verifiedUntil: string }).verifiedUntil).toBe(new Date(clock + 15 * MINUTE).toISOString());
    expect((await as(admin, 'POST', '/api/v1/admin/users', await newAccountBody())).statusCode).toBe(201);

    // Only this session: the same person's other session still has to confirm.
    expect(codeOf(await as(other, 'POST', '/api/v1/admin/users', await newAccountBody()))).toBe('auth.reauth_required');
    // A confirmation is not a permission: the supervisor may confirm, and still may not manage accounts.
    expect((await as(token, 'POST', '/api/v1/auth/reauth', { password: TEST_PASSWORD })).statusCode).toBe(200);
    expect(codeOf(await as(token, 'POST', '/api/v1/admin/users', await newAccountBody()))).toBe('auth.forbidden');

    clock += 14 * MINUTE;
    expect((await as(admin, 'POST', '/api/v1/admin/users', await newAccountBody())).statusCode).toBe(201);
    clock += 2 * MINUTE;
    expect(codeOf(await as(admin, 'POST', '/api/v1/admin/users', await newAccountBody()))).toBe('auth.reauth_required');

    // Both steps are in the audit log under the person who took them.
    const entries = await t.database.db
      .selectFrom('audit_log')
      .select(['action', 'outcome', 'actor_name'])
      .where('action', '=', 'POST /api/v1/auth/reauth')
      .where('actor_name', '=', 'admin')
      .orderBy('id')
      .execute();
    expect(entries.map((e) => e.outcome).slice(-2)).toEqual(['400', '200']);
  });

  it('wrong passwords count like failed sign-ins: the account locks for both', async () => {
    const token = await signIn('dispatcher');
    for (let i = 0; i < 5; i += 1) expect((await as(token, 'POST', '/api/v1/auth/reauth', { password: `wrong-${i}` })).statusCode).toBe(400);
    const locked = await as(token, 'POST', '/api/v1/auth/reauth', { password: TEST_PASSWORD });
    expect(locked.statusCode).toBe(429);
    expect(codeOf(locked)).toBe('auth.locked');
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'dispatcher', password: TEST_PASSWORD } });
    expect(login.statusCode).toBe(429);
    // The session itself is not ended by a lock-out.
    expect((await as(token, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    await t.database.db.deleteFrom('throttle_counters').execute();
  });

  it('with two-factor on, the confirmation also needs a code, used once', async () => {
    let token = await signIn('leader');
    const setup = await as(token, 'POST', '/api/v1/auth/totp/setup');
    expect(setup.statusCode, setup.body).toBe(200);
    const secret = base32Decode((setup.json() as { secret: string }).secret);
    if (!secret) throw new Error('the secret is not base32');
    expect((await as(token, 'POST', '/api/v1/auth/totp/enable', { code: totp(secret, clock) })).statusCode).toBe(200);
    clock += 60_000;
    token = await signIn('leader', { totpCode: totp(secret, clock) });
    clock += 16 * MINUTE;

    const noCode = await as(token, 'POST', '/api/v1/auth/reauth', { password: TEST_PASSWORD });
    expect(noCode.statusCode).toBe(400);
    expect(noCode.json()).toMatchObject({ error: { details: { issues: [{ path: 'body.totpCode', message: 'required' }] } } });
    const code = totp(secret, clock);
    expect((await as(token, 'POST', '/api/v1/auth/reauth', { password: TEST_PASSWORD, totpCode: code })).statusCode).toBe(200);
    // The same code again is refused, as at sign-in.
    const replay = await as(token, 'POST', '/api/v1/auth/reauth', { password: TEST_PASSWORD, totpCode: code });
    expect(replay.json()).toMatchObject({ error: { details: { issues: [{ path: 'body.totpCode', message: 'wrong_code' }] } } });
    await t.database.db.deleteFrom('throttle_counters').execute();
  });

  it('an administrator with two-factor on is told that the confirmation needs a code', async () => {
    let token = await signIn('admin');
    const setup = await as(token, 'POST', '/api/v1/auth/totp/setup');
    const secret = base32Decode((setup.json() as { secret: string }).secret);
    if (!secret) throw new Error('the secret is not base32');
    expect((await as(token, 'POST', '/api/v1/auth/totp/enable', { code: totp(secret, clock) })).statusCode).toBe(200);
    clock += 60_000;
    token = await signIn('admin', { totpCode: totp(secret, clock) });
    clock += 16 * MINUTE;
    expect((await as(token, 'POST', '/api/v1/admin/users', await newAccountBody())).json()).toMatchObject({
      error: { code: 'auth.reauth_required', details: { hasTotp: true } },
    });
  });
});

describe('BIHUAN_REAUTH_MINUTES=0', () => {
  it('turns the check off', async () => {
    let offClock = Date.parse('2026-11-25T02:00:00Z');
    const off = await createTestApp({ now: () => new Date(offClock), reauthMinutes: 0 });
    try {
      const token = await off.tokenOf('admin');
      offClock += 100 * MINUTE;
      const made = await off.app.inject({
        method: 'POST',
        url: '/api/v1/admin/users',
        headers: { authorization: `Bearer ${token}` },
        payload: { username: 'never_asked', displayName: '不必确认', roles: ['agent'], unitId: (await off.database.db.selectFrom('units').select('id').where('code', '=', 'lhasa').executeTakeFirstOrThrow()).id },
      });
      expect(made.statusCode, made.body).toBe(201);
    } finally {
      await off.close();
    }
  });
});
