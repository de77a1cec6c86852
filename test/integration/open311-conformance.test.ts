import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../../src/db/open311-keys.js';
import { findServiceByCode, markCasePrivate, upsertServiceSettings } from '../../src/db/open311.repository.js';
import { seedOpen311Demo } from '../../src/db/open311-seed.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Open311 GeoReport v2 conformance: every endpoint in JSON and XML, every error, against the official
 * fixtures (XML element names and order) and JSON Schemas in ../shared/data/open311-samples when present.
 */

// ------------------------------------------------------------------------------------------- tiny XML reader

type XmlElement = { name: string; children: XmlElement[]; text: string };

const decode = (s: string): string =>
  s.replace(/&(lt|gt|amp|quot|apos|#x[0-9a-f]+|#[0-9]+);/gi, (_m, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (named[e.toLowerCase()]) return named[e.toLowerCase()] as string;
    return String.fromCodePoint(e.startsWith('#x') || e.startsWith('#X') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });

/** Enough XML for these documents: a declaration, elements, text, self-closing tags; throws on bad nesting. */
const parseXml = (xml: string): XmlElement => {
  const body = xml.replace(/^\uFEFF?\s*<\?xml[^?]*\?>/, '');
  const root: XmlElement = { name: '#document', children: [], text: '' };
  const stack: XmlElement[] = [root];
  const tag = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[\w:.-]+\s*=\s*"[^"]*")*)\s*(\/?)>|([^<]+)/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = tag.exec(body))) {
    if (m.index !== consumed) throw new Error(`unparsed XML at ${consumed}`);
    consumed = tag.lastIndex;
    const top = stack[stack.length - 1] as XmlElement;
    if (m[5] !== undefined) {
      top.text += decode(m[5]);
      continue;
    }
    const [, closing, name, , selfClosing] = m as unknown as [string, string, string, string, string];
    if (closing) {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
      stack.pop();
    } else {
      const el: XmlElement = { name, children: [], text: '' };
      top.children.push(el);
      if (!selfClosing) stack.push(el);
    }
  }
  if (consumed !== body.length || stack.length !== 1) throw new Error('unterminated XML');
  const elements = root.children;
  if (elements.length !== 1) throw new Error('one root element expected');
  return elements[0] as XmlElement;
};

const kids = (el: XmlElement, name?: string): XmlElement[] => (name ? el.children.filter((c) => c.name === name) : el.children);
const kid = (el: XmlElement, name: string): XmlElement => {
  const found = el.children.find((c) => c.name === name);
  if (!found) throw new Error(`<${el.name}> has no <${name}>`);
  return found;
};
const textOf = (el: XmlElement, name: string): string => kid(el, name).text.trim();
const namesOf = (el: XmlElement): string[] => el.children.map((c) => c.name);

// ------------------------------------------------------------------------------------------- fixtures

const FIXTURES = path.resolve(import.meta.dirname, '../../../shared/data/open311-samples/georeport_v2_fixtures');
const XML_FIXTURES = path.join(FIXTURES, 'codeforamerica_open311_spec_fixtures');
const SCHEMAS = path.join(FIXTURES, 'open311_schema_validation');
const hasFixtures = existsSync(XML_FIXTURES) && existsSync(SCHEMAS);
if (!hasFixtures) console.warn(`[open311] fixtures not found at ${FIXTURES}: fixture and JSON Schema comparisons are skipped`);
const fixture = (name: string): XmlElement => parseXml(readFileSync(path.join(XML_FIXTURES, name), 'utf8'));

type Validate = (schemaFile: string, value: unknown) => void;
let validate: Validate | null = null;

const loadSchemaValidator = async (): Promise<Validate | null> => {
  if (!hasFixtures) return null;
  try {
    // Ajv comes with Fastify; it is not a dependency of ours, so its absence only skips these checks.
    const ajvModule = (await import('ajv')) as unknown as { default: { default?: unknown } };
    const formatsModule = (await import('ajv-formats')) as unknown as { default: { default?: unknown } };
    type AjvLike = { addSchema: (s: unknown, key: string) => void; getSchema: (key: string) => ((v: unknown) => boolean) & { errors?: unknown } };
    const AjvClass = (ajvModule.default.default ?? ajvModule.default) as new (o: object) => AjvLike;
    const addFormats = (formatsModule.default.default ?? formatsModule.default) as (ajv: AjvLike) => void;
    const ajv = new AjvClass({ strict: false, allErrors: true });
    addFormats(ajv);
    for (const file of ['request.json', 'requests.json', 'service.json', 'services.json', 'service-definition.json']) {
      ajv.addSchema(JSON.parse(readFileSync(path.join(SCHEMAS, file), 'utf8')), file);
    }
    return (schemaFile, value) => {
      const check = ajv.getSchema(schemaFile);
      const ok = check(value);
      expect(ok, `${schemaFile}: ${JSON.stringify(check.errors)}`).toBe(true);
    };
  } catch (error) {
    console.warn(`[open311] JSON Schema validation skipped: ${String(error)}`);
    return null;
  }
};

// ------------------------------------------------------------------------------------------- the app

let clock = Date.now();
let t: TestApp;
let partnerKey = '';
let noiseOnlyKey = '';
let slowKey = '';
let revokedKey = '';
const unitIds = new Map<string, string>();

const V2 = '/open311/v2';
type Fmt = 'json' | 'xml';
const FORMATS: Fmt[] = ['json', 'xml'];

const form = (fields: Record<string, string | string[] | undefined>): string => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) p.append(k, one);
  }
  return p.toString();
};

const post = (format: Fmt, fields: Record<string, string | string[] | undefined>, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: `${V2}/requests.${format}`, headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers }, payload: form(fields) });

const get = (url: string) => t.app.inject({ method: 'GET', url: `${V2}/${url}` });

const WAGE = (extra: Record<string, string | string[] | undefined> = {}) => ({
  api_key: partnerKey,
  service_code: 'wage_arrears',
  lat: '29.6530',
  long: '91.1320',
  description: '工地拖欠三个月工资。',
  'attribute[employer_name]': '拉萨某建筑公司',
  'attribute[amount_owed]': '12000',
  ...extra,
});

const NOISE = (extra: Record<string, string | string[] | undefined> = {}) => ({
  api_key: partnerKey,
  service_code: 'noise',
  address_string: '城关区北京中路 12 号',
  description: '夜间施工噪音。',
  'attribute[noise_source]': 'construction',
  ...extra,
});

/** An error answer: the status, the standard body in either format, and which error it was. */
const expectGeoError = (res: LightMyRequestResponse, format: Fmt, status: number, reason: string): string[] => {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['bihuan-open311-error'], res.body).toContain(reason);
  if (format === 'json') {
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = res.json() as { code: number; description: string }[];
    expect(Array.isArray(body)).toBe(true);
    for (const e of body) {
      expect(Object.keys(e)).toEqual(['code', 'description']);
      expect(e.code).toBe(status);
    }
    return body.map((e) => e.description);
  }
  expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
  expect(res.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  const root = parseXml(res.body);
  expect(root.name).toBe('errors');
  for (const e of kids(root)) {
    expect(e.name).toBe('error');
    expect(namesOf(e)).toEqual(['code', 'description']);
    expect(textOf(e, 'code')).toBe(String(status));
  }
  return kids(root).map((e) => textOf(e, 'description'));
};

const okJson = <T>(res: LightMyRequestResponse): T => {
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  return res.json() as T;
};

const okXml = (res: LightMyRequestResponse, root: string): XmlElement => {
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('text/xml; charset=utf-8');
  expect(res.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
  const doc = parseXml(res.body);
  expect(doc.name).toBe(root);
  return doc;
};

type RequestJson = Record<string, unknown> & { service_request_id: string; status: string; status_notes: string | null; service_code: string; description: string | null };
const REQUEST_FIELDS = [
  'service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible', 'service_notice',
  'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url',
];
const W3 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/;

const postOk = async (fields: Record<string, string | string[] | undefined>, headers: Record<string, string> = {}): Promise<string> => {
  const res = await post('json', fields, headers);
  const [item] = okJson<{ service_request_id: string }[]>(res);
  return item?.service_request_id ?? '';
};

const act = async (user: string, trackingNo: string, action: string, body: unknown): Promise<void> => {
  const found = (await t.call(user, 'GET', `/api/v1/cases?q=${trackingNo}`)).json() as { items: { id: string; trackingNo: string }[] };
  const id = found.items.find((i) => i.trackingNo === trackingNo)?.id;
  expect(id, `${user} finds ${trackingNo}`).toBeTruthy();
  const res = await t.call(user, 'POST', `/api/v1/cases/${id}/${action}`, body);
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
};

beforeAll(async () => {
  t = await createTestApp({ now: () => new Date(clock), sessionTtlHours: 24 * 365 });
  validate = await loadSchemaValidator();
  const db = t.database.db;
  await seedOpen311Demo(db);
  for (const u of await db.selectFrom('units').select(['id', 'code']).execute()) unitIds.set(u.code, u.id);
  const base = { rateLimitPerMinute: 10_000, webhookUrl: null, webhookEvents: null, createdBy: null, at: new Date() };
  partnerKey = (await issueApiKey(db, { ...base, name: 'City app', intakeUnitId: unitIds.get('lhasa') as string, serviceCodes: null })).key;
  noiseOnlyKey = (await issueApiKey(db, { ...base, name: 'Noise app', intakeUnitId: unitIds.get('chengguan') as string, serviceCodes: ['noise'] })).key;
  slowKey = (await issueApiKey(db, { ...base, name: 'Slow', intakeUnitId: unitIds.get('lhasa') as string, serviceCodes: null, rateLimitPerMinute: 3 })).key;
  const revoked = await issueApiKey(db, { ...base, name: 'Old', intakeUnitId: unitIds.get('lhasa') as string, serviceCodes: null });
  revokedKey = revoked.key;
  await db.updateTable('open311_api_keys').set({ revoked_at: new Date(), is_active: false }).where('id', '=', revoked.id).execute();
  // One service of each type, to see every shape of the POST answer.
  for (const [code, type] of [['sanitation', 'batch'], ['road_traffic', 'blackbox']] as const) {
    const s = await findServiceByCode(db, code);
    if (!s) throw new Error(code);
    await upsertServiceSettings(db, s.categoryId, { description: s.description, keywords: s.keywords, type, caseKind: s.caseKind, serviceNotice: s.serviceNotice, isListed: true, isPublic: true }, new Date());
  }
});

afterAll(async () => {
  await t.close();
});

// ------------------------------------------------------------------------------------------- discovery

it('uses the official fixtures and JSON Schemas when ../shared has them', () => {
  if (!hasFixtures) return;
  expect(validate, 'ajv should load: JSON Schema checks would be skipped').not.toBeNull();
});

describe('service discovery', () => {
  it('JSON: changeset, contact, key_service and this endpoint with its formats', async () => {
    const body = okJson<Record<string, unknown>>(await get('discovery.json'));
    expect(Object.keys(body)).toEqual(['changeset', 'contact', 'key_service', 'endpoints']);
    expect(body['changeset']).toMatch(W3);
    expect(body['endpoints']).toEqual([
      { specification: 'http://wiki.open311.org/GeoReport_v2', url: 'http://localhost:80/open311/v2', changeset: body['changeset'], type: 'production', formats: ['text/xml', 'application/json'] },
    ]);
  });

  it('XML: <discovery> with <endpoints><endpoint><formats><format>', async () => {
    const doc = okXml(await get('discovery.xml'), 'discovery');
    expect(namesOf(doc)).toEqual(['changeset', 'contact', 'key_service', 'endpoints']);
    const endpoint = kid(kid(doc, 'endpoints'), 'endpoint');
    expect(namesOf(endpoint)).toEqual(['specification', 'url', 'changeset', 'type', 'formats']);
    expect(kids(kid(endpoint, 'formats'), 'format').map((f) => f.text)).toEqual(['text/xml', 'application/json']);
  });
});

// ------------------------------------------------------------------------------------------- services

describe('GET services', () => {
  it('JSON: the leaf categories, each with the standard fields; unlisted ones and groups left out', async () => {
    const body = okJson<Record<string, unknown>[]>(await get('services.json'));
    validate?.('services.json', body);
    const codes = body.map((s) => s['service_code']);
    expect(codes).toContain('wage_arrears');
    expect(codes).toContain('noise');
    expect(codes).not.toContain('labour');
    expect(codes).not.toContain('petition_matter');
    const wage = body.find((s) => s['service_code'] === 'wage_arrears');
    expect(wage).toEqual({
      service_code: 'wage_arrears', service_name: '拖欠工资', description: '用人单位拖欠或克扣劳动者工资。', metadata: true, type: 'realtime',
      keywords: '欠薪, 工资, wages, unpaid', group: '劳动保障',
    });
    // Every listed service asks for consent to publication, so each has a definition to fetch.
    expect(body.find((s) => s['service_code'] === 'labour_dispute')).toMatchObject({ metadata: true, description: null, keywords: null });
  });

  it('names follow ?lang= or Accept-Language', async () => {
    const en = okJson<Record<string, unknown>[]>(await get('services.json?lang=en'));
    expect(en.find((s) => s['service_code'] === 'wage_arrears')).toMatchObject({ service_name: 'Wage arrears', group: 'Labour and social security' });
    const bo = await t.app.inject({ method: 'GET', url: `${V2}/services.json`, headers: { 'accept-language': 'bo' } });
    expect(okJson<Record<string, unknown>[]>(bo).find((s) => s['service_code'] === 'wage_arrears')?.['service_name']).toBe('གླ་ཕོགས་འཕྲོ་ལུས།');
  });

  it('XML: <services><service> with the elements of the official fixture', async () => {
    const doc = okXml(await get('services.xml'), 'services');
    expect(kids(doc).every((s) => s.name === 'service')).toBe(true);
    const wage = kids(doc).find((s) => textOf(s, 'service_code') === 'wage_arrears') as XmlElement;
    expect(namesOf(wage)).toEqual(['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group']);
    expect(textOf(wage, 'metadata')).toBe('true');
    if (hasFixtures) {
      const sample = kids(fixture('services.xml'), 'service')[0] as XmlElement;
      expect([...namesOf(wage)].sort()).toEqual([...namesOf(sample)].sort());
    }
  });

  it('is open data: every web page may read it', async () => {
    expect((await get('services.json')).headers['access-control-allow-origin']).toBe('*');
    expect((await post('json', NOISE())).headers['access-control-allow-origin']).toBeUndefined();
  });

  it('accepts jurisdiction_id, and an empty parameter is the same as none', async () => {
    const plain = await get('services.json');
    expect((await get('services.json?jurisdiction_id=lhasa.gov.cn')).body).toBe(plain.body);
    expect((await get('services.json?jurisdiction_id=&api_key=')).body).toBe(plain.body);
  });
});

describe('GET services/{service_code}', () => {
  it('JSON: typed attributes in order, list values with key and name', async () => {
    const body = okJson<{ service_code: string; attributes: Record<string, unknown>[] }>(await get('services/wage_arrears.json'));
    validate?.('service-definition.json', body);
    expect(body.service_code).toBe('wage_arrears');
    expect(body.attributes.map((a) => [a['code'], a['datatype'], a['required'], a['variable'], a['order']])).toEqual([
      ['employer_name', 'string', true, true, 1],
      ['amount_owed', 'number', false, true, 2],
      ['worker_count', 'number', false, true, 3],
      ['sector', 'singlevaluelist', false, true, 4],
      ['evidence', 'multivaluelist', false, true, 5],
      ['last_paid', 'datetime', false, true, 6],
      ['work_details', 'text', false, true, 7],
      ['evidence_notice', 'string', false, false, 8],
      ['publication_consent', 'singlevaluelist', false, true, 9],
      ['identity_protection', 'singlevaluelist', false, true, 10],
    ]);
    expect(body.attributes[0]).toEqual({
      variable: true, code: 'employer_name', datatype: 'string', required: true, datatype_description: null, order: 1, description: '用人单位（雇主）名称', values: [],
    });
    expect(body.attributes[1]?.['datatype_description']).toBe('数字，单位为元');
    expect(body.attributes[3]?.['values']).toEqual([
      { key: 'construction', name: '建筑工程' }, { key: 'manufacturing', name: '加工制造' }, { key: 'catering', name: '餐饮服务' }, { key: 'other', name: '其他' },
    ]);
  });

  it('XML: <service_definition><service_code/><attributes><attribute>… as the specification shows', async () => {
    const doc = okXml(await get('services/wage_arrears.xml?lang=en'), 'service_definition');
    expect(namesOf(doc)).toEqual(['service_code', 'attributes']);
    const attributes = kids(kid(doc, 'attributes'), 'attribute');
    expect(attributes).toHaveLength(10);
    const sector = attributes[3] as XmlElement;
    expect(namesOf(sector)).toEqual(['variable', 'code', 'datatype', 'required', 'datatype_description', 'order', 'description', 'values']);
    expect(kids(kid(sector, 'values'), 'value').map((v) => [textOf(v, 'key'), textOf(v, 'name')])[0]).toEqual(['construction', 'Construction']);
    if (hasFixtures) {
      // The Code for America fixture omits the <attributes> wrapper the specification has; the attribute itself matches.
      const sample = kid(fixture('service_definition.xml'), 'attribute');
      expect(namesOf(sector)).toEqual(namesOf(sample));
      expect(namesOf(kid(kid(sector, 'values'), 'value'))).toEqual(namesOf(kid(kid(sample, 'values'), 'value')));
    }
  });

  it('a service with no attributes of its own asks only for consent to publication and for identity protection', async () => {
    const body = okJson<{ service_code: string; attributes: { code: string; order: number }[] }>(await get('services/labour_dispute.json'));
    expect(body.attributes.map((a) => [a.code, a.order])).toEqual([['publication_consent', 1], ['identity_protection', 2]]);
  });

  it.each(FORMATS)('404 for an unknown or unlisted service_code (%s)', async (format) => {
    const [description] = expectGeoError(await get(`services/no_such_thing.${format}`), format, 404, 'service_code_not_found');
    expect(description).toBe("service_code 'no_such_thing' was not found");
    expectGeoError(await get(`services/petition_matter.${format}`), format, 404, 'service_code_not_found');
    // A group is not a service.
    expectGeoError(await get(`services/labour.${format}`), format, 404, 'service_code_not_found');
  });

  it('404 in XML for a resource without a known format suffix', async () => {
    expectGeoError(await get('services/wage_arrears.html'), 'xml', 404, 'format_unsupported');
    expectGeoError(await get('services.csv'), 'xml', 404, 'resource_not_found');
  });
});

// ------------------------------------------------------------------------------------------- POST

describe('POST requests', () => {
  it('JSON, realtime: [{service_request_id, service_notice, account_id}], a case taken in through the api channel', async () => {
    const res = await post('json', WAGE({ account_id: 'acct-77', 'attribute[sector]': 'construction', 'attribute[evidence][]': ['contract', 'pay_slips'] }));
    const body = okJson<Record<string, unknown>[]>(res);
    expect(body).toHaveLength(1);
    expect(Object.keys(body[0] as object)).toEqual(['service_request_id', 'service_notice', 'account_id']);
    expect(body[0]).toMatchObject({ account_id: 'acct-77', service_notice: '人社部门将在 7 日内答复，请保留劳动合同、考勤和工资条等证据。' });
    const id = String(body[0]?.['service_request_id']);
    expect(id).toMatch(/^\d{11,16}$/);

    const db = t.database.db;
    const row = await db
      .selectFrom('cases as c')
      .innerJoin('open311_requests as r', 'r.case_id', 'c.id')
      .select(['c.channel', 'c.kind', 'c.status', 'c.amount_claimed_fen', 'c.intake_unit_id', 'c.lat', 'r.attributes', 'r.account_id'])
      .where('c.tracking_no', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      channel: 'api', kind: 'complaint', status: 'registered', amount_claimed_fen: '1200000', intake_unit_id: unitIds.get('lhasa'), lat: 29.653,
      attributes: { employer_name: '拉萨某建筑公司', amount_owed: 12000, sector: 'construction', evidence: ['contract', 'pay_slips'] },
    });
  });

  it('XML, realtime: the elements of the official fixture; an absent account_id is an empty element', async () => {
    const doc = okXml(await post('xml', NOISE()), 'service_requests');
    const request = kid(doc, 'request');
    expect(namesOf(request)).toEqual(['service_request_id', 'service_notice', 'account_id']);
    expect(textOf(request, 'service_notice')).toBe('城管部门将在 12 小时内受理。');
    expect(kid(request, 'account_id').children).toHaveLength(0);
    expect(kid(request, 'account_id').text).toBe('');
    if (hasFixtures) expect(namesOf(request)).toEqual(namesOf(kid(fixture('post_service_request.xml'), 'request')));
  });

  it('batch: a token instead of the id, resolved by GET tokens in both formats', async () => {
    const res = await post('json', { api_key: partnerKey, service_code: 'sanitation', lat: '29.65', long: '91.13' });
    const [item] = okJson<Record<string, string>[]>(res);
    expect(Object.keys(item ?? {})).toEqual(['token', 'service_notice', 'account_id']);
    expect(item?.['service_notice']).toBe('将在 7 日内答复。');
    const token = item?.['token'] ?? '';
    const resolved = okJson<Record<string, string>[]>(await get(`tokens/${token}.json`));
    expect(resolved).toEqual([{ service_request_id: expect.stringMatching(/^\d+$/), token }]);
    const doc = okXml(await get(`tokens/${token}.xml`), 'service_requests');
    const request = kid(doc, 'request');
    expect(namesOf(request)).toEqual(['service_request_id', 'token']);
    if (hasFixtures) expect(namesOf(request)).toEqual(namesOf(kid(fixture('request_id_from_token.xml'), 'request')));
    // The id read from the token is a real request.
    expect(okJson<RequestJson[]>(await get(`requests/${resolved[0]?.['service_request_id']}.json`))[0]?.service_code).toBe('sanitation');
  });

  it('the requester\'s consent to publication travels as the service\'s consent attribute onto the case', async () => {
    const def = okJson<{ attributes: { code: string; datatype: string; required: boolean; values: { key: string; name: string }[] }[] }>(await get('services/noise.json?lang=en'));
    expect(def.attributes.find((a) => a.code === 'publication_consent')).toMatchObject({
      datatype: 'singlevaluelist', required: false, values: [{ key: 'granted', name: 'Yes, publish it anonymised' }, { key: 'refused', name: 'No, do not publish it' }],
    });
    const consentOf = async (res: LightMyRequestResponse) => {
      const id = String(okJson<Record<string, unknown>[]>(res)[0]?.['service_request_id']);
      const row = await t.database.db.selectFrom('cases').select(['id', 'publication_consent']).where('tracking_no', '=', id).executeTakeFirstOrThrow();
      return { id, consent: row.publication_consent };
    };
    const refused = await consentOf(await post('json', NOISE({ 'attribute[publication_consent]': 'refused' })));
    const granted = await consentOf(await post('json', NOISE({ 'attribute[publication_consent]': 'granted' })));
    const silent = await consentOf(await post('json', NOISE()));
    expect([refused.consent, granted.consent, silent.consent]).toEqual(['refused', 'granted', 'not_asked']);
    // A refusal keeps the request out of the public feed, as one given on the web form does.
    expect((await get(`requests/${granted.id}.json`)).statusCode).toBe(200);
    expect((await get(`requests/${refused.id}.json`)).statusCode).toBe(404);
    // Only the two answers are taken: anything else is refused, and no case is made.
    const cases = async () => (await t.database.db.selectFrom('cases').select(t.database.db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n;
    const count = await cases();
    expectGeoError(await post('json', NOISE({ 'attribute[publication_consent]': 'yes' })), 'json', 400, 'attribute_invalid');
    expectGeoError(await post('json', NOISE({ 'attribute[publication_consent]': ['granted', 'refused'] })), 'json', 400, 'attribute_invalid');
    expect(await cases()).toBe(count);
  });

  it('the requester\'s wish for identity protection travels as the service\'s attribute onto the case', async () => {
    const def = okJson<{ attributes: { code: string; values: { key: string; name: string }[] }[] }>(await get('services/noise.json?lang=en'));
    expect(def.attributes.find((a) => a.code === 'identity_protection')?.values.map((v) => v.key)).toEqual(['requested', 'not_requested']);
    const protectionOf = async (res: LightMyRequestResponse) => {
      const id = String(okJson<Record<string, unknown>[]>(res)[0]?.['service_request_id']);
      return (await t.database.db.selectFrom('cases').select('is_identity_protected').where('tracking_no', '=', id).executeTakeFirstOrThrow()).is_identity_protected;
    };
    expect(await protectionOf(await post('json', NOISE({ 'attribute[identity_protection]': 'requested' })))).toBe(true);
    expect(await protectionOf(await post('json', NOISE({ 'attribute[identity_protection]': 'not_requested' })))).toBe(false);
    expect(await protectionOf(await post('json', NOISE()))).toBe(false);
    const cases = async () => (await t.database.db.selectFrom('cases').select(t.database.db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n;
    const count = await cases();
    expectGeoError(await post('json', NOISE({ 'attribute[identity_protection]': 'yes' })), 'json', 400, 'attribute_invalid');
    expect(await cases()).toBe(count);
  });

  it('blackbox: neither id nor token', async () => {
    const [item] = okJson<Record<string, unknown>[]>(await post('json', { api_key: partnerKey, service_code: 'road_traffic', address_id: 'ADDR-0042' }));
    expect(Object.keys(item ?? {})).toEqual(['service_notice', 'account_id']);
  });

  it.each(FORMATS)('404 for an unknown token (%s)', async (format) => {
    expectGeoError(await get(`tokens/not-a-token.${format}`), format, 404, 'token_not_found');
  });

  describe.each(FORMATS)('errors (%s)', (format) => {
    it('403 without an api_key, with an unknown one, with a revoked one', async () => {
      const { api_key: _k, ...noKey } = WAGE();
      expect(expectGeoError(await post(format, noKey), format, 403, 'api_key_missing')).toEqual(['api_key is required for this call']);
      expectGeoError(await post(format, WAGE({ api_key: 'b311_wrong' })), format, 403, 'api_key_invalid');
      expectGeoError(await post(format, WAGE({ api_key: revokedKey })), format, 403, 'api_key_invalid');
    });

    it('403 when the key may not post this service', async () => {
      expectGeoError(await post(format, WAGE({ api_key: noiseOnlyKey })), format, 403, 'api_key_not_allowed');
    });

    it('400 without service_code, 404 for an unknown one', async () => {
      expectGeoError(await post(format, WAGE({ service_code: '' })), format, 400, 'service_code_missing');
      expect(expectGeoError(await post(format, WAGE({ service_code: 'potholes' })), format, 404, 'service_code_not_found')).toEqual(["service_code 'potholes' was not found"]);
    });

    it('400 without a location, and for half or impossible coordinates', async () => {
      expect(expectGeoError(await post(format, WAGE({ lat: undefined, long: undefined })), format, 400, 'location_missing')).toEqual([
        'a location is required: lat and long, or address_string, or address_id',
      ]);
      expectGeoError(await post(format, WAGE({ long: undefined })), format, 400, 'location_invalid');
      expectGeoError(await post(format, WAGE({ lat: '95' })), format, 400, 'location_invalid');
      expectGeoError(await post(format, WAGE({ long: 'east' })), format, 400, 'location_invalid');
    });

    it('400 for a description over 4,000 characters (4,000 is fine)', async () => {
      expect(expectGeoError(await post(format, WAGE({ description: '欠'.repeat(4001) })), format, 400, 'description_too_long')).toEqual([
        'description must be at most 4000 characters',
      ]);
      expect((await post(format, WAGE({ description: '欠'.repeat(4000) }))).statusCode).toBe(200);
    });

    it('400 for a missing required attribute and for values of the wrong type', async () => {
      expect(expectGeoError(await post(format, WAGE({ 'attribute[employer_name]': undefined })), format, 400, 'attribute_missing')).toEqual([
        'attribute[employer_name] is required for this service',
      ]);
      expectGeoError(await post(format, WAGE({ 'attribute[amount_owed]': 'a lot' })), format, 400, 'attribute_invalid');
      expectGeoError(await post(format, WAGE({ 'attribute[sector]': 'farming' })), format, 400, 'attribute_invalid');
      expectGeoError(await post(format, WAGE({ 'attribute[evidence][]': ['contract', 'video'] })), format, 400, 'attribute_invalid');
      expectGeoError(await post(format, WAGE({ 'attribute[last_paid]': '2026-13-01' })), format, 400, 'attribute_invalid');
    });

    it('400 for malformed contact fields, without echoing them', async () => {
      const descriptions = expectGeoError(await post(format, WAGE({ email: 'not-an-address', phone: 'call me', media_url: 'ftp://x/y.jpg' })), format, 400, 'field_invalid');
      expect(descriptions).toEqual(['email is not an e-mail address', 'phone is not a phone number', 'media_url must be an http or https URL']);
    });

    it('every problem at once, in one error list', async () => {
      const res = await post(format, WAGE({ lat: undefined, long: undefined, description: 'x'.repeat(4001), 'attribute[employer_name]': undefined }));
      expect(expectGeoError(res, format, 400, 'location_missing')).toHaveLength(3);
      expect(res.headers['bihuan-open311-error']).toBe('location_missing, description_too_long, attribute_missing');
    });

    it('400 for a body that is not a form', async () => {
      const json = await t.app.inject({ method: 'POST', url: `${V2}/requests.${format}`, payload: { api_key: partnerKey, service_code: 'noise' } });
      expectGeoError(json, format, 400, 'media_type_unsupported');
      const text = await t.app.inject({ method: 'POST', url: `${V2}/requests.${format}`, headers: { 'content-type': 'text/csv' }, payload: 'a,b' });
      expectGeoError(text, format, 400, 'media_type_unsupported');
    });
  });

  it('the api_key may come in the query string; nothing else does', async () => {
    const { api_key: _k, ...fields } = NOISE();
    const res = await t.app.inject({
      method: 'POST', url: `${V2}/requests.json?api_key=${encodeURIComponent(partnerKey)}&service_code=wage_arrears`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form(fields),
    });
    const [item] = okJson<{ service_request_id: string }[]>(res);
    expect(okJson<RequestJson[]>(await get(`requests/${item?.service_request_id}.json`))[0]?.service_code).toBe('noise');
  });
});

// ------------------------------------------------------------------------------------------- repeats

describe('one case per request', () => {
  const caseCount = async () => Number((await t.database.db.selectFrom('open311_requests').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

  it('the same Idempotency-Key twice creates one case and answers the same id', async () => {
    const before = await caseCount();
    const first = await post('json', NOISE({ description: '重复提交测试一' }), { 'idempotency-key': 'idem-1' });
    const second = await post('json', NOISE({ description: '重复提交测试一' }), { 'idempotency-key': 'idem-1' });
    expect(second.body).toBe(first.body);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(await caseCount()).toBe(before + 1);
  });

  it('the same Idempotency-Key with other content is refused', async () => {
    await postOk(NOISE({ description: '重复提交测试二' }), { 'idempotency-key': 'idem-2' });
    expectGeoError(await post('json', NOISE({ description: '完全不同的内容' }), { 'idempotency-key': 'idem-2' }), 'json', 400, 'idempotency_conflict');
  });

  it('concurrent posts with one Idempotency-Key still make one case', async () => {
    const before = await caseCount();
    const answers = await Promise.all([1, 2, 3, 4].map(() => post('json', NOISE({ description: '并发提交' }), { 'idempotency-key': 'idem-race' })));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    expect(await caseCount()).toBe(before + 1);
  });

  it('the same device and content within ten minutes is one case; later, or other content, is a new one', async () => {
    const before = await caseCount();
    const fields = NOISE({ device_id: 'device-abc', description: '设备重复测试' });
    const a = await postOk(fields);
    expect(await postOk(fields)).toBe(a);
    expect(await postOk({ ...fields, description: '设备重复测试，另一件事' })).not.toBe(a);
    clock += 11 * 60_000;
    expect(await postOk(fields)).not.toBe(a);
    expect(await caseCount()).toBe(before + 3);
  });
});

describe('rate limit per key', () => {
  it('429 with Retry-After once the minute is used up; the next minute is open again', async () => {
    clock = Math.ceil(clock / 60_000) * 60_000 + 1000;
    for (let i = 0; i < 3; i += 1) expect((await get(`services.json?api_key=${slowKey}`)).statusCode).toBe(200);
    const res = await post('json', { ...NOISE(), api_key: slowKey });
    expectGeoError(res, 'json', 429, 'rate_limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expectGeoError(await get(`requests.xml?api_key=${slowKey}`), 'xml', 429, 'rate_limited');
    clock += 60_000;
    expect((await post('json', { ...NOISE(), api_key: slowKey })).statusCode).toBe(200);
  });
});

// ------------------------------------------------------------------------------------------- GET requests

describe('GET requests', () => {
  let publicId = '';
  let wageId = '';

  beforeAll(async () => {
    publicId = await postOk(NOISE({ description: '广场舞音响太吵', media_url: 'https://img.example.org/p/1.jpg', address_string: '宇拓路 3 号' }));
    wageId = await postOk(WAGE({ description: '工资查询测试' }));
  });

  it('JSON: the standard fields in order, dates with +08:00, valid against the schema', async () => {
    const body = okJson<RequestJson[]>(await get('requests.json'));
    validate?.('requests.json', body);
    const mine = body.find((r) => r.service_request_id === publicId) as RequestJson;
    expect(Object.keys(mine)).toEqual(REQUEST_FIELDS);
    expect(mine).toMatchObject({
      status: 'open', status_notes: null, service_name: '噪音扰民', service_code: 'noise', description: '广场舞音响太吵', agency_responsible: '拉萨市',
      service_notice: '城管部门将在 12 小时内受理。', address: '宇拓路 3 号', address_id: null, zipcode: null, lat: null, long: null,
      media_url: 'https://img.example.org/p/1.jpg',
    });
    expect(mine['requested_datetime']).toMatch(W3);
    expect(mine['updated_datetime']).toMatch(W3);
    // Requests of non-public services (wage arrears) stay out of the public list.
    expect(body.some((r) => r.service_request_id === wageId)).toBe(false);
    expect(body.every((r) => r.service_code !== 'wage_arrears')).toBe(true);
  });

  it('XML: <service_requests><request> with exactly the elements of the official fixture, in order', async () => {
    const doc = okXml(await get('requests.xml'), 'service_requests');
    const requests = kids(doc, 'request');
    expect(requests.length).toBeGreaterThan(0);
    const mine = requests.find((r) => textOf(r, 'service_request_id') === publicId) as XmlElement;
    expect(namesOf(mine)).toEqual(REQUEST_FIELDS);
    if (hasFixtures) expect(namesOf(mine)).toEqual(namesOf(kids(fixture('service_requests.xml'), 'request')[0] as XmlElement));
  });

  it('a partner sees its own non-public requests when it gives its key', async () => {
    const withKey = okJson<RequestJson[]>(await get(`requests.json?api_key=${encodeURIComponent(partnerKey)}`));
    expect(withKey.some((r) => r.service_request_id === wageId)).toBe(true);
    expect(okJson<RequestJson[]>(await get(`requests/${wageId}.json?api_key=${encodeURIComponent(partnerKey)}`))[0]?.description).toBe('工资查询测试');
    expect(okJson<RequestJson[]>(await get(`requests.json?api_key=${encodeURIComponent(noiseOnlyKey)}`)).some((r) => r.service_request_id === wageId)).toBe(false);
  });

  it('service_request_id: a comma list that overrides every other parameter', async () => {
    const body = okJson<RequestJson[]>(await get(`requests.json?service_request_id=${publicId},${wageId},999&status=nonsense&start_date=bad&service_code=nothing`));
    expect(body.map((r) => r.service_request_id)).toEqual([publicId]);
  });

  it('service_code and status filters, comma delimited or repeated', async () => {
    const noise = okJson<RequestJson[]>(await get('requests.json?service_code=noise'));
    expect(noise.length).toBeGreaterThan(0);
    expect(noise.every((r) => r.service_code === 'noise')).toBe(true);
    const both = okJson<RequestJson[]>(await get('requests.json?service_code=noise,sanitation'));
    expect(new Set(both.map((r) => r.service_code))).toEqual(new Set(['noise', 'sanitation']));
    const open = okJson<RequestJson[]>(await get('requests.json?status=open'));
    expect(open.every((r) => r.status === 'open')).toBe(true);
    const closed = okJson<RequestJson[]>(await get('requests.json?status=closed'));
    expect(closed.every((r) => r.status === 'closed')).toBe(true);
    expect(okJson<RequestJson[]>(await get('requests.json?status=open&status=closed')).length).toBe(open.length + closed.length);
  });

  it('start_date and end_date: W3C dates, a bare day, a + sent unencoded', async () => {
    const now = new Date(clock);
    const day = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const later = new Date(clock + 2 * 86_400_000);
    const inRange = okJson<RequestJson[]>(await get(`requests.json?start_date=${day(new Date(clock - 86_400_000))}&end_date=${day(later)}`));
    expect(inRange.some((r) => r.service_request_id === publicId)).toBe(true);
    const iso = `${day(now)}T00:00:00 08:00`;
    expect((await get(`requests.json?start_date=${iso}`)).statusCode).toBe(200);
    const past = okJson<RequestJson[]>(await get('requests.json?start_date=2001-01-01T00:00:00Z&end_date=2001-02-01T00:00:00Z'));
    expect(past).toEqual([]);
  });

  it('an empty answer is an empty list, in XML the fixture\'s empty <service_requests>', async () => {
    const res = await get('requests.xml?start_date=2001-01-01T00:00:00Z&end_date=2001-02-01T00:00:00Z');
    const doc = okXml(res, 'service_requests');
    expect(doc.children).toHaveLength(0);
    if (hasFixtures) expect(fixture('service_requests_empty.xml').children).toHaveLength(0);
  });

  it('page and page_size', async () => {
    const first = okJson<RequestJson[]>(await get('requests.json?page_size=2'));
    const second = okJson<RequestJson[]>(await get('requests.json?page_size=2&page=2'));
    expect(first).toHaveLength(2);
    expect(second.length).toBeGreaterThan(0);
    expect(second.some((r) => first.some((f) => f.service_request_id === r.service_request_id))).toBe(false);
  });

  describe.each(FORMATS)('errors (%s)', (format) => {
    it('400 for a bad date, an end before the start, a span over 90 days', async () => {
      expect(expectGeoError(await get(`requests.${format}?start_date=yesterday`), format, 400, 'date_invalid')[0]).toContain('start_date must be a W3C date-time');
      expectGeoError(await get(`requests.${format}?end_date=2026-02-30T00:00:00Z`), format, 400, 'date_invalid');
      expectGeoError(await get(`requests.${format}?start_date=2026-01-01T10:00:00`), format, 400, 'date_invalid');
      expectGeoError(await get(`requests.${format}?start_date=2026-03-01T00:00:00Z&end_date=2026-02-01T00:00:00Z`), format, 400, 'date_invalid');
      expect(expectGeoError(await get(`requests.${format}?start_date=2026-01-01T00:00:00Z&end_date=2026-04-02T00:00:00Z`), format, 400, 'date_span_too_long')).toEqual([
        'start_date and end_date may not span more than 90 days',
      ]);
      expect((await get(`requests.${format}?start_date=2026-01-01T00:00:00Z&end_date=2026-03-31T00:00:00Z`)).statusCode).toBe(200);
    });

    it('400 for an unknown status, service_code or paging value; 403 for a bad key', async () => {
      expectGeoError(await get(`requests.${format}?status=pending`), format, 400, 'status_invalid');
      expectGeoError(await get(`requests.${format}?service_code=potholes`), format, 400, 'service_code_not_found');
      expectGeoError(await get(`requests.${format}?page_size=1001`), format, 400, 'paging_invalid');
      expectGeoError(await get(`requests.${format}?page=0`), format, 400, 'paging_invalid');
      expectGeoError(await get(`requests.${format}?api_key=b311_nope`), format, 403, 'api_key_invalid');
    });
  });
});

describe('GET requests/{id} through a case\'s life', () => {
  let id = '';
  beforeAll(async () => {
    id = await postOk(NOISE({ description: '工地夜间施工', lat: '29.6540123', long: '91.1289456', address_string: undefined }));
  });

  it('one request in a list, in both formats; coordinates rounded', async () => {
    const [one] = okJson<RequestJson[]>(await get(`requests/${id}.json`));
    expect(one).toMatchObject({ service_request_id: id, status: 'open', lat: 29.654, long: 91.129, address: null });
    validate?.('request.json', one);
    const doc = okXml(await get(`requests/${id}.xml`), 'service_requests');
    expect(kids(doc, 'request')).toHaveLength(1);
    if (hasFixtures) expect(namesOf(kid(doc, 'request'))).toEqual(namesOf(kid(fixture('get_service_request.xml'), 'request')));
  });

  it('closed with the public reply as status_notes once the unit has answered', async () => {
    const cityman = unitIds.get('cityman') as string;
    await act('dispatcher', id, 'dispatch', { unitId: cityman });
    await act('handler_city', id, 'accept', {});
    const [accepted] = okJson<RequestJson[]>(await get(`requests/${id}.json`));
    expect(accepted).toMatchObject({ status: 'open', agency_responsible: '市城市管理局' });
    expect(accepted?.['expected_datetime']).toMatch(W3);
    clock += 3600_000;
    await act('handler_city', id, 'reply', { text: '已责令工地停止夜间施工。', outcome: 'resolved' });
    const [replied] = okJson<RequestJson[]>(await get(`requests/${id}.json`));
    expect(replied).toMatchObject({ status: 'closed', status_notes: '已责令工地停止夜间施工。' });
    expect(replied?.['updated_datetime']).not.toBe(replied?.['requested_datetime']);
  });

  it('servicerequestupdates: the FixMyStreet extended statuses of each public step', async () => {
    const body = okJson<Record<string, unknown>[]>(await get('servicerequestupdates.json'));
    const mine = body.filter((u) => u['service_request_id'] === id);
    expect(mine.map((u) => u['status'])).toEqual(['OPEN', 'INVESTIGATING', 'IN_PROGRESS', 'FIXED']);
    expect(Object.keys(mine[0] as object)).toEqual(['update_id', 'service_request_id', 'status', 'updated_datetime', 'description', 'media_url']);
    expect(mine[3]).toMatchObject({ description: '已责令工地停止夜间施工。' });
    expect(mine.every((u) => W3.test(String(u['updated_datetime'])))).toBe(true);

    const doc = okXml(await get('servicerequestupdates.xml'), 'service_request_updates');
    const update = kids(doc, 'request_update').find((u) => textOf(u, 'service_request_id') === id) as XmlElement;
    expect(namesOf(update)).toEqual(['update_id', 'service_request_id', 'status', 'updated_datetime', 'description', 'media_url']);
  });

  it('servicerequestupdates: reopen, and a closed case without a fix, read as REOPEN and CLOSED', async () => {
    await act('dispatcher', id, 'reopen', { reason: '群众反映仍有施工' });
    await act('handler_city', id, 'accept', {});
    await act('handler_city', id, 'reply', { text: '已再次告知施工方。', outcome: 'explained' });
    const body = okJson<Record<string, unknown>[]>(await get('servicerequestupdates.json'));
    expect(body.filter((u) => u['service_request_id'] === id).map((u) => u['status'])).toEqual(['OPEN', 'INVESTIGATING', 'IN_PROGRESS', 'FIXED', 'REOPEN', 'IN_PROGRESS', 'CLOSED']);
  });

  it.each(FORMATS)('servicerequestupdates errors (%s)', async (format) => {
    expectGeoError(await get(`servicerequestupdates.${format}?start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z`), format, 400, 'date_span_too_long');
    expectGeoError(await get(`servicerequestupdates.${format}?end_date=soon`), format, 400, 'date_invalid');
  });

  it.each(FORMATS)('404 for an unknown id, in the shape of the official fixture (%s)', async (format) => {
    const [description] = expectGeoError(await get(`requests/123.${format}`), format, 404, 'request_not_found');
    expect(description).toBe("service_request_id '123' was not found");
    if (format === 'xml' && hasFixtures) {
      const sample = fixture('get_service_request_not_found.xml');
      expect(namesOf(parseXml((await get('requests/123.xml')).body))).toEqual(namesOf(sample));
      expect(namesOf(kid(sample, 'error'))).toEqual(['code', 'description']);
    }
  });

  it('a case marked private disappears from every public answer, as if it did not exist', async () => {
    const caseId = (await t.database.db.selectFrom('cases').select('id').where('tracking_no', '=', id).executeTakeFirstOrThrow()).id;
    await markCasePrivate(t.database.db, { caseId, reason: 'test', markedBy: (await t.database.db.selectFrom('users').select('id').executeTakeFirstOrThrow()).id, at: new Date() });
    expectGeoError(await get(`requests/${id}.json`), 'json', 404, 'request_not_found');
    expect(okJson<RequestJson[]>(await get('requests.json')).some((r) => r.service_request_id === id)).toBe(false);
    expect(okJson<Record<string, unknown>[]>(await get('servicerequestupdates.json')).some((u) => u['service_request_id'] === id)).toBe(false);
    // The partner that posted it still sees its own request.
    expect((await get(`requests/${id}.json?api_key=${encodeURIComponent(partnerKey)}`)).statusCode).toBe(200);
  });
});
