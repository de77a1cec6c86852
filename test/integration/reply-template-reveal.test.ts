import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';

/**
 * A canned reply filled with a case's facts (POST /reply-templates/{id}/render) greets the requester by name: that
 * is the requester's full name, given only to a reader allowed to see it, and audited like
 * GET /cases/{id}/requester each time.
 */

type Rendered = { language: string; text: string; isNameWithheld: boolean };

let t: TestApp;
let caseId = '';
let trackingNo = '';
let greetingId = '';
let plainId = '';

const template = (code: string, zh: string) => ({
  code, categoryId: null, unitId: null, kind: null, outcome: null,
  title: { 'zh-Hans': '答复', bo: 'ལན།' },
  body: { 'zh-Hans': zh, bo: 'ཨང་གྲངས། {trackingNo}' },
});

beforeAll(async () => {
  t = await createTestApp();
  const units = (await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] };
  const created = await t.call('agent', 'POST', '/api/v1/cases', {
    channel: 'phone', kind: 'complaint', title: '小区路灯不亮', description: '晚上小区里的路灯全部不亮。', requester: { name: '卓玛', phone: '13900005555' },
  });
  expect(created.statusCode, created.body).toBe(201);
  ({ id: caseId, trackingNo } = created.json() as { id: string; trackingNo: string });
  const dispatched = await t.call('dispatcher', 'POST', `/api/v1/cases/${caseId}/dispatch`, { unitId: units.items.find((u) => u.code === 'hrss')?.id });
  expect(dispatched.statusCode, dispatched.body).toBe(200);
  const greeting = await t.call('admin', 'POST', '/api/v1/reply-templates', template('reveal.greeting', '{requesterName}您好！您反映的“{title}”（{trackingNo}）已办理。'));
  expect(greeting.statusCode, greeting.body).toBe(201);
  greetingId = (greeting.json() as { id: string }).id;
  const plain = await t.call('admin', 'POST', '/api/v1/reply-templates', template('reveal.plain', '您反映的“{title}”（{trackingNo}）已办理。'));
  expect(plain.statusCode, plain.body).toBe(201);
  plainId = (plain.json() as { id: string }).id;
});

afterAll(async () => {
  await t.close();
});

const reveals = () =>
  t.database.db
    .selectFrom('audit_log').select(['actor_name', 'outcome', 'subject_kind', 'data']).where('action', '=', 'reveal personal data').where('subject_id', '=', caseId).orderBy('id')
    .execute();

describe('rendering a canned reply with the requester\'s name', () => {
  it('fills in the full name for the handler drafting the reply, and records it as a reveal of the case', async () => {
    const res = await t.call('handler', 'POST', `/api/v1/reply-templates/${greetingId}/render`, { caseId, language: 'zh-Hans' });
    expect(res.statusCode, res.body).toBe(200);
    const rendered = res.json() as Rendered;
    expect(rendered.isNameWithheld).toBe(false);
    expect(rendered.text.startsWith('卓玛您好！')).toBe(true);
    expect(await reveals()).toEqual([
      { actor_name: 'handler', outcome: 'revealed', subject_kind: 'cases', data: { trackingNo, via: 'reply_template', templateId: greetingId, language: 'zh-Hans' } },
    ]);
    // Every use is one entry.
    await t.call('handler', 'POST', `/api/v1/reply-templates/${greetingId}/render`, { caseId, language: 'zh-Hans' });
    expect(await reveals()).toHaveLength(2);
  });

  it('records nothing for a reply that does not use the name, nor for a case out of scope', async () => {
    const before = (await reveals()).length;
    const plain = await t.call('handler', 'POST', `/api/v1/reply-templates/${plainId}/render`, { caseId, language: 'zh-Hans' });
    expect(plain.statusCode, plain.body).toBe(200);
    expect(plain.body).not.toContain('卓玛');
    expect((await t.call('handler_city', 'POST', `/api/v1/reply-templates/${greetingId}/render`, { caseId })).statusCode).toBe(404);
    expect(await reveals()).toHaveLength(before);
  });

  it('gives no name to a reader without the permission to see personal data, and records no reveal', async () => {
    const before = (await reveals()).length;
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'admin', password: TEST_PASSWORD } });
    const session = (login.json() as { token: string }).token;
    const made = await t.app.inject({
      method: 'POST', url: '/api/v1/api-tokens', headers: { authorization: `Bearer ${session}` },
      payload: { name: 'read-only', permissions: ['case.read'], expiresInDays: 30 },
    });
    expect(made.statusCode, made.body).toBe(201);
    const token = (made.json() as { token: string }).token;
    const res = await t.app.inject({
      method: 'POST', url: `/api/v1/reply-templates/${greetingId}/render`, headers: { authorization: `Bearer ${token}` }, payload: { caseId, language: 'zh-Hans' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const rendered = res.json() as Rendered;
    expect(rendered.isNameWithheld).toBe(true);
    expect(rendered.text.startsWith('群众您好！')).toBe(true);
    expect(res.body).not.toContain('卓玛');
    expect(await reveals()).toHaveLength(before);
  });
});
