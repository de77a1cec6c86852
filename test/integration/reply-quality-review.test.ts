import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

// Supervisors review the replies of a period with the reply quality check (docs/notifications.md, "Reviewing the
// replies of a period"): counts by finding and unit, the flagged replies, within their scope only.

const local = (iso: string): number => new Date(`${iso}+08:00`).getTime();
let clock = local('2026-11-23T09:00');
let t: TestApp;
const units = new Map<string, string>();

type Review = {
  checked: number;
  flagged: number;
  isCapped: boolean;
  byCode: { code: string; count: number }[];
  byUnit: { unit: { id: string; name: string } | null; checked: number; flagged: number }[];
  items: { trackingNo: string; title: string; unit: { id: string } | null; findings: { code: string; severity: string }[] }[];
  total: number;
};

const GOOD = '经调查核实，该工地确实拖欠三名工人工资共计两万元。我局已责令施工单位在五个工作日内全额支付，并将跟踪督促落实，下一步将对该单位开展专项检查。';

const replied = async (title: string, unit: 'hrss' | 'cityman', handler: string, text: string) => {
  const res = await t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'complaint', title, description: '反映问题' });
  expect(res.statusCode, res.body).toBe(201);
  const { id } = res.json() as { id: string };
  for (const [user, action, body] of [
    ['dispatcher', 'dispatch', { unitId: units.get(unit) }],
    [handler, 'accept', {}],
    [handler, 'reply', { text, outcome: 'resolved' }],
  ] as const) {
    const r = await t.call(user, 'POST', `/api/v1/cases/${id}/${action}`, body);
    expect(r.statusCode, `${action}: ${r.body}`).toBe(200);
  }
};

const review = async (user: string, query: string): Promise<Review> => {
  const res = await t.call(user, 'GET', `/api/v1/replies/quality?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Review;
};

beforeAll(async () => {
  t = await createTestApp({ now: () => new Date(clock), sessionTtlHours: 24 * 365 });
  for (const u of ((await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] }).items) units.set(u.code, u.id);
  clock = local('2030-03-02T10:00');
  await replied('质检：只回复收悉', 'hrss', 'handler', '留言已收悉。');
  await replied('质检：合格答复', 'hrss', 'handler', GOOD);
  await replied('质检：泄露电话', 'cityman', 'handler_city', `${GOOD}联系人王先生13912345678。`);
  clock = local('2030-04-10T10:00');
  await replied('质检：下月答复', 'hrss', 'handler', '已转相关部门处理。');
});
afterAll(async () => {
  await t.close();
});

describe('reviewing the replies of a period', () => {
  it('counts and lists what the check flags, in the period only, by unit and by finding', async () => {
    const r = await review('supervisor', 'from=2030-03-01&to=2030-03-31&lang=en');
    expect(r.checked).toBe(3);
    expect(r.flagged).toBe(2);
    expect(r.isCapped).toBe(false);
    expect(r.items.map((i) => i.title).sort()).toEqual(['质检：只回复收悉', '质检：泄露电话']);
    expect(r.items.find((i) => i.title === '质检：泄露电话')?.findings.map((f) => f.code)).toContain('reply.third_party_phone');
    expect(r.byUnit.find((u) => u.unit?.id === units.get('hrss'))).toMatchObject({ checked: 2, flagged: 1 });
    expect(r.byUnit.find((u) => u.unit?.id === units.get('cityman'))).toMatchObject({ checked: 1, flagged: 1 });
    expect(r.byCode.find((c) => c.code === 'reply.too_short')?.count).toBe(1);
    // One finding only; one unit only.
    expect((await review('supervisor', 'from=2030-03-01&to=2030-03-31&code=reply.third_party_phone')).items.map((i) => i.title)).toEqual(['质检：泄露电话']);
    expect((await review('supervisor', `from=2030-03-01&to=2030-04-30&unitId=${units.get('hrss')}`)).items.map((i) => i.title).sort()).toEqual(['质检：下月答复', '质检：只回复收悉']);
  });

  it('a supervisor of one unit sees only the replies of that unit\'s cases, whatever unit is asked for', async () => {
    const template = await t.database.db.selectFrom('users').select('password_hash').where('username', '=', 'supervisor').executeTakeFirstOrThrow();
    await t.database.db.insertInto('users').values({
      username: 'supervisor_hrss', display_name: '人社督办', password_hash: template.password_hash, roles: ['supervisor'], unit_id: units.get('hrss') as string, is_demo: false,
    }).execute();
    const own = await review('supervisor_hrss', 'from=2030-03-01&to=2030-04-30');
    expect(own.items.map((i) => i.title).sort()).toEqual(['质检：下月答复', '质检：只回复收悉']);
    expect(own.checked).toBe(3);
    expect(own.byUnit.map((u) => u.unit?.id)).toEqual([units.get('hrss')]);
    for (const unit of ['cityman', 'lhasa']) {
      const other = await review('supervisor_hrss', `from=2030-03-01&to=2030-04-30&unitId=${units.get(unit)}`);
      expect(other.items.map((i) => i.title).filter((title) => title === '质检：泄露电话'), unit).toEqual([]);
      expect(other.byUnit.every((u) => u.unit?.id === units.get('hrss')), unit).toBe(true);
    }
  });

  it('a reopened case\'s earlier reply is reviewed too, marked as followed by another, under the unit that gave it', async () => {
    clock = local('2030-05-05T10:00');
    await replied('质检：重办前后', 'hrss', 'handler', '留言已收悉。');
    const { id } = (await t.database.db.selectFrom('cases').select('id').where('title', '=', '质检：重办前后').executeTakeFirstOrThrow());
    // A supervisor finds the reply inadequate; the case goes to the city instead and is answered well there.
    clock = local('2030-05-06T10:00');
    for (const [user, action, body] of [
      ['supervisor', 'reopen', { reason: '答复未说明调查情况，重新办理。' }],
      ['dispatcher', 'transfer', { unitId: units.get('cityman'), reason: '属城管职责' }],
      ['handler_city', 'accept', {}],
      ['handler_city', 'reply', { text: GOOD, outcome: 'resolved' }],
    ] as const) {
      const r = await t.call(user, 'POST', `/api/v1/cases/${id}/${action}`, body);
      expect(r.statusCode, `${action}: ${r.body}`).toBe(200);
    }
    type Item = Review['items'][number] & { replyId: string; isSuperseded: boolean };
    const r = await review('supervisor', 'from=2030-05-01&to=2030-05-31');
    expect([r.checked, r.flagged]).toEqual([2, 1]);
    const [flagged] = r.items as Item[];
    expect(flagged).toMatchObject({ title: '质检：重办前后', isSuperseded: true, unit: { id: units.get('hrss') } });
    expect(flagged?.findings.map((f) => f.code)).toContain('reply.too_short');
    expect(r.byUnit.find((u) => u.unit?.id === units.get('hrss'))).toMatchObject({ checked: 1, flagged: 1 });
    expect(r.byUnit.find((u) => u.unit?.id === units.get('cityman'))).toMatchObject({ checked: 1, flagged: 0 });
    // Filtered by unit: each reply counts for the unit that gave it, not the one that holds the case now.
    expect((await review('supervisor', `from=2030-05-01&to=2030-05-31&unitId=${units.get('hrss')}`)).items.map((i) => i.title)).toEqual(['质检：重办前后']);
    expect((await review('supervisor', `from=2030-05-01&to=2030-05-31&unitId=${units.get('cityman')}`)).checked).toBe(1);
    // The good answer that followed is checked and not flagged.
    const all = (await t.call('supervisor', 'GET', '/api/v1/replies/quality?from=2030-05-06&to=2030-05-06')).json() as { checked: number; items: Item[] };
    expect(all).toMatchObject({ checked: 1, items: [] });
  });

  it('a reply at intake counts for the intake unit; a hand-written reply event with a bad stamp or no text breaks nothing', async () => {
    clock = local('2030-06-05T10:00');
    const res = await t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'enquiry', title: '质检：当场答复', description: '咨询政策' });
    const { id } = res.json() as { id: string };
    expect((await t.call('agent', 'POST', `/api/v1/cases/${id}/resolve-on-intake`, { text: '留言已收悉。' })).statusCode).toBe(200);
    clock = local('2030-06-06T10:00');
    for (const [user, action, body] of [
      ['supervisor', 'reopen', { reason: '当场答复不充分，转办。' }],
      ['dispatcher', 'dispatch', { unitId: units.get('cityman') }],
      ['handler_city', 'accept', {}],
      ['handler_city', 'reply', { text: GOOD, outcome: 'resolved' }],
    ] as const) {
      const r = await t.call(user, 'POST', `/api/v1/cases/${id}/${action}`, body);
      expect(r.statusCode, `${action}: ${r.body}`).toBe(200);
    }
    const intakeUnit = (await t.database.db.selectFrom('cases').select('intake_unit_id').where('id', '=', id).executeTakeFirstOrThrow()).intake_unit_id;
    expect(intakeUnit).not.toBe(units.get('cityman'));
    const r = await review('supervisor', 'from=2030-06-01&to=2030-06-30');
    expect([r.checked, r.flagged]).toEqual([2, 1]);
    expect(r.items[0]?.unit?.id).toBe(intakeUnit);
    expect(r.byUnit.find((u) => u.unit?.id === units.get('cityman'))).toMatchObject({ checked: 1, flagged: 0 });
    // Events written around the application: a stamp that is no unit id, and a "reply" without text.
    const seq = async () => Number((await t.database.db.selectFrom('work_item_events').select((eb) => eb.fn.max('seq').as('m')).where('item_id', '=', id).executeTakeFirstOrThrow()).m) + 1;
    const at = new Date(local('2030-06-07T10:00'));
    for (const data of [{ text: '留言已收悉。', unit: { id: 'not-a-unit' } }, { unit: { id: units.get('hrss') } }]) {
      await t.database.db.insertInto('work_item_events').values({
        item_kind: 'case', item_id: id, seq: await seq(), at, actor_kind: 'system', actor_id: null, code: 'case.replied', from_status: 'replied', to_status: 'replied', is_internal: false, data: JSON.stringify(data),
      }).execute();
    }
    const after = await review('supervisor', 'from=2030-06-01&to=2030-06-30');
    expect([after.checked, after.flagged]).toEqual([3, 2]);
    expect(after.items[0]?.unit?.id).toBe(units.get('cityman'));
    expect((await review('supervisor', `from=2030-06-01&to=2030-06-30&unitId=${units.get('cityman')}`)).checked).toBe(2);
  });

  it('is for supervisors and administrators, within their scope; bad periods are coded errors', async () => {
    for (const user of ['agent', 'handler', 'dispatcher']) expect((await t.call(user, 'GET', '/api/v1/replies/quality?from=2030-03-01&to=2030-03-31')).statusCode, user).toBe(403);
    expect((await t.call(null, 'GET', '/api/v1/replies/quality?from=2030-03-01&to=2030-03-31')).statusCode).toBe(401);
    expect((await review('admin', 'from=2030-03-01&to=2030-03-31')).checked).toBe(3);
    for (const query of ['from=2030-03-31&to=2030-03-01', 'from=2030-02-30&to=2030-03-31', 'to=2030-03-31', 'from=2030-03-01&to=2030-03-31&code=reply.nonsense']) {
      const res = await t.call('supervisor', 'GET', `/api/v1/replies/quality?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'validation.failed' } });
    }
  });
});
