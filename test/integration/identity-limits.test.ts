import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACCESS_CODE_LIMIT } from '../../src/core/case/access-code-throttle.js';
import { PUBLIC_SUBMISSIONS_PER_PHONE } from '../../src/core/case/public-case.js';
import { chinaDay, formatTrackingNo } from '../../src/core/case/tracking-number.js';
import { fieldCryptoFor } from '../../src/db/data-keys.js';
import { blindIndexOf } from '../../src/db/requester-crypto.js';
import { purgeThrottleCounters } from '../../src/db/throttle.repository.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 8: limits per identity, not only per address. Every request below comes from an address of its own, so
 * the per-address limits never apply: what refuses is the count per tracking number or per phone number.
 */
const START = Date.now();
let clock = START;
let t: TestApp;
let address = 0;
let lastAddress = '';
const nextAddress = () => {
  address += 1;
  lastAddress = `10.77.${Math.floor(address / 250)}.${(address % 250) + 1}`;
  return lastAddress;
};

beforeAll(async () => {
  t = await createTestApp({ now: () => new Date(clock), accessCodeLimit: ACCESS_CODE_LIMIT });
});
afterAll(async () => {
  await t.close();
});
// Each test starts a day after the one before, so that no window of an earlier test is still open.
let day = 0;
beforeEach(() => {
  day += 1;
  clock = START + day * 2 * 86_400_000;
});

type Created = { trackingNo: string; accessCode: string };

const submit = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/v1/public/cases', payload: { kind: 'complaint', title: '拖欠工资', description: '工地拖欠三个月工资', ...body }, headers, remoteAddress: nextAddress() });

const submitted = async (): Promise<Created> => {
  const res = await submit({});
  expect(res.statusCode).toBe(201);
  return res.json();
};

const track = (trackingNo: string, accessCode: string) =>
  t.app.inject({ method: 'GET', url: `/api/v1/public/cases/${encodeURIComponent(trackingNo)}?accessCode=${accessCode}`, remoteAddress: nextAddress() });

const addInformation = (trackingNo: string, accessCode: string) =>
  t.app.inject({ method: 'POST', url: `/api/v1/public/cases/${trackingNo}/information`, payload: { accessCode, text: '补充材料' }, remoteAddress: nextAddress() });

const listFiles = (trackingNo: string, accessCode: string) =>
  t.app.inject({ method: 'GET', url: `/api/v1/public/cases/${trackingNo}/attachments`, headers: { 'x-access-code': accessCode }, remoteAddress: nextAddress() });

const setPreferences = (trackingNo: string, accessCode: string) =>
  t.app.inject({ method: 'POST', url: `/api/v1/public/cases/${trackingNo}/notification-preferences`, payload: { accessCode, smsOptOut: true }, remoteAddress: nextAddress() });

const countRows = async (table: 'cases' | 'work_item_events'): Promise<number> =>
  Number((await t.database.db.selectFrom(table).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

const wrongCode = (code: string) => String((Number(code) + 1) % 100_000_000).padStart(code.length, '0');

describe('access-code attempts per tracking number', () => {
  it('refuses a number after 10 wrong codes from all addresses and all public routes, known and unknown numbers alike', async () => {
    const { trackingNo, accessCode } = await submitted();
    expect((await track(trackingNo, accessCode)).statusCode).toBe(200);

    // Wrong codes on every public route of the number count together.
    const routes = [track, addInformation, listFiles, setPreferences];
    for (let i = 0; i < ACCESS_CODE_LIMIT.limit - 1; i += 1) {
      const res = await (routes[i % routes.length] ?? track)(trackingNo, wrongCode(accessCode));
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'case.access_code_invalid' } });
    }
    // Below the limit the right code still works, and is given back: it does not count.
    expect((await track(trackingNo, accessCode)).statusCode).toBe(200);
    expect((await track(trackingNo, accessCode)).statusCode).toBe(200);
    expect((await track(trackingNo, wrongCode(accessCode))).statusCode).toBe(404);

    // Now even the right code is refused, before the case is looked up, with the time to wait.
    const locked = await track(trackingNo, accessCode);
    const lockedFrom = lastAddress;
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ error: { code: 'rate_limited', messageId: 'errors.rate_limited.access_code_attempts', details: { reason: 'access_code_attempts' } } });
    const wait = Number(locked.headers['retry-after']);
    expect(wait).toBeGreaterThan(14 * 60);
    expect(wait).toBeLessThanOrEqual(15 * 60);
    // The number written another way (spaces around and inside, full-width digits) is the same number.
    const spaced = `${' '.repeat(60)}${trackingNo.slice(0, 6)} ${trackingNo.slice(6)}`.replace('1', '１');
    expect((await track(spaced, accessCode)).statusCode).toBe(429);
    // A refused number's actions write nothing.
    const eventsBefore = await countRows('work_item_events');
    expect((await addInformation(trackingNo, accessCode)).statusCode).toBe(429);
    await t.app.auditSettled();
    expect(await countRows('work_item_events')).toBe(eventsBefore);

    // The refusal was audited once, with the number and the address of the first refused request.
    const entries = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'access_code.locked').where('subject_id', '=', trackingNo).execute();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ subject_kind: 'cases', outcome: '429', actor_id: null, ip: lockedFrom });

    // An unknown number is refused the same way, so a refusal cannot tell which numbers exist.
    const unknown = formatTrackingNo(chinaDay(new Date(clock)), 9999);
    for (let i = 0; i < ACCESS_CODE_LIMIT.limit; i += 1) expect((await track(unknown, '12345678')).statusCode).toBe(404);
    const unknownLocked = await track(unknown, '12345678');
    expect(unknownLocked.statusCode).toBe(429);
    expect(unknownLocked.json()).toEqual(locked.json());

    // Other numbers are not affected; when the window is over, the right code works again.
    const other = await submitted();
    expect((await track(other.trackingNo, other.accessCode)).statusCode).toBe(200);
    clock += ACCESS_CODE_LIMIT.windowMs + 1000;
    expect((await track(trackingNo, accessCode)).statusCode).toBe(200);
  });

  it('counts attempts sent all at once one by one', async () => {
    const { trackingNo, accessCode } = await submitted();
    const answers = await Promise.all(Array.from({ length: 30 }, () => track(trackingNo, wrongCode(accessCode))));
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses.filter((s) => s === 404)).toHaveLength(ACCESS_CODE_LIMIT.limit);
    expect(statuses.filter((s) => s === 429)).toHaveLength(30 - ACCESS_CODE_LIMIT.limit);
    expect((await track(trackingNo, accessCode)).statusCode).toBe(429);
  });

  it('does not shut a requester out for a right code sent twice at the edge of the limit', async () => {
    const { trackingNo, accessCode } = await submitted();
    for (let i = 0; i < ACCESS_CODE_LIMIT.limit - 1; i += 1) expect((await track(trackingNo, wrongCode(accessCode))).statusCode).toBe(404);
    // A double click: one of the two may be refused at the edge, but neither keeps a place in the window.
    const both = await Promise.all([track(trackingNo, accessCode), track(trackingNo, accessCode)]);
    expect(both.map((r) => r.statusCode)).toContain(200);
    expect((await track(trackingNo, accessCode)).statusCode).toBe(200);
    expect((await track(trackingNo, accessCode)).statusCode).toBe(200);
    // The one wrong code left still locks it.
    expect((await track(trackingNo, wrongCode(accessCode))).statusCode).toBe(404);
    expect((await track(trackingNo, accessCode)).statusCode).toBe(429);
  });

  it('keeps the requester\'s own browser out of a stranger\'s lock (device cookie), and a stolen cookie to the limit', async () => {
    const { trackingNo, accessCode } = await submitted();
    const first = await track(trackingNo, accessCode);
    expect(first.statusCode).toBe(200);
    const setCookie = String(first.headers['set-cookie'] ?? '');
    expect(setCookie).toMatch(new RegExp(`^bh_device=[^;]+; Max-Age=15552000; Path=/api/v1/public/cases/${trackingNo}; HttpOnly; SameSite=Strict$`));
    const cookie = setCookie.split(';')[0] ?? '';
    const trackWith = (code: string, cookieHeader: string) =>
      t.app.inject({ method: 'GET', url: `/api/v1/public/cases/${trackingNo}?accessCode=${code}`, headers: { cookie: cookieHeader }, remoteAddress: nextAddress() });
    // A browser that has its cookie is not given another.
    expect((await trackWith(accessCode, cookie)).headers['set-cookie']).toBeUndefined();

    // A stranger locks the number for everyone else...
    for (let i = 0; i < ACCESS_CODE_LIMIT.limit; i += 1) expect((await track(trackingNo, wrongCode(accessCode))).statusCode).toBe(404);
    expect((await track(trackingNo, accessCode)).statusCode).toBe(429);
    // ...but the requester's browser still gets in, and a made-up or moved cookie does not.
    expect((await trackWith(accessCode, cookie)).statusCode).toBe(200);
    const [name, value = ''] = cookie.split('=');
    const [nonce = '', signature = ''] = value.split('.');
    expect((await trackWith(accessCode, `${name}=${nonce}x.${signature}`)).statusCode).toBe(429);
    const other = await submitted();
    const otherCookie = String((await track(other.trackingNo, other.accessCode)).headers['set-cookie']).split(';')[0] ?? '';
    expect((await trackWith(accessCode, otherCookie)).statusCode).toBe(429);

    // The cookie's own window takes the limit too: a stolen cookie is no way around guessing.
    for (let i = 0; i < ACCESS_CODE_LIMIT.limit; i += 1) expect((await trackWith(wrongCode(accessCode), cookie)).statusCode).toBe(404);
    expect((await trackWith(accessCode, cookie)).statusCode).toBe(429);
    const keys = (await t.database.db.selectFrom('throttle_counters').select('key').where('key', 'like', `code:${trackingNo}%`).execute()).map((r) => r.key).sort();
    expect(keys).toEqual([`code:${trackingNo}`, `code:${trackingNo}:device:${nonce}`]);
    // Each lock is audited once, saying whose window it was.
    await t.app.auditSettled();
    const locks = await t.database.db.selectFrom('audit_log').select('data').where('action', '=', 'access_code.locked').where('subject_id', '=', trackingNo).orderBy('id').execute();
    expect(locks.map((l) => (l.data as { window: string }).window)).toEqual(['shared', 'device']);
  });

  it('gives the cookie with the tracking number, so that a number locked before its first visit still opens', async () => {
    const res = await submit({});
    expect(res.statusCode).toBe(201);
    const { trackingNo, accessCode } = res.json() as Created;
    const setCookie = String(res.headers['set-cookie'] ?? '');
    expect(setCookie).toContain(`Path=/api/v1/public/cases/${trackingNo};`);
    const cookie = setCookie.split(';')[0] ?? '';
    // Numbers are predictable: a stranger locks this one before the requester ever looks.
    for (let i = 0; i < ACCESS_CODE_LIMIT.limit; i += 1) expect((await track(trackingNo, wrongCode(accessCode))).statusCode).toBe(404);
    expect((await track(trackingNo, accessCode)).statusCode).toBe(429);
    const own = await t.app.inject({ method: 'GET', url: `/api/v1/public/cases/${trackingNo}?accessCode=${accessCode}`, headers: { cookie }, remoteAddress: nextAddress() });
    expect(own.statusCode).toBe(200);
  });

  it('gives no cookie for a wrong code, a refusal, a bad request or a right code that finds nothing', async () => {
    const { trackingNo, accessCode } = await submitted();
    expect((await track(trackingNo, wrongCode(accessCode))).headers['set-cookie']).toBeUndefined();
    expect((await track(trackingNo, 'x')).headers['set-cookie']).toBeUndefined();
    const missingFile = await t.app.inject({
      method: 'GET', url: `/api/v1/public/cases/${trackingNo}/attachments/00000000-0000-4000-8000-000000000000/content`,
      headers: { 'x-access-code': accessCode }, remoteAddress: nextAddress(),
    });
    expect(missingFile.statusCode).toBe(404);
    expect(missingFile.headers['set-cookie']).toBeUndefined();
    for (let i = 0; i < ACCESS_CODE_LIMIT.limit - 1; i += 1) await track(trackingNo, wrongCode(accessCode));
    const locked = await track(trackingNo, accessCode);
    expect(locked.statusCode).toBe(429);
    expect(locked.headers['set-cookie']).toBeUndefined();
    // A right code on another route of the case sets it, with the case's path.
    const other = await submitted();
    const files = await listFiles(other.trackingNo, other.accessCode);
    expect(files.statusCode).toBe(200);
    expect(String(files.headers['set-cookie'])).toContain(`Path=/api/v1/public/cases/${other.trackingNo};`);
  });

  it('does not count a number with a typo, which is refused before a code is checked', async () => {
    const created = await submitted();
    const typo = `${created.trackingNo.slice(0, -1)}${(Number(created.trackingNo.at(-1)) + 1) % 10}`;
    for (let i = 0; i < ACCESS_CODE_LIMIT.limit + 2; i += 1) expect((await track(typo, created.accessCode)).statusCode).toBe(400);
    const rows = await t.database.db.selectFrom('throttle_counters').select('key').where('key', '=', `code:${typo}`).execute();
    expect(rows).toEqual([]);
    expect((await track(created.trackingNo, created.accessCode)).statusCode).toBe(200);
  });

  it('forgets counters a day after their window and lock ended, and keeps the rest', async () => {
    const now = new Date(clock);
    await t.database.db
      .insertInto('throttle_counters')
      .values([
        { key: 'code:old-window', count: 3, window_started_at: new Date(now.getTime() - 2 * 86_400_000), locked_until: null },
        { key: 'code:old-lock', count: 10, window_started_at: new Date(now.getTime() - 2 * 86_400_000), locked_until: new Date(now.getTime() - 86_400_000 - 60_000) },
        { key: 'code:long-lock', count: 10, window_started_at: new Date(now.getTime() - 2 * 86_400_000), locked_until: new Date(now.getTime() + 60_000) },
        { key: 'code:recent', count: 1, window_started_at: new Date(now.getTime() - 60_000), locked_until: null },
      ])
      .execute();
    const purged = await purgeThrottleCounters(t.database.db, new Date(now.getTime() - 86_400_000));
    expect(purged).toBeGreaterThanOrEqual(2);
    const left = (await t.database.db.selectFrom('throttle_counters').select('key').where('key', 'in', ['code:old-window', 'code:old-lock', 'code:long-lock', 'code:recent']).execute()).map((r) => r.key);
    expect(left.sort()).toEqual(['code:long-lock', 'code:recent']);
  });
});

describe('public submissions per phone number', () => {
  it('takes 10 a day with one phone number from many addresses, then refuses with the time to wait and creates nothing', async () => {
    const phone = '13912345678';
    const written = ['139 1234 5678', '+86 139-1234-5678', '8613912345678', phone];
    for (let i = 0; i < PUBLIC_SUBMISSIONS_PER_PHONE.limit; i += 1) {
      const res = await submit({ requester: { name: '次仁', phone: written[i % written.length] } });
      expect(res.statusCode).toBe(201);
      clock += 60_000;
    }
    const before = await countRows('cases');
    const refused = await submit({ requester: { name: '次仁', phone: '+86 13912345678' } });
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: { code: 'rate_limited', messageId: 'errors.rate_limited.phone_submissions', details: { reason: 'phone_submissions' } } });
    // The window opened with the first of the ten, 10 minutes ago.
    const wait = Number(refused.headers['retry-after']);
    expect(wait).toBeGreaterThan(24 * 3600 - 11 * 60);
    expect(wait).toBeLessThanOrEqual(24 * 3600 - 10 * 60 + 1);
    expect(await countRows('cases')).toBe(before);

    // Another phone, and no phone at all, are not affected.
    expect((await submit({ requester: { name: '卓玛', phone: '13800000001' } })).statusCode).toBe(201);
    expect((await submit({})).statusCode).toBe(201);
    // Cases staff register for the same person do not count (a caller may phone the hotline as often as needed).
    const staff = await t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'complaint', title: '电话登记', description: '电话登记的诉求', requester: { name: '次仁', phone } });
    expect(staff.statusCode).toBe(201);
    expect((await submit({ requester: { phone } })).statusCode).toBe(429);

    // When the window is over, the phone is taken again.
    clock += 24 * 3600_000;
    expect((await submit({ requester: { phone } })).statusCode).toBe(201);
  });

  it('counts submissions sent all at once one by one', async () => {
    const before = await countRows('cases');
    const answers = await Promise.all(Array.from({ length: 25 }, () => submit({ requester: { phone: '13600002222' } })));
    const statuses = answers.map((a) => a.statusCode);
    expect(statuses.filter((s) => s === 201)).toHaveLength(PUBLIC_SUBMISSIONS_PER_PHONE.limit);
    expect(statuses.filter((s) => s === 429)).toHaveLength(25 - PUBLIC_SUBMISSIONS_PER_PHONE.limit);
    expect(await countRows('cases')).toBe(before + PUBLIC_SUBMISSIONS_PER_PHONE.limit);
  });

  it('still answers a retry of a registered submission at the limit, with the same tracking number and code', async () => {
    const phone = '13700001111';
    const key = 'f5b1e7a2-3c44-4d55-8e66-phone-limit';
    const counterKey = `submit:phone:${blindIndexOf(fieldCryptoFor(), 'phone', phone) ?? ''}`;
    const counted = async () => (await t.database.db.selectFrom('throttle_counters').select('count').where('key', '=', counterKey).executeTakeFirstOrThrow()).count;
    // Below the limit too, a retry is not a submission of its own.
    const early = await submit({ requester: { phone } }, { 'idempotency-key': `${key}-early` });
    expect(early.statusCode).toBe(201);
    const earlyRetry = await submit({ requester: { phone } }, { 'idempotency-key': `${key}-early` });
    expect(earlyRetry.headers['idempotent-replayed']).toBe('true');
    expect(await counted()).toBe(1);
    let first: Created | null = null;
    for (let i = 1; i < PUBLIC_SUBMISSIONS_PER_PHONE.limit; i += 1) {
      const isLast = i === PUBLIC_SUBMISSIONS_PER_PHONE.limit - 1;
      const res = await submit({ requester: { phone } }, isLast ? { 'idempotency-key': key } : {});
      expect(res.statusCode).toBe(201);
      if (isLast) first = res.json();
    }
    const retry = await submit({ requester: { phone } }, { 'idempotency-key': key });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first);
    // A new submission with the same phone is refused; the replay did not use up a place of its own.
    expect((await submit({ requester: { phone } }, { 'idempotency-key': `${key}-2` })).statusCode).toBe(429);
    expect(await counted()).toBe(PUBLIC_SUBMISSIONS_PER_PHONE.limit);
  });
});
