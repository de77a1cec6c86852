import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthDeps, createCaseDeps } from '../../src/db/deps.js';
import { seedOpen311Demo } from '../../src/db/open311-seed.js';
import { registerAuth } from '../../src/http/auth.plugin.js';
import type { AppDeps } from '../../src/http/context.js';
import { sendError, toAppError } from '../../src/http/error-mapping.js';
import { registerOpen311AdminRoutes } from '../../src/http/open311/open311-admin.routes.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The admin API of the Open311 module. Until app.ts registers it under /api/v1 this file mounts it on a
 * small app of its own with the real auth plugin and error mapping; the Open311 endpoints themselves are
 * exercised through the full app.
 */

let t: TestApp;
let admin: FastifyInstance;
const unitIds = new Map<string, string>();

const call = async (user: string | null, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<LightMyRequestResponse> =>
  admin.inject({
    method,
    url: `/api/v1${url}`,
    headers: user ? { authorization: `Bearer ${await t.tokenOf(user)}` } : {},
    ...(body === undefined ? {} : { payload: body as Record<string, unknown> }),
  });

const postRequest = (key: string, fields: Record<string, string>) =>
  t.app.inject({
    method: 'POST', url: '/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ api_key: key, ...fields }).toString(),
  });

const NOISE = { service_code: 'noise', address_string: '北京中路 1 号', 'attribute[noise_source]': 'business' };
const WAGE = { service_code: 'wage_arrears', address_string: '工地', 'attribute[employer_name]': '某公司' };

type KeyView = { id: string; name: string; keyPrefix: string; serviceCodes: string[] | null; rateLimitPerMinute: number; webhookUrl: string | null; isActive: boolean; intakeUnit: { code: string } };

beforeAll(async () => {
  t = await createTestApp();
  await seedOpen311Demo(t.database.db);
  for (const u of await t.database.db.selectFrom('units').select(['id', 'code']).execute()) unitIds.set(u.code, u.id);
  const now = () => new Date();
  const deps: AppDeps = {
    db: t.database.db, config: { sessionTtlHours: 12, trustProxy: false }, now,
    caseDeps: createCaseDeps(t.database.db, now), authDeps: createAuthDeps(t.database.db, now, 12),
  };
  admin = Fastify({ logger: false });
  admin.setValidatorCompiler(validatorCompiler);
  admin.setSerializerCompiler(serializerCompiler);
  admin.setErrorHandler((error, request, reply) => sendError(reply, toAppError(error, request)));
  await admin.register(fastifyCookie);
  registerAuth(admin, deps);
  await admin.register(async (api) => registerOpen311AdminRoutes(api, deps), { prefix: '/api/v1' });
  await admin.ready();
});

afterAll(async () => {
  await admin.close();
  await t.close();
});

describe('API keys', () => {
  it('401 anonymous, 403 without the admin permission', async () => {
    expect((await call(null, 'GET', '/admin/api-keys')).statusCode).toBe(401);
    expect((await call('dispatcher', 'GET', '/admin/api-keys')).statusCode).toBe(403);
    expect((await call('agent', 'POST', '/admin/api-keys', { name: 'x', intakeUnitId: unitIds.get('lhasa') })).statusCode).toBe(403);
  });

  it('issues a key shown once, stored hashed, that works at once and reports as its unit', async () => {
    const res = await call('admin', 'POST', '/admin/api-keys', { name: 'Chengguan app', intakeUnitId: unitIds.get('chengguan'), serviceCodes: ['noise', 'wage_arrears'], rateLimitPerMinute: 100 });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json() as KeyView & { key: string; webhookSecret: string | null };
    expect(created.key).toMatch(/^b311_[A-Za-z0-9_-]{32}$/);
    expect(created.key.startsWith(created.keyPrefix)).toBe(true);
    expect(created).toMatchObject({ name: 'Chengguan app', serviceCodes: ['noise', 'wage_arrears'], rateLimitPerMinute: 100, isActive: true, webhookSecret: null, intakeUnit: { code: 'chengguan' } });

    const stored = await t.database.db.selectFrom('open311_api_keys').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(created.key);
    expect(stored.key_hash).toMatch(/^[0-9a-f]{64}$/);

    const list = await call('admin', 'GET', '/admin/api-keys');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(created.key);
    expect(list.body).not.toContain(stored.key_hash);

    const posted = await postRequest(created.key, NOISE);
    expect(posted.statusCode, posted.body).toBe(200);
    const id = (posted.json() as { service_request_id: string }[])[0]?.service_request_id as string;
    const intake = await t.database.db.selectFrom('cases').select('intake_unit_id').where('tracking_no', '=', id).executeTakeFirstOrThrow();
    expect(intake.intake_unit_id).toBe(unitIds.get('chengguan'));

    const audit = await t.database.db.selectFrom('work_item_events').select(['code', 'data']).where('item_kind', '=', 'api_key').where('item_id', '=', created.id).execute();
    expect(audit.map((e) => e.code)).toEqual(['api_key.created']);
    expect(JSON.stringify(audit)).not.toContain(created.key);
  });

  it('400 for an unknown unit or service code, with the field path', async () => {
    const badUnit = await call('admin', 'POST', '/admin/api-keys', { name: 'x', intakeUnitId: '00000000-0000-4000-8000-000000000000' });
    expect(badUnit.statusCode).toBe(400);
    expect(badUnit.json()).toMatchObject({ error: { code: 'validation.failed', details: { issues: [{ path: 'body.intakeUnitId' }] } } });
    const badService = await call('admin', 'POST', '/admin/api-keys', { name: 'x', intakeUnitId: unitIds.get('lhasa'), serviceCodes: ['noise', 'potholes'] });
    expect(badService.json()).toMatchObject({ error: { code: 'validation.failed', details: { issues: [{ path: 'body.serviceCodes.1' }] } } });
  });

  it('scope, rate limit and webhook can change; a webhook secret is shown when set or rotated', async () => {
    const created = (await call('admin', 'POST', '/admin/api-keys', { name: 'Scoped', intakeUnitId: unitIds.get('lhasa') })).json() as KeyView & { key: string };
    expect((await postRequest(created.key, WAGE)).statusCode).toBe(200);

    const scoped = await call('admin', 'PATCH', `/admin/api-keys/${created.id}`, { serviceCodes: ['noise'], rateLimitPerMinute: 5 });
    expect(scoped.statusCode, scoped.body).toBe(200);
    expect(scoped.json()).toMatchObject({ serviceCodes: ['noise'], rateLimitPerMinute: 5, webhookSecret: null });
    const refused = await postRequest(created.key, WAGE);
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['bihuan-open311-error']).toBe('api_key_not_allowed');

    const hooked = (await call('admin', 'PATCH', `/admin/api-keys/${created.id}`, { webhookUrl: 'https://partner.example.org/hook' })).json() as KeyView & { webhookSecret: string };
    expect(hooked.webhookUrl).toBe('https://partner.example.org/hook');
    expect(hooked.webhookSecret).toMatch(/^whsec_/);
    const rotated = (await call('admin', 'PATCH', `/admin/api-keys/${created.id}`, { rotateWebhookSecret: true })).json() as { webhookSecret: string };
    expect(rotated.webhookSecret).toMatch(/^whsec_/);
    expect(rotated.webhookSecret).not.toBe(hooked.webhookSecret);
    const unhooked = (await call('admin', 'PATCH', `/admin/api-keys/${created.id}`, { webhookUrl: null })).json() as KeyView & { webhookSecret: string | null };
    expect(unhooked).toMatchObject({ webhookUrl: null, webhookSecret: null });
    expect((await call('admin', 'PATCH', `/admin/api-keys/${created.id}`, { webhookUrl: 'ftp://x' })).statusCode).toBe(400);

    const paused = await call('admin', 'PATCH', `/admin/api-keys/${created.id}`, { isActive: false });
    expect(paused.json()).toMatchObject({ isActive: false });
    expect((await postRequest(created.key, NOISE)).statusCode).toBe(403);
  });

  it('revoking is for good: the key stops working and cannot be changed again', async () => {
    const created = (await call('admin', 'POST', '/admin/api-keys', { name: 'Temporary', intakeUnitId: unitIds.get('lhasa') })).json() as KeyView & { key: string };
    expect((await call('admin', 'DELETE', `/admin/api-keys/${created.id}`)).statusCode).toBe(204);
    expect((await postRequest(created.key, NOISE)).statusCode).toBe(403);
    expect((await call('admin', 'DELETE', `/admin/api-keys/${created.id}`)).statusCode).toBe(404);
    expect((await call('admin', 'PATCH', `/admin/api-keys/${created.id}`, { isActive: true })).statusCode).toBe(404);
    const list = (await call('admin', 'GET', '/admin/api-keys')).json() as { items: (KeyView & { revokedAt: string | null })[] };
    expect(list.items.find((k) => k.id === created.id)).toMatchObject({ isActive: false, revokedAt: expect.any(String) });
  });
});

describe('services', () => {
  it('lists every service with its settings', async () => {
    const res = await call('admin', 'GET', '/admin/open311/services');
    expect(res.statusCode, res.body).toBe(200);
    const items = (res.json() as { items: { code: string; settings: { isPublic: boolean }; attributeCount: number }[] }).items;
    expect(items.find((s) => s.code === 'wage_arrears')).toMatchObject({ settings: { isPublic: false }, attributeCount: 10 });
  });

  it('sets a service and its attribute definitions; the definition and the POST follow', async () => {
    const res = await call('admin', 'PUT', '/admin/open311/services/consumer', {
      type: 'batch', caseKind: 'complaint', isPublic: true, keywords: ['消费'], serviceNotice: { 'zh-Hans': '市场监管局 7 日内答复。', en: 'Reply within 7 days.' },
      attributes: [
        { code: 'shop_name', datatype: 'string', required: true, order: 1, description: { 'zh-Hans': '商家名称', en: 'Shop' } },
        { code: 'channel', datatype: 'singlevaluelist', order: 2, description: { 'zh-Hans': '购买渠道' }, values: [{ key: 'store', name: { 'zh-Hans': '实体店' } }, { key: 'online', name: { 'zh-Hans': '网购' } }] },
      ],
    });
    expect(res.statusCode, res.body).toBe(204);
    const def = await t.app.inject({ method: 'GET', url: '/open311/v2/services/consumer.json?lang=en' });
    expect(def.json()).toMatchObject({ service_code: 'consumer', attributes: [{ code: 'shop_name', required: true, description: 'Shop' }, { code: 'channel', values: [{ key: 'store', name: '实体店' }, { key: 'online', name: '网购' }] }] });
    const key = (await call('admin', 'POST', '/admin/api-keys', { name: 'Consumer app', intakeUnitId: unitIds.get('lhasa') })).json() as { key: string };
    const missing = await postRequest(key.key, { service_code: 'consumer', address_string: '八廓街' });
    expect(missing.headers['bihuan-open311-error']).toBe('attribute_missing');
    const posted = await postRequest(key.key, { service_code: 'consumer', address_string: '八廓街', 'attribute[shop_name]': '某商店', 'attribute[channel]': 'online' });
    expect(Object.keys((posted.json() as object[])[0] as object)).toEqual(['token', 'service_notice', 'account_id']);
  });

  it('refuses inconsistent definitions and unknown services', async () => {
    const noValues = await call('admin', 'PUT', '/admin/open311/services/consumer', { attributes: [{ code: 'x', datatype: 'singlevaluelist', order: 1, description: { 'zh-Hans': 'x' } }] });
    expect(noValues.statusCode).toBe(400);
    const twice = await call('admin', 'PUT', '/admin/open311/services/consumer', {
      attributes: [{ code: 'x', datatype: 'string', order: 1, description: { 'zh-Hans': 'x' } }, { code: 'x', datatype: 'text', order: 2, description: { 'zh-Hans': 'y' } }],
    });
    expect(twice.statusCode).toBe(400);
    expect((await call('admin', 'PUT', '/admin/open311/services/labour', {})).statusCode).toBe(404);
  });

  it('a consent attribute offers exactly the two answers, once per service', async () => {
    const answers = [{ key: 'granted', name: { 'zh-Hans': '同意' } }, { key: 'refused', name: { 'zh-Hans': '不同意' } }];
    const consent = (over: Record<string, unknown> = {}) => ({ code: 'consent', datatype: 'singlevaluelist', order: 1, description: { 'zh-Hans': '是否同意公开？' }, values: answers, mapsTo: 'publication_consent', ...over });
    const put = (attributes: unknown[]) => call('admin', 'PUT', '/admin/open311/services/food_safety', { attributes });
    const before = (await t.app.inject({ method: 'GET', url: '/open311/v2/services/food_safety.json' })).json() as unknown;
    for (const wrong of [
      consent({ values: [answers[0]] }),
      consent({ values: [...answers, { key: 'maybe', name: { 'zh-Hans': '也许' } }] }),
      consent({ values: [answers[0], { key: 'no', name: { 'zh-Hans': '不' } }] }),
      consent({ datatype: 'multivaluelist' }),
      consent({ variable: false }),
    ]) {
      const res = await put([wrong]);
      expect(res.statusCode, JSON.stringify(wrong)).toBe(400);
      expect(res.json()).toMatchObject({ error: { code: 'validation.failed' } });
    }
    expect((await put([consent(), consent({ code: 'consent2', order: 2 })])).statusCode).toBe(400);
    expect((await t.app.inject({ method: 'GET', url: '/open311/v2/services/food_safety.json' })).json()).toEqual(before);
    expect((await put([consent()])).statusCode).toBe(204);
    const stored = await t.database.db.selectFrom('open311_attributes').select(['code', 'maps_to']).where('code', '=', 'consent').execute();
    expect(stored).toEqual([{ code: 'consent', maps_to: 'publication_consent' }]);
  });

  it('an identity-protection attribute offers exactly its two answers', async () => {
    const answers = [{ key: 'requested', name: { 'zh-Hans': '保密' } }, { key: 'not_requested', name: { 'zh-Hans': '不需要' } }];
    const protection = (over: Record<string, unknown> = {}) => ({ code: 'secret', datatype: 'singlevaluelist', order: 1, description: { 'zh-Hans': '是否保密？' }, values: answers, mapsTo: 'identity_protection', ...over });
    const put = (attributes: unknown[]) => call('admin', 'PUT', '/admin/open311/services/consumer', { attributes });
    for (const wrong of [protection({ values: [answers[0]] }), protection({ values: [answers[0], { key: 'no', name: { 'zh-Hans': '不' } }] }), protection({ datatype: 'string', values: [] })]) {
      const res = await put([wrong]);
      expect(res.statusCode, JSON.stringify(wrong)).toBe(400);
    }
    expect((await put([protection()])).statusCode).toBe(204);
    const stored = await t.database.db.selectFrom('open311_attributes').select(['code', 'maps_to']).where('code', '=', 'secret').execute();
    expect(stored).toEqual([{ code: 'secret', maps_to: 'identity_protection' }]);
  });
});

describe('private cases and webhook failures', () => {
  it('marks and unmarks a case private, audited on its timeline', async () => {
    const key = (await call('admin', 'POST', '/admin/api-keys', { name: 'Private test', intakeUnitId: unitIds.get('lhasa') })).json() as { key: string };
    const id = ((await postRequest(key.key, NOISE)).json() as { service_request_id: string }[])[0]?.service_request_id as string;
    const caseId = (await t.database.db.selectFrom('cases').select('id').where('tracking_no', '=', id).executeTakeFirstOrThrow()).id;
    expect((await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${id}.json` })).statusCode).toBe(200);
    expect((await call('admin', 'PUT', `/admin/open311/private-cases/${caseId}`, { reason: '涉及未成年人' })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${id}.json` })).statusCode).toBe(404);
    expect((await call('admin', 'DELETE', `/admin/open311/private-cases/${caseId}`)).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: `/open311/v2/requests/${id}.json` })).statusCode).toBe(200);
    expect((await call('admin', 'DELETE', `/admin/open311/private-cases/${caseId}`)).statusCode).toBe(404);
    const events = await t.database.db.selectFrom('work_item_events').select(['code', 'is_internal']).where('item_id', '=', caseId).where('code', 'like', 'open311.%').orderBy('seq').execute();
    expect(events).toEqual([
      { code: 'open311.received', is_internal: true },
      { code: 'open311.marked_private', is_internal: true },
      { code: 'open311.unmarked_private', is_internal: true },
    ]);
  });

  it('keeps the marking to administrators of a top-level unit, whatever unit took the case in', async () => {
    // An administrator of a unit below the top: the feed is the whole organisation's, so even a case of their own unit is refused.
    const admin = await t.database.db.selectFrom('users').select('password_hash').where('username', '=', 'admin').executeTakeFirstOrThrow();
    await t.database.db.insertInto('users').values({ username: 'admin_hrss', display_name: '人社局管理员', password_hash: admin.password_hash, roles: ['admin'], unit_id: unitIds.get('hrss') ?? '' }).execute();
    const caseIn = async (unit: string): Promise<string> => {
      const key = (await call('admin', 'POST', '/admin/api-keys', { name: `Private scope ${unit}`, intakeUnitId: unitIds.get(unit) })).json() as { key: string };
      const trackingNo = ((await postRequest(key.key, NOISE)).json() as { service_request_id: string }[])[0]?.service_request_id as string;
      return (await t.database.db.selectFrom('cases').select('id').where('tracking_no', '=', trackingNo).executeTakeFirstOrThrow()).id;
    };
    const ownCase = await caseIn('hrss');
    const otherCase = await caseIn('lhasa');
    const isPrivate = async (caseId: string) => (await t.database.db.selectFrom('open311_private_cases').select('case_id').where('case_id', '=', caseId).executeTakeFirst()) !== undefined;
    const markEvents = async (caseId: string) =>
      (await t.database.db.selectFrom('work_item_events').select('code').where('item_id', '=', caseId).where('code', 'like', 'open311.%marked_private').execute()).length;

    // The unit's administrator sees its own case, not the other one.
    expect((await t.call('admin_hrss', 'GET', `/api/v1/cases/${ownCase}`)).statusCode).toBe(200);
    expect((await t.call('admin_hrss', 'GET', `/api/v1/cases/${otherCase}`)).statusCode).toBe(404);
    // Refused alike for its own case, a case out of its sight and an id that names no case: nothing tells them apart.
    for (const id of [ownCase, otherCase, '00000000-0000-4000-8000-000000000000']) {
      const res = await call('admin_hrss', 'PUT', `/admin/open311/private-cases/${id}`, { reason: '越权测试' });
      expect(res.statusCode, res.body).toBe(403);
      expect((res.json() as { error: { code: string; details: Record<string, unknown> } }).error).toMatchObject({ code: 'auth.forbidden', details: { reason: 'not_top_level_unit' } });
    }
    expect([await isPrivate(ownCase), await isPrivate(otherCase)]).toEqual([false, false]);
    expect([await markEvents(ownCase), await markEvents(otherCase)]).toEqual([0, 0]);

    // Marked at the top, it cannot be unmarked from below either.
    expect((await call('admin', 'PUT', `/admin/open311/private-cases/${otherCase}`, { reason: '涉及未成年人' })).statusCode).toBe(204);
    expect((await call('admin_hrss', 'DELETE', `/admin/open311/private-cases/${otherCase}`)).statusCode).toBe(403);
    expect(await isPrivate(otherCase)).toBe(true);
    expect((await call('admin', 'DELETE', `/admin/open311/private-cases/${otherCase}`)).statusCode).toBe(204);
    expect(await isPrivate(otherCase)).toBe(false);

    // The rest of Open311 administration is the organisation's too: a key from below would file cases into units
    // above, and the webhook lists carry every unit's traffic. Refused before the body is read, and nothing is made.
    const keysBefore = (await t.database.db.selectFrom('open311_api_keys').select('id').execute()).length;
    const fromBelow: ['GET' | 'POST', string, unknown?][] = [
      ['GET', '/admin/api-keys'],
      ['POST', '/admin/api-keys', { name: '下级单位的密钥', intakeUnitId: unitIds.get('lhasa') }],
      ['POST', '/admin/api-keys', { nonsense: true }],
      ['GET', '/admin/open311/services'],
      ['GET', '/admin/open311/webhook-failures'],
      ['GET', '/admin/open311/webhook-deliveries'],
    ];
    for (const [method, url, body] of fromBelow) {
      const res = await call('admin_hrss', method, url, body);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(403);
      expect((res.json() as { error: { details: Record<string, unknown> } }).error.details).toMatchObject({ reason: 'not_top_level_unit' });
    }
    expect((await t.database.db.selectFrom('open311_api_keys').select('id').execute()).length).toBe(keysBefore);
  });

  it('lists failed webhook deliveries and refuses to replay unknown ones', async () => {
    const list = await call('admin', 'GET', '/admin/open311/webhook-failures');
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json()).toEqual({ items: [] });
    expect((await call('admin', 'POST', '/admin/open311/webhook-failures/999999/replay')).statusCode).toBe(404);
    expect((await call('admin', 'GET', '/admin/open311/webhook-deliveries')).statusCode).toBe(200);
  });
});
