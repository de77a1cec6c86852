import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stashAccessCode } from '../../src/db/notifications.repository.js';
import { notificationsDelivery } from '../../src/jobs/notifications.consumers.js';
import { startFakeSmsServer, type FakeSmsServer } from '../helpers/fake-sms-server.js';
import { areaOf, fillPath, loadRouteCatalog, pathParamNames } from '../helpers/route-catalog.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Identity protection (举报人保护) beyond the case page: the paths a review found could still tell the handling
 * unit who made a protected report. The message log and its provider errors, the requester's notification
 * preferences, merging with the same person's other case, and the "same requester" look-up at intake.
 */

let t: TestApp;
let sms: FakeSmsServer;
let smtp: SMTPServer;
const units = new Map<string, string>();
const categories = new Map<string, string>();
const clock = new Date('2026-11-23T02:00:00Z'); // 10:00 in Lhasa: no quiet hours

const NAME = '格桑旺堆';
const PHONE = '13907771234';
/** This mailbox is refused by the mail server, which echoes the address as Postfix does. */
const REFUSED_EMAIL = 'gesang.wangdui@example.org';

type Detail = {
  id: string;
  trackingNo: string;
  accessCode?: string;
  requester: { phone: string | null } | null;
  identityProtection: { isProtected: boolean; isWithheld: boolean; canProtect: boolean };
  events: { code: string; isInternal: boolean; data: Record<string, unknown> }[];
};

beforeAll(async () => {
  sms = await startFakeSmsServer();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    disableReverseLookup: true,
    logger: false,
    onRcptTo: (address, _session, callback) => {
      if (address.address !== REFUSED_EMAIL) return callback();
      const error = new Error(`5.1.1 <${address.address}>: Recipient address rejected: User unknown`) as Error & { responseCode: number };
      error.responseCode = 550;
      return callback(error);
    },
    onData: (stream, _session, callback) => {
      stream.resume();
      stream.on('end', () => callback());
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    BIHUAN_SMS_PROVIDER: 'http',
    BIHUAN_SMS_HTTP_URL: `${sms.url}/sms`,
    BIHUAN_SMS_HTTP_TOKEN: 'test-token',
    BIHUAN_SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
    BIHUAN_MAIL_FROM: 'Bihuan 12345 <noreply@bihuan.test>',
    BIHUAN_PUBLIC_TRACKING_URL: 'https://bihuan.test/track',
  });
  t = await createTestApp({ now: () => clock });
  for (const u of ((await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] }).items) units.set(u.code, u.id);
  for (const c of ((await t.call(null, 'GET', '/api/v1/categories')).json() as { items: { id: string; code: string }[] }).items) categories.set(c.code, c.id);
});

afterAll(async () => {
  await t?.close();
  await sms?.close();
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

const act = async (user: string, id: string, action: string, body: unknown = {}): Promise<Detail> => {
  const res = await t.call(user, 'POST', `/api/v1/cases/${id}/${action}`, body);
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
  return res.json() as Detail;
};
const view = async (user: string, id: string): Promise<Detail> => (await t.call(user, 'GET', `/api/v1/cases/${id}`)).json() as Detail;

/** Registered by the agent (the region), dispatched to hrss, accepted by its handler. */
const handled = async (body: Record<string, unknown>): Promise<Detail> => {
  const res = await t.call('agent', 'POST', '/api/v1/cases', {
    channel: 'phone', kind: 'report', title: '举报劳动监察人员收受好处', description: '监察大队有人收了包工头的钱，对欠薪不管。',
    categoryId: categories.get('wage_arrears'), requester: { name: NAME, phone: PHONE }, ...body,
  });
  expect(res.statusCode, res.body).toBe(201);
  const c = res.json() as Detail;
  await stashAccessCode(t.database.db, { caseId: c.id, accessCode: c.accessCode ?? '' });
  await act('dispatcher', c.id, 'dispatch', { unitId: units.get('hrss') });
  await act('handler', c.id, 'accept');
  return c;
};

/** Lets the consumers queue the messages and the delivery job send them. */
const deliver = async () => {
  await t.runBackground();
  await notificationsDelivery.run(t.database.db, clock);
  await t.runBackground();
};

type Message = { recipient: string; channel: string; lastError: string | null };
const messagesAs = async (user: string, id: string): Promise<Message[]> => {
  const res = await t.call(user, 'GET', `/api/v1/cases/${id}/notifications`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: Message[] }).items;
};

describe('the messages to a protected requester', () => {
  it('show the handling unit no address, not even masked; the intake unit sees them masked as before', async () => {
    const report = await handled({ requester: { name: NAME, phone: PHONE, email: 'gesang@example.org' } });
    await deliver();
    const forAgent = await messagesAs('agent', report.id);
    expect(forAgent.map((m) => m.recipient)).toEqual(expect.arrayContaining(['139****1234', 'g***@example.org']));
    const forHandler = await messagesAs('handler', report.id);
    expect(forHandler.length).toBe(forAgent.length);
    expect(new Set(forHandler.map((m) => m.recipient))).toEqual(new Set(['***']));

    // An unprotected case's log is shown to the handling unit masked, as before.
    const complaint = await handled({ kind: 'complaint', title: '拖欠工资', description: '工地拖欠工资。', requester: { phone: '13907770000' } });
    await deliver();
    expect((await messagesAs('handler', complaint.id)).map((m) => m.recipient)).toContain('139****0000');
  });

  it('keep a mail server\'s refusal from repeating the address in the log', async () => {
    const report = await handled({ requester: { name: NAME, email: REFUSED_EMAIL } });
    await deliver();
    const errors = (await messagesAs('agent', report.id)).map((m) => m.lastError ?? '').join('\n');
    expect(errors).toMatch(/Recipient address rejected/);
    expect(errors).not.toContain('example.org');
  });

  it('cannot be silenced or looked at by the handling unit through the notification preferences', async () => {
    const report = await handled({});
    for (const method of ['GET', 'PUT'] as const) {
      const res = await t.call('handler', method, `/api/v1/cases/${report.id}/notification-preferences`, method === 'PUT' ? { smsOptOut: true } : undefined);
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json()).toMatchObject({ error: { code: 'case.identity_protected' } });
    }
    // An anonymous report answers alike: the refusal does not tell whether anyone left a name.
    const anonymous = await handled({ requester: undefined });
    expect((await t.call('handler', 'GET', `/api/v1/cases/${anonymous.id}/notification-preferences`)).statusCode).toBe(403);
    // The intake desk may still record the requester's wish.
    const byAgent = await t.call('agent', 'PUT', `/api/v1/cases/${report.id}/notification-preferences`, { smsOptOut: true });
    expect(byAgent.statusCode, byAgent.body).toBe(200);
    expect(byAgent.json()).toMatchObject({ smsOptOut: true });
  });
});

describe('files the requester sends', () => {
  it('on a protected case keep no name of the requester\'s choosing; elsewhere the name is kept', async () => {
    const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');
    const send = (c: Detail) =>
      t.app.inject({
        method: 'POST', url: `/api/v1/public/cases/${c.trackingNo}/attachments?name=${encodeURIComponent(`${NAME}工资条.pdf`)}`,
        headers: { 'content-type': 'application/octet-stream', 'x-access-code': c.accessCode ?? '' }, payload: PDF,
      });
    const report = await handled({});
    const complaint = await handled({ kind: 'complaint', title: '欠薪附件', description: '附上工资条。' });
    for (const c of [report, complaint]) expect((await send(c)).statusCode).toBe(201);
    const namesAs = async (user: string, id: string) =>
      ((await t.call(user, 'GET', `/api/v1/cases/${id}/attachments`)).json() as { items: { fileName: string }[] }).items.map((i) => i.fileName);
    expect(await namesAs('handler', report.id)).toEqual(['file.pdf']);
    const timeline = JSON.stringify((await view('handler', report.id)).events);
    expect(timeline).not.toContain(NAME);
    expect(await namesAs('handler', complaint.id)).toEqual([`${NAME}工资条.pdf`]);
  });
});

describe('merging and protection', () => {
  it('a merge protects both cases when either is protected, so neither names the other\'s author', async () => {
    const complaint = await handled({ kind: 'complaint', title: '工地欠薪', description: '包工头欠薪三个月，监察大队不管。' });
    expect((await view('handler', complaint.id)).requester).not.toBeNull();
    const report = await handled({ title: '举报监察人员不作为', description: '包工头欠薪三个月，监察大队收钱不管。' });
    await act('dispatcher', report.id, 'merge', { masterId: complaint.id });

    const master = await view('handler', complaint.id);
    expect(master.identityProtection).toMatchObject({ isProtected: true, isWithheld: true });
    expect(master.requester).toBeNull();
    expect((await t.call('handler', 'GET', `/api/v1/cases/${complaint.id}/requester`)).statusCode).toBe(403);
    const protectedEvent = master.events.find((e) => e.code === 'case.identity_protected');
    expect(protectedEvent).toMatchObject({ isInternal: true, data: { reason: 'merge' } });

    // The other way round too: an unprotected case merged into a protected one is protected with it.
    const report2 = await handled({ title: '举报二', description: '监察人员收钱不办事。' });
    const complaint2 = await handled({ kind: 'complaint', title: '欠薪二', description: '又一处工地欠薪。' });
    const merged = await act('dispatcher', complaint2.id, 'merge', { masterId: report2.id });
    expect(merged.identityProtection.isProtected).toBe(true);
    expect((await view('handler', complaint2.id)).requester).toBeNull();
  });
});

describe('"same requester" at intake', () => {
  it('a handling unit typing a phone number at intake is not shown the protected reports of that number', async () => {
    const report = await handled({ requester: { name: NAME, phone: '13907778888' } });
    await t.runBackground();
    await t.call('admin', 'PUT', '/api/v1/duplicates/settings', { minScore: 0.15 });
    try {
      const check = async (user: string) => {
        const res = await t.call(user, 'POST', '/api/v1/duplicates/check', { title: '咨询', description: '想问问别的事情。', requester: { phone: '13907778888' } });
        expect(res.statusCode, res.body).toBe(200);
        return (res.json() as { items: { id: string }[] }).items.map((i) => i.id);
      };
      expect(await check('agent')).toContain(report.id);
      expect(await check('handler')).not.toContain(report.id);
    } finally {
      await t.call('admin', 'PUT', '/api/v1/duplicates/settings', { minScore: 0.4 });
    }
  });
});

describe('every staff page the handling unit can read', () => {
  it('names no protected requester: every GET route of the API, with the case\'s id where it takes one', async () => {
    const email = 'gesang.sweep@example.org';
    const report = await handled({ requester: { name: NAME, phone: PHONE, email } });
    const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');
    const sent = await t.app.inject({
      method: 'POST', url: `/api/v1/public/cases/${report.trackingNo}/attachments?name=${encodeURIComponent(`${NAME}.pdf`)}`,
      headers: { 'content-type': 'application/octet-stream', 'x-access-code': report.accessCode ?? '' }, payload: PDF,
    });
    expect(sent.statusCode).toBe(201);
    await deliver();
    // What would name them: the name, the number whole or masked as lists mask it, the address whole or masked.
    const traces = [NAME, PHONE, '139****1234', email, 'g***@example.org'];
    const tracesIn = (body: string) => traces.filter((trace) => body.includes(trace));

    // The traces are there to be found: the intake desk's page shows the masked ones.
    expect(tracesIn((await t.call('agent', 'GET', `/api/v1/cases/${report.id}`)).body)).toContain('139****1234');

    const catalogue = await loadRouteCatalog(t.app);
    const swept: string[] = [];
    const leaks: string[] = [];
    const token = await t.tokenOf('handler');
    const sweep = async (url: string) => {
      const res = await t.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
      swept.push(`${res.statusCode} ${url}`);
      const found = tracesIn(res.body);
      if (found.length > 0) leaks.push(`${url}: ${found.join(', ')}`);
    };
    for (const route of catalogue) {
      if (route.method !== 'GET' || areaOf(route) !== 'api' || route.url.includes('/public/')) continue;
      const params = pathParamNames(route.url);
      if (params.some((p) => p !== 'id')) continue;
      await sweep(fillPath(route.url, { id: report.id }));
    }
    // The look-ups that take the requester's details as their question.
    for (const q of [NAME, PHONE, report.trackingNo]) {
      await sweep(`/api/v1/search/cases?q=${encodeURIComponent(q)}`);
      await sweep(`/api/v1/cases?q=${encodeURIComponent(q)}`);
    }
    await sweep(`/api/v1/cases/export?format=csv&q=${report.trackingNo}`);
    expect(leaks).toEqual([]);
    // The sweep means something only if the pages about the case answered (not a 403 or 404 for all of them).
    const answered = new Set(swept.filter((line) => line.startsWith('200 ')).map((line) => line.slice(4)));
    for (const page of ['', '/attachments', '/duplicates', '/links', '/notifications', '/sla', '/suggestions']) {
      expect(answered, page).toContain(`/api/v1/cases/${report.id}${page}`);
    }
    expect(answered.size).toBeGreaterThan(25);
  });
});
