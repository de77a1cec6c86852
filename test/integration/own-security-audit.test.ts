import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { base32Decode, totp } from '../../src/core/auth/totp.js';
import type { TwoFactorTables } from '../../src/db/two-factor.schema.js';
import { changesOf as changesOfIn, entryCount as entryCountIn } from '../helpers/audit-entries.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';

/*
 * Two-factor and password changes, and the roles that must use two-factor, write their audit entry in the
 * change's own transaction (docs/audit.md): a change that committed always has it, one that rolled back never.
 */

process.env.BIHUAN_TOTP_KEY = randomBytes(32).toString('base64');

let clock = Date.UTC(2026, 10, 23, 8, 0, 10);
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ now: () => new Date(clock) });
});
afterAll(async () => {
  await t?.close();
});

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0) own-security-audit';

const as = (token: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, body?: Record<string, unknown>, remoteAddress = '10.30.0.7') =>
  t.app.inject({ method, url, remoteAddress, headers: { authorization: `Bearer ${token}`, 'user-agent': BROWSER }, ...(body ? { payload: body } : {}) });

const login = async (username: string, password = TEST_PASSWORD, totpCode?: string): Promise<string> => {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password, ...(totpCode ? { totpCode } : {}) } });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { token: string }).token;
};

const nextStep = () => {
  clock += 30_000;
};

const enrol = async (token: string): Promise<Buffer> => {
  const setup = await as(token, 'POST', '/api/v1/auth/totp/setup');
  expect(setup.statusCode, setup.body).toBe(200);
  const secret = base32Decode((setup.json() as { secret: string }).secret);
  if (!secret) throw new Error('the secret is not base32');
  const enabled = await as(token, 'POST', '/api/v1/auth/totp/enable', { code: totp(secret, clock) });
  expect(enabled.statusCode, enabled.body).toBe(200);
  return secret;
};

const userIdOf = async (username: string): Promise<string> =>
  (await t.database.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;

const changesOf = (action: string, subjectId: string) => changesOfIn(t.database.db, action, subjectId);
const entryCount = (action: string) => entryCountIn(t.database.db, action);

const isTotpOn = async (userId: string): Promise<boolean> =>
  (await t.database.db.withTables<TwoFactorTables>().selectFrom('user_totp').select('enabled_at').where('user_id', '=', userId).executeTakeFirst())?.enabled_at != null;

/** Makes every insert of this action into the audit log fail, for the length of `body`. */
const refusingEntries = async (action: string, body: () => Promise<void>): Promise<void> => {
  const db = t.database.db;
  await sql`CREATE FUNCTION refuse_change_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.action = ${sql.lit(action)} THEN RAISE EXCEPTION 'audit refused'; END IF; RETURN NEW; END $$`.execute(db);
  await sql`CREATE TRIGGER refuse_change_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_change_audit()`.execute(db);
  try {
    await body();
  } finally {
    await sql`DROP TRIGGER refuse_change_audit ON audit_log`.execute(db);
    await sql`DROP FUNCTION refuse_change_audit()`.execute(db);
  }
};

const expectStatus = (res: LightMyRequestResponse, status: number) => expect(res.statusCode, res.body).toBe(status);

describe('a person turning two-factor on and off', () => {
  it('writes user.two_factor_enabled and user.two_factor_disabled with the address, browser and what was confirmed', async () => {
    const id = await userIdOf('supervisor');
    const first = await login('supervisor');
    const other = await login('supervisor');
    nextStep();
    const secret = await enrol(first);
    const enabled = await changesOf('user.two_factor_enabled', id);
    expect(enabled).toEqual([
      {
        actor_id: id, actor_name: 'supervisor', ip: '10.30.0.7', user_agent: BROWSER, subject_kind: 'users', outcome: 'done',
        data: { username: 'supervisor', recoveryCodes: 10, endedSessions: 1 },
      },
    ]);
    expect((await as(other, 'GET', '/api/v1/auth/me')).statusCode).toBe(401);

    nextStep();
    const off = await as(first, 'POST', '/api/v1/auth/totp/disable', { password: TEST_PASSWORD, code: totp(secret, clock) });
    expectStatus(off, 204);
    expect(await changesOf('user.two_factor_disabled', id)).toMatchObject([
      { actor_id: id, ip: '10.30.0.7', user_agent: BROWSER, outcome: 'done', data: { username: 'supervisor', confirmedWith: 'totp' } },
    ]);
    // Nothing secret is in the entries: no code, no password.
    const text = JSON.stringify([...enabled, ...(await changesOf('user.two_factor_disabled', id))]);
    expect(text).not.toContain(TEST_PASSWORD);
    expect(text).not.toContain(totp(secret, clock));
  });

  it('writes nothing for a refused attempt: a wrong code, or turning off what is off', async () => {
    const id = await userIdOf('dispatcher');
    const token = await login('dispatcher');
    nextStep();
    const secret = await enrol(token);
    nextStep();
    const wrong = totp(secret, clock + 10 * 30_000);
    expectStatus(await as(token, 'POST', '/api/v1/auth/totp/disable', { password: TEST_PASSWORD, code: wrong }), 400);
    expect(await changesOf('user.two_factor_disabled', id)).toEqual([]);
    const codes = await t.database.db.withTables<TwoFactorTables>().selectFrom('user_recovery_codes').select('code_hash').where('user_id', '=', id).execute();
    expect(codes).toHaveLength(10);
    nextStep();
    expectStatus(await as(token, 'POST', '/api/v1/auth/totp/disable', { password: TEST_PASSWORD, code: totp(secret, clock) }), 204);
    expectStatus(await as(token, 'POST', '/api/v1/auth/totp/disable', { password: TEST_PASSWORD, code: totp(secret, clock) }), 409);
    expect(await changesOf('user.two_factor_disabled', id)).toHaveLength(1);
  });

  it('keeps two-factor on when its entry cannot be written', async () => {
    const id = await userIdOf('agent');
    const token = await login('agent');
    nextStep();
    const secret = await enrol(token);
    nextStep();
    await refusingEntries('user.two_factor_disabled', async () => {
      expectStatus(await as(token, 'POST', '/api/v1/auth/totp/disable', { password: TEST_PASSWORD, code: totp(secret, clock) }), 500);
    });
    expect(await isTotpOn(id)).toBe(true);
    expect(await changesOf('user.two_factor_disabled', id)).toEqual([]);
  });
});

describe('an administrator resetting two-factor', () => {
  it('writes user.two_factor_reset as the administrator, with the sessions it ended; a failed entry resets nothing', async () => {
    const id = await userIdOf('handler');
    const handler = await login('handler');
    nextStep();
    await enrol(handler);
    const admin = await login('admin');
    const adminId = await userIdOf('admin');

    await refusingEntries('user.two_factor_reset', async () => {
      expectStatus(await as(admin, 'DELETE', `/api/v1/admin/security/users/${id}/totp`), 500);
    });
    expect(await isTotpOn(id)).toBe(true);
    expect((await as(handler, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    expect(await changesOf('user.two_factor_reset', id)).toEqual([]);

    const reset = await as(admin, 'DELETE', `/api/v1/admin/security/users/${id}/totp`);
    expectStatus(reset, 200);
    expect(await isTotpOn(id)).toBe(false);
    expect(await changesOf('user.two_factor_reset', id)).toEqual([
      {
        actor_id: adminId, actor_name: 'admin', ip: '10.30.0.7', user_agent: BROWSER, subject_kind: 'users', outcome: 'done',
        data: { username: 'handler', endedSessions: (reset.json() as { endedSessions: number }).endedSessions },
      },
    ]);
    expect((reset.json() as { endedSessions: number }).endedSessions).toBeGreaterThanOrEqual(1);
  });
});

describe('the roles that must use two-factor', () => {
  afterAll(async () => {
    await as(await login('admin'), 'PUT', '/api/v1/admin/security/two-factor-roles', { roles: [] });
  });

  it('writes security.two_factor_roles_changed with before and after; saving the same roles again writes none', async () => {
    const admin = await login('admin');
    const adminId = await userIdOf('admin');
    const before = await entryCount('security.two_factor_roles_changed');
    // No roles on a deployment that never set any: nothing changes, nothing is told, and it was never changed.
    const none = await as(admin, 'PUT', '/api/v1/admin/security/two-factor-roles', { roles: [] });
    expectStatus(none, 200);
    expect(none.json()).toEqual({ roles: [], updatedAt: null });
    expect(await entryCount('security.two_factor_roles_changed')).toBe(before);
    clock += 60_000;
    const first = await as(admin, 'PUT', '/api/v1/admin/security/two-factor-roles', { roles: ['unit_leader', 'supervisor', 'unit_leader'] });
    expectStatus(first, 200);
    expect(first.json()).toEqual({ roles: ['supervisor', 'unit_leader'], updatedAt: new Date(clock).toISOString() });
    expect(await changesOf('security.two_factor_roles_changed', 'two_factor_roles')).toEqual([
      {
        actor_id: adminId, actor_name: 'admin', ip: '10.30.0.7', user_agent: BROWSER, subject_kind: 'security_settings', outcome: 'done',
        data: { before: [], after: ['supervisor', 'unit_leader'] },
      },
    ]);

    const savedAt = new Date(clock).toISOString();
    clock += 60_000;
    const again = await as(admin, 'PUT', '/api/v1/admin/security/two-factor-roles', { roles: ['unit_leader', 'supervisor'] });
    expectStatus(again, 200);
    // Nothing changed, so the time of the last change stays, and nothing is told.
    expect(again.json()).toEqual({ roles: ['supervisor', 'unit_leader'], updatedAt: savedAt });
    expect(await entryCount('security.two_factor_roles_changed')).toBe(before + 1);

    await refusingEntries('security.two_factor_roles_changed', async () => {
      expectStatus(await as(admin, 'PUT', '/api/v1/admin/security/two-factor-roles', { roles: ['unit_leader'] }), 500);
    });
    expect((await as(admin, 'GET', '/api/v1/admin/security/two-factor-roles')).json()).toEqual({ roles: ['supervisor', 'unit_leader'], updatedAt: savedAt });

    clock += 60_000;
    expectStatus(await as(admin, 'PUT', '/api/v1/admin/security/two-factor-roles', { roles: [] }), 200);
    expect((await changesOf('security.two_factor_roles_changed', 'two_factor_roles')).map((e) => e.data)).toEqual([
      { before: [], after: ['supervisor', 'unit_leader'] },
      { before: ['supervisor', 'unit_leader'], after: [] },
    ]);

    // Two administrators saving at the same moment: one waits for the other, so the second entry's `before` is
    // what the first left, whichever came first.
    clock += 60_000;
    const [a, b] = await Promise.all([
      as(admin, 'PUT', '/api/v1/admin/security/two-factor-roles', { roles: ['supervisor'] }),
      as(admin, 'PUT', '/api/v1/admin/security/two-factor-roles', { roles: ['unit_leader'] }),
    ]);
    expectStatus(a, 200);
    expectStatus(b, 200);
    const [, , third, fourth] = (await changesOf('security.two_factor_roles_changed', 'two_factor_roles')).map((e) => e.data as { before: string[]; after: string[] });
    expect(third?.before).toEqual([]);
    expect(fourth?.before).toEqual(third?.after);
    expect([third?.after, fourth?.after].sort()).toEqual([['supervisor'], ['unit_leader']]);
  });

  it('writes none for a refused change', async () => {
    const before = await entryCount('security.two_factor_roles_changed');
    // An administrator below the top level may read the policy, not set it.
    const admin = await login('admin');
    const hrss = (await t.database.db.selectFrom('units').select('id').where('code', '=', 'hrss').executeTakeFirstOrThrow()).id;
    const made = await as(admin, 'POST', '/api/v1/admin/users', { username: 'audit.admin.hrss', displayName: '人社管理员', roles: ['admin'], unitId: hrss });
    expectStatus(made, 201);
    const { temporaryPassword } = made.json() as { temporaryPassword: string };
    const first = await login('audit.admin.hrss', temporaryPassword);
    expectStatus(await as(first, 'POST', '/api/v1/auth/password', { currentPassword: temporaryPassword, newPassword: 'Audit-admin-pass-9' }), 204);
    const token = await login('audit.admin.hrss', 'Audit-admin-pass-9');
    const res = await as(token, 'PUT', '/api/v1/admin/security/two-factor-roles', { roles: ['agent'] });
    expectStatus(res, 403);
    expect(await entryCount('security.two_factor_roles_changed')).toBe(before);
  });
});

describe('a person changing their password', () => {
  it('writes user.password_changed with why it was due and the sessions it ended; a failed entry keeps the old password', async () => {
    const admin = await login('admin');
    const lhasa = (await t.database.db.selectFrom('units').select('id').where('code', '=', 'lhasa').executeTakeFirstOrThrow()).id;
    const made = await as(admin, 'POST', '/api/v1/admin/users', { username: 'audit.pw', displayName: '改密码', roles: ['agent'], unitId: lhasa });
    expectStatus(made, 201);
    const { account, temporaryPassword } = made.json() as { account: { id: string }; temporaryPassword: string };
    const token = await login('audit.pw', temporaryPassword);

    await refusingEntries('user.password_changed', async () => {
      expectStatus(await as(token, 'POST', '/api/v1/auth/password', { currentPassword: temporaryPassword, newPassword: 'Brand-new-pass-41' }), 500);
    });
    // The old password still signs in; the session that asked is still open.
    expect((await as(token, 'GET', '/api/v1/auth/me')).statusCode).toBe(200);
    await login('audit.pw', temporaryPassword);
    expect(await changesOf('user.password_changed', account.id)).toEqual([]);

    expectStatus(await as(token, 'POST', '/api/v1/auth/password', { currentPassword: temporaryPassword, newPassword: 'Brand-new-pass-41' }), 204);
    const entries = await changesOf('user.password_changed', account.id);
    expect(entries).toEqual([
      {
        actor_id: account.id, actor_name: 'audit.pw', ip: '10.30.0.7', user_agent: BROWSER, subject_kind: 'users', outcome: 'done',
        data: { username: 'audit.pw', reason: 'administrator', endedSessions: 2 },
      },
    ]);
    expect(JSON.stringify(entries)).not.toContain('Brand-new-pass-41');
    expect(JSON.stringify(entries)).not.toContain(temporaryPassword);

    // A wrong current password changes nothing and writes nothing.
    const fresh = await login('audit.pw', 'Brand-new-pass-41');
    expectStatus(await as(fresh, 'POST', '/api/v1/auth/password', { currentPassword: 'not-the-password', newPassword: 'Other-new-pass-52' }), 400);
    expect(await changesOf('user.password_changed', account.id)).toHaveLength(1);
    expectStatus(await as(fresh, 'POST', '/api/v1/auth/password', { currentPassword: 'Brand-new-pass-41', newPassword: 'Other-new-pass-52' }), 204);
    expect((await changesOf('user.password_changed', account.id)).map((e) => e.data)).toEqual([
      { username: 'audit.pw', reason: 'administrator', endedSessions: 2 },
      { username: 'audit.pw', reason: null, endedSessions: 1 },
    ]);
  });
});
