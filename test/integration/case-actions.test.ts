import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addWorkingDays, addWorkingHours } from '../../src/core/calendar/calendar.js';
import { tibetRegionCalendar } from '../../src/core/calendar/tibet-calendar.js';
import { createCaseStore } from '../../src/db/case.repository.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

// The demo region's calendar (national holidays, swapped days, Losar 7 days, Shoton 3 days). Its arithmetic
// is pinned by hand-computed tests in src/core/calendar; here it is the oracle for what the API stored.
const TIBET = tibetRegionCalendar({ losarDays: 7, shotonDays: 3 });
const acceptDue = (from: string, hours: number): string => addWorkingHours(TIBET, new Date(from), hours).toISOString();
const replyDue = (from: string, days: number): string => addWorkingDays(TIBET, new Date(from), days).toISOString();

/** The effect of each case action through the API: status, fields, timeline event and the actions offered next. */

type Ref = { id: string; code: string; name: string };
type Assignment = { unit: Ref; role: 'lead' | 'assisting'; status: string; assignedAt: string; acceptedAt: string | null };
type CaseEvent = {
  id: string;
  seq: number;
  at: string;
  code: string;
  actor: { id: string; username: string; displayName: string } | null;
  fromStatus: string | null;
  toStatus: string | null;
  isInternal: boolean;
  data: Record<string, unknown>;
};
type CaseView = {
  id: string;
  trackingNo: string;
  status: string;
  category: Ref | null;
  leadUnit: Ref | null;
  isSupervised: boolean;
  isOverdue: boolean;
  acceptDueAt: string | null;
  replyDueAt: string | null;
  updatedAt: string;
  createdAt: string;
  assignments: Assignment[];
  amountRecoveredFen: number | null;
  reply: { text: string; outcome: string; at: string } | null;
  callback: { resolved: string; satisfaction: string; comment: string | null; at: string } | null;
  supervision: { dueBy: string; note: string; at: string } | null;
  pendingExtension: { days: number; reason: string; at: string } | null;
  rejection: { reason: string; advice: string | null } | null;
  masterId: string | null;
  reopenCount: number;
  allowedActions: string[];
  events: CaseEvent[];
};
type Category = { id: string; code: string; acceptHours: number; replyDays: number };

const HOUR = 3600_000;
const DAY = 24 * HOUR;

let t: TestApp;
const unitIds = new Map<string, string>();
const categories = new Map<string, Category>();

const unit = (code: string): string => {
  const id = unitIds.get(code);
  if (!id) throw new Error(`no unit ${code}`);
  return id;
};
const category = (code: string): Category => {
  const c = categories.get(code);
  if (!c) throw new Error(`no category ${code}`);
  return c;
};

beforeAll(async () => {
  t = await createTestApp();
  const units = (await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] };
  for (const u of units.items) unitIds.set(u.code, u.id);
  const cats = (await t.call(null, 'GET', '/api/v1/categories')).json() as { items: Category[] };
  for (const c of cats.items) categories.set(c.code, c);
});

afterAll(async () => {
  await t.close();
});

const newCase = async (options: { categoryCode?: string; title?: string } = {}): Promise<CaseView> => {
  const res = await t.call('agent', 'POST', '/api/v1/cases', {
    channel: 'phone',
    kind: 'complaint',
    title: options.title ?? '动作效果测试',
    description: '用于检验各个动作效果的诉求。',
    ...(options.categoryCode ? { categoryId: category(options.categoryCode).id } : {}),
    requester: { name: '测试人', phone: '13800000007' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as CaseView;
};

const act = async (user: string, id: string, action: string, body: unknown): Promise<CaseView> => {
  const res = await t.call(user, 'POST', `/api/v1/cases/${id}/${action}`, body);
  expect(res.statusCode, `${action} by ${user}: ${res.body}`).toBe(200);
  return res.json() as CaseView;
};

const view = async (user: string, id: string): Promise<CaseView> => {
  const res = await t.call(user, 'GET', `/api/v1/cases/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as CaseView;
};

const lastEvent = (c: CaseView): CaseEvent => {
  const e = c.events.at(-1);
  if (!e) throw new Error('no events');
  return e;
};

const ms = (iso: string | null | undefined): number => {
  if (!iso) throw new Error(`expected a time, got ${String(iso)}`);
  return Date.parse(iso);
};

/** The assignments as `unit:role:status`, sorted: their order is not part of the contract. */
const assignmentsOf = (c: CaseView): string[] => c.assignments.map((a) => `${a.unit.code}:${a.role}:${a.status}`).sort();

/** The event's time is the "now" of the action: it must be the moment of the request, give or take. */
const expectRecent = (iso: string, startedAt: number): void => {
  expect(ms(iso)).toBeGreaterThanOrEqual(startedAt - 1000);
  expect(ms(iso)).toBeLessThanOrEqual(Date.now() + 1000);
};

describe('dispatch', () => {
  it('sets the lead unit, the assignments and the due dates from the category limits', async () => {
    const c = await newCase({ categoryCode: 'noise' });
    expect(c.allowedActions).toEqual(expect.arrayContaining(['dispatch', 'note', 'reject', 'resolve-on-intake']));
    expect(c.leadUnit).toBeNull();
    expect(c.acceptDueAt).toBeNull();
    expect(c.replyDueAt).toBeNull();

    const startedAt = Date.now();
    const d = await act('dispatcher', c.id, 'dispatch', { unitId: unit('cityman'), assistingUnitIds: [unit('union')], note: '请联合办理' });
    expect(d.status).toBe('dispatched');
    expect(d.leadUnit).toMatchObject({ id: unit('cityman'), code: 'cityman' });
    expect(assignmentsOf(d)).toEqual(['cityman:lead:pending', 'union:assisting:pending'].sort());
    expect(d.assignments.every((a) => a.acceptedAt === null)).toBe(true);

    const event = lastEvent(d);
    expect(event).toMatchObject({ code: 'case.dispatched', fromStatus: 'registered', toStatus: 'dispatched', isInternal: false, actor: { username: 'dispatcher' } });
    expect(event.data).toMatchObject({ unit: { code: 'cityman' }, assistingUnits: [{ code: 'union' }], note: '请联合办理' });
    expectRecent(event.at, startedAt);

    const { acceptHours, replyDays } = category('noise');
    expect(acceptHours).toBe(12);
    // Acceptance in working hours from dispatch; the reply in working days from registration (first receiver).
    expect(d.acceptDueAt).toBe(acceptDue(event.at, acceptHours));
    expect(d.replyDueAt).toBe(replyDue(d.createdAt, replyDays));
    expect(d.isOverdue).toBe(false);

    expect(d.allowedActions).toEqual(expect.arrayContaining(['transfer', 'note', 'merge']));
    expect(d.allowedActions).not.toContain('dispatch');
    const forLead = await view('handler_city', c.id);
    expect(forLead.allowedActions).toEqual(expect.arrayContaining(['accept', 'return', 'note']));
    expect(forLead.allowedActions).not.toContain('reply');
    expect(forLead.allowedActions).not.toContain('contribute');
    const forAssisting = await view('handler_union', c.id);
    expect(forAssisting.allowedActions).toEqual(expect.arrayContaining(['accept', 'return', 'contribute', 'note']));
  });

  it('uses a category with other limits (heating and water: 2 hours, 1 day)', async () => {
    const c = await newCase({ categoryCode: 'heating_water' });
    const d = await act('dispatcher', c.id, 'dispatch', { unitId: unit('cityman') });
    const event = lastEvent(d);
    expect(d.acceptDueAt).toBe(acceptDue(event.at, 2));
    expect(d.replyDueAt).toBe(replyDue(d.createdAt, 1));
  });

  it('falls back to 24 hours and 7 days for a case without a category', async () => {
    const c = await newCase();
    const d = await act('agent', c.id, 'dispatch', { unitId: unit('hrss') });
    const event = lastEvent(d);
    expect(d.category).toBeNull();
    expect(d.acceptDueAt).toBe(acceptDue(event.at, 24));
    expect(d.replyDueAt).toBe(replyDue(d.createdAt, 7));
  });
});

describe('accept', () => {
  it('the lead unit accepts: accepted, the accept deadline is met, its assignment is accepted', async () => {
    const c = await newCase({ categoryCode: 'wage_arrears' });
    const d = await act('dispatcher', c.id, 'dispatch', { unitId: unit('hrss'), assistingUnitIds: [unit('union')] });
    const assisting = await act('handler_union', c.id, 'accept', {});
    expect(assisting.status).toBe('dispatched');
    expect(assignmentsOf(assisting)).toEqual(['hrss:lead:pending', 'union:assisting:accepted'].sort());
    expect(lastEvent(assisting)).toMatchObject({ code: 'case.accepted', fromStatus: 'dispatched', toStatus: 'dispatched', data: { role: 'assisting' } });
    expect(assisting.acceptDueAt).toBe(d.acceptDueAt);

    const a = await act('handler', c.id, 'accept', { note: '已签收' });
    expect(a.status).toBe('accepted');
    expect(a.acceptDueAt).toBeNull();
    expect(a.replyDueAt).toBe(d.replyDueAt);
    expect(assignmentsOf(a)).toEqual(['hrss:lead:accepted', 'union:assisting:accepted'].sort());
    expect(a.assignments.find((x) => x.role === 'lead')?.acceptedAt).toBe(lastEvent(a).at);
    expect(lastEvent(a)).toMatchObject({
      code: 'case.accepted', fromStatus: 'dispatched', toStatus: 'accepted', actor: { username: 'handler' },
      data: { unit: { code: 'hrss' }, role: 'lead', note: '已签收' },
    });
    expect(a.allowedActions).toEqual(expect.arrayContaining(['return', 'note', 'reply', 'request-extension']));
    expect(a.allowedActions).not.toContain('accept');
  });
});

describe('return and re-dispatch', () => {
  it('return → returned with no lead unit; re-dispatch keeps the original replyDueAt (first-receiver rule)', async () => {
    const c = await newCase({ categoryCode: 'wage_arrears' });
    const first = await act('dispatcher', c.id, 'dispatch', { unitId: unit('hrss'), assistingUnitIds: [unit('union')] });
    const originalReplyDue = first.replyDueAt;
    expect(originalReplyDue).not.toBeNull();

    const r = await act('handler', c.id, 'return', { reason: '不属于本单位职责范围。' });
    expect(r.status).toBe('returned');
    expect(r.leadUnit).toBeNull();
    expect(r.acceptDueAt).toBeNull();
    expect(r.replyDueAt).toBe(originalReplyDue);
    expect(assignmentsOf(r)).toEqual(['hrss:lead:returned', 'union:assisting:done'].sort());
    expect(lastEvent(r)).toMatchObject({
      code: 'case.returned', fromStatus: 'dispatched', toStatus: 'returned', actor: { username: 'handler' },
      data: { unit: { code: 'hrss' }, role: 'lead', reason: '不属于本单位职责范围。' },
    });
    const forDispatcher = await view('dispatcher', c.id);
    expect(forDispatcher.allowedActions).toEqual(expect.arrayContaining(['dispatch', 'reject', 'merge', 'note']));
    // The returning unit keeps seeing the case but has nothing left to do on it.
    const forHandler = await view('handler', c.id);
    expect(forHandler.allowedActions).toEqual(['note']);

    await new Promise((resolve) => setTimeout(resolve, 20));
    const again = await act('dispatcher', c.id, 'dispatch', { unitId: unit('cityman') });
    expect(again.status).toBe('dispatched');
    expect(again.leadUnit?.code).toBe('cityman');
    expect(again.replyDueAt).toBe(originalReplyDue);
    expect(again.acceptDueAt).toBe(acceptDue(lastEvent(again).at, category('wage_arrears').acceptHours));
    expect(ms(again.acceptDueAt)).toBeGreaterThanOrEqual(ms(first.acceptDueAt));
    expect(assignmentsOf(again)).toEqual(['hrss:lead:returned', 'union:assisting:done', 'cityman:lead:pending'].sort());
  });

  it('an assisting unit returning only ends its own part', async () => {
    const c = await newCase({ categoryCode: 'wage_arrears' });
    await act('dispatcher', c.id, 'dispatch', { unitId: unit('hrss'), assistingUnitIds: [unit('union')] });
    const r = await act('handler_union', c.id, 'return', { reason: '工会无需参与。' });
    expect(r.status).toBe('dispatched');
    expect(r.leadUnit?.code).toBe('hrss');
    expect(assignmentsOf(r)).toEqual(['hrss:lead:pending', 'union:assisting:returned'].sort());
    expect(lastEvent(r)).toMatchObject({ code: 'case.returned', toStatus: 'dispatched', data: { role: 'assisting' } });
  });
});

describe('transfer', () => {
  it('moves the lead, keeps replyDueAt, marks the old lead assignment transferred and restarts the accept clock', async () => {
    const c = await newCase({ categoryCode: 'wage_arrears' });
    const d = await act('dispatcher', c.id, 'dispatch', { unitId: unit('hrss') });
    await act('handler', c.id, 'accept', {});
    const tr = await act('dispatcher', c.id, 'transfer', { unitId: unit('market'), reason: '涉及商户经营，转市场监管。' });
    expect(tr.status).toBe('dispatched');
    expect(tr.leadUnit?.code).toBe('market');
    expect(tr.replyDueAt).toBe(d.replyDueAt);
    expect(tr.acceptDueAt).toBe(acceptDue(lastEvent(tr).at, category('wage_arrears').acceptHours));
    expect(assignmentsOf(tr)).toEqual(['hrss:lead:transferred', 'market:lead:pending'].sort());
    expect(lastEvent(tr)).toMatchObject({
      code: 'case.transferred', fromStatus: 'accepted', toStatus: 'dispatched', actor: { username: 'dispatcher' },
      data: { fromUnit: { code: 'hrss' }, toUnit: { code: 'market' }, reason: '涉及商户经营，转市场监管。' },
    });
    // The new lead unit may accept; the old one no longer may.
    expect((await view('handler_market', c.id)).allowedActions).toContain('accept');
    expect((await view('handler', c.id)).allowedActions).not.toContain('accept');
  });

  it('the lead unit leader may transfer its own case', async () => {
    const c = await newCase({ categoryCode: 'wage_arrears' });
    await act('dispatcher', c.id, 'dispatch', { unitId: unit('hrss') });
    expect((await view('leader', c.id)).allowedActions).toContain('transfer');
    const tr = await act('leader', c.id, 'transfer', { unitId: unit('union'), reason: '劳动争议由工会调解。' });
    expect(tr.leadUnit?.code).toBe('union');
    expect(lastEvent(tr).actor?.username).toBe('leader');
  });
});

describe('extensions', () => {
  const acceptedCase = async () => {
    const c = await newCase({ categoryCode: 'wage_arrears' });
    await act('dispatcher', c.id, 'dispatch', { unitId: unit('hrss') });
    return act('handler', c.id, 'accept', {});
  };

  it('request then approve adds exactly `days` working days to replyDueAt', async () => {
    const a = await acceptedCase();
    const req = await act('handler', a.id, 'request-extension', { days: 10, reason: '需要多部门联合调查。' });
    expect(req.status).toBe('accepted');
    expect(req.replyDueAt).toBe(a.replyDueAt);
    expect(req.pendingExtension).toMatchObject({ days: 10, reason: '需要多部门联合调查。' });
    expect(lastEvent(req)).toMatchObject({ code: 'case.extension_requested', data: { days: 10, reason: '需要多部门联合调查。' } });
    expect(req.allowedActions).not.toContain('request-extension');
    expect((await view('supervisor', a.id)).allowedActions).toContain('decide-extension');

    const ok = await act('supervisor', a.id, 'decide-extension', { isApproved: true, note: '同意' });
    expect(ok.status).toBe('accepted');
    expect(ok.replyDueAt).toBe(replyDue(a.replyDueAt as string, 10));
    expect(ms(ok.replyDueAt) - ms(a.replyDueAt)).toBeGreaterThanOrEqual(10 * DAY);
    expect(ok.pendingExtension).toBeNull();
    expect(lastEvent(ok)).toMatchObject({
      code: 'case.extension_decided', actor: { username: 'supervisor' },
      data: { isApproved: true, days: 10, note: '同意', replyDueAt: ok.replyDueAt },
    });
    expect((await view('supervisor', a.id)).allowedActions).not.toContain('decide-extension');
  });

  it('deny leaves replyDueAt as it was and clears the request', async () => {
    const a = await acceptedCase();
    await act('handler', a.id, 'request-extension', { days: 5, reason: '需要时间。' });
    const no = await act('supervisor', a.id, 'decide-extension', { isApproved: false });
    expect(no.replyDueAt).toBe(a.replyDueAt);
    expect(no.pendingExtension).toBeNull();
    expect(lastEvent(no)).toMatchObject({ code: 'case.extension_decided', data: { isApproved: false, days: 5 } });
    // A new request is possible again.
    expect((await view('handler', a.id)).allowedActions).toContain('request-extension');
  });
});

describe('contribute, reply, callback, close', () => {
  it('walks a joint case to the end with the right fields and events', async () => {
    const c = await newCase({ categoryCode: 'wage_arrears' });
    await act('dispatcher', c.id, 'dispatch', { unitId: unit('hrss'), assistingUnitIds: [unit('union')] });
    await act('handler', c.id, 'accept', {});
    const contributed = await act('handler_union', c.id, 'contribute', { text: '工会已约谈包工头。' });
    expect(contributed.status).toBe('accepted');
    expect(lastEvent(contributed)).toMatchObject({
      code: 'case.contributed', isInternal: true, actor: { username: 'handler_union' }, data: { unit: { code: 'union' }, text: '工会已约谈包工头。' },
    });

    const replied = await act('handler', c.id, 'reply', { text: '已追回工资一万元。', outcome: 'partly_resolved', amountRecoveredFen: 1_000_000 });
    expect(replied.status).toBe('replied');
    expect(replied.reply).toMatchObject({ text: '已追回工资一万元。', outcome: 'partly_resolved', at: lastEvent(replied).at });
    expect(replied.amountRecoveredFen).toBe(1_000_000);
    expect(assignmentsOf(replied)).toEqual(['hrss:lead:done', 'union:assisting:done'].sort());
    expect(lastEvent(replied)).toMatchObject({
      code: 'case.replied', fromStatus: 'accepted', toStatus: 'replied',
      data: { unit: { code: 'hrss' }, outcome: 'partly_resolved', text: '已追回工资一万元。', amountRecoveredFen: 1_000_000 },
    });
    expect((await view('agent', c.id)).allowedActions).toEqual(expect.arrayContaining(['callback', 'note']));
    expect((await view('dispatcher', c.id)).allowedActions).toEqual(expect.arrayContaining(['callback', 'reopen', 'close']));

    const cb = await act('agent', c.id, 'callback', { resolved: 'partly', satisfaction: 'fairly_satisfied', comment: '还差一部分' });
    expect(cb.status).toBe('callback_done');
    expect(cb.callback).toMatchObject({ resolved: 'partly', satisfaction: 'fairly_satisfied', comment: '还差一部分' });
    expect(lastEvent(cb)).toMatchObject({ code: 'case.callback_recorded', data: { resolved: 'partly', satisfaction: 'fairly_satisfied', comment: '还差一部分' } });

    const closed = await act('supervisor', c.id, 'close', {});
    expect(closed.status).toBe('closed');
    expect(lastEvent(closed)).toMatchObject({ code: 'case.closed', fromStatus: 'callback_done', toStatus: 'closed' });
    // Finished: only the requester's answer about publication and a wish for identity protection may still be
    // recorded (both outlive the case).
    expect(closed.allowedActions).toEqual(['record-consent', 'protect-identity']);
    expect((await view('admin', c.id)).allowedActions).toEqual(['record-consent', 'protect-identity']);
    expect((await view('handler', c.id)).allowedActions).toEqual([]);
    expect(closed.events.map((e) => e.seq)).toEqual(closed.events.map((_, i) => i + 1));
  });

  it('reopen of a replied case goes back to the same lead unit with a new reply limit', async () => {
    const c = await newCase({ categoryCode: 'wage_arrears' });
    const d = await act('dispatcher', c.id, 'dispatch', { unitId: unit('hrss') });
    await act('handler', c.id, 'accept', {});
    await act('handler', c.id, 'reply', { text: '已处理。', outcome: 'resolved' });
    const reopened = await act('supervisor', c.id, 'reopen', { reason: '群众反映仍未解决。' });
    expect(reopened).toMatchObject({ status: 'dispatched', reopenCount: 1, reply: null, callback: null, leadUnit: { code: 'hrss' } });
    expect(assignmentsOf(reopened)).toEqual(['hrss:lead:done', 'hrss:lead:pending'].sort());
    const event = lastEvent(reopened);
    expect(event).toMatchObject({ code: 'case.reopened', fromStatus: 'replied', toStatus: 'dispatched', data: { reason: '群众反映仍未解决。', round: 2, unit: { code: 'hrss' } } });
    expect(reopened.replyDueAt).toBe(replyDue(event.at, category('wage_arrears').replyDays));
    expect(ms(reopened.replyDueAt)).toBeGreaterThanOrEqual(ms(d.replyDueAt));
  });
});

describe('reject and resolve-on-intake', () => {
  it('reject → rejected with the rejection, and nothing more can be done', async () => {
    const c = await newCase();
    const r = await act('agent', c.id, 'reject', { reason: '该事项已进入诉讼程序。', advice: '请向法院咨询。' });
    expect(r.status).toBe('rejected');
    expect(r.rejection).toEqual({ reason: '该事项已进入诉讼程序。', advice: '请向法院咨询。' });
    expect(lastEvent(r)).toMatchObject({ code: 'case.rejected', fromStatus: 'registered', toStatus: 'rejected', data: { reason: '该事项已进入诉讼程序。', advice: '请向法院咨询。' } });
    expect(r.allowedActions).toEqual(['record-consent', 'protect-identity']);
    expect((await view('admin', c.id)).allowedActions).toEqual(['record-consent', 'protect-identity']);
  });

  it('reject without advice keeps advice null', async () => {
    const c = await newCase();
    const r = await act('dispatcher', c.id, 'reject', { reason: '重复诉求。' });
    expect(r.rejection).toEqual({ reason: '重复诉求。', advice: null });
  });

  it('resolve-on-intake → replied with the reply (outcome explained by default)', async () => {
    const c = await newCase();
    const r = await act('agent', c.id, 'resolve-on-intake', { text: '已当场解答社保缴费政策。' });
    expect(r.status).toBe('replied');
    expect(r.reply).toMatchObject({ text: '已当场解答社保缴费政策。', outcome: 'explained', at: lastEvent(r).at });
    expect(r.leadUnit).toBeNull();
    expect(r.assignments).toEqual([]);
    expect(lastEvent(r)).toMatchObject({ code: 'case.resolved_on_intake', fromStatus: 'registered', toStatus: 'replied', data: { text: '已当场解答社保缴费政策。', outcome: 'explained' } });
    expect(r.allowedActions).toContain('callback');

    const other = await newCase();
    const r2 = await act('dispatcher', other.id, 'resolve-on-intake', { text: '已转告相关部门。', outcome: 'referred' });
    expect(r2.reply?.outcome).toBe('referred');
  });

  it('reopen of a case resolved on intake goes back to registered', async () => {
    const c = await newCase();
    await act('agent', c.id, 'resolve-on-intake', { text: '已解答。' });
    const reopened = await act('dispatcher', c.id, 'reopen', { reason: '群众仍有疑问。' });
    expect(reopened).toMatchObject({ status: 'registered', reopenCount: 1, reply: null, leadUnit: null });
    expect(lastEvent(reopened)).toMatchObject({ code: 'case.reopened', fromStatus: 'replied', toStatus: 'registered', data: { reason: '群众仍有疑问。', round: 2, unit: null } });
    expect(reopened.allowedActions).toContain('dispatch');
    const dispatched = await act('dispatcher', c.id, 'dispatch', { unitId: unit('hrss') });
    expect(dispatched.status).toBe('dispatched');
  });
});

describe('supervise and note', () => {
  it('supervise sets isSupervised and the supervision, without changing the status', async () => {
    const c = await newCase({ categoryCode: 'wage_arrears' });
    await act('dispatcher', c.id, 'dispatch', { unitId: unit('hrss') });
    expect((await view('handler', c.id)).isSupervised).toBe(false);
    const dueBy = new Date(Date.now() + 3 * DAY).toISOString();
    const s = await act('supervisor', c.id, 'supervise', { dueBy, note: '请于三日内办结。' });
    expect(s.status).toBe('dispatched');
    expect(s.isSupervised).toBe(true);
    expect(s.supervision).toMatchObject({ dueBy, note: '请于三日内办结。', at: lastEvent(s).at });
    expect(lastEvent(s)).toMatchObject({ code: 'case.supervised', fromStatus: 'dispatched', toStatus: 'dispatched', data: { dueBy, note: '请于三日内办结。' } });
    // The handling unit sees the supervision too.
    expect((await view('handler', c.id)).supervision?.note).toBe('请于三日内办结。');
  });

  it('a date-only dueBy means the end of that day in China', async () => {
    const c = await newCase();
    const day = new Date(Date.now() + 8 * HOUR + 5 * DAY).toISOString().slice(0, 10);
    const s = await act('supervisor', c.id, 'supervise', { dueBy: day, note: '督办' });
    expect(s.supervision?.dueBy).toBe(new Date(`${day}T23:59:59+08:00`).toISOString());
  });

  it('a note is internal by default; isInternal:false makes it public; neither changes the status', async () => {
    const c = await newCase();
    const internal = await act('agent', c.id, 'note', { text: '诉求人情绪激动。' });
    expect(internal.status).toBe('registered');
    expect(lastEvent(internal)).toMatchObject({ code: 'case.noted', isInternal: true, fromStatus: 'registered', toStatus: 'registered', actor: { username: 'agent' }, data: { text: '诉求人情绪激动。' } });
    const open = await act('agent', c.id, 'note', { text: '已告知办理进度。', isInternal: false });
    expect(lastEvent(open)).toMatchObject({ code: 'case.noted', isInternal: false, data: { text: '已告知办理进度。' } });
    const explicit = await act('agent', c.id, 'note', { text: '内部备注。', isInternal: true });
    expect(lastEvent(explicit).isInternal).toBe(true);
    expect(explicit.events.map((e) => e.code)).toEqual(['case.registered', 'case.noted', 'case.noted', 'case.noted']);
  });
});

describe('merge', () => {
  it('merge → merged with masterId; the master gets a case.merged_into event and keeps its status', async () => {
    const master = await newCase({ title: '主件' });
    const dup = await newCase({ title: '重复件' });
    await act('dispatcher', dup.id, 'dispatch', { unitId: unit('hrss') });
    const masterBefore = await view('admin', master.id);

    const merged = await act('dispatcher', dup.id, 'merge', { masterId: master.id });
    expect(merged.status).toBe('merged');
    expect(merged.masterId).toBe(master.id);
    expect(assignmentsOf(merged)).toEqual(['hrss:lead:done'].sort());
    expect(lastEvent(merged)).toMatchObject({
      code: 'case.merged', fromStatus: 'dispatched', toStatus: 'merged', actor: { username: 'dispatcher' },
      data: { masterId: master.id, masterTrackingNo: master.trackingNo },
    });
    expect(merged.allowedActions).toEqual(['record-consent', 'protect-identity']);

    const masterAfter = await view('admin', master.id);
    expect(masterAfter.status).toBe(masterBefore.status);
    expect(masterAfter.masterId).toBeNull();
    expect(masterAfter.events).toHaveLength(masterBefore.events.length + 1);
    expect(lastEvent(masterAfter)).toMatchObject({
      code: 'case.merged_into', fromStatus: 'registered', toStatus: 'registered', actor: { username: 'dispatcher' },
      data: { caseId: dup.id, trackingNo: dup.trackingNo },
    });
    // The master can still be handled normally.
    expect((await act('dispatcher', master.id, 'dispatch', { unitId: unit('hrss') })).status).toBe('dispatched');
  });
});

describe('row locks', () => {
  it('an action does not wait for a transaction that only references the case (a foreign key check)', async () => {
    const c = await newCase({ title: '锁等待测试' });
    // What an event consumer's batch holds while it inserts notices or statistics rows for the case.
    await t.database.db.transaction().execute(async (trx) => {
      await sql`SELECT 1 FROM cases WHERE id = ${c.id} FOR KEY SHARE`.execute(trx);
      const outcome = await Promise.race([
        act('dispatcher', c.id, 'dispatch', { unitId: unit('cityman') }).then((d) => d.status),
        new Promise<string>((resolve) => setTimeout(() => resolve('still waiting after 5 s'), 5000)),
      ]);
      expect(outcome).toBe('dispatched');
    });
  });

  it('a locking read that waited for the lock sees the assignments its holder wrote', async () => {
    const c = await newCase({ title: '锁后读取' });
    const db = t.database.db;
    let release = () => {};
    const isReleased = new Promise<void>((resolve) => (release = resolve));
    let markInserted = () => {};
    const isInserted = new Promise<void>((resolve) => (markInserted = resolve));
    const holder = db.transaction().execute(async (trx) => {
      await sql`SELECT 1 FROM cases WHERE id = ${c.id} FOR NO KEY UPDATE`.execute(trx);
      await trx
        .insertInto('case_assignments')
        .values({ case_id: c.id, unit_id: unit('cityman'), role: 'lead', status: 'pending', assigned_by: null, assigned_at: new Date() })
        .execute();
      markInserted();
      await isReleased;
    });
    await isInserted;
    // Its statement starts (and takes its snapshot) while the holder's insert is not committed yet.
    const reader = db.transaction().execute((trx) => createCaseStore(trx).lockCase(c.id));
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    await holder;
    expect((await reader)?.assignments.map((a) => a.unitId)).toEqual([unit('cityman')]);
  });
});
