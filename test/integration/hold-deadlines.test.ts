import { describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { holdDeadlines, holdTimerJobs } from '../../src/core/case/hold-deadlines.js';
import { withWorkflow } from '../../src/db/case.repository.js';
import { backfillHoldDeadlines } from '../../src/db/migrations/20261122191000_add_hold_deadlines.js';
import { useCaseWorld } from '../helpers/case-world.js';

// A hold that the requester never answers ends (docs/time-limits.md): the requester is told what to add and by
// when, reminded after the policy's reminder days, and at the end the case goes on by itself and its unit is told.

type Event = { code: string; actorKind: string; data: Record<string, unknown> };
type Detail = {
  id: string;
  trackingNo: string;
  accessCode?: string;
  status: string;
  replyDueAt: string | null;
  hold: { reason: string; fromStatus: string; endsAt: string | null } | null;
  events: Event[];
};

const DAY = 86_400_000;
const local = (iso: string): number => new Date(`${iso}+08:00`).getTime();
let clock = local('2026-11-23T09:00');
const world = useCaseWorld<Detail>({
  now: () => new Date(clock),
  caseDefaults: { requester: { name: '扎西', phone: '13908900001', language: 'zh-Hans' } },
  // The requester's messages are queued only for a configured channel; nothing is delivered here.
  beforeStart: () => {
    Object.assign(process.env, { BIHUAN_SMS_PROVIDER: 'http', BIHUAN_SMS_HTTP_URL: 'http://127.0.0.1:9/sms', BIHUAN_PUBLIC_TRACKING_URL: 'https://bihuan.test/track' });
  },
});
const { categories, act, view, runJobs, acceptedCase } = world;

const codes = (d: Detail) => d.events.map((e) => e.code);
const messagesOf = (caseId: string) =>
  world.t.database.db.selectFrom('notification_messages').select(['kind', 'body']).where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute();
const noticesOf = async (user: string, trackingNo: string) => {
  const res = await world.t.call(user, 'GET', '/api/v1/notifications?pageSize=100&lang=en');
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: { text: string }[] }).items.map((n) => n.text).filter((text) => text.includes(trackingNo));
};

describe('a hold nobody answers', () => {
  it('tells the requester what to add and by when, reminds them, then goes on by itself and tells the unit', async () => {
    clock = local('2026-11-23T09:00');
    const c = await acceptedCase();
    clock = local('2026-11-23T10:00');
    const held = await act('handler', c.id, 'hold', { reason: '请补充劳动合同照片' });
    const endsAt = new Date(clock + 15 * DAY).toISOString();
    expect(held.hold).toMatchObject({ reason: '请补充劳动合同照片', endsAt });
    expect(held.events.at(-1)).toMatchObject({ code: 'case.put_on_hold', data: { endsAt } });
    const tracked = (await world.t.call(null, 'GET', `/api/v1/public/cases/${c.trackingNo}?accessCode=${c.accessCode}`)).json() as { waitingFor: string; waitingUntil: string };
    expect(tracked).toMatchObject({ waitingFor: '请补充劳动合同照片', waitingUntil: endsAt });
    const replyDueBefore = held.replyDueAt;

    await world.t.runBackground();
    const first = await messagesOf(c.id);
    const heldMessage = first.find((m) => m.kind === 'held');
    expect(heldMessage?.body).toContain('请补充劳动合同照片');
    expect(heldMessage?.body).toContain('2026年12月8日前');
    expect(heldMessage?.body).toContain('https://bihuan.test/track');

    // Two days on: nothing yet. Three days on: the reminder, once, whatever the number of runs.
    clock = local('2026-11-25T10:00');
    await runJobs();
    expect(codes(await view('handler', c.id))).not.toContain('case.hold_reminded');
    clock = local('2026-11-26T10:01');
    await runJobs();
    await runJobs();
    const reminded = await view('handler', c.id);
    expect(reminded.status).toBe('on_hold');
    expect(reminded.events.filter((e) => e.code === 'case.hold_reminded')).toEqual([
      expect.objectContaining({ actorKind: 'system', data: { reason: '请补充劳动合同照片', endsAt } }),
    ]);
    await world.t.runBackground();
    const reminder = (await messagesOf(c.id)).filter((m) => m.kind === 'hold_reminder');
    expect(reminder).toHaveLength(1);
    expect(reminder[0]?.body).toContain('提醒');
    expect(reminder[0]?.body).toContain('请补充劳动合同照片');
    const publicTimeline = ((await world.t.call(null, 'GET', `/api/v1/public/cases/${c.trackingNo}?accessCode=${c.accessCode}`)).json() as { timeline: { code: string }[] }).timeline;
    expect(publicTimeline.map((e) => e.code)).toContain('case.hold_reminded');

    // The end of the wait: back to the unit, the clock running again, the unit told.
    clock = local('2026-12-08T10:01');
    await runJobs();
    const resumed = await view('handler', c.id);
    expect(resumed.status).toBe('accepted');
    expect(resumed.hold).toBeNull();
    expect(resumed.events.at(-1)).toMatchObject({
      code: 'case.resumed', actorKind: 'system', data: { source: 'system', reason: 'hold_expired', heldFrom: 'accepted', isClockPaused: true },
    });
    // The policy counts the wait as paused: the reply is due later by the working time the hold took.
    expect(new Date(resumed.replyDueAt ?? 0).getTime()).toBeGreaterThan(new Date(replyDueBefore ?? 0).getTime());
    await world.t.runBackground();
    expect(await noticesOf('handler', c.trackingNo)).toContain(`The requester added nothing by the deadline; go on with what you have: ${c.trackingNo} 拖欠工资`);
    expect(await noticesOf('handler_city', c.trackingNo)).toEqual([]);
    // Handled like every other case again: the unit can reply.
    expect((await view('handler', c.id)).status).toBe('accepted');
    await act('handler', c.id, 'reply', { text: '根据现有材料，已责令用人单位支付工资。', outcome: 'resolved' });
  });
});

describe('timers of a hold that ended', () => {
  it('do nothing after the requester answered, nor to a later hold of the same case', async () => {
    clock = local('2026-11-23T09:00');
    const c = await acceptedCase({ title: '第二次等待' });
    clock = local('2026-11-23T10:00');
    await act('handler', c.id, 'hold', { reason: '请补充工资条' });
    clock = local('2026-11-24T10:00');
    const added = await world.t.call(null, 'POST', `/api/v1/public/cases/${c.trackingNo}/information`, { accessCode: c.accessCode, text: '工资条已上传' });
    expect(added.statusCode, added.body).toBe(200);
    clock = local('2026-11-25T10:00');
    await act('handler', c.id, 'hold', { reason: '请再补充考勤记录' });

    // The first hold's reminder (11-26 10:00) and end (12-08 10:00) come and go: the second hold waits on.
    clock = local('2026-12-08T10:01');
    await runJobs();
    let d = await view('handler', c.id);
    expect(d.status).toBe('on_hold');
    expect(d.hold).toMatchObject({ reason: '请再补充考勤记录', endsAt: new Date(local('2026-12-10T10:00')).toISOString() });
    // Only the second hold's reminder fired (11-28), once.
    expect(d.events.filter((e) => e.code === 'case.hold_reminded').map((e) => e.data['reason'])).toEqual(['请再补充考勤记录']);
    clock = local('2026-12-10T10:01');
    await runJobs();
    d = await view('handler', c.id);
    expect(d.status).toBe('accepted');
    expect(d.events.filter((e) => e.code === 'case.resumed').map((e) => e.data['source'])).toEqual(['requester', 'system']);
  });

  it('a hold at the intake desk ends back at the desk, and the dispatchers are told', async () => {
    clock = local('2026-11-23T09:00');
    const res = await world.t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'help', title: '登记时缺材料', description: '需要身份证明', requester: { phone: '13908900002' } });
    const c = res.json() as Detail;
    await act('agent', c.id, 'hold', { reason: '请提供身份证明' });
    clock = local('2026-12-08T09:01');
    await runJobs();
    const d = await view('dispatcher', c.id);
    expect(d.status).toBe('registered');
    await world.t.runBackground();
    expect((await noticesOf('dispatcher', c.trackingNo)).some((text) => text.startsWith('The requester added nothing by the deadline'))).toBe(true);
    expect(await noticesOf('handler', c.trackingNo)).toEqual([]);
  });
});

describe('what the requester was told stands', () => {
  it('the reminder repeats the date given at the hold although the policy changed since; a late reminder says nothing', async () => {
    clock = local('2026-11-23T09:00');
    const c = await acceptedCase({ title: '政策中途改变' });
    await act('handler', c.id, 'hold', { reason: '请补充欠条' });
    const endsAt = new Date(clock + 15 * DAY).toISOString();
    // Every policy now waits 30 days: the case keeps the 15 it was promised.
    await withWorkflow(world.t.database.db).updateTable('sla_policies').set({ hold_limit_days: 30 }).execute();
    await world.t.database.db.insertInto('sla_policies').values({
      code: 'wage_long_wait', name: JSON.stringify({ 'zh-Hans': '欠薪' }), targets: JSON.stringify({ reply: { amount: 7, mode: 'working_days' } }),
      category_id: categories.get('wage_arrears') ?? null, priority: 50,
    }).execute();
    await withWorkflow(world.t.database.db).updateTable('sla_policies').set({ hold_limit_days: null }).where('code', '=', 'wage_long_wait').execute();
    clock = local('2026-11-26T09:01');
    await runJobs();
    const reminded = (await view('handler', c.id)).events.find((e) => e.code === 'case.hold_reminded');
    expect(reminded?.data).toEqual({ reason: '请补充欠条', endsAt });
    expect((await view('handler', c.id)).hold?.endsAt).toBe(endsAt);
    clock = local('2026-12-08T09:01');
    await runJobs();
    expect((await view('handler', c.id)).status).toBe('accepted');
    await world.t.database.db.deleteFrom('sla_policies').where('code', '=', 'wage_long_wait').execute();
    await withWorkflow(world.t.database.db).updateTable('sla_policies').set({ hold_limit_days: 15 }).execute();

    // Timers that run late (the server was down): the end comes, and no reminder of a date already past.
    clock = local('2026-11-23T09:00');
    const late = await acceptedCase({ title: '服务器停机' });
    await act('handler', late.id, 'hold', { reason: '请补充照片' });
    clock = local('2026-12-20T09:00');
    await runJobs();
    const d = await view('handler', late.id);
    expect(d.status).toBe('accepted');
    expect(d.events.map((e) => e.code)).not.toContain('case.hold_reminded');
  });

  it('a cloud SMS provider without an approved template for the new kinds queues none of them, and nothing fails', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      BIHUAN_SMS_PROVIDER: 'aliyun', BIHUAN_SMS_ACCESS_KEY_ID: 'id', BIHUAN_SMS_ACCESS_KEY_SECRET: 'secret', BIHUAN_SMS_SIGN_NAME: '比环',
      BIHUAN_SMS_TEMPLATES: JSON.stringify({ registered: 'SMS_1', dispatched: 'SMS_2' }),
    });
    try {
      clock = local('2026-11-23T09:00');
      const c = await acceptedCase({ title: '模板未审批' });
      await act('handler', c.id, 'hold', { reason: '请补充合同' });
      await world.t.runBackground();
      const kinds = (await messagesOf(c.id)).map((m) => m.kind);
      expect(kinds).toContain('registered');
      expect(kinds).not.toContain('held');
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});

describe('cases already on hold when deadlines arrived', () => {
  it('get the default end and the same timers a hold gets today, and end on time', async () => {
    // Held "now" in the database's time, so that the reminder is still ahead of it.
    clock = Date.now() - 60_000;
    const c = await acceptedCase({ title: '升级前已等待' });
    await act('handler', c.id, 'hold', { reason: '请补充材料' });
    // As before the upgrade: no end, no timers.
    await withWorkflow(world.t.database.db).updateTable('cases').set({ hold_ends_at: null }).where('id', '=', c.id).execute();
    await world.t.database.db.deleteFrom('jobs').where('dedupe_key', 'like', `hold:${c.id}:%`).execute();

    await backfillHoldDeadlines(world.t.database.db as unknown as Kysely<unknown>);
    const row = await withWorkflow(world.t.database.db).selectFrom('cases').select(['held_at', 'hold_ends_at']).where('id', '=', c.id).executeTakeFirstOrThrow();
    expect(row.hold_ends_at?.getTime()).toBe((row.held_at?.getTime() ?? 0) + 15 * DAY);
    const expected = holdTimerJobs(c.id, row.held_at as Date, holdDeadlines(row.held_at as Date, { holdReminderDays: 3, holdLimitDays: 15 }));
    const jobs = await world.t.database.db.selectFrom('jobs').select(['dedupe_key', 'run_at', 'payload']).where('dedupe_key', 'like', `hold:${c.id}:%`).orderBy('run_at').execute();
    expect(jobs.map((j) => [j.dedupe_key, j.run_at.toISOString(), j.payload])).toEqual(expected.map((j) => [j.dedupeKey, j.runAt.toISOString(), j.payload]));

    clock += 15 * DAY + 60_000;
    await runJobs();
    expect((await view('handler', c.id)).status).toBe('accepted');
  });
});

describe('a policy without a reminder or an end', () => {
  it('waits for the requester as long as it takes, and says no date', async () => {
    await withWorkflow(world.t.database.db)
      .insertInto('sla_policies')
      .values({
        code: 'enquiry_waits',
        name: JSON.stringify({ 'zh-Hans': '咨询类', bo: 'འདྲི་རྩད།', en: 'Enquiries' }),
        targets: JSON.stringify({ accept: { amount: 24, mode: 'working_hours' }, reply: { amount: 5, mode: 'working_days' } }),
        kind: 'enquiry',
        priority: 5,
        hold_reminder_days: null,
        hold_limit_days: null,
      })
      .execute();
    clock = local('2026-11-23T09:00');
    const c = await acceptedCase({ kind: 'enquiry', categoryId: undefined, title: '无限期等待' });
    const held = await act('handler', c.id, 'hold', { reason: '请说明具体问题' });
    expect(held.hold?.endsAt).toBeNull();
    expect(await world.t.database.db.selectFrom('jobs').select('id').where('dedupe_key', 'like', `hold:${c.id}:%`).execute()).toEqual([]);
    clock = local('2027-02-01T09:00');
    await runJobs();
    expect((await view('handler', c.id)).status).toBe('on_hold');
    await world.t.runBackground();
    const held_ = (await messagesOf(c.id)).find((m) => m.kind === 'held');
    expect(held_?.body).toContain('请尽快补充');
  });

  it('a reminder on or after the end is refused by the database', async () => {
    await expect(
      withWorkflow(world.t.database.db)
        .insertInto('sla_policies')
        .values({
          code: 'bad_hold', name: JSON.stringify({ 'zh-Hans': '错' }), targets: JSON.stringify({ reply: { amount: 5, mode: 'working_days' } }),
          hold_reminder_days: 10, hold_limit_days: 10,
        })
        .execute(),
    ).rejects.toThrow(/sla_policies_hold_reminder_before_limit/);
  });
});
