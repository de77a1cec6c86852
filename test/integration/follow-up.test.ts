import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

// The follow-up questionnaire N weeks after closure ("is it still solved?"): scheduled by `case.closed`
// through the event outbox as a job, sent through the notifications outbox with a one-time link, answered on
// the public page, kept apart from the case's rating. The clock is ours.

const SLOW = 120_000;
const START = new Date('2026-12-07T02:00:00Z');
const DAY = 24 * 3600_000;
const WEEK = 7 * DAY;

let clock = START;
let t: TestApp;
let hrssId = '';
let phoneSeq = 0;

type Created = { id: string; trackingNo: string; accessCode: string };

beforeAll(async () => {
  process.env.BIHUAN_SMS_PROVIDER = 'http';
  process.env.BIHUAN_SMS_HTTP_URL = 'http://127.0.0.1:9/sms';
  process.env.BIHUAN_PUBLIC_TRACKING_URL = 'https://12345.example.gov.cn/#/track';
  process.env.BIHUAN_NOTIFY_QUIET_HOURS = 'off';
  delete process.env.BIHUAN_FOLLOW_UP_WEEKS;
  t = await createTestApp({ now: () => clock, sessionTtlHours: 24 * 365 });
  const units = (await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] };
  hrssId = units.items.find((u) => u.code === 'hrss')?.id ?? '';
  const db = t.database.db;
  const agent = await db.selectFrom('users').select(['password_hash']).where('username', '=', 'agent').executeTakeFirstOrThrow();
  const union = await db.selectFrom('units').select('id').where('code', '=', 'union').executeTakeFirstOrThrow();
  await db.insertInto('users').values({ username: 'agent_union_fu', display_name: '工会坐席', password_hash: agent.password_hash, roles: ['agent'], unit_id: union.id }).execute();
  await t.runBackground();
}, SLOW);

afterAll(async () => {
  for (const name of ['BIHUAN_SMS_PROVIDER', 'BIHUAN_SMS_HTTP_URL', 'BIHUAN_PUBLIC_TRACKING_URL', 'BIHUAN_NOTIFY_QUIET_HOURS', 'BIHUAN_FOLLOW_UP_WEEKS']) delete process.env[name];
  await t.close();
});

const act = async (user: string, id: string, action: string, body: unknown = {}) => {
  const res = await t.call(user, 'POST', `/api/v1/cases/${id}/${action}`, body);
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
};

/** A complaint replied by the labour bureau and closed by the intake desk. */
const closedCase = async (language = 'zh-Hans', hasPhone = true): Promise<Created> => {
  phoneSeq += 1;
  const requester = hasPhone ? { name: '卓玛', phone: `1380000${String(2000 + phoneSeq)}`, language } : { name: '卓玛', language };
  const res = await t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'complaint', title: '工资拖欠', description: '老板拖欠三个月工资', requester });
  expect(res.statusCode, res.body).toBe(201);
  const c = res.json() as Created;
  await act('dispatcher', c.id, 'dispatch', { unitId: hrssId });
  await act('handler', c.id, 'accept');
  await act('handler', c.id, 'reply', { text: '经调查已责令支付。', outcome: 'resolved' });
  await act('dispatcher', c.id, 'close');
  await t.runBackground();
  return c;
};

const followUpMessages = (caseId: string) =>
  t.database.db.selectFrom('notification_messages').select(['kind', 'channel', 'language', 'body', 'status']).where('case_id', '=', caseId).where('kind', '=', 'follow_up').execute();
const caseRow = (id: string) =>
  t.database.db
    .selectFrom('cases')
    .select(['status', 'rating_resolved', 'rating_satisfaction', 'rating_comment', 'callback_resolved', 'callback_satisfaction'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
const tokenOf = (body: string): string => /#\/feedback\?t=([A-Za-z0-9_-]+)/.exec(body)?.[1] ?? '';

describe('the follow-up questionnaire after closure', () => {
  let sent: Created;
  let token = '';

  it('is sent N weeks after closure, not before, once, in the requester\'s language, with the link', async () => {
    clock = START;
    sent = await closedCase('bo');
    expect(await followUpMessages(sent.id)).toHaveLength(0);
    const jobs = await t.database.db.selectFrom('jobs').select(['run_at', 'version', 'payload']).where('kind', '=', 'callbacks.follow_up').where('dedupe_key', 'like', `%${sent.id}%`).execute();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ version: 1, payload: { caseId: sent.id } });
    expect(jobs[0]?.run_at.toISOString()).toBe(new Date(START.getTime() + 4 * WEEK).toISOString());

    clock = new Date(START.getTime() + 4 * WEEK - DAY);
    await t.runBackground();
    expect(await followUpMessages(sent.id)).toHaveLength(0);

    clock = new Date(START.getTime() + 4 * WEEK + 60_000);
    await t.runBackground();
    await t.runBackground();
    const messages = await followUpMessages(sent.id);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ channel: 'sms', language: 'bo' });
    expect(messages[0]?.body).toContain('ཐག་ཆོད་ཡོད་དམ');
    expect(messages[0]?.body).toContain(`https://12345.example.gov.cn/#/feedback?t=`);
    expect(messages[0]?.body).toContain(sent.trackingNo);
    token = tokenOf(messages[0]?.body ?? '');
    expect(token.length).toBeGreaterThan(20);
    // Only the token's hash is stored.
    const row = await t.database.db.selectFrom('callback_follow_ups').select(['token_hash', 'answered_at']).where('case_id', '=', sent.id).executeTakeFirstOrThrow();
    expect(row.token_hash).not.toContain(token);
    expect(row.answered_at).toBeNull();
  }, SLOW);

  it('is answered once through the public link, kept apart from the case\'s rating', async () => {
    const before = await caseRow(sent.id);
    expect(before).toMatchObject({ status: 'closed', rating_resolved: null, callback_resolved: null });
    const page = await t.call(null, 'GET', `/api/v1/public/callbacks/questionnaire/${token}`);
    expect(page.statusCode, page.body).toBe(200);
    const questions = (page.json() as { trackingNo: string; questions: { id: string; options?: { value: string }[] }[] });
    expect(questions.trackingNo).toBe(sent.trackingNo);
    expect(questions.questions.map((q) => q.id)).toEqual(['resolved', 'comment']);
    expect(questions.questions[0]?.options?.map((o) => o.value)).toEqual(['yes', 'partly', 'no']);

    // Bad answers: coded 400, nothing stored, the link still works.
    for (const answers of [{ resolved: 'maybe' }, { comment: '没写是否解决' }, { resolved: 'no', satisfaction: 'dissatisfied' }]) {
      const bad = await t.call(null, 'POST', `/api/v1/public/callbacks/questionnaire/${token}`, { answers });
      expect(bad.statusCode, bad.body).toBe(400);
      expect(bad.json()).toMatchObject({ error: { code: 'validation.failed' } });
    }
    expect((await t.database.db.selectFrom('callback_follow_ups').select('answered_at').where('case_id', '=', sent.id).executeTakeFirstOrThrow()).answered_at).toBeNull();

    const answered = await t.call(null, 'POST', `/api/v1/public/callbacks/questionnaire/${token}`, { answers: { resolved: 'no', comment: '工资又拖欠了' } });
    expect(answered.statusCode, answered.body).toBe(201);
    expect(answered.json()).toMatchObject({ resolved: 'no', satisfaction: null, isRatingRecorded: false });
    expect(await caseRow(sent.id)).toEqual(before);
    const events = await t.database.db.selectFrom('work_item_events').select('code').where('item_id', '=', sent.id).execute();
    expect(events.map((e) => e.code)).not.toContain('case.rated');
    expect(events.map((e) => e.code)).not.toContain('case.reopen_requested');

    const again = await t.call(null, 'POST', `/api/v1/public/callbacks/questionnaire/${token}`, { answers: { resolved: 'yes' } });
    expect(again.statusCode).toBe(404);
    expect(again.json()).toMatchObject({ error: { code: 'callback.link_invalid' } });
    expect((await t.call(null, 'GET', `/api/v1/public/callbacks/questionnaire/${token}`)).statusCode).toBe(404);
    const stored = await t.database.db.selectFrom('callback_follow_ups').select(['resolved', 'comment']).where('case_id', '=', sent.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ resolved: 'no', comment: '工资又拖欠了' });
  }, SLOW);

  it('is shown on the case to the intake desk only, and counted in the summary with the "no" flagged', async () => {
    const mine = await t.call('agent', 'GET', `/api/v1/callbacks/cases/${sent.id}/follow-up`);
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json()).toMatchObject({ followUp: { caseId: sent.id, status: 'answered', resolved: 'no', comment: '工资又拖欠了', channel: 'sms', language: 'bo' } });
    const theirs = await t.call('agent_union_fu', 'GET', `/api/v1/callbacks/cases/${sent.id}/follow-up`);
    expect(theirs.json()).toEqual({ followUp: null, items: [] });
    expect((await t.call('handler', 'GET', `/api/v1/callbacks/cases/${sent.id}/follow-up`)).statusCode).toBe(403);
    expect((await t.call(null, 'GET', `/api/v1/callbacks/cases/${sent.id}/follow-up`)).statusCode).toBe(401);
    expect((await t.call('agent', 'GET', '/api/v1/callbacks/cases/00000000-0000-4000-8000-000000000000/follow-up')).json()).toEqual({ followUp: null, items: [] });

    const range = `from=${encodeURIComponent(START.toISOString())}&to=${encodeURIComponent(new Date(START.getTime() + 10 * WEEK).toISOString())}`;
    const summary = await t.call('supervisor', 'GET', `/api/v1/callbacks/follow-up/summary?${range}`);
    expect(summary.statusCode, summary.body).toBe(200);
    const s = summary.json() as { sent: number; answered: number; stillSolved: { yes: number; partly: number; no: number }; flagged: { caseId: string; trackingNo: string }[] };
    expect(s.sent).toBeGreaterThanOrEqual(1);
    expect(s.answered).toBeGreaterThanOrEqual(1);
    expect(s.stillSolved.no).toBeGreaterThanOrEqual(1);
    expect(s.flagged.map((f) => f.caseId)).toContain(sent.id);
    expect((await t.call('handler', 'GET', `/api/v1/callbacks/follow-up/summary?${range}`)).statusCode).toBe(403);
    expect((await t.call(null, 'GET', `/api/v1/callbacks/follow-up/summary?${range}`)).statusCode).toBe(401);
    const other = (await t.call('agent_union_fu', 'GET', `/api/v1/callbacks/follow-up/summary?${range}`)).json() as { sent: number; flagged: unknown[] };
    expect(other).toMatchObject({ sent: 0, flagged: [] });
    const backwards = await t.call('supervisor', 'GET', `/api/v1/callbacks/follow-up/summary?from=${encodeURIComponent(new Date(START.getTime() + WEEK).toISOString())}&to=${encodeURIComponent(START.toISOString())}`);
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json()).toMatchObject({ error: { code: 'validation.failed' } });
  }, SLOW);

  it('is not sent for a case reopened before the due date, nor without a phone or e-mail', async () => {
    clock = new Date(START.getTime() + 5 * WEEK);
    const reopened = await closedCase();
    const noPhone = await closedCase('zh-Hans', false);
    clock = new Date(clock.getTime() + DAY);
    const asked = await t.call(null, 'POST', `/api/v1/public/cases/${reopened.trackingNo}/reopen-request`, { accessCode: reopened.accessCode, reason: '问题依旧' });
    expect(asked.statusCode, asked.body).toBe(200);
    await act('supervisor', reopened.id, 'decide-reopen', { isApproved: true });
    await t.runBackground();
    clock = new Date(clock.getTime() + 5 * WEEK);
    await t.runBackground();
    expect(await followUpMessages(reopened.id)).toHaveLength(0);
    expect(await followUpMessages(noPhone.id)).toHaveLength(0);
    const rows = await t.database.db.selectFrom('callback_follow_ups').select('id').where('case_id', 'in', [reopened.id, noPhone.id]).execute();
    expect(rows).toHaveLength(0);
    // Both jobs ran (and did nothing): none is left pending.
    const pending = await t.database.db.selectFrom('jobs').select('id').where('kind', '=', 'callbacks.follow_up').where('done_at', 'is', null).execute();
    expect(pending).toHaveLength(0);
  }, SLOW);

  it('is disabled with BIHUAN_FOLLOW_UP_WEEKS=0: nothing is scheduled', async () => {
    process.env.BIHUAN_FOLLOW_UP_WEEKS = '0';
    try {
      const c = await closedCase();
      const jobs = await t.database.db.selectFrom('jobs').select('id').where('kind', '=', 'callbacks.follow_up').where('dedupe_key', 'like', `%${c.id}%`).execute();
      expect(jobs).toHaveLength(0);
      clock = new Date(clock.getTime() + 10 * WEEK);
      await t.runBackground();
      expect(await followUpMessages(c.id)).toHaveLength(0);
    } finally {
      delete process.env.BIHUAN_FOLLOW_UP_WEEKS;
    }
  }, SLOW);
});
