import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, totp } from '../../src/core/auth/totp.js';
import { TWO_FACTOR_ERROR_CODES, type TwoFactorErrorReason } from '../../src/core/auth/two-factor.js';
import { sha256 } from '../../src/core/shared/secrets.js';
import { loadTotpMasterKey } from '../../src/db/two-factor.repository.js';
import type { TwoFactorTables } from '../../src/db/two-factor.schema.js';
import { HTTP_STATUS } from '../../src/http/error-mapping.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';

// A key of this run: nothing is written to ./data, and the key file path is tested on its own below.
process.env.BIHUAN_TOTP_KEY = randomBytes(32).toString('base64');

let clock = Date.UTC(2026, 10, 22, 8, 0, 10);
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: () => new Date(clock) });
});
afterAll(async () => {
  await t?.close();
});

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
const as = (token: string | null, method: Method, url: string, body?: unknown) =>
  t.app.inject({
    method,
    url,
    headers: token ? { authorization: `Bearer ${token}` } : {},
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
  });

const login = (username: string, extra: { password?: string; totpCode?: string } = {}, remoteAddress = '10.20.0.1') =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress,
    payload: { username, password: extra.password ?? TEST_PASSWORD, ...(extra.totpCode === undefined ? {} : { totpCode: extra.totpCode }) },
  });

const tokenFrom = (res: LightMyRequestResponse): string => {
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { token: string }).token;
};

/** A two-factor refusal: the code of the table in two-factor.ts (today's fallback or the auth.totp_* code), its status and reason. */
const expectRefusal = (res: LightMyRequestResponse, reason: TwoFactorErrorReason) => {
  const code = TWO_FACTOR_ERROR_CODES[reason];
  expect(res.statusCode, res.body).toBe(HTTP_STATUS[code]);
  expect(res.json()).toMatchObject({ error: { code, details: { reason } } });
};

const expectWrongField = (res: LightMyRequestResponse, path: string) => {
  expect(res.statusCode, res.body).toBe(400);
  expect(res.json()).toMatchObject({ error: { code: 'validation.failed' } });
  expect((res.json() as { error: { details: { issues: { path: string }[] } } }).error.details.issues.map((i) => i.path)).toContain(path);
};

/** The database with the two-factor tables in its type (whether or not schema.ts lists them yet). */
const db = () => t.database.db.withTables<TwoFactorTables>();

const userIdOf = async (username: string): Promise<string> =>
  (await t.database.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;

const sessionCount = async (username: string): Promise<number> => {
  const row = await t.database.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('users.username', '=', username)
    .executeTakeFirstOrThrow();
  return Number(row.n);
};

/** Sets up and turns on TOTP for a signed-in user; returns the secret and the recovery codes. */
const enrol = async (token: string): Promise<{ secret: Buffer; recoveryCodes: string[] }> => {
  const setup = await as(token, 'POST', '/api/v1/auth/totp/setup');
  expect(setup.statusCode, setup.body).toBe(200);
  const secret = base32Decode((setup.json() as { secret: string }).secret);
  if (!secret) throw new Error('the secret is not base32');
  const enabled = await as(token, 'POST', '/api/v1/auth/totp/enable', { code: totp(secret, clock) });
  expect(enabled.statusCode, enabled.body).toBe(200);
  return { secret, recoveryCodes: (enabled.json() as { recoveryCodes: string[] }).recoveryCodes };
};

/** A six-digit code that is none of the codes accepted now (the steps before, now and after). */
const wrongCode = (secret: Buffer): string => {
  const near = [-30_000, 0, 30_000].map((d) => totp(secret, clock + d));
  for (let n = 0; ; n += 1) {
    const code = String(n).padStart(6, '0');
    if (!near.includes(code)) return code;
  }
};

/** The next 30-second step: the code of the step just used is refused (a code is accepted once). */
const nextStep = () => {
  clock += 30_000;
};

describe('setting up TOTP', () => {
  it('gives a secret and an otpauth:// URI, turns on with a code from it, and shows ten recovery codes once', async () => {
    const token = tokenFrom(await login('handler'));
    const other = tokenFrom(await login('handler', {}, '10.20.0.2'));

    const before = await as(token, 'GET', '/api/v1/auth/totp');
    expect(before.json()).toEqual({ isEnabled: false, enabledAt: null, hasPendingSetup: false, isRequired: false, recoveryCodesLeft: 0 });

    const setup = await as(token, 'POST', '/api/v1/auth/totp/setup');
    expect(setup.statusCode).toBe(200);
    expect(setup.headers['cache-control']).toBe('no-store');
    const { secret, otpauthUri } = setup.json() as { secret: string; otpauthUri: string };
    expect(secret).toMatch(/^[A-Z2-7]{32}$/); // 160 bits
    expect(otpauthUri).toBe(`otpauth://totp/Bihuan:handler?secret=${secret}&issuer=Bihuan`);
    expect((await as(token, 'GET', '/api/v1/auth/totp')).json()).toMatchObject({ isEnabled: false, hasPendingSetup: true });

    // Still off until a code is shown: sign-in needs no code.
    tokenFrom(await login('handler', {}, '10.20.0.3'));

    const key = base32Decode(secret) ?? Buffer.alloc(0);
    expectWrongField(await as(token, 'POST', '/api/v1/auth/totp/enable', { code: wrongCode(key) }), 'body.code');

    const enabled = await as(token, 'POST', '/api/v1/auth/totp/enable', { code: totp(key, clock) });
    expect(enabled.statusCode, enabled.body).toBe(200);
    expect(enabled.headers['cache-control']).toBe('no-store');
    const body = enabled.json() as { enabledAt: string; recoveryCodes: string[]; endedSessions: number };
    expect(body.recoveryCodes).toHaveLength(10);
    expect(new Set(body.recoveryCodes).size).toBe(10);
    for (const code of body.recoveryCodes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
    expect(body.enabledAt).toBe(new Date(clock).toISOString());

    // Sessions opened without the second factor end; the one that turned it on goes on.
    expect(body.endedSessions).toBe(2);
    expect((await as(other, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    expect((await as(token, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);

    expect((await as(token, 'GET', '/api/v1/auth/totp')).json()).toEqual({
      isEnabled: true, enabledAt: body.enabledAt, hasPendingSetup: false, isRequired: false, recoveryCodesLeft: 10,
    });
    // Another device means turning it off first.
    expectRefusal(await as(token, 'POST', '/api/v1/auth/totp/setup'), 'totp_already_enabled');
    expectRefusal(await as(token, 'POST', '/api/v1/auth/totp/enable', { code: totp(key, clock) }), 'totp_already_enabled');
  });

  it('keeps the secret encrypted and the recovery codes as keyed hashes', async () => {
    const token = tokenFrom(await login('handler_union'));
    const { secret, recoveryCodes } = await enrol(token);
    const userId = await userIdOf('handler_union');
    const row = await db().selectFrom('user_totp').selectAll().where('user_id', '=', userId).executeTakeFirstOrThrow();
    const stored = JSON.stringify(row);
    for (const plain of [secret.toString('hex'), secret.toString('base64'), secret.toString('base64url'), totp(secret, clock)]) expect(stored).not.toContain(plain);
    expect(row.secret_sealed).toMatch(/^v1\.[0-9a-f]{12}\./);

    const hashes = await db().selectFrom('user_recovery_codes').select('code_hash').where('user_id', '=', userId).execute();
    expect(hashes).toHaveLength(10);
    const stolen = JSON.stringify(hashes);
    for (const code of recoveryCodes) {
      const bare = code.replace('-', '');
      for (const guess of [code, bare, sha256(code), sha256(bare), sha256(`${userId}:${bare}`)]) expect(stolen).not.toContain(guess);
    }
  });

  it('forgets a set-up that was not finished within 15 minutes', async () => {
    const token = tokenFrom(await login('handler_market'));
    const setup = await as(token, 'POST', '/api/v1/auth/totp/setup');
    const key = base32Decode((setup.json() as { secret: string }).secret) ?? Buffer.alloc(0);
    clock += 16 * 60_000;
    expect((await as(token, 'GET', '/api/v1/auth/totp')).json()).toMatchObject({ hasPendingSetup: false });
    // The sign-in is as old as the set-up: turning TOTP on asks for the password first (docs/access.md).
    expect((await as(token, 'POST', '/api/v1/auth/reauth', { password: TEST_PASSWORD })).statusCode).toBe(200);
    expectWrongField(await as(token, 'POST', '/api/v1/auth/totp/enable', { code: totp(key, clock) }), 'body.code');
  });

  it('refuses anonymous callers', async () => {
    for (const [method, url] of [['GET', '/api/v1/auth/totp'], ['POST', '/api/v1/auth/totp/setup'], ['POST', '/api/v1/auth/totp/enable'], ['POST', '/api/v1/auth/totp/disable']] as const) {
      expect((await as(null, method, url, method === 'POST' ? { code: '123456' } : undefined)).statusCode).toBe(401);
    }
  });
});

describe('signing in with TOTP', () => {
  let secret: Buffer;
  let recoveryCodes: string[];
  beforeAll(async () => {
    nextStep();
    ({ secret, recoveryCodes } = await enrol(tokenFrom(await login('handler_city'))));
  });

  it('asks for the code after the right password, without opening a session or clearing failures', async () => {
    nextStep();
    const sessions = await sessionCount('handler_city');
    const missing = await login('handler_city');
    expectRefusal(missing, 'totp_required');
    expect(missing.json()).not.toHaveProperty('token');
    expect(await sessionCount('handler_city')).toBe(sessions);
    // A wrong password says nothing about the second factor.
    const wrongPassword = await login('handler_city', { password: 'wrong-password', totpCode: totp(secret, clock) });
    expect(wrongPassword.statusCode).toBe(401);
    expect(wrongPassword.json()).toMatchObject({ error: { code: 'auth.invalid_credentials' } });
    expect(wrongPassword.json().error.details).not.toHaveProperty('reason');

    const ok = await login('handler_city', { totpCode: totp(secret, clock) });
    expect(ok.json()).toMatchObject({ mustEnrollTotp: false, user: { username: 'handler_city' } });
    expect((await as(tokenFrom(ok), 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
  });

  it('accepts a code once: the same code again, or an older one, is refused', async () => {
    nextStep();
    const code = totp(secret, clock);
    tokenFrom(await login('handler_city', { totpCode: code }));
    expectRefusal(await login('handler_city', { totpCode: code }), 'totp_invalid');
    // The previous step is inside the ±30 s window but before the last one used.
    expectRefusal(await login('handler_city', { totpCode: totp(secret, clock - 30_000) }), 'totp_invalid');
    // The next step's code (a phone running 30 s ahead) is fine.
    tokenFrom(await login('handler_city', { totpCode: totp(secret, clock + 30_000) }));
    clock += 60_000;
    tokenFrom(await login('handler_city', { totpCode: totp(secret, clock) }));
  });

  it('lets exactly one of several simultaneous sign-ins with one code through', async () => {
    nextStep();
    const code = totp(secret, clock);
    const results = await Promise.all([1, 2, 3].map((n) => login('handler_city', { totpCode: code }, `10.20.1.${n}`)));
    expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401, 401]);
  });

  it('accepts each recovery code once, however it is typed, and counts what is left', async () => {
    const [first = '', second = ''] = recoveryCodes;
    const token = tokenFrom(await login('handler_city', { totpCode: first }));
    expectRefusal(await login('handler_city', { totpCode: first }), 'totp_invalid');
    tokenFrom(await login('handler_city', { totpCode: ` ${second.toUpperCase().replace('-', ' ')} ` }));
    expect((await as(token, 'GET', '/api/v1/auth/totp')).json()).toMatchObject({ recoveryCodesLeft: 8 });
    expectRefusal(await login('handler_city', { totpCode: 'zzzzz-zzzzz' }), 'totp_invalid');
    expectRefusal(await login('handler_city', { totpCode: 'not a code' }), 'totp_invalid');
  });

  it('counts wrong codes as failed sign-ins: after five the account is locked, even with the right code', async () => {
    nextStep();
    const token = tokenFrom(await login('leader', {}, '10.20.2.1'));
    const { secret: leaderSecret } = await enrol(token);
    nextStep();
    const wrong = wrongCode(leaderSecret);
    for (let i = 0; i < 5; i += 1) expectRefusal(await login('leader', { totpCode: wrong }, `10.20.2.${10 + i}`), 'totp_invalid');
    const locked = await login('leader', { totpCode: totp(leaderSecret, clock) }, '10.20.2.99');
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ error: { code: 'auth.locked' } });
    // A right password without a code does not reset the count (else codes could be guessed forever).
    clock += 16 * 60_000;
    expectRefusal(await login('leader', {}, '10.20.2.98'), 'totp_required');
    for (let i = 0; i < 4; i += 1) expectRefusal(await login('leader', { totpCode: wrong }, '10.20.2.97'), 'totp_invalid');
    expectRefusal(await login('leader', {}, '10.20.2.98'), 'totp_required');
    expectRefusal(await login('leader', { totpCode: wrong }, '10.20.2.97'), 'totp_invalid');
    expect((await login('leader', { totpCode: totp(leaderSecret, clock) }, '10.20.2.96')).statusCode).toBe(429);
    clock += 16 * 60_000;
    tokenFrom(await login('leader', { totpCode: totp(leaderSecret, clock) }, '10.20.2.95'));
  });
});

describe('turning TOTP off', () => {
  it('takes the password and a current code, refuses wrong ones, and then sign-in needs no code', async () => {
    nextStep();
    const first = tokenFrom(await login('supervisor'));
    const { secret } = await enrol(first);
    nextStep();
    const token = tokenFrom(await login('supervisor', { totpCode: totp(secret, clock) }));
    nextStep();
    expectWrongField(await as(token, 'POST', '/api/v1/auth/totp/disable', { password: 'wrong-password', code: totp(secret, clock) }), 'body.password');
    expectWrongField(await as(token, 'POST', '/api/v1/auth/totp/disable', { password: TEST_PASSWORD, code: wrongCode(secret) }), 'body.code');
    expect((await as(token, 'GET', '/api/v1/auth/totp')).json()).toMatchObject({ isEnabled: true });
    const off = await as(token, 'POST', '/api/v1/auth/totp/disable', { password: TEST_PASSWORD, code: totp(secret, clock) });
    expect(off.statusCode, off.body).toBe(204);
    expect((await as(token, 'GET', '/api/v1/auth/totp')).json()).toMatchObject({ isEnabled: false, recoveryCodesLeft: 0 });
    expect((await login('supervisor')).json()).toMatchObject({ mustEnrollTotp: false });
    expectRefusal(await as(token, 'POST', '/api/v1/auth/totp/disable', { password: TEST_PASSWORD, code: totp(secret, clock) }), 'totp_not_enabled');
    // The recovery codes went with it.
    expect(await db().selectFrom('user_recovery_codes').selectAll().where('user_id', '=', await userIdOf('supervisor')).execute()).toEqual([]);
  });
});

describe('roles that must use TOTP', () => {
  afterAll(async () => {
    await as(await t.tokenOf('admin'), 'PUT', '/api/v1/admin/security/two-factor-roles', { roles: [] });
  });

  it('are set by administrators only', async () => {
    for (const username of ['agent', 'dispatcher', 'supervisor']) {
      const res = await t.call(username, 'PUT', '/api/v1/admin/security/two-factor-roles', { roles: ['agent'] });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'auth.forbidden' } });
      expect((await t.call(username, 'GET', '/api/v1/admin/security/two-factor-roles')).statusCode).toBe(403);
    }
    expect((await t.call(null, 'PUT', '/api/v1/admin/security/two-factor-roles', { roles: [] })).statusCode).toBe(401);
    expect((await t.call('admin', 'PUT', '/api/v1/admin/security/two-factor-roles', { roles: ['root'] })).statusCode).toBe(400);
    expect((await t.call('admin', 'GET', '/api/v1/admin/security/two-factor-roles')).json()).toEqual({ roles: [], updatedAt: null });
  });

  it('let a user of such a role sign in, but only to set TOTP up; everything else answers totp_setup_required', async () => {
    // A session from before the rule is held to it as well.
    const earlier = await t.tokenOf('agent');
    expect((await as(earlier, 'GET', '/api/v1/cases')).statusCode).toBe(200);

    const set = await t.call('admin', 'PUT', '/api/v1/admin/security/two-factor-roles', { roles: ['dispatcher', 'agent', 'dispatcher'] });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json()).toMatchObject({ roles: ['agent', 'dispatcher'] });
    expect((await t.call('admin', 'GET', '/api/v1/admin/security/two-factor-roles')).json()).toMatchObject({ roles: ['agent', 'dispatcher'] });

    const signedIn = await login('dispatcher', {}, '10.20.3.1');
    expect(signedIn.json()).toMatchObject({ mustEnrollTotp: true });
    const token = tokenFrom(signedIn);
    for (const token_ of [token, earlier]) {
      expectRefusal(await as(token_, 'GET', '/api/v1/cases'), 'totp_setup_required');
      expectRefusal(await as(token_, 'POST', '/api/v1/cases', { channel: 'phone', kind: 'help', title: '双因素', description: '双因素' }), 'totp_setup_required');
      expectRefusal(await as(token_, 'POST', '/api/v1/auth/password', { currentPassword: TEST_PASSWORD, newPassword: 'Another-Passw0rd-2026' }), 'totp_setup_required');
      expect((await as(token_, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
      expect((await as(token_, 'GET', '/api/v1/auth/totp')).json()).toMatchObject({ isEnabled: false, isRequired: true });
    }
    // Public routes do not look at the session.
    expect((await as(token, 'GET', '/api/v1/units')).statusCode).toBe(200);
    // Users of other roles are not affected.
    expect((await t.call('supervisor', 'GET', '/api/v1/cases')).statusCode).toBe(200);

    nextStep();
    const { secret } = await enrol(token);
    expect((await as(token, 'GET', '/api/v1/cases')).statusCode).toBe(200);
    nextStep();
    expect((await login('dispatcher', { totpCode: totp(secret, clock) }, '10.20.3.1')).json()).toMatchObject({ mustEnrollTotp: false });

    // Required means it cannot be turned off.
    nextStep();
    const off = await as(token, 'POST', '/api/v1/auth/totp/disable', { password: TEST_PASSWORD, code: totp(secret, clock) });
    expect(off.statusCode).toBe(403);
    expect(off.json()).toMatchObject({ error: { code: 'auth.forbidden', details: { reason: 'totp_required_by_role' } } });

    const logout = await as(earlier, 'POST', '/api/v1/auth/logout');
    expect(logout.statusCode).toBe(204);
  });

  it('apply to the administrators themselves, who can still set TOTP up', async () => {
    const admin = await t.tokenOf('admin');
    expect((await as(admin, 'PUT', '/api/v1/admin/security/two-factor-roles', { roles: ['admin'] })).statusCode).toBe(200);
    expectRefusal(await as(admin, 'GET', '/api/v1/admin/security/two-factor-roles'), 'totp_setup_required');
    nextStep();
    await enrol(admin);
    expect((await as(admin, 'GET', '/api/v1/admin/security/two-factor-roles')).json()).toMatchObject({ roles: ['admin'] });
  });
});

describe('an administrator resetting a user who lost the phone and the codes', () => {
  it('turns TOTP off and ends every session of the user', async () => {
    nextStep();
    const userToken = tokenFrom(await login('handler_market', {}, '10.20.4.1'));
    const { secret } = await enrol(userToken);
    const userId = await userIdOf('handler_market');
    const admin = await t.tokenOf('admin');

    expect((await as(userToken, 'DELETE', `/api/v1/admin/security/users/${userId}/totp`)).statusCode).toBe(403);
    const reset = await as(admin, 'DELETE', `/api/v1/admin/security/users/${userId}/totp`);
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json()).toEqual({ endedSessions: 1 });
    expect((await as(userToken, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);
    nextStep();
    expect((await login('handler_market', {}, '10.20.4.1')).statusCode).toBe(200);
    expect(totp(secret, clock)).toMatch(/^\d{6}$/);
    expect((await as(admin, 'DELETE', `/api/v1/admin/security/users/${userId}/totp`)).statusCode).toBe(404);
  });

  it('is limited like every step on an account: own unit and below, never oneself, an administrator only from above', async () => {
    const units = await t.database.db.selectFrom('units').select(['id', 'code', 'path']).where('code', 'in', ['hrss', 'lhasa']).execute();
    const hrss = units.find((u) => u.code === 'hrss');
    expect(hrss?.path).toContain('.');
    const hash = (await t.database.db.selectFrom('users').select('password_hash').where('username', '=', 'admin').executeTakeFirstOrThrow()).password_hash;
    const lhasa = units.find((u) => u.code === 'lhasa');
    const people = [['admin_hrss_a', 'admin', hrss], ['admin_hrss_b', 'admin', hrss], ['agent_lhasa_2fa', 'agent', lhasa], ['handler_hrss_2fa', 'unit_handler', hrss]] as const;
    for (const [username, role, unit] of people) {
      await t.database.db.insertInto('users').values({ username, display_name: username, password_hash: hash, roles: [role], unit_id: unit?.id ?? '' }).execute();
    }
    const enrolled = async (username: string, address: string): Promise<string> => {
      nextStep();
      await enrol(tokenFrom(await login(username, {}, address)));
      return userIdOf(username);
    };
    const inLhasa = await enrolled('agent_lhasa_2fa', '10.20.5.1');
    const peer = await enrolled('admin_hrss_b', '10.20.5.2');
    const below = await enrolled('handler_hrss_2fa', '10.20.5.3');
    nextStep();
    const unitAdmin = tokenFrom(await login('admin_hrss_a', {}, '10.20.5.4'));
    const ownId = await userIdOf('admin_hrss_a');
    const code = (res: LightMyRequestResponse) => (res.json() as { error?: { code: string; details?: Record<string, unknown> } }).error;

    // A unit above: it answers as if there were no such account, and TOTP stays on.
    const above = await as(unitAdmin, 'DELETE', `/api/v1/admin/security/users/${inLhasa}/totp`);
    expect(above.statusCode).toBe(404);
    expect(code(above)?.code).toBe('resource.not_found');
    // A fellow administrator of the same unit: refused, the reset would strip their second factor.
    const sideways = await as(unitAdmin, 'DELETE', `/api/v1/admin/security/users/${peer}/totp`);
    expect(sideways.statusCode).toBe(403);
    expect(code(sideways)?.details).toMatchObject({ reason: 'peer_administrator', change: 'reset_two_factor' });
    const own = await as(unitAdmin, 'DELETE', `/api/v1/admin/security/users/${ownId}/totp`);
    expect(own.statusCode).toBe(409);
    expect(code(own)?.code).toBe('user.self_change_refused');
    const enabled = await db().selectFrom('user_totp').select('user_id').where('user_id', 'in', [inLhasa, peer]).where('enabled_at', 'is not', null).execute();
    expect(enabled.length).toBe(2);

    // Its own unit's handler: allowed. And from the top unit, the peer administrator too.
    expect((await as(unitAdmin, 'DELETE', `/api/v1/admin/security/users/${below}/totp`)).statusCode).toBe(200);
    expect((await as(await t.tokenOf('admin'), 'DELETE', `/api/v1/admin/security/users/${peer}/totp`)).statusCode).toBe(200);
    expect((await as(await t.tokenOf('admin'), 'DELETE', `/api/v1/admin/security/users/${inLhasa}/totp`)).statusCode).toBe(200);

    // The roles that must use TOTP hold for the whole organisation: set from a top-level unit only.
    const policy = await as(unitAdmin, 'PUT', '/api/v1/admin/security/two-factor-roles', { roles: [] });
    expect(policy.statusCode).toBe(403);
    expect(code(policy)?.details).toMatchObject({ reason: 'not_top_level_unit' });
  });
});

describe('the master key', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const tempDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'bihuan-totp-'));
    dirs.push(dir);
    return dir;
  };

  it('comes from BIHUAN_TOTP_KEY when set, which must be 32 bytes of base64', () => {
    const key = randomBytes(32);
    expect(loadTotpMasterKey({ BIHUAN_TOTP_KEY: key.toString('base64') }).equals(key)).toBe(true);
    expect(loadTotpMasterKey({ BIHUAN_TOTP_KEY: ` ${key.toString('base64url')}\n` }).equals(key)).toBe(true);
    for (const bad of ['short', randomBytes(16).toString('base64'), randomBytes(33).toString('base64'), `${key.toString('base64').slice(0, 42)}!=`]) {
      expect(() => loadTotpMasterKey({ BIHUAN_TOTP_KEY: bad })).toThrow(/32 random bytes/);
    }
  });

  it('else from <BIHUAN_DATA_DIR>/totp.key, created once with mode 0600, and refused when others can read it', () => {
    const dir = path.join(tempDir(), 'data');
    const key = loadTotpMasterKey({ BIHUAN_DATA_DIR: dir });
    const file = path.join(dir, 'totp.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64').equals(key)).toBe(true);
    expect(loadTotpMasterKey({ BIHUAN_DATA_DIR: dir }).equals(key)).toBe(true);
    chmodSync(file, 0o644);
    expect(() => loadTotpMasterKey({ BIHUAN_DATA_DIR: dir })).toThrow(/other users/);
  });
});
