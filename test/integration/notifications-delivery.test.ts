import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimNextMessage } from '../../src/db/notifications-delivery.repository.js';
import { anonymiseCaseNotifications, stashAccessCode } from '../../src/db/notifications.repository.js';
import { parseQuietHours } from '../../src/core/notifications/quiet-hours.js';
import { createAliyunSmsTransport } from '../../src/notify/aliyun-sms.provider.js';
import { deliverDueMessages, sendClaimedMessage } from '../../src/notify/delivery.worker.js';
import { createHttpSmsTransport } from '../../src/notify/http-sms.provider.js';
import { createSmtpEmailTransport } from '../../src/notify/smtp-email.sender.js';
import { createTencentSmsTransport } from '../../src/notify/tencent-sms.provider.js';
import type { Transports } from '../../src/notify/transport.js';
import { startFakeSmsServer, type FakeSmsServer } from '../helpers/fake-sms-server.js';
import { startSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

// Each test walks several steps through the API and the background loop: room for a busy machine.
const SLOW = 120_000;

// Delivery under failure: provider errors and retries, a worker dying mid-send, unknown outcomes, quiet
// hours, opt-out, the Aliyun and Tencent request formats, and two workers sharing the queue.

let t: TestApp;
let sms: FakeSmsServer;
let smtp: SmtpTestServer;
let hrssId = '';
let clock = new Date('2026-11-23T02:00:00Z'); // 10:00 in Lhasa
const quietHours = parseQuietHours('21:00-08:00');
const MINUTE = 60_000;

let http: Transports['sms'];
let email: Transports['email'];

beforeAll(async () => {
  [sms, smtp] = await Promise.all([startFakeSmsServer({ aliyunSecret: 'aliyun-secret', tencentSecretKey: 'tencent-secret' }), startSmtpTestServer()]);
  // The consumers queue SMS and e-mail because both channels are configured. The background worker is paused:
  // each test delivers itself, with the adapters it needs, as the worker does with the configured ones.
  Object.assign(process.env, {
    BIHUAN_NOTIFY_DELIVERY: 'paused',
    BIHUAN_SMS_PROVIDER: 'http',
    BIHUAN_SMS_HTTP_URL: `${sms.url}/sms`,
    BIHUAN_SMTP_URL: smtp.url,
    BIHUAN_MAIL_FROM: 'noreply@bihuan.test',
    BIHUAN_NOTIFY_QUIET_HOURS: '21:00-08:00',
  });
  http = createHttpSmsTransport({ url: `${sms.url}/sms`, token: null, timeoutMs: 2000 });
  email = createSmtpEmailTransport({ url: smtp.url, from: 'noreply@bihuan.test', timeoutMs: 2000 });
  t = await createTestApp({ now: () => clock });
  const units = (await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] };
  hrssId = units.items.find((u) => u.code === 'hrss')?.id ?? '';
});

afterAll(async () => {
  await email?.close?.();
  await t.close();
  await Promise.all([sms.close(), smtp.close()]);
});

/**
 * Requests as a demo user. The clock jumps by hours here, past the sessions' idle limit, so a session is
 * opened again whenever the clock has moved.
 */
const tokens = new Map<string, string>();
const call = async (user: string | null, method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) => {
  if (user === null) return t.call(null, method, url, body);
  const key = `${user}@${clock.getTime()}`;
  let token = tokens.get(key);
  if (!token) {
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: user, password: 'test-password-1' } });
    token = (login.json() as { token: string }).token;
    tokens.set(key, token);
  }
  return t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body === undefined ? {} : { payload: body as Record<string, unknown> }) });
};

const deliver = (transports: Partial<Transports> = {}, leaseMs?: number) =>
  deliverDueMessages(t.database.db, { now: () => clock, transports: { sms: http, email, ...transports }, quietHours, leaseMs });

/** Registers a case through the API and lets the consumers queue its messages (nothing is sent yet). */
const newCase = async (requester: { phone?: string; email?: string }): Promise<{ id: string; trackingNo: string; accessCode: string }> => {
  const res = await call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'help', title: '讨薪', description: '工资被拖欠', requester });
  expect(res.statusCode, res.body).toBe(201);
  const c = res.json() as { id: string; trackingNo: string; accessCode: string };
  await stashAccessCode(t.database.db, { caseId: c.id, accessCode: c.accessCode });
  await t.runBackground();
  return c;
};

const messagesOf = (caseId: string) =>
  t.database.db.selectFrom('notification_messages').select(['id', 'kind', 'channel', 'status', 'attempts', 'last_error', 'not_before', 'body']).where('case_id', '=', caseId).orderBy('source_event_id').orderBy('channel', 'desc').execute();

const timelineOf = async (caseId: string) =>
  ((await call('admin', 'GET', `/api/v1/cases/${caseId}`)).json() as { events: { code: string; isInternal: boolean; data: Record<string, unknown> }[] }).events.filter((e) => e.code.startsWith('notification.'));

const deliveredTo = (phone: string) => sms.delivered().filter((r) => r.to === phone);

describe('retries', () => {
  it('retries a failing SMS provider with growing delays and sends once it recovers', async () => {
    const c = await newCase({ phone: '13600000001' });
    sms.failNext(2);
    expect(await deliver()).toBe(1);
    let [m] = await messagesOf(c.id);
    expect(m).toMatchObject({ status: 'queued', attempts: 1, last_error: expect.stringContaining('HTTP 500') });
    expect(m?.not_before).toEqual(new Date(clock.getTime() + 30_000));
    expect(await deliver()).toBe(0); // not yet due

    clock = new Date(clock.getTime() + 31_000);
    await deliver();
    [m] = await messagesOf(c.id);
    expect(m).toMatchObject({ status: 'queued', attempts: 2 });
    expect(m?.not_before).toEqual(new Date(clock.getTime() + 2 * MINUTE));

    clock = new Date(clock.getTime() + 2 * MINUTE + 1000);
    await deliver();
    [m] = await messagesOf(c.id);
    expect(m).toMatchObject({ status: 'sent', attempts: 3, last_error: null });
    expect(sms.requests.filter((r) => r.to === '+8613600000001')).toHaveLength(3);
    expect(deliveredTo('+8613600000001')).toHaveLength(1);
    expect(await timelineOf(c.id)).toMatchObject([
      { code: 'notification.sent', isInternal: true, data: expect.objectContaining({ channel: 'sms', kind: 'registered', attempts: 3, error: null }) },
    ]);
  }, SLOW);

  it('gives up on a refusal at once, shows it on the timeline and asks the intake desk to phone', async () => {
    const c = await newCase({ phone: '13600000002' });
    sms.failNext(1, 'refuse');
    await deliver();
    const [m] = await messagesOf(c.id);
    expect(m).toMatchObject({ status: 'failed', attempts: 1 });
    expect(m?.body).not.toContain(c.accessCode);
    const events = await timelineOf(c.id);
    expect(events).toMatchObject([{ code: 'notification.failed', isInternal: true, data: expect.objectContaining({ channel: 'sms', error: expect.stringContaining('HTTP 400') }) }]);
    await t.runBackground();
    const notices = (await call('agent', 'GET', '/api/v1/notifications')).json() as { items: { code: string; trackingNo: string; text: string }[] };
    expect(notices.items.find((n) => n.trackingNo === c.trackingNo)).toMatchObject({ code: 'notification.failed', text: `通知诉求人失败，请电话联系：${c.trackingNo} 讨薪` });
  }, SLOW);

  it('retries a temporary SMTP refusal and gives up on a permanent one', async () => {
    const temporary = await newCase({ email: 'temp@example.com' });
    smtp.failNext(1, 'temporary');
    await deliver();
    expect((await messagesOf(temporary.id))[0]).toMatchObject({ status: 'queued', attempts: 1, last_error: expect.stringContaining('451') });
    clock = new Date(clock.getTime() + MINUTE);
    await deliver();
    expect((await messagesOf(temporary.id))[0]).toMatchObject({ status: 'sent', attempts: 2 });
    expect(smtp.mails.filter((m) => m.to.includes('temp@example.com'))).toHaveLength(1);

    const permanent = await newCase({ email: 'nobody@example.com' });
    smtp.failNext(1, 'permanent');
    await deliver();
    expect((await messagesOf(permanent.id))[0]).toMatchObject({ status: 'failed', last_error: expect.stringContaining('550') });
  }, SLOW);
});

describe('no duplicate after a restart in the middle of sending', () => {
  it('records an unknown outcome for SMTP, which cannot deduplicate, and never sends it again', async () => {
    const c = await newCase({ email: 'crash@example.com' });
    // The worker claims the message and hands it to the server, then the process dies before recording it.
    const claimed = await claimNextMessage(t.database.db, { now: clock, channels: ['email'] });
    expect(claimed?.caseId).toBe(c.id);
    expect((await sendClaimedMessage(email as NonNullable<typeof email>, claimed as NonNullable<typeof claimed>)).status).toBe('sent');

    // A restarted worker leaves a claim alone while it may still be in flight…
    expect(await deliver()).toBe(0);
    expect((await messagesOf(c.id))[0]).toMatchObject({ status: 'sending' });
    // …and once its lease is over, records that nobody knows whether it went out.
    clock = new Date(clock.getTime() + 11 * MINUTE);
    expect(await deliver()).toBe(1);
    const [m] = await messagesOf(c.id);
    expect(m).toMatchObject({ status: 'unknown', attempts: 1 });
    expect(m?.body).not.toContain(c.accessCode);
    expect(await timelineOf(c.id)).toMatchObject([{ code: 'notification.unknown', isInternal: true, data: expect.objectContaining({ channel: 'email', provider: 'smtp' }) }]);
    clock = new Date(clock.getTime() + 60 * MINUTE);
    await deliver();
    expect(smtp.mails.filter((mail) => mail.to.includes('crash@example.com'))).toHaveLength(1);
  }, SLOW);

  it('sends again with the same idempotency key where the provider deduplicates, and the phone gets one SMS', async () => {
    const c = await newCase({ phone: '13600000003' });
    const claimed = await claimNextMessage(t.database.db, { now: clock, channels: ['sms'] });
    await sendClaimedMessage(http as NonNullable<typeof http>, claimed as NonNullable<typeof claimed>);
    clock = new Date(clock.getTime() + 11 * MINUTE);
    await deliver();
    const requests = sms.requests.filter((r) => r.to === '+8613600000003');
    expect(requests).toHaveLength(2);
    expect(requests[0]?.idempotencyKey).toBe(requests[1]?.idempotencyKey);
    expect(requests.map((r) => r.outcome)).toEqual(['accepted', 'replayed']);
    expect(deliveredTo('+8613600000003')).toHaveLength(1);
    expect((await messagesOf(c.id))[0]).toMatchObject({ status: 'sent', attempts: 2 });
  }, SLOW);

  it('does not repeat a send whose answer was lost, on a provider without idempotency (Tencent)', async () => {
    const c = await newCase({ phone: '13600000004' });
    const tencent = createTencentSmsTransport({
      secretId: 'AKIDtest', secretKey: 'tencent-secret', signName: '拉萨12345', sdkAppId: '1400000000', region: 'ap-guangzhou',
      endpoint: `${sms.url}/tencent/`, templates: { registered: '100001' }, timeoutMs: 300,
    });
    sms.failNext(1, 'accept_then_hang');
    await deliver({ sms: tencent });
    expect((await messagesOf(c.id))[0]).toMatchObject({ status: 'unknown', last_error: expect.stringContaining('no answer') });
    clock = new Date(clock.getTime() + 60 * MINUTE);
    await deliver({ sms: tencent });
    expect(sms.requests.filter((r) => r.to === '+8613600000004')).toHaveLength(1);
  }, SLOW);

  it('lets two workers share the queue without sending anything twice', async () => {
    const phones = ['13600000011', '13600000012', '13600000013', '13600000014', '13600000015', '13600000016'];
    for (const phone of phones) await newCase({ phone });
    await Promise.all([deliver(), deliver(), deliver()]);
    for (const phone of phones) expect(sms.requests.filter((r) => r.to === `+86${phone}`), phone).toHaveLength(1);
  }, SLOW);
});

describe('quiet hours and opt-out', () => {
  it('holds SMS overnight until 08:00 in Lhasa while e-mail goes at once', async () => {
    clock = new Date('2026-11-23T15:30:00Z'); // 23:30 in Lhasa
    const c = await newCase({ phone: '13600000021', email: 'night@example.com' });
    await deliver();
    expect(smtp.mails.filter((m) => m.to.includes('night@example.com'))).toHaveLength(1);
    expect(sms.requests.filter((r) => r.to === '+8613600000021')).toHaveLength(0);
    const sms1 = (await messagesOf(c.id)).find((m) => m.channel === 'sms');
    expect(sms1?.not_before).toEqual(new Date('2026-11-24T08:00:00+08:00'));
    clock = new Date('2026-11-24T07:59:00+08:00');
    await deliver();
    expect(sms.requests.filter((r) => r.to === '+8613600000021')).toHaveLength(0);
    clock = new Date('2026-11-24T08:00:00+08:00');
    await deliver();
    expect(deliveredTo('+8613600000021')).toHaveLength(1);
  }, SLOW);

  it('stops SMS when the requester opts out on the tracking page, including a message already waiting', async () => {
    clock = new Date('2026-11-24T13:00:00+08:00');
    const c = await newCase({ phone: '13600000031', email: 'optout@example.com' });
    await deliver();
    clock = new Date('2026-11-24T22:00:00+08:00');
    expect((await call('dispatcher', 'POST', `/api/v1/cases/${c.id}/dispatch`, { unitId: hrssId })).statusCode).toBe(200);
    await t.runBackground(); // the dispatch SMS waits for the morning

    const wrong = await call(null, 'POST', `/api/v1/public/cases/${c.trackingNo}/notification-preferences`, { accessCode: '00000000', smsOptOut: true });
    expect(wrong.statusCode).toBe(404);
    const res = await call(null, 'POST', `/api/v1/public/cases/${c.trackingNo}/notification-preferences`, { accessCode: c.accessCode, smsOptOut: true });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ smsOptOut: true, emailOptOut: false });

    clock = new Date('2026-11-25T09:00:00+08:00');
    await deliver();
    const rows = await messagesOf(c.id);
    expect(rows.map((m) => [m.kind, m.channel, m.status])).toEqual([
      ['registered', 'sms', 'sent'], ['registered', 'email', 'sent'], ['dispatched', 'sms', 'cancelled'], ['dispatched', 'email', 'sent'],
    ]);
    expect(deliveredTo('+8613600000031')).toHaveLength(1);

    // Staff record an opt-out said on the phone; later steps queue nothing on that channel.
    const staff = await call('agent', 'PUT', `/api/v1/cases/${c.id}/notification-preferences`, { emailOptOut: true });
    expect(staff.json()).toEqual({ smsOptOut: true, emailOptOut: true });
    expect((await call('agent', 'GET', `/api/v1/cases/${c.id}/notification-preferences`)).json()).toEqual({ smsOptOut: true, emailOptOut: true });
    expect((await call('handler_city', 'GET', `/api/v1/cases/${c.id}/notification-preferences`)).statusCode).toBe(404);
    expect((await call('handler', 'POST', `/api/v1/cases/${c.id}/accept`, {})).statusCode).toBe(200);
    expect((await call('handler', 'POST', `/api/v1/cases/${c.id}/reply`, { text: '已处理', outcome: 'resolved' })).statusCode).toBe(200);
    await t.runBackground();
    await deliver();
    expect((await messagesOf(c.id)).filter((m) => m.kind === 'replied').map((m) => m.status)).toEqual(['cancelled', 'cancelled']);
    expect(smtp.mails.filter((m) => m.to.includes('optout@example.com'))).toHaveLength(2);
  }, SLOW);
});

describe('an opt-out while a message is in flight', () => {
  it('does not send it again later: a dead worker\'s claim that comes back to the queue is cancelled instead', async () => {
    clock = new Date('2026-11-26T10:00:00+08:00');
    const c = await newCase({ phone: '13600000041' });
    // A worker claims the registration SMS and dies before sending it.
    const claimed = await claimNextMessage(t.database.db, { now: clock, channels: ['sms'] });
    expect(claimed?.caseId).toBe(c.id);
    // The requester opts out meanwhile: the message is in flight, not queued, so the opt-out cannot cancel it.
    const res = await call(null, 'POST', `/api/v1/public/cases/${c.trackingNo}/notification-preferences`, { accessCode: c.accessCode, smsOptOut: true });
    expect(res.statusCode, res.body).toBe(200);
    expect((await messagesOf(c.id))[0]).toMatchObject({ status: 'sending' });

    // After the lease the claim is recovered (this provider deduplicates, so it would be sent again)…
    clock = new Date(clock.getTime() + 11 * MINUTE);
    await deliver();
    // …but the requester said no: it is cancelled, with the access code and the number taken out.
    const [m] = await messagesOf(c.id);
    expect(m).toMatchObject({ status: 'cancelled', last_error: 'opted_out' });
    expect(m?.body).not.toContain(c.accessCode);
    const row = await t.database.db.selectFrom('notification_messages').select(['recipient', 'claim_token']).where('id', '=', claimed?.id ?? '').executeTakeFirstOrThrow();
    expect(row).toEqual({ recipient: null, claim_token: null });
    expect(sms.requests.filter((r) => r.to === '+8613600000041')).toHaveLength(0);
  }, SLOW);
});

describe('the Chinese cloud providers\' request formats', () => {
  it('sends Aliyun SendSms with a valid signature and the template variables', async () => {
    clock = new Date('2026-11-25T10:00:00+08:00');
    const c = await newCase({ phone: '13600000041' });
    const aliyun = createAliyunSmsTransport({
      accessKeyId: 'LTAItest', accessKeySecret: 'aliyun-secret', signName: '拉萨12345', region: 'cn-hangzhou',
      endpoint: `${sms.url}/aliyun/`, templates: { registered: 'SMS_100001' }, timeoutMs: 2000,
    });
    await deliver({ sms: aliyun });
    const [request] = sms.requests.filter((r) => r.format === 'aliyun' && r.to === '13600000041');
    expect(request?.isSignatureValid).toBe(true);
    expect(request?.params).toEqual({ trackingNo: c.trackingNo, accessCode: c.accessCode });
    const form = new URLSearchParams(request?.rawBody);
    expect(Object.fromEntries([...form.entries()].filter(([k]) => ['Action', 'Version', 'SignName', 'TemplateCode', 'SignatureMethod', 'Format'].includes(k)))).toEqual({
      Action: 'SendSms', Version: '2017-05-25', SignName: '拉萨12345', TemplateCode: 'SMS_100001', SignatureMethod: 'HMAC-SHA1', Format: 'JSON',
    });
    const [m] = await t.database.db.selectFrom('notification_messages').select(['status', 'provider', 'provider_message_id']).where('case_id', '=', c.id).execute();
    expect(m).toMatchObject({ status: 'sent', provider: 'aliyun', provider_message_id: expect.stringMatching(/^biz-/) });
  }, SLOW);

  it('sends Tencent SendSms with a valid TC3 signature and positional variables, Tibetan template when configured', async () => {
    const res = await call(null, 'POST', '/api/v1/public/cases', { kind: 'help', title: 'ཞུ་གཏུག', description: 'ཚོད་ལྟ།', requester: { phone: '13600000042', language: 'bo' } });
    const { trackingNo, accessCode } = res.json() as { trackingNo: string; accessCode: string };
    const id = (await t.database.db.selectFrom('cases').select('id').where('tracking_no', '=', trackingNo).executeTakeFirstOrThrow()).id;
    await stashAccessCode(t.database.db, { caseId: id, accessCode });
    await t.runBackground();
    const tencent = createTencentSmsTransport({
      secretId: 'AKIDtest', secretKey: 'tencent-secret', signName: '拉萨12345', sdkAppId: '1400000000', region: 'ap-guangzhou',
      endpoint: `${sms.url}/tencent/`, templates: { registered: '100001', 'registered.bo': '100002' }, timeoutMs: 2000,
    });
    await deliver({ sms: tencent });
    const [request] = sms.requests.filter((r) => r.format === 'tencent' && r.to === '+8613600000042');
    expect(request?.isSignatureValid).toBe(true);
    expect(request?.headers['x-tc-action']).toBe('SendSms');
    expect(request?.headers['x-tc-version']).toBe('2021-01-11');
    expect(JSON.parse(request?.rawBody ?? '{}')).toMatchObject({ SmsSdkAppId: '1400000000', SignName: '拉萨12345', TemplateId: '100002', TemplateParamSet: [trackingNo, accessCode] });
    const [m] = await t.database.db.selectFrom('notification_messages').select(['status', 'provider_message_id']).where('case_id', '=', id).execute();
    expect(m).toMatchObject({ status: 'sent', provider_message_id: expect.stringMatching(/^serial-/) });
  }, SLOW);

  it('refuses a message a provider has no template for, rather than sending the wrong one', async () => {
    const c = await newCase({ phone: '13600000043' });
    const aliyun = createAliyunSmsTransport({
      accessKeyId: 'LTAItest', accessKeySecret: 'aliyun-secret', signName: '拉萨12345', region: 'cn-hangzhou',
      endpoint: `${sms.url}/aliyun/`, templates: { replied: 'SMS_100004' }, timeoutMs: 2000,
    });
    await deliver({ sms: aliyun });
    expect((await messagesOf(c.id))[0]).toMatchObject({ status: 'failed', last_error: 'no Aliyun template configured for registered' });
  }, SLOW);
});

describe('anonymisation', () => {
  it('keeps that a message was sent and forgets what it said and to whom', async () => {
    const c = await newCase({ phone: '13600000051', email: 'forget@example.com' });
    await deliver({ email: null });
    await anonymiseCaseNotifications(t.database.db, c.id, clock);
    const rows = await t.database.db.selectFrom('notification_messages').select(['channel', 'status', 'recipient', 'recipient_masked', 'body', 'subject']).where('case_id', '=', c.id).orderBy('channel', 'desc').execute();
    expect(rows).toEqual([
      { channel: 'sms', status: 'sent', recipient: null, recipient_masked: '***', body: '', subject: null },
      { channel: 'email', status: 'cancelled', recipient: null, recipient_masked: '***', body: '', subject: null },
    ]);
  }, SLOW);
});

describe('opt-out in one transaction', () => {
  const waitingRegistration = async (caseId: string) =>
    t.database.db
      .selectFrom('notification_messages')
      .select(['status', 'last_error', 'recipient', 'body', 'params'])
      .where('case_id', '=', caseId)
      .where('kind', '=', 'registered')
      .where('channel', '=', 'sms')
      .executeTakeFirstOrThrow();
  const requesterOf = async (caseId: string) =>
    (await t.database.db.selectFrom('cases').select('requester_id').where('id', '=', caseId).executeTakeFirstOrThrow()).requester_id ?? '';

  it('cancels the waiting registration SMS and takes its access code out in the same call', async () => {
    clock = new Date('2026-11-25T23:00:00+08:00'); // quiet hours: the SMS waits for the morning
    const c = await newCase({ phone: '13600000061' });
    const before = await waitingRegistration(c.id);
    expect(before).toMatchObject({ status: 'queued', params: expect.objectContaining({ accessCode: c.accessCode }) });
    expect(before.body).toContain(c.accessCode);

    const res = await call(null, 'POST', `/api/v1/public/cases/${c.trackingNo}/notification-preferences`, { accessCode: c.accessCode, smsOptOut: true });
    expect(res.statusCode, res.body).toBe(200);
    // No delivery run in between: the answer itself has cancelled and redacted the message.
    const after = await waitingRegistration(c.id);
    expect(after).toMatchObject({ status: 'cancelled', last_error: 'opted_out', recipient: null });
    expect(after.body).not.toContain(c.accessCode);
    expect(after.params).not.toHaveProperty('accessCode');

    clock = new Date('2026-11-26T08:30:00+08:00');
    await deliver();
    expect(sms.requests.filter((r) => r.to === '+8613600000061')).toHaveLength(0);
  }, SLOW);

  it('stores no opt-out when its queued messages cannot be cancelled', async () => {
    clock = new Date('2026-11-26T23:00:00+08:00');
    const c = await newCase({ phone: '13600000062' });
    const requesterId = await requesterOf(c.id);
    expect((await waitingRegistration(c.id)).status).toBe('queued');
    // The cancel statement fails for this requester only, after the preference has been written.
    await sql`CREATE FUNCTION test_refuse_cancel() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'test: cancel refused'; END $$`.execute(t.database.db);
    await sql`CREATE TRIGGER test_refuse_cancel BEFORE UPDATE ON notification_messages FOR EACH ROW
      WHEN (NEW.status = 'cancelled' AND OLD.status = 'queued' AND NEW.requester_id = ${sql.lit(requesterId)}::uuid)
      EXECUTE FUNCTION test_refuse_cancel()`.execute(t.database.db);
    try {
      const res = await call('agent', 'PUT', `/api/v1/cases/${c.id}/notification-preferences`, { smsOptOut: true });
      expect(res.statusCode, res.body).toBe(500);
    } finally {
      await sql`DROP TRIGGER test_refuse_cancel ON notification_messages`.execute(t.database.db);
      await sql`DROP FUNCTION test_refuse_cancel()`.execute(t.database.db);
    }
    const stored = await t.database.db.selectFrom('notification_preferences').select('is_sms_opted_out').where('requester_id', '=', requesterId).executeTakeFirst();
    expect(stored).toBeUndefined();
    expect((await call('agent', 'GET', `/api/v1/cases/${c.id}/notification-preferences`)).json()).toEqual({ smsOptOut: false, emailOptOut: false });
    expect(await waitingRegistration(c.id)).toMatchObject({ status: 'queued', params: expect.objectContaining({ accessCode: c.accessCode }) });

    // Once the failure is gone the same request goes through whole.
    const again = await call('agent', 'PUT', `/api/v1/cases/${c.id}/notification-preferences`, { smsOptOut: true });
    expect(again.json()).toEqual({ smsOptOut: true, emailOptOut: false });
    expect(await waitingRegistration(c.id)).toMatchObject({ status: 'cancelled', last_error: 'opted_out' });
  }, SLOW);

  it('keeps both channels when two opt-outs of one requester come at once', async () => {
    clock = new Date('2026-11-27T10:00:00+08:00');
    const c = await newCase({ phone: '13600000063', email: 'both@example.com' });
    const [bySms, byEmail] = await Promise.all([
      call(null, 'POST', `/api/v1/public/cases/${c.trackingNo}/notification-preferences`, { accessCode: c.accessCode, smsOptOut: true }),
      call('agent', 'PUT', `/api/v1/cases/${c.id}/notification-preferences`, { emailOptOut: true }),
    ]);
    expect([bySms.statusCode, byEmail.statusCode]).toEqual([200, 200]);
    expect((await call('agent', 'GET', `/api/v1/cases/${c.id}/notification-preferences`)).json()).toEqual({ smsOptOut: true, emailOptOut: true });
  }, SLOW);
});
