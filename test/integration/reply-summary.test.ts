import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshAllOpenData } from '../../src/db/open-data.repository.js';
import { anonymiseCase } from '../../src/db/privacy.repository.js';
import { issueApiKey } from '../../src/db/open311-keys.js';
import { seedOpen311Demo } from '../../src/db/open311-seed.js';
import { MESSAGE_CHANNELS } from '../../src/core/notifications/notification.types.js';
import { renderRequesterMessage } from '../../src/core/notifications/message-templates.js';
import { planRequesterMessage } from '../../src/core/notifications/requester-messages.js';
import { webhookPayloadOf } from '../../src/core/open311/webhook.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Issue 7: a reply's internal summary is for staff. It is stored and shown on the staff case page, and it
 * reaches none of the public outputs: the tracking page, Open311 (every GET, both formats, with and without
 * the partner's key), open data (list, exports, search), the messages sent to the requester, Open311 webhooks.
 */

// Distinctive markers: any public body containing one of them leaked the summary.
const SUMMARY_MARK = 'INTERNAL-7f3c';
const SUMMARY = `${SUMMARY_MARK} 单位负责人已约谈施工方，电话 13908912345 由承办人回访。`;
const INTAKE_MARK = 'INTAKE-SUMMARY-91ad';
const PHONE = '13908912345';

type Submitted = { trackingNo: string; accessCode: string };
type StaffCase = {
  id: string;
  status: string;
  reply: { text: string; outcome: string } | null;
  replyInternalSummary: string | null;
  events: { code: string; isInternal: boolean; data: Record<string, unknown> }[];
};

let t: TestApp;
let partnerKey = '';
let cityman = '';
let noise = '';
let web: Submitted;
let webId = '';
let intakeCase: Submitted;

const V2 = '/open311/v2';

const idOf = async (trackingNo: string): Promise<string> =>
  (await t.database.db.selectFrom('cases').select('id').where('tracking_no', '=', trackingNo).executeTakeFirstOrThrow()).id;

const act = async (user: string, id: string, action: string, body: unknown) => {
  const res = await t.call(user, 'POST', `/api/v1/cases/${id}/${action}`, body);
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
  return res.json() as StaffCase;
};

const staffView = async (id: string, user = 'dispatcher'): Promise<StaffCase> => {
  const res = await t.call(user, 'GET', `/api/v1/cases/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as StaffCase;
};

const expectNoSummary = (where: string, body: string) => {
  expect(body.includes(SUMMARY_MARK), `${where} contains the internal summary`).toBe(false);
  expect(body.includes(INTAKE_MARK), `${where} contains the intake summary`).toBe(false);
};

beforeAll(async () => {
  t = await createTestApp();
  await seedOpen311Demo(t.database.db);
  const units = await t.database.db.selectFrom('units').select(['id', 'code']).execute();
  cityman = units.find((u) => u.code === 'cityman')?.id as string;
  const lhasa = units.find((u) => u.code === 'lhasa')?.id as string;
  noise = (await t.database.db.selectFrom('categories').select('id').where('code', '=', 'noise').executeTakeFirstOrThrow()).id;
  partnerKey = (
    await issueApiKey(t.database.db, {
      name: 'Reply partner', intakeUnitId: lhasa, serviceCodes: null, rateLimitPerMinute: 10_000, webhookUrl: null, webhookEvents: null, createdBy: null, at: new Date(),
    })
  ).key;

  // A public report in a public category (so it reaches Open311 and open data), replied with a summary.
  const res = await t.call(null, 'POST', '/api/v1/public/cases', {
    kind: 'report', title: '夜间施工噪音', description: '楼下工地每晚施工到凌晨。', categoryId: noise, requester: { phone: PHONE },
  });
  expect(res.statusCode, res.body).toBe(201);
  web = res.json() as Submitted;
  webId = await idOf(web.trackingNo);
  await act('dispatcher', webId, 'dispatch', { unitId: cityman });
  await act('handler_city', webId, 'accept', {});
  await act('handler_city', webId, 'reply', { text: '工地已停止夜间施工。', outcome: 'resolved', internalSummary: `  ${SUMMARY}  ` });

  // Resolved on intake, with its own summary.
  const staff = await t.call('agent', 'POST', '/api/v1/cases', {
    channel: 'phone', kind: 'report', title: '噪音咨询', description: '询问夜间施工的规定。', categoryId: noise, requester: { phone: PHONE, email: 'reply.summary@example.cn' },
  });
  expect(staff.statusCode, staff.body).toBe(201);
  intakeCase = staff.json() as Submitted;
  await act('agent', await idOf(intakeCase.trackingNo), 'resolve-on-intake', { text: '已电话解释夜间施工的规定。', internalSummary: `${INTAKE_MARK} 来电人情绪激动` });

  await t.runBackground();
  await refreshAllOpenData(t.database.db, new Date());
});

afterAll(async () => {
  await t.close();
});

describe('reply with an internal summary', () => {
  it('is stored (trimmed) and shown to staff on the case and in the reply event', async () => {
    const row = await t.database.db.selectFrom('cases').select(['reply_text', 'reply_internal_summary']).where('id', '=', webId).executeTakeFirstOrThrow();
    expect(row).toEqual({ reply_text: '工地已停止夜间施工。', reply_internal_summary: SUMMARY });
    const view = await staffView(webId);
    expect(view.status).toBe('replied');
    expect(view.reply).toMatchObject({ text: '工地已停止夜间施工。', outcome: 'resolved' });
    expect(view.replyInternalSummary).toBe(SUMMARY);
    const replied = view.events.find((e) => e.code === 'case.replied');
    expect(replied?.data).toMatchObject({ text: '工地已停止夜间施工。', internalSummary: SUMMARY });
    // The handler who wrote it sees it too.
    expect((await staffView(webId, 'handler_city')).replyInternalSummary).toBe(SUMMARY);
  });

  it('resolve-on-intake takes one too', async () => {
    const view = await staffView(await idOf(intakeCase.trackingNo), 'agent');
    expect(view.status).toBe('replied');
    expect(view.replyInternalSummary).toBe(`${INTAKE_MARK} 来电人情绪激动`);
  });

  it('is optional: a reply without one stores null and its event has no such key', async () => {
    const res = await t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'help', title: '咨询', description: '询问办事时间。', categoryId: noise });
    expect(res.statusCode, res.body).toBe(201);
    const id = (res.json() as { id: string }).id;
    const view = await act('agent', id, 'resolve-on-intake', { text: '工作日九点到六点。', internalSummary: '   ' });
    expect(view.replyInternalSummary).toBeNull();
    expect(view.events.find((e) => e.code === 'case.resolved_on_intake')?.data).not.toHaveProperty('internalSummary');
  });
});

describe('it reaches no public output', () => {
  it('not the tracking page', async () => {
    const res = await t.call(null, 'GET', `/api/v1/public/cases/${web.trackingNo}?accessCode=${encodeURIComponent(web.accessCode)}`);
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as { reply: { text: string } | null }).reply?.text).toBe('工地已停止夜间施工。');
    expectNoSummary('tracking page', res.body);
    const intake = await t.call(null, 'GET', `/api/v1/public/cases/${intakeCase.trackingNo}?accessCode=${encodeURIComponent(intakeCase.accessCode)}`);
    expect(intake.statusCode, intake.body).toBe(200);
    expectNoSummary('tracking page (intake)', intake.body);
  });

  it('not Open311: requests, one request, updates, in JSON and XML, with and without the key', async () => {
    const urls: string[] = [];
    for (const f of ['json', 'xml']) {
      for (const q of ['', `?api_key=${encodeURIComponent(partnerKey)}`]) {
        const sep = q ? '&' : '?';
        urls.push(`requests.${f}${q}`, `requests.${f}${q}${sep}service_request_id=${web.trackingNo},${intakeCase.trackingNo}`, `servicerequestupdates.${f}${q}`);
        urls.push(`requests/${web.trackingNo}.${f}${q}`, `requests/${intakeCase.trackingNo}.${f}${q}`);
      }
    }
    let sawReply = false;
    for (const url of urls) {
      const res = await t.app.inject({ method: 'GET', url: `${V2}/${url}` });
      expect([200, 404], `${url}: ${res.body}`).toContain(res.statusCode);
      expectNoSummary(url, res.body);
      if (res.body.includes('工地已停止夜间施工')) sawReply = true;
    }
    // The feed does carry the public reply: the case is really in it, so the absence above means something.
    expect(sawReply).toBe(true);
  });

  it('not open data: list, exports, search', async () => {
    const list = await t.call(null, 'GET', '/api/v1/public/open-data/cases?pageSize=200');
    expect(list.statusCode, list.body).toBe(200);
    const items = (list.json() as { items: { id: string; reply: string | null }[] }).items;
    expect(items.some((i) => i.reply === '工地已停止夜间施工。'), list.body).toBe(true);
    expectNoSummary('open-data list', list.body);
    for (const url of ['/api/v1/public/open-data/cases.json', '/api/v1/public/open-data/cases.csv', `/api/v1/public/open-data/cases?q=${encodeURIComponent(SUMMARY_MARK)}`]) {
      const res = await t.call(null, 'GET', url);
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
      expectNoSummary(url, res.body);
    }
  });

  it('not the messages to the requester, nor the Open311 webhooks: the real reply events through their renderers', async () => {
    // Delivery needs an SMS gateway and SMTP (test/integration/notifications*.test.ts); what is sent is decided
    // by these pure functions from the stored event, which does carry the summary (for the staff timeline).
    const events = await t.database.db
      .selectFrom('work_item_events')
      .selectAll()
      .where('item_id', 'in', [webId, await idOf(intakeCase.trackingNo)])
      .where('code', 'in', ['case.replied', 'case.resolved_on_intake'])
      .execute();
    expect(events).toHaveLength(2);
    expect(JSON.stringify(events.map((e) => e.data))).toContain(SUMMARY_MARK);
    let rendered = 0;
    for (const e of events) {
      const planned = planRequesterMessage({ code: e.code, data: e.data }, 'web');
      expect(planned, e.code).not.toBeNull();
      if (!planned) continue;
      for (const channel of MESSAGE_CHANNELS) {
        for (const language of ['zh-Hans', 'bo', 'en'] as const) {
          const message = renderRequesterMessage(planned.kind, channel, language, { ...planned.facts, trackingNo: 'T1' });
          expectNoSummary(`${e.code} ${channel} ${language}`, JSON.stringify(message));
          if (channel === 'email') expect(message.body).toContain(String(e.data['text']));
          rendered += 1;
        }
      }
      const payload = webhookPayloadOf(
        { id: String(e.id), code: e.code, at: e.at, fromStatus: e.from_status, toStatus: e.to_status, isInternal: e.is_internal, data: e.data },
        { serviceRequestId: 'T1', token: 'tok', serviceCode: 'noise', events: null, caseOutcome: null },
        {},
      );
      expect(payload?.status_notes).toBe(String(e.data['text']));
      expectNoSummary(`webhook ${e.code}`, JSON.stringify(payload));
    }
    expect(rendered).toBeGreaterThan(0);
  });
});

describe('bad input and anonymisation', () => {
  it('a summary over 2000 characters: 400 validation.failed and nothing changed', async () => {
    const res = await t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'help', title: '咨询', description: '询问办事时间。', categoryId: noise });
    const id = (res.json() as { id: string }).id;
    const before = await t.database.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const eventsBefore = await t.database.db.selectFrom('work_item_events').select('id').where('item_id', '=', id).execute();
    const tooLong = await t.call('agent', 'POST', `/api/v1/cases/${id}/resolve-on-intake`, { text: '已解释。', internalSummary: '长'.repeat(2001) });
    expect(tooLong.statusCode, tooLong.body).toBe(400);
    expect((tooLong.json() as { error: { code: string } }).error.code).toBe('validation.failed');
    expect(tooLong.body).toContain('internalSummary');
    const tooLongReply = await t.call('handler_city', 'POST', `/api/v1/cases/${webId}/reply`, { text: '再次答复。', outcome: 'resolved', internalSummary: 'x'.repeat(2001) });
    expect(tooLongReply.statusCode, tooLongReply.body).toBe(400);
    expect((tooLongReply.json() as { error: { code: string } }).error.code).toBe('validation.failed');
    expect(await t.database.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow()).toEqual(before);
    expect(await t.database.db.selectFrom('work_item_events').select('id').where('item_id', '=', id).execute()).toEqual(eventsBefore);
    expect((await staffView(webId)).replyInternalSummary).toBe(SUMMARY);
    // Exactly the limit is accepted.
    const atLimit = await t.call('agent', 'POST', `/api/v1/cases/${id}/resolve-on-intake`, { text: '已解释。', internalSummary: '长'.repeat(2000) });
    expect(atLimit.statusCode, atLimit.body).toBe(200);
    expect((atLimit.json() as StaffCase).replyInternalSummary).toHaveLength(2000);
  });

  it('anonymisation scrubs the phone number out of the summary, on the case and in the event', async () => {
    await t.database.db.transaction().execute((trx) => anonymiseCase(trx, webId, new Date()));
    const row = await t.database.db.selectFrom('cases').select('reply_internal_summary').where('id', '=', webId).executeTakeFirstOrThrow();
    expect(row.reply_internal_summary).toContain(SUMMARY_MARK);
    expect(row.reply_internal_summary).not.toContain(PHONE);
    const events = await t.database.db.selectFrom('work_item_events').select('data').where('item_id', '=', webId).execute();
    expect(JSON.stringify(events)).not.toContain(PHONE);
  });
});
