import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSessionToken, sha256 } from '../../src/core/shared/secrets.js';
import { createAuthDeps } from '../../src/db/deps.js';
import { issueApiKey } from '../../src/db/open311-keys.js';
import { seedOpen311Demo } from '../../src/db/open311-seed.js';
import { areaOf, loadRouteCatalog, pathParamNames, routeKey, type CatalogRoute, type JsonSchema } from '../helpers/route-catalog.js';
import { createTestApp } from '../helpers/test-app.js';

/**
 * Property-based fuzzing of every route of the running app (the catalogue, not a hand-kept list): random and
 * malformed JSON bodies (wrong types, huge strings, deep nesting, `__proto__`/`constructor` keys, Tibetan, lone
 * surrogates, NUL, nulls), random query strings, path parameters and headers (content types, garbage
 * Authorization, huge cookies, cross-site origins), as `admin` (bearer or cookie) and anonymously.
 *
 * Properties, for every request:
 * - never a 5xx;
 * - under /api and /healthz, a 4xx has exactly the error shape `{error:{code,message,messageId,details}}`, and a
 *   2xx (possible when the input happens to be valid) is one of the route's documented success statuses with a
 *   well-formed body; Open311 answers its own GeoReport errors (`[{code,description}]` or XML);
 * - a rejected request changes nothing: a fingerprint of every table (row counts, latest `updated_at`, read
 *   notifications; audit rows, login throttles and Open311 call counters excepted, since rejected requests are
 *   counted there by design) is the same after it; a GET changes nothing at all.
 *
 * Runs are seeded (FUZZ_SEED, default below) and bounded (FUZZ_RUNS per route, 30). A failure prints fast-check's
 * counterexample and our reading of the request; FUZZ_LOG=error adds the server's log (the stack behind a 500).
 * Router-level refusals (malformed percent-encoding, over-long path parameters) are checked once per route by a
 * test of their own rather than in every property, where they would hide what the route itself does.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261122);
const RUNS = Number(process.env.FUZZ_RUNS ?? 30);

const t = await createTestApp();
const db = t.database.db;
await seedOpen311Demo(db);
const catalogue = await loadRouteCatalog(t.app);
if (process.env.FUZZ_LOG) t.app.log.level = process.env.FUZZ_LOG;

afterAll(async () => {
  await t.close();
});

// ---- fixtures: real ids, so that some requests get past validation ---------------------------------------------

/** Routes that end or change sessions and sign-in policy: they act as a throwaway admin, with a fresh session each time. */
const SESSION_ROUTES = new Set([
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/logout-all',
  'POST /api/v1/auth/logout-others',
  'DELETE /api/v1/auth/sessions/:id',
  'POST /api/v1/auth/password',
  'POST /api/v1/auth/reauth',
  'POST /api/v1/auth/totp/setup',
  'POST /api/v1/auth/totp/enable',
  'POST /api/v1/auth/totp/disable',
  'DELETE /api/v1/admin/security/users/:id/totp',
  'PUT /api/v1/admin/security/two-factor-roles',
]);
const SESSION_USER = 'fuzz_sessions';

const pools: Record<string, string[]> = { id: [], uuid: [], trackingNo: [], caseId: [], otherId: [], date: ['2031-05-05', '2026-02-29', '2026-13-01'], code: ['noise', 'wage_arrears'], file: [] };
let accessCodes: string[] = [];
let open311Key = '';
const tokens = new Map<string, string>();
const authStore = createAuthDeps(db, () => new Date(), 12, { idleMinutes: 120 }).store;

/** A session written as a login writes it (no scrypt: thousands of requests need one). */
const mintSession = async (username: string): Promise<string> => {
  const user = await authStore.findUserByUsername(username);
  if (!user) throw new Error(`no user ${username}`);
  const token = newSessionToken();
  const now = new Date();
  await authStore.createSession({ userId: user.id, tokenHash: sha256(token), expiresAt: new Date(now.getTime() + 3600_000), ip: '127.0.0.1', userAgent: 'fuzz', at: now });
  tokens.set(username, token);
  return token;
};

const asAdmin = async <T>(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown): Promise<T> => {
  const res = await t.app.inject({ method, url, headers: { authorization: `Bearer ${tokens.get('admin') ?? ''}` }, ...(body === undefined ? {} : { payload: body as object }) });
  if (res.statusCode >= 300) throw new Error(`setup ${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json() as T;
};

// ---- the state fingerprint -------------------------------------------------------------------------------------

/** Tables where a rejected request leaves a trace by design. */
const isExcludedTable = (name: string): boolean =>
  name === 'audit_log' || name.startsWith('bihuan_migrations') || /throttle|rate_counter|attempt/u.test(name);
let fingerprintSql = '';

const buildFingerprintSql = async (): Promise<string> => {
  const columns = await sql<{ table_name: string; column_name: string }>`
    SELECT c.table_name, c.column_name FROM information_schema.columns c
    JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'`.execute(db);
  const byTable = new Map<string, Set<string>>();
  for (const { table_name: table, column_name: column } of columns.rows) byTable.set(table, (byTable.get(table) ?? new Set()).add(column));
  const parts = [...byTable.entries()]
    .filter(([table]) => !isExcludedTable(table))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([table, cols]) => {
      const markers = ['count(*)::text'];
      // Sessions are touched by every authenticated request: only their number counts.
      if (cols.has('updated_at') && table !== 'sessions') markers.push(`coalesce(max(updated_at)::text, '-')`);
      if (cols.has('read_at')) markers.push('count(read_at)::text');
      if (cols.has('revoked_at')) markers.push('count(revoked_at)::text');
      if (cols.has('anonymised_at')) markers.push('count(anonymised_at)::text');
      return `'${table}', (SELECT ${markers.join(` || '/' || `)} FROM "${table}")`;
    });
  // A function call takes at most 100 arguments (50 tables): build the object in chunks and merge them.
  const chunks: string[] = [];
  for (let i = 0; i < parts.length; i += 40) chunks.push(`jsonb_build_object(${parts.slice(i, i + 40).join(', ')})`);
  return `SELECT ${chunks.join(' || ')} AS f`;
};

let fingerprintMs = 0;
let fingerprints = 0;
const fingerprint = async (): Promise<Record<string, string>> => {
  const started = Date.now();
  const result = await sql.raw<{ f: Record<string, string> }>(fingerprintSql).execute(db);
  fingerprintMs += Date.now() - started;
  fingerprints += 1;
  return result.rows[0]?.f ?? {};
};

const diffOf = (a: Record<string, string>, b: Record<string, string>): string[] =>
  [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => a[k] !== b[k]).map((k) => `${k}: ${a[k] ?? '∅'} → ${b[k] ?? '∅'}`);

beforeAll(async () => {
  const adminRow = await db.selectFrom('users').select(['password_hash', 'unit_id']).where('username', '=', 'admin').executeTakeFirstOrThrow();
  await db
    .insertInto('users')
    .values({ username: SESSION_USER, display_name: '模糊测试会话', password_hash: adminRow.password_hash, roles: ['admin'], unit_id: adminRow.unit_id })
    .execute();
  await mintSession('admin');

  const units = await asAdmin<{ items: { id: string; code: string }[] }>('GET', '/api/v1/units');
  const unitId = (code: string) => units.items.find((u) => u.code === code)?.id ?? '';
  const categories = await asAdmin<{ items: { id: string }[] }>('GET', '/api/v1/categories');
  pools.uuid?.push(...units.items.map((u) => u.id), ...categories.items.map((c) => c.id));
  const cases: { id: string; trackingNo: string; accessCode: string }[] = [];
  for (const [i, steps] of [[], ['dispatch'], ['dispatch', 'accept'], ['dispatch', 'accept', 'reply']].entries()) {
    const c = await asAdmin<{ id: string; trackingNo: string; accessCode: string }>('POST', '/api/v1/cases', {
      channel: 'phone', kind: 'complaint', title: `模糊测试 ${i}`, description: 'བཀྲ་ཤིས་བདེ་ལེགས། 模糊测试', requester: { name: '模糊', phone: '13800005678' },
    });
    for (const step of steps) {
      const body = step === 'dispatch' ? { unitId: unitId('hrss') } : step === 'reply' ? { text: '答复', outcome: 'resolved' } : {};
      await asAdmin('POST', `/api/v1/cases/${c.id}/${step}`, body);
    }
    cases.push(c);
  }
  pools.id?.push(...cases.map((c) => c.id));
  pools.caseId?.push(...cases.map((c) => c.id));
  pools.otherId?.push(...cases.map((c) => c.id));
  pools.trackingNo?.push(...cases.map((c) => c.trackingNo));
  pools.file?.push('wage_arrears.json', 'noise.xml', `${cases[0]?.trackingNo ?? ''}.json`, 'x.csv', '.json');
  accessCodes = cases.map((c) => c.accessCode);

  const template = await asAdmin<{ id: string }>('POST', '/api/v1/reply-templates', {
    code: 'fuzz_template', title: { 'zh-Hans': '答复', bo: 'ལན།' }, body: { 'zh-Hans': '{trackingNo} 已办理', bo: '{trackingNo} ལས་དོན་བསྒྲུབས།' },
  });
  const calendars = await asAdmin<{ items: { id: string }[] }>('GET', '/api/v1/calendars');
  pools.id?.push(template.id, ...calendars.items.map((c) => c.id));
  await t.runBackground();
  const notice = await db.selectFrom('staff_notifications').select('id').executeTakeFirst();
  if (notice) pools.id?.push(notice.id);
  const admin = await db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
  const keyInput = { intakeUnitId: unitId('lhasa'), serviceCodes: null, rateLimitPerMinute: 100_000, webhookUrl: null, webhookEvents: null, createdBy: admin.id, at: new Date() };
  open311Key = (await issueApiKey(db, { ...keyInput, name: 'fuzz partner' })).key;
  pools.id?.push((await issueApiKey(db, { ...keyInput, name: 'fuzz managed key' })).id);

  fingerprintSql = await buildFingerprintSql();
});

// ---- arbitraries -----------------------------------------------------------------------------------------------

const TIBETAN = fc.integer({ min: 0x0f00, max: 0x0fda }).map((c) => String.fromCodePoint(c));
const LONE_SURROGATE = fc.constantFrom('\ud800', '\udbff', '\udc00', '\udfff');
const NASTY = fc.constantFrom(
  '', ' ', '\t\n', '\u0000', 'a\u0000b', 'null', 'undefined', 'true', '__proto__', 'constructor', 'prototype', 'toString',
  '../../etc/passwd', "' OR 1=1 --", '<script>alert(1)</script>', '${7*7}', '{{7*7}}', 'བཀྲ་ཤིས་བདེ་ལེགས།', '\u0f00\u0f39\u0f7a',
  '\ud800', 'x\udfff\ud800y', '😀👩‍👩‍👧', 'e\u0301', '\u202eevil', '\ufeff', '\uffff', '\u2028', 'NaN', '-1', '0', '1e309', '-0', '0x10',
  '{}', '[]', '2026-02-30', '9999-12-31T23:59:59Z', '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
);
const garbageString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: NASTY },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 2, arbitrary: fc.string({ unit: TIBETAN, minLength: 1, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.oneof(LONE_SURROGATE, TIBETAN, fc.constant('\u0000')), maxLength: 10 }) },
  { weight: 1, arbitrary: fc.integer({ min: 201, max: 20_000 }).map((n) => 'ཀ'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer().map(String) },
);
const asciiString = fc.string({ unit: 'grapheme-ascii', maxLength: 60 });
/** Characters that pass length checks but trouble storage and rendering: Tibetan, NUL, lone surrogates, bidi, BOM. */
const SPICY_CHAR = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  { weight: 4, arbitrary: TIBETAN },
  { weight: 1, arbitrary: fc.constant('\u0000') },
  { weight: 1, arbitrary: LONE_SURROGATE },
  { weight: 1, arbitrary: fc.constantFrom('\u202e', '\ufeff', '\u2028', '\uffff', '\u0085', '\u001b') },
);

/** Something of the wrong type for any field. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -0, 0.5, -1),
  garbageString,
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.oneof(garbageString, fc.constantFrom('__proto__', 'constructor', 'prototype')), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

const uuidPool = (): fc.Arbitrary<string> => {
  const known = [...(pools.id ?? []), ...(pools.uuid ?? [])];
  return known.length > 0 ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: fc.uuid() }) : fc.uuid();
};

/** Values that fit a JSON schema most of the time (strings within bounds, enums, formats), with nasty strings mixed in. */
const fromSchema = (schema: JsonSchema, depth = 0): fc.Arbitrary<unknown> => {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives && alternatives.length > 0) return fc.oneof(...alternatives.map((s) => fromSchema(s, depth + 1)));
  if (schema.allOf?.[0]) return fromSchema(schema.allOf[0], depth + 1);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => fromSchema({ ...schema, type }, depth + 1)));
  const min = schema.minimum ?? schema.exclusiveMinimum;
  const max = schema.maximum ?? schema.exclusiveMaximum;
  switch (types[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: Math.max(min ?? -1000, -(2 ** 31)), max: Math.min(max ?? 1000, 2 ** 31) });
    case 'number':
      return fc.double({ min: min ?? -1000, max: max ?? 1000, noNaN: true, noDefaultInfinity: true });
    case 'array':
      return depth > 4 ? fc.constant([]) : fc.array(fromSchema(schema.items ?? {}, depth + 1), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) });
    case 'object': {
      if (depth > 4) return fc.constant({});
      const properties = schema.properties ?? {};
      const keys = Object.keys(properties);
      if (keys.length === 0) return fc.constant({});
      const shape = Object.fromEntries(keys.map((k) => [k, fromSchema(properties[k] ?? {}, depth + 1)]));
      return fc.record(shape, { requiredKeys: (schema.required ?? []).filter((k) => keys.includes(k)) });
    }
    case 'string':
      return stringFor(schema);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
};

const stringFor = (schema: JsonSchema): fc.Arbitrary<string> => {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 40, 40));
  switch (schema.format) {
    case 'uuid':
      return uuidPool();
    case 'date':
      // Within one year, so that from..to ranges are often acceptable.
      return fc.oneof(
        { weight: 4, arbitrary: fc.date({ min: new Date('2026-01-01'), max: new Date('2026-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)) },
        { weight: 1, arbitrary: fc.constantFrom('0001-01-01', '0474-03-01', '0999-12-31', '1899-12-31', '1969-12-31', '2026-02-29', '2028-02-29', '9999-12-31') },
        { weight: 1, arbitrary: garbageString },
      );
    case 'date-time':
      return fc.oneof(fc.date({ min: new Date('2020-01-01'), max: new Date('2032-12-31'), noInvalidDate: true }).map((d) => d.toISOString()), garbageString);
    case 'email':
      return fc.oneof(fc.emailAddress(), garbageString);
    case 'uri':
      return fc.oneof(fc.webUrl(), garbageString);
    default:
      break;
  }
  const fitting = fc.string({ unit: SPICY_CHAR, minLength: Math.max(minLength, 1), maxLength: Math.max(maxLength, 1) });
  let patterned: fc.Arbitrary<string> | null = null;
  if (schema.pattern) {
    try {
      patterned = fc.stringMatching(new RegExp(schema.pattern, 'u'));
    } catch {
      patterned = null;
    }
  }
  const pool = pools.trackingNo && pools.trackingNo.length > 0 ? [fc.constantFrom(...pools.trackingNo, ...accessCodes)] : [];
  return fc.oneof(
    { weight: 4, arbitrary: patterned ?? fitting },
    { weight: 2, arbitrary: garbageString },
    ...pool.map((arbitrary) => ({ weight: 1, arbitrary })),
  );
};

type Body = { text: string; contentType?: string } | undefined;
const json = (value: unknown): Body => ({ text: JSON.stringify(value) ?? 'null' });

/** A body whose shape is right but one field (or a new one, maybe `__proto__`) has a wrong value. */
const mutated = (schema: JsonSchema): fc.Arbitrary<Body> =>
  fc
    .tuple(fromSchema(schema), fc.oneof(fc.constantFrom(...Object.keys(schema.properties ?? { x: {} }), '__proto__', 'constructor', 'extra'), garbageString), wrongValue)
    .map(([base, key, value]) => json(typeof base === 'object' && base !== null && !Array.isArray(base) ? { ...base, [key]: value } : { [key]: value }));

const deepBody: fc.Arbitrary<Body> = fc
  .tuple(fc.integer({ min: 100, max: 150_000 }), fc.constantFrom('array', 'object', 'field'))
  .map(([n, kind]) => ({
    text: kind === 'array' ? `${'['.repeat(n)}${']'.repeat(n)}` : kind === 'object' ? `${'{"a":'.repeat(n)}1${'}'.repeat(n)}` : `{"text":${'['.repeat(n)}"x"${']'.repeat(n)}}`,
  }));

const hugeBody: fc.Arbitrary<Body> = fc
  .tuple(fc.constantFrom(150_000, 400_000, 1_100_000), fc.constantFrom('text', 'title', 'description', 'reason', 'ics', 'code'))
  .map(([n, key]) => json({ [key]: 'ཀ'.repeat(Math.floor(n / 3)) }));

const rawGarbage: fc.Arbitrary<Body> = fc.oneof(
  fc.constantFrom('{', '}', '{"a":1,}', '[1,]', 'nul', 'tru', '\u0000', '\ufeff{}', '{"a":"\\ud800"}', '{"a":"\\u0000"}', '"string"', '123', 'true', 'null', '[]',
    '{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"isAdmin":true}}}', '{"a":1,"a":2}', '{"x":1e999999}', '\u00ff\u00fe').map((text) => ({ text })),
  garbageString.map((text) => ({ text })),
);

const randomJson: fc.Arbitrary<Body> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map(json),
  fc.dictionary(fc.oneof(garbageString, fc.constantFrom('__proto__', 'constructor', 'prototype')), wrongValue, { maxKeys: 5 }).map(json),
);

/** Form bodies for Open311 (its own media type), with or without a valid key. */
const formBody: fc.Arbitrary<Body> = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom('api_key', 'service_code', 'description', 'lat', 'long', 'address_string', 'email', 'first_name', 'phone', 'attribute[employer_name]', 'attribute[]', 'jurisdiction_id'), garbageString),
      fc.oneof(garbageString, fc.constantFrom('wage_arrears', 'noise', '91.1', '29.65', 'KEY')),
    ),
    { maxLength: 8 },
  )
  .map((pairs) => ({
    contentType: 'application/x-www-form-urlencoded',
    text: pairs.map(([k, v]) => `${encode(k)}=${encode(v === 'KEY' ? open311Key : v)}`).join('&'),
  }));

const bodyOf = (route: CatalogRoute): fc.Arbitrary<Body> => {
  if (areaOf(route) === 'open311' && route.method === 'POST') return fc.oneof({ weight: 3, arbitrary: formBody }, { weight: 1, arbitrary: randomJson }, { weight: 1, arbitrary: rawGarbage });
  if (!route.body) {
    return fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: randomJson }, { weight: 1, arbitrary: rawGarbage }, { weight: 1, arbitrary: deepBody });
  }
  return fc.oneof(
    { weight: 5, arbitrary: fromSchema(route.body).map(json) },
    { weight: 3, arbitrary: mutated(route.body) },
    { weight: 1, arbitrary: randomJson },
    { weight: 1, arbitrary: rawGarbage },
    { weight: 1, arbitrary: deepBody },
    { weight: 1, arbitrary: hugeBody },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
};

/** Percent-encoding that survives lone surrogates (sent as the bytes of an encoded surrogate, which no decoder accepts). */
const encode = (value: string): string => {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...value].map((ch) => (/[\ud800-\udfff]/u.test(ch) ? '%ED%A0%80' : encodeURIComponent(ch))).join('');
  }
};

type Segment = { value: string; isRaw: boolean };
/**
 * Path segments the router accepts: the router's own refusals (a malformed percent-encoding, a parameter over
 * `maxParamLength`) happen before any route is chosen, the same for every route, and are the subject of their own
 * test below; here they would hide whatever the route itself does with a strange id.
 */
const ROUTER_PARAM_LIMIT = 100;
const segmentOf = (name: string): fc.Arbitrary<Segment> => {
  const pool = pools[name] ?? [];
  return fc.oneof(
    ...(pool.length > 0 ? [{ weight: 4, arbitrary: fc.constantFrom(...pool).map((value) => ({ value, isRaw: false })) }] : []),
    { weight: 2, arbitrary: fc.uuid().map((value) => ({ value, isRaw: false })) },
    { weight: 3, arbitrary: garbageString.filter((v) => encode(v).length <= ROUTER_PARAM_LIMIT && !/[\ud800-\udfff]/u.test(v)).map((value) => ({ value, isRaw: false })) },
    { weight: 1, arbitrary: fc.constantFrom('..', '%2e%2e', '%2F', ';', '*', '%00', '%20', '+').map((value) => ({ value, isRaw: true })) },
  );
};

const queryOf = (route: CatalogRoute): fc.Arbitrary<string> => {
  const known = route.queryParams;
  const valid =
    known.length > 0
      ? fc
          .record(Object.fromEntries(known.map((p) => [p.name, p.name === 'accessCode' && accessCodes.length > 0 ? fc.oneof(fc.constantFrom(...accessCodes), fromSchema(p.schema)) : fromSchema(p.schema)])), {
            requiredKeys: known.filter((p) => p.isRequired).map((p) => p.name),
          })
          .map((q) => Object.entries(q).map(([k, v]) => `${encode(k)}=${encode(typeof v === 'string' ? v : JSON.stringify(v) ?? '')}`).join('&'))
      : fc.constant('');
  const keys = fc.oneof(
    ...(known.length > 0 ? [fc.constantFrom(...known.map((p) => p.name))] : []),
    fc.constantFrom('__proto__', 'constructor', '__proto__[isAdmin]', 'a[b][c]', 'lang', 'page', 'api_key', 'accessCode', ''),
    garbageString,
  );
  const random = fc
    .array(fc.tuple(keys, fc.oneof(garbageString, fc.constantFrom('KEY', 'true', '1', '-1', '100000000'))), { maxLength: 6 })
    .map((pairs) => pairs.map(([k, v]) => `${encode(k)}=${encode(v === 'KEY' ? open311Key : v)}`).join('&'));
  const raw = fc.constantFrom('%', '%zz=1', '&&&', '=', '==', 'a=%E0%A4%A', 'lang=bo&lang=en', 'page=1&page=2', '?', '#', 'x=' + 'a'.repeat(5000));
  return fc.oneof({ weight: 6, arbitrary: valid }, { weight: 2, arbitrary: random }, { weight: 1, arbitrary: raw });
};

const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json; charset=latin1', 'application/json;;;',
  'text/plain', 'text/html', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/vnd.api+json',
  '*/*', '', 'garbage', 'application/json, text/plain',
];
type Identity = 'admin' | 'admin-cookie' | 'anonymous';
type Headers = {
  contentType: string | undefined;
  authorization: string | undefined;
  cookie: string | undefined;
  acceptLanguage: string | undefined;
  origin: string | undefined;
  extra: Record<string, string>;
};
const headersArb: fc.Arbitrary<Headers> = fc.record({
  // Mostly the right media type, so that most bodies reach validation and the handler.
  contentType: fc.oneof(
    { weight: 8, arbitrary: fc.constant<string | undefined>('application/json') },
    { weight: 3, arbitrary: fc.constantFrom<string | undefined>(...CONTENT_TYPES) },
    { weight: 1, arbitrary: fc.constant<string | undefined>(undefined) },
  ),
  authorization: fc.option(
    fc.oneof(fc.constantFrom('Bearer', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'bearer x', 'Bearer null', 'Bearer undefined', `Bearer ${'A'.repeat(8000)}`), asciiString.map((s) => `Bearer ${s}`), asciiString),
    { nil: undefined },
  ),
  cookie: fc.option(
    fc.oneof(
      asciiString.map((s) => `bihuan_session=${s}`),
      fc.integer({ min: 1000, max: 32_000 }).map((n) => `big=${'a'.repeat(n)}`),
      fc.constantFrom('bihuan_session', '=;=;', 'bihuan_session=; bihuan_session=x', '__proto__=1', 'a=%E0%A4%A'),
    ),
    { nil: undefined, freq: 2 },
  ),
  acceptLanguage: fc.option(fc.oneof(fc.constantFrom('bo', 'en', 'zh-Hans', 'xx-YY', '*;q=abc', 'bo;q=2,en;q=-1'), asciiString), { nil: undefined }),
  origin: fc.oneof(
    { weight: 4, arbitrary: fc.constant<string | undefined>(undefined) },
    { weight: 1, arbitrary: fc.constantFrom<string | undefined>('https://evil.example', 'null', 'http://localhost:80', 'garbage', '') },
  ),
  extra: fc.dictionary(fc.constantFrom('x-forwarded-for', 'x-forwarded-host', 'x-http-method-override', 'idempotency-key', 'accept', 'user-agent', 'x-requested-with'), asciiString, { maxKeys: 3 }),
});

type FuzzRequest = { identity: Identity; segments: Record<string, Segment>; query: string; headers: Headers; body: Body; ip: number };
const requestOf = (route: CatalogRoute): fc.Arbitrary<FuzzRequest> =>
  fc.record({
    identity: fc.oneof(
      { weight: 6, arbitrary: fc.constant<Identity>('admin') },
      { weight: 1, arbitrary: fc.constant<Identity>('admin-cookie') },
      { weight: 3, arbitrary: fc.constant<Identity>('anonymous') },
    ),
    segments: fc.record(Object.fromEntries(pathParamNames(route.url).map((name) => [name, segmentOf(name)]))),
    query: queryOf(route),
    headers: headersArb,
    body: bodyOf(route),
    ip: fc.integer({ min: 1, max: 250 }),
  });

// ---- sending and judging -------------------------------------------------------------------------------------

const urlOf = (route: CatalogRoute, req: FuzzRequest): string => {
  const path = route.url.replace(/:([A-Za-z0-9_]+)/gu, (_all, name: string) => {
    const s = req.segments[name];
    if (!s) return 'missing';
    // An empty segment would be another route; a raw one is sent as is.
    return s.isRaw ? s.value : encode(s.value) || '%20';
  });
  return req.query ? `${path}?${req.query}` : path;
};

/** The session a request rides on: admin's, or for the session routes a fresh one of a throwaway admin. */
const tokenFor = async (route: CatalogRoute, req: FuzzRequest): Promise<string | null> => {
  if (req.identity === 'anonymous') return null;
  return SESSION_ROUTES.has(routeKey(route)) ? mintSession(SESSION_USER) : (tokens.get('admin') ?? '');
};

const send = async (route: CatalogRoute, req: FuzzRequest, token: string | null): Promise<LightMyRequestResponse> => {
  const headers: Record<string, string> = { ...req.headers.extra };
  if (req.identity === 'admin' && token) headers.authorization = `Bearer ${token}`;
  else if (req.headers.authorization !== undefined && req.identity === 'anonymous') headers.authorization = req.headers.authorization;
  // The session cookie goes first: with two cookies of one name, the first counts.
  const cookies = [req.identity === 'admin-cookie' && token ? `bihuan_session=${token}` : undefined, req.headers.cookie].filter((c): c is string => c !== undefined);
  if (cookies.length > 0) headers.cookie = cookies.join('; ');
  if (req.headers.acceptLanguage !== undefined) headers['accept-language'] = req.headers.acceptLanguage;
  if (req.headers.origin !== undefined) headers.origin = req.headers.origin;
  const contentType = req.body?.contentType ?? req.headers.contentType;
  if (contentType !== undefined && (req.body !== undefined || req.headers.contentType !== undefined)) headers['content-type'] = contentType;
  return t.app.inject({
    method: route.method,
    url: urlOf(route, req),
    headers,
    remoteAddress: `10.77.0.${req.ip}`,
    ...(req.body === undefined ? {} : { payload: req.body.text }),
  });
};

const describeRequest = (route: CatalogRoute, req: FuzzRequest): string => {
  const clip = (s: string | undefined, n = 300) => (s === undefined ? '∅' : s.length > n ? `${JSON.stringify(s.slice(0, n))}… (${s.length} chars)` : JSON.stringify(s));
  return [
    `  ${route.method} ${clip(urlOf(route, req), 400)} as ${req.identity}`,
    `  headers: ${clip(JSON.stringify({ ...req.headers, cookie: req.headers.cookie && req.headers.cookie.length > 200 ? `${req.headers.cookie.slice(0, 40)}…(${req.headers.cookie.length})` : req.headers.cookie }), 500)}`,
    `  body: ${clip(req.body?.text)}`,
  ].join('\n');
};

type ErrorBody = { error: { code: string; message: string; messageId: string; details: Record<string, unknown> } };
const checkResponse = (route: CatalogRoute, res: LightMyRequestResponse): string | null => {
  const status = res.statusCode;
  if (status >= 500) return `answered ${status}: ${res.body.slice(0, 300)}`;
  const area = areaOf(route);
  if (area === 'open311') {
    if (status < 400) return null;
    if (res.headers['content-type']?.toString().includes('json')) {
      try {
        const errors = JSON.parse(res.body) as { code?: unknown; description?: unknown }[];
        if (!Array.isArray(errors) || errors.some((e) => typeof e.code !== 'number' || typeof e.description !== 'string')) return `Open311 error not [{code, description}]: ${res.body.slice(0, 300)}`;
      } catch {
        return `Open311 error is not JSON: ${res.body.slice(0, 300)}`;
      }
    } else if (!res.body.startsWith('<?xml')) {
      return `Open311 error is neither GeoReport JSON nor XML: ${res.body.slice(0, 300)}`;
    }
    return null;
  }
  if (status >= 400) {
    let body: ErrorBody;
    try {
      body = res.json() as ErrorBody;
    } catch {
      return `${status} with a body that is not JSON: ${res.body.slice(0, 300)}`;
    }
    const e = body.error as Partial<ErrorBody['error']> | undefined;
    if (
      Object.keys(body).join(',') !== 'error' ||
      !e ||
      Object.keys(e).sort().join(',') !== 'code,details,message,messageId' ||
      typeof e.code !== 'string' ||
      typeof e.message !== 'string' ||
      e.messageId !== `errors.${e.code}` ||
      typeof e.details !== 'object' ||
      e.details === null
    ) {
      return `${status} without the error shape {error:{code,message,messageId,details}}: ${res.body.slice(0, 300)}`;
    }
    return null;
  }
  if (status >= 300) return `answered ${status}`;
  if (route.successStatuses.length > 0 && !route.successStatuses.includes(status)) return `answered ${status}, documented: ${route.successStatuses.join(', ')}`;
  if (res.headers['content-type']?.toString().includes('application/json')) {
    try {
      JSON.parse(res.body);
    } catch {
      return `${status} with a JSON content type but no JSON: ${res.body.slice(0, 200)}`;
    }
  }
  return null;
};

const seedOf = (key: string): number => [...key].reduce((h, ch) => (Math.imul(h, 31) + ch.charCodeAt(0)) | 0, SEED);

/**
 * Routes that end sessions or change sign-in policy run last, the two-factor policy very last: a valid random body
 * (`{"roles":["admin"]}`) would otherwise keep admin out of every route after it.
 */
const POLICY_ROUTE = 'PUT /api/v1/admin/security/two-factor-roles';
const rank = (route: CatalogRoute): number => (routeKey(route) === POLICY_ROUTE ? 2 : SESSION_ROUTES.has(routeKey(route)) ? 1 : 0);
const ordered = [...catalogue].sort((a, b) => rank(a) - rank(b));
const stats = new Map<string, Map<string, number>>();

describe('fuzzing every route with fast-check', () => {
  it('fuzzes a catalogue taken from the running app', () => {
    expect(ordered.length).toBeGreaterThan(50);
    expect(ordered.some((r) => areaOf(r) === 'open311')).toBe(true);
  });

  it('router refusals (malformed percent-encoding, over-long path parameter) answer in the route\'s error format too', async () => {
    const problems: string[] = [];
    for (const route of ordered.filter((r) => pathParamNames(r.url).length > 0)) {
      for (const [label, value] of [
        ['malformed percent-encoding', '%E0%A4%A'],
        ['encoded lone surrogate', '%ED%A0%80'],
        [`parameter over ${ROUTER_PARAM_LIMIT} characters`, encode('ཀ'.repeat(40))],
      ] as const) {
        const url = route.url.replace(/:([A-Za-z0-9_]+)/gu, value);
        const res = await t.app.inject({ method: route.method, url, headers: { authorization: `Bearer ${tokens.get('admin') ?? ''}` } });
        const problem = res.statusCode < 400 ? `answered ${res.statusCode}` : checkResponse(route, res);
        if (problem) problems.push(`${routeKey(route)} with a ${label}: ${problem.slice(0, 260)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  for (const route of ordered) {
    const key = routeKey(route);
    it(`${key}: no 5xx, coded errors, nothing changed by a rejected request`, async () => {
      const counts = new Map<string, number>();
      stats.set(key, counts);
      const isSafe = route.method === 'GET';
      const start = await fingerprint();
      let baseline = start;
      await fc.assert(
        fc.asyncProperty(requestOf(route), async (req) => {
          const token = await tokenFor(route, req);
          // A fresh session is written before the baseline, so that the comparison sees only the request itself.
          if (SESSION_ROUTES.has(key) && !isSafe) baseline = await fingerprint();
          const res = await send(route, req, token);
          const bucket = res.statusCode < 300 ? '2xx' : String(res.statusCode);
          counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
          const problem = checkResponse(route, res);
          if (problem) throw new Error(`${problem}\n${describeRequest(route, req)}`);
          if (isSafe) return;
          const after = await fingerprint();
          const changed = diffOf(baseline, after);
          if (res.statusCode >= 400 && changed.length > 0) {
            throw new Error(`rejected with ${res.statusCode} ${res.body.slice(0, 200)} but the state changed: ${changed.join('; ')}\n${describeRequest(route, req)}`);
          }
          baseline = after;
        }),
        { seed: seedOf(key), numRuns: RUNS, endOnFailure: true },
      );
      if (isSafe) expect(diffOf(start, await fingerprint()), `GET ${route.url} changed the state`).toEqual([]);
    }, 90_000);
  }

  it('prints what the routes answered', () => {
    const lines = [...stats.entries()].map(([key, counts]) => `${key.padEnd(62)} ${[...counts.entries()].sort().map(([s, n]) => `${s}×${n}`).join(' ')}`);
    console.log(`[fuzz] seed ${SEED}, ${RUNS} runs per route; ${fingerprints} state fingerprints took ${fingerprintMs} ms\n${lines.join('\n')}`);
    expect(stats.size).toBeGreaterThan(0);
  });
});
