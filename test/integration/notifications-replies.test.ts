import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

// Each test walks several steps through the API and the background loop: room for a busy machine.
const SLOW = 120_000;

// The reply quality check and canned replies through the API.

let t: TestApp;
let hrssId = '';
let wageId = '';
let labourId = '';

beforeAll(async () => {
  t = await createTestApp();
  const units = (await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] };
  hrssId = units.items.find((u) => u.code === 'hrss')?.id ?? '';
  const categories = (await t.call(null, 'GET', '/api/v1/categories')).json() as { items: { id: string; code: string }[] };
  wageId = categories.items.find((c) => c.code === 'wage_arrears')?.id ?? '';
  labourId = categories.items.find((c) => c.code === 'labour')?.id ?? '';
});

afterAll(async () => {
  await t.close();
});

type Check = { isOk: boolean; findings: { code: string; severity: string; message: Record<string, string>; evidence: { text: string }[] }[]; requiredParts: string[] };

describe('POST /replies/check', () => {
  it('returns findings with messages in three languages', async () => {
    const res = await t.call('handler', 'POST', '/api/v1/replies/check', { text: '您好，您反映的问题已转相关部门处理。', kind: 'complaint', channel: 'petition' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as Check;
    expect(body.isOk).toBe(false);
    expect(body.requiredParts).toEqual(['findings', 'actions', 'legal_basis', 'appeal_route']);
    expect(body.findings.map((f) => f.code)).toEqual([
      'reply.too_short', 'reply.forward_only', 'reply.missing_findings', 'reply.missing_actions', 'reply.missing_legal_basis', 'reply.missing_appeal_route',
    ]);
    expect(Object.keys(body.findings[0]?.message ?? {})).toEqual(['zh-Hans', 'bo', 'en']);
  }, SLOW);

  it('passes a complete reply and points at a third party\'s phone number', async () => {
    const text =
      '经我局劳动保障监察支队现场核查，您反映的某建筑公司拖欠工资问题属实。我局已依据《保障农民工工资支付条例》责令该公司限期支付，目前已支付全部工资3万元。';
    const ok = (await t.call('handler', 'POST', '/api/v1/replies/check', { text, kind: 'complaint', channel: 'phone', outcome: 'resolved' })).json() as Check;
    expect(ok).toMatchObject({ isOk: true, findings: [] });
    const leaky = (await t.call('handler', 'POST', '/api/v1/replies/check', { text: `${text}如有问题可联系张伟经理（13912345678）。`, kind: 'complaint', channel: 'phone' })).json() as Check;
    expect(leaky.findings.map((f) => [f.code, f.evidence.map((e) => e.text)])).toEqual([
      ['reply.third_party_phone', ['13912345678']],
      ['reply.third_party_name', ['张伟经理']],
    ]);
  }, SLOW);

  it('needs a signed-in staff member and a valid body', async () => {
    expect((await t.call(null, 'POST', '/api/v1/replies/check', { text: 'x', kind: 'complaint', channel: 'phone' })).statusCode).toBe(401);
    const bad = await t.call('handler', 'POST', '/api/v1/replies/check', { text: 'x', kind: 'rant', channel: 'phone' });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { error: { details: { issues: { path: string }[] } } }).error.details.issues[0]?.path).toBe('body.kind');
  }, SLOW);
});

describe('reply templates', () => {
  type Template = { id: string; code: string; version: number; isActive: boolean; categoryId: string | null; unitId: string | null; body: Record<string, string> };
  const wagePaid = () => ({
    code: 'wage.paid',
    categoryId: labourId,
    unitId: hrssId,
    kind: 'complaint',
    outcome: 'resolved',
    title: { 'zh-Hans': '欠薪已追回', bo: 'གླ་ཕོགས་ཕྱིར་ལེན་བྱས་ཟིན།' },
    body: {
      'zh-Hans': '{requesterName}您好！您于{registeredDate}反映的“{title}”（受理编号{trackingNo}）已由{unitName}办理。经核查……',
      bo: '{requesterName} ལགས། ཁྱེད་ཀྱིས་{registeredDate} ལ་ཞུ་བའི་“{title}” (ཨང་གྲངས། {trackingNo}) {unitName} ནས་ཐག་གཅོད་བྱས་ཟིན།',
    },
  });

  it('are created by admins only, with Chinese and Tibetan, and known variables', async () => {
    expect((await t.call('handler', 'POST', '/api/v1/reply-templates', wagePaid())).statusCode).toBe(403);
    const noTibetan = await t.call('admin', 'POST', '/api/v1/reply-templates', { ...wagePaid(), body: { 'zh-Hans': '您好' } });
    expect(noTibetan.statusCode).toBe(400);
    const unknownVariable = await t.call('admin', 'POST', '/api/v1/reply-templates', { ...wagePaid(), body: { 'zh-Hans': '{idNumber}', bo: 'x' } });
    expect(unknownVariable.statusCode).toBe(400);
    const created = await t.call('admin', 'POST', '/api/v1/reply-templates', wagePaid());
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ code: 'wage.paid', version: 1, isActive: true });
    const again = await t.call('admin', 'POST', '/api/v1/reply-templates', wagePaid());
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('body.code');
  }, SLOW);

  it('are listed for a case\'s category and unit, the unit\'s own before the general ones', async () => {
    const general = await t.call('admin', 'POST', '/api/v1/reply-templates', { ...wagePaid(), code: 'general.thanks', categoryId: null, unitId: null, kind: null, outcome: null });
    expect(general.statusCode, general.body).toBe(201);
    const list = (await t.call('handler', 'GET', `/api/v1/reply-templates?categoryId=${wageId}&unitId=${hrssId}`)).json() as { items: Template[]; variables: string[] };
    expect(list.items.map((i) => i.code)).toEqual(['wage.paid', 'general.thanks']);
    expect(list.variables).toContain('requesterName');
    const cityman = ((await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] }).items.find((u) => u.code === 'cityman')?.id;
    const forCity = (await t.call('handler_city', 'GET', `/api/v1/reply-templates?unitId=${cityman}`)).json() as { items: Template[] };
    expect(forCity.items.map((i) => i.code)).toEqual(['general.thanks']);
  }, SLOW);

  it('are edited with a version and history, retired, and render a case\'s facts in its language', async () => {
    const list = (await t.call('admin', 'GET', '/api/v1/reply-templates')).json() as { items: Template[] };
    const template = list.items.find((i) => i.code === 'wage.paid') as Template;
    const edited = await t.call('admin', 'PUT', `/api/v1/reply-templates/${template.id}`, {
      ...wagePaid(),
      body: { ...wagePaid().body, 'zh-Hans': '{requesterName}您好！您于{registeredDate}反映的“{title}”（受理编号{trackingNo}）已由{unitName}办理完毕。' },
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ version: 2 });
    const history = await t.database.db.selectFrom('work_item_events').select(['code', 'data']).where('item_kind', '=', 'reply_template').where('item_id', '=', template.id).orderBy('seq').execute();
    expect(history.map((h) => h.code)).toEqual(['reply_template.created', 'reply_template.updated']);
    expect(JSON.stringify(history[1]?.data)).toContain('经核查');

    const c = (await t.call('agent', 'POST', '/api/v1/cases', {
      channel: 'phone', kind: 'complaint', title: '工地欠薪', description: '欠薪', categoryId: wageId, requester: { name: 'བཀྲ་ཤིས་', phone: '13800000009', language: 'bo' },
    })).json() as { id: string; trackingNo: string };
    expect((await t.call('dispatcher', 'POST', `/api/v1/cases/${c.id}/dispatch`, { unitId: hrssId })).statusCode).toBe(200);
    const rendered = await t.call('handler', 'POST', `/api/v1/reply-templates/${template.id}/render`, { caseId: c.id });
    expect(rendered.statusCode, rendered.body).toBe(200);
    const r = rendered.json() as { language: string; title: string; text: string; missing: string[]; isNameWithheld: boolean };
    expect(r).toMatchObject({ language: 'bo', title: 'གླ་ཕོགས་ཕྱིར་ལེན་བྱས་ཟིན།', missing: [], isNameWithheld: false });
    expect(r.text).toMatch(new RegExp(`^བཀྲ་ཤིས་ ལགས། ཁྱེད་ཀྱིས་སྤྱི་ལོ་\\d{4} ཟླ་\\d+ ཚེས་\\d+ ལ་ཞུ་བའི་“工地欠薪” \\(ཨང་གྲངས། ${c.trackingNo}\\) གྲོང་ཁྱེར་མི་ཤུགས་`));
    const inChinese = (await t.call('handler', 'POST', `/api/v1/reply-templates/${template.id}/render`, { caseId: c.id, language: 'zh-Hans' })).json() as { text: string };
    expect(inChinese.text).toMatch(new RegExp(`^བཀྲ་ཤིས་您好！您于\\d{4}年\\d+月\\d+日反映的“工地欠薪”（受理编号${c.trackingNo}）已由市人力资源和社会保障局办理完毕。$`));
    // Out of scope: the case is not found, whatever the template.
    expect((await t.call('handler_city', 'POST', `/api/v1/reply-templates/${template.id}/render`, { caseId: c.id })).statusCode).toBe(404);

    const retired = await t.call('admin', 'DELETE', `/api/v1/reply-templates/${template.id}`);
    expect(retired.json()).toMatchObject({ isActive: false, version: 3 });
    expect((await t.call('handler', 'POST', `/api/v1/reply-templates/${template.id}/render`, { caseId: c.id })).statusCode).toBe(404);
    const active = (await t.call('handler', 'GET', '/api/v1/reply-templates')).json() as { items: Template[] };
    expect(active.items.some((i) => i.id === template.id)).toBe(false);
    const all = (await t.call('handler', 'GET', '/api/v1/reply-templates?includeInactive=true')).json() as { items: Template[] };
    expect(all.items.some((i) => i.id === template.id)).toBe(true);
  }, SLOW);
});
