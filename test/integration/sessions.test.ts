import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { sha256 } from '../../src/core/shared/secrets.js';
import { enqueueJob } from '../../src/db/jobs.repository.js';
import { ACCOUNT_HYGIENE_JOB, applyAccountHygieneSettings } from '../../src/jobs/account-hygiene.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** Signed-in devices, an administrator's sign-out of an account, and the nightly care of accounts (docs/access.md). */

const DAY = 24 * 3600_000;
let clock = Date.parse('2026-11-24T02:00:00Z');
let t: TestApp;
const unitIds = new Map<string, string>();
const PASSWORD = 'Zhaxi-Delek-2026!';

const CHROME_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const WECHAT_ANDROID = 'Mozilla/5.0 (Linux; Android 13; V2227A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/111.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560';

beforeAll(async () => {
  t = await createTestApp({ now: () => new Date(clock) });
  for (const u of await t.database.db.selectFrom('units').select(['id', 'code']).execute()) unitIds.set(u.code, u.id);
});
afterAll(async () => {
  await t.close();
});

type Session = { id: string; ip: string | null; userAgent: string | null; device: { browser: string | null; os: string | null; kind: string }; isCurrent: boolean; endsAt: string; lastSeenAt: string };
type Account = { id: string; username: string; isActive: boolean; disabledReason: string | null; disabledAt: string | null; activeSessions: number };

const unit = (code: string): string => {
  const id = unitIds.get(code);
  if (!id) throw new Error(`no unit ${code}`);
  return id;
};

const login = async (username: string, userAgent: string, password = PASSWORD): Promise<string> => {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'user-agent': userAgent }, payload: { username, password } });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { token: string }).token;
};

const as = async (token: string, method: 'GET' | 'POST' | 'DELETE', url: string, body?: Record<string, unknown>): Promise<LightMyRequestResponse> => {
  const res = await t.app.inject({ method, url, headers: { authorization: `Bearer ${token}`, 'user-agent': CHROME_WINDOWS }, ...(body ? { payload: body } : {}) });
  await t.app.auditSettled();
  return res;
};

/** A staff account of the given unit whose owner has chosen their own password and can sign in. */
const person = async (username: string, unitCode = 'lhasa', roles: string[] = ['agent']): Promise<string> => {
  const made = await t.call('admin', 'POST', '/api/v1/admin/users', { username, displayName: username, roles, unitId: unit(unitCode) });
  expect(made.statusCode, made.body).toBe(201);
  const { account, temporaryPassword } = made.json() as { account: { id: string }; temporaryPassword: string };
  const first = await login(username, CHROME_WINDOWS, temporaryPassword);
  const changed = await as(first, 'POST', '/api/v1/auth/password', { currentPassword: temporaryPassword, newPassword: PASSWORD });
  expect(changed.statusCode, changed.body).toBe(204);
  return account.id;
};

const sessionsOf = async (token: string): Promise<Session[]> => {
  const res = await as(token, 'GET', '/api/v1/auth/sessions');
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: Session[] }).items;
};

const isSignedIn = async (token: string): Promise<boolean> => (await as(token, 'GET', '/api/v1/auth/me')).statusCode === 200;

const auditOf = (action: string) =>
  t.database.db.selectFrom('audit_log').select(['actor_name', 'subject_id', 'outcome', 'data']).where('action', '=', action).orderBy('id').execute();

describe('signed-in devices', () => {
  it('lists the devices of the account, marks this one, and names each as a person would', async () => {
    await person('devices_one');
    const desk = await login('devices_one', CHROME_WINDOWS);
    clock += 60_000;
    const phone = await login('devices_one', WECHAT_ANDROID);
    const items = await sessionsOf(desk);
    expect(items).toHaveLength(2);
    expect(items.filter((s) => s.isCurrent)).toHaveLength(1);
    const current = items.find((s) => s.isCurrent);
    expect(current?.device).toEqual({ browser: 'Chrome', os: 'Windows', kind: 'desktop' });
    expect(items.find((s) => !s.isCurrent)?.device).toEqual({ browser: 'WeChat', os: 'Android', kind: 'mobile' });
    expect(current?.ip).toBe('127.0.0.1');
    // Seen from the phone, the phone is the current one.
    expect((await sessionsOf(phone)).find((s) => s.isCurrent)?.device.browser).toBe('WeChat');
    // No token hash ever leaves the server.
    expect(JSON.stringify(items)).not.toContain(sha256(desk));
  });

  it('does not list a session that has ended by being idle, though it is not deleted yet', async () => {
    await person('devices_idle');
    const kept = await login('devices_idle', CHROME_WINDOWS);
    const idle = await login('devices_idle', WECHAT_ANDROID);
    await t.database.db.updateTable('sessions').set({ last_seen_at: new Date(clock - 3 * 3600_000) }).where('token_hash', '=', sha256(idle)).execute();
    const items = await sessionsOf(kept);
    expect(items).toHaveLength(1);
    expect(items[0]?.isCurrent).toBe(true);
    // The idle limit (120 minutes here) or the absolute expiry, whichever comes first.
    expect(Date.parse(items[0]?.endsAt ?? '') - Date.parse(items[0]?.lastSeenAt ?? '')).toBe(120 * 60_000);
  });

  it('ends one other device; a session of another account answers like a missing one and keeps working', async () => {
    await person('devices_two');
    await person('devices_other');
    const desk = await login('devices_two', CHROME_WINDOWS);
    const phone = await login('devices_two', WECHAT_ANDROID);
    const stranger = await login('devices_other', CHROME_WINDOWS);
    const phoneId = (await sessionsOf(desk)).find((s) => !s.isCurrent)?.id ?? '';
    const strangerId = (await sessionsOf(stranger))[0]?.id ?? '';

    const refused = await as(desk, 'DELETE', `/api/v1/auth/sessions/${strangerId}`);
    expect(refused.statusCode).toBe(404);
    expect((refused.json() as { error: { code: string } }).error.code).toBe('resource.not_found');
    expect(await isSignedIn(stranger)).toBe(true);

    const ended = await as(desk, 'DELETE', `/api/v1/auth/sessions/${phoneId}`);
    expect(ended.statusCode, ended.body).toBe(204);
    expect(await isSignedIn(phone)).toBe(false);
    expect(await isSignedIn(desk)).toBe(true);
    const entry = (await auditOf('DELETE /api/v1/auth/sessions/:id')).at(-1);
    expect(entry?.subject_id).toBe(phoneId);
    expect(entry?.outcome).toBe('204');
  });

  it('ending the current session signs out and clears the cookie', async () => {
    await person('devices_self');
    const desk = await login('devices_self', CHROME_WINDOWS);
    const id = (await sessionsOf(desk))[0]?.id ?? '';
    const res = await as(desk, 'DELETE', `/api/v1/auth/sessions/${id}`);
    expect(res.statusCode).toBe(204);
    expect(String(res.headers['set-cookie'])).toMatch(/bihuan_session=;/);
    expect(await isSignedIn(desk)).toBe(false);
  });

  it('signs out every other device and keeps this one', async () => {
    await person('devices_many');
    const desk = await login('devices_many', CHROME_WINDOWS);
    const others = [await login('devices_many', WECHAT_ANDROID), await login('devices_many', 'curl/8.5.0')];
    const res = await as(desk, 'POST', '/api/v1/auth/logout-others');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ endedSessions: 2 });
    expect(await isSignedIn(desk)).toBe(true);
    for (const token of others) expect(await isSignedIn(token)).toBe(false);
    expect((await sessionsOf(desk)).map((s) => s.isCurrent)).toEqual([true]);
    expect((await auditOf('POST /api/v1/auth/logout-others')).at(-1)?.data).toMatchObject({ endedSessions: 2 });
  });

  it('a new password and the end of the old sessions commit together, or neither does', async () => {
    const id = await person('devices_password');
    const desk = await login('devices_password', CHROME_WINDOWS);
    const phone = await login('devices_password', WECHAT_ANDROID);
    const hashOf = async () => (await t.database.db.selectFrom('users').select('password_hash').where('id', '=', id).executeTakeFirstOrThrow()).password_hash;
    const before = await hashOf();
    // The sessions cannot be deleted: the password must not change without them ending.
    await sql`CREATE FUNCTION test_refuse_session_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$`.execute(t.database.db);
    await sql`CREATE TRIGGER test_refuse_session_delete BEFORE DELETE ON sessions FOR EACH ROW WHEN (OLD.user_id = ${sql.lit(id)}::uuid) EXECUTE FUNCTION test_refuse_session_delete()`.execute(t.database.db);
    try {
      const failed = await as(desk, 'POST', '/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'Another-Pass-2026!' });
      expect(failed.statusCode).toBe(500);
      expect(await hashOf()).toBe(before);
      expect(await isSignedIn(phone)).toBe(true);
    } finally {
      await sql`DROP TRIGGER test_refuse_session_delete ON sessions`.execute(t.database.db);
      await sql`DROP FUNCTION test_refuse_session_delete()`.execute(t.database.db);
    }
    const changed = await as(desk, 'POST', '/api/v1/auth/password', { currentPassword: PASSWORD, newPassword: 'Another-Pass-2026!' });
    expect(changed.statusCode, changed.body).toBe(204);
    expect(await hashOf()).not.toBe(before);
    for (const token of [desk, phone]) expect(await isSignedIn(token)).toBe(false);
  });

  it('an API token can neither list nor end sessions', async () => {
    const made = await t.call('admin', 'POST', '/api/v1/api-tokens', { name: 'sessions probe', permissions: ['case.read'], expiresInDays: 1 });
    expect(made.statusCode, made.body).toBe(201);
    const token = (made.json() as { token: string }).token;
    for (const [method, url] of [['GET', '/api/v1/auth/sessions'], ['POST', '/api/v1/auth/logout-others']] as const) {
      const res = await as(token, method, url);
      expect(res.statusCode, url).toBe(403);
      expect((res.json() as { error: { code: string } }).error.code).toBe('auth.token_forbidden');
    }
  });
});

describe("an administrator and an account's devices", () => {
  it('lists the devices of an account of their unit and signs it out everywhere, without touching its tokens', async () => {
    // An administrator of a bureau: the role that may make API tokens.
    const id = await person('devices_admin_view', 'hrss', ['admin']);
    const desk = await login('devices_admin_view', CHROME_WINDOWS);
    await login('devices_admin_view', WECHAT_ANDROID);
    const tokenRes = await as(desk, 'POST', '/api/v1/api-tokens', { name: 'own token', permissions: ['case.read'], expiresInDays: 1 });
    expect(tokenRes.statusCode, tokenRes.body).toBe(201);

    const listed = await t.call('admin', 'GET', `/api/v1/admin/users/${id}/sessions`);
    expect(listed.statusCode, listed.body).toBe(200);
    const items = (listed.json() as { items: Session[] }).items;
    // Two devices signed in, and the session the password change ended is gone.
    expect(items.map((s) => s.device.browser).sort()).toEqual(['Chrome', 'WeChat']);
    expect(items.every((s) => !s.isCurrent)).toBe(true);
    expect(((await t.call('admin', 'GET', `/api/v1/admin/users/${id}`)).json() as Account).activeSessions).toBe(2);

    const ended = await t.call('admin', 'POST', `/api/v1/admin/users/${id}/end-sessions`);
    expect(ended.statusCode, ended.body).toBe(200);
    const body = ended.json() as { account: Account; endedSessions: number };
    expect(body.endedSessions).toBe(2);
    expect(body.account.activeSessions).toBe(0);
    expect(body.account.isActive).toBe(true);
    expect(await isSignedIn(desk)).toBe(false);
    // The account's own API token still works: ending sessions is not disabling.
    expect(await isSignedIn((tokenRes.json() as { token: string }).token)).toBe(true);
    expect((await auditOf('POST /api/v1/admin/users/:id/end-sessions')).at(-1)).toMatchObject({ subject_id: id, data: { username: 'devices_admin_view', endedSessions: 2 } });
    // And the step's own entry, written with it in its transaction, as the command line's is.
    const entries = (await auditOf('user.sessions_ended')).filter((e) => e.subject_id === id);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor_name: 'admin', outcome: 'done', data: { username: 'devices_admin_view', endedSessions: 2 } });
  });

  it('counts only sessions that have not ended', async () => {
    const id = await person('devices_count');
    await login('devices_count', CHROME_WINDOWS);
    const idle = await login('devices_count', WECHAT_ANDROID);
    await t.database.db.updateTable('sessions').set({ last_seen_at: new Date(clock - 5 * 3600_000) }).where('token_hash', '=', sha256(idle)).execute();
    expect(((await t.call('admin', 'GET', `/api/v1/admin/users/${id}`)).json() as Account).activeSessions).toBe(1);
  });

  it('refuses an account outside the unit, their own account, and a peer administrator', async () => {
    const lhasaAgent = await person('devices_lhasa');
    const hrssAdmin = await person('devices_hrss_admin', 'hrss', ['admin']);
    const peerAdmin = await person('devices_peer_admin', 'hrss', ['admin']);
    const hrssToken = await login('devices_hrss_admin', CHROME_WINDOWS);

    for (const url of [`/api/v1/admin/users/${lhasaAgent}/sessions`, `/api/v1/admin/users/${lhasaAgent}/end-sessions`]) {
      const res = await as(hrssToken, url.endsWith('end-sessions') ? 'POST' : 'GET', url);
      expect(res.statusCode, url).toBe(404);
    }
    const own = await as(hrssToken, 'POST', `/api/v1/admin/users/${hrssAdmin}/end-sessions`);
    expect(own.statusCode).toBe(409);
    expect((own.json() as { error: { code: string } }).error.code).toBe('user.self_change_refused');
    const peer = await as(hrssToken, 'POST', `/api/v1/admin/users/${peerAdmin}/end-sessions`);
    expect(peer.statusCode).toBe(403);
    expect((peer.json() as { error: { details: { reason: string } } }).error.details.reason).toBe('peer_administrator');
    // Nor does a peer see where and when a colleague is signed in.
    const peerView = await as(hrssToken, 'GET', `/api/v1/admin/users/${peerAdmin}/sessions`);
    expect(peerView.statusCode).toBe(403);
    expect((peerView.json() as { error: { details: { change: string } } }).error.details.change).toBe('view_sessions');
    // Their own devices, yes.
    expect((await as(hrssToken, 'GET', `/api/v1/admin/users/${hrssAdmin}/sessions`)).statusCode).toBe(200);
    // Refused steps tell of no change.
    const told = async (subjectId: string) => (await auditOf('user.sessions_ended')).filter((e) => e.subject_id === subjectId);
    for (const subjectId of [lhasaAgent, hrssAdmin, peerAdmin]) expect(await told(subjectId)).toEqual([]);
    // The administrator of the unit above may.
    expect((await t.call('admin', 'POST', `/api/v1/admin/users/${peerAdmin}/end-sessions`)).statusCode).toBe(200);
    expect(await isSignedIn(hrssToken)).toBe(true);
    expect(await told(peerAdmin)).toMatchObject([{ actor_name: 'admin', outcome: 'done' }]);
  });

  it('says who disabled an account and when; enabling clears it', async () => {
    const id = await person('devices_disabled');
    const disabled = (await t.call('admin', 'POST', `/api/v1/admin/users/${id}/disable`)).json() as Account;
    expect(disabled).toMatchObject({ isActive: false, disabledReason: 'administrator', disabledAt: new Date(clock).toISOString() });
    const enabled = (await t.call('admin', 'POST', `/api/v1/admin/users/${id}/enable`)).json() as Account;
    expect(enabled).toMatchObject({ isActive: true, disabledReason: null, disabledAt: null });
    const row = await t.database.db.selectFrom('users').select('enabled_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.enabled_at?.getTime()).toBe(clock);
  });
});

describe('the nightly care of accounts', () => {
  const runHygiene = async (dormantDays: number): Promise<void> => {
    await enqueueJob(t.database.db, { kind: ACCOUNT_HYGIENE_JOB, runAt: new Date(clock), payload: { version: 1, dormantDays, idleMinutes: 120 }, dedupeKey: `test-hygiene-${clock}-${dormantDays}` });
    await t.runBackground();
  };
  const stateOf = async (username: string) =>
    t.database.db.selectFrom('users').select(['id', 'is_active', 'disabled_reason', 'disabled_at']).where('username', '=', username).executeTakeFirstOrThrow();
  const age = async (username: string, days: number): Promise<void> => {
    const then = new Date(clock - days * DAY);
    await t.database.db.updateTable('users').set({ created_at: then, last_login_at: then, password_changed_at: then, enabled_at: null }).where('username', '=', username).execute();
    await t.database.db.updateTable('sessions').set({ created_at: then, last_seen_at: then }).where('user_id', '=', (await stateOf(username)).id).execute();
  };

  it('deletes ended sessions and keeps the live ones', async () => {
    await person('care_sessions');
    const live = await login('care_sessions', CHROME_WINDOWS);
    const idle = await login('care_sessions', WECHAT_ANDROID);
    const expired = await login('care_sessions', 'curl/8.5.0');
    await t.database.db.updateTable('sessions').set({ last_seen_at: new Date(clock - 3 * 3600_000) }).where('token_hash', '=', sha256(idle)).execute();
    await t.database.db.updateTable('sessions').set({ expires_at: new Date(clock - 1000) }).where('token_hash', '=', sha256(expired)).execute();
    await runHygiene(0);
    const left = await t.database.db.selectFrom('sessions').select('token_hash').where('token_hash', 'in', [live, idle, expired].map(sha256)).execute();
    expect(left.map((r) => r.token_hash)).toEqual([sha256(live)]);
  });

  it('disables accounts without a sign of life for the period, and only those, with an audit entry each', async () => {
    for (const name of ['care_dormant', 'care_recent', 'care_token_user', 'care_reenabled', 'care_off']) await person(name);
    await age('care_dormant', 120);
    await age('care_recent', 30);
    await age('care_token_user', 120);
    await age('care_reenabled', 120);
    await age('care_off', 120);
    // A demo account nobody used for as long stays: the demo deployment keeps its desks.
    await t.database.db.updateTable('users').set({ last_login_at: new Date(clock - 400 * DAY), created_at: new Date(clock - 400 * DAY) }).where('username', '=', 'dispatcher').execute();
    await t.database.db.deleteFrom('sessions').where('user_id', '=', (await stateOf('dispatcher')).id).execute();

    // care_token_user works only through a token of their own, used last week.
    const ownerId = (await stateOf('care_token_user')).id;
    const dormantId = (await stateOf('care_dormant')).id;
    const tokenAt = new Date(clock - 7 * DAY);
    await t.database.db.insertInto('api_tokens').values([
      { name: 'own', token_prefix: 'bhn_care1', token_hash: 'x1', owner_id: ownerId, created_by: ownerId, permissions: ['case.read'], unit_id: unit('lhasa'), expires_at: new Date(clock + DAY), last_used_at: tokenAt, created_at: tokenAt },
      { name: 'dormant own', token_prefix: 'bhn_care2', token_hash: 'x2', owner_id: dormantId, created_by: dormantId, permissions: ['case.read'], unit_id: unit('lhasa'), expires_at: new Date(clock + DAY), created_at: tokenAt },
    ]).execute();
    // care_reenabled was enabled again yesterday by an administrator.
    await t.database.db.updateTable('users').set({ enabled_at: new Date(clock - DAY) }).where('username', '=', 'care_reenabled').execute();

    await runHygiene(0);
    expect((await stateOf('care_dormant')).is_active).toBe(true);

    clock += 60_000;
    await runHygiene(90);
    expect(await stateOf('care_dormant')).toMatchObject({ is_active: false, disabled_reason: 'dormant' });
    expect((await stateOf('care_dormant')).disabled_at?.getTime()).toBe(clock);
    for (const name of ['care_recent', 'care_token_user', 'care_reenabled', 'dispatcher']) expect((await stateOf(name)).is_active, name).toBe(true);
    const revoked = await t.database.db.selectFrom('api_tokens').select(['token_prefix', 'revoked_at']).where('token_prefix', 'in', ['bhn_care1', 'bhn_care2']).orderBy('token_prefix').execute();
    expect(revoked.map((r) => r.revoked_at !== null)).toEqual([false, true]);

    const entries = (await auditOf('user.disabled_dormant')).filter((e) => e.subject_id === dormantId);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor_name: 'system', outcome: 'done', data: { username: 'care_dormant', unit: 'lhasa', days: 90 } });
    // care_off was made older than the period too: it goes with the same run.
    expect((await stateOf('care_off')).disabled_reason).toBe('dormant');

    // The administrator sees why, and can give the account back.
    const account = (await t.call('admin', 'GET', `/api/v1/admin/users/${dormantId}`)).json() as Account;
    expect(account).toMatchObject({ isActive: false, disabledReason: 'dormant' });
    expect((await t.call('admin', 'POST', `/api/v1/admin/users/${dormantId}/enable`)).statusCode).toBe(200);
    clock += 60_000;
    await runHygiene(90);
    expect((await stateOf('care_dormant')).is_active).toBe(true);

    // The next night is scheduled.
    const next = await t.database.db.selectFrom('jobs').select('run_at').where('kind', '=', ACCOUNT_HYGIENE_JOB).where('done_at', 'is', null).execute();
    expect(next.some((j) => j.run_at.getTime() > clock)).toBe(true);
  });

  it('never disables a service account, nor someone whose session was in use within the period', async () => {
    const service = await t.call('admin', 'POST', '/api/v1/api-tokens/service-accounts', { username: 'care_service', roles: ['agent'], unitId: unit('lhasa') });
    expect(service.statusCode, service.body).toBe(201);
    await age('care_service', 300);
    await person('care_long_session');
    await login('care_long_session', CHROME_WINDOWS);
    await age('care_long_session', 300);
    // Its sign-in is long past, but its session was in use half an hour ago: someone is at work with it.
    const userId = (await stateOf('care_long_session')).id;
    await t.database.db.updateTable('sessions').set({ last_seen_at: new Date(clock - 30 * 60_000), expires_at: new Date(clock + DAY) }).where('user_id', '=', userId).execute();
    clock += 60_000;
    await runHygiene(90);
    expect((await stateOf('care_service')).is_active).toBe(true);
    expect((await stateOf('care_long_session')).is_active).toBe(true);
  });

  it("the administrators of the account's unit read why the system disabled it; other units' do not", async () => {
    await person('care_hrss_agent', 'hrss');
    await person('care_hrss_admin', 'hrss', ['admin']);
    await person('care_city_admin', 'cityman', ['admin']);
    await age('care_hrss_agent', 200);
    clock += 60_000;
    await runHygiene(90);
    const agentId = (await stateOf('care_hrss_agent')).id;
    const read = async (admin: string): Promise<string[]> => {
      const res = await as(await login(admin, CHROME_WINDOWS), 'GET', `/api/v1/admin/audit?subjectId=${agentId}`);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json() as { items: { action: string }[] }).items.map((e) => e.action);
    };
    expect(await read('care_hrss_admin')).toContain('user.disabled_dormant');
    expect(await read('care_city_admin')).not.toContain('user.disabled_dormant');
  });

  it('a restart with other settings gives them to the nights already scheduled', async () => {
    const pending = () =>
      t.database.db.selectFrom('jobs').select('payload').where('kind', '=', ACCOUNT_HYGIENE_JOB).where('done_at', 'is', null).execute();
    await applyAccountHygieneSettings(t.database.db, { dormantDays: 90, idleMinutes: 120 }, new Date(clock));
    expect((await pending()).length).toBeGreaterThan(0);
    await applyAccountHygieneSettings(t.database.db, { dormantDays: 0, idleMinutes: 480 }, new Date(clock));
    const payloads = (await pending()).map((j) => j.payload);
    expect(payloads.length).toBeGreaterThan(0);
    for (const payload of payloads) expect(payload).toMatchObject({ dormantDays: 0, idleMinutes: 480 });
    // The next night runs at 03:30 China time.
    const next = await t.database.db.selectFrom('jobs').select('run_at').where('kind', '=', ACCOUNT_HYGIENE_JOB).where('done_at', 'is', null).orderBy('run_at', 'desc').executeTakeFirstOrThrow();
    expect(next.run_at.toISOString()).toMatch(/T19:30:00\.000Z$/);
  });

  it('the command line gives a dormant account back, and says so in the account', async () => {
    await person('care_cli');
    await age('care_cli', 200);
    clock += 60_000;
    await runHygiene(90);
    expect((await stateOf('care_cli')).disabled_reason).toBe('dormant');
    const out: string[] = [];
    const code = await runCli(['users', 'enable', '--username', 'care_cli', '--database-url', t.database.url], { stdout: (l) => out.push(l), stderr: (l) => out.push(l), writeStdout: () => {} });
    expect(code, out.join('\n')).toBe(0);
    expect(await stateOf('care_cli')).toMatchObject({ is_active: true, disabled_reason: null });
  });
});
