import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_UNITS, DEMO_USERS } from '../../src/seed/demo-organisation.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The citizen side: submit, track, rate, without a login, and never a word of personal data, staff
 * identities, internal notes or timeline data in any public response.
 */

type PublicCase = {
  trackingNo: string;
  status: string;
  kind: string;
  title: string;
  category: { id: string; code: string; name: string } | null;
  createdAt: string;
  timeline: { at: string; code: string }[];
  reply: { text: string; outcome: string; at: string } | null;
  rating: { resolved: string; satisfaction: string; at: string } | null;
  canRate: boolean;
};
type Submitted = { trackingNo: string; accessCode: string };
type StaffCase = {
  id: string;
  trackingNo: string;
  status: string;
  channel: string;
  requester: { name: string | null; phone: string | null; idNumber: string | null; email: string | null } | null;
  events: { code: string; isInternal: boolean; data: Record<string, unknown>; actor: { id: string; username: string } | null }[];
};

const PUBLIC_KEYS = ['canAddInformation', 'canRate', 'canRequestReopen', 'category', 'createdAt', 'isIdentityProtected', 'kind', 'publicStatus', 'publicationConsent', 'rating', 'reopen', 'reply', 'status', 'timeline', 'title', 'trackingNo', 'waitingFor', 'waitingUntil'];
const PUBLIC_EVENT_CODES = new Set([
  'case.registered', 'case.dispatched', 'case.accepted', 'case.transferred', 'case.replied', 'case.resolved_on_intake',
  'case.callback_recorded', 'case.reopened', 'case.closed', 'case.rejected', 'case.extension_decided', 'case.merged', 'case.rated',
]);

const REQUESTER_NAME = '隐私测试人卓嘎';
const REQUESTER_PHONE = '13912345678';

let t: TestApp;
const unitIds = new Map<string, string>();
let wageCategoryId = '';
const staffUserIds: string[] = [];

const unit = (code: string): string => {
  const id = unitIds.get(code);
  if (!id) throw new Error(`no unit ${code}`);
  return id;
};

beforeAll(async () => {
  t = await createTestApp();
  const units = (await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] };
  for (const u of units.items) unitIds.set(u.code, u.id);
  const categories = (await t.call(null, 'GET', '/api/v1/categories')).json() as { items: { id: string; code: string }[] };
  wageCategoryId = categories.items.find((c) => c.code === 'wage_arrears')?.id ?? '';
  const users = await t.database.db.selectFrom('users').select('id').execute();
  staffUserIds.push(...users.map((u) => u.id));
});

afterAll(async () => {
  await t.close();
});

const submit = async (body: Record<string, unknown>): Promise<Submitted> => {
  const res = await t.call(null, 'POST', '/api/v1/public/cases', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Submitted;
};

const track = (c: Submitted, accessCode = c.accessCode, query = '') =>
  t.call(null, 'GET', `/api/v1/public/cases/${c.trackingNo}?accessCode=${encodeURIComponent(accessCode)}${query}`);

const rate = (c: Submitted, body: Record<string, unknown> = {}) =>
  t.call(null, 'POST', `/api/v1/public/cases/${c.trackingNo}/rating`, { accessCode: c.accessCode, resolved: 'yes', satisfaction: 'satisfied', ...body });

const staffCaseOf = async (trackingNo: string, user = 'dispatcher'): Promise<StaffCase> => {
  const found = (await t.call(user, 'GET', `/api/v1/cases?q=${trackingNo}`)).json() as { items: { id: string; trackingNo: string }[] };
  const hit = found.items.find((i) => i.trackingNo === trackingNo);
  if (!hit) throw new Error(`${user} cannot find ${trackingNo}`);
  const res = await t.call(user, 'GET', `/api/v1/cases/${hit.id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as StaffCase;
};

const act = async (user: string, id: string, action: string, body: unknown): Promise<StaffCase> => {
  const res = await t.call(user, 'POST', `/api/v1/cases/${id}/${action}`, body);
  expect(res.statusCode, `${action} by ${user}: ${res.body}`).toBe(200);
  return res.json() as StaffCase;
};

const expectError = (res: LightMyRequestResponse, status: number, code: string) => {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.json()).toMatchObject({ error: { code, messageId: `errors.${code}` } });
};

/** The public view has exactly the documented fields, and its timeline only public codes with times. */
const expectPublicShape = (body: PublicCase): void => {
  expect(Object.keys(body).sort()).toEqual(PUBLIC_KEYS);
  for (const entry of body.timeline) {
    expect(Object.keys(entry).sort()).toEqual(['at', 'code']);
    expect(PUBLIC_EVENT_CODES.has(entry.code), entry.code).toBe(true);
  }
};

describe('submitting without a login', () => {
  it('201 {trackingNo, accessCode}; the staff see a web case taken in at the root, with the personal data', async () => {
    const res = await t.call(null, 'POST', '/api/v1/public/cases', {
      kind: 'help',
      title: '公共表单提交的求助',
      description: '我需要帮助。',
      categoryId: wageCategoryId,
      requester: { name: REQUESTER_NAME, phone: REQUESTER_PHONE, language: 'bo' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json() as Submitted;
    expect(Object.keys(body).sort()).toEqual(['accessCode', 'trackingNo']);
    expect(body.trackingNo).toMatch(/^\d{11,16}$/);
    expect(body.accessCode).toMatch(/^\d{8}$/);
    expect(res.body).not.toContain(REQUESTER_PHONE);
    expect(res.body).not.toContain(REQUESTER_NAME);

    const staff = await staffCaseOf(body.trackingNo, 'agent');
    expect(staff.status).toBe('registered');
    expect(staff.channel).toBe('web');
    // Staff pages show personal data masked; the full value is a separate, audited reveal.
    expect(staff.requester).toMatchObject({ name: '隐******', phone: '139****5678', idNumber: null, email: null });
    expect(staff.events[0]).toMatchObject({ code: 'case.registered', actor: null });
  });

  it.each([
    ['an ID number', { idNumber: '540102199001011234' }, 'idNumber'],
    ['an e-mail address', { email: 'a@example.com' }, 'email'],
  ])('refuses %s on the public form with 400', async (_label, extra, key) => {
    const before = (await t.call('admin', 'GET', '/api/v1/cases?pageSize=1')).json() as { total: number };
    const res = await t.call(null, 'POST', '/api/v1/public/cases', {
      kind: 'help', title: '求助', description: '需要帮助', requester: { name: '某人', ...extra },
    });
    expectError(res, 400, 'validation.failed');
    expect(res.body).toContain(key);
    const after = (await t.call('admin', 'GET', '/api/v1/cases?pageSize=1')).json() as { total: number };
    expect(after.total).toBe(before.total);
  });

  it('refuses a bad phone, a channel and a missing description with 400', async () => {
    expectError(await t.call(null, 'POST', '/api/v1/public/cases', { kind: 'help', title: 'x', description: 'y', requester: { phone: 'abc' } }), 400, 'validation.failed');
    expectError(await t.call(null, 'POST', '/api/v1/public/cases', { kind: 'help', title: 'x', description: 'y', channel: 'phone' }), 400, 'validation.failed');
    expectError(await t.call(null, 'POST', '/api/v1/public/cases', { kind: 'help', title: 'x' }), 400, 'validation.failed');
  });
});

describe('tracking', () => {
  it('the right code shows the case; a wrong code is 404; a typo in the number is 400; an unknown number is 404 like a wrong code', async () => {
    const c = await submit({ kind: 'enquiry', title: '查询进度测试', description: '想了解政策', categoryId: wageCategoryId, requester: { name: REQUESTER_NAME, phone: REQUESTER_PHONE } });
    const ok = await track(c);
    expect(ok.statusCode, ok.body).toBe(200);
    const body = ok.json() as PublicCase;
    expectPublicShape(body);
    expect(body).toMatchObject({ trackingNo: c.trackingNo, status: 'registered', kind: 'enquiry', title: '查询进度测试', reply: null, rating: null, canRate: false });
    expect(body.timeline.map((e) => e.code)).toEqual(['case.registered']);
    expect(body.category?.code).toBe('wage_arrears');

    const wrongCode = c.accessCode === '00000000' ? '11111111' : '00000000';
    const wrong = await track(c, wrongCode);
    expectError(wrong, 404, 'case.access_code_invalid');

    const last = Number(c.trackingNo.slice(-1));
    const typo = `${c.trackingNo.slice(0, -1)}${(last + 1) % 10}`;
    expectError(await t.call(null, 'GET', `/api/v1/public/cases/${typo}?accessCode=${c.accessCode}`), 400, 'validation.failed');

    // A well-formed number that does not exist answers exactly like a wrong code.
    const unknown = await t.call(null, 'GET', `/api/v1/public/cases/${'9901010001'}${checkDigit('9901010001')}?accessCode=${c.accessCode}`);
    expectError(unknown, 404, 'case.access_code_invalid');
    expect(unknown.json()).toEqual(wrong.json());
  });

  it('accepts the number as people type it (spaces, dashes) and names in the requested language', async () => {
    const c = await submit({ kind: 'help', title: '格式测试', description: '需要帮助', categoryId: wageCategoryId });
    const spaced = `${c.trackingNo.slice(0, 6)}-${c.trackingNo.slice(6)}`;
    const res = await t.call(null, 'GET', `/api/v1/public/cases/${spaced}?accessCode=${c.accessCode}&lang=en`);
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as PublicCase).category?.name).toBe('Wage arrears');
  });
});

/** Damm check digit, as printed on tracking numbers. */
const checkDigit = (digits: string): number => {
  const table = [
    [0, 3, 1, 7, 5, 9, 8, 6, 4, 2], [7, 0, 9, 2, 1, 5, 4, 8, 6, 3], [4, 2, 0, 6, 8, 7, 1, 3, 5, 9], [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
    [6, 1, 2, 3, 0, 4, 5, 9, 7, 8], [3, 6, 7, 4, 2, 0, 9, 5, 8, 1], [5, 8, 6, 9, 7, 2, 0, 1, 3, 4], [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
    [9, 4, 3, 8, 6, 1, 7, 2, 0, 5], [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
  ];
  let interim = 0;
  for (const ch of digits) interim = table[interim]?.[Number(ch)] ?? 0;
  return interim;
};

describe('privacy of the public view through the whole handling', () => {
  it('never shows personal data, staff identities, internal or public notes, contributions or event data', async () => {
    const secrets = {
      dispatchNote: '派单备注-机密-DISPATCH-7f3a',
      acceptNote: '签收备注-机密-ACCEPT-19bc',
      internalNote: '内部备注-机密-INTERNAL-4e2d',
      publicNote: '公开备注-PUBLICNOTE-8a61',
      contribution: '协办意见-机密-CONTRIB-55c0',
      supervisionNote: '督办意见-机密-SUPERVISE-0b9e',
      extensionReason: '延期理由-机密-EXTEND-c7d2',
    };
    const forbidden = [
      REQUESTER_NAME, REQUESTER_PHONE, ...Object.values(secrets),
      ...DEMO_USERS.flatMap((u) => [u.username, u.displayName]),
      ...staffUserIds,
      ...['hrss', 'union'].flatMap((code) => {
        const u = DEMO_UNITS.find((x) => x.code === code);
        return [unit(code), ...(u ? Object.values(u.name) : [])];
      }),
      '"events"', '"data"', '"actor"', '"isInternal"', '"requester"', '"assignments"', 'case.noted', 'case.contributed', 'case.supervised',
      'case.extension_requested',
    ];
    const publicResponses: { label: string; body: string }[] = [];
    const checkPublic = async (label: string, c: Submitted): Promise<PublicCase> => {
      for (const lang of ['', '&lang=bo', '&lang=en']) {
        const res = await track(c, c.accessCode, lang);
        expect(res.statusCode, res.body).toBe(200);
        publicResponses.push({ label: `${label}${lang}`, body: res.body });
        expectPublicShape(res.json() as PublicCase);
      }
      return (await track(c)).json() as PublicCase;
    };

    const c = await submit({
      kind: 'complaint', title: '工资被拖欠（隐私测试）', description: '老板拖欠两个月工资。', categoryId: wageCategoryId,
      requester: { name: REQUESTER_NAME, phone: REQUESTER_PHONE, language: 'zh-Hans' },
    });
    await checkPublic('registered', c);
    const { id } = await staffCaseOf(c.trackingNo);

    await act('dispatcher', id, 'dispatch', { unitId: unit('hrss'), assistingUnitIds: [unit('union')], note: secrets.dispatchNote });
    expect((await checkPublic('dispatched', c)).status).toBe('dispatched');
    await act('handler', id, 'accept', { note: secrets.acceptNote });
    await act('handler_union', id, 'accept', {});
    await act('handler', id, 'note', { text: secrets.internalNote });
    await act('handler', id, 'note', { text: secrets.publicNote, isInternal: false });
    await act('handler_union', id, 'contribute', { text: secrets.contribution });
    await act('supervisor', id, 'supervise', { dueBy: new Date(Date.now() + 2 * 24 * 3600_000).toISOString(), note: secrets.supervisionNote });
    await act('handler', id, 'request-extension', { days: 3, reason: secrets.extensionReason });
    await act('supervisor', id, 'decide-extension', { isApproved: true });
    const accepted = await checkPublic('accepted', c);
    expect(accepted.status).toBe('accepted');
    expect(accepted.reply).toBeNull();
    expect(accepted.canRate).toBe(false);

    const replyText = '经调查，老板已补发全部工资。';
    await act('handler', id, 'reply', { text: replyText, outcome: 'resolved', amountRecoveredFen: 500_000 });
    const replied = await checkPublic('replied', c);
    expect(replied).toMatchObject({ status: 'replied', reply: { text: replyText, outcome: 'resolved' }, canRate: true, rating: null });
    expect(replied.timeline.map((e) => e.code)).toEqual([
      'case.registered', 'case.dispatched', 'case.accepted', 'case.accepted', 'case.extension_decided', 'case.replied',
    ]);

    const rated = await rate(c, { resolved: 'yes', satisfaction: 'satisfied', comment: '谢谢' });
    expect(rated.statusCode, rated.body).toBe(200);
    publicResponses.push({ label: 'rating', body: rated.body });
    const ratedBody = rated.json() as PublicCase;
    expectPublicShape(ratedBody);
    expect(ratedBody).toMatchObject({ canRate: false, rating: { resolved: 'yes', satisfaction: 'satisfied' } });
    await act('agent', id, 'callback', { resolved: 'yes', satisfaction: 'satisfied' });
    await act('dispatcher', id, 'close', {});
    const closed = await checkPublic('closed', c);
    expect(closed.status).toBe('closed');
    expect(closed.timeline.map((e) => e.code).slice(-3)).toEqual(['case.rated', 'case.callback_recorded', 'case.closed']);

    // The staff timeline does hold every secret: the check below is not vacuous.
    const staffCase = await staffCaseOf(c.trackingNo, 'admin');
    const staffJson = JSON.stringify(staffCase) + (await t.call('admin', 'GET', `/api/v1/cases/${staffCase.id}/requester`)).body;
    for (const secret of [REQUESTER_PHONE, REQUESTER_NAME, ...Object.values(secrets), 'handler_union']) expect(staffJson).toContain(secret);

    expect(publicResponses.length).toBeGreaterThanOrEqual(16);
    for (const response of publicResponses) {
      for (const secret of forbidden) {
        expect(response.body.includes(secret), `${response.label} leaks ${secret}: ${response.body}`).toBe(false);
      }
    }
  });

  it('staff see the requester masked; the agent reveals the full phone and name, and the reveal is audited', async () => {
    const c = await submit({ kind: 'help', title: '电话可见测试', description: '请回电', requester: { name: REQUESTER_NAME, phone: REQUESTER_PHONE } });
    const staff = await staffCaseOf(c.trackingNo, 'agent');
    expect(staff.requester?.phone).toBe('139****5678');
    expect(JSON.stringify(staff)).not.toContain(REQUESTER_PHONE);
    const revealed = await t.call('agent', 'GET', `/api/v1/cases/${staff.id}/requester`);
    expect(revealed.json()).toMatchObject({ phone: REQUESTER_PHONE, name: REQUESTER_NAME });
    const audit = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'reveal personal data').where('subject_id', '=', staff.id).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_name: 'agent', outcome: 'revealed' });
    expect((await t.call(null, 'GET', `/api/v1/cases/${staff.id}/requester`)).statusCode).toBe(401);
    expect((await t.call('handler_city', 'GET', `/api/v1/cases/${staff.id}/requester`)).statusCode).toBe(404);
  });
});

describe('rating', () => {
  it('before a reply: 409 case.rating_not_allowed, and nothing is recorded', async () => {
    const c = await submit({ kind: 'help', title: '未答复不能评价', description: '需要帮助' });
    const res = await rate(c);
    expectError(res, 409, 'case.rating_not_allowed');
    const view = (await track(c)).json() as PublicCase;
    expect(view.rating).toBeNull();
    expect(view.timeline.map((e) => e.code)).toEqual(['case.registered']);
  });

  it('a second rating: 409 case.rating_not_allowed, the first one stands', async () => {
    const c = await submit({ kind: 'help', title: '重复评价测试', description: '需要帮助' });
    const { id } = await staffCaseOf(c.trackingNo);
    await act('agent', id, 'resolve-on-intake', { text: '已电话解答。' });
    const first = await rate(c, { resolved: 'partly', satisfaction: 'fairly_satisfied' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({ rating: { resolved: 'partly', satisfaction: 'fairly_satisfied' }, canRate: false });
    const second = await rate(c, { resolved: 'no', satisfaction: 'dissatisfied' });
    expectError(second, 409, 'case.rating_not_allowed');
    const view = (await track(c)).json() as PublicCase;
    expect(view.rating).toMatchObject({ resolved: 'partly', satisfaction: 'fairly_satisfied' });
    expect(view.timeline.filter((e) => e.code === 'case.rated')).toHaveLength(1);
  });

  it('with a wrong access code: 404 case.access_code_invalid', async () => {
    const c = await submit({ kind: 'help', title: '错误访问码评价', description: '需要帮助' });
    const { id } = await staffCaseOf(c.trackingNo);
    await act('agent', id, 'resolve-on-intake', { text: '已解答。' });
    const wrongCode = c.accessCode === '00000000' ? '11111111' : '00000000';
    expectError(await rate({ ...c, accessCode: wrongCode }), 404, 'case.access_code_invalid');
    expect(((await track(c)).json() as PublicCase).canRate).toBe(true);
  });

  it('a rejected case cannot be rated but shows the reason and advice as its answer', async () => {
    const c = await submit({ kind: 'complaint', title: '不予受理测试', description: '诉讼中的事项' });
    const { id } = await staffCaseOf(c.trackingNo);
    await act('agent', id, 'reject', { reason: '该事项已进入诉讼程序。', advice: '请向法院咨询。' });
    const view = (await track(c)).json() as PublicCase;
    expect(view).toMatchObject({ status: 'rejected', canRate: false, reply: { outcome: 'not_accepted' } });
    expect(view.reply?.text).toContain('该事项已进入诉讼程序。');
    expect(view.reply?.text).toContain('请向法院咨询。');
    expectError(await rate(c), 409, 'case.rating_not_allowed');
  });
});

describe('a merged case', () => {
  it('shows the master case reply once the master is replied', async () => {
    const master = await submit({ kind: 'complaint', title: '主件：工地拖欠工资', description: '多人反映同一工地欠薪。' });
    const duplicate = await submit({ kind: 'complaint', title: '重复件：同一工地欠薪', description: '我也是这个工地的。', requester: { name: REQUESTER_NAME, phone: REQUESTER_PHONE } });
    const masterId = (await staffCaseOf(master.trackingNo)).id;
    const duplicateId = (await staffCaseOf(duplicate.trackingNo)).id;
    await act('dispatcher', duplicateId, 'merge', { masterId });

    const before = (await track(duplicate)).json() as PublicCase;
    expectPublicShape(before);
    expect(before).toMatchObject({ status: 'merged', reply: null, canRate: false });
    expect(before.timeline.map((e) => e.code)).toEqual(['case.registered', 'case.merged']);
    expect(JSON.stringify(before)).not.toContain(master.trackingNo);

    await act('dispatcher', masterId, 'dispatch', { unitId: unit('hrss') });
    await act('handler', masterId, 'accept', {});
    const replyText = '施工单位已向全部工人补发工资。';
    await act('handler', masterId, 'reply', { text: replyText, outcome: 'resolved' });

    const after = await track(duplicate);
    expect(after.statusCode).toBe(200);
    const body = after.json() as PublicCase;
    expectPublicShape(body);
    expect(body.status).toBe('merged');
    expect(body.reply).toMatchObject({ text: replyText, outcome: 'resolved' });
    expect(after.body).not.toContain(REQUESTER_PHONE);
    expect(after.body).not.toContain('handler');
    // The master's own requester sees the same reply.
    expect(((await track(master)).json() as PublicCase).reply?.text).toBe(replyText);
  });

  it('takes the master requester\'s name and number out of the reply the merged requester reads', async () => {
    const masterName = '次仁旺堆';
    const masterPhone = '13987654321';
    const master = await submit({ kind: 'complaint', title: '主件：小区供暖不足', description: '暖气不热。', requester: { name: masterName, phone: masterPhone } });
    const duplicate = await submit({ kind: 'complaint', title: '重复件：同一小区供暖', description: '我家也不热。', requester: { name: REQUESTER_NAME, phone: REQUESTER_PHONE } });
    const masterId = (await staffCaseOf(master.trackingNo)).id;
    await act('dispatcher', (await staffCaseOf(duplicate.trackingNo)).id, 'merge', { masterId });
    await act('dispatcher', masterId, 'dispatch', { unitId: unit('hrss') });
    await act('handler', masterId, 'accept', {});
    const replyText = `尊敬的${masterName}：供热公司已于本周检修管道，如仍不热请回电，我们将联系您（${masterPhone}）。`;
    await act('handler', masterId, 'reply', { text: replyText, outcome: 'resolved' });

    // The master's requester reads the reply as written to them.
    expect(((await track(master)).json() as PublicCase).reply?.text).toBe(replyText);
    // The merged requester reads the answer without another person's name or number.
    const merged = (await track(duplicate)).json() as PublicCase;
    expect(merged.reply?.text).toContain('供热公司已于本周检修管道');
    expect(merged.reply?.text).not.toContain(masterName);
    expect(merged.reply?.text).not.toContain('旺堆');
    expect(merged.reply?.text).not.toContain(masterPhone);
  });
});

describe('the access code', () => {
  it('is taken from the X-Access-Code header, which wins over the query of older clients; a missing code is 400', async () => {
    const c = await submit({ kind: 'enquiry', title: '请求头测试', description: '查询', categoryId: wageCategoryId });
    const byHeader = await t.app.inject({ method: 'GET', url: `/api/v1/public/cases/${c.trackingNo}`, headers: { 'x-access-code': c.accessCode } });
    expect(byHeader.statusCode, byHeader.body).toBe(200);
    expect((byHeader.json() as PublicCase).trackingNo).toBe(c.trackingNo);
    const wrongCode = c.accessCode === '00000000' ? '11111111' : '00000000';
    const headerWins = await t.app.inject({
      method: 'GET', url: `/api/v1/public/cases/${c.trackingNo}?accessCode=${c.accessCode}`, headers: { 'x-access-code': wrongCode },
    });
    expectError(headerWins, 404, 'case.access_code_invalid');
    const missing = await t.app.inject({ method: 'GET', url: `/api/v1/public/cases/${c.trackingNo}` });
    expectError(missing, 400, 'validation.failed');
    expect(missing.json()).toMatchObject({ error: { details: { issues: [{ path: 'headers.x-access-code' }] } } });
  });
});
