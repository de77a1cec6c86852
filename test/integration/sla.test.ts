import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addNaturalDays } from '../../src/core/calendar/calendar.js';
import { tibetRegionCalendar } from '../../src/core/calendar/tibet-calendar.js';
import { countPendingJobs } from '../../src/db/jobs.repository.js';
import { jobHandlers } from '../../src/jobs/handlers.js';
import { runDueJobs } from '../../src/jobs/job-runner.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

type Body = Record<string, unknown> & {
  id: string;
  status: string;
  createdAt: string;
  acceptDueAt: string | null;
  replyDueAt: string | null;
  isSupervised: boolean;
  slaState: string;
  supervision: { isAutomatic: boolean; response: string | null; outcome: string | null; urgeCount: number } | null;
  events: { code: string; at: string; actorKind: string; data: Record<string, unknown> }[];
};

const HOUR = 3600_000;
const TIBET = tibetRegionCalendar({ losarDays: 7, shotonDays: 3 });
let clock = Date.now();
let t: TestApp;
const units = new Map<string, string>();
const categories = new Map<string, string>();

beforeAll(async () => {
  // Sessions outlive the clock jumps below.
  t = await createTestApp({ now: () => new Date(clock), sessionTtlHours: 24 * 365 });
  for (const u of ((await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] }).items) units.set(u.code, u.id);
  for (const c of ((await t.call(null, 'GET', '/api/v1/categories')).json() as { items: { id: string; code: string }[] }).items) categories.set(c.code, c.id);
});
afterAll(async () => {
  await t.close();
});

const act = async (user: string, id: string, action: string, body: unknown = {}): Promise<Body> => {
  const res = await t.call(user, 'POST', `/api/v1/cases/${id}/${action}`, body);
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
  return res.json() as Body;
};
const register = async (body: Record<string, unknown> = {}): Promise<Body> => {
  const res = await t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'complaint', title: '时限测试', description: '时限测试', ...body });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as Body;
};
const runJobs = () => runDueJobs(t.database.db, jobHandlers, () => new Date(clock));
const codes = (c: Body) => c.events.map((e) => e.code);

describe('due dates and their explanation', () => {
  it('explains each due date in Chinese, Tibetan and English', async () => {
    const c = await register({ categoryId: categories.get('wage_arrears') });
    await act('dispatcher', c.id, 'dispatch', { unitId: units.get('hrss') });
    const zh = (await t.call('dispatcher', 'GET', `/api/v1/cases/${c.id}/sla?lang=zh-Hans`)).json() as {
      policy: { code: string; name: string }; calendar: string; state: string;
      targets: { target: string; dueAt: string; state: string; text: string; explanation: { mode: string; amount: number; policyId: string } }[];
    };
    expect(zh.policy).toEqual({ code: 'category_wage_arrears', name: '拖欠工资' });
    expect(zh.calendar).toBe('xizang');
    expect(zh.targets.map((x) => x.target)).toEqual(['accept', 'reply']);
    const reply = zh.targets.find((x) => x.target === 'reply');
    expect(reply?.explanation).toMatchObject({ mode: 'working_days', amount: 7, policyId: 'category_wage_arrears' });
    expect(reply?.text).toContain('7个工作日');
    expect(reply?.state).toBe('ok');
    const bo = (await t.call('dispatcher', 'GET', `/api/v1/cases/${c.id}/sla?lang=bo`)).json() as { targets: { text: string }[] };
    expect(bo.targets[1]?.text).toMatch(/ལས་ཉིན་ 7/);
    const en = (await t.call('dispatcher', 'GET', `/api/v1/cases/${c.id}/sla?lang=en`)).json() as { targets: { text: string }[] };
    expect(en.targets[1]?.text).toContain('7 working days');
  });

  it('is refused without a login and hidden outside the caller\'s scope', async () => {
    const c = await register();
    await act('dispatcher', c.id, 'dispatch', { unitId: units.get('hrss') });
    expect((await t.call(null, 'GET', `/api/v1/cases/${c.id}/sla`)).statusCode).toBe(401);
    const hidden = await t.call('handler_city', 'GET', `/api/v1/cases/${c.id}/sla`);
    expect(hidden.statusCode).toBe(404);
    expect(hidden.json()).toMatchObject({ error: { code: 'case.not_found' } });
  });

  it('petitions follow the statutory natural-day limits: 15 days to accept, 60 from acceptance, at most 30 more', async () => {
    const c = await register({ channel: 'petition', categoryId: categories.get('petition_matter') });
    const d = await act('dispatcher', c.id, 'dispatch', { unitId: units.get('petition') });
    const dispatchedAt = d.events.at(-1)?.at ?? '';
    expect(d.acceptDueAt).toBe(addNaturalDays(TIBET, new Date(dispatchedAt), 15).toISOString());
    expect(d.replyDueAt).toBeNull();
    const a = await act('admin', c.id, 'accept');
    const acceptedAt = a.events.at(-1)?.at ?? '';
    expect(a.replyDueAt).toBe(addNaturalDays(TIBET, new Date(acceptedAt), 60).toISOString());
    const tooLong = await t.call('admin', 'POST', `/api/v1/cases/${c.id}/request-extension`, { days: 31, reason: '案情复杂' });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json()).toMatchObject({ error: { code: 'validation.failed', details: { issues: [{ path: 'body.days' }] } } });
    await act('admin', c.id, 'request-extension', { days: 30, reason: '案情复杂' });
    const ok = await act('supervisor', c.id, 'decide-extension', { isApproved: true });
    expect(new Date(ok.replyDueAt ?? 0).getTime()).toBeGreaterThanOrEqual(new Date(a.replyDueAt ?? 0).getTime() + 30 * 24 * HOUR);
    const sla = (await t.call('admin', 'GET', `/api/v1/cases/${c.id}/sla?lang=en`)).json() as { policy: { code: string }; targets: { target: string; text: string }[] };
    // Channel and category policies are equally specific: the tie is broken by code, deterministically.
    expect(sla.policy.code).toBe('petition_channel');
    expect(sla.targets.find((x) => x.target === 'reply')?.text).toContain('Extended from the earlier due time');
  });
});

describe('calendar days', () => {
  it('shows national holidays, swapped working days and Losar, in the reader\'s language', async () => {
    const res = await t.call(null, 'GET', '/api/v1/calendar/days?from=2026-09-19&to=2026-10-11&lang=en');
    expect(res.statusCode).toBe(200);
    const days = new Map((res.json() as { items: { date: string; isWorkday: boolean; holiday: { code: string; name: string } | null }[] }).items.map((d) => [d.date, d]));
    expect(days.size).toBe(23);
    expect(days.get('2026-10-01')).toMatchObject({ isWorkday: false, holiday: { code: 'national_day', name: 'National Day' } });
    expect(days.get('2026-10-07')?.isWorkday).toBe(false);
    expect(days.get('2026-10-08')?.isWorkday).toBe(true);
    expect(days.get('2026-10-10')).toMatchObject({ isWorkday: true, holiday: { code: 'swapped_workday' } });
    expect(days.get('2026-09-20')).toMatchObject({ isWorkday: true, holiday: { code: 'swapped_workday' } });
    expect(days.get('2026-09-19')).toMatchObject({ isWorkday: false, holiday: null });
    const losar = (await t.call(null, 'GET', '/api/v1/calendar/days?from=2023-02-21&to=2023-02-21&lang=bo')).json() as { items: { holiday: { code: string; name: string } }[] };
    expect(losar.items[0]?.holiday).toEqual({ code: 'losar', name: 'བོད་ལོ་གསར།' });
  });

  it('refuses a bad range and an unknown unit', async () => {
    expect((await t.call(null, 'GET', '/api/v1/calendar/days?from=2026-10-10&to=2026-10-01')).statusCode).toBe(400);
    expect((await t.call(null, 'GET', '/api/v1/calendar/days?from=2026-01-01&to=2027-12-31')).statusCode).toBe(400);
    expect((await t.call(null, 'GET', '/api/v1/calendar/days?from=2026-1-1&to=2026-01-02')).statusCode).toBe(400);
    const unknown = await t.call(null, 'GET', '/api/v1/calendar/days?from=2026-01-01&to=2026-01-02&unit=00000000-0000-4000-8000-000000000000');
    expect(unknown.statusCode).toBe(404);
  });
});

describe('timers: warnings, overdue and escalation', () => {
  it('fire once each when time passes, escalate an overdue acceptance to supervision, and never twice', async () => {
    const c = await register({ categoryId: categories.get('heating_water') });
    const d = await act('dispatcher', c.id, 'dispatch', { unitId: units.get('cityman') });
    expect(await countPendingJobs(t.database.db, 'case.sla_timer')).toBeGreaterThanOrEqual(4);
    const acceptDue = new Date(d.acceptDueAt ?? 0).getTime();

    clock = acceptDue + 60_000;
    await runJobs();
    const after = (await t.call('dispatcher', 'GET', `/api/v1/cases/${c.id}`)).json() as Body;
    expect(codes(after).filter((code) => code === 'case.sla_warning')).toHaveLength(1);
    expect(codes(after).filter((code) => code === 'case.overdue')).toHaveLength(1);
    expect(after.events.find((e) => e.code === 'case.overdue')).toMatchObject({ actorKind: 'system', data: { target: 'accept' } });
    expect(after.isSupervised).toBe(true);
    expect(after.supervision).toMatchObject({ isAutomatic: true });
    expect(after.slaState).toBe('overdue');

    // Again, and as a freshly started worker would: nothing fires a second time.
    await runJobs();
    await runDueJobs(t.database.db, jobHandlers, () => new Date(clock));
    const again = (await t.call('dispatcher', 'GET', `/api/v1/cases/${c.id}`)).json() as Body;
    expect(again.events).toHaveLength(after.events.length);
  });

  it('a timer made stale by the case moving on does nothing', async () => {
    const c = await register({ categoryId: categories.get('heating_water') });
    const d = await act('dispatcher', c.id, 'dispatch', { unitId: units.get('cityman') });
    await act('handler_city', c.id, 'accept');
    clock = new Date(d.acceptDueAt ?? 0).getTime() + 60_000;
    await runJobs();
    const after = (await t.call('dispatcher', 'GET', `/api/v1/cases/${c.id}`)).json() as Body;
    expect(after.events.filter((e) => e.code === 'case.overdue' && e.data.target === 'accept')).toHaveLength(0);
  });
});

describe('supervision work', () => {
  it('urge, the unit\'s written response and the supervisor\'s conclusion are recorded; a concluded case leaves the list', async () => {
    clock = Date.now();
    const c = await register({ categoryId: categories.get('wage_arrears') });
    await act('dispatcher', c.id, 'dispatch', { unitId: units.get('hrss') });
    await act('handler', c.id, 'accept');
    const refused = await t.call('handler', 'POST', `/api/v1/cases/${c.id}/respond-supervision`, { text: '已办理' });
    expect(refused.statusCode).toBe(409);
    await act('supervisor', c.id, 'supervise', { dueBy: new Date(clock + 72 * HOUR).toISOString(), note: '请三日内办结' });
    const urged = await act('supervisor', c.id, 'urge', { message: '请加快办理' });
    expect(urged.supervision?.urgeCount).toBe(1);
    const responded = await act('handler', c.id, 'respond-supervision', { text: '已约谈用人单位，本周内支付。' });
    expect(responded.supervision?.response).toBe('已约谈用人单位，本周内支付。');
    const listed = (await t.call('supervisor', 'GET', '/api/v1/cases?supervised=true&pageSize=100')).json() as { items: { id: string }[] };
    expect(listed.items.map((i) => i.id)).toContain(c.id);
    const concluded = await act('supervisor', c.id, 'conclude-supervision', { outcome: 'resolved', note: '督办事项已落实' });
    expect(concluded.isSupervised).toBe(false);
    expect(concluded.supervision?.outcome).toBe('resolved');
    expect(codes(concluded).slice(-4)).toEqual(['case.supervised', 'case.urged', 'case.supervision_responded', 'case.supervision_concluded']);
    const relisted = (await t.call('supervisor', 'GET', '/api/v1/cases?supervised=true&pageSize=100')).json() as { items: { id: string }[] };
    expect(relisted.items.map((i) => i.id)).not.toContain(c.id);
    expect((await t.call('handler', 'POST', `/api/v1/cases/${c.id}/urge`, { message: 'x' })).statusCode).toBe(403);
  });
});
