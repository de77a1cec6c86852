import { describe, expect, it } from 'vitest';
import { withWorkflow } from '../../src/db/case.repository.js';
import { useCaseWorld } from '../helpers/case-world.js';

// Holding a case while it waits on the requester (待群众补充), docs/time-limits.md. Due dates below are
// hand-checked on the Tibet calendar (no holiday from 2026-11-23 to 2026-12-31; working hours 09:00–12:00 and
// 13:30–17:30, 7 h a day).

type Event = { code: string; actorKind: string; data: Record<string, unknown> };
type Detail = {
  id: string;
  trackingNo: string;
  accessCode?: string;
  status: string;
  replyDueAt: string | null;
  hold: { reason: string; fromStatus: string } | null;
  publicStatus: string;
  allowedActions: string[];
  events: Event[];
};
type Sla = { targets: { target: string; dueAt: string; text: string; explanation: { pauses: unknown[]; pausedSince?: string | null } }[] };

const local = (iso: string): number => new Date(`${iso}+08:00`).getTime();
let clock = local('2026-11-23T09:00');
const world = useCaseWorld<Detail>({ now: () => new Date(clock) });
const { act, view, runJobs, acceptedCase } = world;

const sla = async (id: string, lang: string): Promise<Sla> => (await world.t.call('admin', 'GET', `/api/v1/cases/${id}/sla?lang=${lang}`)).json() as Sla;
const count = (d: Detail, code: string) => d.events.filter((e) => e.code === code).length;
const addInformation = (c: Detail, text: string, accessCode = c.accessCode) =>
  world.t.call(null, 'POST', `/api/v1/public/cases/${c.trackingNo}/information`, { accessCode, text });

describe('on hold waiting for the requester, with the clock paused', () => {
  it('pauses the reply clock, tells the requester, resumes when they add information and moves the due date', async () => {
    const c = await acceptedCase();
    // 7 working days from Monday 11-23: Wednesday 12-02 17:30.
    expect((await view('handler', c.id)).replyDueAt).toBe(new Date(local('2026-12-02T17:30')).toISOString());

    clock = local('2026-11-24T10:00');
    const held = await act('handler', c.id, 'hold', { reason: '请补充劳动合同或工资条复印件' });
    expect(held).toMatchObject({ status: 'on_hold', hold: { reason: '请补充劳动合同或工资条复印件', fromStatus: 'accepted' }, publicStatus: 'waiting_for_you' });
    expect(held.events.at(-1)).toMatchObject({ code: 'case.put_on_hold', data: { isClockPaused: true } });
    expect(held.allowedActions).toEqual(expect.arrayContaining(['note', 'resume']));
    expect(held.allowedActions).not.toContain('reply');
    expect((await world.t.call('handler', 'POST', `/api/v1/cases/${c.id}/reply`, { text: '答复', outcome: 'resolved' })).statusCode).toBe(409);
    // "Why is it due then" says the clock stands still.
    const paused = (await sla(c.id, 'zh-Hans')).targets.find((x) => x.target === 'reply');
    expect(paused?.explanation.pausedSince).toBe(new Date(clock).toISOString());
    expect(paused?.text).toContain('自2026-11-24 10:00起等待群众补充材料，暂停计时');
    const pub = (await world.t.call(null, 'GET', `/api/v1/public/cases/${c.trackingNo}?accessCode=${c.accessCode}`)).json() as Record<string, unknown>;
    expect(pub).toMatchObject({ status: 'on_hold', publicStatus: 'waiting_for_you', waitingFor: '请补充劳动合同或工资条复印件', canAddInformation: true });

    // The old due date passes while the case waits: its timers find it on hold and do nothing.
    clock = local('2026-12-02T18:00');
    await runJobs();
    const waiting = await view('handler', c.id);
    expect(count(waiting, 'case.overdue') + count(waiting, 'case.sla_warning')).toBe(0);

    // The requester adds the contract on Thursday 12-03 10:00: 49 working hours (7 days) paused.
    clock = local('2026-12-03T10:00');
    const added = await addInformation(c, '已补充：劳动合同照片已交到窗口');
    expect(added.statusCode, added.body).toBe(200);
    expect(added.json()).toMatchObject({ status: 'accepted', publicStatus: 'in_progress', waitingFor: null });
    const resumed = await view('handler', c.id);
    expect(resumed.events.slice(-2)).toMatchObject([
      { code: 'case.information_added', actorKind: 'requester', data: { text: '已补充：劳动合同照片已交到窗口', wasOnHold: true } },
      { code: 'case.resumed', actorKind: 'requester', data: { source: 'requester', isClockPaused: true } },
    ]);
    // Wednesday 12-02 17:30 + 7 working days = Friday 12-11 17:30.
    expect(resumed.replyDueAt).toBe(new Date(local('2026-12-11T17:30')).toISOString());
    expect(resumed.hold).toBeNull();
    const explained = await sla(c.id, 'zh-Hans');
    const reply = explained.targets.find((x) => x.target === 'reply');
    expect(reply?.explanation.pauses).toEqual([{ from: new Date(local('2026-11-24T10:00')).toISOString(), to: new Date(clock).toISOString(), lostMillis: 49 * 3_600_000 }]);
    expect(reply?.text).toContain('2026-11-24 10:00至2026-12-03 10:00等待群众补充材料，暂停计时（顺延49个工作小时）。');
    expect((await sla(c.id, 'en')).targets.find((x) => x.target === 'reply')?.text).toContain('the clock was paused (49 working hours added)');
    expect((await sla(c.id, 'bo')).targets.find((x) => x.target === 'reply')?.text).toContain('དུས་ཚོད་མཚམས་བཞག');

    // New timers: the overdue fires once, at the new due date.
    clock = local('2026-12-11T17:31');
    await runJobs();
    await runJobs();
    const late = await view('handler', c.id);
    expect(count(late, 'case.overdue')).toBe(1);
    expect(late.events.find((e) => e.code === 'case.overdue')?.data).toMatchObject({ target: 'reply', dueAt: resumed.replyDueAt });
  });

  it('refuses bad input and the wrong people, changing nothing', async () => {
    clock = local('2026-11-23T09:00');
    const c = await acceptedCase();
    const before = await view('handler', c.id);
    const blank = await world.t.call('handler', 'POST', `/api/v1/cases/${c.id}/hold`, { reason: '  ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json()).toMatchObject({ error: { code: 'validation.failed' } });
    expect((await world.t.call('handler_city', 'POST', `/api/v1/cases/${c.id}/hold`, { reason: '补充材料' })).statusCode).toBe(404);
    expect((await view('handler', c.id)).events).toHaveLength(before.events.length);

    await act('handler', c.id, 'hold', { reason: '补充材料' });
    // The intake desk sees the case but does not handle it: only the lead unit resumes what it put on hold.
    const agentResume = await world.t.call('agent', 'POST', `/api/v1/cases/${c.id}/resume`, {});
    expect(agentResume.statusCode).toBe(403);
    expect(agentResume.json()).toMatchObject({ error: { code: 'case.not_assigned' } });
    expect((await addInformation(c, '补充', '00000000')).json()).toMatchObject({ error: { code: 'case.access_code_invalid' } });
    expect((await view('handler', c.id)).status).toBe('on_hold');
    const back = await act('handler', c.id, 'resume', { note: '群众电话补充了情况' });
    expect(back).toMatchObject({ status: 'accepted', hold: null });
    expect(back.events.at(-1)).toMatchObject({ code: 'case.resumed', data: { source: 'staff', note: '群众电话补充了情况' } });

    // A finished case takes no more information.
    await act('handler', c.id, 'reply', { text: '已处理', outcome: 'resolved' });
    await act('dispatcher', c.id, 'close');
    const closed = await addInformation(c, '还有补充');
    expect(closed.statusCode).toBe(409);
    expect(closed.json()).toMatchObject({ error: { code: 'case.information_not_allowed' } });
  });

  it('the intake desk holds a case before dispatch', async () => {
    const res = await world.t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'help', title: '求助', description: '地址不清' });
    const c = res.json() as Detail;
    const held = await act('agent', c.id, 'hold', { reason: '请告诉我们详细地址' });
    expect(held).toMatchObject({ status: 'on_hold', hold: { fromStatus: 'registered' } });
    expect(await act('agent', c.id, 'resume')).toMatchObject({ status: 'registered' });
  });
});

describe('a policy that does not count the hold as paused', () => {
  it('keeps the due date, and the timers set again on resume still fire', async () => {
    await withWorkflow(world.t.database.db)
      .insertInto('sla_policies')
      .values({
        code: 'report_clock_runs',
        name: JSON.stringify({ 'zh-Hans': '举报类', bo: 'གསལ་སྙན།', en: 'Reports' }),
        targets: JSON.stringify({ accept: { amount: 24, mode: 'working_hours' }, reply: { amount: 5, mode: 'working_days' } }),
        kind: 'report',
        paused_statuses: [],
        priority: 5,
      })
      .execute();
    clock = local('2026-11-23T09:00');
    const c = await acceptedCase({ kind: 'report', categoryId: undefined });
    const due = (await view('handler', c.id)).replyDueAt;
    // 5 working days from Monday 11-23: Monday 11-30 17:30.
    expect(due).toBe(new Date(local('2026-11-30T17:30')).toISOString());
    clock = local('2026-11-24T10:00');
    expect((await act('handler', c.id, 'hold', { reason: '请补充证据' })).events.at(-1)?.data).toMatchObject({ isClockPaused: false });
    clock = local('2026-12-01T10:00');
    await runJobs();
    expect(count(await view('handler', c.id), 'case.overdue')).toBe(0);
    const back = await act('handler', c.id, 'resume');
    expect(back.replyDueAt).toBe(due);
    expect(back.events.at(-1)?.data).toMatchObject({ isClockPaused: false });
    await runJobs();
    await runJobs();
    expect(count(await view('handler', c.id), 'case.overdue')).toBe(1);
  });
});
