import { describe, expect, it } from 'vitest';
import { maskName, maskPhone } from '../../src/core/case/mask.js';
import { useCaseWorld } from '../helpers/case-world.js';

/**
 * Identity protection (举报人保护): a report's requester, or one who asked, is withheld from the units the case is
 * dispatched to, on every path that could name them (case page, reveal, export, search by name, "same
 * requester" suggestions), and shown as before to the intake unit and the units above it.
 */

type Detail = {
  id: string;
  trackingNo: string;
  kind: string;
  description: string;
  requester: { name: string | null; phone: string | null } | null;
  identityProtection: { isProtected: boolean; isWithheld: boolean; canProtect: boolean };
  allowedActions: string[];
};

const now = new Date('2026-11-23T02:00:00Z');
const w = useCaseWorld<Detail>({ now: () => now });

const PHONE = '13907771234';
const NAME = '格桑旺堆';

/** Registered by the agent (at the region), dispatched to hrss and accepted by its handler. */
const handledCase = async (body: Record<string, unknown>): Promise<Detail> => {
  const res = await w.t.call('agent', 'POST', '/api/v1/cases', {
    channel: 'phone', kind: 'complaint', categoryId: w.categories.get('wage_arrears'), requester: { name: NAME, phone: PHONE }, ...body,
  });
  expect(res.statusCode, res.body).toBe(201);
  const c = res.json() as Detail;
  await w.act('dispatcher', c.id, 'dispatch', { unitId: w.units.get('hrss') });
  await w.act('handler', c.id, 'accept');
  return c;
};

const reveal = (user: string, id: string) => w.t.call(user, 'GET', `/api/v1/cases/${id}/requester`);

describe('who sees a protected requester', () => {
  it('a report is protected at intake: the handling unit sees the matter but not who reported it', async () => {
    const report = await handledCase({ kind: 'report', title: '举报某工地克扣工资', description: '包工头克扣工资，威胁不许声张。' });
    expect(report.identityProtection).toEqual({ isProtected: true, isWithheld: false, canProtect: false });
    expect(report.requester).toMatchObject({ name: '格***', phone: '139****1234' });

    for (const user of ['handler', 'leader']) {
      const seen = await w.view(user, report.id);
      expect(seen.description, user).toContain('克扣工资');
      expect(seen.requester, user).toBeNull();
      expect(seen.identityProtection, user).toEqual({ isProtected: true, isWithheld: true, canProtect: false });
      const refused = await reveal(user, report.id);
      expect(refused.statusCode, user).toBe(403);
      expect(refused.json()).toMatchObject({ error: { code: 'case.identity_protected', messageId: 'errors.case.identity_protected' } });
    }
    // The refused attempts are in the audit log, naming who tried.
    const audit = await w.t.database.db
      .selectFrom('audit_log').select(['actor_name', 'outcome', 'data']).where('subject_id', '=', report.id).where('action', '=', 'reveal personal data').orderBy('id').execute();
    expect(audit.map((a) => [a.actor_name, a.outcome])).toEqual([['handler', 'refused'], ['leader', 'refused']]);

    // The intake unit and the units above it see and reveal as before.
    for (const user of ['agent', 'dispatcher', 'supervisor']) {
      const seen = await w.view(user, report.id);
      expect(seen.requester?.phone, user).toBe('139****1234');
      expect(seen.identityProtection.isWithheld, user).toBe(false);
      const full = await reveal(user, report.id);
      expect(full.statusCode, user).toBe(200);
      expect(full.json()).toMatchObject({ name: NAME, phone: PHONE });
    }
  });

  it('the lists say which cases are protected, to everyone who sees them', async () => {
    const report = await handledCase({ kind: 'report', title: '举报列表标记', description: '列表里应标出保密。' });
    const open = await handledCase({ title: '列表对照', description: '列表里不标。' });
    for (const user of ['agent', 'handler']) {
      const res = await w.t.call(user, 'GET', '/api/v1/cases?pageSize=100');
      const items = (res.json() as { items: { id: string; isIdentityProtected: boolean }[] }).items;
      expect(items.find((i) => i.id === report.id)?.isIdentityProtected, user).toBe(true);
      expect(items.find((i) => i.id === open.id)?.isIdentityProtected, user).toBe(false);
    }
    await w.t.runBackground();
    const found = await w.t.call('handler', 'GET', `/api/v1/search/cases?q=${encodeURIComponent('列表里应标出保密')}`);
    expect((found.json() as { items: { id: string; isIdentityProtected: boolean }[] }).items.find((i) => i.id === report.id)?.isIdentityProtected).toBe(true);
  });

  it('a complaint is not protected unless the requester asks; then it is withheld alike', async () => {
    const open = await handledCase({ title: '拖欠工资两个月', description: '工地拖欠工资两个月。' });
    expect(open.identityProtection.isProtected).toBe(false);
    expect((await w.view('handler', open.id)).requester?.phone).toBe('139****1234');
    expect((await reveal('handler', open.id)).statusCode).toBe(200);

    const asked = await handledCase({ title: '拖欠工资并要求保密', description: '希望不要让单位知道是我反映的。', isIdentityProtected: true });
    expect(asked.identityProtection.isProtected).toBe(true);
    expect((await w.view('handler', asked.id)).requester).toBeNull();
    expect((await reveal('handler', asked.id)).statusCode).toBe(403);
    const [registered] = await w.t.database.db.selectFrom('work_item_events').select(['code', 'data']).where('item_id', '=', asked.id).orderBy('seq').execute();
    expect(registered).toMatchObject({ code: 'case.registered', data: { isIdentityProtected: true } });
  });

  it('the public form protects a report, and every request whose requester ticks the box', async () => {
    const submit = async (body: Record<string, unknown>) => {
      const res = await w.t.call(null, 'POST', '/api/v1/public/cases', {
        title: '网上反映', description: '网上提交的反映内容。', categoryId: w.categories.get('noise'), requester: { name: NAME }, ...body,
      });
      expect(res.statusCode, res.body).toBe(201);
      const { trackingNo } = res.json() as { trackingNo: string };
      return (await w.t.database.db.selectFrom('cases').select('is_identity_protected').where('tracking_no', '=', trackingNo).executeTakeFirstOrThrow()).is_identity_protected;
    };
    expect(await submit({ kind: 'report' })).toBe(true);
    expect(await submit({ kind: 'complaint', isIdentityProtected: true })).toBe(true);
    expect(await submit({ kind: 'complaint' })).toBe(false);
    const bad = await w.t.call(null, 'POST', '/api/v1/public/cases', { kind: 'complaint', title: '网上反映', description: '内容。', isIdentityProtected: 'yes' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'validation.failed' } });
  });
});

describe('protecting a case later', () => {
  it('the intake side may protect a case once, when the requester asks; the handling unit may not', async () => {
    const c = await handledCase({ title: '拖欠加班费', description: '加班费一直没有发。' });
    expect(c.identityProtection.canProtect).toBe(true);
    expect(c.allowedActions).toContain('protect-identity');
    const handlerView = await w.view('handler', c.id);
    expect(handlerView.allowedActions).not.toContain('protect-identity');
    const byHandler = await w.t.call('handler', 'POST', `/api/v1/cases/${c.id}/protect-identity`, {});
    expect(byHandler.statusCode).toBe(403);
    expect((await w.view('handler', c.id)).requester).not.toBeNull();

    // No note: the handling units read internal events, and a note on why would be in the requester's words.
    const withNote = await w.t.call('agent', 'POST', `/api/v1/cases/${c.id}/protect-identity`, { note: '来电要求保密' });
    expect(withNote.statusCode).toBe(400);
    const after = await w.act('agent', c.id, 'protect-identity', {});
    expect(after.identityProtection).toEqual({ isProtected: true, isWithheld: false, canProtect: false });
    expect((await w.view('handler', c.id)).requester).toBeNull();
    const event = await w.t.database.db
      .selectFrom('work_item_events').select(['code', 'is_internal', 'data']).where('item_id', '=', c.id).where('code', '=', 'case.identity_protected').executeTakeFirstOrThrow();
    expect(event).toEqual({ code: 'case.identity_protected', is_internal: true, data: { reason: 'requested' } });

    // Never twice, and never lifted: there is no action that takes it back.
    const again = await w.t.call('agent', 'POST', `/api/v1/cases/${c.id}/protect-identity`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'case.invalid_transition' } });
    expect((await w.view('agent', c.id)).allowedActions).not.toContain('protect-identity');
  });
});

describe('look-ups that would name a protected requester', () => {
  it('search by name finds the protected case for the intake side only', async () => {
    const name = '洛桑次仁';
    const report = await handledCase({ kind: 'report', title: '举报工地欠薪', description: '工地老板欠薪不还。', requester: { name, phone: '13907775555' } });
    const complaint = await handledCase({ title: '欠薪投诉', description: '工地老板欠薪。', requester: { name, phone: '13907775555' } });
    await w.t.runBackground();
    const found = async (user: string) =>
      ((await w.t.call(user, 'GET', `/api/v1/search/cases?q=${encodeURIComponent(name)}`)).json() as { items: { id: string }[] }).items.map((i) => i.id);
    expect(await found('agent')).toEqual(expect.arrayContaining([report.id, complaint.id]));
    const byHandler = await found('handler');
    expect(byHandler).toContain(complaint.id);
    expect(byHandler).not.toContain(report.id);
  });

  it('"same requester" never ties a protected report to its author for the handling unit', async () => {
    const phone = '13907776666';
    const report = await handledCase({ kind: 'report', title: '举报包工头', description: '包工头拿了工钱跑了。', requester: { phone } });
    const complaint = await handledCase({ title: '工伤赔偿', description: '受伤后单位不给赔偿。', requester: { phone } });
    await w.t.runBackground();
    await w.t.call('admin', 'PUT', '/api/v1/duplicates/settings', { minScore: 0.15 });
    try {
      const duplicates = async (user: string, id: string) =>
        ((await w.t.call(user, 'GET', `/api/v1/cases/${id}/duplicates`)).json() as { items: { id: string; reasons: { kind: string }[] }[] }).items;
      const forAgent = await duplicates('agent', complaint.id);
      expect(forAgent.find((d) => d.id === report.id)?.reasons.map((r) => r.kind)).toContain('same_requester');
      expect((await duplicates('handler', complaint.id)).map((d) => d.id)).not.toContain(report.id);
      // Nor the other way round: from the report, its author's other cases are not found by requester.
      expect((await duplicates('agent', report.id)).map((d) => d.id)).toContain(complaint.id);
      expect((await duplicates('handler', report.id)).map((d) => d.id)).not.toContain(complaint.id);
    } finally {
      await w.t.call('admin', 'PUT', '/api/v1/duplicates/settings', { minScore: 0.4 });
    }
  });

  it('the export says "withheld" in the requester columns, in the reader\'s language', async () => {
    const report = await handledCase({ kind: 'report', title: '举报导出测试', description: '导出时应保密。', requester: { name: NAME, phone: PHONE } });
    const complaint = await handledCase({ title: '导出对照', description: '导出时照常。', requester: { name: NAME, phone: PHONE } });
    const rowOf = async (user: string, trackingNo: string, lang = 'zh-Hans', route = '/api/v1/cases/export') => {
      const res = await w.t.call(user, 'GET', `${route}?format=csv&lang=${lang}&q=${trackingNo}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.body.split('\n').find((line) => line.startsWith(trackingNo)) ?? '';
    };
    expect(await rowOf('handler', report.trackingNo)).toMatch(/,保密,保密\r?$/);
    expect(await rowOf('handler', report.trackingNo, 'en')).toMatch(/,withheld,withheld\r?$/);
    // Everyone else's requester is masked in an export, as in the list; in full only on the administrators' route.
    expect(await rowOf('handler', complaint.trackingNo)).toContain(`,${maskName(NAME)},${maskPhone(PHONE)}`);
    expect(await rowOf('agent', report.trackingNo)).toContain(`,${maskName(NAME)},${maskPhone(PHONE)}`);
    expect(await rowOf('admin', report.trackingNo, 'zh-Hans', '/api/v1/cases/export/with-personal-data')).toContain(`,${NAME},${PHONE}`);
    // An anonymous report reads the same: the file does not tell whether anyone left a name.
    const anonymous = await handledCase({ kind: 'report', title: '匿名举报导出', description: '未留姓名。', requester: undefined });
    expect(await rowOf('handler', anonymous.trackingNo)).toMatch(/,保密,保密\r?$/);
    expect(await rowOf('agent', anonymous.trackingNo)).toMatch(/,,\r?$/);
  });
});
