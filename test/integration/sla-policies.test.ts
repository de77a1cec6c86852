import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

// Administrators edit the time-limit policies (docs/time-limits.md, "Policies"): what they save is what new cases
// get, bad input changes nothing, and every change is audited with what it was before.

const local = (iso: string): number => new Date(`${iso}+08:00`).getTime();
let clock = local('2026-11-23T09:00');
let t: TestApp;

type Policy = Record<string, unknown> & { code: string };

const body = (overrides: Record<string, unknown> = {}) => ({
  name: { 'zh-Hans': '举报三日答复', en: 'Reports in three days' },
  targets: { accept: { amount: 8, mode: 'working_hours' }, reply: { amount: 3, mode: 'working_days' } },
  replyClock: 'registration',
  warnAtShare: 0.75,
  maxExtensionDays: 10,
  categoryId: null,
  channel: null,
  kind: 'report',
  priority: 10,
  isActive: true,
  pausedStatuses: ['on_hold'],
  maxReopenRounds: 1,
  reopenWindowDays: 15,
  holdReminderDays: 2,
  holdLimitDays: 7,
  ...overrides,
});

const list = async (): Promise<Policy[]> => {
  const res = await t.call('admin', 'GET', '/api/v1/sla/policies');
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: Policy[] }).items;
};

/** Registered and dispatched: the due dates are set when the case goes to a unit. */
const register = async (kind: string): Promise<{ id: string; replyDueAt: string }> => {
  const res = await t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind, title: '政策测试', description: '按政策计算期限' });
  expect(res.statusCode, res.body).toBe(201);
  const { id } = res.json() as { id: string };
  const hrss = ((await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] }).items.find((u) => u.code === 'hrss')?.id;
  const dispatched = await t.call('dispatcher', 'POST', `/api/v1/cases/${id}/dispatch`, { unitId: hrss });
  expect(dispatched.statusCode, dispatched.body).toBe(200);
  return dispatched.json() as { id: string; replyDueAt: string };
};

beforeAll(async () => {
  t = await createTestApp({ now: () => new Date(clock), sessionTtlHours: 24 * 365 });
});
afterAll(async () => {
  await t.close();
});

describe('time-limit policies', () => {
  it('an administrator creates a policy; new cases of its kind get its limits; the change is audited', async () => {
    const before = await list();
    const res = await t.call('admin', 'PUT', '/api/v1/sla/policies/report_three_days', body());
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ code: 'report_three_days', ...body() });
    expect((await list()).map((p) => p.code).sort()).toEqual([...before.map((p) => p.code), 'report_three_days'].sort());

    clock = local('2026-11-23T09:00');
    const report = await register('report');
    // Three working days after Monday (the day of registration does not count): Thursday 11-26 17:30.
    expect(report.replyDueAt).toBe(new Date(local('2026-11-26T17:30')).toISOString());
    const sla = (await t.call('admin', 'GET', `/api/v1/cases/${report.id}/sla?lang=en`)).json() as { policy: { code: string } };
    expect(sla.policy.code).toBe('report_three_days');

    const audit = await t.database.db.selectFrom('audit_log').select(['action', 'actor_name', 'data']).where('subject_kind', '=', 'sla_policy').execute();
    expect(audit).toEqual([expect.objectContaining({ action: 'sla.policy_created', actor_name: 'admin', data: expect.objectContaining({ before: null }) })]);
  });

  it('changing it records before and after; switching it off sends new cases back to the category limits', async () => {
    const res = await t.call('admin', 'PUT', '/api/v1/sla/policies/report_three_days', body({ isActive: false }));
    expect(res.statusCode, res.body).toBe(200);
    const change = await t.database.db
      .selectFrom('audit_log').select(['action', 'data']).where('subject_kind', '=', 'sla_policy').where('action', '=', 'sla.policy_changed').executeTakeFirstOrThrow();
    expect(change.data).toMatchObject({ before: { isActive: true }, after: { isActive: false } });
    clock = local('2026-11-23T09:00');
    const report = await register('report');
    expect(report.replyDueAt).not.toBe(new Date(local('2026-11-26T17:30')).toISOString());
  });

  it('refuses bad input with coded errors and changes nothing', async () => {
    const before = await list();
    const auditBefore = (await t.database.db.selectFrom('audit_log').select('id').where('subject_kind', '=', 'sla_policy').execute()).length;
    const cases: [string, unknown][] = [
      ['/api/v1/sla/policies/report_three_days', body({ holdReminderDays: 7, holdLimitDays: 7 })],
      ['/api/v1/sla/policies/report_three_days', body({ categoryId: '7f1f6c1e-8d0a-4c52-9c55-2f0b6f0e4a11' })],
      ['/api/v1/sla/policies/report_three_days', body({ targets: { accept: { amount: 8, mode: 'working_hours' } } })],
      ['/api/v1/sla/policies/report_three_days', body({ warnAtShare: 1 })],
      ['/api/v1/sla/policies/report_three_days', body({ pausedStatuses: ['accepted'] })],
      ['/api/v1/sla/policies/report_three_days', body({ kind: 'gossip' })],
      ['/api/v1/sla/policies/Bad-Code', body()],
      ['/api/v1/sla/policies/report_three_days', { ...body(), extra: true }],
      ['/api/v1/sla/policies/report_three_days', body({ name: { 'zh-Hans': '名称', bo: '  ' } })],
      ['/api/v1/sla/policies/report_three_days', body({ warnAtShare: 0.99 })],
    ];
    for (const [url, payload] of cases) {
      const res = await t.call('admin', 'PUT', url, payload);
      expect(res.statusCode, `${url} ${JSON.stringify(payload)}: ${res.body}`).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'validation.failed' } });
    }
    const categoryRes = await t.call('admin', 'PUT', '/api/v1/sla/policies/report_three_days', body({ categoryId: '7f1f6c1e-8d0a-4c52-9c55-2f0b6f0e4a11' }));
    expect(categoryRes.json()).toMatchObject({ error: { details: { issues: [{ path: 'body.categoryId' }] } } });
    expect(await list()).toEqual(before);
    expect((await t.database.db.selectFrom('audit_log').select('id').where('subject_kind', '=', 'sla_policy').execute()).length).toBe(auditBefore);
  });

  it('a case under way keeps the policy it started with, also when the policy is switched off', async () => {
    // Replies counted from acceptance (as for petitions): after dispatch the case has no reply date yet.
    const put = await t.call('admin', 'PUT', '/api/v1/sla/policies/suggestion_from_acceptance', body({ kind: 'suggestion', replyClock: 'acceptance', priority: 20 }));
    expect(put.statusCode, put.body).toBe(200);
    clock = local('2026-11-23T09:00');
    const c = await register('suggestion');
    expect(c.replyDueAt).toBeNull();
    // Switched off (or switched to the registration clock) meanwhile: the case still gets its reply date on acceptance.
    expect((await t.call('admin', 'PUT', '/api/v1/sla/policies/suggestion_from_acceptance', body({ kind: 'suggestion', replyClock: 'acceptance', priority: 20, isActive: false }))).statusCode).toBe(200);
    clock = local('2026-11-24T09:00');
    const accepted = await t.call('handler', 'POST', `/api/v1/cases/${c.id}/accept`, {});
    expect(accepted.statusCode, accepted.body).toBe(200);
    // Three working days after Tuesday's acceptance: Friday 11-27 17:30, under the policy the case started with.
    expect((accepted.json() as { replyDueAt: string }).replyDueAt).toBe(new Date(local('2026-11-27T17:30')).toISOString());
    const sla = (await t.call('admin', 'GET', `/api/v1/cases/${c.id}/sla?lang=en`)).json() as { policy: { code: string } };
    expect(sla.policy.code).toBe('suggestion_from_acceptance');
  });

  it('creating never replaces: with If-None-Match an existing code is a 409 and nothing changes; an unchanged save is not audited', async () => {
    const before = await list();
    const audits = async () => (await t.database.db.selectFrom('audit_log').select('id').where('subject_kind', '=', 'sla_policy').execute()).length;
    const auditBefore = await audits();
    const res = await t.app.inject({
      method: 'PUT', url: '/api/v1/sla/policies/report_three_days', payload: body({ priority: 99 }),
      headers: { authorization: `Bearer ${await t.tokenOf('admin')}`, 'if-none-match': '*' },
    });
    expect(res.statusCode, res.body).toBe(409);
    expect(res.json()).toMatchObject({ error: { code: 'sla.policy_exists', details: { code: 'report_three_days' } } });
    expect(await list()).toEqual(before);
    const fresh = await t.app.inject({
      method: 'PUT', url: '/api/v1/sla/policies/visit_quick', payload: body({ kind: null, channel: 'visit', isActive: false }),
      headers: { authorization: `Bearer ${await t.tokenOf('admin')}`, 'if-none-match': '*' },
    });
    expect(fresh.statusCode, fresh.body).toBe(200);
    expect(await audits()).toBe(auditBefore + 1);
    const current = before.find((p) => p.code === 'report_three_days');
    const { code: _code, ...unchanged } = current as Policy;
    expect((await t.call('admin', 'PUT', '/api/v1/sla/policies/report_three_days', unchanged)).statusCode).toBe(200);
    expect(await audits()).toBe(auditBefore + 1);
  });

  it('lists rows written outside the page as they are (a first-contact limit, a large priority)', async () => {
    await t.database.db.insertInto('sla_policies').values({
      code: 'legacy_sql', name: JSON.stringify({ 'zh-Hans': '旧规则' }), priority: 2000,
      targets: JSON.stringify({ firstContact: { amount: 2, mode: 'working_hours' }, reply: { amount: 10, mode: 'working_days' } }),
    }).execute();
    const legacy = (await list()).find((p) => p.code === 'legacy_sql');
    expect(legacy).toMatchObject({ priority: 2000, targets: { firstContact: { amount: 2, mode: 'working_hours' } } });
    await t.database.db.deleteFrom('sla_policies').where('code', '=', 'legacy_sql').execute();
  });

  it('is for administrators only', async () => {
    expect((await t.call(null, 'GET', '/api/v1/sla/policies')).statusCode).toBe(401);
    for (const user of ['agent', 'dispatcher', 'supervisor', 'handler']) {
      expect((await t.call(user, 'GET', '/api/v1/sla/policies')).statusCode, user).toBe(403);
      expect((await t.call(user, 'PUT', '/api/v1/sla/policies/sneaky', body())).statusCode, user).toBe(403);
    }
    expect((await list()).some((p) => p.code === 'sneaky')).toBe(false);
  });
});
