import { describe, expect, it } from 'vitest';
import { withWorkflow } from '../../src/db/case.repository.js';
import { useCaseWorld } from '../helpers/case-world.js';

// The reopen policy (重办), docs/notifications.md: "not solved" becomes a request that staff decide; rounds are
// limited per policy (beyond: supervision); a closed case can be reopened on request only within the window.

type Event = { code: string; fromStatus: string | null; toStatus: string | null; actorKind: string; data: Record<string, unknown> };
type Detail = {
  id: string;
  trackingNo: string;
  accessCode?: string;
  status: string;
  reopenCount: number;
  leadUnit: { code: string } | null;
  replyDueAt: string | null;
  isSupervised: boolean;
  publicStatus: string;
  reopenRequest: { reason: string; source: string } | null;
  reopenDecision: { decision: string; note: string | null } | null;
  reopenWindowEndsAt: string | null;
  supervision: { isAutomatic: boolean } | null;
  allowedActions: string[];
  events: Event[];
};
type PublicView = {
  status: string;
  publicStatus: string;
  reopen: { state: string; note: string | null } | null;
  canRequestReopen: boolean;
  timeline: { code: string }[];
};

const DAY = 86_400_000;
// Monday 2026-11-23 09:00 in Lhasa (UTC+8): no holiday in the weeks the tests run through.
let clock = new Date('2026-11-23T01:00:00Z').getTime();
const world = useCaseWorld<Detail>({ now: () => new Date(clock) });
const { units, act, view } = world;

const track = async (c: Detail): Promise<PublicView> => {
  const res = await world.t.call(null, 'GET', `/api/v1/public/cases/${c.trackingNo}?accessCode=${c.accessCode}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as PublicView;
};
const askPublic = (c: Detail, reason: string, accessCode = c.accessCode) =>
  world.t.call(null, 'POST', `/api/v1/public/cases/${c.trackingNo}/reopen-request`, { accessCode, reason });
const codes = (d: Detail) => d.events.map((e) => e.code);

/** A complaint handled by hrss and replied. */
const replied = async (kind = 'complaint'): Promise<Detail> => {
  const res = await world.t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind, title: '工资拖欠', description: '老板拖欠三个月工资' });
  expect(res.statusCode, res.body).toBe(201);
  const c = res.json() as Detail;
  await act('dispatcher', c.id, 'dispatch', { unitId: units.get('hrss') });
  await act('handler', c.id, 'accept');
  await act('handler', c.id, 'reply', { text: '经调查已责令支付。', outcome: 'resolved' });
  return c;
};

describe('a "not solved" callback', () => {
  it('records a pending request that a supervisor approves: back to the same unit, a new round', async () => {
    const c = await replied();
    const called = await act('agent', c.id, 'callback', { resolved: 'no', satisfaction: 'dissatisfied', comment: '钱还没到手' });
    expect(called).toMatchObject({ status: 'callback_done', reopenRequest: { reason: '钱还没到手', source: 'callback' }, publicStatus: 'reopen_requested' });
    expect(codes(called).slice(-2)).toEqual(['case.callback_recorded', 'case.reopen_requested']);
    expect(called.events.at(-1)?.data).toMatchObject({ source: 'callback', round: 2, maxRounds: 2, isEscalated: false });
    // Nobody can close it over the requester's head while the request waits.
    const forSupervisor = await view('supervisor', c.id);
    expect(forSupervisor.allowedActions).toContain('decide-reopen');
    expect(forSupervisor.allowedActions).not.toContain('request-reopen');
    expect(forSupervisor.allowedActions).not.toContain('close');
    expect((await world.t.call('dispatcher', 'POST', `/api/v1/cases/${c.id}/close`, {})).statusCode).toBe(409);
    // It waits on the dispatchers and supervisors ("mine"), whatever the status.
    const mine = (await world.t.call('supervisor', 'GET', '/api/v1/cases?mine=true&pageSize=100')).json() as { items: { id: string }[] };
    expect(mine.items.map((i) => i.id)).toContain(c.id);
    // A unit handler may not decide.
    expect((await world.t.call('handler', 'POST', `/api/v1/cases/${c.id}/decide-reopen`, { isApproved: true })).statusCode).toBe(403);

    clock += 3_600_000;
    const approved = await act('supervisor', c.id, 'decide-reopen', { isApproved: true, note: '请重新核查' });
    expect(approved).toMatchObject({ status: 'dispatched', reopenCount: 1, leadUnit: { code: 'hrss' }, reopenRequest: null, reopenDecision: { decision: 'approved' } });
    expect(approved.publicStatus).toBe('reopened');
    const [decided, reopened] = approved.events.slice(-2);
    expect(decided).toMatchObject({ code: 'case.reopen_decided', fromStatus: 'callback_done', toStatus: 'callback_done', data: { isApproved: true, reason: '钱还没到手', source: 'callback' } });
    expect(reopened).toMatchObject({ code: 'case.reopened', fromStatus: 'callback_done', toStatus: 'dispatched', data: { reason: '钱还没到手', round: 2, unit: { code: 'hrss' } } });
    expect(new Date(approved.replyDueAt ?? 0).getTime()).toBeGreaterThan(clock);
    // The existing notification path: the unit hears about the reopening in the app.
    await world.t.runBackground();
    const notices = await world.t.database.db.selectFrom('staff_notifications').select('code').where('case_id', '=', c.id).where('code', '=', 'case.reopened').execute();
    expect(notices.length).toBeGreaterThan(0);
  }, 90_000);

  it('a declined request needs a reason for the requester; then the case is honestly "not resolved"', async () => {
    const c = await replied();
    await act('agent', c.id, 'callback', { resolved: 'no', satisfaction: 'dissatisfied' });
    const before = await view('dispatcher', c.id);
    const bad = await world.t.call('dispatcher', 'POST', `/api/v1/cases/${c.id}/decide-reopen`, { isApproved: false });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'validation.failed' } });
    expect((await view('dispatcher', c.id)).events).toHaveLength(before.events.length);

    const declined = await act('dispatcher', c.id, 'decide-reopen', { isApproved: false, note: '工资已由法院执行，请关注执行进度' });
    expect(declined).toMatchObject({ status: 'callback_done', reopenCount: 0, reopenRequest: null, reopenDecision: { decision: 'declined', note: '工资已由法院执行，请关注执行进度' } });
    expect(declined.events.at(-1)).toMatchObject({ code: 'case.reopen_decided', data: { isApproved: false, note: '工资已由法院执行，请关注执行进度' } });
    const closed = await act('dispatcher', c.id, 'close');
    const pub = await track(c);
    expect(pub).toMatchObject({ status: 'closed', publicStatus: 'not_resolved', reopen: { state: 'declined', note: '工资已由法院执行，请关注执行进度' } });
    expect(closed.reopenWindowEndsAt).toBe(new Date(clock + 30 * DAY).toISOString());
  });
});

describe('the requester on the tracking page', () => {
  it('asks to reopen a closed case within the window, not after; wrong code and unanswered cases are refused', async () => {
    const start = clock;
    const c = await replied();
    expect((await track(c)).publicStatus).toBe('replied_awaiting_feedback');
    await act('dispatcher', c.id, 'close');
    const closedView = await track(c);
    expect(closedView).toMatchObject({ publicStatus: 'closed_unconfirmed', canRequestReopen: true });

    expect((await askPublic(c, '没解决', '00000000')).json()).toMatchObject({ error: { code: 'case.access_code_invalid' } });
    const blank = await askPublic(c, '   ');
    expect(blank.statusCode).toBe(400);

    clock = start + 29 * DAY;
    const asked = await askPublic(c, '问题依旧，工资没有发');
    expect(asked.statusCode, asked.body).toBe(200);
    expect(asked.json()).toMatchObject({ status: 'closed', publicStatus: 'reopen_requested', reopen: { state: 'pending' }, canRequestReopen: false });
    const staff = await view('supervisor', c.id);
    expect(staff.events.at(-1)).toMatchObject({ code: 'case.reopen_requested', actorKind: 'requester', data: { reason: '问题依旧，工资没有发', source: 'requester' } });
    // Twice: refused, nothing added.
    const again = await askPublic(c, '再问一次');
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'case.reopen_not_allowed', details: { reason: 'pending' } } });
    expect((await view('supervisor', c.id)).events).toHaveLength(staff.events.length);
    // Approving reopens the closed case.
    const approved = await act('supervisor', c.id, 'decide-reopen', { isApproved: true });
    expect(approved).toMatchObject({ status: 'dispatched', reopenWindowEndsAt: null });
    expect((await track(c)).publicStatus).toBe('reopened');

    // Another case, closed, and asked about 31 days later: too late.
    clock = start;
    const late = await replied();
    await act('dispatcher', late.id, 'close');
    clock = start + 31 * DAY;
    const refused = await askPublic(late, '没解决');
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: { code: 'case.reopen_not_allowed', details: { reason: 'window_closed' } } });
    expect((await track(late)).canRequestReopen).toBe(false);
    expect((await view('dispatcher', late.id)).allowedActions).toEqual(['record-consent', 'protect-identity']);
    clock = start;

    // Before any reply there is nothing to reopen.
    const fresh = (await world.t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'help', title: '求助', description: '求助' })).json() as Detail;
    expect((await askPublic(fresh, '没解决')).json()).toMatchObject({ error: { code: 'case.reopen_not_allowed', details: { reason: 'status' } } });
  });

  it('a "not solved" rating is a request to reopen as well', async () => {
    const c = await replied();
    const res = await world.t.call(null, 'POST', `/api/v1/public/cases/${c.trackingNo}/rating`, { accessCode: c.accessCode, resolved: 'no', satisfaction: 'dissatisfied', comment: '没有人联系我' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ publicStatus: 'reopen_requested' });
    const staff = await view('dispatcher', c.id);
    expect(codes(staff).slice(-2)).toEqual(['case.rated', 'case.reopen_requested']);
    expect(staff.reopenRequest).toMatchObject({ source: 'rating', reason: '没有人联系我' });
  });
});

describe('rounds', () => {
  it('after the rounds the policy allows (default 2), a request goes to supervision and cannot be approved', async () => {
    const c = await replied();
    for (let round = 1; round <= 2; round += 1) {
      await act('agent', c.id, 'request-reopen', { reason: `第${round}次不满意` });
      await act('supervisor', c.id, 'decide-reopen', { isApproved: true });
      await act('handler', c.id, 'accept');
      await act('handler', c.id, 'reply', { text: `第${round + 1}次答复`, outcome: 'resolved' });
    }
    const escalated = await act('agent', c.id, 'request-reopen', { reason: '第三次不满意' });
    expect(escalated).toMatchObject({ status: 'replied', reopenCount: 2, reopenRequest: null, reopenDecision: { decision: 'escalated' }, isSupervised: true, publicStatus: 'reopen_escalated' });
    expect(escalated.supervision).toMatchObject({ isAutomatic: true });
    expect(escalated.events.slice(-2)).toMatchObject([
      { code: 'case.reopen_requested', data: { round: 4, maxRounds: 2, isEscalated: true } },
      { code: 'case.supervised', actorKind: 'system', data: { isAutomatic: true, reason: 'reopen_limit_reached' } },
    ]);
    expect(escalated.allowedActions).not.toContain('decide-reopen');
    const direct = await world.t.call('supervisor', 'POST', `/api/v1/cases/${c.id}/reopen`, { reason: '再办一次' });
    expect(direct.statusCode).toBe(409);
    expect(direct.json()).toMatchObject({ error: { code: 'case.reopen_limit_reached', details: { reopenCount: 2, maxRounds: 2 } } });
    expect((await view('supervisor', c.id)).status).toBe('replied');
  });

  it('the number of rounds is configured per policy (here: none for suggestions)', async () => {
    await withWorkflow(world.t.database.db)
      .insertInto('sla_policies')
      .values({
        code: 'suggestion_no_reopen',
        name: JSON.stringify({ 'zh-Hans': '建议类', bo: 'གྲོས་འཆར།', en: 'Suggestions' }),
        targets: JSON.stringify({ accept: { amount: 24, mode: 'working_hours' }, reply: { amount: 10, mode: 'working_days' } }),
        kind: 'suggestion',
        max_reopen_rounds: 0,
        priority: 5,
      })
      .execute();
    const c = await replied('suggestion');
    const res = await askPublic(c, '建议没有被采纳');
    expect(res.json()).toMatchObject({ publicStatus: 'reopen_escalated', reopen: { state: 'escalated' } });
    expect((await view('supervisor', c.id)).isSupervised).toBe(true);
  });
});
