import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeUserAgent } from '../../src/core/access/user-agent.js';
import { deviceKeyOf, NEW_DEVICE_NOTICE_CODE } from '../../src/core/auth/known-devices.js';
import { enqueueJob } from '../../src/db/jobs.repository.js';
import { applySignInRetentionSettings, SIGN_IN_RETENTION_BATCH, SIGN_IN_RETENTION_JOB } from '../../src/jobs/sign-in-retention.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';

/** The nightly clean-up of new-device notices and known devices (docs/access.md, "New device notice"). */

const DAY = 24 * 3600_000;
let clock = Date.parse('2026-12-01T02:00:00Z');
let t: TestApp;

const CHROME_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const WECHAT_ANDROID = 'Mozilla/5.0 (Linux; Android 13; V2227A; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/111.0 Mobile Safari/537.36 MicroMessenger/8.0.47.2560';

beforeAll(async () => {
  t = await createTestApp({ now: () => new Date(clock) });
});
afterAll(async () => {
  await t.close();
});

const login = async (username: string, userAgent: string): Promise<string> => {
  const res = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'user-agent': userAgent }, payload: { username, password: TEST_PASSWORD } });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { token: string }).token;
};

const userIdOf = async (username: string): Promise<string> =>
  (await t.database.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;

const deviceKey = (userId: string, userAgent: string): string => deviceKeyOf(userId, describeUserAgent(userAgent));

/** The new-device notices of one account in the table, oldest first. */
const signInNoticesOf = (userId: string) =>
  t.database.db
    .selectFrom('staff_notifications')
    .select(['id', 'created_at'])
    .where('user_id', '=', userId)
    .where('code', '=', NEW_DEVICE_NOTICE_CODE)
    .orderBy('created_at')
    .execute();

const idsOf = async (ids: string[]): Promise<string[]> => {
  if (ids.length === 0) return [];
  const rows = await t.database.db.selectFrom('staff_notifications').select('id').where('id', 'in', ids).execute();
  return rows.map((r) => r.id).sort();
};

const devicesOf = async (userId: string): Promise<string[]> =>
  (await t.database.db.selectFrom('known_devices').select('device_hash').where('user_id', '=', userId).execute()).map((r) => r.device_hash).sort();

const lastSeen = async (userId: string, userAgent: string, daysAgo: number): Promise<void> => {
  const at = new Date(clock - daysAgo * DAY);
  const result = await t.database.db
    .updateTable('known_devices')
    .set({ last_seen_at: at, first_seen_at: at })
    .where('user_id', '=', userId)
    .where('device_hash', '=', deviceKey(userId, userAgent))
    .executeTakeFirst();
  expect(Number(result.numUpdatedRows)).toBe(1);
};

let runs = 0;
/** One run as the night would start it, on the test's clock, and everything it leads to (further batches). */
const runCleanUp = async (settings: { noticeDays: number; deviceDays: number }): Promise<void> => {
  runs += 1;
  await enqueueJob(t.database.db, { kind: SIGN_IN_RETENTION_JOB, runAt: new Date(clock), payload: { version: 1, ...settings }, dedupeKey: `test-sign-in-retention-${runs}` });
  await t.runBackground();
  const failed = await t.database.db.selectFrom('jobs').select(['last_error']).where('kind', '=', SIGN_IN_RETENTION_JOB).where('last_error', 'is not', null).execute();
  expect(failed).toEqual([]);
};

describe('the clean-up of sign-in traces', () => {
  it('deletes new-device notices older than the period; recent ones and every other kind of notice stay', async () => {
    const userId = await userIdOf('supervisor');
    await login('supervisor', CHROME_WINDOWS);
    clock += 60_000;
    await login('supervisor', FIREFOX_LINUX);
    clock += 60_000;
    await login('supervisor', WECHAT_ANDROID);
    const notices = await signInNoticesOf(userId);
    expect(notices).toHaveLength(2);
    const [old, recent] = notices;
    if (!old || !recent) throw new Error('two notices expected');
    await t.database.db.updateTable('staff_notifications').set({ created_at: new Date(clock - 91 * DAY) }).where('id', '=', old.id).execute();
    await t.database.db.updateTable('staff_notifications').set({ created_at: new Date(clock - 89 * DAY) }).where('id', '=', recent.id).execute();

    // Older still, but of other kinds: a notice of a case event, and one of no event under another code.
    const event = await t.database.db.selectFrom('work_item_events').select(['id', 'item_id']).where('item_kind', '=', 'case').orderBy('id').limit(1).executeTakeFirstOrThrow();
    const others = await t.database.db
      .insertInto('staff_notifications')
      .values([
        { user_id: userId, case_id: event.item_id, source_event_id: event.id, code: 'case.dispatched', data: JSON.stringify({}), created_at: new Date(clock - 1000 * DAY) },
        { user_id: userId, case_id: null, source_event_id: null, source_key: 'test:other', code: 'auth.test_other_notice', data: JSON.stringify({ ip: '203.0.113.9' }), created_at: new Date(clock - 1000 * DAY) },
      ])
      .returning('id')
      .execute();
    const otherIds = others.map((r) => r.id);
    expect(await idsOf([old.id, recent.id, ...otherIds])).toEqual([old.id, recent.id, ...otherIds].sort());

    // With the notice period 0 nothing of them goes.
    await runCleanUp({ noticeDays: 0, deviceDays: 400 });
    expect(await idsOf([old.id, recent.id, ...otherIds])).toEqual([old.id, recent.id, ...otherIds].sort());

    await runCleanUp({ noticeDays: 90, deviceDays: 400 });
    expect(await idsOf([old.id])).toEqual([]);
    expect(await idsOf([recent.id, ...otherIds])).toEqual([recent.id, ...otherIds].sort());
    // The owner's bell says the same.
    const bell = await t.app.inject({ method: 'GET', url: '/api/v1/notifications?lang=en', headers: { authorization: `Bearer ${await login('supervisor', CHROME_WINDOWS)}` } });
    const shown = (bell.json() as { items: { id: string }[] }).items.map((n) => n.id);
    expect(shown).toContain(recent.id);
    expect(shown).not.toContain(old.id);
  });

  it("forgets devices not seen for the period, keeps recent ones and each account's last device; a forgotten one is new again", async () => {
    // leader: a device just past the period, one just within it, and the one in use.
    const leader = await userIdOf('leader');
    await login('leader', CHROME_WINDOWS);
    await login('leader', FIREFOX_LINUX);
    await login('leader', WECHAT_ANDROID);
    await lastSeen(leader, CHROME_WINDOWS, 401);
    await lastSeen(leader, FIREFOX_LINUX, 399);
    await lastSeen(leader, WECHAT_ANDROID, 1);
    // handler: one device, long unused.
    const handler = await userIdOf('handler');
    await login('handler', CHROME_WINDOWS);
    await lastSeen(handler, CHROME_WINDOWS, 1000);
    // dispatcher: two devices, both past the period.
    const dispatcher = await userIdOf('dispatcher');
    await login('dispatcher', CHROME_WINDOWS);
    await login('dispatcher', FIREFOX_LINUX);
    await lastSeen(dispatcher, CHROME_WINDOWS, 500);
    await lastSeen(dispatcher, FIREFOX_LINUX, 450);

    const leaderDevices = [CHROME_WINDOWS, FIREFOX_LINUX, WECHAT_ANDROID].map((ua) => deviceKey(leader, ua));
    expect(await devicesOf(leader)).toEqual([...leaderDevices].sort());
    await runCleanUp({ noticeDays: 90, deviceDays: 0 });
    expect(await devicesOf(leader)).toEqual([...leaderDevices].sort());

    await runCleanUp({ noticeDays: 90, deviceDays: 400 });
    expect(await devicesOf(leader)).toEqual([deviceKey(leader, FIREFOX_LINUX), deviceKey(leader, WECHAT_ANDROID)].sort());
    expect(await devicesOf(handler)).toEqual([deviceKey(handler, CHROME_WINDOWS)]);
    expect(await devicesOf(dispatcher)).toEqual([deviceKey(dispatcher, FIREFOX_LINUX)]);

    // The leader's forgotten computer is a new device at its next sign-in, and says so.
    clock += 60_000;
    const before = (await signInNoticesOf(leader)).length;
    await login('leader', CHROME_WINDOWS);
    expect(await signInNoticesOf(leader)).toHaveLength(before + 1);
    // The handler's only device was kept: a sign-in from elsewhere is compared with it and told.
    const handlerBefore = (await signInNoticesOf(handler)).length;
    await login('handler', WECHAT_ANDROID);
    expect(await signInNoticesOf(handler)).toHaveLength(handlerBefore + 1);
  });

  it('works through a backlog in batches, each in a transaction of its own, then waits for the next night', async () => {
    const userId = await userIdOf('agent');
    const backlog = 2 * SIGN_IN_RETENTION_BATCH + 1;
    const longAgo = new Date(clock - 200 * DAY);
    const deviceLongAgo = new Date(clock - 600 * DAY);
    await sql`
      INSERT INTO staff_notifications (user_id, source_key, code, data, created_at)
      SELECT ${userId}::uuid, 'sign-in:backlog-' || n, ${NEW_DEVICE_NOTICE_CODE}, '{"ip":"198.51.100.1"}'::jsonb, ${longAgo}::timestamptz - n * interval '1 minute'
      FROM generate_series(1, ${backlog}) AS n`.execute(t.database.db);
    await sql`
      INSERT INTO known_devices (user_id, device_hash, first_seen_at, last_seen_at)
      SELECT ${userId}::uuid, md5('backlog-a' || n) || md5('backlog-b' || n), ${deviceLongAgo}::timestamptz, ${deviceLongAgo}::timestamptz - n * interval '1 minute'
      FROM generate_series(1, ${backlog}) AS n`.execute(t.database.db);
    await t.database.db.insertInto('known_devices').values({ user_id: userId, device_hash: 'f'.repeat(64), first_seen_at: new Date(clock - DAY), last_seen_at: new Date(clock - DAY) }).execute();
    expect(await signInNoticesOf(userId)).toHaveLength(backlog);
    expect(await devicesOf(userId)).toHaveLength(backlog + 1);

    const moreRuns = () =>
      t.database.db.selectFrom('jobs').select('id').where('kind', '=', SIGN_IN_RETENTION_JOB).where('dedupe_key', 'like', `${SIGN_IN_RETENTION_JOB}:more:%`).execute();
    const moreBefore = (await moreRuns()).length;
    await runCleanUp({ noticeDays: 90, deviceDays: 400 });
    expect(await signInNoticesOf(userId)).toEqual([]);
    expect(await devicesOf(userId)).toEqual(['f'.repeat(64)]);
    // Two full batches each called for one more run; the third, not full, scheduled the next night instead.
    expect((await moreRuns()).length - moreBefore).toBe(2);
    const next = await t.database.db.selectFrom('jobs').select('run_at').where('kind', '=', SIGN_IN_RETENTION_JOB).where('done_at', 'is', null).execute();
    expect(next.length).toBeGreaterThan(0);
    for (const job of next) expect(job.run_at.getTime()).toBeGreaterThan(clock);
  });

  it('a start hands its periods to the nights already scheduled, and both at 0 drops them', async () => {
    const pending = () =>
      t.database.db.selectFrom('jobs').select(['run_at', 'payload']).where('kind', '=', SIGN_IN_RETENTION_JOB).where('done_at', 'is', null).orderBy('run_at', 'desc').execute();
    await applySignInRetentionSettings(t.database.db, { noticeDays: 90, deviceDays: 400 }, new Date(clock));
    // The next night runs at 03:45 China time.
    expect((await pending())[0]?.run_at.toISOString()).toMatch(/T19:45:00\.000Z$/);
    await applySignInRetentionSettings(t.database.db, { noticeDays: 30, deviceDays: 0 }, new Date(clock));
    const payloads = (await pending()).map((j) => j.payload);
    expect(payloads.length).toBeGreaterThan(0);
    for (const payload of payloads) expect(payload).toEqual({ version: 1, noticeDays: 30, deviceDays: 0 });
    await applySignInRetentionSettings(t.database.db, { noticeDays: 0, deviceDays: 0 }, new Date(clock));
    expect(await pending()).toEqual([]);
  });
});
