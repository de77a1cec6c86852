import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_CODE_THROTTLE } from '../../src/core/case/access-code-throttle.js';
import { PUBLIC_SUBMISSIONS_PER_PHONE } from '../../src/core/case/public-case.js';
import { chinaDay, formatTrackingNo } from '../../src/core/case/tracking-number.js';
import { purgeFailureThrottle } from '../../src/db/failure-throttle.repository.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 8: limits per identity, not only per address. Every request below comes from an address of its own, so
 * the per-address limits never apply: what refuses is the count per tracking number or per phone number.
 */
let clock = Date.now();
let t: TestApp;
let address = 0;
const nextAddress = () => {
  address += 1;
  return `10.77.${Math.floor(address / 250)}.${(address % 250) + 1}`;
};

beforeAll(async () => {
  t = await createTestApp({ now: () => new Date(clock), accessCodeThrottle: ACCESS_CODE_THROTTLE });
});
afterAll(async () => {
  await t.close();
});

const submit = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/api/v1/public/cases', payload: { kind: 'complaint', title: '拖欠工资', description: '工地拖欠三个月工资', ...body }, headers, remoteAddress: nextAddress() });

const track = (trackingNo: string, accessCode: string) =>
  t.app.inject({ method: 'GET', url: `/api/v1/public/cases/${encodeURIComponent(trackingNo)}?accessCode=${accessCode}`, remoteAddress: nextAddress() });

const addInformation = (trackingNo: string, accessCode: string) =>
  t.app.inject({ method: 'POST', url: `/api/v1/public/cases/${trackingNo}/information`, payload: { accessCode, text: '补充材料' }, remoteAddress: nextAddress() });

const countCases = async (): Promise<number> =>
  Number((await t.database.db.selectFrom('cases').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

const wrongCode = (code: string) => String((Number(code) + 1) % 100_000_000).padStart(code.length, '0');

describe('wrong access codes per tracking number', () => {
  it('locks a number after 10 wrong codes from any addresses and any public route, for known and unknown numbers alike', async () => {
    const created = await submit({});
    expect(created.statusCode).toBe(201);
    const { trackingNo, accessCode } = created.json() as { trackingNo: string; accessCode: string };
    expect((await track(trackingNo, accessCode)).statusCode).toBe(200);

    // Failures on different public routes count together.
    for (let i = 0; i < ACCESS_CODE_THROTTLE.failures - 1; i += 1) {
      const res = i % 2 === 0 ? await track(trackingNo, wrongCode(accessCode)) : await addInformation(trackingNo, wrongCode(accessCode));
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'case.access_code_invalid' } });
    }
    // Below the limit the right code still works; it does not reset the count.
    expect((await track(trackingNo, accessCode)).statusCode).toBe(200);
    expect((await track(trackingNo, wrongCode(accessCode))).statusCode).toBe(404);

    // Now even the right code is refused, before the case is looked up, with the time to wait.
    const locked = await track(trackingNo, accessCode);
    expect(locked.statusCode).toBe(429);
    expect(locked.json()).toMatchObject({ error: { code: 'rate_limited', messageId: 'errors.rate_limited.access_code_attempts', details: { reason: 'access_code_attempts' } } });
    const wait = Number(locked.headers['retry-after']);
    expect(wait).toBeGreaterThan(14 * 60);
    expect(wait).toBeLessThanOrEqual(15 * 60);
    // The number written another way (spaces, full-width digits) is the same number.
    const spaced = `${trackingNo.slice(0, 6)} ${trackingNo.slice(6)}`.replace('1', '１');
    expect((await track(spaced, accessCode)).statusCode).toBe(429);
    // A locked number's actions write nothing.
    const eventsBefore = await t.database.db.selectFrom('work_item_events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect((await addInformation(trackingNo, accessCode)).statusCode).toBe(429);
    await t.app.auditSettled();
    const eventsAfter = await t.database.db.selectFrom('work_item_events').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(eventsAfter.n).toBe(eventsBefore.n);

    // The lock was audited once, with the number and the address of the failure that set it.
    const entries = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'access_code.locked').where('subject_id', '=', trackingNo).execute();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ subject_kind: 'cases', outcome: '429', actor_id: null });
    expect(entries[0]?.ip).toMatch(/^10\.77\./);

    // An unknown number locks the same way, so the lock cannot tell which numbers exist.
    const unknown = formatTrackingNo(chinaDay(new Date(clock)), 9999);
    for (let i = 0; i < ACCESS_CODE_THROTTLE.failures; i += 1) expect((await track(unknown, '12345678')).statusCode).toBe(404);
    const unknownLocked = await track(unknown, '12345678');
    expect(unknownLocked.statusCode).toBe(429);
    expect(unknownLocked.json()).toEqual(locked.json());

    // Other numbers are not affected; after the lock, the right code works again.
    const other = (await submit({})).json() as { trackingNo: string; accessCode: string };
    expect((await track(other.trackingNo, other.accessCode)).statusCode).toBe(200);
    clock += ACCESS_CODE_THROTTLE.lockMs + 1000;
    expect((await track(trackingNo, accessCode)).statusCode).toBe(200);
  });

  it('does not count a number with a typo (refused before any code is checked) or staff routes', async () => {
    const created = (await submit({})).json() as { trackingNo: string; accessCode: string };
    const typo = `${created.trackingNo.slice(0, -1)}${(Number(created.trackingNo.at(-1)) + 1) % 10}`;
    for (let i = 0; i < ACCESS_CODE_THROTTLE.failures + 2; i += 1) expect((await track(typo, created.accessCode)).statusCode).toBe(400);
    const rows = await t.database.db.selectFrom('failure_throttle').select('key').where('key', 'like', 'code:%').execute();
    expect(rows.map((r) => r.key)).not.toContain(`code:${typo}`);
    expect((await track(created.trackingNo, created.accessCode)).statusCode).toBe(200);
  });

  it('forgets counters a day after their window and lock ended, and keeps the rest', async () => {
    const now = new Date(clock);
    await t.database.db
      .insertInto('failure_throttle')
      .values([
        { key: 'code:old-window', failures: 3, window_started_at: new Date(now.getTime() - 2 * 86_400_000), locked_until: null },
        { key: 'code:old-lock', failures: 10, window_started_at: new Date(now.getTime() - 2 * 86_400_000), locked_until: new Date(now.getTime() - 86_400_000 - 60_000) },
        { key: 'code:long-lock', failures: 10, window_started_at: new Date(now.getTime() - 2 * 86_400_000), locked_until: new Date(now.getTime() + 60_000) },
        { key: 'code:recent', failures: 1, window_started_at: new Date(now.getTime() - 60_000), locked_until: null },
      ])
      .execute();
    const purged = await purgeFailureThrottle(t.database.db, new Date(now.getTime() - 86_400_000));
    expect(purged).toBeGreaterThanOrEqual(2);
    const left = (await t.database.db.selectFrom('failure_throttle').select('key').where('key', 'in', ['code:old-window', 'code:old-lock', 'code:long-lock', 'code:recent']).execute()).map((r) => r.key);
    expect(left.sort()).toEqual(['code:long-lock', 'code:recent']);
  });
});

describe('public submissions per phone number', () => {
  it('takes 10 a day with one phone number from any addresses, then refuses with the time to wait and creates nothing', async () => {
    const phone = '13912345678';
    const written = ['139 1234 5678', '+86 139-1234-5678', '8613912345678', phone];
    for (let i = 0; i < PUBLIC_SUBMISSIONS_PER_PHONE.limit; i += 1) {
      const res = await submit({ requester: { name: '次仁', phone: written[i % written.length] } });
      expect(res.statusCode).toBe(201);
      clock += 60_000;
    }
    const before = await countCases();
    const refused = await submit({ requester: { name: '次仁', phone: '+86 13912345678' } });
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({ error: { code: 'rate_limited', messageId: 'errors.rate_limited.phone_submissions', details: { reason: 'phone_submissions' } } });
    // The first of the ten leaves the window first: 24 h after it, 10 minutes ago.
    const wait = Number(refused.headers['retry-after']);
    expect(wait).toBeGreaterThan(24 * 3600 - 11 * 60);
    expect(wait).toBeLessThanOrEqual(24 * 3600 - 10 * 60 + 1);
    expect(await countCases()).toBe(before);

    // Another phone, and no phone at all, are not affected.
    expect((await submit({ requester: { name: '卓玛', phone: '13800000001' } })).statusCode).toBe(201);
    expect((await submit({})).statusCode).toBe(201);
    // Cases staff register for the same person do not count (a caller may phone the hotline as often as needed).
    const staff = await t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'complaint', title: '电话登记', description: '电话登记的诉求', requester: { name: '次仁', phone } });
    expect(staff.statusCode).toBe(201);

    // A day after the first one, one more is taken.
    clock += 24 * 3600_000 - 10 * 60_000 + 1000;
    expect((await submit({ requester: { phone } })).statusCode).toBe(201);
    expect((await submit({ requester: { phone } })).statusCode).toBe(429);
  });

  it('still answers a retry of a registered submission at the limit, with the same tracking number and code', async () => {
    const phone = '13700001111';
    const key = 'f5b1e7a2-3c44-4d55-8e66-phone-limit';
    let first: { trackingNo: string; accessCode: string } | null = null;
    for (let i = 0; i < PUBLIC_SUBMISSIONS_PER_PHONE.limit; i += 1) {
      const isLast = i === PUBLIC_SUBMISSIONS_PER_PHONE.limit - 1;
      const res = await submit({ requester: { phone } }, isLast ? { 'idempotency-key': key } : {});
      expect(res.statusCode).toBe(201);
      if (isLast) first = res.json();
    }
    const retry = await submit({ requester: { phone } }, { 'idempotency-key': key });
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first);
    // A new submission with the same phone is refused.
    expect((await submit({ requester: { phone } }, { 'idempotency-key': `${key}-2` })).statusCode).toBe(429);
  });
});
