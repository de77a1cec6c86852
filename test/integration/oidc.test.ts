import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeOidcProvider, type FakeOidcProvider, type IdTokenAlg } from '../helpers/fake-oidc-provider.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';

/**
 * OIDC single sign-on against a tiny OpenID provider started here (test/helpers/fake-oidc-provider.ts): discovery,
 * JWKS, a token endpoint that checks the client secret and PKCE. Every refusal must be coded and open no session.
 */

const CLIENT_ID = 'bihuan-test';
const CLIENT_SECRET = 'client-secret-for-tests';
const REDIRECT_URL = 'http://127.0.0.1:8080/api/v1/auth/oidc/callback';

/** A key the provider does not publish: a token signed with it is a forgery. */
const forger = generateKeyPairSync('rsa', { modulusLength: 2048 });

let provider: FakeOidcProvider;
let issuer = '';

let t: TestApp;
const ENV_KEYS = ['BIHUAN_OIDC_ISSUER', 'BIHUAN_OIDC_CLIENT_ID', 'BIHUAN_OIDC_CLIENT_SECRET', 'BIHUAN_OIDC_REDIRECT_URL', 'BIHUAN_OIDC_PROVIDER_NAME', 'BIHUAN_OIDC_UNKNOWN_USERS', 'BIHUAN_OIDC_NEW_USER_UNIT'];

const configure = (extra: Record<string, string> = {}) => {
  Object.assign(process.env, provider.env({ BIHUAN_OIDC_PROVIDER_NAME: '藏区政务统一身份认证', ...extra }));
};

beforeAll(async () => {
  provider = await startFakeOidcProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUrl: REDIRECT_URL });
  issuer = provider.issuer;
  configure();
  t = await createTestApp();
});
afterAll(async () => {
  for (const key of ENV_KEYS) delete process.env[key];
  await t.close();
  await provider.close();
});

type Flow = { state: string; nonce: string; challenge: string; cookie: string; location: URL };

const start = async (app: TestApp = t): Promise<Flow> => {
  const res = await app.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/start?returnTo=/work/queue' });
  expect(res.statusCode, res.body).toBe(302);
  const location = new URL(String(res.headers.location));
  const cookie = res.cookies.find((c) => c.name === 'bihuan_oidc');
  expect(cookie?.httpOnly).toBe(true);
  const p = location.searchParams;
  return { state: p.get('state') ?? '', nonce: p.get('nonce') ?? '', challenge: p.get('code_challenge') ?? '', cookie: cookie?.value ?? '', location };
};

/** Numbers the accounts made in these tests, so that each is new. */
let accountSeq = 0;
/** What the provider would do after the person signs in: a code bound to the challenge, with these claims. */
const grant = (flow: Flow, claims: Record<string, unknown> = {}, how: { alg?: IdTokenAlg; key?: KeyObject; kid?: string } = {}): string => {
  const now = Math.floor(Date.now() / 1000);
  return provider.issueCode({
    challenge: flow.challenge,
    ...how,
    claims: { iss: issuer, sub: 'subject-1', aud: CLIENT_ID, exp: now + 300, iat: now, nonce: flow.nonce, preferred_username: 'Agent', name: '测试', ...claims },
  });
};

const callback = (flow: Flow, code: string, options: { isJson?: boolean; cookie?: string | null; app?: TestApp } = {}): Promise<LightMyRequestResponse> =>
  (options.app ?? t).app.inject({
    method: 'GET',
    url: `/api/v1/auth/oidc/callback?code=${encodeURIComponent(code)}&state=${encodeURIComponent(flow.state)}`,
    headers: options.isJson === false ? {} : { accept: 'application/json' },
    cookies: options.cookie === null ? {} : { bihuan_oidc: options.cookie ?? flow.cookie },
  });

const sessionCount = async (app: TestApp = t): Promise<number> =>
  Number((await app.database.db.selectFrom('sessions').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

const expectRefused = async (res: LightMyRequestResponse, before: number, code: string, reason: string, status = 401) => {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json().error).toMatchObject({ code, details: { reason } });
  expect(res.cookies.find((c) => c.name === 'bihuan_session')).toBeUndefined();
  expect(await sessionCount()).toBe(before);
};

describe('OIDC sign-in', () => {
  it('announces the provider and starts the code flow with PKCE, state and nonce', async () => {
    expect((await t.call(null, 'GET', '/api/v1/auth/oidc')).json()).toEqual({ isEnabled: true, providerName: '藏区政务统一身份认证' });
    const flow = await start();
    expect(`${flow.location.origin}${flow.location.pathname}`).toBe(`${issuer}/authorize`);
    const p = flow.location.searchParams;
    expect(Object.fromEntries([...p.entries()].filter(([k]) => ['response_type', 'client_id', 'redirect_uri', 'scope', 'code_challenge_method'].includes(k)))).toEqual({
      response_type: 'code', client_id: CLIENT_ID, redirect_uri: REDIRECT_URL, scope: 'openid profile email', code_challenge_method: 'S256',
    });
    expect(flow.state).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(flow.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(flow.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // Only hashes of the state are kept on the server.
    const row = await t.database.db.selectFrom('oidc_login_states').selectAll().where('state_hash', '=', createHash('sha256').update(flow.state).digest('hex')).executeTakeFirst();
    expect(row?.nonce).toBe(flow.nonce);
  });

  it('opens an ordinary session (RS256), lands on the page asked for, and the state cannot be replayed', async () => {
    const before = await sessionCount();
    const flow = await start();
    const res = await callback(flow, grant(flow), { isJson: false });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/#/work/queue');
    const session = res.cookies.find((c) => c.name === 'bihuan_session');
    expect(session?.httpOnly).toBe(true);
    expect(await sessionCount()).toBe(before + 1);
    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { bihuan_session: session?.value ?? '' } });
    expect(me.json()).toMatchObject({ username: 'agent', roles: ['agent'] });
    const audited = await t.database.db.selectFrom('audit_log').select(['actor_name', 'outcome']).where('action', '=', 'auth.oidc_login').orderBy('id', 'desc').executeTakeFirst();
    expect(audited).toEqual({ actor_name: 'agent', outcome: '302' });

    // The same state again (a replayed callback, even with a fresh code): refused, no session.
    const replayed = await callback(flow, grant(flow));
    await expectRefused(replayed, before + 1, 'auth.sso_failed', 'state_invalid');
  });

  it('accepts ES256 ID tokens', async () => {
    const flow = await start();
    const res = await callback(flow, grant(flow, { preferred_username: 'dispatcher' }, { alg: 'ES256' }));
    expect(res.statusCode, res.body).toBe(302);
  });

  it('refuses a wrong signature, audience, issuer, expiry, nonce and algorithm, with coded errors and no session', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, (flow: Flow) => string][] = [
      ['bad_signature', (f) => grant(f, {}, { key: forger.privateKey })],
      ['wrong_audience', (f) => grant(f, { aud: 'another-client' })],
      ['wrong_audience', (f) => grant(f, { aud: [CLIENT_ID, 'another-client'], azp: 'another-client' })],
      ['wrong_issuer', (f) => grant(f, { iss: 'https://evil.example' })],
      ['expired', (f) => grant(f, { exp: now - 600, iat: now - 900 })],
      ['nonce_mismatch', (f) => grant(f, { nonce: 'not-the-nonce' })],
      ['unsupported_alg', (f) => grant(f, {}, { alg: 'none' })],
      ['unknown_key', (f) => grant(f, {}, { kid: 'rotated-away' })],
    ];
    for (const [reason, makeCode] of cases) {
      const before = await sessionCount();
      const flow = await start();
      await expectRefused(await callback(flow, makeCode(flow)), before, 'auth.sso_failed', reason);
    }
  });

  it('refuses a callback from another browser, a wrong PKCE verifier and a provider error', async () => {
    let before = await sessionCount();
    const other = await start();
    const exchanges = provider.tokenRequests;
    await expectRefused(await callback(other, grant(other), { cookie: null }), before, 'auth.sso_failed', 'state_invalid');
    // Refused before the code is even exchanged.
    expect(provider.tokenRequests).toBe(exchanges);

    // The code was issued for another flow's challenge: the provider refuses our verifier.
    const a = await start();
    const b = await start();
    before = await sessionCount();
    await expectRefused(await callback(a, grant(b)), before, 'auth.sso_failed', 'token_exchange_failed');

    const denied = await start();
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/auth/oidc/callback?error=access_denied&state=${denied.state}`,
      cookies: { bihuan_oidc: denied.cookie },
      headers: { accept: 'application/json' },
    });
    await expectRefused(res, before, 'auth.sso_failed', 'provider_error');
  });

  it('sends the browser back to the sign-in page with the error code', async () => {
    const flow = await start();
    const res = await callback(flow, grant(flow, { aud: 'someone-else' }), { isJson: false });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/#/login?ssoError=auth.sso_failed&ssoReason=wrong_audience');
  });

  it('refuses unknown people (by default), disabled accounts, and a second factor the provider did not assert', async () => {
    const before = await sessionCount();
    const unknown = await start();
    await expectRefused(await callback(unknown, grant(unknown, { preferred_username: 'nobody.here' })), before, 'auth.sso_user_refused', 'unknown_user', 403);
    expect(await t.database.db.selectFrom('users').select('id').where('username', '=', 'nobody.here').executeTakeFirst()).toBeUndefined();

    await t.database.db.updateTable('users').set({ is_active: false }).where('username', '=', 'handler_market').execute();
    const inactive = await start();
    await expectRefused(await callback(inactive, grant(inactive, { preferred_username: 'handler_market' })), before, 'auth.sso_user_refused', 'inactive_user', 403);

    // Supervisor has TOTP on: the provider must say it used a second factor itself (amr).
    const supervisor = await t.database.db.selectFrom('users').select('id').where('username', '=', 'supervisor').executeTakeFirstOrThrow();
    await t.database.db.insertInto('user_totp').values({ user_id: supervisor.id, secret_sealed: 'v1.test', enabled_at: new Date(), updated_at: new Date() }).execute();
    const plain = await start();
    await expectRefused(await callback(plain, grant(plain, { preferred_username: 'supervisor', amr: ['pwd'] })), before, 'auth.sso_user_refused', 'second_factor_required', 403);
    const withMfa = await start();
    expect((await callback(withMfa, grant(withMfa, { preferred_username: 'supervisor', amr: ['pwd', 'otp'] }))).statusCode).toBe(302);
  });

  it('counts as a recent sign-in from when the person gave the provider their credentials, and a confirmation asks for them again', async () => {
    const confirm = await t.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/start?returnTo=/work/admin/users&confirm=1' });
    expect(confirm.statusCode, confirm.body).toBe(302);
    const asked = new URL(String(confirm.headers.location)).searchParams;
    expect([asked.get('prompt'), asked.get('max_age')]).toEqual(['login', '0']);
    const ordinary = (await start()).location.searchParams;
    expect([ordinary.get('prompt'), ordinary.get('max_age')]).toEqual([null, null]);

    const now = Math.floor(Date.now() / 1000);
    const makeAccount = async (claims: Record<string, unknown>) => {
      const flow = await start();
      const signedIn = await callback(flow, grant(flow, { preferred_username: 'admin', ...claims }));
      expect(signedIn.statusCode, signedIn.body).toBe(302);
      const session = signedIn.cookies.find((c) => c.name === 'bihuan_session')?.value ?? '';
      const unitId = (await t.database.db.selectFrom('units').select('id').where('code', '=', 'lhasa').executeTakeFirstOrThrow()).id;
      return t.app.inject({
        method: 'POST', url: '/api/v1/admin/users', cookies: { bihuan_session: session },
        payload: { username: `sso_made_${(accountSeq += 1)}`, displayName: '单点登录', roles: ['agent'], unitId },
      });
    };
    // The provider's own session answered the redirect an hour after the person signed in there.
    const stale = await makeAccount({ auth_time: now - 3600 });
    expect(stale.json()).toMatchObject({ error: { code: 'auth.reauth_required', details: { canUseSso: true } } });
    // Nothing said of when: never counts as recent.
    expect((await makeAccount({})).json()).toMatchObject({ error: { code: 'auth.reauth_required' } });
    // The person has just typed their credentials at the provider.
    const fresh = await makeAccount({ auth_time: now });
    expect(fresh.statusCode, fresh.body).toBe(201);
  });

  it('a confirmation insists that the provider asked again, and replaces the session it confirms', async () => {
    const startConfirmation = async (): Promise<Flow> => {
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/auth/oidc/start?returnTo=/work/admin/users&confirm=1' });
      const location = new URL(String(res.headers.location));
      const p = location.searchParams;
      return { state: p.get('state') ?? '', nonce: p.get('nonce') ?? '', challenge: p.get('code_challenge') ?? '', cookie: res.cookies.find((c) => c.name === 'bihuan_oidc')?.value ?? '', location };
    };
    const first = await start();
    const signedIn = await callback(first, grant(first, { preferred_username: 'dispatcher', auth_time: Math.floor(Date.now() / 1000) - 3600 }));
    const old = signedIn.cookies.find((c) => c.name === 'bihuan_session')?.value ?? '';
    const meWith = async (token: string) => (await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', cookies: { bihuan_session: token } })).statusCode;
    expect(await meWith(old)).toBe(200);

    // The provider answered from its own session (an hour-old auth_time): refused, and nothing changes.
    const ignored = await startConfirmation();
    const refused = await t.app.inject({
      method: 'GET', url: `/api/v1/auth/oidc/callback?code=${encodeURIComponent(grant(ignored, { preferred_username: 'dispatcher', auth_time: Math.floor(Date.now() / 1000) - 3600 }))}&state=${encodeURIComponent(ignored.state)}`,
      headers: { accept: 'application/json' }, cookies: { bihuan_oidc: ignored.cookie, bihuan_session: old },
    });
    expect(refused.statusCode, refused.body).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'auth.sso_user_refused', details: { reason: 'not_asked_again' } } });
    expect(await meWith(old)).toBe(200);

    // Asked again: the new session is confirmed, and the one it replaces in this browser ends.
    const asked = await startConfirmation();
    const confirmed = await t.app.inject({
      method: 'GET', url: `/api/v1/auth/oidc/callback?code=${encodeURIComponent(grant(asked, { preferred_username: 'dispatcher', auth_time: Math.floor(Date.now() / 1000) }))}&state=${encodeURIComponent(asked.state)}`,
      cookies: { bihuan_oidc: asked.cookie, bihuan_session: old },
    });
    expect(confirmed.statusCode, confirmed.body).toBe(302);
    expect(confirmed.headers.location).toBe('/#/work/admin/users');
    const fresh = confirmed.cookies.find((c) => c.name === 'bihuan_session')?.value ?? '';
    expect(await meWith(fresh)).toBe(200);
    expect(await meWith(old)).toBe(401);
  });

  it('says so when it is not configured', async () => {
    for (const key of ENV_KEYS) delete process.env[key];
    const bare = await createTestApp();
    try {
      expect((await bare.call(null, 'GET', '/api/v1/auth/oidc')).json()).toEqual({ isEnabled: false, providerName: null });
      const res = await bare.call(null, 'GET', '/api/v1/auth/oidc/start');
      expect(res.statusCode).toBe(404);
      expect(res.json().error.code).toBe('auth.sso_not_configured');
    } finally {
      await bare.close();
      configure();
    }
  });

  it('can create unknown people with no roles, when configured to', async () => {
    configure({ BIHUAN_OIDC_UNKNOWN_USERS: 'create', BIHUAN_OIDC_NEW_USER_UNIT: 'hrss' });
    const creating = await createTestApp();
    try {
      const flow = await start(creating);
      const res = await callback(flow, grant(flow, { preferred_username: 'Dolma.Tsering', name: 'སྒྲོལ་མ་ཚེ་རིང་' }), { app: creating, isJson: false });
      expect(res.statusCode, res.body).toBe(302);
      const user = await creating.database.db.selectFrom('users').innerJoin('units', 'units.id', 'users.unit_id').select(['users.roles', 'users.display_name', 'units.code']).where('username', '=', 'dolma.tsering').executeTakeFirstOrThrow();
      expect(user).toEqual({ roles: [], display_name: 'སྒྲོལ་མ་ཚེ་རིང་', code: 'hrss' });
      // The account is recorded with its making, in the same transaction, as the person who signed in.
      const made = await creating.database.db.selectFrom('audit_log').select(['actor_name', 'subject_kind', 'outcome', 'data']).where('action', '=', 'user.created').execute();
      expect(made).toEqual([{ actor_name: 'dolma.tsering', subject_kind: 'users', outcome: 'done', data: expect.objectContaining({ via: 'single_sign_on', roles: [], unit: expect.objectContaining({ code: 'hrss' }) }) }]);
      // A second sign-in finds the account and makes no second record.
      const again = await start(creating);
      expect((await callback(again, grant(again, { preferred_username: 'Dolma.Tsering' }), { app: creating, isJson: false })).statusCode).toBe(302);
      expect((await creating.database.db.selectFrom('audit_log').select('id').where('action', '=', 'user.created').execute()).length).toBe(1);
      // No roles: signed in, but nothing beyond the routes any signed-in person has.
      const session = res.cookies.find((c) => c.name === 'bihuan_session')?.value ?? '';
      const cases = await creating.app.inject({ method: 'GET', url: '/api/v1/cases', cookies: { bihuan_session: session } });
      expect(cases.statusCode).toBe(403);
    } finally {
      await creating.close();
      configure();
    }
  });

  it('a person made by single sign-on has no password: confirmations offer single sign-on only, until an administrator sets one', async () => {
    configure({ BIHUAN_OIDC_UNKNOWN_USERS: 'create', BIHUAN_OIDC_NEW_USER_UNIT: 'hrss' });
    const creating = await createTestApp();
    const db = creating.database.db;
    try {
      const flow = await start(creating);
      // No auth_time: the session never counts as recent, so the first guarded step asks for a confirmation.
      const signedIn = await callback(flow, grant(flow, { preferred_username: 'Pema.Dorje', name: 'པདྨ་རྡོ་རྗེ།' }), { app: creating, isJson: false });
      expect(signedIn.statusCode, signedIn.body).toBe(302);
      const ssoSession = signedIn.cookies.find((c) => c.name === 'bihuan_session')?.value ?? '';
      const withSession = (session: string, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
        creating.app.inject({ method, url, cookies: { bihuan_session: session }, ...(payload ? { payload } : {}) });
      expect((await withSession(ssoSession, 'GET', '/api/v1/auth/me')).json()).toMatchObject({ username: 'pema.dorje', hasPassword: false });

      // Setting up TOTP is guarded and open to everyone signed in, roles or none.
      const asked = await withSession(ssoSession, 'POST', '/api/v1/auth/totp/setup', {});
      expect(asked.statusCode, asked.body).toBe(403);
      expect(asked.json()).toMatchObject({ error: { code: 'auth.reauth_required', details: { reauthMinutes: 15, hasPassword: false, hasTotp: false, canUseSso: true } } });

      // A password confirmation is refused, pointing to single sign-on, however often: never counted, never locked.
      for (let i = 0; i < 7; i += 1) {
        const refused = await withSession(ssoSession, 'POST', '/api/v1/auth/reauth', { password: `guess-${i}` });
        expect(refused.statusCode, refused.body).toBe(400);
        expect(refused.json()).toMatchObject({ error: { code: 'validation.failed', details: { issues: [{ path: 'body.password', message: 'no_password' }] } } });
      }
      // Only the request rate of the route is counted (rate:…), not a single failed sign-in (user:…, ip:…).
      expect(await db.selectFrom('throttle_counters').select('key').where('key', 'not like', 'rate:%').execute()).toEqual([]);
      // The own-password page has nothing to change either.
      const change = await withSession(ssoSession, 'POST', '/api/v1/auth/password', { currentPassword: 'anything', newPassword: 'Lhasa-River-2026' });
      expect(change.json()).toMatchObject({ error: { code: 'validation.failed', details: { issues: [{ path: 'body.currentPassword', message: 'no_password' }] } } });

      // A password sign-in answers exactly like a wrong password for an account that has one, and counts as now.
      const login = (username: string, password: string) => creating.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
      const toSsoAccount = await login('pema.dorje', 'whatever-it-was');
      const wrongForAgent = await login('agent', 'whatever-it-was');
      expect(toSsoAccount.statusCode).toBe(wrongForAgent.statusCode);
      expect(toSsoAccount.json()).toEqual(wrongForAgent.json());
      expect(await db.selectFrom('throttle_counters').select('count').where('key', '=', 'user:pema.dorje').executeTakeFirst()).toEqual({ count: 1 });
      await db.deleteFrom('throttle_counters').execute();

      // An administrator sets a one-time password: the account has one from now on.
      const account = await db.selectFrom('users').select(['id', 'has_password']).where('username', '=', 'pema.dorje').executeTakeFirstOrThrow();
      expect(account.has_password).toBe(false);
      const reset = await creating.call('admin', 'POST', `/api/v1/admin/users/${account.id}/reset-password`);
      expect(reset.statusCode, reset.body).toBe(200);
      expect((await db.selectFrom('users').select('has_password').where('id', '=', account.id).executeTakeFirstOrThrow()).has_password).toBe(true);

      // Its owner replaces it, and a confirmation then asks for the password as it does for every account with one.
      const temporary = (reset.json() as { temporaryPassword: string }).temporaryPassword;
      const first = await login('pema.dorje', temporary);
      expect(first.statusCode, first.body).toBe(200);
      const changed = await withSession((first.json() as { token: string }).token, 'POST', '/api/v1/auth/password', { currentPassword: temporary, newPassword: 'Lhasa-River-2026' });
      expect(changed.statusCode, changed.body).toBe(204);
      const again = await login('pema.dorje', 'Lhasa-River-2026');
      expect(again.json()).toMatchObject({ user: { hasPassword: true } });
      const passwordSession = (again.json() as { token: string }).token;
      await db.updateTable('sessions').set({ verified_at: new Date(Date.now() - 3600_000) }).where('user_id', '=', account.id).execute();
      const askedAgain = await withSession(passwordSession, 'POST', '/api/v1/auth/totp/setup', {});
      expect(askedAgain.json()).toMatchObject({ error: { code: 'auth.reauth_required', details: { hasPassword: true, canUseSso: true } } });
      expect((await withSession(passwordSession, 'POST', '/api/v1/auth/reauth', { password: 'Lhasa-River-2026' })).statusCode).toBe(200);
    } finally {
      await creating.close();
      configure();
    }
  });
});

describe('OIDC sign-in from a new device', () => {
  it('puts the new-device notice in the bell, as a password sign-in does', async () => {
    const chromeWindows = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
    const firefoxLinux = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
    const first = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'user-agent': chromeWindows }, payload: { username: 'handler', password: TEST_PASSWORD } });
    expect(first.statusCode, first.body).toBe(200);
    const flow = await start();
    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/auth/oidc/callback?code=${encodeURIComponent(grant(flow, { preferred_username: 'handler' }))}&state=${encodeURIComponent(flow.state)}`,
      headers: { accept: 'application/json', 'user-agent': firefoxLinux },
      cookies: { bihuan_oidc: flow.cookie },
    });
    expect(res.statusCode, res.body).toBe(302);
    const token = (first.json() as { token: string }).token;
    const notices = (await t.app.inject({ method: 'GET', url: '/api/v1/notifications?lang=en', headers: { authorization: `Bearer ${token}` } })).json() as {
      items: { code: string; caseId: string | null; data: Record<string, unknown> }[];
    };
    const deviceNotices = notices.items.filter((n) => n.code === 'auth.new_device_sign_in');
    expect(deviceNotices).toHaveLength(1);
    expect(deviceNotices[0]).toMatchObject({ caseId: null, data: { browser: 'Firefox', os: 'Linux' } });
  });
});
