import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../../src/db/open311-keys.js';
import { seedOpen311Demo } from '../../src/db/open311-seed.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Posts requests full of personal data through every channel that can reach the Open311 feed (Open311 in
 * JSON and XML, the public web form, staff intake), takes them through their life, then reads every Open311
 * GET answer in both formats, with and without the posting partner's key, and looks for any of it.
 */

const FAMILY = '欧珠';
const GIVEN = '拉姆卓嘎';
const FULL_NAME = `${FAMILY}${GIVEN}`;
const LATIN_NAME = 'Pemba Lhamo-Tsering';
const EMAIL = 'lhamo.privacy@example.cn';
const PHONE = '13908912345';
const PHONE_SPACED = '139 0891 2345';
const ID_NUMBER = '540102198807156623';
const DEVICE_ID = 'device-PRIV-7f3a9c55';
const ACCOUNT_ID = 'acct-PRIV-991177';
const LAT = '29.6523871';
const LONG = '91.1172143';

const NEEDLES = [
  FULL_NAME, GIVEN, LATIN_NAME, 'Pemba', 'Lhamo-Tsering', EMAIL, 'lhamo.privacy', PHONE, PHONE_SPACED, '0891 2345', ID_NUMBER, DEVICE_ID, ACCOUNT_ID,
  // Coordinates go out rounded to three decimals: nothing finer than 29.652 / 91.117 may appear.
  '29.6523', '91.1172', '29.65239', '91.11721',
];

const TEXT_WITH_PII = `我叫${FULL_NAME}，电话 ${PHONE_SPACED}，身份证 ${ID_NUMBER}，邮箱 ${EMAIL}。楼下工地每晚施工到凌晨。`;

let t: TestApp;
let partnerKey = '';
const ids: string[] = [];
const tokens: string[] = [];
let cityman = '';

const V2 = '/open311/v2';

const form = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

const postOpen311 = async (format: 'json' | 'xml', fields: Record<string, string>): Promise<LightMyRequestResponse> => {
  const res = await t.app.inject({ method: 'POST', url: `${V2}/requests.${format}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form(fields) });
  expect(res.statusCode, res.body).toBe(200);
  return res;
};

const personal = {
  first_name: GIVEN, last_name: FAMILY, email: EMAIL, phone: `+86 ${PHONE_SPACED}`, device_id: DEVICE_ID, account_id: ACCOUNT_ID, lat: LAT, long: LONG,
};

const caseIdOf = async (trackingNo: string): Promise<string> =>
  (await t.database.db.selectFrom('cases').select('id').where('tracking_no', '=', trackingNo).executeTakeFirstOrThrow()).id;

const act = async (user: string, trackingNo: string, action: string, body: unknown) => {
  const res = await t.call(user, 'POST', `/api/v1/cases/${await caseIdOf(trackingNo)}/${action}`, body);
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
};

beforeAll(async () => {
  t = await createTestApp();
  await seedOpen311Demo(t.database.db);
  const units = await t.database.db.selectFrom('units').select(['id', 'code']).execute();
  const unit = (code: string) => units.find((u) => u.code === code)?.id as string;
  cityman = unit('cityman');
  partnerKey = (
    await issueApiKey(t.database.db, {
      name: 'Privacy partner', intakeUnitId: unit('lhasa'), serviceCodes: null, rateLimitPerMinute: 10_000, webhookUrl: null, webhookEvents: null, createdBy: null, at: new Date(),
    })
  ).key;
  const categories = await t.database.db.selectFrom('categories').select(['id', 'code']).execute();
  const noiseCategory = categories.find((c) => c.code === 'noise')?.id as string;

  // Open311, JSON and XML, public and non-public services, realtime and (via tokens) every field.
  const json = await postOpen311('json', { api_key: partnerKey, service_code: 'noise', description: TEXT_WITH_PII, address_string: `${FULL_NAME}家楼下，北京中路 12 号`, 'attribute[noise_source]': 'construction', ...personal });
  ids.push((json.json() as { service_request_id: string }[])[0]?.service_request_id as string);
  await postOpen311('xml', {
    api_key: partnerKey, service_code: 'sanitation', description: `${LATIN_NAME} (${EMAIL}) reports rubbish; call ${PHONE}.`, ...personal,
    first_name: 'Pemba', last_name: 'Lhamo-Tsering',
  });
  await postOpen311('json', {
    api_key: partnerKey, service_code: 'wage_arrears', description: TEXT_WITH_PII, 'attribute[employer_name]': `${FULL_NAME}的老板`, 'attribute[amount_owed]': '5000',
    'attribute[work_details]': `联系人 ${FULL_NAME} ${PHONE}`, ...personal,
  });
  const rows = await t.database.db.selectFrom('open311_requests as r').innerJoin('cases as c', 'c.id', 'r.case_id').select(['c.tracking_no', 'r.token']).execute();
  for (const r of rows) {
    if (!ids.includes(r.tracking_no)) ids.push(r.tracking_no);
    tokens.push(r.token);
  }

  // The public web form and staff intake, in a public category.
  const web = await t.call(null, 'POST', '/api/v1/public/cases', {
    kind: 'complaint', title: '噪音', description: TEXT_WITH_PII, categoryId: noiseCategory, address: '北京中路 14 号', lat: Number(LAT), lng: Number(LONG),
    requester: { name: FULL_NAME, phone: PHONE },
  });
  expect(web.statusCode, web.body).toBe(201);
  ids.push((web.json() as { trackingNo: string }).trackingNo);
  const staff = await t.call('agent', 'POST', '/api/v1/cases', {
    channel: 'phone', kind: 'complaint', title: '噪音投诉', description: TEXT_WITH_PII, categoryId: noiseCategory, lat: Number(LAT), lng: Number(LONG),
    requester: { name: FULL_NAME, phone: PHONE, idNumber: ID_NUMBER, email: EMAIL },
  });
  expect(staff.statusCode, staff.body).toBe(201);
  ids.push((staff.json() as { trackingNo: string }).trackingNo);

  // Through the loop: replies that name the requester and repeat their number.
  const first = ids[0] as string;
  await act('dispatcher', first, 'dispatch', { unitId: cityman });
  await act('handler_city', first, 'accept', {});
  await act('handler_city', first, 'reply', { text: `已联系${FULL_NAME}（${PHONE}，${EMAIL}），工地已停止夜间施工。`, outcome: 'resolved' });
  const staffCase = ids[ids.length - 1] as string;
  await act('dispatcher', staffCase, 'dispatch', { unitId: cityman });
  await act('handler_city', staffCase, 'accept', {});
  await act('handler_city', staffCase, 'reply', { text: `${FAMILY}女士您好，身份证 ${ID_NUMBER} 已核实。`, outcome: 'explained' });
  const webCase = ids[3] as string;
  await act('dispatcher', webCase, 'merge', { masterId: await caseIdOf(first) });
  await t.runBackground();
});

afterAll(async () => {
  await t.close();
});

/** Every Open311 GET this deployment answers, in both formats, anonymous and with the partner's key. */
const everyGet = (): string[] => {
  const key = `api_key=${encodeURIComponent(partnerKey)}`;
  const urls: string[] = [];
  for (const f of ['json', 'xml']) {
    urls.push(`discovery.${f}`, `services.${f}`, `services/noise.${f}`, `services/wage_arrears.${f}`, `services/sanitation.${f}`);
    for (const q of ['', `?${key}`]) {
      const sep = q ? '&' : '?';
      urls.push(`requests.${f}${q}`, `requests.${f}${q}${sep}status=closed`, `requests.${f}${q}${sep}service_request_id=${ids.join(',')}`, `servicerequestupdates.${f}${q}`);
      for (const id of ids) urls.push(`requests/${id}.${f}${q}`);
    }
    for (const token of tokens) urls.push(`tokens/${token}.${f}`);
  }
  return urls;
};

describe('Open311 never gives out personal data', () => {
  it('no GET answer contains a name, phone, e-mail, ID number, device or account id, or exact coordinates', async () => {
    const answers = await Promise.all(everyGet().map(async (url) => ({ url, res: await t.app.inject({ method: 'GET', url: `${V2}/${url}` }) })));
    let ok = 0;
    for (const { url, res } of answers) {
      expect([200, 404], `${url}: ${res.body}`).toContain(res.statusCode);
      if (res.statusCode === 200) ok += 1;
      const headers = JSON.stringify(res.headers);
      for (const needle of NEEDLES) {
        expect(res.body.includes(needle), `${url} contains ${needle}`).toBe(false);
        expect(headers.includes(needle), `${url} headers contain ${needle}`).toBe(false);
      }
    }
    expect(ok).toBeGreaterThan(40);
  });

  it('what remains is still useful: the text around the personal data, rounded coordinates, the reply', async () => {
    const res = await t.app.inject({ method: 'GET', url: `${V2}/requests/${ids[0]}.json` });
    const [request] = res.json() as Record<string, unknown>[];
    expect(request?.['description']).toBe('我叫[***]，电话 [***]，身份证 [***]，邮箱 [***]。楼下工地每晚施工到凌晨。');
    expect(request?.['status_notes']).toBe('已联系[***]（[***]，[***]），工地已停止夜间施工。');
    expect(request?.['address']).toBe('[***]家楼下，北京中路 12 号');
    expect(request).toMatchObject({ lat: 29.652, long: 91.117, status: 'closed' });
  });

  it('the merged web-form case shows its master\'s reply, scrubbed with the master\'s requester too', async () => {
    const res = await t.app.inject({ method: 'GET', url: `${V2}/requests/${ids[3]}.json` });
    const [request] = res.json() as Record<string, unknown>[];
    expect(request).toMatchObject({ status: 'closed' });
    expect(String(request?.['status_notes'])).not.toContain(PHONE);
  });

  it('non-public services stay out of the anonymous feed entirely', async () => {
    const res = await t.app.inject({ method: 'GET', url: `${V2}/requests.json` });
    expect((res.json() as { service_code: string }[]).some((r) => r.service_code === 'wage_arrears')).toBe(false);
    expect(res.body).not.toContain('的老板');
  });

  it('a case whose requester asked for protection stays out of the anonymous feed, in a public service too', async () => {
    const noiseCategory = (await t.database.db.selectFrom('categories').select('id').where('code', '=', 'noise').executeTakeFirstOrThrow()).id;
    const intake = async (body: Record<string, unknown>): Promise<string> => {
      const res = await t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', categoryId: noiseCategory, description: '夜间施工扰民，已多次反映。', ...body });
      expect(res.statusCode, res.body).toBe(201);
      return (res.json() as { trackingNo: string }).trackingNo;
    };
    const protectedCase = await intake({ kind: 'complaint', title: '夜间施工（保护身份）', isIdentityProtected: true });
    const plain = await intake({ kind: 'complaint', title: '夜间施工（普通）' });
    await t.runBackground();
    const byId = async (id: string) => t.app.inject({ method: 'GET', url: `${V2}/requests/${id}.json` });
    expect((await byId(plain)).statusCode).toBe(200);
    expect((await byId(protectedCase)).statusCode).toBe(404);
    const list = await t.app.inject({ method: 'GET', url: `${V2}/requests.json?service_request_id=${[protectedCase, plain].join(',')}` });
    expect((list.json() as { service_request_id: string }[]).map((r) => r.service_request_id)).toEqual([plain]);
    const updates = await t.app.inject({ method: 'GET', url: `${V2}/servicerequestupdates.json` });
    expect(updates.body).not.toContain(protectedCase);
  });

  it('error answers do not echo what was posted', async () => {
    const res = await t.app.inject({
      method: 'POST', url: `${V2}/requests.json`, headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: form({ api_key: partnerKey, service_code: 'noise', ...personal, email: `not an email ${EMAIL}`, phone: `call ${PHONE}`, media_url: `javascript:${PHONE}`, 'attribute[noise_source]': FULL_NAME }),
    });
    expect(res.statusCode).toBe(400);
    for (const needle of NEEDLES) expect(res.body.includes(needle), needle).toBe(false);
  });
});
