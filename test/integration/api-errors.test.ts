import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';

/**
 * Every API path with its error statuses: authentication, permissions, scope, validation, state and
 * request-format errors. Every refusal is followed by a check that the case did not change.
 */

type Ref = { id: string; code: string; name: string };
type Assignment = { unit: Ref; role: 'lead' | 'assisting'; status: string };
type CaseEvent = { code: string; isInternal: boolean; data: Record<string, unknown> };
type CaseView = {
  id: string;
  trackingNo: string;
  status: string;
  leadUnit: Ref | null;
  updatedAt: string;
  assignments: Assignment[];
  events: CaseEvent[];
  allowedActions: string[];
};
type Issue = { path: string; message: string };
type ErrorBody = { error: { code: string; message: string; messageId: string; details: Record<string, unknown> } };
type Json = Record<string, unknown>;

/** A user with the `citizen` role only: no staff permission at all. Inserted straight into this file's database. */
const NO_PERMISSION_USER = 'citizen_probe';

let t: TestApp;
const unitIds = new Map<string, string>();
let categoryId = '';
/** A registered case that the merge tests use as their master. */
let mergeMasterId = '';

const unit = (code: string): string => {
  const id = unitIds.get(code);
  if (!id) throw new Error(`no unit ${code}`);
  return id;
};

const expectError = (res: LightMyRequestResponse, status: number, code: string): ErrorBody['error'] => {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json() as ErrorBody;
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error).sort()).toEqual(['code', 'details', 'message', 'messageId']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  expect(body.error.messageId).toBe(`errors.${code}`);
  expect(body.error.details !== null && typeof body.error.details === 'object').toBe(true);
  return body.error;
};

const issuesOf = (error: ErrorBody['error']): Issue[] => {
  const issues = error.details.issues;
  expect(Array.isArray(issues), JSON.stringify(error)).toBe(true);
  return issues as Issue[];
};

/** 400 validation.failed with an issue at `path`; for an unknown key the issue (at the object) names the key. */
const expectValidationIssue = (res: LightMyRequestResponse, path: string, key?: string): Issue[] => {
  const issues = issuesOf(expectError(res, 400, 'validation.failed'));
  const match = issues.find((i) => i.path === path && (key === undefined || i.message.includes(`"${key}"`)));
  expect(match, `issue at ${path}${key ? ` naming ${key}` : ''} in ${JSON.stringify(issues)}`).toBeDefined();
  return issues;
};

const getCase = async (id: string): Promise<CaseView> => {
  const res = await t.call('admin', 'GET', `/api/v1/cases/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as CaseView;
};

type Snapshot = { status: string; eventCount: number; updatedAt: string; assignments: string[] };
const snapshot = async (id: string): Promise<Snapshot> => {
  const c = await getCase(id);
  return {
    status: c.status,
    eventCount: c.events.length,
    updatedAt: c.updatedAt,
    assignments: c.assignments.map((a) => `${a.unit.code}:${a.role}:${a.status}`),
  };
};

const expectUnchanged = async (id: string, before: Snapshot): Promise<void> => {
  expect(await snapshot(id)).toEqual(before);
};

const newCase = async (title = '测试诉求'): Promise<CaseView> => {
  const res = await t.call('agent', 'POST', '/api/v1/cases', {
    channel: 'phone',
    kind: 'complaint',
    title,
    description: '用于接口错误测试的诉求。',
    categoryId,
    requester: { name: '测试人', phone: '13800000009' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as CaseView;
};

const act = async (user: string, id: string, action: string, body: unknown): Promise<CaseView> => {
  const res = await t.call(user, 'POST', `/api/v1/cases/${id}/${action}`, body);
  expect(res.statusCode, `${action} by ${user}: ${res.body}`).toBe(200);
  return res.json() as CaseView;
};

type Fixture = 'registered' | 'dispatched' | 'joint' | 'accepted' | 'extension' | 'replied' | 'closed';

/** A fresh case driven through the API to the given state (lead hrss; `joint` and `closed` with union assisting). */
const caseIn = async (state: Fixture): Promise<string> => {
  const { id } = await newCase(`状态夹具 ${state}`);
  if (state === 'registered') return id;
  const isJoint = state === 'joint' || state === 'closed';
  await act('dispatcher', id, 'dispatch', isJoint ? { unitId: unit('hrss'), assistingUnitIds: [unit('union')] } : { unitId: unit('hrss') });
  if (state === 'dispatched' || state === 'joint') return id;
  if (isJoint) await act('handler_union', id, 'accept', {});
  await act('handler', id, 'accept', {});
  if (state === 'accepted') return id;
  if (state === 'extension') {
    await act('handler', id, 'request-extension', { days: 5, reason: '需要联合调查' });
    return id;
  }
  await act('handler', id, 'reply', { text: '已处理完毕。', outcome: 'resolved' });
  if (state === 'replied') return id;
  await act('dispatcher', id, 'close', {});
  return id;
};

const FIXTURE_STATUS: Record<Fixture, string> = {
  registered: 'registered', dispatched: 'dispatched', joint: 'dispatched', accepted: 'accepted', extension: 'accepted', replied: 'replied', closed: 'closed',
};

type BadBody = { label: string; body: () => unknown; path: string; key?: string };
type ActionCase = {
  action: string;
  /** A state in which `actor` may perform the action with `body`. */
  ready: Fixture;
  actor: string;
  body: () => Json;
  /** The status after the control request succeeds. */
  to: string;
  /** A demo user whose roles lack the action's permission. */
  forbidden: string;
  bad: BadBody[];
};

const futureIso = (days: number): string => new Date(Date.now() + days * 24 * 3600_000).toISOString();

const ACTIONS: ActionCase[] = [
  {
    action: 'dispatch', ready: 'registered', actor: 'dispatcher', to: 'dispatched', forbidden: 'handler',
    body: () => ({ unitId: unit('hrss') }),
    bad: [
      { label: 'unitId of the wrong type', body: () => ({ unitId: 42 }), path: 'body.unitId' },
      { label: 'unitId missing', body: () => ({ note: '请办理' }), path: 'body.unitId' },
      { label: 'assistingUnitIds not uuids', body: () => ({ unitId: unit('hrss'), assistingUnitIds: ['union'] }), path: 'body.assistingUnitIds.0' },
      { label: 'an unknown field', body: () => ({ unitId: unit('hrss'), priority: 'high' }), path: 'body', key: 'priority' },
    ],
  },
  {
    action: 'accept', ready: 'dispatched', actor: 'handler', to: 'accepted', forbidden: 'supervisor',
    body: () => ({ note: '已签收' }),
    bad: [
      { label: 'note of the wrong type', body: () => ({ note: 5 }), path: 'body.note' },
      { label: 'an unknown field', body: () => ({ note: '已签收', urgent: true }), path: 'body', key: 'urgent' },
    ],
  },
  {
    action: 'return', ready: 'dispatched', actor: 'handler', to: 'returned', forbidden: 'agent',
    body: () => ({ reason: '不属于本单位职责范围。' }),
    bad: [
      { label: 'reason missing', body: () => ({}), path: 'body.reason' },
      { label: 'reason of the wrong type', body: () => ({ reason: ['x'] }), path: 'body.reason' },
      { label: 'reason only blanks', body: () => ({ reason: '   ' }), path: 'body.reason' },
      { label: 'an unknown field', body: () => ({ reason: '不属于本单位', unitId: unit('cityman') }), path: 'body', key: 'unitId' },
    ],
  },
  {
    action: 'transfer', ready: 'dispatched', actor: 'dispatcher', to: 'dispatched', forbidden: 'handler',
    body: () => ({ unitId: unit('cityman'), reason: '职责调整' }),
    bad: [
      { label: 'reason missing', body: () => ({ unitId: unit('cityman') }), path: 'body.reason' },
      { label: 'unitId not a uuid', body: () => ({ unitId: 'cityman', reason: '职责调整' }), path: 'body.unitId' },
      { label: 'an unknown field', body: () => ({ unitId: unit('cityman'), reason: '职责调整', note: 'x' }), path: 'body', key: 'note' },
    ],
  },
  {
    action: 'note', ready: 'registered', actor: 'agent', to: 'registered', forbidden: NO_PERMISSION_USER,
    body: () => ({ text: '已电话联系诉求人。' }),
    bad: [
      { label: 'text missing', body: () => ({ isInternal: true }), path: 'body.text' },
      { label: 'isInternal of the wrong type', body: () => ({ text: '备注', isInternal: 'yes' }), path: 'body.isInternal' },
      { label: 'text too long', body: () => ({ text: 'x'.repeat(5001) }), path: 'body.text' },
      { label: 'an unknown field', body: () => ({ text: '备注', visibility: 'public' }), path: 'body', key: 'visibility' },
    ],
  },
  {
    action: 'contribute', ready: 'joint', actor: 'handler_union', to: 'dispatched', forbidden: 'agent',
    body: () => ({ text: '工会已约谈用人单位。' }),
    bad: [
      { label: 'text missing', body: () => ({}), path: 'body.text' },
      { label: 'text of the wrong type', body: () => ({ text: 1 }), path: 'body.text' },
      { label: 'an unknown field', body: () => ({ text: '意见', isInternal: false }), path: 'body', key: 'isInternal' },
    ],
  },
  {
    action: 'reply', ready: 'accepted', actor: 'handler', to: 'replied', forbidden: 'agent',
    body: () => ({ text: '已追回工资。', outcome: 'resolved' }),
    bad: [
      { label: 'an outcome not in the list', body: () => ({ text: '已处理', outcome: 'done' }), path: 'body.outcome' },
      { label: 'text missing', body: () => ({ outcome: 'resolved' }), path: 'body.text' },
      { label: 'a negative amount', body: () => ({ text: '已处理', outcome: 'resolved', amountRecoveredFen: -1 }), path: 'body.amountRecoveredFen' },
      { label: 'a fractional amount', body: () => ({ text: '已处理', outcome: 'resolved', amountRecoveredFen: 1.5 }), path: 'body.amountRecoveredFen' },
      { label: 'an unknown field', body: () => ({ text: '已处理', outcome: 'resolved', amount: 100 }), path: 'body', key: 'amount' },
    ],
  },
  {
    action: 'callback', ready: 'replied', actor: 'agent', to: 'callback_done', forbidden: 'handler',
    body: () => ({ resolved: 'yes', satisfaction: 'satisfied' }),
    bad: [
      { label: 'resolved not in the list', body: () => ({ resolved: 'maybe', satisfaction: 'satisfied' }), path: 'body.resolved' },
      { label: 'satisfaction missing', body: () => ({ resolved: 'yes' }), path: 'body.satisfaction' },
      { label: 'an unknown field', body: () => ({ resolved: 'yes', satisfaction: 'satisfied', score: 5 }), path: 'body', key: 'score' },
    ],
  },
  {
    action: 'reopen', ready: 'replied', actor: 'supervisor', to: 'dispatched', forbidden: 'agent',
    body: () => ({ reason: '群众反映问题仍未解决。' }),
    bad: [
      { label: 'reason missing', body: () => ({}), path: 'body.reason' },
      { label: 'reason null', body: () => ({ reason: null }), path: 'body.reason' },
      { label: 'an unknown field', body: () => ({ reason: '未解决', unitId: unit('hrss') }), path: 'body', key: 'unitId' },
    ],
  },
  {
    action: 'close', ready: 'replied', actor: 'dispatcher', to: 'closed', forbidden: 'agent',
    body: () => ({}),
    bad: [
      { label: 'an unknown field', body: () => ({ force: true }), path: 'body', key: 'force' },
      { label: 'an array instead of an object', body: () => [], path: 'body' },
    ],
  },
  {
    action: 'reject', ready: 'registered', actor: 'agent', to: 'rejected', forbidden: 'handler',
    body: () => ({ reason: '该事项已进入诉讼程序。', advice: '请向法院咨询。' }),
    bad: [
      { label: 'reason missing', body: () => ({ advice: '请向法院咨询' }), path: 'body.reason' },
      { label: 'advice of the wrong type', body: () => ({ reason: '不受理', advice: 3 }), path: 'body.advice' },
      { label: 'an unknown field', body: () => ({ reason: '不受理', notify: true }), path: 'body', key: 'notify' },
    ],
  },
  {
    action: 'resolve-on-intake', ready: 'registered', actor: 'agent', to: 'replied', forbidden: 'handler',
    body: () => ({ text: '已当场解答政策。' }),
    bad: [
      { label: 'text missing', body: () => ({ outcome: 'explained' }), path: 'body.text' },
      { label: 'an outcome not in the list', body: () => ({ text: '已解答', outcome: 'great' }), path: 'body.outcome' },
      { label: 'an unknown field', body: () => ({ text: '已解答', reply: 'x' }), path: 'body', key: 'reply' },
    ],
  },
  {
    action: 'request-extension', ready: 'accepted', actor: 'handler', to: 'accepted', forbidden: 'dispatcher',
    body: () => ({ days: 5, reason: '需要多部门联合调查。' }),
    bad: [
      { label: 'zero days', body: () => ({ days: 0, reason: '调查' }), path: 'body.days' },
      { label: 'more than 90 days', body: () => ({ days: 91, reason: '调查' }), path: 'body.days' },
      { label: 'days as a string', body: () => ({ days: '5', reason: '调查' }), path: 'body.days' },
      { label: 'fractional days', body: () => ({ days: 2.5, reason: '调查' }), path: 'body.days' },
      { label: 'reason missing', body: () => ({ days: 5 }), path: 'body.reason' },
      { label: 'an unknown field', body: () => ({ days: 5, reason: '调查', until: futureIso(5) }), path: 'body', key: 'until' },
    ],
  },
  {
    action: 'decide-extension', ready: 'extension', actor: 'supervisor', to: 'accepted', forbidden: 'dispatcher',
    body: () => ({ isApproved: true, note: '同意延期' }),
    bad: [
      { label: 'isApproved as a string', body: () => ({ isApproved: 'yes' }), path: 'body.isApproved' },
      { label: 'isApproved missing', body: () => ({ note: '同意' }), path: 'body.isApproved' },
      { label: 'an unknown field', body: () => ({ isApproved: true, days: 3 }), path: 'body', key: 'days' },
    ],
  },
  {
    action: 'supervise', ready: 'registered', actor: 'supervisor', to: 'registered', forbidden: 'dispatcher',
    body: () => ({ dueBy: futureIso(3), note: '请于三日内办结。' }),
    bad: [
      { label: 'dueBy not a date', body: () => ({ dueBy: 'next week', note: '督办' }), path: 'body.dueBy' },
      { label: 'note missing', body: () => ({ dueBy: futureIso(3) }), path: 'body.note' },
      { label: 'an unknown field', body: () => ({ dueBy: futureIso(3), note: '督办', level: 1 }), path: 'body', key: 'level' },
    ],
  },
  {
    action: 'merge', ready: 'registered', actor: 'dispatcher', to: 'merged', forbidden: 'agent',
    body: () => ({ masterId: mergeMasterId }),
    bad: [
      { label: 'masterId not a uuid', body: () => ({ masterId: 'abc' }), path: 'body.masterId' },
      { label: 'masterId missing', body: () => ({}), path: 'body.masterId' },
      { label: 'an unknown field', body: () => ({ masterId: mergeMasterId, reason: '重复' }), path: 'body', key: 'reason' },
    ],
  },
];

beforeAll(async () => {
  t = await createTestApp();
  const units = (await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] };
  for (const u of units.items) unitIds.set(u.code, u.id);
  const categories = (await t.call(null, 'GET', '/api/v1/categories')).json() as { items: { id: string; code: string }[] };
  categoryId = categories.items.find((c) => c.code === 'wage_arrears')?.id ?? '';
  const agent = await t.database.db.selectFrom('users').select(['password_hash', 'unit_id']).where('username', '=', 'agent').executeTakeFirstOrThrow();
  await t.database.db
    .insertInto('users')
    .values({ username: NO_PERMISSION_USER, display_name: '无权限用户', password_hash: agent.password_hash, roles: ['citizen'], unit_id: agent.unit_id })
    .execute();
  mergeMasterId = (await newCase('合并主件')).id;
});

afterAll(async () => {
  await t.close();
});

it('covers all 16 actions of the contract', () => {
  expect(ACTIONS.map((a) => a.action).sort()).toEqual(
    ['accept', 'callback', 'close', 'contribute', 'decide-extension', 'dispatch', 'merge', 'note', 'reject', 'reopen', 'reply',
      'request-extension', 'resolve-on-intake', 'return', 'supervise', 'transfer'].sort(),
  );
});

describe('health and the OpenAPI document', () => {
  it('GET /healthz answers 200 {status:"ok"}', async () => {
    const res = await t.call(null, 'GET', '/healthz');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('GET /api/v1/openapi.json is an OpenAPI 3 document with every case path and action', async () => {
    const res = await t.call(null, 'GET', '/api/v1/openapi.json');
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toMatch(/^3\./);
    for (const { action } of ACTIONS) {
      expect(doc.paths[`/api/v1/cases/{id}/${action}`], action).toHaveProperty('post');
    }
    expect(doc.paths['/api/v1/cases']).toHaveProperty('get');
    expect(doc.paths['/api/v1/cases']).toHaveProperty('post');
    expect(doc.paths['/api/v1/cases/{id}']).toHaveProperty('get');
    expect(doc.paths['/api/v1/public/cases']).toHaveProperty('post');
    expect(doc.paths['/api/v1/public/cases/{trackingNo}']).toHaveProperty('get');
    expect(doc.paths['/api/v1/public/cases/{trackingNo}/rating']).toHaveProperty('post');
  });

  it('the unit and category directories are public', async () => {
    const units = await t.call(null, 'GET', '/api/v1/units');
    expect(units.statusCode).toBe(200);
    expect((units.json() as { items: unknown[] }).items.length).toBeGreaterThan(10);
    const categories = await t.call(null, 'GET', '/api/v1/categories');
    expect(categories.statusCode).toBe(200);
    expect((categories.json() as { items: unknown[] }).items.length).toBeGreaterThan(10);
    expectValidationIssue(await t.call(null, 'GET', '/api/v1/units?lang=fr'), 'querystring.lang');
  });
});

describe('authentication', () => {
  const login = (payload: unknown) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: payload as Json });

  it('logs in with the right password: 200, a token and an httpOnly session cookie that works for /auth/me', async () => {
    const res = await login({ username: 'agent', password: TEST_PASSWORD });
    expect(res.statusCode).toBe(200);
    const body = res.json() as { token: string; user: { username: string; roles: string[]; permissions: string[] } };
    expect(body.token.length).toBeGreaterThanOrEqual(20);
    expect(body.user).toMatchObject({ username: 'agent', roles: ['agent'] });
    expect(body.user.permissions).toContain('case.create');
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toContain(`bihuan_session=${body.token}`);
    expect(setCookie).toContain('HttpOnly');

    const me = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: `bihuan_session=${body.token}` } });
    expect(me.statusCode, me.body).toBe(200);
    expect(me.json()).toMatchObject({ username: 'agent', roles: ['agent'] });
    const byBearer = await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${body.token}` } });
    expect(byBearer.statusCode).toBe(200);
    expect(byBearer.json()).toMatchObject({ username: 'agent' });
  });

  it('refuses a wrong password and an unknown user alike with 401 auth.invalid_credentials, setting no cookie', async () => {
    const wrong = await login({ username: 'agent', password: 'not-the-password' });
    expectError(wrong, 401, 'auth.invalid_credentials');
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const unknown = await login({ username: 'nobody_here', password: TEST_PASSWORD });
    expectError(unknown, 401, 'auth.invalid_credentials');
    expect(unknown.json()).toEqual(wrong.json());
  });

  it('refuses missing or malformed login fields with 400 validation.failed naming them', async () => {
    expectValidationIssue(await login({ username: 'agent' }), 'body.password');
    expectValidationIssue(await login({ password: TEST_PASSWORD }), 'body.username');
    expectValidationIssue(await login({ username: '   ', password: TEST_PASSWORD }), 'body.username');
    expectValidationIssue(await login({ username: 'agent', password: TEST_PASSWORD, remember: true }), 'body', 'remember');
    expectValidationIssue(await login({ username: 7, password: TEST_PASSWORD }), 'body.username');
  });

  it('answers 401 auth.required without a token, with a garbage bearer token and with a garbage cookie', async () => {
    expectError(await t.app.inject({ method: 'GET', url: '/api/v1/auth/me' }), 401, 'auth.required');
    expectError(await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: 'Bearer not-a-real-token' } }), 401, 'auth.required');
    expectError(await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: 'bihuan_session=forged' } }), 401, 'auth.required');
    expectError(await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout' }), 401, 'auth.required');
  });

  it('after logout the token no longer works', async () => {
    const token = (((await login({ username: 'dispatcher', password: TEST_PASSWORD })).json()) as { token: string }).token;
    const headers = { authorization: `Bearer ${token}` };
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers })).statusCode).toBe(200);
    const out = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers });
    expect(out.statusCode).toBe(204);
    expect(String(out.headers['set-cookie'])).toMatch(/bihuan_session=;/);
    expectError(await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers }), 401, 'auth.required');
    expectError(await t.app.inject({ method: 'GET', url: '/api/v1/cases', headers }), 401, 'auth.required');
    expectError(await t.app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: { cookie: `bihuan_session=${token}` } }), 401, 'auth.required');
  });
});

describe('reading cases', () => {
  it('GET /api/v1/cases: 401 anonymous, 403 without case.read, 200 for staff', async () => {
    expectError(await t.call(null, 'GET', '/api/v1/cases'), 401, 'auth.required');
    const forbidden = expectError(await t.call(NO_PERMISSION_USER, 'GET', '/api/v1/cases'), 403, 'auth.forbidden');
    expect(forbidden.details).toMatchObject({ permission: 'case.read' });
    expect((await t.call('handler', 'GET', '/api/v1/cases')).statusCode).toBe(200);
  });

  it('GET /api/v1/cases/{id}: 401 anonymous, 403 without case.read, 404 unknown, 400 not a uuid', async () => {
    const { id } = await newCase();
    expectError(await t.call(null, 'GET', `/api/v1/cases/${id}`), 401, 'auth.required');
    expectError(await t.call(NO_PERMISSION_USER, 'GET', `/api/v1/cases/${id}`), 403, 'auth.forbidden');
    expectError(await t.call('admin', 'GET', `/api/v1/cases/${randomUUID()}`), 404, 'case.not_found');
    expectValidationIssue(await t.call('admin', 'GET', '/api/v1/cases/12345'), 'params.id');
    expect((await t.call('agent', 'GET', `/api/v1/cases/${id}`)).statusCode).toBe(200);
  });
});

describe.each(ACTIONS)('POST /api/v1/cases/{id}/$action', (spec) => {
  const url = (id: string) => `/api/v1/cases/${id}/${spec.action}`;

  it('answers 401 auth.required to an anonymous caller and changes nothing', async () => {
    const id = await caseIn(spec.ready);
    const before = await snapshot(id);
    expectError(await t.call(null, 'POST', url(id), spec.body()), 401, 'auth.required');
    await expectUnchanged(id, before);
  });

  it(`answers 403 auth.forbidden to ${spec.forbidden} and to a user without permissions, changing nothing`, async () => {
    const id = await caseIn(spec.ready);
    const before = await snapshot(id);
    for (const user of new Set([spec.forbidden, NO_PERMISSION_USER])) {
      const error = expectError(await t.call(user, 'POST', url(id), spec.body()), 403, 'auth.forbidden');
      expect(error.details.permission, user).toMatch(/^case\./);
    }
    await expectUnchanged(id, before);
  });

  it('answers 404 case.not_found for an unknown case id', async () => {
    const error = expectError(await t.call(spec.actor, 'POST', url(randomUUID()), spec.body()), 404, 'case.not_found');
    expect(error.details).toHaveProperty('id');
  });

  it('answers 400 validation.failed at params.id for a case id that is not a uuid', async () => {
    expectValidationIssue(await t.call(spec.actor, 'POST', url('not-a-uuid'), spec.body()), 'params.id');
  });

  it.each(spec.bad)('answers 400 validation.failed at $path for $label and changes nothing', async (bad) => {
    const id = await caseIn(spec.ready);
    const before = await snapshot(id);
    expectValidationIssue(await t.call(spec.actor, 'POST', url(id), bad.body()), bad.path, bad.key);
    await expectUnchanged(id, before);
  });

  it('answers 409 case.invalid_transition on a closed case and changes nothing', async () => {
    const id = await caseIn('closed');
    const before = await snapshot(id);
    const error = expectError(await t.call(spec.actor, 'POST', url(id), spec.body()), 409, 'case.invalid_transition');
    expect(error.details).toMatchObject({ action: spec.action, status: 'closed' });
    await expectUnchanged(id, before);
  });

  it(`control: ${spec.actor} may do it in status ${spec.ready} (→ ${spec.to})`, async () => {
    const id = await caseIn(spec.ready);
    const before = await snapshot(id);
    expect(before.status).toBe(FIXTURE_STATUS[spec.ready]);
    const res = await t.call(spec.actor, 'POST', url(id), spec.body());
    expect(res.statusCode, res.body).toBe(200);
    const after = await snapshot(id);
    expect(after.status).toBe(spec.to);
    expect(after.eventCount).toBe(before.eventCount + 1);
  });
});

describe('refusals particular to some actions', () => {
  it('dispatch to an unknown unit id: 400 with issue path unitId', async () => {
    const id = await caseIn('registered');
    const before = await snapshot(id);
    expectValidationIssue(await t.call('dispatcher', 'POST', `/api/v1/cases/${id}/dispatch`, { unitId: randomUUID() }), 'body.unitId');
    expectValidationIssue(
      await t.call('dispatcher', 'POST', `/api/v1/cases/${id}/dispatch`, { unitId: unit('hrss'), assistingUnitIds: [randomUUID()] }),
      'body.assistingUnitIds.0',
    );
    expectValidationIssue(
      await t.call('dispatcher', 'POST', `/api/v1/cases/${id}/dispatch`, { unitId: unit('hrss'), assistingUnitIds: [unit('hrss')] }),
      'body.assistingUnitIds',
    );
    await expectUnchanged(id, before);
  });

  it('merge into itself: 400 at masterId', async () => {
    const id = await caseIn('registered');
    const before = await snapshot(id);
    expectValidationIssue(await t.call('dispatcher', 'POST', `/api/v1/cases/${id}/merge`, { masterId: id }), 'body.masterId');
    await expectUnchanged(id, before);
  });

  it('merge into an unknown case: 400 at masterId', async () => {
    const id = await caseIn('registered');
    const before = await snapshot(id);
    expectValidationIssue(await t.call('dispatcher', 'POST', `/api/v1/cases/${id}/merge`, { masterId: randomUUID() }), 'body.masterId');
    await expectUnchanged(id, before);
  });

  it('merge into a merged or a rejected case: 409 case.merge_target_invalid', async () => {
    const master = await caseIn('registered');
    const merged = await caseIn('registered');
    await act('dispatcher', merged, 'merge', { masterId: master });
    const rejected = await caseIn('registered');
    await act('agent', rejected, 'reject', { reason: '不属于受理范围。' });
    const id = await caseIn('registered');
    const before = await snapshot(id);
    const mergedTarget = await snapshot(merged);
    const error = expectError(await t.call('dispatcher', 'POST', `/api/v1/cases/${id}/merge`, { masterId: merged }), 409, 'case.merge_target_invalid');
    expect(error.details).toMatchObject({ masterId: merged, masterStatus: 'merged' });
    expectError(await t.call('dispatcher', 'POST', `/api/v1/cases/${id}/merge`, { masterId: rejected }), 409, 'case.merge_target_invalid');
    await expectUnchanged(id, before);
    await expectUnchanged(merged, mergedTarget);
  });

  it('supervise with a past dueBy: 400 at dueBy', async () => {
    const id = await caseIn('accepted');
    const before = await snapshot(id);
    expectValidationIssue(await t.call('supervisor', 'POST', `/api/v1/cases/${id}/supervise`, { dueBy: '2020-01-01T00:00:00+08:00', note: '督办' }), 'body.dueBy');
    expectValidationIssue(await t.call('supervisor', 'POST', `/api/v1/cases/${id}/supervise`, { dueBy: '2020-01-01', note: '督办' }), 'body.dueBy');
    await expectUnchanged(id, before);
  });

  it('transfer to the unit that already leads: 400 at unitId', async () => {
    const id = await caseIn('dispatched');
    const before = await snapshot(id);
    expectValidationIssue(await t.call('dispatcher', 'POST', `/api/v1/cases/${id}/transfer`, { unitId: unit('hrss'), reason: '转办' }), 'body.unitId');
    expectValidationIssue(await t.call('dispatcher', 'POST', `/api/v1/cases/${id}/transfer`, { unitId: randomUUID(), reason: '转办' }), 'body.unitId');
    await expectUnchanged(id, before);
  });

  it('accepting twice: 409 case.invalid_transition', async () => {
    const id = await caseIn('accepted');
    const before = await snapshot(id);
    expectError(await t.call('handler', 'POST', `/api/v1/cases/${id}/accept`, {}), 409, 'case.invalid_transition');
    await expectUnchanged(id, before);
  });

  it('a second extension request while one is pending: 409; deciding with none pending: 409', async () => {
    const pending = await caseIn('extension');
    const beforePending = await snapshot(pending);
    expectError(await t.call('handler', 'POST', `/api/v1/cases/${pending}/request-extension`, { days: 3, reason: '再延' }), 409, 'case.invalid_transition');
    await expectUnchanged(pending, beforePending);
    const none = await caseIn('accepted');
    const beforeNone = await snapshot(none);
    expectError(await t.call('supervisor', 'POST', `/api/v1/cases/${none}/decide-extension`, { isApproved: true }), 409, 'case.invalid_transition');
    await expectUnchanged(none, beforeNone);
  });

  it('an assisting unit may not reply or request an extension: 403 case.not_assigned', async () => {
    const id = await caseIn('joint');
    await act('handler', id, 'accept', {});
    const before = await snapshot(id);
    expectError(await t.call('handler_union', 'POST', `/api/v1/cases/${id}/reply`, { text: '已处理', outcome: 'resolved' }), 403, 'case.not_assigned');
    expectError(await t.call('handler_union', 'POST', `/api/v1/cases/${id}/request-extension`, { days: 3, reason: '延期' }), 403, 'case.not_assigned');
    // ...and the lead unit may not contribute as if it assisted.
    expectError(await t.call('handler', 'POST', `/api/v1/cases/${id}/contribute`, { text: '意见' }), 403, 'case.not_assigned');
    await expectUnchanged(id, before);
  });
});

describe('unit scope', () => {
  it('a case dispatched to hrss is invisible to handler_city: accept, GET and the list all say not found', async () => {
    const id = await caseIn('dispatched');
    const { trackingNo } = await getCase(id);
    const before = await snapshot(id);
    const error = expectError(await t.call('handler_city', 'POST', `/api/v1/cases/${id}/accept`, {}), 404, 'case.not_found');
    expect(error.details).toEqual({ id });
    expectError(await t.call('handler_city', 'GET', `/api/v1/cases/${id}`), 404, 'case.not_found');
    expectError(await t.call('handler_city', 'POST', `/api/v1/cases/${id}/note`, { text: '看看' }), 404, 'case.not_found');
    const list = (await t.call('handler_city', 'GET', `/api/v1/cases?q=${trackingNo}`)).json() as { items: { id: string }[]; total: number };
    expect(list.total).toBe(0);
    expect(list.items).toEqual([]);
    await expectUnchanged(id, before);
    // The hrss handler sees it and may accept it.
    expect((await t.call('handler', 'GET', `/api/v1/cases/${id}`)).statusCode).toBe(200);
  });

  it('a case dispatched to hrss with cityman assisting is visible to handler_city', async () => {
    const { id, trackingNo } = await newCase('城管协办案件');
    await act('dispatcher', id, 'dispatch', { unitId: unit('hrss'), assistingUnitIds: [unit('cityman')] });
    const res = await t.call('handler_city', 'GET', `/api/v1/cases/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    const view = res.json() as CaseView;
    expect(view.leadUnit?.code).toBe('hrss');
    expect(view.allowedActions).toContain('accept');
    expect(view.allowedActions).not.toContain('reply');
    const list = (await t.call('handler_city', 'GET', `/api/v1/cases?q=${trackingNo}`)).json() as { items: { id: string }[] };
    expect(list.items.map((i) => i.id)).toEqual([id]);
    // Still invisible to a unit that was never involved.
    expectError(await t.call('handler_market', 'GET', `/api/v1/cases/${id}`), 404, 'case.not_found');
  });
});

describe('request format', () => {
  const authed = async (user: string) => ({ authorization: `Bearer ${await t.tokenOf(user)}` });

  it('a form-encoded or XML body on a POST: 415 request.unsupported_media_type', async () => {
    const id = await caseIn('registered');
    const before = await snapshot(id);
    const form = await t.app.inject({
      method: 'POST', url: `/api/v1/cases/${id}/note`, headers: { ...(await authed('agent')), 'content-type': 'application/x-www-form-urlencoded' }, payload: 'text=hello',
    });
    expectError(form, 415, 'request.unsupported_media_type');
    const xml = await t.app.inject({
      method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/xml' }, payload: '<login><username>agent</username></login>',
    });
    expectError(xml, 415, 'request.unsupported_media_type');
    await expectUnchanged(id, before);
  });

  it('a text/plain body on a POST: 415 request.unsupported_media_type (all bodies are JSON)', async () => {
    const id = await caseIn('registered');
    const before = await snapshot(id);
    const plain = await t.app.inject({
      method: 'POST', url: `/api/v1/cases/${id}/note`, headers: { ...(await authed('agent')), 'content-type': 'text/plain' }, payload: '{"text":"hello"}',
    });
    expectError(plain, 415, 'request.unsupported_media_type');
    await expectUnchanged(id, before);
  });

  it('malformed JSON: 400 validation.failed', async () => {
    const id = await caseIn('registered');
    const before = await snapshot(id);
    const res = await t.app.inject({
      method: 'POST', url: `/api/v1/cases/${id}/note`, headers: { ...(await authed('agent')), 'content-type': 'application/json' }, payload: '{"text": "unterminated',
    });
    expectValidationIssue(res, 'body');
    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{bad' });
    expectValidationIssue(login, 'body');
    await expectUnchanged(id, before);
  });

  it('an unknown route under /api: 404 resource.not_found, signed in or not', async () => {
    expectError(await t.call(null, 'GET', '/api/v1/nothing-here'), 404, 'resource.not_found');
    expectError(await t.call('admin', 'GET', '/api/v1/cases/x/y/z'), 404, 'resource.not_found');
    expectError(await t.call('admin', 'POST', `/api/v1/cases/${randomUUID()}/escalate`, {}), 404, 'resource.not_found');
    expectError(await t.call(null, 'GET', '/api/v2/cases'), 404, 'resource.not_found');
  });
});

describe('POST /api/v1/cases', () => {
  const valid = { channel: 'phone', kind: 'complaint', title: '小区噪音', description: '夜间施工噪音扰民。' };
  const listTotal = async () => ((await t.call('admin', 'GET', '/api/v1/cases?pageSize=1')).json() as { total: number }).total;

  it.each([
    { label: 'a missing title', body: { ...valid, title: undefined }, path: 'body.title' },
    { label: 'a blank title', body: { ...valid, title: '   ' }, path: 'body.title' },
    { label: 'a 201-character title', body: { ...valid, title: '长'.repeat(201) }, path: 'body.title' },
    { label: 'an unknown channel', body: { ...valid, channel: 'fax' }, path: 'body.channel' },
    { label: 'an unknown kind', body: { ...valid, kind: 'praise' }, path: 'body.kind' },
    { label: 'lat without lng', body: { ...valid, lat: 29.65 }, path: 'body.lat' },
    { label: 'a phone that is not a number', body: { ...valid, requester: { phone: 'call me' } }, path: 'body.requester.phone' },
    { label: 'a category id that is not a uuid', body: { ...valid, categoryId: 'noise' }, path: 'body.categoryId' },
    { label: 'a negative claimed amount', body: { ...valid, amountClaimedFen: -5 }, path: 'body.amountClaimedFen' },
  ])('400 validation.failed at $path for $label, registering nothing', async ({ body, path }) => {
    const before = await listTotal();
    expectValidationIssue(await t.call('agent', 'POST', '/api/v1/cases', body), path);
    expect(await listTotal()).toBe(before);
  });

  it('400 at categoryId for an unknown category', async () => {
    expectValidationIssue(await t.call('agent', 'POST', '/api/v1/cases', { ...valid, categoryId: randomUUID() }), 'body.categoryId');
  });

  it('a title of exactly 200 characters is accepted', async () => {
    const res = await t.call('agent', 'POST', '/api/v1/cases', { ...valid, title: '长'.repeat(200) });
    expect(res.statusCode, res.body).toBe(201);
  });

  it('401 anonymous, 403 auth.forbidden for handler and supervisor, registering nothing', async () => {
    const before = await listTotal();
    expectError(await t.call(null, 'POST', '/api/v1/cases', valid), 401, 'auth.required');
    expect(expectError(await t.call('handler', 'POST', '/api/v1/cases', valid), 403, 'auth.forbidden').details).toMatchObject({ permission: 'case.create' });
    expectError(await t.call('supervisor', 'POST', '/api/v1/cases', valid), 403, 'auth.forbidden');
    expect(await listTotal()).toBe(before);
  });

  it('201 for agent and for dispatcher, with an access code', async () => {
    for (const user of ['agent', 'dispatcher']) {
      const res = await t.call(user, 'POST', '/api/v1/cases', { ...valid, title: `由${user}登记` });
      expect(res.statusCode, res.body).toBe(201);
      const body = res.json() as CaseView & { accessCode: string };
      expect(body.status).toBe('registered');
      expect(body.accessCode).toMatch(/^\d{8}$/);
      expect(body.events.map((e) => e.code)).toEqual(['case.registered']);
    }
  });
});

describe('public endpoints', () => {
  it('submission: 400 for a bad body, 201 without a login', async () => {
    expectValidationIssue(await t.call(null, 'POST', '/api/v1/public/cases', { kind: 'help', description: '求助' }), 'body.title');
    expectValidationIssue(await t.call(null, 'POST', '/api/v1/public/cases', { kind: 'help', title: 'x', description: 'y', channel: 'phone' }), 'body', 'channel');
    const ok = await t.call(null, 'POST', '/api/v1/public/cases', { kind: 'help', title: '求助', description: '需要帮助' });
    expect(ok.statusCode, ok.body).toBe(201);
  });

  it('tracking: 400 without an access code, 400 for a bad check digit, 404 for a wrong code', async () => {
    const { trackingNo } = (await t.call(null, 'POST', '/api/v1/public/cases', { kind: 'help', title: '求助', description: '需要帮助' })).json() as { trackingNo: string };
    expectValidationIssue(await t.call(null, 'GET', `/api/v1/public/cases/${trackingNo}`), 'headers.x-access-code');
    const last = Number(trackingNo.slice(-1));
    const typo = `${trackingNo.slice(0, -1)}${(last + 1) % 10}`;
    expectValidationIssue(await t.call(null, 'GET', `/api/v1/public/cases/${typo}?accessCode=12345678`), 'params.trackingNo');
    expectError(await t.call(null, 'GET', `/api/v1/public/cases/${trackingNo}?accessCode=00000000`), 404, 'case.access_code_invalid');
  });

  it('rating: 400 for a bad body, 404 for a wrong code, 409 before a reply', async () => {
    const { trackingNo, accessCode } = (await t.call(null, 'POST', '/api/v1/public/cases', { kind: 'help', title: '求助', description: '需要帮助' })).json() as {
      trackingNo: string; accessCode: string;
    };
    const url = `/api/v1/public/cases/${trackingNo}/rating`;
    expectValidationIssue(await t.call(null, 'POST', url, { accessCode, resolved: 'yes', satisfaction: 'happy' }), 'body.satisfaction');
    expectValidationIssue(await t.call(null, 'POST', url, { resolved: 'yes', satisfaction: 'satisfied' }), 'body.accessCode');
    expectError(await t.call(null, 'POST', url, { accessCode: '99999999', resolved: 'yes', satisfaction: 'satisfied' }), 404, 'case.access_code_invalid');
    expectError(await t.call(null, 'POST', url, { accessCode, resolved: 'yes', satisfaction: 'satisfied' }), 409, 'case.rating_not_allowed');
  });
});
