import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

type CaseBody = { id: string; trackingNo: string; status: string; accessCode?: string; allowedActions: string[]; events: { code: string; toStatus: string | null }[] };

let t: TestApp;
let hrssId: string;
let unionId: string;
let wageCategoryId: string;

beforeAll(async () => {
  t = await createTestApp();
  const units = (await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] };
  hrssId = units.items.find((u) => u.code === 'hrss')?.id ?? '';
  unionId = units.items.find((u) => u.code === 'union')?.id ?? '';
  const categories = (await t.call(null, 'GET', '/api/v1/categories')).json() as { items: { id: string; code: string }[] };
  wageCategoryId = categories.items.find((c) => c.code === 'wage_arrears')?.id ?? '';
});

afterAll(async () => {
  await t.close();
});

describe('the case loop through the API', () => {
  it('walks intake → dispatch (joint) → accept → contribute → reply → callback → close, and the requester tracks and rates it', async () => {
    const created = await t.call('agent', 'POST', '/api/v1/cases', {
      channel: 'phone',
      kind: 'complaint',
      title: '工地拖欠工资',
      description: '包工头拖欠我们三个月工资，共计三万元。',
      categoryId: wageCategoryId,
      requester: { name: '测试人', phone: '13800000001', language: 'zh-Hans' },
      amountClaimedFen: 3_000_000,
    });
    expect(created.statusCode).toBe(201);
    const c = created.json() as CaseBody;
    expect(c.status).toBe('registered');
    expect(c.trackingNo).toMatch(/^\d{11,}$/);
    expect(c.accessCode).toMatch(/^\d{8}$/);
    expect(c.allowedActions).toContain('dispatch');

    const step = async (user: string, action: string, body: unknown, status: string) => {
      const res = await t.call(user, 'POST', `/api/v1/cases/${c.id}/${action}`, body);
      expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
      expect((res.json() as CaseBody).status).toBe(status);
      return res.json() as CaseBody & Record<string, unknown>;
    };

    await step('dispatcher', 'dispatch', { unitId: hrssId, assistingUnitIds: [unionId], note: '请联合办理' }, 'dispatched');
    await step('handler_union', 'accept', {}, 'dispatched');
    await step('handler', 'accept', { note: '已签收' }, 'accepted');
    await step('handler_union', 'contribute', { text: '工会已联系包工头，约定周五调解。' }, 'accepted');
    const replied = await step('handler', 'reply', { text: '已追回全部工资三万元。', outcome: 'resolved', amountRecoveredFen: 3_000_000 }, 'replied');
    expect(replied.amountRecoveredFen).toBe(3_000_000);

    const tracked = await t.call(null, 'GET', `/api/v1/public/cases/${c.trackingNo}?accessCode=${c.accessCode}`);
    expect(tracked.statusCode).toBe(200);
    expect(tracked.json()).toMatchObject({ status: 'replied', canRate: true, reply: { text: '已追回全部工资三万元。', outcome: 'resolved' } });

    const rated = await t.call(null, 'POST', `/api/v1/public/cases/${c.trackingNo}/rating`, {
      accessCode: c.accessCode,
      resolved: 'yes',
      satisfaction: 'satisfied',
    });
    expect(rated.statusCode).toBe(200);
    expect(rated.json()).toMatchObject({ canRate: false, rating: { resolved: 'yes', satisfaction: 'satisfied' } });

    await step('agent', 'callback', { resolved: 'yes', satisfaction: 'satisfied', comment: '满意' }, 'callback_done');
    const closed = await step('dispatcher', 'close', {}, 'closed');
    expect(closed.events.map((e) => e.code)).toEqual([
      'case.registered', 'case.dispatched', 'case.accepted', 'case.accepted', 'case.contributed', 'case.replied', 'case.rated',
      'case.callback_recorded', 'case.closed',
    ]);
    // Only the requester's answer about publication and a wish for identity protection may still be recorded.
    expect(closed.allowedActions).toEqual(['record-consent', 'protect-identity']);
  });

  it('refuses a transition the state machine does not allow with 409 and changes nothing', async () => {
    const created = (await t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'enquiry', title: '咨询', description: '社保怎么交' })).json() as CaseBody;
    const before = (await t.call('admin', 'GET', `/api/v1/cases/${created.id}`)).json() as CaseBody;
    const res = await t.call('admin', 'POST', `/api/v1/cases/${created.id}/reply`, { text: 'x', outcome: 'resolved' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ error: { code: 'case.invalid_transition' } });
    const after = (await t.call('admin', 'GET', `/api/v1/cases/${created.id}`)).json() as CaseBody;
    expect(after).toEqual(before);
  });

  it('a dissatisfied callback can reopen the case back to the same unit', async () => {
    const created = (await t.call('agent', 'POST', '/api/v1/cases', { channel: 'web', kind: 'complaint', title: '噪音', description: '夜间施工' })).json() as CaseBody;
    const go = (user: string, action: string, body: unknown) => t.call(user, 'POST', `/api/v1/cases/${created.id}/${action}`, body);
    expect((await go('dispatcher', 'dispatch', { unitId: hrssId })).statusCode).toBe(200);
    expect((await go('handler', 'accept', {})).statusCode).toBe(200);
    expect((await go('handler', 'reply', { text: '已处理', outcome: 'resolved' })).statusCode).toBe(200);
    expect((await go('agent', 'callback', { resolved: 'no', satisfaction: 'dissatisfied', comment: '还在施工' })).statusCode).toBe(200);
    const reopened = await go('supervisor', 'reopen', { reason: '群众反映问题仍未解决' });
    expect(reopened.statusCode).toBe(200);
    expect(reopened.json()).toMatchObject({ status: 'dispatched', reopenCount: 1, reply: null, callback: null, leadUnit: { code: 'hrss' } });
    expect((await go('handler', 'accept', {})).statusCode).toBe(200);
  });
});
