import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actionSchemas } from '../../src/core/case/case.schemas.js';
import { newSessionToken, sha256 } from '../../src/core/shared/secrets.js';
import { createAuthDeps, createCaseDeps } from '../../src/db/deps.js';
import { seedOpen311Demo } from '../../src/db/open311-seed.js';
import { buildApp } from '../../src/http/app.js';
import { areaOf, collectDeclaredAccess, loadRouteCatalog, routeKey, type CatalogRoute } from '../helpers/route-catalog.js';
import { createTestApp } from '../helpers/test-app.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';
import { DEFAULT_QUESTIONNAIRE } from '../../src/core/callbacks/questionnaire.js';
import { smsSignatureOf } from '../../src/core/callbacks/receive-sms-reply.js';

/**
 * The access matrix: every route of the running app × every demo role (plus a citizen and an anonymous caller)
 * × a case (or unit) of two different units, `hrss` and `cityman`.
 *
 * The expected outcome of each cell comes from the rule table below, written from the documented intent
 * (docs/API.md "who", roles.ts comments, ARCHITECTURE.md "scope"), never from the code under test:
 * - anonymous → 401 on anything not public; a role without the capability → 403;
 * - a case is seen by staff whose unit covers the unit that took it in or any unit it was ever assigned to,
 *   otherwise 404 (its existence is not disclosed);
 * - unit actions also need the assignment: accept/return an active assignment of the caller's unit, reply and
 *   extensions the lead one, contribute an assisting one, transfer the intake unit or the lead one (403).
 *
 * Cases are registered by `admin` at the root unit `lhasa` and driven through the API into the state each action
 * needs. Every cell expected to succeed gets a fresh case; cells expected to be refused share one case per route
 * and unit, which is checked unchanged after each refusal (and replaced should a refusal fail to refuse).
 */

const t = await createTestApp();
const db = t.database.db;
await seedOpen311Demo(db);
const catalogue = await loadRouteCatalog(t.app);

afterAll(async () => {
  await t.close();
});

// ---- the rule table ------------------------------------------------------------------------------------------

type RoleName = 'admin' | 'agent' | 'dispatcher' | 'supervisor' | 'unit_handler' | 'unit_leader' | 'citizen';
type Capability =
  | 'case.create' | 'case.read' | 'case.note' | 'case.dispatch' | 'case.accept' | 'case.return' | 'case.transfer'
  | 'case.contribute' | 'case.reply' | 'case.callback' | 'case.reopen' | 'case.close' | 'case.reject'
  | 'case.resolve_on_intake' | 'case.request_extension' | 'case.decide_extension' | 'case.supervise' | 'case.merge'
  | 'case.view_personal_data' | 'case.export_personal_data' | 'calendar.manage' | 'reply_template.manage' | 'privacy.manage' | 'integration.manage'
  | 'security.manage' | 'settings.manage' | 'opendata.manage' | 'user.manage' | 'audit.read';

/** What each role may do, whatever the record (docs/API.md "who" column; roles.ts comments). */
const CAN: Record<RoleName, readonly Capability[]> = {
  admin: [
    'case.create', 'case.read', 'case.note', 'case.dispatch', 'case.accept', 'case.return', 'case.transfer', 'case.contribute',
    'case.reply', 'case.callback', 'case.reopen', 'case.close', 'case.reject', 'case.resolve_on_intake', 'case.request_extension',
    'case.decide_extension', 'case.supervise', 'case.merge', 'case.view_personal_data', 'case.export_personal_data', 'calendar.manage', 'reply_template.manage',
    // Personal-data export and erasure, partner keys, two-factor policy, duplicate and suggestion settings:
    // administrators only.
    'privacy.manage', 'integration.manage', 'security.manage', 'settings.manage', 'opendata.manage',
    // Staff accounts and the audit log's reader.
    'user.manage', 'audit.read',
  ],
  // Intake desk: registers, dispatches, rejects, answers at intake, calls back.
  agent: ['case.create', 'case.read', 'case.note', 'case.dispatch', 'case.reject', 'case.resolve_on_intake', 'case.callback', 'case.view_personal_data'],
  dispatcher: [
    'case.create', 'case.read', 'case.note', 'case.dispatch', 'case.transfer', 'case.reject', 'case.merge', 'case.close', 'case.reopen',
    'case.callback', 'case.resolve_on_intake', 'case.view_personal_data',
  ],
  unit_handler: ['case.read', 'case.note', 'case.accept', 'case.return', 'case.contribute', 'case.reply', 'case.request_extension', 'case.view_personal_data'],
  unit_leader: [
    'case.read', 'case.note', 'case.accept', 'case.return', 'case.transfer', 'case.contribute', 'case.reply', 'case.request_extension',
    'case.view_personal_data',
  ],
  supervisor: ['case.read', 'case.note', 'case.supervise', 'case.decide_extension', 'case.reopen', 'case.close', 'case.callback', 'case.view_personal_data', 'opendata.manage'],
  citizen: [],
};

const CITIZEN = 'matrix_citizen';
type Principal = { label: string; short: string; username: string | null; role: RoleName | null; unit: string };
const PRINCIPALS: readonly Principal[] = [
  { label: 'admin', short: 'adm', username: 'admin', role: 'admin', unit: 'lhasa' },
  { label: 'agent', short: 'agt', username: 'agent', role: 'agent', unit: 'lhasa' },
  { label: 'dispatcher', short: 'dsp', username: 'dispatcher', role: 'dispatcher', unit: 'lhasa' },
  { label: 'supervisor', short: 'sup', username: 'supervisor', role: 'supervisor', unit: 'lhasa' },
  { label: 'handler', short: 'hdl', username: 'handler', role: 'unit_handler', unit: 'hrss' },
  { label: 'leader', short: 'ldr', username: 'leader', role: 'unit_leader', unit: 'hrss' },
  { label: 'handler_city', short: 'hcy', username: 'handler_city', role: 'unit_handler', unit: 'cityman' },
  { label: 'handler_union', short: 'hun', username: 'handler_union', role: 'unit_handler', unit: 'union' },
  { label: 'handler_market', short: 'hmk', username: 'handler_market', role: 'unit_handler', unit: 'market' },
  { label: 'citizen', short: 'ctz', username: CITIZEN, role: 'citizen', unit: 'lhasa' },
  { label: 'anonymous', short: 'ano', username: null, role: null, unit: '' },
];

const UNITS = ['hrss', 'cityman'] as const;
type CaseUnit = (typeof UNITS)[number];
/** Cases are registered by admin, whose unit is the root. */
const INTAKE_UNIT = 'lhasa';
/** The lead unit of joint cases in which the column's unit assists; no demo user works there. */
const THIRD_UNIT = 'ecoenv';

type CaseState = 'registered' | 'returned' | 'dispatched' | 'accepted' | 'assisting' | 'replied' | 'extension_pending' | 'supervised' | 'merged' | 'on_hold' | 'reopen_pending';
type UnitRule = 'visible' | 'assignment' | 'lead' | 'assisting' | 'intake-or-lead' | 'lead-handler' | 'intake';
type Assignment = { unit: string; role: 'lead' | 'assisting'; isActive: boolean };

/** Who each case in a given state was assigned to (the independent model of the cases the test builds). */
const assignmentsIn = (state: CaseState, unit: CaseUnit): Assignment[] => {
  switch (state) {
    case 'registered':
      return [];
    case 'returned':
    case 'merged':
      return [{ unit, role: 'lead', isActive: false }];
    case 'assisting':
      return [{ unit: THIRD_UNIT, role: 'lead', isActive: true }, { unit, role: 'assisting', isActive: true }];
    case 'replied':
    case 'reopen_pending':
      return [{ unit, role: 'lead', isActive: false }];
    default:
      return [{ unit, role: 'lead', isActive: true }];
  }
};

/** Every action: the capability it needs, the state it is tried in, and which assignment must be the caller's. */
const ACTION_RULES: Record<string, { capability: Capability; state: CaseState; unitRule: UnitRule }> = {
  dispatch: { capability: 'case.dispatch', state: 'returned', unitRule: 'visible' },
  accept: { capability: 'case.accept', state: 'dispatched', unitRule: 'assignment' },
  return: { capability: 'case.return', state: 'dispatched', unitRule: 'assignment' },
  transfer: { capability: 'case.transfer', state: 'dispatched', unitRule: 'intake-or-lead' },
  note: { capability: 'case.note', state: 'accepted', unitRule: 'visible' },
  contribute: { capability: 'case.contribute', state: 'assisting', unitRule: 'assisting' },
  reply: { capability: 'case.reply', state: 'accepted', unitRule: 'lead' },
  callback: { capability: 'case.callback', state: 'replied', unitRule: 'visible' },
  reopen: { capability: 'case.reopen', state: 'replied', unitRule: 'visible' },
  close: { capability: 'case.close', state: 'replied', unitRule: 'visible' },
  reject: { capability: 'case.reject', state: 'returned', unitRule: 'visible' },
  'resolve-on-intake': { capability: 'case.resolve_on_intake', state: 'registered', unitRule: 'visible' },
  'request-extension': { capability: 'case.request_extension', state: 'accepted', unitRule: 'lead' },
  'decide-extension': { capability: 'case.decide_extension', state: 'extension_pending', unitRule: 'visible' },
  supervise: { capability: 'case.supervise', state: 'accepted', unitRule: 'visible' },
  merge: { capability: 'case.merge', state: 'returned', unitRule: 'visible' },
  urge: { capability: 'case.supervise', state: 'accepted', unitRule: 'visible' },
  'respond-supervision': { capability: 'case.reply', state: 'supervised', unitRule: 'lead' },
  'conclude-supervision': { capability: 'case.supervise', state: 'supervised', unitRule: 'visible' },
  'request-reopen': { capability: 'case.callback', state: 'replied', unitRule: 'visible' },
  'decide-reopen': { capability: 'case.reopen', state: 'reopen_pending', unitRule: 'visible' },
  // A hold is the handling unit's step: staff of the lead unit who may reply (docs/time-limits.md).
  hold: { capability: 'case.note', state: 'accepted', unitRule: 'lead-handler' },
  resume: { capability: 'case.note', state: 'on_hold', unitRule: 'lead-handler' },
  'record-consent': { capability: 'case.callback', state: 'replied', unitRule: 'visible' },
  // Only those the requester gave their identity to: the intake unit and the units above it.
  'protect-identity': { capability: 'case.view_personal_data', state: 'accepted', unitRule: 'intake' },
};

const futureDate = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

/** Minimal valid bodies, from core/case/case.schemas.ts (checked against those schemas below). */
const actionBody = (action: string, w: World, unit: CaseUnit): Record<string, unknown> => {
  switch (action) {
    case 'dispatch':
      return { unitId: w.unitId(unit) };
    case 'accept':
      return {};
    case 'return':
      return { reason: '不属于本单位职责' };
    case 'transfer':
      return { unitId: w.unitId(THIRD_UNIT), reason: '转生态环境局' };
    case 'note':
      return { text: '矩阵测试备注' };
    case 'contribute':
      return { text: '协办意见' };
    case 'reply':
      return { text: '已核实处理，答复如下。', outcome: 'resolved' };
    case 'callback':
      return { resolved: 'yes', satisfaction: 'satisfied' };
    case 'reopen':
      return { reason: '诉求人不满意' };
    case 'close':
      return {};
    case 'reject':
      return { reason: '不属于受理范围' };
    case 'resolve-on-intake':
      return { text: '当场解答' };
    case 'request-extension':
      return { days: 5, reason: '需要调查' };
    case 'decide-extension':
      return { isApproved: true };
    case 'supervise':
      return { dueBy: futureDate(7), note: '督办' };
    case 'merge':
      return { masterId: w.masters[unit].id };
    case 'urge':
      return { message: '请尽快办理' };
    case 'respond-supervision':
      return { text: '已按督办意见办理' };
    case 'conclude-supervision':
      return { outcome: 'resolved' };
    case 'request-reopen':
      return { reason: '群众反映未解决' };
    case 'decide-reopen':
      return { isApproved: false, note: '已答复清楚' };
    case 'hold':
      return { reason: '请补充材料' };
    case 'resume':
      return {};
    case 'record-consent':
      return { consent: 'refused' };
    case 'protect-identity':
      return {};
    default:
      throw new Error(`no body for action ${action}`);
  }
};

type Access = Capability | 'public' | 'authenticated' | 'api_key';
type Scope =
  | { kind: 'none' }
  | { kind: 'case'; state: CaseState; unitRule: UnitRule }
  | { kind: 'unit'; isScoped: boolean };

type Cell = { principal: Principal; unit: CaseUnit };
type Prepared = {
  url: string;
  body?: unknown;
  /** A raw body (file uploads: Content-Type application/octet-stream), sent instead of `body`. */
  rawBody?: Buffer;
  /** Further request headers (the requester's X-Access-Code, a raw body's Content-Type). */
  headers?: Record<string, string>;
  /** Overrides the principal's cached session (fresh sessions for log-out routes). */
  token?: string | null;
  /** The case the cell acts on, for the leak check of refusals. */
  subject?: CaseRef;
  /** Further checks on the answer; returns problems and an optional mark for the printed cell. */
  after?: (res: LightMyRequestResponse) => Promise<{ problems: string[]; mark?: string }>;
};
type Spec = {
  access: Access;
  scope: Scope;
  /**
   * What the route may declare in config.access when it differs from `access`: a permission still to be added
   * to roles.ts is checked in the handler, behind `authenticated`.
   */
  declares?: (string | null)[];
  /** A look-up of something that may not exist: 404 is an answer, not a refusal. */
  isLookup?: boolean;
  /**
   * The handler judges the input and a valid one cannot be sent without lasting effects (a TOTP code): an
   * allowed caller gets any answer but a refusal or a 5xx.
   */
  isJudged?: boolean;
  prepare: (cell: Cell, isAllowed: boolean) => Promise<Prepared>;
};

type Expectation = { isAllowed: true } | { isAllowed: false; status: 401 | 403 | 404; why: string };

// ---- the world the cells act on ------------------------------------------------------------------------------

type CaseRef = { id: string; trackingNo: string; accessCode: string; title: string; description: string };
type World = {
  unitId: (code: string) => string;
  unitPath: Map<string, string>;
  base: Record<CaseUnit, CaseRef>;
  masters: Record<CaseUnit, CaseRef>;
  calendarId: string;
  ics: string;
  templateId: string;
  notificationOf: Record<CaseUnit, { id: string; owner: string }>;
  /** A public (shown to the requester) attachment of each base case, uploaded by admin. */
  attachmentOf: Record<CaseUnit, string>;
  citizenId: string;
  /** An Open311 partner key, made when a cell first needs it. */
  apiKeyId: string;
};
let w: World;

const covers = (actorUnit: string, unit: string): boolean => {
  const a = w.unitPath.get(actorUnit);
  const u = w.unitPath.get(unit);
  if (!a || !u) throw new Error(`unknown unit ${actorUnit} or ${unit}`);
  return u === a || u.startsWith(`${a}.`);
};

const sees = (p: Principal, state: CaseState, unit: CaseUnit): boolean =>
  p.role !== null && (covers(p.unit, INTAKE_UNIT) || assignmentsIn(state, unit).some((a) => covers(p.unit, a.unit)));

const ALLOW: Expectation = { isAllowed: true };
const refuse = (status: 401 | 403 | 404, why: string): Expectation => ({ isAllowed: false, status, why });

const expectationOf = (spec: Spec, p: Principal, unit: CaseUnit): Expectation => {
  if (spec.access === 'public') return ALLOW;
  if (spec.access === 'api_key') return refuse(403, 'Open311 writes need an api_key, a staff session is no key');
  if (p.role === null) return refuse(401, 'anonymous');
  if (spec.access !== 'authenticated' && !CAN[p.role].includes(spec.access)) return refuse(403, `${p.role} lacks ${spec.access}`);
  if (spec.scope.kind === 'case') {
    const { state, unitRule } = spec.scope;
    if (!sees(p, state, unit)) return refuse(404, `case of ${unit} is out of ${p.unit}'s scope`);
    const mine = assignmentsIn(state, unit).filter((a) => a.isActive && covers(p.unit, a.unit));
    const isResponsible =
      unitRule === 'visible' ||
      (unitRule === 'assignment' && mine.length > 0) ||
      (unitRule === 'lead' && mine.some((a) => a.role === 'lead')) ||
      (unitRule === 'assisting' && mine.some((a) => a.role === 'assisting')) ||
      (unitRule === 'intake-or-lead' && (covers(p.unit, INTAKE_UNIT) || mine.some((a) => a.role === 'lead'))) ||
      (unitRule === 'lead-handler' && CAN[p.role].includes('case.reply') && mine.some((a) => a.role === 'lead')) ||
      (unitRule === 'intake' && covers(p.unit, INTAKE_UNIT));
    if (!isResponsible) return refuse(403, `${p.unit} holds no ${unitRule} assignment`);
  }
  if (spec.scope.kind === 'unit' && spec.scope.isScoped && !covers(p.unit, unit)) return refuse(404, `${unit} is outside ${p.unit}`);
  return ALLOW;
};

// ---- sessions and requests -----------------------------------------------------------------------------------

const tokens = new Map<string, string>();
const authStore = createAuthDeps(db, () => new Date(), 12, { idleMinutes: 120 }).store;
/**
 * A new session, written the way a login writes it: the log-in route itself is one row of the matrix, and
 * scrypt (~50 ms a login) would otherwise dominate the run.
 */
const loginFresh = async (username: string): Promise<string> => {
  const user = await authStore.findUserByUsername(username);
  if (!user) throw new Error(`no user ${username}`);
  const token = newSessionToken();
  const now = new Date();
  await authStore.createSession({ userId: user.id, tokenHash: sha256(token), expiresAt: new Date(now.getTime() + 3600_000), ip: '127.0.0.1', userAgent: 'access-matrix', at: now });
  return token;
};
const tokenOf = async (username: string): Promise<string> => {
  const cached = tokens.get(username);
  if (cached) return cached;
  const token = await loginFresh(username);
  tokens.set(username, token);
  return token;
};

const send = async (token: string | null, method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> =>
  t.app.inject({
    method: method as 'GET',
    url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    ...(body === undefined ? {} : { payload: Buffer.isBuffer(body) ? body : (body as Record<string, unknown>) }),
  });

/** A minimal valid PDF for the attachment routes (images would cost a re-encoding per cell). */
const MATRIX_PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');
const OCTET = { 'content-type': 'application/octet-stream' };

/** Setup as admin; anything but a success stops the run. */
const asAdmin = async <T>(method: string, url: string, body?: unknown): Promise<T> => {
  const res = await send(await tokenOf('admin'), method, url, body);
  if (res.statusCode >= 300) throw new Error(`setup ${method} ${url}: ${res.statusCode} ${res.body}`);
  return (res.body ? res.json() : null) as T;
};

let casesCreated = 0;
const createCase = async (title: string): Promise<CaseRef> => {
  const description = `访问矩阵测试用例 ${casesCreated}`;
  const c = await asAdmin<{ id: string; trackingNo: string; accessCode: string }>('POST', '/api/v1/cases', {
    channel: 'phone',
    kind: 'complaint',
    title,
    description,
    requester: { name: '矩阵申请人', phone: '13800001234', language: 'bo' },
  });
  casesCreated += 1;
  return { id: c.id, trackingNo: c.trackingNo, accessCode: c.accessCode, title, description };
};

const act = (c: CaseRef, action: string, body: Record<string, unknown>) => asAdmin('POST', `/api/v1/cases/${c.id}/${action}`, body);

const newCaseIn = async (state: CaseState, unit: CaseUnit): Promise<CaseRef> => {
  const c = await createCase(`矩阵 ${state} ${unit} ${casesCreated}`);
  if (state === 'registered') return c;
  if (state === 'assisting') {
    await act(c, 'dispatch', { unitId: w.unitId(THIRD_UNIT), assistingUnitIds: [w.unitId(unit)] });
    return c;
  }
  await act(c, 'dispatch', { unitId: w.unitId(unit) });
  if (state === 'returned' || state === 'merged') {
    await act(c, 'return', { reason: '退回' });
    if (state === 'merged') await act(c, 'merge', { masterId: w.masters[unit].id });
    return c;
  }
  if (state === 'dispatched') return c;
  await act(c, 'accept', {});
  if (state === 'replied' || state === 'reopen_pending') await act(c, 'reply', { text: '答复内容', outcome: 'resolved' });
  if (state === 'reopen_pending') await act(c, 'request-reopen', { reason: '群众反映未解决' });
  if (state === 'on_hold') await act(c, 'hold', { reason: '请补充材料' });
  if (state === 'extension_pending') await act(c, 'request-extension', { days: 5, reason: '需要调查' });
  if (state === 'supervised') await act(c, 'supervise', { dueBy: futureDate(7), note: '督办' });
  return c;
};

const caseFingerprint = async (id: string): Promise<string> => {
  const row = await sql<{ f: string }>`
    SELECT concat_ws('|', c.status, c.updated_at::text,
      (SELECT count(*) FROM work_item_events e WHERE e.item_kind = 'case' AND e.item_id::text = c.id::text),
      (SELECT string_agg(a.unit_id::text || ':' || a.role || ':' || a.status, ',' ORDER BY a.id) FROM case_assignments a WHERE a.case_id = c.id)) AS f
    FROM cases c WHERE c.id = ${id}`.execute(db);
  return row.rows[0]?.f ?? 'missing';
};

/** Cases shared by the refused cells of one route and unit. */
const shared = new Map<string, CaseRef>();

type ErrorBody = { error: { code: string; message: string; messageId: string; details: Record<string, unknown> } };
const errorShapeProblem = (res: LightMyRequestResponse): string | null => {
  try {
    const body = res.json() as ErrorBody;
    const keys = Object.keys(body.error ?? {}).sort().join(',');
    if (Object.keys(body).join(',') !== 'error' || keys !== 'code,details,message,messageId' || body.error.messageId !== `errors.${body.error.code}`) return `error body not {error:{code,message,messageId,details}}: ${res.body.slice(0, 200)}`;
    return null;
  } catch {
    return `error body is not JSON: ${res.body.slice(0, 200)}`;
  }
};

/** An open callback task of a replied case of `unit` (docs/callbacks.md); shared by the refused cells. */
const sharedTasks = new Map<string, string>();
const callbackTaskIn = async (unit: CaseUnit, isFresh = true): Promise<string> => {
  const cached = isFresh ? undefined : sharedTasks.get(unit);
  if (cached) return cached;
  const c = await newCaseIn('replied', unit);
  await t.runBackground();
  const task = await db.selectFrom('callback_tasks').select('id').where('case_id', '=', c.id).where('status', '=', 'open').executeTakeFirstOrThrow();
  if (!isFresh) sharedTasks.set(unit, task.id);
  return task.id;
};
const sharedLinks = new Map<string, string>();
/** A questionnaire link; answering uses it up, so those cells get a fresh one. */
const callbackLinkIn = async (unit: CaseUnit, isFresh: boolean): Promise<string> => {
  const cached = isFresh ? undefined : sharedLinks.get(unit);
  if (cached) return cached;
  const { token } = await asAdmin<{ token: string }>('POST', `/api/v1/callbacks/tasks/${await callbackTaskIn(unit, isFresh)}/link`);
  if (!isFresh) sharedLinks.set(unit, token);
  return token;
};
let smsCount = 0;

// ---- the specs of every route ----------------------------------------------------------------------------------

const none: Scope = { kind: 'none' };
/** A fresh staff account made by admin, for a cell that changes one. */
const matrixAccount = async (): Promise<string> =>
  (await asAdmin<{ account: { id: string } }>('POST', '/api/v1/admin/users', {
    username: `matrix-u-${Math.random().toString(36).slice(2, 10)}`, displayName: '矩阵用户', roles: ['agent'], unitId: w.unitId('hrss'),
  })).account.id;
const fixed = (url: string, body?: unknown) => async (): Promise<Prepared> => ({ url, body });
const caseRead = (state: CaseState = 'accepted'): Scope => ({ kind: 'case', state, unitRule: 'visible' });
const onBase = (suffix: string, body?: (u: CaseUnit) => unknown) => async ({ unit }: Cell): Promise<Prepared> => ({
  url: `/api/v1/cases/${w.base[unit].id}${suffix}`,
  body: body?.(unit),
  subject: w.base[unit],
});
const thisMonth = (): string => new Date().toISOString().slice(0, 7);
const templateBody = (code: string) => ({
  code,
  title: { 'zh-Hans': '答复', bo: 'ལན།' },
  body: { 'zh-Hans': '您好，{trackingNo} 已办理。', bo: 'ཁྱེད་ཀྱི་ {trackingNo} ལ་ལས་དོན་བསྒྲུབས་ཟིན།' },
});
let templateCount = 0;

/**
 * Oracle for list scope, straight from the tables: the cases the principal may see (their unit covers the unit
 * that took the case in, or any unit it was ever assigned to), with their lead units.
 */
/**
 * The cases a principal may see, their lead units, and every unit that took part in them (intake, lead, every
 * assignment, ended or not): the units a review of those cases' replies may name.
 */
const visibleCases = async (p: Principal): Promise<{ ids: Set<string>; leadUnits: Set<string>; involvedUnits: Set<string> }> => {
  const path = w.unitPath.get(p.unit) ?? '';
  const rows = await sql<{ id: string; lead_unit_id: string | null; involved: string[] }>`
    SELECT c.id, c.lead_unit_id,
           array_remove(ARRAY[c.intake_unit_id, c.lead_unit_id] || ARRAY(SELECT a.unit_id FROM case_assignments a WHERE a.case_id = c.id), NULL)::text[] AS involved
    FROM cases c JOIN units iu ON iu.id = c.intake_unit_id
    WHERE iu.path <@ ${path}::ltree
       OR EXISTS (SELECT 1 FROM case_assignments a JOIN units u ON u.id = a.unit_id WHERE a.case_id = c.id AND u.path <@ ${path}::ltree)`.execute(db);
  return {
    ids: new Set(rows.rows.map((r) => r.id)),
    leadUnits: new Set(rows.rows.map((r) => r.lead_unit_id).filter((id): id is string => id !== null)),
    involvedUnits: new Set(rows.rows.flatMap((r) => r.involved)),
  };
};

const passwordHashes = new Map<string, string>();

/**
 * A route that changes a case in a given state: a fresh case for each cell expected to succeed; one shared case
 * per route and unit for the refused cells, checked unchanged after each refusal.
 */
const caseChangeSpec = (
  key: string,
  rule: { capability: Capability; state: CaseState; unitRule: UnitRule },
  request: (subject: CaseRef, unit: CaseUnit) => Promise<{ url: string; body?: unknown }>,
): Spec => ({
  access: rule.capability,
  scope: { kind: 'case', state: rule.state, unitRule: rule.unitRule },
  prepare: async ({ unit }, isAllowed) => {
    const sharedKey = `${key}|${unit}`;
    const subject = (isAllowed ? undefined : shared.get(sharedKey)) ?? (await newCaseIn(rule.state, unit));
    if (!isAllowed) shared.set(sharedKey, subject);
    // The request is prepared first: it may set the case up further (a link to remove).
    const prepared = await request(subject, unit);
    const before = await caseFingerprint(subject.id);
    return {
      ...prepared,
      subject,
      after: async (res) => {
        const problems: string[] = [];
        const isRefused = res.statusCode >= 400;
        if (isRefused && (await caseFingerprint(subject.id)) !== before) problems.push(`refused with ${res.statusCode} but the case changed`);
        if (!isRefused) shared.delete(sharedKey);
        return { problems };
      },
    };
  },
});

/** Lists of cases (duplicates, links) show only cases the caller may see. */
const onlyVisible = (p: Principal) => async (res: LightMyRequestResponse): Promise<{ problems: string[] }> => {
  if (res.statusCode !== 200 && res.statusCode !== 201) return { problems: [] };
  const visible = (await visibleCases(p)).ids;
  const items = (res.json() as { items?: { id?: string; trackingNo?: string }[] }).items ?? [];
  const leaked = items.filter((i) => i.id !== undefined && !visible.has(i.id));
  return { problems: leaked.length === 0 ? [] : [`lists cases ${p.label} may not see: ${leaked.map((i) => i.trackingNo).join(', ')}`] };
};

const specOf = (route: CatalogRoute): Spec | undefined => {
  const key = routeKey(route);
  const action = /^POST \/api\/v1\/cases\/:id\/([a-z-]+)$/u.exec(key)?.[1];
  const actionRule = action ? ACTION_RULES[action] : undefined;
  if (action && actionRule) {
    return caseChangeSpec(key, actionRule, async (c, unit) => ({ url: `/api/v1/cases/${c.id}/${action}`, body: actionBody(action, w, unit) }));
  }
  const open311 = /^(GET|POST) \/open311\/v2\/(.+)$/u.exec(key);
  if (open311) {
    const [, method, rest = ''] = open311;
    if (method === 'POST') return { access: 'api_key', scope: none, declares: [null], prepare: fixed(`/open311/v2/${rest}`) };
    const file = rest.replace(/^services\/:file$/u, 'services/wage_arrears.json').replace(/:file$/u, '9999999.json');
    return { access: 'public', scope: none, declares: [null], isLookup: rest.endsWith(':file'), prepare: fixed(`/open311/v2/${file}`) };
  }

  const specs: Record<string, Spec> = {
    'GET /healthz': { access: 'public', scope: none, prepare: fixed('/healthz') },
    'GET /api/v1/openapi.json': { access: 'public', scope: none, prepare: fixed('/api/v1/openapi.json') },
    'GET /api/v1/units': { access: 'public', scope: none, prepare: fixed('/api/v1/units') },
    'GET /api/v1/categories': { access: 'public', scope: none, prepare: fixed('/api/v1/categories') },

    // Sessions: the log-out routes end the session they are called with, so each cell brings a fresh one.
    'POST /api/v1/auth/login': { access: 'public', scope: none, prepare: fixed('/api/v1/auth/login', { username: CITIZEN, password: TEST_PASSWORD }) },
    'GET /api/v1/auth/me': { access: 'authenticated', scope: none, prepare: fixed('/api/v1/auth/me') },
    'POST /api/v1/auth/logout': {
      access: 'authenticated',
      scope: none,
      prepare: async ({ principal }) => ({ url: '/api/v1/auth/logout', token: principal.username ? await loginFresh(principal.username) : null }),
    },
    'POST /api/v1/auth/logout-all': {
      access: 'authenticated',
      scope: none,
      prepare: async ({ principal }) => ({
        url: '/api/v1/auth/logout-all',
        token: principal.username ? await loginFresh(principal.username) : null,
        after: async () => {
          if (principal.username) tokens.delete(principal.username);
          return { problems: [] };
        },
      }),
    },
    'GET /api/v1/auth/sessions': { access: 'authenticated', scope: none, prepare: fixed('/api/v1/auth/sessions') },
    // Every signed-in person may confirm their own password; what it unlocks is still judged by each route's permission.
    'POST /api/v1/auth/reauth': { access: 'authenticated', scope: none, prepare: fixed('/api/v1/auth/reauth', { password: TEST_PASSWORD }) },
    // Each cell ends a session of its own, made for it; a caller without a session gets a made-up id.
    'DELETE /api/v1/auth/sessions/:id': {
      access: 'authenticated',
      scope: none,
      prepare: async ({ principal }) => {
        if (!principal.username) return { url: `/api/v1/auth/sessions/${randomUUID()}` };
        const spare = await loginFresh(principal.username);
        const row = await db.selectFrom('sessions').select('id').where('token_hash', '=', sha256(spare)).executeTakeFirstOrThrow();
        return { url: `/api/v1/auth/sessions/${row.id}` };
      },
    },
    'POST /api/v1/auth/logout-others': {
      access: 'authenticated',
      scope: none,
      prepare: async ({ principal }) => ({
        url: '/api/v1/auth/logout-others',
        token: principal.username ? await loginFresh(principal.username) : null,
        after: async () => {
          if (principal.username) tokens.delete(principal.username);
          return { problems: [] };
        },
      }),
    },
    'POST /api/v1/auth/password': {
      access: 'authenticated',
      scope: none,
      prepare: async ({ principal }) => ({
        url: '/api/v1/auth/password',
        token: principal.username ? await loginFresh(principal.username) : null,
        body: { currentPassword: TEST_PASSWORD, newPassword: 'Matrix-Probe-2026-Gesar!' },
        after: async () => {
          const { username } = principal;
          if (username) {
            await db.updateTable('users').set({ password_hash: passwordHashes.get(username) ?? '' }).where('username', '=', username).execute();
            tokens.delete(username);
          }
          return { problems: [] };
        },
      }),
    },

    // Cases.
    'POST /api/v1/cases': {
      access: 'case.create',
      scope: none,
      prepare: fixed('/api/v1/cases', { channel: 'visit', kind: 'help', title: '矩阵登记', description: '矩阵登记测试' }),
    },
    'GET /api/v1/cases': {
      access: 'case.read',
      scope: { kind: 'unit', isScoped: false },
      prepare: async ({ principal, unit }) => ({
        url: `/api/v1/cases?q=${w.base[unit].trackingNo}`,
        after: async (res) => {
          if (res.statusCode !== 200) return { problems: [] };
          const isListed = (res.json() as { items: { id: string }[] }).items.some((c) => c.id === w.base[unit].id);
          const shouldList = sees(principal, 'accepted', unit);
          return {
            problems: isListed === shouldList ? [] : [`the list ${isListed ? 'shows' : 'hides'} the ${unit} case, expected it ${shouldList ? 'shown' : 'hidden'}`],
            mark: isListed ? '+' : '-',
          };
        },
      }),
    },
    'GET /api/v1/cases/:id': { access: 'case.read', scope: caseRead(), prepare: onBase('') },
    'GET /api/v1/cases/:id/requester': { access: 'case.view_personal_data', scope: caseRead(), prepare: onBase('/requester') },
    'GET /api/v1/cases/:id/sla': { access: 'case.read', scope: caseRead(), prepare: onBase('/sla') },
    'GET /api/v1/cases/:id/notifications': { access: 'case.read', scope: caseRead(), prepare: onBase('/notifications') },
    'GET /api/v1/cases/:id/notification-preferences': { access: 'case.view_personal_data', scope: caseRead(), prepare: onBase('/notification-preferences') },
    'PUT /api/v1/cases/:id/notification-preferences': {
      access: 'case.view_personal_data',
      scope: caseRead(),
      prepare: onBase('/notification-preferences', () => ({ smsOptOut: false })),
    },

    // The citizen's side: tracking number and access code, no login.
    'POST /api/v1/public/cases': {
      access: 'public',
      scope: none,
      prepare: fixed('/api/v1/public/cases', { kind: 'help', title: 'བཀྲ་ཤིས་བདེ་ལེགས།', description: '公众提交测试' }),
    },
    'GET /api/v1/public/cases/:trackingNo': {
      access: 'public',
      scope: { kind: 'unit', isScoped: false },
      prepare: async ({ unit }) => ({
        url: `/api/v1/public/cases/${w.base[unit].trackingNo}?accessCode=${w.base[unit].accessCode}`,
        // The other unit's access code must not open this case: a requester sees only their own.
        after: async () => {
          const other = w.base[unit === 'hrss' ? 'cityman' : 'hrss'];
          const res = await send(null, 'GET', `/api/v1/public/cases/${w.base[unit].trackingNo}?accessCode=${other.accessCode}`);
          const leaked = [w.base[unit].title, w.base[unit].description].filter((v) => res.body.includes(v));
          return { problems: res.statusCode === 404 && leaked.length === 0 ? [] : [`another case's access code answered ${res.statusCode}: ${res.body.slice(0, 200)}`] };
        },
      }),
    },
    'POST /api/v1/public/cases/:trackingNo/rating': {
      access: 'public',
      scope: none,
      prepare: async ({ unit }) => {
        const c = await newCaseIn('replied', unit); // rated once only: a fresh case per cell
        return { url: `/api/v1/public/cases/${c.trackingNo}/rating`, body: { accessCode: c.accessCode, resolved: 'yes', satisfaction: 'satisfied' } };
      },
    },
    'POST /api/v1/public/cases/:trackingNo/reopen-request': {
      access: 'public',
      scope: none,
      prepare: async ({ unit }) => {
        const c = await newCaseIn('replied', unit); // one pending request at a time: a fresh case per cell
        return { url: `/api/v1/public/cases/${c.trackingNo}/reopen-request`, body: { accessCode: c.accessCode, reason: '问题没有解决' } };
      },
    },
    'POST /api/v1/public/cases/:trackingNo/information': {
      access: 'public',
      scope: none,
      prepare: async ({ unit }) => {
        const c = await newCaseIn('on_hold', unit);
        return { url: `/api/v1/public/cases/${c.trackingNo}/information`, body: { accessCode: c.accessCode, text: '补充材料：合同照片' } };
      },
    },
    'POST /api/v1/public/cases/:trackingNo/publication-consent': {
      access: 'public',
      scope: none,
      prepare: async ({ unit }) => {
        const c = await newCaseIn('replied', unit); // a fresh case per cell, so that each call changes the answer
        return { url: `/api/v1/public/cases/${c.trackingNo}/publication-consent`, body: { accessCode: c.accessCode, consent: 'refused' } };
      },
    },
    'POST /api/v1/public/cases/:trackingNo/notification-preferences': {
      access: 'public',
      scope: { kind: 'unit', isScoped: false },
      prepare: async ({ unit }) => ({
        url: `/api/v1/public/cases/${w.base[unit].trackingNo}/notification-preferences`,
        body: { accessCode: w.base[unit].accessCode, smsOptOut: true },
      }),
    },

    // Time limits and calendars.
    'GET /api/v1/sla/overdue-by-unit': {
      access: 'case.read',
      scope: none,
      prepare: async ({ principal }) => ({
        url: '/api/v1/sla/overdue-by-unit',
        after: async (res) => {
          if (res.statusCode !== 200) return { problems: [] };
          const allowed = (await visibleCases(principal)).leadUnits;
          const leaked = (res.json() as { items: { unit: { id: string; code: string } }[] }).items.filter((i) => !allowed.has(i.unit.id));
          return { problems: leaked.length === 0 ? [] : [`counts of units whose cases ${principal.label} cannot see: ${leaked.map((i) => i.unit.code).join(', ')}`] };
        },
      }),
    },
    'GET /api/v1/replies/quality': {
      access: 'case.supervise',
      scope: none,
      prepare: async ({ principal }) => ({
        url: '/api/v1/replies/quality?from=2020-01-01&to=2030-12-31&pageSize=100',
        after: async (res) => {
          if (res.statusCode !== 200) return { problems: [] };
          const visible = await visibleCases(principal);
          const body = res.json() as { items: { caseId: string }[]; byUnit: { unit: { id: string } | null }[] };
          const leakedCases = body.items.filter((i) => !visible.ids.has(i.caseId));
          // A reply is reviewed under the unit that gave it: one that took part in a case the caller may see.
          const leakedUnits = body.byUnit.filter((u) => u.unit && !visible.involvedUnits.has(u.unit.id));
          return {
            problems: [
              ...(leakedCases.length === 0 ? [] : [`replies of ${leakedCases.length} cases ${principal.label} cannot see`]),
              ...(leakedUnits.length === 0 ? [] : [`counts of units whose cases ${principal.label} cannot see`]),
            ],
          };
        },
      }),
    },
    'GET /api/v1/calendar/days': {
      access: 'public',
      scope: { kind: 'unit', isScoped: false },
      prepare: async ({ unit }) => ({ url: `/api/v1/calendar/days?from=2026-01-01&to=2026-01-31&unit=${w.unitId(unit)}` }),
    },
    'GET /api/v1/calendars': { access: 'public', scope: none, prepare: fixed('/api/v1/calendars') },
    'GET /api/v1/calendars/:id/export.ics': {
      access: 'public',
      scope: none,
      prepare: async () => ({ url: `/api/v1/calendars/${w.calendarId}/export.ics?from=2026-01-01&to=2026-12-31` }),
    },
    'PUT /api/v1/calendars/:id/days/:date': {
      access: 'calendar.manage',
      scope: none,
      prepare: async () => ({ url: `/api/v1/calendars/${w.calendarId}/days/2031-03-03`, body: { isWorkday: false, name: { 'zh-Hans': '矩阵测试日' } } }),
    },
    'DELETE /api/v1/calendars/:id/days/:date': {
      access: 'calendar.manage',
      scope: none,
      prepare: async () => {
        await asAdmin('PUT', `/api/v1/calendars/${w.calendarId}/days/2031-03-04`, { isWorkday: false });
        return { url: `/api/v1/calendars/${w.calendarId}/days/2031-03-04` };
      },
    },
    'POST /api/v1/calendars/:id/import': {
      access: 'calendar.manage',
      scope: none,
      prepare: async () => ({ url: `/api/v1/calendars/${w.calendarId}/import`, body: { ics: w.ics } }),
    },

    // Statistics: the unit asked for must be the caller's own or below it.
    ...Object.fromEntries(
      (
        [
          ['summary', ''],
          ['series', ''],
          ['ranking', ''],
          ['breakdown', '&by=category'],
          ['hotspots', ''],
          ['backlog', ''],
          ['report.xlsx', `&period=${thisMonth()}`],
        ] as const
      ).map(([name, extra]): [string, Spec] => [
        `GET /api/v1/stats/${name}`,
        {
          access: 'case.read',
          scope: { kind: 'unit', isScoped: true },
          prepare: async ({ unit }) => ({ url: `/api/v1/stats/${name}?unit=${w.unitId(unit)}${extra}` }),
        },
      ]),
    ),

    // Notifications of the signed-in user.
    'GET /api/v1/notifications': { access: 'authenticated', scope: none, prepare: fixed('/api/v1/notifications') },
    'POST /api/v1/notifications/read-all': { access: 'authenticated', scope: none, prepare: fixed('/api/v1/notifications/read-all') },
    'POST /api/v1/notifications/:id/read': {
      access: 'authenticated',
      scope: { kind: 'unit', isScoped: false },
      prepare: async ({ principal, unit }) => ({
        url: `/api/v1/notifications/${w.notificationOf[unit].id}/read`,
        after: async (res) => {
          if (res.statusCode !== 200 || principal.username === w.notificationOf[unit].owner) return { problems: [] };
          const { updated } = res.json() as { updated: number };
          return { problems: updated === 0 ? [] : [`marked ${w.notificationOf[unit].owner}'s notification read (updated ${updated})`] };
        },
      }),
    },

    // Replies: quality check and canned replies (managed by admins only, read by staff).
    'POST /api/v1/replies/check': {
      access: 'case.read',
      scope: none,
      prepare: fixed('/api/v1/replies/check', { text: '经调查，已督促用人单位支付工资。', kind: 'complaint', channel: 'phone' }),
    },
    'GET /api/v1/reply-templates': { access: 'case.read', scope: none, prepare: fixed('/api/v1/reply-templates') },
    'GET /api/v1/reply-templates/:id': { access: 'case.read', scope: none, prepare: async () => ({ url: `/api/v1/reply-templates/${w.templateId}` }) },
    'POST /api/v1/reply-templates': {
      access: 'reply_template.manage',
      declares: ['authenticated', 'reply_template.manage'],
      scope: none,
      prepare: async () => ({ url: '/api/v1/reply-templates', body: templateBody(`matrix_post_${(templateCount += 1)}`) }),
    },
    'PUT /api/v1/reply-templates/:id': {
      access: 'reply_template.manage',
      declares: ['authenticated', 'reply_template.manage'],
      scope: none,
      prepare: async () => ({ url: `/api/v1/reply-templates/${w.templateId}`, body: templateBody('matrix_shared') }),
    },
    'DELETE /api/v1/reply-templates/:id': {
      access: 'reply_template.manage',
      declares: ['authenticated', 'reply_template.manage'],
      scope: none,
      prepare: async () => {
        const created = await asAdmin<{ id: string }>('POST', '/api/v1/reply-templates', templateBody(`matrix_delete_${(templateCount += 1)}`));
        return { url: `/api/v1/reply-templates/${created.id}` };
      },
    },
    // Callback tasks (docs/callbacks.md): opened by the reply for the unit that took the case in (lhasa here),
    // whose agents, dispatchers and supervisors call back. A claim by one caller refuses the next (409), so
    // every cell expected to succeed gets a fresh task; refused cells share one per unit.
    ...Object.fromEntries(
      (
        // isFresh: the request takes a claim, after which another caller is refused (409 callback.claimed_by_other).
        [
          ['GET', '', undefined, false],
          ['POST', '/claim', undefined, true],
          ['POST', '/release', undefined, false],
          ['POST', '/attempts', { outcome: 'no_answer' }, true],
          ['GET', '/script', undefined, false],
          ['GET', '/questionnaire', undefined, false],
          ['POST', '/answers', { answers: { resolved: 'yes', satisfaction: 'satisfied' } }, true],
          ['POST', '/link', undefined, false],
        ] as const
      ).map(([method, suffix, body, isFresh]): [string, Spec] => [
        `${method} /api/v1/callbacks/tasks/:id${suffix}`,
        {
          access: 'case.callback',
          scope: none,
          prepare: async ({ unit }, isAllowed) => ({ url: `/api/v1/callbacks/tasks/${await callbackTaskIn(unit, isFresh && isAllowed)}${suffix}`, body }),
        },
      ]),
    ),
    'GET /api/v1/callbacks/tasks': { access: 'case.callback', scope: none, prepare: fixed('/api/v1/callbacks/tasks?view=open') },
    'GET /api/v1/callbacks/scripts': { access: 'case.callback', scope: none, prepare: fixed('/api/v1/callbacks/scripts') },
    'PUT /api/v1/callbacks/scripts': {
      access: 'reply_template.manage',
      declares: ['authenticated', 'reply_template.manage'],
      scope: none,
      prepare: fixed('/api/v1/callbacks/scripts', { kind: 'help', body: { 'zh-Hans': '{requesterName}您好', bo: '{requesterName} ལགས།', en: 'Hello {requesterName}' } }),
    },
    'GET /api/v1/callbacks/questionnaires': { access: 'case.callback', scope: none, prepare: fixed('/api/v1/callbacks/questionnaires') },
    'PUT /api/v1/callbacks/questionnaires': {
      access: 'reply_template.manage',
      declares: ['authenticated', 'reply_template.manage'],
      scope: none,
      prepare: fixed('/api/v1/callbacks/questionnaires', { kind: 'help', questions: DEFAULT_QUESTIONNAIRE }),
    },
    // The SMS gateway signs with the shared secret; an unknown number is answered 200 with a code.
    'POST /api/v1/callbacks/sms-inbound': {
      access: 'public',
      scope: none,
      prepare: async () => {
        process.env.BIHUAN_CALLBACK_SMS_SECRET = 'matrix-secret';
        const sms = { messageId: `matrix-${(smsCount += 1)}`, from: '13000000000', text: '1', timestamp: Math.floor(Date.now() / 1000) };
        return { url: '/api/v1/callbacks/sms-inbound', body: { ...sms, signature: smsSignatureOf('matrix-secret', sms) } };
      },
    },
    'GET /api/v1/public/callbacks/questionnaire/:token': {
      access: 'public',
      scope: none,
      prepare: async ({ unit }) => ({ url: `/api/v1/public/callbacks/questionnaire/${await callbackLinkIn(unit, false)}` }),
    },
    'POST /api/v1/public/callbacks/questionnaire/:token': {
      access: 'public',
      scope: none,
      // A link answers once: a fresh one per cell.
      prepare: async ({ unit }) => ({ url: `/api/v1/public/callbacks/questionnaire/${await callbackLinkIn(unit, true)}`, body: { answers: { resolved: 'yes', satisfaction: 'satisfied' } } }),
    },
    'GET /api/v1/callbacks/cases/:id/follow-up': { access: 'case.callback', scope: none, prepare: fixed('/api/v1/callbacks/cases/00000000-0000-4000-8000-000000000000/follow-up') },
    'GET /api/v1/callbacks/follow-up/summary': { access: 'case.callback', scope: none, prepare: fixed('/api/v1/callbacks/follow-up/summary?from=2026-01-01T00:00:00Z&to=2027-01-01T00:00:00Z') },
    // Full-text search: the same scope as the list.
    'GET /api/v1/search/cases': {
      access: 'case.read',
      scope: { kind: 'unit', isScoped: false },
      prepare: async ({ principal, unit }) => ({
        url: `/api/v1/search/cases?q=${w.base[unit].trackingNo}`,
        after: async (res) => {
          if (res.statusCode !== 200) return { problems: [] };
          const isListed = (res.json() as { items: { id: string }[] }).items.some((c) => c.id === w.base[unit].id);
          const shouldList = sees(principal, 'accepted', unit);
          return {
            problems: isListed === shouldList ? [] : [`the search ${isListed ? 'finds' : 'misses'} the ${unit} case, expected it ${shouldList ? 'found' : 'hidden'}`],
            mark: isListed ? '+' : '-',
          };
        },
      }),
    },

    // A person's data: export and erasure (a phone number nobody used, so nothing is erased).
    'GET /api/v1/privacy/people': { access: 'privacy.manage', scope: none, prepare: fixed('/api/v1/privacy/people?phone=13900009999') },
    'POST /api/v1/privacy/people/erase': { access: 'privacy.manage', scope: none, prepare: fixed('/api/v1/privacy/people/erase', { phone: '13900009999' }) },

    // Open311 administration: partner keys, services, private cases, webhooks.
    'GET /api/v1/admin/api-keys': { access: 'integration.manage', scope: none, prepare: fixed('/api/v1/admin/api-keys') },
    'POST /api/v1/admin/api-keys': {
      access: 'integration.manage',
      scope: none,
      prepare: async () => ({ url: '/api/v1/admin/api-keys', body: { name: '矩阵合作方', intakeUnitId: w.unitId(INTAKE_UNIT) } }),
    },
    'PATCH /api/v1/admin/api-keys/:id': {
      access: 'integration.manage',
      scope: none,
      prepare: async () => {
        w.apiKeyId ||= (await asAdmin<{ id: string }>('POST', '/api/v1/admin/api-keys', { name: '矩阵共享', intakeUnitId: w.unitId(INTAKE_UNIT) })).id;
        return { url: `/api/v1/admin/api-keys/${w.apiKeyId}`, body: { name: '矩阵共享（改名）' } };
      },
    },
    'DELETE /api/v1/admin/api-keys/:id': {
      access: 'integration.manage',
      scope: none,
      prepare: async () => {
        const created = await asAdmin<{ id: string }>('POST', '/api/v1/admin/api-keys', { name: '矩阵待撤销', intakeUnitId: w.unitId(INTAKE_UNIT) });
        return { url: `/api/v1/admin/api-keys/${created.id}` };
      },
    },
    'GET /api/v1/admin/open311/services': { access: 'integration.manage', scope: none, prepare: fixed('/api/v1/admin/open311/services') },
    'PUT /api/v1/admin/open311/services/:code': {
      access: 'integration.manage',
      scope: none,
      prepare: fixed('/api/v1/admin/open311/services/noise', { caseKind: 'complaint', isListed: true, isPublic: true }),
    },
    'PUT /api/v1/admin/open311/private-cases/:caseId': {
      access: 'integration.manage',
      scope: none,
      prepare: async () => ({ url: `/api/v1/admin/open311/private-cases/${w.masters.hrss.id}`, body: { reason: '矩阵测试' } }),
    },
    'DELETE /api/v1/admin/open311/private-cases/:caseId': {
      access: 'integration.manage',
      scope: none,
      prepare: async () => {
        await asAdmin('PUT', `/api/v1/admin/open311/private-cases/${w.masters.cityman.id}`, { reason: '矩阵测试' });
        return { url: `/api/v1/admin/open311/private-cases/${w.masters.cityman.id}` };
      },
    },
    'GET /api/v1/admin/open311/webhook-failures': { access: 'integration.manage', scope: none, prepare: fixed('/api/v1/admin/open311/webhook-failures') },
    'GET /api/v1/admin/open311/webhook-deliveries': { access: 'integration.manage', scope: none, prepare: fixed('/api/v1/admin/open311/webhook-deliveries') },
    'POST /api/v1/admin/open311/webhook-failures/:id/replay': {
      access: 'integration.manage',
      scope: none,
      isLookup: true,
      prepare: fixed('/api/v1/admin/open311/webhook-failures/999999/replay'),
    },

    // Two-factor authentication: one's own, and the policy (administrators; checked in the handler).
    'GET /api/v1/auth/totp': { access: 'authenticated', scope: none, prepare: fixed('/api/v1/auth/totp') },
    'POST /api/v1/auth/totp/setup': { access: 'authenticated', scope: none, prepare: fixed('/api/v1/auth/totp/setup') },
    'POST /api/v1/auth/totp/enable': { access: 'authenticated', scope: none, isJudged: true, prepare: fixed('/api/v1/auth/totp/enable', { code: '000000' }) },
    'POST /api/v1/auth/totp/disable': {
      access: 'authenticated',
      scope: none,
      isJudged: true,
      prepare: fixed('/api/v1/auth/totp/disable', { password: TEST_PASSWORD, code: '000000' }),
    },
    'GET /api/v1/admin/security/two-factor-roles': {
      access: 'security.manage',
      declares: ['authenticated', 'security.manage'],
      scope: none,
      prepare: fixed('/api/v1/admin/security/two-factor-roles'),
    },
    'PUT /api/v1/admin/security/two-factor-roles': {
      access: 'security.manage',
      declares: ['authenticated', 'security.manage'],
      scope: none,
      prepare: fixed('/api/v1/admin/security/two-factor-roles', { roles: [] }),
    },
    // Counts of the whole organisation, read before the change: for those who may make it (admin is at the root here).
    'GET /api/v1/admin/security/two-factor-roles/impact': {
      access: 'security.manage',
      declares: ['authenticated', 'security.manage'],
      scope: none,
      prepare: fixed('/api/v1/admin/security/two-factor-roles/impact'),
    },
    'DELETE /api/v1/admin/security/users/:id/totp': {
      access: 'security.manage',
      declares: ['authenticated', 'security.manage'],
      scope: none,
      isLookup: true,
      prepare: async () => ({ url: `/api/v1/admin/security/users/${w.citizenId}/totp` }),
    },

    // API tokens and service accounts (docs/access.md): administrators (integration.manage); tokens never manage tokens.
    'GET /api/v1/api-tokens': { access: 'integration.manage', scope: none, prepare: fixed('/api/v1/api-tokens') },
    'POST /api/v1/api-tokens': { access: 'integration.manage', scope: none, prepare: fixed('/api/v1/api-tokens', { name: '矩阵令牌', permissions: ['case.read'], expiresInDays: 30 }) },
    'POST /api/v1/api-tokens/:id/revoke': {
      access: 'integration.manage', scope: none,
      prepare: async () => {
        const created = await asAdmin<{ apiToken: { id: string } }>('POST', '/api/v1/api-tokens', { name: '矩阵待吊销', permissions: ['case.read'], expiresInDays: 30 });
        return { url: `/api/v1/api-tokens/${created.apiToken.id}/revoke` };
      },
    },
    'POST /api/v1/api-tokens/:id/rotate': {
      access: 'integration.manage', scope: none,
      prepare: async () => {
        const created = await asAdmin<{ apiToken: { id: string } }>('POST', '/api/v1/api-tokens', { name: '矩阵待轮换', permissions: ['case.read'], expiresInDays: 30 });
        return { url: `/api/v1/api-tokens/${created.apiToken.id}/rotate`, body: {} };
      },
    },
    'GET /api/v1/api-tokens/service-accounts': { access: 'integration.manage', scope: none, prepare: fixed('/api/v1/api-tokens/service-accounts') },
    'POST /api/v1/api-tokens/service-accounts': {
      access: 'integration.manage', scope: none,
      prepare: async () => ({ url: '/api/v1/api-tokens/service-accounts', body: { username: `matrix-sa-${Math.random().toString(36).slice(2, 10)}`, roles: ['agent'], unitId: w.unitId('hrss') } }),
    },
    'DELETE /api/v1/api-tokens/service-accounts/:id': {
      access: 'integration.manage', scope: none,
      prepare: async () => {
        const created = await asAdmin<{ id: string }>('POST', '/api/v1/api-tokens/service-accounts', { username: `matrix-sa-${Math.random().toString(36).slice(2, 10)}`, roles: ['agent'], unitId: w.unitId('hrss') });
        return { url: `/api/v1/api-tokens/service-accounts/${created.id}` };
      },
    },
    // The audit log's reader (docs/audit.md): administrators (audit.read); every read is itself audited.
    'GET /api/v1/admin/audit': { access: 'audit.read', scope: none, prepare: fixed('/api/v1/admin/audit') },
    // Reads the whole log (config.isHeavy); top-level readers only, which every holder of audit.read here is (admin, lhasa).
    'GET /api/v1/admin/audit/chain': { access: 'audit.read', scope: none, prepare: fixed('/api/v1/admin/audit/chain') },
    // Staff accounts (docs/access.md): administrators (user.manage), each cell on an account of its own.
    'GET /api/v1/admin/users': { access: 'user.manage', scope: none, prepare: fixed('/api/v1/admin/users?status=active') },
    'GET /api/v1/admin/users/:id': { access: 'user.manage', scope: none, prepare: async () => ({ url: `/api/v1/admin/users/${await matrixAccount()}` }) },
    'POST /api/v1/admin/users': {
      access: 'user.manage', scope: none,
      prepare: async () => ({ url: '/api/v1/admin/users', body: { username: `matrix-u-${Math.random().toString(36).slice(2, 10)}`, displayName: '矩阵用户', roles: ['agent'], unitId: w.unitId('hrss') } }),
    },
    'GET /api/v1/admin/users/:id/sessions': { access: 'user.manage', scope: none, prepare: async () => ({ url: `/api/v1/admin/users/${await matrixAccount()}/sessions` }) },
    'PATCH /api/v1/admin/users/:id': {
      access: 'user.manage', scope: none,
      prepare: async () => ({ url: `/api/v1/admin/users/${await matrixAccount()}`, body: { roles: ['unit_handler'] } }),
    },
    ...Object.fromEntries(
      (['disable', 'enable', 'reset-password', 'unlock', 'end-sessions'] as const).map((step): [string, Spec] => [
        `POST /api/v1/admin/users/:id/${step}`,
        { access: 'user.manage', scope: none, prepare: async () => ({ url: `/api/v1/admin/users/${await matrixAccount()}/${step}` }) },
      ]),
    ),
    // Single sign-on (public). Not configured in this app: start and callback answer 404 auth.sso_not_configured.
    'GET /api/v1/auth/oidc': { access: 'public', scope: none, prepare: fixed('/api/v1/auth/oidc') },
    'GET /api/v1/auth/oidc/start': { access: 'public', scope: none, isJudged: true, prepare: fixed('/api/v1/auth/oidc/start') },
    'GET /api/v1/auth/oidc/callback': { access: 'public', scope: none, isJudged: true, prepare: fixed('/api/v1/auth/oidc/callback?state=x&code=y') },

    // Duplicates, related cases and suggestions: lists of cases stay within the caller's scope.
    'POST /api/v1/duplicates/check': {
      access: 'case.read',
      scope: { kind: 'unit', isScoped: false },
      prepare: async ({ principal, unit }) => ({
        url: '/api/v1/duplicates/check',
        body: { title: w.base[unit].title, description: w.base[unit].description, requester: { phone: '13800001234' } },
        after: onlyVisible(principal),
      }),
    },
    'GET /api/v1/cases/:id/duplicates': {
      access: 'case.read',
      scope: caseRead(),
      prepare: async ({ principal, unit }) => ({ url: `/api/v1/cases/${w.base[unit].id}/duplicates`, subject: w.base[unit], after: onlyVisible(principal) }),
    },
    'GET /api/v1/duplicates/repeats': { access: 'case.supervise', scope: none, prepare: fixed('/api/v1/duplicates/repeats') },
    'GET /api/v1/duplicates/settings': { access: 'settings.manage', declares: ['authenticated', 'settings.manage'], scope: none, prepare: fixed('/api/v1/duplicates/settings') },
    'PUT /api/v1/duplicates/settings': { access: 'settings.manage', declares: ['authenticated', 'settings.manage'], scope: none, prepare: fixed('/api/v1/duplicates/settings', {}) },
    'GET /api/v1/sla/policies': { access: 'settings.manage', declares: ['authenticated', 'settings.manage'], scope: none, prepare: fixed('/api/v1/sla/policies') },
    'PUT /api/v1/sla/policies/:code': {
      access: 'settings.manage',
      declares: ['authenticated', 'settings.manage'],
      scope: none,
      prepare: fixed('/api/v1/sla/policies/matrix_policy', {
        name: { 'zh-Hans': '矩阵测试' }, targets: { reply: { amount: 5, mode: 'working_days' } }, replyClock: 'registration', warnAtShare: 0.8,
        maxExtensionDays: null, categoryId: null, channel: 'letter', kind: null, priority: 0, isActive: false, pausedStatuses: ['on_hold'],
        maxReopenRounds: 2, reopenWindowDays: 30, holdReminderDays: 3, holdLimitDays: 15,
      }),
    },
    'GET /api/v1/cases/:id/links': {
      access: 'case.read',
      scope: caseRead(),
      prepare: async ({ principal, unit }) => ({ url: `/api/v1/cases/${w.base[unit].id}/links`, subject: w.base[unit], after: onlyVisible(principal) }),
    },
    'POST /api/v1/cases/:id/links': caseChangeSpec('POST /api/v1/cases/:id/links', { capability: 'case.merge', state: 'accepted', unitRule: 'visible' }, async (c, unit) => ({
      url: `/api/v1/cases/${c.id}/links`,
      body: { caseId: w.masters[unit].id, note: '相关' },
    })),
    'DELETE /api/v1/cases/:id/links/:otherId': caseChangeSpec('DELETE /api/v1/cases/:id/links/:otherId', { capability: 'case.merge', state: 'accepted', unitRule: 'visible' }, async (c, unit) => {
      await asAdmin('POST', `/api/v1/cases/${c.id}/links`, { caseId: w.masters[unit].id });
      return { url: `/api/v1/cases/${c.id}/links/${w.masters[unit].id}` };
    }),
    'POST /api/v1/cases/:id/unmerge': caseChangeSpec('POST /api/v1/cases/:id/unmerge', { capability: 'case.merge', state: 'merged', unitRule: 'visible' }, async (c) => ({
      url: `/api/v1/cases/${c.id}/unmerge`,
      body: { reason: '误合并' },
    })),
    'GET /api/v1/cases/:id/suggestions': { access: 'case.read', scope: caseRead(), prepare: onBase('/suggestions') },
    'POST /api/v1/suggestions': { access: 'case.read', scope: none, prepare: fixed('/api/v1/suggestions', { text: '公司拖欠工资三个月' }) },
    'POST /api/v1/suggestions/retrain': { access: 'settings.manage', declares: ['authenticated', 'settings.manage'], scope: none, prepare: fixed('/api/v1/suggestions/retrain') },
    'GET /api/v1/suggestions/models': { access: 'settings.manage', declares: ['authenticated', 'settings.manage'], scope: none, prepare: fixed('/api/v1/suggestions/models') },
    'GET /api/v1/suggestions/settings': { access: 'settings.manage', declares: ['authenticated', 'settings.manage'], scope: none, prepare: fixed('/api/v1/suggestions/settings') },
    'PUT /api/v1/suggestions/settings': { access: 'settings.manage', declares: ['authenticated', 'settings.manage'], scope: none, prepare: fixed('/api/v1/suggestions/settings', {}) },

    // Open data: the public portal and its review by staff with opendata.manage.
    'GET /api/v1/public/open-data/cases': { access: 'public', scope: none, prepare: fixed('/api/v1/public/open-data/cases') },
    'GET /api/v1/public/open-data/cases.csv': { access: 'public', scope: none, prepare: fixed('/api/v1/public/open-data/cases.csv') },
    'GET /api/v1/public/open-data/cases.json': { access: 'public', scope: none, prepare: fixed('/api/v1/public/open-data/cases.json') },
    'GET /api/v1/public/open-data/stats': { access: 'public', scope: none, prepare: fixed('/api/v1/public/open-data/stats') },
    'GET /api/v1/public/open-data/stats.csv': { access: 'public', scope: none, prepare: fixed('/api/v1/public/open-data/stats.csv') },
    'GET /api/v1/public/open-data/stats.json': { access: 'public', scope: none, prepare: fixed('/api/v1/public/open-data/stats.json') },
    'GET /api/v1/public/open-data/meta': { access: 'public', scope: none, prepare: fixed('/api/v1/public/open-data/meta') },
    'GET /api/v1/open-data/review': { access: 'opendata.manage', scope: none, prepare: fixed('/api/v1/open-data/review') },
    'PUT /api/v1/open-data/review/:caseId': { access: 'opendata.manage', scope: none, isLookup: true, prepare: fixed('/api/v1/open-data/review/00000000-0000-4000-8000-000000000000', { action: 'save' }) },
    'GET /api/v1/open-data/settings': { access: 'opendata.manage', scope: none, prepare: fixed('/api/v1/open-data/settings') },
    'PUT /api/v1/open-data/settings': { access: 'opendata.manage', scope: none, prepare: fixed('/api/v1/open-data/settings', { defaultPolicy: 'auto', isReviewRequired: false, minCell: 3, gridMetres: 200, rules: [
      { scope: 'category', code: 'health_care', policy: 'never' }, { scope: 'category', code: 'labour_dispute', policy: 'never' }, { scope: 'category', code: 'petition_matter', policy: 'never' },
      { scope: 'category', code: 'schooling', policy: 'never' }, { scope: 'category', code: 'wage_arrears', policy: 'never' }, { scope: 'channel', code: 'petition', policy: 'never' },
      { scope: 'kind', code: 'complaint', policy: 'review' }, { scope: 'kind', code: 'help', policy: 'review' }, { scope: 'unit', code: 'petition', policy: 'never' }, { scope: 'unit', code: 'procuratorate', policy: 'never' } ] }) },

    // Reports (docs/reports.md).
    'GET /api/v1/cases/export': {
      access: 'case.read',
      scope: { kind: 'unit', isScoped: false },
      prepare: async ({ principal, unit }) => ({
        url: `/api/v1/cases/export?format=csv&q=${w.base[unit].trackingNo}`,
        after: async (res) => {
          if (res.statusCode !== 200) return { problems: [] };
          const isListed = res.body.includes(w.base[unit].trackingNo);
          const shouldList = sees(principal, 'accepted', unit);
          return { problems: isListed === shouldList ? [] : [`the export ${isListed ? 'shows' : 'hides'} the ${unit} case`], mark: isListed ? '+' : '-' };
        },
      }),
    },
    'GET /api/v1/cases/export/with-personal-data': {
      access: 'case.export_personal_data',
      scope: { kind: 'unit', isScoped: false },
      prepare: async ({ principal, unit }) => ({
        url: `/api/v1/cases/export/with-personal-data?format=csv&q=${w.base[unit].trackingNo}`,
        after: async (res) => {
          if (res.statusCode !== 200) return { problems: [] };
          const isListed = res.body.includes(w.base[unit].trackingNo);
          const shouldList = sees(principal, 'accepted', unit);
          return { problems: isListed === shouldList ? [] : [`the export ${isListed ? 'shows' : 'hides'} the ${unit} case`], mark: isListed ? '+' : '-' };
        },
      }),
    },
    'POST /api/v1/reports': {
      access: 'case.read',
      scope: { kind: 'unit', isScoped: true },
      prepare: async ({ unit }) => ({ url: '/api/v1/reports', body: { kind: 'monthly', from: `${thisMonth()}-01`, format: 'xlsx', unitId: w.unitId(unit) } }),
    },
    'GET /api/v1/reports': { access: 'case.read', scope: none, prepare: fixed('/api/v1/reports') },
    'GET /api/v1/reports/:id': { access: 'case.read', scope: none, isLookup: true, prepare: fixed('/api/v1/reports/00000000-0000-4000-8000-000000000000') },
    'GET /api/v1/reports/:id/download': { access: 'case.read', scope: none, isLookup: true, prepare: fixed('/api/v1/reports/00000000-0000-4000-8000-000000000000/download') },

    // Attachments (docs/attachments.md): raw file bodies; the requester's access code in X-Access-Code.
    'GET /api/v1/cases/:id/attachments': { access: 'case.read', scope: caseRead(), prepare: onBase('/attachments') },
    'POST /api/v1/cases/:id/attachments': {
      access: 'case.note',
      scope: caseRead(),
      prepare: async ({ unit }) => ({ url: `/api/v1/cases/${w.base[unit].id}/attachments?name=cell.pdf`, rawBody: MATRIX_PDF, headers: OCTET, subject: w.base[unit] }),
    },
    'GET /api/v1/cases/:id/attachments/:attachmentId/content': {
      access: 'case.read',
      scope: caseRead(),
      prepare: async ({ unit }) => ({ url: `/api/v1/cases/${w.base[unit].id}/attachments/${w.attachmentOf[unit]}/content`, subject: w.base[unit] }),
    },
    'DELETE /api/v1/cases/:id/attachments/:attachmentId': {
      access: 'case.note',
      scope: caseRead(),
      prepare: async ({ principal, unit }, isAllowed) => {
        // Its uploader may delete a file within 24 hours (anyone's: admins only): an allowed caller deletes one it
        // has just added; a refused one aims at the shared file, which must survive.
        let id = w.attachmentOf[unit];
        if (isAllowed && principal.username) {
          const res = await send(await tokenOf(principal.username), 'POST', `/api/v1/cases/${w.base[unit].id}/attachments?name=mine.pdf`, MATRIX_PDF, OCTET);
          id = (res.json() as { id: string }).id;
        }
        return { url: `/api/v1/cases/${w.base[unit].id}/attachments/${id}`, subject: w.base[unit] };
      },
    },
    'POST /api/v1/public/cases/:trackingNo/attachments': {
      access: 'public',
      scope: none,
      prepare: async ({ unit }) => {
        const c = await newCaseIn('accepted', unit); // the requester's files are limited per case: a fresh case per cell
        return { url: `/api/v1/public/cases/${c.trackingNo}/attachments?name=photo.pdf`, rawBody: MATRIX_PDF, headers: { ...OCTET, 'x-access-code': c.accessCode } };
      },
    },
    'GET /api/v1/public/cases/:trackingNo/attachments': {
      access: 'public',
      scope: { kind: 'unit', isScoped: false },
      prepare: async ({ unit }) => ({
        url: `/api/v1/public/cases/${w.base[unit].trackingNo}/attachments`,
        headers: { 'x-access-code': w.base[unit].accessCode },
        after: async () => {
          const other = w.base[unit === 'hrss' ? 'cityman' : 'hrss'];
          const res = await send(null, 'GET', `/api/v1/public/cases/${w.base[unit].trackingNo}/attachments`, undefined, { 'x-access-code': other.accessCode });
          return { problems: res.statusCode === 404 ? [] : [`another case's access code listed the files: ${res.statusCode}`] };
        },
      }),
    },
    'GET /api/v1/public/cases/:trackingNo/attachments/:attachmentId/content': {
      access: 'public',
      scope: { kind: 'unit', isScoped: false },
      prepare: async ({ unit }) => ({
        url: `/api/v1/public/cases/${w.base[unit].trackingNo}/attachments/${w.attachmentOf[unit]}/content`,
        headers: { 'x-access-code': w.base[unit].accessCode },
        after: async () => {
          const other = w.base[unit === 'hrss' ? 'cityman' : 'hrss'];
          const res = await send(null, 'GET', `/api/v1/public/cases/${other.trackingNo}/attachments/${w.attachmentOf[unit]}/content`, undefined, { 'x-access-code': other.accessCode });
          return { problems: res.statusCode === 404 ? [] : [`another case's file was served: ${res.statusCode}`] };
        },
      }),
    },

    'POST /api/v1/reply-templates/:id/render': {
      access: 'case.read',
      scope: caseRead(),
      prepare: async ({ unit }) => ({ url: `/api/v1/reply-templates/${w.templateId}/render`, body: { caseId: w.base[unit].id }, subject: w.base[unit] }),
    },
  };
  return specs[key];
};

// ---- running the matrix ----------------------------------------------------------------------------------------

type Result = { status: number; text: string; expected: Expectation; problems: string[] };
const results = new Map<string, Map<string, Result>>();
const cellKey = (p: Principal, unit: CaseUnit) => `${p.label}@${unit}`;
const unclassified: string[] = [];
let declared = new Map<string, string | null>();
let requestsSent = 0;
const rowTimes: [string, number][] = [];
const CONCURRENT_ROWS = 4;

/** Refusals are told by their error code: an allowed caller may still be told `auth.invalid_credentials` for a wrong TOTP code. */
const REFUSAL_CODES = new Set(['auth.required', 'auth.forbidden', 'case.not_assigned']);
const isRefusal = (route: CatalogRoute, spec: Spec, res: LightMyRequestResponse): boolean => {
  if (areaOf(route) !== 'api') return res.statusCode === 401 || res.statusCode === 403 || (res.statusCode === 404 && spec.isLookup !== true);
  if (res.statusCode < 400) return false;
  let code = '';
  try {
    code = (res.json() as ErrorBody).error.code;
  } catch {
    return res.statusCode === 401 || res.statusCode === 403 || res.statusCode === 404;
  }
  return REFUSAL_CODES.has(code) || (code.endsWith('.not_found') && spec.isLookup !== true);
};

const runCell = async (route: CatalogRoute, spec: Spec, principal: Principal, unit: CaseUnit): Promise<Result> => {
  const expected = expectationOf(spec, principal, unit);
  const prepared = await spec.prepare({ principal, unit }, expected.isAllowed);
  const token = prepared.token !== undefined ? prepared.token : principal.username ? await tokenOf(principal.username) : null;
  const res = await send(token, route.method, prepared.url, prepared.rawBody ?? prepared.body, prepared.headers);
  requestsSent += 1;
  const status = res.statusCode;
  const problems: string[] = [];
  const isRefused = isRefusal(route, spec, res);
  if (expected.isAllowed) {
    const isAnswered = spec.isJudged === true || spec.isLookup === true ? !isRefused && status < 500 : status >= 200 && status < 300;
    if (!isAnswered) problems.push(`should be allowed, answered ${status}: ${res.body.slice(0, 300)}`);
  } else if (!isRefused) {
    problems.push(`should be refused (${expected.status}: ${expected.why}), answered ${status}`);
  } else if (status !== expected.status) {
    problems.push(`refused with ${status}, expected ${expected.status} (${expected.why}): ${res.body.slice(0, 200)}`);
  }
  if (status >= 400 && areaOf(route) === 'api') {
    const shape = errorShapeProblem(res);
    if (shape) problems.push(shape);
  }
  if (status >= 400 && prepared.subject) {
    const s = prepared.subject;
    const leaked = [s.trackingNo, s.title, s.description, '矩阵申请人', '13800001234'].filter((v) => res.body.includes(v));
    if (leaked.length > 0) problems.push(`the ${status} answer carries case data: ${leaked.join(', ')}`);
  }
  const extra = prepared.after ? await prepared.after(res) : { problems: [] };
  problems.push(...extra.problems);
  return { status, text: `${status}${extra.mark ?? ''}${problems.length > 0 ? '*' : ''}`, expected, problems };
};

beforeAll(async () => {
  const units = (await send(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string; path: string }[] };
  const ids = new Map(units.items.map((u) => [u.code, u.id]));
  const unitId = (code: string): string => {
    const id = ids.get(code);
    if (!id) throw new Error(`no unit ${code}`);
    return id;
  };
  const agent = await db.selectFrom('users').select(['password_hash']).where('username', '=', 'agent').executeTakeFirstOrThrow();
  const citizen = await db
    .insertInto('users')
    .values({ username: CITIZEN, display_name: '矩阵市民', password_hash: agent.password_hash, roles: ['citizen'], unit_id: unitId('lhasa') })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const u of await db.selectFrom('users').select(['username', 'password_hash']).execute()) passwordHashes.set(u.username, u.password_hash);

  w = {
    unitId,
    unitPath: new Map(units.items.map((u) => [u.code, u.path])),
    base: { hrss: { id: '', trackingNo: '', accessCode: '', title: '', description: '' }, cityman: { id: '', trackingNo: '', accessCode: '', title: '', description: '' } },
    masters: { hrss: { id: '', trackingNo: '', accessCode: '', title: '', description: '' }, cityman: { id: '', trackingNo: '', accessCode: '', title: '', description: '' } },
    calendarId: '',
    ics: '',
    templateId: '',
    notificationOf: { hrss: { id: '', owner: 'handler' }, cityman: { id: '', owner: 'handler_city' } },
    attachmentOf: { hrss: '', cityman: '' },
    citizenId: citizen.id,
    apiKeyId: '',
  };
  const phase = (() => {
    let last = Date.now();
    const marks: string[] = [];
    return (label: string) => {
      marks.push(`${label} ${Date.now() - last} ms`);
      last = Date.now();
      return marks;
    };
  })();
  for (const unit of UNITS) {
    w.base[unit] = await newCaseIn('accepted', unit);
    w.masters[unit] = await newCaseIn('accepted', unit);
  }
  const calendars = (await send(null, 'GET', '/api/v1/calendars')).json() as { items: { id: string }[] };
  w.calendarId = calendars.items[0]?.id ?? '';
  w.ics = (await send(null, 'GET', `/api/v1/calendars/${w.calendarId}/export.ics?from=2027-01-01&to=2027-12-31`)).body;
  w.templateId = (await asAdmin<{ id: string }>('POST', '/api/v1/reply-templates', templateBody('matrix_shared'))).id;
  for (const unit of ['hrss', 'cityman'] as const) {
    const res = await send(await tokenOf('admin'), 'POST', `/api/v1/cases/${w.base[unit].id}/attachments?name=matrix.pdf&isPublic=true`, MATRIX_PDF, OCTET);
    if (res.statusCode !== 201) throw new Error(`setup attachment: ${res.statusCode} ${res.body}`);
    w.attachmentOf[unit] = (res.json() as { id: string }).id;
  }

  phase('fixtures');
  // Staff notifications come from the dispatches above, written by the background consumers.
  await t.runBackground();
  phase('background jobs');
  for (const unit of UNITS) {
    const owner = w.notificationOf[unit].owner;
    const row = await db
      .selectFrom('staff_notifications')
      .innerJoin('users', 'users.id', 'staff_notifications.user_id')
      .select('staff_notifications.id')
      .where('users.username', '=', owner)
      .executeTakeFirst();
    if (!row) throw new Error(`no staff notification for ${owner} after the dispatches`);
    w.notificationOf[unit].id = row.id;
  }

  declared = await collectDeclaredAccess(
    await buildApp(
      {
        db,
        config: { sessionTtlHours: 12, trustProxy: false },
        now: () => new Date(),
        caseDeps: createCaseDeps(db, () => new Date()),
        authDeps: createAuthDeps(db, () => new Date(), 12, { idleMinutes: 120 }),
      },
      { logLevel: 'silent' },
    ),
    catalogue,
  );
  const setupTimes = phase('declared access').join(', ');

  const started = Date.now();
  const runRow = async (route: CatalogRoute, spec: Spec): Promise<void> => {
    const row = new Map<string, Result>();
    results.set(routeKey(route), row);
    const rowStarted = Date.now();
    for (const principal of PRINCIPALS) {
      for (const unit of UNITS) {
        const first = row.get(cellKey(principal, 'hrss'));
        // A route without a unit dimension answers the same for both columns: it runs once per principal.
        row.set(cellKey(principal, unit), spec.scope.kind === 'none' && first ? first : await runCell(route, spec, principal, unit));
      }
    }
    rowTimes.push([routeKey(route), Date.now() - rowStarted]);
  };
  const rows: [CatalogRoute, Spec][] = [];
  for (const route of catalogue) {
    const spec = specOf(route);
    if (spec) rows.push([route, spec]);
    else unclassified.push(routeKey(route));
  }
  // Rows are independent (each has its own cases), so a few run at once; the rows that end sessions run last,
  // alone, since they log out the very users the other rows act as.
  const isSessionRow = ([route]: [CatalogRoute, Spec]) => /^POST \/api\/v1\/auth\/(logout|logout-all|logout-others|password)$/u.test(routeKey(route));
  const queue = rows.filter((r) => !isSessionRow(r));
  await Promise.all(
    Array.from({ length: CONCURRENT_ROWS }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) await runRow(...next);
    }),
  );
  for (const row of rows.filter(isSessionRow)) await runRow(...row);
  // Back in catalogue order for printing.
  const inOrder = new Map([...results.entries()].sort(([a], [b]) => catalogue.findIndex((r) => routeKey(r) === a) - catalogue.findIndex((r) => routeKey(r) === b)));
  results.clear();
  for (const [k, v] of inOrder) results.set(k, v);
  rowTimes.sort((a, b) => b[1] - a[1]);
  console.log(`[access-matrix] setup: ${setupTimes}`);
  console.log(`[access-matrix] ${requestsSent} cells sent, ${casesCreated} cases created, ${Date.now() - started} ms; slowest rows: ${rowTimes.slice(0, 8).map(([k, ms]) => `${k} ${ms} ms`).join(', ')}`);
}, 170_000);

// ---- assertions ------------------------------------------------------------------------------------------------

describe('the route catalogue', () => {
  it('comes from the running app and has a rule for every route', () => {
    expect(catalogue.length).toBeGreaterThan(50);
    expect(unclassified, 'routes without a rule in the access table: add them to specOf()').toEqual([]);
  });

  it('lists the routes hidden from the OpenAPI document: only openapi.json itself under /api', () => {
    const hidden = catalogue.filter((r) => !r.isDocumented && areaOf(r) === 'api').map(routeKey);
    expect(hidden).toEqual(['GET /api/v1/openapi.json']);
  });

  it('every /api route declares the access the rule table expects', () => {
    const mismatches: string[] = [];
    for (const route of catalogue) {
      const spec = specOf(route);
      if (!spec) continue;
      const key = routeKey(route);
      const wanted: (string | null)[] = spec.declares ?? [spec.access];
      const got = declared.has(key) ? (declared.get(key) ?? null) : 'not reached';
      if (areaOf(route) === 'api' && (got === null || got === 'not reached')) mismatches.push(`${key}: declares no access`);
      else if (!wanted.includes(got)) mismatches.push(`${key}: declares ${String(got)}, expected ${wanted.map(String).join(' or ')}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('uses action bodies the case schemas accept', () => {
    for (const action of Object.keys(ACTION_RULES)) {
      const schema = actionSchemas[action as keyof typeof actionSchemas];
      expect(schema, action).toBeDefined();
      expect(schema.safeParse(actionBody(action, w, 'hrss')).success, action).toBe(true);
    }
  });
});

describe('the access matrix', () => {
  it('prints the matrix (rows: routes; columns: role × unit of the case, H = hrss, C = cityman)', () => {
    const label = (key: string) => key.replace(' /api/v1', ' ');
    const width = Math.max(...[...results.keys()].map((k) => label(k).length)) + 1;
    const head1 = `${''.padEnd(width)}| ${PRINCIPALS.map((p) => p.short.padEnd(10)).join('')}`;
    const head2 = `${''.padEnd(width)}| ${PRINCIPALS.map(() => 'H'.padEnd(5) + 'C'.padEnd(5)).join('')}`;
    const lines = [head1, head2, '-'.repeat(head1.length)];
    for (const [key, row] of results) {
      const cells = PRINCIPALS.flatMap((p) => UNITS.map((u) => (row.get(cellKey(p, u))?.text ?? '?').padEnd(5)));
      lines.push(`${label(key).padEnd(width)}| ${cells.join('')}`);
    }
    const cells = [...results.values()].reduce((n, row) => n + row.size, 0);
    lines.push(
      `${results.size} routes × ${PRINCIPALS.length} callers × ${UNITS.length} units = ${cells} cells; ${casesCreated} cases created. ` +
        "+/- = the unit's case is / is not in the list; * = differs from the rule table",
    );
    console.log(lines.join('\n'));
    expect(cells).toBe(results.size * PRINCIPALS.length * UNITS.length);
  });

  // One test per route, so that a failure names the route and every wrong cell.
  for (const route of catalogue) {
    const key = routeKey(route);
    it(`${key}: refuses whom it must, allows whom it must`, () => {
      const row = results.get(key);
      expect(row, `no results for ${key}`).toBeDefined();
      const problems = [...(row ?? new Map<string, Result>()).entries()]
        .filter(([, r]) => r.problems.length > 0)
        .map(([cell, r]) => `${cell}: ${r.problems.join('; ')}`);
      expect([...new Set(problems)]).toEqual([]);
    });
  }
});

describe('list scope', () => {
  it('GET /cases shows each caller only cases of their units (every page)', async () => {
    const problems: string[] = [];
    for (const p of PRINCIPALS.filter((x) => x.role !== null && CAN[x.role].includes('case.read'))) {
      const visible = (await visibleCases(p)).ids;
      let seen = 0;
      for (let page = 1; page <= 50; page += 1) {
        const res = await send(await tokenOf(p.username ?? ''), 'GET', `/api/v1/cases?pageSize=100&page=${page}`);
        expect(res.statusCode).toBe(200);
        const body = res.json() as { items: { id: string; trackingNo: string }[]; total: number };
        for (const c of body.items) if (!visible.has(c.id)) problems.push(`${p.label} sees ${c.trackingNo}`);
        seen += body.items.length;
        if (seen >= body.total || body.items.length === 0) {
          if (body.total > visible.size) problems.push(`${p.label}: total ${body.total} > ${visible.size} visible`);
          break;
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
