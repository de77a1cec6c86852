import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationsDelivery } from '../../src/jobs/notifications.consumers.js';
import { stashAccessCode } from '../../src/db/notifications.repository.js';
import { startFakeSmsServer, type FakeSmsServer } from '../helpers/fake-sms-server.js';
import { startSmtpTestServer, type SmtpTestServer } from '../helpers/smtp-test-server.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

// Each test walks several steps through the API and the background loop: room for a busy machine.
const SLOW = 120_000;

// The whole loop through the API: every step the requester must hear about reaches the local SMS provider
// and the local SMTP server, in the requester's language.

let t: TestApp;
let sms: FakeSmsServer;
let smtp: SmtpTestServer;
let hrssId = '';
let wageCategoryId = '';
// 10:00 in Lhasa on a Monday: outside the quiet hours.
const clock = new Date('2026-11-23T02:00:00Z');

type CaseBody = { id: string; trackingNo: string; accessCode?: string; status: string; events: { code: string; isInternal: boolean; data: Record<string, unknown> }[] };

beforeAll(async () => {
  [sms, smtp] = await Promise.all([startFakeSmsServer(), startSmtpTestServer()]);
  Object.assign(process.env, {
    BIHUAN_SMS_PROVIDER: 'http',
    BIHUAN_SMS_HTTP_URL: `${sms.url}/sms`,
    BIHUAN_SMS_HTTP_TOKEN: 'test-token',
    BIHUAN_SMTP_URL: smtp.url,
    BIHUAN_MAIL_FROM: 'Bihuan 12345 <noreply@bihuan.test>',
    BIHUAN_PUBLIC_TRACKING_URL: 'https://bihuan.test/track',
    BIHUAN_NOTIFY_QUIET_HOURS: '21:00-08:00',
  });
  t = await createTestApp({ now: () => clock });
  const units = (await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] };
  hrssId = units.items.find((u) => u.code === 'hrss')?.id ?? '';
  const categories = (await t.call(null, 'GET', '/api/v1/categories')).json() as { items: { id: string; code: string }[] };
  wageCategoryId = categories.items.find((c) => c.code === 'wage_arrears')?.id ?? '';
});

afterAll(async () => {
  await t.close();
  await Promise.all([sms.close(), smtp.close()]);
});

/** What the server's background loop does: consumers queue, the delivery pass sends. */
const settle = async (): Promise<void> => {
  await t.runBackground();
  await notificationsDelivery.run(t.database.db, clock);
};

const act = async (user: string, id: string, action: string, body: unknown): Promise<CaseBody> => {
  const res = await t.call(user, 'POST', `/api/v1/cases/${id}/${action}`, body);
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
  return res.json() as CaseBody;
};

/** Registration with the access code handed to the notifier, as register-case.ts does once wired (no-op then). */
const register = async (body: Record<string, unknown>): Promise<CaseBody & { accessCode: string }> => {
  const res = await t.call('agent', 'POST', '/api/v1/cases', body);
  expect(res.statusCode, res.body).toBe(201);
  const c = res.json() as CaseBody & { accessCode: string };
  await stashAccessCode(t.database.db, { caseId: c.id, accessCode: c.accessCode });
  return c;
};

const smsTo = (phone: string) => sms.delivered().filter((r) => r.to === phone).map((r) => r.text ?? '');
const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));

describe('the requester hears about every step', () => {
  it('by SMS and e-mail, from registration to callback, through the API', async () => {
    const phone = '+8613800000001';
    const email = 'zhuoma@example.com';
    const c = await register({
      channel: 'phone', kind: 'complaint', title: '工地拖欠工资', description: '包工头拖欠三个月工资，共三万元。', categoryId: wageCategoryId,
      requester: { name: '卓玛', phone: '138-0000-0001', email, language: 'zh-Hans' },
    });
    await settle();
    // Registration: tracking number and access code, once per channel.
    expect(smsTo(phone)).toEqual([`您的诉求已受理，受理编号${c.trackingNo}，查询码${c.accessCode}，请妥善保存。查询进度：https://bihuan.test/track`]);
    expect(mailsTo(email)).toHaveLength(1);
    expect(mailsTo(email)[0]).toMatchObject({ subject: `诉求已受理（受理编号${c.trackingNo}）` });
    expect(mailsTo(email)[0]?.text).toContain(`查询码${c.accessCode}`);
    expect(sms.requests[0]?.headers.authorization).toBe('Bearer test-token');

    // Once sent, the code is nowhere in the database in clear, and the address is gone from the log.
    const rows = await t.database.db.selectFrom('notification_messages').select(['body', 'params', 'recipient', 'recipient_masked', 'status']).where('case_id', '=', c.id).execute();
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent']);
    for (const r of rows) {
      expect(r.body).not.toContain(c.accessCode);
      expect(r.body).toContain('********');
      expect(JSON.stringify(r.params)).not.toContain(c.accessCode);
      expect(r.recipient).toBeNull();
    }
    expect(rows.map((r) => r.recipient_masked).sort()).toEqual(['138****0001', 'z***@example.com']);
    // This case's code (the demo cases' own, registered at the real time, may still wait for a later clock).
    expect(await t.database.db.selectFrom('notification_access_codes').selectAll().where('case_id', '=', c.id).execute()).toEqual([]);

    await act('dispatcher', c.id, 'dispatch', { unitId: hrssId });
    await settle();
    expect(smsTo(phone).at(-1)).toMatch(new RegExp(`^您的诉求（受理编号${c.trackingNo}）已交市人力资源和社会保障局办理，将于\\d{4}年\\d+月\\d+日前答复您。$`));

    await act('handler', c.id, 'accept', {});
    await act('handler', c.id, 'request-extension', { days: 5, reason: '需要到工地现场核查' });
    await settle();
    expect(smsTo(phone)).toHaveLength(2); // acceptance and a pending request tell the requester nothing
    await act('supervisor', c.id, 'decide-extension', { isApproved: true });
    await settle();
    expect(smsTo(phone).at(-1)).toMatch(/办理期限延长5天，原因：需要到工地现场核查。新的答复期限为\d{4}年/);

    const replyText = '经现场核查，情况属实。我局已依据《保障农民工工资支付条例》责令总包单位支付全部工资三万元，已于11月25日发放到位。';
    await act('handler', c.id, 'reply', { text: replyText, outcome: 'resolved', amountRecoveredFen: 3_000_000 });
    await settle();
    // The reply, then the callback by SMS with its reply codes (docs/callbacks.md): two messages, in either order.
    expect(smsTo(phone).slice(-2)).toEqual(expect.arrayContaining([
      `您的诉求（受理编号${c.trackingNo}）已由市人力资源和社会保障局答复，办理结果：已解决。请凭查询码查看答复并评价：https://bihuan.test/track。`,
      `您的诉求（受理编号${c.trackingNo}）已答复。请回复数字评价：1满意，2基本满意，3不满意，4问题没有解决。`,
    ]));
    expect(mailsTo(email).at(-1)?.text).toContain(replyText);

    const done = await act('agent', c.id, 'callback', { resolved: 'no', satisfaction: 'dissatisfied', comment: '钱还没到手' });
    await settle();
    expect(smsTo(phone).at(-1)).toBe(`感谢您对诉求（受理编号${c.trackingNo}）办理情况的评价（不满意）。我们将督促承办单位重新办理。`);

    // Five steps, each once on each channel, plus the callback request by SMS (reply codes) after the reply.
    expect(smsTo(phone)).toHaveLength(6);
    expect(mailsTo(email).map((m) => m.subject)).toEqual([
      `诉求已受理（受理编号${c.trackingNo}）`, `诉求已交办（受理编号${c.trackingNo}）`, `办理期限延长（受理编号${c.trackingNo}）`,
      `诉求已答复（受理编号${c.trackingNo}）`, `回访结果（受理编号${c.trackingNo}）`,
    ]);
    expect(new Set(mailsTo(email).map((m) => m.messageId)).size).toBe(5);

    // Delivery is on the case timeline, internal, without the requester's number or address.
    const detail = (await t.call('admin', 'GET', `/api/v1/cases/${done.id}`)).json() as CaseBody;
    const delivery = detail.events.filter((e) => e.code.startsWith('notification.'));
    expect(delivery).toHaveLength(11);
    expect(delivery.every((e) => e.code === 'notification.sent' && e.isInternal)).toBe(true);
    expect(JSON.stringify(delivery)).not.toMatch(/13800000001|zhuoma|138\*/);
    expect(delivery[0]?.data).toMatchObject({ kind: 'registered', channel: 'sms', provider: 'http', attempts: 1 });

    // The public tracking page never shows them.
    const tracked = (await t.call(null, 'GET', `/api/v1/public/cases/${c.trackingNo}?accessCode=${c.accessCode}`)).json() as { timeline: { code: string }[] };
    expect(tracked.timeline.some((e) => e.code.startsWith('notification.'))).toBe(false);

    // Staff see the delivery log, masked.
    const log = (await t.call('dispatcher', 'GET', `/api/v1/cases/${c.id}/notifications`)).json() as { items: { kind: string; channel: string; status: string; recipient: string }[] };
    expect(log.items).toHaveLength(11);
    expect(log.items[0]).toMatchObject({ kind: 'registered', channel: 'sms', status: 'sent', recipient: '138****0001' });
  }, SLOW);

  it('in Tibetan when the requester chose Tibetan, also for the public form', async () => {
    const res = await t.call(null, 'POST', '/api/v1/public/cases', {
      kind: 'help', title: 'གླ་ཕོགས་འཕྲོ་ལུས།', description: 'ལས་ཀ་བྱས་ཀྱང་གླ་ཕོགས་མ་ཐོབ།', requester: { name: 'བཀྲ་ཤིས།', phone: '13900000002', language: 'bo' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { trackingNo, accessCode } = res.json() as { trackingNo: string; accessCode: string };
    const id = (await t.database.db.selectFrom('cases').select('id').where('tracking_no', '=', trackingNo).executeTakeFirstOrThrow()).id;
    await stashAccessCode(t.database.db, { caseId: id, accessCode });
    await settle();
    await act('dispatcher', id, 'dispatch', { unitId: hrssId });
    await settle();
    const texts = smsTo('+8613900000002');
    expect(texts).toHaveLength(2);
    expect(texts[0]).toBe(`ཁྱེད་ཀྱི་རེ་ཞུ་དང་ལེན་བྱས་ཟིན། ཐོ་འགོད་ཨང་གྲངས་ནི་ ${trackingNo} ཡིན། བཤེར་འདྲིའི་གསང་གྲངས་ནི་ ${accessCode} ཡིན། ཉར་ཚགས་ཡག་པོ་གནང་རོགས། ལས་རིམ་བཤེར་འདྲི། https://bihuan.test/track`);
    expect(texts[1]).toContain('གྲོང་ཁྱེར་མི་ཤུགས་ཐོན་ཁུངས་དང་སྤྱི་ཚོགས་འགན་ལེན་ཅུས།');
    expect(texts[1]).toMatch(/སྤྱི་ལོ་\d{4} ཟླ་\d+ ཚེས་\d+ ཡི་སྔོན་དུ་ལན་འདེབས་རྒྱུ་ཡིན།/);
    expect(sms.delivered().filter((r) => r.to === '+8613900000002').map((r) => JSON.parse(r.rawBody) as { language: string }).map((b) => b.language)).toEqual(['bo', 'bo']);
  }, SLOW);

  it('tells the requester why a case was not accepted, and that a reopened case goes back to the unit', async () => {
    const c = await register({ channel: 'phone', kind: 'complaint', title: '邻里纠纷', description: '邻居占用楼道。', requester: { phone: '13700000003' } });
    await act('agent', c.id, 'reject', { reason: '属于民事纠纷，不属于本热线受理范围', advice: '可向所在社区人民调解委员会申请调解' });
    await settle();
    expect(smsTo('+8613700000003').at(-1)).toBe(`您的诉求（受理编号${c.trackingNo}）不予受理，原因：属于民事纠纷，不属于本热线受理范围。建议：可向所在社区人民调解委员会申请调解`);

    const r = await register({ channel: 'phone', kind: 'complaint', title: '欠薪', description: '欠薪两个月。', requester: { phone: '13700000004' } });
    await act('dispatcher', r.id, 'dispatch', { unitId: hrssId });
    await act('handler', r.id, 'accept', {});
    await act('handler', r.id, 'reply', { text: '已协调支付。', outcome: 'resolved' });
    await act('supervisor', r.id, 'reopen', { reason: '诉求人反映未收到工资' });
    await settle();
    expect(smsTo('+8613700000004').at(-1)).toBe(`您的诉求（受理编号${r.trackingNo}）已重新交市人力资源和社会保障局办理，办理后将再次答复您。`);
  }, SLOW);

  it('sends nothing to a requester who gave no contact, and only SMS to mobiles', async () => {
    const before = sms.requests.length;
    const anonymous = await register({ channel: 'phone', kind: 'enquiry', title: '咨询', description: '社保怎么交' });
    const landline = await register({ channel: 'phone', kind: 'enquiry', title: '咨询', description: '社保怎么交', requester: { phone: '0891-6321234' } });
    await settle();
    expect(sms.requests.length).toBe(before);
    const queued = await t.database.db.selectFrom('notification_messages').select('id').where('case_id', 'in', [anonymous.id, landline.id]).execute();
    expect(queued).toEqual([]);
  }, SLOW);
});

describe('in-app notifications for staff', () => {
  it('tell the unit about a new case and the intake desk about a reply, and can be marked read', async () => {
    const c = await register({ channel: 'phone', kind: 'help', title: '工伤认定咨询', description: '工伤认定需要哪些材料' });
    await act('dispatcher', c.id, 'dispatch', { unitId: hrssId });
    await settle();
    type Notices = { items: { id: string; code: string; trackingNo: string; text: string; readAt: string | null }[]; unread: number; total: number };
    const mine = (await t.call('handler', 'GET', '/api/v1/notifications?unread=true')).json() as Notices;
    const notice = mine.items.find((n) => n.trackingNo === c.trackingNo);
    expect(notice).toMatchObject({ code: 'case.dispatched', text: `新派单：${c.trackingNo} 工伤认定咨询` });
    const inTibetan = (await t.call('handler', 'GET', '/api/v1/notifications?lang=bo')).json() as Notices;
    expect(inTibetan.items.find((n) => n.id === notice?.id)?.text).toBe(`ལས་འགན་གསར་པ། ${c.trackingNo} 工伤认定咨询`);
    // The dispatcher who did it is not told about it; other units' staff are not told at all.
    const dispatcher = (await t.call('dispatcher', 'GET', '/api/v1/notifications')).json() as Notices;
    expect(dispatcher.items.some((n) => n.trackingNo === c.trackingNo && n.code === 'case.dispatched')).toBe(false);
    const cityman = (await t.call('handler_city', 'GET', '/api/v1/notifications')).json() as Notices;
    expect(cityman.items.some((n) => n.trackingNo === c.trackingNo)).toBe(false);

    const read = await t.call('handler', 'POST', `/api/v1/notifications/${notice?.id}/read`);
    expect(read.json()).toEqual({ updated: 1 });
    // Someone else's notice cannot be marked read.
    expect((await t.call('dispatcher', 'POST', `/api/v1/notifications/${notice?.id}/read`)).json()).toEqual({ updated: 0 });
    const after = (await t.call('handler', 'GET', '/api/v1/notifications?unread=true')).json() as Notices;
    expect(after.items.some((n) => n.id === notice?.id)).toBe(false);
    expect(after.unread).toBe(mine.unread - 1);

    await act('handler', c.id, 'accept', {});
    await act('handler', c.id, 'reply', { text: '需要工伤认定申请表、劳动关系证明和医疗诊断证明。', outcome: 'explained' });
    await settle();
    const agent = (await t.call('agent', 'GET', '/api/v1/notifications')).json() as Notices;
    expect(agent.items.find((n) => n.trackingNo === c.trackingNo)).toMatchObject({ code: 'case.replied', text: `已答复，待回访：${c.trackingNo} 工伤认定咨询` });
    expect((await t.call('agent', 'POST', '/api/v1/notifications/read-all')).json()).toMatchObject({ updated: agent.unread });
    expect(((await t.call('agent', 'GET', '/api/v1/notifications')).json() as Notices).unread).toBe(0);
    expect((await t.call(null, 'GET', '/api/v1/notifications')).statusCode).toBe(401);
  }, SLOW);
});
