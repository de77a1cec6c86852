import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** A deployment with BIHUAN_PASSWORD_MAX_AGE_DAYS=90 (docs/access.md, "Password age"). */

const DAY = 24 * 3600_000;
let clock = Date.parse('2026-11-24T02:00:00Z');
let t: TestApp;
const OLD = 'Namtso-Lake-2026!';
const NEW = 'Yamdrok-Tso-2027?';

beforeAll(async () => {
  t = await createTestApp({ now: () => new Date(clock), passwordMaxAgeDays: 90 });
});
afterAll(async () => {
  await t.close();
});

type Me = { mustChangePassword: boolean; passwordChangeReason: string | null };

const login = (username: string, password: string): Promise<LightMyRequestResponse> =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });

const as = (token: string, method: 'GET' | 'POST', url: string, body?: Record<string, unknown>): Promise<LightMyRequestResponse> =>
  t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body ? { payload: body } : {}) });

/** An account whose owner chose their own password `daysAgo` days ago. */
const personWithPasswordAge = async (username: string, daysAgo: number): Promise<void> => {
  const made = await t.call('admin', 'POST', '/api/v1/admin/users', { username, displayName: username, roles: ['agent'], unitId: await lhasa() });
  expect(made.statusCode, made.body).toBe(201);
  const { temporaryPassword } = made.json() as { temporaryPassword: string };
  const first = (await login(username, temporaryPassword)).json() as { token: string; user: Me };
  expect(first.user).toMatchObject({ mustChangePassword: true, passwordChangeReason: 'administrator' });
  expect((await as(first.token, 'POST', '/api/v1/auth/password', { currentPassword: temporaryPassword, newPassword: OLD })).statusCode).toBe(204);
  await t.database.db.updateTable('users').set({ password_changed_at: new Date(clock - daysAgo * DAY) }).where('username', '=', username).execute();
};

const lhasa = async (): Promise<string> =>
  (await t.database.db.selectFrom('units').select('id').where('code', '=', 'lhasa').executeTakeFirstOrThrow()).id;

describe('the maximum age of passwords', () => {
  it('a password older than the maximum must be replaced at sign-in, and cannot be kept', async () => {
    await personWithPasswordAge('aged_password', 91);
    const res = await login('aged_password', OLD);
    expect(res.statusCode, res.body).toBe(200);
    const { token, user } = res.json() as { token: string; user: Me };
    expect(user).toMatchObject({ mustChangePassword: true, passwordChangeReason: 'expired' });

    // Nothing else until it is replaced, as with a password an administrator set.
    const blocked = await as(token, 'GET', '/api/v1/cases');
    expect(blocked.statusCode).toBe(403);
    expect((blocked.json() as { error: { code: string } }).error.code).toBe('auth.password_change_required');
    expect(((await as(token, 'GET', '/api/v1/auth/me')).json() as Me).passwordChangeReason).toBe('expired');

    const kept = await as(token, 'POST', '/api/v1/auth/password', { currentPassword: OLD, newPassword: OLD });
    expect(kept.statusCode).toBe(400);
    expect(kept.body).toContain('same_as_current');
    expect((await as(token, 'POST', '/api/v1/auth/password', { currentPassword: OLD, newPassword: NEW })).statusCode).toBe(204);

    const again = (await login('aged_password', NEW)).json() as { token: string; user: Me };
    expect(again.user).toMatchObject({ mustChangePassword: false, passwordChangeReason: null });
    expect((await as(again.token, 'GET', '/api/v1/cases')).statusCode).toBe(200);
  });

  it('a wrong password learns nothing of the age', async () => {
    await personWithPasswordAge('aged_wrong', 200);
    const res = await login('aged_wrong', 'Not-The-Password-1');
    expect(res.statusCode).toBe(401);
    expect((res.json() as { error: { code: string } }).error.code).toBe('auth.invalid_credentials');
    const row = await t.database.db.selectFrom('users').select('must_change_password').where('username', '=', 'aged_wrong').executeTakeFirstOrThrow();
    expect(row.must_change_password).toBe(false);
  });
  // Last: the clock moves on, past the test sessions' lifetime.
  it('a younger password signs in as usual, and ages from then on', async () => {
    await personWithPasswordAge('young_password', 80);
    const res = (await login('young_password', OLD)).json() as { user: Me };
    expect(res.user).toMatchObject({ mustChangePassword: false, passwordChangeReason: null });
    clock += 11 * DAY;
    const later = (await login('young_password', OLD)).json() as { user: Me };
    expect(later.user).toMatchObject({ mustChangePassword: true, passwordChangeReason: 'expired' });
  });

});
