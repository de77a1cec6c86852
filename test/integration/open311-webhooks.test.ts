import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from '../../src/core/open311/api-key-secrets.js';
import { WEBHOOK_LEASE_MS, WEBHOOK_MAX_ATTEMPTS } from '../../src/core/open311/webhook.js';
import { issueApiKey } from '../../src/db/open311-keys.js';
import { listWebhookFailures, recordWebhookOutcome, replayWebhookFailure } from '../../src/db/open311.repository.js';
import { backgroundWorkers } from '../../src/jobs/consumers.js';
import { deliverDueWebhooks, open311WebhookDelivery } from '../../src/jobs/open311.consumers.js';
import { seedOpen311Demo } from '../../src/db/open311-seed.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from '../helpers/webhook-receiver.js';

/** Webhooks out: signed deliveries of a partner's cases' public events, retried from the outbox, recorded. */

// The clock runs with real time (the outbox stamps rows with the database's now()), shifted to skip backoffs.
let offset = 0;
const now = () => new Date(Date.now() + offset);
let t: TestApp;
let receiver: WebhookReceiver;
let partner = { key: '', secret: '', id: '' };
let repliesOnly = { key: '', secret: '', id: '' };
let silentKey = '';
let cityman = '';

const post = async (key: string, description: string): Promise<string> => {
  const res = await t.app.inject({
    method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      api_key: key, service_code: 'noise', address_string: '北京中路 9 号', description, 'attribute[noise_source]': 'neighbour', first_name: '卓嘎', last_name: '次仁', phone: '13988887777',
    }).toString(),
  });
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { service_request_id: string }[])[0]?.service_request_id as string;
};

const act = async (user: string, trackingNo: string, action: string, body: unknown) => {
  const id = (await t.database.db.selectFrom('cases').select('id').where('tracking_no', '=', trackingNo).executeTakeFirstOrThrow()).id;
  const res = await t.call(user, 'POST', `/api/v1/cases/${id}/${action}`, body);
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
};

const payloadsFor = (id: string, from: ReceivedWebhook[] = receiver.received) =>
  from.filter((r) => r.status < 300).map((r) => JSON.parse(r.body) as Record<string, unknown>).filter((p) => p['service_request_id'] === id);

/**
 * Runs the event consumers (which queue deliveries), then the delivery worker (claim → send → record). The
 * worker is called here as well as through backgroundWorkers, so this works before and after it is listed there.
 */
const pump = async (): Promise<void> => {
  await t.runBackground();
  await deliverDueWebhooks(t.database.db, { now });
};

beforeAll(async () => {
  // The test delivers webhooks itself (pump, or a delivery with a failing record step): the background run only queues them.
  t = await createTestApp({ now, sessionTtlHours: 24 * 365, workers: backgroundWorkers.filter((w) => w.name !== open311WebhookDelivery.name) });
  await seedOpen311Demo(t.database.db);
  receiver = await startWebhookReceiver();
  const units = await t.database.db.selectFrom('units').select(['id', 'code']).execute();
  const lhasa = units.find((u) => u.code === 'lhasa')?.id as string;
  cityman = units.find((u) => u.code === 'cityman')?.id as string;
  const base = { intakeUnitId: lhasa, serviceCodes: null, rateLimitPerMinute: 10_000, createdBy: null, at: new Date() };
  const a = await issueApiKey(t.database.db, { ...base, name: 'Partner', webhookUrl: receiver.url, webhookEvents: null });
  partner = { key: a.key, secret: a.webhookSecret as string, id: a.id };
  const b = await issueApiKey(t.database.db, { ...base, name: 'Replies only', webhookUrl: receiver.url, webhookEvents: ['case.replied'] });
  repliesOnly = { key: b.key, secret: b.webhookSecret as string, id: b.id };
  silentKey = (await issueApiKey(t.database.db, { ...base, name: 'No webhook', webhookUrl: null, webhookEvents: null })).key;
  // Whatever the demo seed left in the queue is not ours to test.
  await pump();
});

beforeEach(() => {
  receiver.failNext(0);
  receiver.setAlwaysFailing(false);
});

afterAll(async () => {
  await receiver.close();
  await t.close();
});

describe('webhook delivery', () => {
  it('delivers each public event of the partner\'s case, signed, without personal data', async () => {
    const id = await post(partner.key, '楼上邻居装修，电话 13988887777');
    await act('dispatcher', id, 'dispatch', { unitId: cityman });
    await act('handler_city', id, 'accept', {});
    await act('handler_city', id, 'note', { text: '内部备注：已电话联系卓嘎', isInternal: true });
    await act('handler_city', id, 'reply', { text: '已联系次仁卓嘎（13988887777），装修改到白天。', outcome: 'resolved' });
    await pump();

    const mine = receiver.received.filter((r) => (JSON.parse(r.body) as { service_request_id?: string }).service_request_id === id);
    expect(mine.map((r) => r.headers['bihuan-event'])).toEqual(['case.registered', 'case.dispatched', 'case.accepted', 'case.replied']);
    for (const r of mine) {
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(verifyWebhookSignature(partner.secret, String(r.headers['bihuan-signature']), r.body, Math.floor(Date.now() / 1000)), r.body).toBe(true);
      expect(verifyWebhookSignature(repliesOnly.secret, String(r.headers['bihuan-signature']), r.body, Math.floor(Date.now() / 1000))).toBe(false);
      expect(r.body).not.toContain('13988887777');
      expect(r.body).not.toContain('卓嘎');
    }
    const payloads = payloadsFor(id);
    expect(payloads.map((p) => [p['status'], p['extended_status']])).toEqual([['open', 'OPEN'], ['open', 'INVESTIGATING'], ['open', 'IN_PROGRESS'], ['closed', 'FIXED']]);
    expect(Object.keys(payloads[0] as object)).toEqual(['id', 'type', 'occurred_at', 'service_request_id', 'token', 'service_code', 'status', 'extended_status', 'status_notes']);
    expect(payloads[3]?.['status_notes']).toBe('已联系[***]（[***]），装修改到白天。');
    expect(mine[3]?.headers['bihuan-delivery']).toBe(payloads[3]?.['id']);

    const recorded = await t.database.db.selectFrom('open311_webhook_deliveries').select(['status_code', 'attempts', 'url']).where('api_key_id', '=', partner.id).execute();
    expect(recorded.length).toBeGreaterThanOrEqual(4);
    expect(recorded.every((d) => d.status_code === 204 && d.attempts === 1 && d.url === receiver.url)).toBe(true);
  });

  it('only the events a partner subscribed to, and only for its own cases', async () => {
    const before = receiver.received.length;
    const mine = await post(repliesOnly.key, '只订阅答复');
    const theirs = await post(silentKey, '没有订阅');
    for (const id of [mine, theirs]) {
      await act('dispatcher', id, 'dispatch', { unitId: cityman });
      await act('handler_city', id, 'accept', {});
      await act('handler_city', id, 'reply', { text: '已处理。', outcome: 'explained' });
    }
    await pump();
    const fresh = receiver.received.slice(before);
    expect(fresh.map((r) => [JSON.parse(r.body).service_request_id, r.headers['bihuan-event']])).toEqual([[mine, 'case.replied']]);
    expect(verifyWebhookSignature(repliesOnly.secret, String(fresh[0]?.headers['bihuan-signature']), fresh[0]?.body ?? '', Math.floor(Date.now() / 1000))).toBe(true);
    expect(JSON.parse(fresh[0]?.body ?? '{}')).toMatchObject({ status: 'closed', extended_status: 'CLOSED' });
  });

  it('retries a failed delivery with backoff, then records it with its attempts', async () => {
    receiver.failNext(2);
    const before = receiver.received.length;
    const id = await post(partner.key, '重试测试');
    await pump();
    expect(receiver.received.length - before).toBe(1);
    const [queued] = await listWebhookFailures(t.database.db);
    expect(queued).toMatchObject({ attempts: 1, tracking_no: id, last_error: expect.stringContaining('HTTP 500') });
    // Not before its backoff.
    await pump();
    expect(receiver.received.length - before).toBe(1);
    offset += 6_000;
    await pump();
    offset += 11_000;
    await pump();
    const attempts = receiver.received.slice(before);
    expect(attempts.map((r) => r.status)).toEqual([500, 500, 204]);
    expect(new Set(attempts.map((r) => r.headers['bihuan-delivery'])).size).toBe(1);
    expect(await listWebhookFailures(t.database.db)).toEqual([]);
    const eventId = String(attempts[0]?.headers['bihuan-delivery']);
    const recorded = await t.database.db.selectFrom('open311_webhook_deliveries').select(['attempts']).where('event_id', '=', eventId).executeTakeFirstOrThrow();
    expect(recorded.attempts).toBe(3);
  });

  it('an endpoint down for good is kept aside after the last attempt, and can be replayed', async () => {
    receiver.setAlwaysFailing(true);
    const before = receiver.received.length;
    const id = await post(partner.key, '长期失败测试');
    for (let i = 0; i < WEBHOOK_MAX_ATTEMPTS + 3; i += 1) {
      await pump();
      offset += 2 * 3600_000;
    }
    expect(receiver.received.length - before).toBe(WEBHOOK_MAX_ATTEMPTS);
    const [parked] = await listWebhookFailures(t.database.db);
    expect(parked).toMatchObject({ attempts: WEBHOOK_MAX_ATTEMPTS, tracking_no: id });

    receiver.setAlwaysFailing(false);
    expect(await replayWebhookFailure(t.database.db, String(parked?.queue_id), now())).toBe(true);
    await pump();
    expect(receiver.received.at(-1)).toMatchObject({ status: 204 });
    expect(payloadsFor(id).map((p) => p['type'])).toEqual(['case.registered']);
    expect(await listWebhookFailures(t.database.db)).toEqual([]);
    expect(await replayWebhookFailure(t.database.db, String(parked?.queue_id), now())).toBe(false);
  });

  it('a crash between send and record leads to a redelivery with the same delivery id (at least once)', async () => {
    const before = receiver.received.length;
    const id = await post(partner.key, '记录失败测试');
    await t.runBackground();
    let failures = 0;
    const failingOnce = await deliverDueWebhooks(t.database.db, {
      now,
      record: async (db, claimed, outcome) => {
        if (failures === 0) {
          failures += 1;
          throw new Error('simulated crash before the outcome was recorded');
        }
        return recordWebhookOutcome(db, claimed, outcome);
      },
    });
    expect(failingOnce).toBe(1);
    expect(failures).toBe(1);
    expect(receiver.received.length - before).toBe(1);
    const row = await t.database.db.selectFrom('open311_webhook_queue').select(['id', 'status', 'attempts', 'lease_until']).where('event_id', '=', String(receiver.received.at(-1)?.headers['bihuan-delivery'])).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'sending', attempts: 1 });
    // Nothing recorded as delivered, and the claim holds while its lease runs: no second send yet.
    expect(await t.database.db.selectFrom('open311_webhook_deliveries').select('id').where('event_id', '=', String(receiver.received.at(-1)?.headers['bihuan-delivery'])).execute()).toEqual([]);
    await pump();
    expect(receiver.received.length - before).toBe(1);
    // After the lease, the delivery is claimed again and sent again, under the same delivery id.
    offset += WEBHOOK_LEASE_MS + 1_000;
    await pump();
    const copies = receiver.received.slice(before);
    expect(copies.map((r) => r.status)).toEqual([204, 204]);
    expect(copies[0]?.headers['bihuan-delivery']).toBe(copies[1]?.headers['bihuan-delivery']);
    expect(copies[0]?.body).toBe(copies[1]?.body);
    expect(payloadsFor(id).map((p) => p['type'])).toEqual(['case.registered', 'case.registered']);
    const done = await t.database.db.selectFrom('open311_webhook_queue').select(['status', 'attempts', 'claim_token']).where('id', '=', row.id).executeTakeFirstOrThrow();
    expect(done).toEqual({ status: 'delivered', attempts: 2, claim_token: null });
    const recorded = await t.database.db.selectFrom('open311_webhook_deliveries').select(['attempts']).where('event_id', '=', String(copies[0]?.headers['bihuan-delivery'])).execute();
    expect(recorded).toEqual([{ attempts: 2 }]);
    // Recorded once: later passes send nothing more.
    offset += WEBHOOK_LEASE_MS + 1_000;
    await pump();
    expect(receiver.received.length - before).toBe(2);
  });

  it('the HTTP request is made outside any transaction: a slow receiver holds no row lock on the queue', async () => {
    const id = await post(partner.key, '慢速接收方测试');
    await t.runBackground();
    let locksDuringSend = -1;
    await deliverDueWebhooks(t.database.db, {
      now,
      fetch: async (url, init) => {
        // A second connection can lock every queued row while the send is in flight.
        const locked = await t.database.db.selectFrom('open311_webhook_queue').select('id').where('status', '=', 'sending').forUpdate().noWait().execute();
        locksDuringSend = locked.length;
        return fetch(url, init);
      },
    });
    expect(locksDuringSend).toBe(1);
    expect(payloadsFor(id).map((p) => p['type'])).toEqual(['case.registered']);
  });

  it('an unreachable endpoint is a failure like any other', async () => {
    await t.database.db.updateTable('open311_api_keys').set({ webhook_url: 'http://127.0.0.1:9/closed' }).where('id', '=', partner.id).execute();
    await post(partner.key, '无法连接测试');
    await pump();
    const [failure] = await listWebhookFailures(t.database.db);
    expect(failure).toMatchObject({ attempts: 1, last_error: expect.stringContaining('127.0.0.1:9') });
  });
});
