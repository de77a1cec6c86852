import { createHmac } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_KINDS } from '../../src/core/notifications/notification.types.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';

// Callback tasks, the agent's queue, SMS reply codes and the questionnaire link, through the API, the event
// outbox and a real database. The clock is ours: Friday 2026-12-04 10:00 in Lhasa (Asia/Shanghai time).

const SLOW = 120_000;
const FRIDAY_10H = new Date('2026-12-04T02:00:00Z');
const SECRET = 'test-sms-secret';

let clock = FRIDAY_10H;
let t: TestApp;
let hrssId = '';
let wageId = '';
let phoneSeq = 0;

type Task = {
  id: string; caseId: string; status: string; dueAt: string; isOverdue: boolean; claimedBy: string | null; attemptCount: number; unreachableCount: number;
  nextAttemptAfter: string | null; closeReason: string | null; trackingNo: string; nameMasked: string | null; phoneMasked: string | null; language: string;
};

const advance = (ms: number) => {
  clock = new Date(clock.getTime() + ms);
};
const HOUR = 3600_000;

beforeAll(async () => {
  process.env.BIHUAN_CALLBACK_SMS_SECRET = SECRET;
  t = await createTestApp({ now: () => clock, sessionTtlHours: 24 * 60 });
  const units = (await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] };
  hrssId = units.items.find((u) => u.code === 'hrss')?.id ?? '';
  const categories = (await t.call(null, 'GET', '/api/v1/categories')).json() as { items: { id: string; code: string }[] };
  wageId = categories.items.find((c) => c.code === 'wage_arrears')?.id ?? '';
  // An agent of another unit (the trade union): must not see the intake desk's callbacks.
  const db = t.database.db;
  const agent = await db.selectFrom('users').select(['password_hash']).where('username', '=', 'agent').executeTakeFirstOrThrow();
  const union = await db.selectFrom('units').select('id').where('code', '=', 'union').executeTakeFirstOrThrow();
  await db.insertInto('users').values({ username: 'agent_union', display_name: '工会坐席', password_hash: agent.password_hash, roles: ['agent'], unit_id: union.id }).execute();
  await t.runBackground();
}, SLOW);

afterAll(async () => {
  delete process.env.BIHUAN_CALLBACK_SMS_SECRET;
  await t.close();
});

/** A case registered by the intake desk, handled by the labour bureau and replied; returns its task. */
const repliedCase = async (language = 'zh-Hans'): Promise<{ caseId: string; phone: string; task: Task }> => {
  phoneSeq += 1;
  const phone = `1390000${String(1000 + phoneSeq)}`;
  const created = await t.call('agent', 'POST', '/api/v1/cases', {
    channel: 'phone', kind: 'complaint', title: '工地拖欠工资', description: '包工头拖欠三个月工资。', categoryId: wageId,
    requester: { name: '次仁', phone, language },
  });
  expect(created.statusCode, created.body).toBe(201);
  const caseId = (created.json() as { id: string }).id;
  for (const [user, action, body] of [
    ['dispatcher', 'dispatch', { unitId: hrssId }],
    ['handler', 'accept', {}],
    ['handler', 'reply', { text: '经核实，已责令公司支付全部工资三万元。', outcome: 'resolved' }],
  ] as const) {
    const res = await t.call(user, 'POST', `/api/v1/cases/${caseId}/${action}`, body);
    expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
  }
  await t.runBackground();
  const row = await t.database.db.selectFrom('callback_tasks').select('id').where('case_id', '=', caseId).where('status', '=', 'open').executeTakeFirst();
  expect(row, 'a task is opened by the reply').toBeDefined();
  const task = (await t.call('agent', 'GET', `/api/v1/callbacks/tasks/${row?.id}`)).json() as { task: Task };
  return { caseId, phone, task: task.task };
};

const caseRow = (id: string) =>
  t.database.db.selectFrom('cases').select(['status', 'callback_resolved', 'callback_satisfaction', 'callback_comment', 'rating_resolved', 'rating_satisfaction']).where('id', '=', id).executeTakeFirstOrThrow();
const eventCodes = async (caseId: string) =>
  (await t.database.db.selectFrom('work_item_events').select('code').where('item_kind', '=', 'case').where('item_id', '=', caseId).orderBy('seq').execute()).map((e) => e.code);
const attempt = (user: string, taskId: string, body: unknown) => t.call(user, 'POST', `/api/v1/callbacks/tasks/${taskId}/attempts`, body);

describe('callback tasks', () => {
  it('are opened by the reply, through the event outbox, due in 3 working days (a weekend skipped)', async () => {
    clock = FRIDAY_10H;
    const { caseId, task } = await repliedCase();
    // Replied on Friday: Monday, Tuesday and Wednesday count, Saturday and Sunday do not: Wednesday 17:30.
    expect(task.dueAt).toBe('2026-12-09T09:30:00.000Z');
    // The same promise as the case's own callback limit.
    const sla = await t.database.db.selectFrom('cases').select('sla').where('id', '=', caseId).executeTakeFirstOrThrow();
    expect((sla.sla as { targets?: { callback?: { dueAt: string } } }).targets?.callback?.dueAt).toBe(task.dueAt);
    expect(task).toMatchObject({ status: 'open', isOverdue: false, attemptCount: 0, phoneMasked: expect.stringMatching(/^139\*{4}\d{4}$/) });
    // Handled twice (a re-delivered event) it is still one task.
    const n = await t.database.db.selectFrom('callback_tasks').select((eb) => eb.fn.countAll<string>().as('n')).where('case_id', '=', caseId).executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(1);
  }, SLOW);

  it('are listed to the intake desk only: another unit neither sees nor claims them', async () => {
    const { task } = await repliedCase();
    const mine = (await t.call('agent', 'GET', '/api/v1/callbacks/tasks?view=due&pageSize=100')).json() as { items: Task[] };
    expect(mine.items.map((i) => i.id)).toContain(task.id);
    const theirs = await t.call('agent_union', 'GET', '/api/v1/callbacks/tasks?view=open&pageSize=100');
    expect(theirs.statusCode).toBe(200);
    expect((theirs.json() as { items: Task[] }).items.map((i) => i.id)).not.toContain(task.id);
    const claim = await t.call('agent_union', 'POST', `/api/v1/callbacks/tasks/${task.id}/claim`);
    expect(claim.statusCode).toBe(404);
    expect((await t.call('agent_union', 'GET', `/api/v1/callbacks/tasks/${task.id}`)).statusCode).toBe(404);
    // Unit handlers have no callback permission at all.
    expect((await t.call('handler', 'GET', '/api/v1/callbacks/tasks')).statusCode).toBe(403);
    const row = await t.database.db.selectFrom('callback_tasks').select('claimed_by').where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row.claimed_by).toBeNull();
  }, SLOW);

  it('are overdue once the due time has passed', async () => {
    const { task } = await repliedCase();
    advance(10 * 24 * HOUR);
    const overdue = (await t.call('agent', 'GET', '/api/v1/callbacks/tasks?view=overdue&pageSize=100')).json() as { items: Task[] };
    expect(overdue.items.find((i) => i.id === task.id)?.isOverdue).toBe(true);
    const due = (await t.call('agent', 'GET', '/api/v1/callbacks/tasks?view=due&pageSize=100')).json() as { items: Task[] };
    expect(due.items.map((i) => i.id)).not.toContain(task.id);
  }, SLOW);

  it('are claimed for a lease: a second agent is refused until it expires', async () => {
    const { task } = await repliedCase();
    const first = await t.call('agent', 'POST', `/api/v1/callbacks/tasks/${task.id}/claim`);
    expect(first.statusCode, first.body).toBe(200);
    const second = await t.call('dispatcher', 'POST', `/api/v1/callbacks/tasks/${task.id}/claim`);
    expect(second.statusCode).toBe(409);
    expect((second.json() as { error: { code: string } }).error.code).toBe('callback.claimed_by_other');
    // Nor may the second agent record a call on it.
    expect((await attempt('dispatcher', task.id, { outcome: 'no_answer' })).statusCode).toBe(409);
    const claimed = (await t.call('agent', 'GET', '/api/v1/callbacks/tasks?view=claimed&pageSize=100')).json() as { items: Task[] };
    expect(claimed.items.map((i) => i.id)).toContain(task.id);
    advance(16 * 60_000);
    expect((await t.call('dispatcher', 'POST', `/api/v1/callbacks/tasks/${task.id}/claim`)).statusCode).toBe(200);
    const row = await t.database.db.selectFrom('callback_tasks').select(['attempt_count']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row.attempt_count).toBe(0);
  }, SLOW);

  it('close as unreachable after 3 unanswered calls on 2 different days, and the case records it, not as satisfied', async () => {
    clock = FRIDAY_10H;
    const { caseId, task } = await repliedCase();
    expect((await attempt('agent', task.id, { outcome: 'no_answer' })).statusCode).toBe(200);
    advance(2 * HOUR);
    const second = (await attempt('agent', task.id, { outcome: 'busy', note: '占线' })).json() as { task: Task; closedAs: string | null };
    // Two on one day: the third must wait for another day.
    expect(second.closedAs).toBeNull();
    expect(second.task.nextAttemptAfter).toBe('2026-12-04T16:00:00.000Z');
    advance(HOUR);
    const third = (await attempt('agent', task.id, { outcome: 'no_answer' })).json() as { task: Task; closedAs: string | null };
    expect(third.closedAs, 'three calls on one day are not enough').toBeNull();
    advance(24 * HOUR);
    const fourth = (await attempt('agent', task.id, { outcome: 'no_answer' })).json() as { task: Task; closedAs: string | null };
    expect(fourth.closedAs).toBe('unreachable');
    expect(fourth.task).toMatchObject({ status: 'unreachable', closeReason: 'max_attempts', attemptCount: 4, unreachableCount: 4 });
    expect(await eventCodes(caseId)).toContain('callback.unreachable');
    expect(await caseRow(caseId)).toMatchObject({ status: 'replied', callback_satisfaction: null, callback_resolved: null });
    // Closed: no more calls.
    const after = await attempt('agent', task.id, { outcome: 'no_answer' });
    expect(after.statusCode).toBe(409);
    expect((after.json() as { error: { code: string } }).error.code).toBe('callback.task_closed');
  }, SLOW);

  it('record a reached call through the case\'s own callback action: case row, timeline and task together', async () => {
    const { caseId, task } = await repliedCase();
    // Reached without a result: a coded 400 and nothing changed.
    const bad = await attempt('agent', task.id, { outcome: 'reached' });
    expect(bad.statusCode).toBe(400);
    expect((bad.json() as { error: { code: string } }).error.code).toBe('validation.failed');
    const unchanged = await t.database.db.selectFrom('callback_tasks').select(['attempt_count', 'status', 'claimed_by']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(unchanged).toMatchObject({ attempt_count: 0, status: 'open', claimed_by: null });
    const res = await attempt('agent', task.id, { outcome: 'reached', note: '本人接听', result: { resolved: 'yes', satisfaction: 'satisfied', comment: '工资已到账' } });
    expect(res.statusCode, res.body).toBe(200);
    expect((res.json() as { closedAs: string }).closedAs).toBe('done');
    expect(await caseRow(caseId)).toMatchObject({ status: 'callback_done', callback_resolved: 'yes', callback_satisfaction: 'satisfied', callback_comment: '工资已到账' });
    expect((await eventCodes(caseId)).filter((c) => c === 'case.callback_recorded')).toHaveLength(1);
    await t.runBackground();
    const row = await t.database.db.selectFrom('callback_tasks').select(['status', 'close_reason']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'done', close_reason: 'reached' });
  }, SLOW);

  it('a reached call saying "not solved" becomes a reopen request through the case\'s callback action', async () => {
    const { caseId, task } = await repliedCase();
    const res = await attempt('agent', task.id, { outcome: 'reached', result: { resolved: 'no', satisfaction: 'dissatisfied', comment: '工资还没发' } });
    expect(res.statusCode, res.body).toBe(200);
    expect(await eventCodes(caseId)).toEqual(expect.arrayContaining(['case.callback_recorded', 'case.reopen_requested']));
    expect(await caseRow(caseId)).toMatchObject({ status: 'callback_done', callback_resolved: 'no' });
  }, SLOW);

  it('a callback recorded on the case page closes the task too (the case is the one source)', async () => {
    const { caseId, task } = await repliedCase();
    const res = await t.call('dispatcher', 'POST', `/api/v1/cases/${caseId}/callback`, { resolved: 'partly', satisfaction: 'fairly_satisfied' });
    expect(res.statusCode, res.body).toBe(200);
    await t.runBackground();
    const row = await t.database.db.selectFrom('callback_tasks').select(['status', 'close_reason']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'done', close_reason: 'callback_recorded' });
  }, SLOW);

  it('show the script in the requester\'s language, with the case\'s facts', async () => {
    const { task } = await repliedCase('bo');
    const script = (await t.call('agent', 'GET', `/api/v1/callbacks/tasks/${task.id}/script`)).json() as { language: string; text: string; missing: string[] };
    expect(script.language).toBe('bo');
    expect(script.text).toContain(task.trackingNo);
    expect(script.text).toContain('ཐག་ཆོད');
    // Masked like in the queue: the full name is for the agent holding the task ("personal data" below).
    expect(script.text).toContain('次*');
    expect(script.text).not.toContain('次仁');
    const zh = (await t.call('agent', 'GET', `/api/v1/callbacks/tasks/${task.id}/script?language=zh-Hans`)).json() as { text: string };
    expect(zh.text).toContain('已责令公司支付全部工资');
    // Administrators edit scripts; agents may not; unknown variables are refused.
    const body = { kind: 'complaint', body: { 'zh-Hans': '{requesterName}您好，关于{title}的回访。', bo: '{requesterName} ལགས། {title}', en: 'Hello {requesterName}, about {title}.' } };
    expect((await t.call('agent', 'PUT', '/api/v1/callbacks/scripts', body)).statusCode).toBe(403);
    const badVar = await t.call('admin', 'PUT', '/api/v1/callbacks/scripts', { ...body, body: { ...body.body, en: 'Hi {password}' } });
    expect(badVar.statusCode).toBe(400);
    const noCategory = await t.call('admin', 'PUT', '/api/v1/callbacks/scripts', { ...body, categoryId: '00000000-0000-4000-8000-000000000000' });
    expect(noCategory.statusCode).toBe(400);
    expect(await t.database.db.selectFrom('callback_scripts').select('id').execute()).toHaveLength(0);
    expect((await t.call('admin', 'PUT', '/api/v1/callbacks/scripts', body)).statusCode).toBe(200);
    const custom = (await t.call('agent', 'GET', `/api/v1/callbacks/tasks/${task.id}/script?language=en`)).json() as { text: string };
    expect(custom.text).toBe('Hello 次*, about 工地拖欠工资.');
  }, SLOW);
});

describe('personal data in callbacks', () => {
  type Script = { text: string; isNameWithheld: boolean; isNameRevealed: boolean };
  const script = (user: string, taskId: string, name?: 'full') =>
    t.call(user, 'GET', `/api/v1/callbacks/tasks/${taskId}/script?language=zh-Hans${name ? `&name=${name}` : ''}`);
  const reveals = (caseId: string) =>
    t.database.db
      .selectFrom('audit_log').select(['actor_name', 'outcome', 'subject_kind', 'data']).where('action', '=', 'reveal personal data').where('subject_id', '=', caseId).orderBy('id')
      .execute();

  it('the queue and the task page mask the name like the phone, in every view', async () => {
    const { phone, task } = await repliedCase();
    expect(task).toMatchObject({ nameMasked: '次*', phoneMasked: expect.stringMatching(/^139\*{4}\d{4}$/) });
    for (const view of ['open', 'due', 'overdue', 'closed'] as const) {
      const res = await t.call('agent', 'GET', `/api/v1/callbacks/tasks?view=${view}&pageSize=100`);
      expect(res.statusCode, res.body).toBe(200);
      const items = (res.json() as { items: (Task & Record<string, unknown>)[] }).items;
      if (view === 'open' || view === 'closed') expect(items.length, view).toBeGreaterThan(0);
      // Every case of this file is 次仁's: any full name in a list is a leak.
      expect(res.body, view).not.toContain('次仁');
      expect(res.body, view).not.toContain(phone);
      for (const i of items) expect(i.nameMasked, view).toBe('次*');
      for (const i of items) expect(Object.keys(i), view).not.toContain('requesterName');
    }
    const one = await t.call('agent', 'GET', `/api/v1/callbacks/tasks/${task.id}`);
    expect(one.body).not.toContain('次仁');
  }, SLOW);

  it('the script has the full name only for the agent holding the task, each time as an audited reveal of the case', async () => {
    const { caseId, task } = await repliedCase();
    const masked = (await script('agent', task.id)).json() as Script;
    expect(masked).toMatchObject({ isNameWithheld: false, isNameRevealed: false });
    expect(masked.text).toContain('次*');
    // Not claimed: no full name, and nothing revealed.
    const unclaimed = await script('agent', task.id, 'full');
    expect(unclaimed.statusCode).toBe(409);
    expect((unclaimed.json() as { error: { code: string } }).error.code).toBe('callback.not_claimed');
    expect(unclaimed.body).not.toContain('次仁');
    expect(await reveals(caseId)).toEqual([]);

    expect((await t.call('agent', 'POST', `/api/v1/callbacks/tasks/${task.id}/claim`)).statusCode).toBe(200);
    const full = await script('agent', task.id, 'full');
    expect(full.statusCode, full.body).toBe(200);
    expect(full.json()).toMatchObject({ isNameWithheld: false, isNameRevealed: true });
    expect((full.json() as Script).text).toContain('次仁');
    expect(await reveals(caseId)).toEqual([
      { actor_name: 'agent', outcome: 'revealed', subject_kind: 'cases', data: { trackingNo: task.trackingNo, via: 'callback_script', taskId: task.id, language: 'zh-Hans' } },
    ]);
    // Another agent of the desk, while the first one calls: refused, nothing revealed.
    const other = await script('dispatcher', task.id, 'full');
    expect(other.statusCode).toBe(409);
    expect(other.body).not.toContain('次仁');
    // The name and number for dialling come from the case's own reveal, audited the same way.
    const person = (await t.call('agent', 'GET', `/api/v1/cases/${caseId}/requester`)).json() as { name: string };
    expect(person.name).toBe('次仁');
    expect((await reveals(caseId)).map((r) => [r.actor_name, r.outcome])).toEqual([['agent', 'revealed'], ['agent', 'revealed']]);
    // Once the claim has run out, the call is over.
    advance(16 * 60_000);
    expect((await script('agent', task.id, 'full')).statusCode).toBe(409);
    expect(await reveals(caseId)).toHaveLength(2);
  }, SLOW);

  it('without the permission to see personal data, neither the name nor a reveal', async () => {
    const { caseId, task } = await repliedCase();
    // An API token of the administrator that may call back but not see personal data (docs/access.md).
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: TEST_PASSWORD } });
    const session = (login.json() as { token: string }).token;
    const made = await t.app.inject({
      method: 'POST', url: '/api/v1/api-tokens', headers: { authorization: `Bearer ${session}` },
      payload: { name: 'callback-only', permissions: ['case.callback'], expiresInDays: 30 },
    });
    expect(made.statusCode, made.body).toBe(201);
    const token = (made.json() as { token: string }).token;
    const asToken = (method: 'GET' | 'POST', url: string) => t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` } });
    expect((await asToken('POST', `/api/v1/callbacks/tasks/${task.id}/claim`)).statusCode).toBe(200);
    const refused = await asToken('GET', `/api/v1/callbacks/tasks/${task.id}/script?name=full`);
    expect(refused.statusCode).toBe(403);
    expect((refused.json() as { error: { code: string } }).error.code).toBe('auth.forbidden');
    const plain = await asToken('GET', `/api/v1/callbacks/tasks/${task.id}/script`);
    expect(plain.json()).toMatchObject({ isNameWithheld: true, isNameRevealed: false });
    expect(plain.body).not.toContain('次');
    expect((await asToken('GET', `/api/v1/cases/${caseId}/requester`)).statusCode).toBe(403);
    expect(await reveals(caseId)).toEqual([]);
  }, SLOW);
});

describe('SMS reply codes', () => {
  const sign = (body: { messageId: string; from: string; text: string; timestamp: number }, secret = SECRET) =>
    createHmac('sha256', secret).update(`${body.timestamp}\n${body.messageId}\n${body.from}\n${body.text}`).digest('hex');
  const inbound = (body: { messageId: string; from: string; text: string; timestamp: number }, signature = sign(body)) =>
    t.app.inject({ method: 'POST', url: '/api/v1/callbacks/sms-inbound', headers: { 'x-bihuan-signature': signature }, payload: body });
  const sms = (from: string, text: string, messageId = `m-${Math.random()}`) => ({ messageId, from, text, timestamp: Math.floor(clock.getTime() / 1000) });
  const inboundCount = async () => Number((await t.database.db.selectFrom('callback_sms_inbound').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

  it('refuse a bad or missing signature with 401 and change nothing', async () => {
    const { caseId, phone, task } = await repliedCase();
    const before = await inboundCount();
    const body = sms(`+86${phone}`, '1');
    const res = await inbound(body, sign(body, 'wrong-secret'));
    expect(res.statusCode).toBe(401);
    expect((res.json() as { error: { code: string } }).error.code).toBe('callback.signature_invalid');
    expect((await t.app.inject({ method: 'POST', url: '/api/v1/callbacks/sms-inbound', payload: body })).statusCode).toBe(401);
    // The signature may come in the body instead, for gateways that cannot set headers.
    const inBody = await t.app.inject({ method: 'POST', url: '/api/v1/callbacks/sms-inbound', payload: { ...body, text: '9', messageId: 'body-signed', signature: sign({ ...body, text: '9', messageId: 'body-signed' }) } });
    expect(inBody.json()).toMatchObject({ result: 'unrecognised_code' });
    // A correct signature on an old message is a replay.
    const old = { ...body, timestamp: body.timestamp - 3600 };
    expect((await inbound(old)).statusCode).toBe(401);
    expect(await inboundCount()).toBe(before + 1);
    expect(await caseRow(caseId)).toMatchObject({ rating_satisfaction: null });
    const row = await t.database.db.selectFrom('callback_tasks').select('status').where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('open');
  }, SLOW);

  it('record the code as the requester\'s answer and close the task; the same message again changes nothing', async () => {
    const { caseId, phone, task } = await repliedCase();
    const body = sms(`+86 ${phone}`, ' 2 ', 'provider-msg-1');
    const res = await inbound(body);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ result: 'recorded', code: '2', isDuplicate: false, taskId: task.id });
    expect(await caseRow(caseId)).toMatchObject({ rating_resolved: 'yes', rating_satisfaction: 'fairly_satisfied', status: 'replied' });
    const again = await inbound(body);
    expect(again.json()).toMatchObject({ result: 'recorded', isDuplicate: true, taskId: task.id });
    expect((await eventCodes(caseId)).filter((c) => c === 'case.rated')).toHaveLength(1);
    const row = await t.database.db.selectFrom('callback_tasks').select(['status', 'close_reason', 'sms_code']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'done', close_reason: 'sms_reply', sms_code: '2' });
  }, SLOW);

  it('map 1-4 to satisfaction and resolution; 4 is "not solved"', async () => {
    const expected = {
      '1': { rating_resolved: 'yes', rating_satisfaction: 'satisfied' },
      '3': { rating_resolved: 'partly', rating_satisfaction: 'dissatisfied' },
      '４': { rating_resolved: 'no', rating_satisfaction: 'dissatisfied' },
    } as const;
    for (const [text, row] of Object.entries(expected)) {
      const { caseId, phone } = await repliedCase();
      const res = await inbound(sms(phone, text));
      expect(res.statusCode, res.body).toBe(200);
      expect(await caseRow(caseId)).toMatchObject(row);
      // "Not solved" and "dissatisfied" are requests to reopen, decided by a dispatcher or supervisor (reopen policy).
      expect((res.json() as { isReopenRequested: boolean }).isReopenRequested).toBe(text !== '1');
      expect((await eventCodes(caseId)).includes('case.reopen_requested')).toBe(text !== '1');
    }
  }, SLOW);

  it('answer an unknown phone or an unreadable reply with a code, changing no case', async () => {
    const unknown = await inbound(sms('13012345678', '1'));
    expect(unknown.statusCode).toBe(200);
    expect(unknown.json()).toMatchObject({ result: 'unknown_phone', taskId: null });
    const { caseId, phone, task } = await repliedCase();
    const unreadable = await inbound(sms(phone, '谢谢你们 12'));
    expect(unreadable.json()).toMatchObject({ result: 'unrecognised_code', taskId: task.id });
    expect(await caseRow(caseId)).toMatchObject({ rating_satisfaction: null });
    const row = await t.database.db.selectFrom('callback_tasks').select('status').where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('open');
  }, SLOW);
});

describe('the questionnaire', () => {
  it('is answered once through a public one-time link; the answers are the requester\'s rating', async () => {
    const { caseId, task } = await repliedCase();
    const link = await t.call('agent', 'POST', `/api/v1/callbacks/tasks/${task.id}/link`);
    expect(link.statusCode, link.body).toBe(201);
    const { token } = link.json() as { token: string };
    const stored = await t.database.db.selectFrom('callback_links').select('token_hash').where('task_id', '=', task.id).execute();
    expect(stored.map((r) => r.token_hash)).not.toContain(token);
    const page = await t.call(null, 'GET', `/api/v1/public/callbacks/questionnaire/${token}`);
    expect(page.statusCode).toBe(200);
    expect((page.json() as { questions: { id: string }[] }).questions.map((q) => q.id)).toEqual(['resolved', 'satisfaction', 'attitude', 'comment']);
    // A missing required answer: a coded 400, nothing stored, the link still works.
    const bad = await t.call(null, 'POST', `/api/v1/public/callbacks/questionnaire/${token}`, { answers: { resolved: 'yes', attitude: 9 } });
    expect(bad.statusCode).toBe(400);
    expect((await t.database.db.selectFrom('callback_answers').select('id').where('task_id', '=', task.id).execute())).toHaveLength(0);
    const ok = await t.call(null, 'POST', `/api/v1/public/callbacks/questionnaire/${token}`, { answers: { resolved: 'partly', satisfaction: 'fairly_satisfied', attitude: 4, comment: '还差一个月' } });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ satisfaction: 'fairly_satisfied', resolved: 'partly', isRatingRecorded: true });
    expect(await caseRow(caseId)).toMatchObject({ rating_resolved: 'partly', rating_satisfaction: 'fairly_satisfied' });
    const twice = await t.call(null, 'POST', `/api/v1/public/callbacks/questionnaire/${token}`, { answers: { resolved: 'yes', satisfaction: 'satisfied' } });
    expect(twice.statusCode).toBe(404);
    expect((twice.json() as { error: { code: string } }).error.code).toBe('callback.link_invalid');
    expect((await t.call(null, 'GET', `/api/v1/public/callbacks/questionnaire/${token}`)).statusCode).toBe(404);
    const answers = await t.database.db.selectFrom('callback_answers').select(['source', 'answers']).where('task_id', '=', task.id).execute();
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ source: 'link', answers: { attitude: 4, comment: '还差一个月' } });
    const row = await t.database.db.selectFrom('callback_tasks').select(['status', 'close_reason']).where('id', '=', task.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'done', close_reason: 'link_answer' });
  }, SLOW);

  it('is answered during the call and kept apart from the result', async () => {
    const { caseId, task } = await repliedCase();
    const res = await t.call('agent', 'POST', `/api/v1/callbacks/tasks/${task.id}/answers`, { answers: { resolved: 'yes', satisfaction: 'satisfied', attitude: 5 } });
    expect(res.statusCode, res.body).toBe(201);
    expect(await caseRow(caseId)).toMatchObject({ callback_satisfaction: null, rating_satisfaction: null });
    const count = await t.database.db.selectFrom('callback_answers').select(sql<string>`count(*)`.as('n')).where('task_id', '=', task.id).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
  }, SLOW);
});

// The outbox accepts the callback SMS only once the notifications module lists its kind (docs/callbacks.md).
const isCallbackSmsKindKnown = (MESSAGE_KINDS as readonly string[]).includes('callback_request');

describe('the callback SMS', () => {
  it.skipIf(!isCallbackSmsKindKnown)('is queued through the notifications outbox with the reply codes, in the requester\'s language', async () => {
    process.env.BIHUAN_SMS_PROVIDER = 'http';
    process.env.BIHUAN_SMS_HTTP_URL = 'http://127.0.0.1:9/sms';
    process.env.BIHUAN_NOTIFY_DELIVERY = 'paused';
    try {
      const { caseId } = await repliedCase('bo');
      const rows = await t.database.db.selectFrom('notification_messages').select(['kind', 'body', 'language', 'status']).where('case_id', '=', caseId).where('kind', '=', 'callback_request').execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ language: 'bo', status: 'queued' });
      expect(rows[0]?.body).toContain('4 ');
    } finally {
      delete process.env.BIHUAN_SMS_PROVIDER;
      delete process.env.BIHUAN_SMS_HTTP_URL;
      delete process.env.BIHUAN_NOTIFY_DELIVERY;
    }
  }, SLOW);

  it('is not queued while the outbox does not know its kind, and the task is still opened', async () => {
    process.env.BIHUAN_SMS_PROVIDER = 'http';
    process.env.BIHUAN_SMS_HTTP_URL = 'http://127.0.0.1:9/sms';
    process.env.BIHUAN_NOTIFY_DELIVERY = 'paused';
    try {
      const { caseId, task } = await repliedCase();
      expect(task.status).toBe('open');
      const rows = await t.database.db.selectFrom('notification_messages').select('kind').where('case_id', '=', caseId).execute();
      expect(rows.map((r) => r.kind)).toContain('replied');
      expect(rows.filter((r) => r.kind === 'callback_request')).toHaveLength(isCallbackSmsKindKnown ? 1 : 0);
    } finally {
      delete process.env.BIHUAN_SMS_PROVIDER;
      delete process.env.BIHUAN_SMS_HTTP_URL;
      delete process.env.BIHUAN_NOTIFY_DELIVERY;
    }
  }, SLOW);
});
