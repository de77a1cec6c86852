import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';

/** "A new device signed in to your account" in the bell (docs/access.md, "New device notice"). */

let clock = Date.parse('2026-11-26T02:00:00Z');
let t: TestApp;

const CHROME_WINDOWS_120 = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const CHROME_WINDOWS_131 = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const WECHAT_ANDROID = 'Mozilla/5.0 (Linux; Android 13; V2227A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/111.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560';

type Notice = { id: string; code: string; caseId: string | null; trackingNo: string | null; text: string; data: Record<string, unknown>; at: string; readAt: string | null };
type Notices = { items: Notice[]; total: number; unread: number };

beforeAll(async () => {
  t = await createTestApp({ now: () => new Date(clock) });
});
afterAll(async () => {
  await t.close();
});

const login = async (username: string, userAgent: string): Promise<{ token: string; sessionId: string }> => {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'user-agent': userAgent }, payload: { username, password: TEST_PASSWORD } });
  expect(res.statusCode, res.body).toBe(200);
  const token = (res.json() as { token: string }).token;
  const sessions = await t.app.inject({ method: 'GET', url: '/api/v1/auth/sessions', headers: { authorization: `Bearer ${token}` } });
  const current = (sessions.json() as { items: { id: string; isCurrent: boolean }[] }).items.find((s) => s.isCurrent);
  if (!current) throw new Error('no current session');
  return { token, sessionId: current.id };
};

const noticesOf = async (token: string, lang = 'en'): Promise<Notices> => {
  const res = await t.app.inject({ method: 'GET', url: `/api/v1/notifications?lang=${lang}`, headers: { authorization: `Bearer ${token}` } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Notices;
};

const deviceNotices = (page: Notices): Notice[] => page.items.filter((n) => n.code === 'auth.new_device_sign_in');

describe('new device notice', () => {
  it('says nothing at the first sign-in, nor again from the same browser, and once from a new one', async () => {
    const first = await login('supervisor', CHROME_WINDOWS_120);
    expect(deviceNotices(await noticesOf(first.token))).toEqual([]);

    clock += 3600_000;
    // A newer version of the same browser on the same system is the same device.
    const again = await login('supervisor', CHROME_WINDOWS_131);
    expect(deviceNotices(await noticesOf(again.token))).toEqual([]);

    clock += 3600_000;
    const signedInAt = new Date(clock).toISOString();
    const phone = await login('supervisor', WECHAT_ANDROID);
    const notices = deviceNotices(await noticesOf(first.token));
    expect(notices).toHaveLength(1);
    const [notice] = notices;
    expect(notice).toMatchObject({ caseId: null, trackingNo: null, readAt: null, at: signedInAt });
    expect(notice?.data).toEqual({ browser: 'WeChat', os: 'Android', kind: 'mobile', ip: '127.0.0.1', at: signedInAt });
    expect(notice?.text).toContain('WeChat on Android');
    expect(notice?.text).toContain('127.0.0.1');
    expect(notice?.text).toContain('change your password');
    expect(deviceNotices(await noticesOf(phone.token, 'zh-Hans'))[0]?.text).toContain('Android 上的 WeChat');
    // The raw User-Agent stays in the session only.
    expect(JSON.stringify(notice?.data)).not.toContain('MicroMessenger');

    // Unique per sign-in, and the device is remembered once.
    const row = await t.database.db.selectFrom('staff_notifications').select(['source_key', 'source_event_id']).where('id', '=', notice?.id ?? '').executeTakeFirstOrThrow();
    expect(row).toEqual({ source_key: `sign-in:${phone.sessionId}`, source_event_id: null });
    const user = await t.database.db.selectFrom('users').select('id').where('username', '=', 'supervisor').executeTakeFirstOrThrow();
    const devices = await t.database.db.selectFrom('known_devices').select(['device_hash', 'first_seen_at', 'last_seen_at']).where('user_id', '=', user.id).execute();
    expect(devices).toHaveLength(2);
    expect(devices.every((d) => /^[0-9a-f]{64}$/.test(d.device_hash))).toBe(true);

    // The phone again: known now.
    clock += 3600_000;
    await login('supervisor', WECHAT_ANDROID);
    expect(deviceNotices(await noticesOf(first.token))).toHaveLength(1);
  });

  it('tells only the account that signed in', async () => {
    const other = await login('leader', CHROME_WINDOWS_120);
    expect(deviceNotices(await noticesOf(other.token))).toEqual([]);
    const count = await t.database.db
      .selectFrom('staff_notifications')
      .innerJoin('users', 'users.id', 'staff_notifications.user_id')
      .select(['users.username'])
      .where('staff_notifications.code', '=', 'auth.new_device_sign_in')
      .execute();
    expect(count.map((r) => r.username)).toEqual(['supervisor']);
    // Each account has its own devices: the leader's first sign-in from WeChat on Android is no news to anyone.
    const phone = await login('leader', WECHAT_ANDROID);
    expect(deviceNotices(await noticesOf(phone.token))).toHaveLength(1);
    expect(deviceNotices(await noticesOf((await login('supervisor', CHROME_WINDOWS_131)).token))).toHaveLength(1);
  });

  it('opens the session even when the notice cannot be written', async () => {
    // A notice that breaks a constraint of its table stands for every failure of the notice: only it is rolled back.
    await sql`ALTER TABLE staff_notifications ADD CONSTRAINT test_no_device_notices CHECK (code <> 'auth.new_device_sign_in') NOT VALID`.execute(t.database.db);
    try {
      await login('dispatcher', CHROME_WINDOWS_120);
      const moved = await login('dispatcher', WECHAT_ANDROID);
      const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${moved.token}` } });
      expect(me.statusCode).toBe(200);
      expect(deviceNotices(await noticesOf(moved.token))).toEqual([]);
      // Nothing of the failed step stays: the phone is still new, and says so at the next sign-in.
    } finally {
      await sql`ALTER TABLE staff_notifications DROP CONSTRAINT test_no_device_notices`.execute(t.database.db);
    }
    const next = await login('dispatcher', WECHAT_ANDROID);
    expect(deviceNotices(await noticesOf(next.token))).toHaveLength(1);
  });

  it('forgets the devices of an account that is deleted', async () => {
    const user = await t.database.db.selectFrom('users').select('id').where('username', '=', 'leader').executeTakeFirstOrThrow();
    expect(await t.database.db.selectFrom('known_devices').select('user_id').where('user_id', '=', user.id).execute()).toHaveLength(2);
    const constraint = await sql<{ action: string }>`
      SELECT confdeltype AS action FROM pg_constraint WHERE conrelid = 'known_devices'::regclass AND contype = 'f'`.execute(t.database.db);
    expect(constraint.rows).toEqual([{ action: 'c' }]);
  });
});
