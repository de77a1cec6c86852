import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canReadAuditEntry, outcomeClassOf } from '../../src/core/audit/audit-log-rules.js';
import { appendAudit, sealAuditEntries } from '../../src/db/audit.repository.js';
import { searchAuditEntries } from '../../src/db/audit-log-reader.repository.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';

/** The audit log's reader (docs/audit.md): access, filters, cursor pages, unit scope, the chain check, its own audit. */

const PHASE_A = Date.parse('2026-11-23T09:00:00Z');
const PHASE_B = Date.parse('2026-11-23T10:00:00Z');
let clock = PHASE_A;
let t: TestApp;

/** An administrator of the HR bureau (a sub-unit), and a handler of its inspection brigade below it. */
const SUB_READER = 'audit_reader_hrss';
const INSPECTOR = 'audit_inspector';
const CLAIMED = 'audit_nobody';
const OTHER_ADDRESS = '10.20.30.40';
const UNKNOWN_CASE = '00000000-0000-4000-8000-00000000a0d1';
/** Every kind of outcome the writers record, under an action of its own. */
const OUTCOMES = ['200', '204', '302', '400', '403', '429', '500', 'done', 'ok', 'exported', 'sent', 'stored', 'deleted', 'revealed', 'none', 'refused', 'auth.token_invalid', 'auth.sso_failed'];
const OUTCOME_ACTION = 'test.outcome_kinds';

type Entry = {
  id: string;
  at: string;
  actor: { id: string; username: string; displayName: string | null } | null;
  claimedUsername: string | null;
  ip: string | null;
  userAgent: string | null;
  action: string;
  subjectKind: string | null;
  subjectId: string | null;
  outcome: string;
  outcomeClass: 'success' | 'refused';
  data: Record<string, unknown>;
  chainSeq: number | null;
};
type Page = { items: Entry[]; nextCursor: string | null };
type Chain = { entries: number; isIntact: boolean; firstBreak: { chainSeq: number; id: string; reason: string } | null; unsealed: number; checkedAt: string };

const search = async (user: string, query: Record<string, string> = {}): Promise<LightMyRequestResponse> =>
  t.call(user, 'GET', `/api/v1/admin/audit?${new URLSearchParams(query).toString()}`);

const pageOf = async (user: string, query: Record<string, string> = {}): Promise<Page> => {
  const res = await search(user, query);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Page;
};

/** Every page of a search, following the cursor. */
const allPages = async (user: string, query: Record<string, string>): Promise<{ items: Entry[]; pages: number }> => {
  const items: Entry[] = [];
  let before: string | null = null;
  let pages = 0;
  do {
    const page: Page = await pageOf(user, before ? { ...query, before } : query);
    items.push(...page.items);
    before = page.nextCursor;
    pages += 1;
  } while (before !== null && pages < 100);
  return { items, pages };
};

const auditRows = async (): Promise<number> =>
  Number((await t.database.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

const unitPathOfUser = async (userId: string): Promise<string | null> =>
  (await t.database.db.selectFrom('users').innerJoin('units', 'units.id', 'users.unit_id').select('units.path').where('users.id', '=', userId).executeTakeFirst())?.path ?? null;

const readAllAs = (user: string) => t.call(user, 'POST', '/api/v1/notifications/read-all');

beforeAll(async () => {
  t = await createTestApp({ now: () => new Date(clock) });
  const db = t.database.db;
  const unitIdOf = async (code: string) => (await db.selectFrom('units').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
  const { password_hash } = await db.selectFrom('users').select('password_hash').where('username', '=', 'admin').executeTakeFirstOrThrow();
  await db
    .insertInto('users')
    .values([
      { username: SUB_READER, display_name: '人社局审计员', password_hash, roles: ['admin'], unit_id: await unitIdOf('hrss') },
      { username: INSPECTOR, display_name: '监察支队承办人', password_hash, roles: ['unit_handler'], unit_id: await unitIdOf('hrss_inspection') },
    ])
    .execute();

  // Phase A: changes by people of three units, a refusal with a subject, a failed sign-in, a change from another address.
  for (let i = 0; i < 5; i += 1) expect((await readAllAs('handler')).statusCode).toBe(200);
  expect((await readAllAs(INSPECTOR)).statusCode).toBe(200);
  expect((await readAllAs('handler_city')).statusCode).toBe(200);
  expect((await readAllAs('admin')).statusCode).toBe(200);
  expect((await t.call('handler', 'POST', `/api/v1/cases/${UNKNOWN_CASE}/accept`, {})).statusCode).toBe(404);
  expect((await t.call(null, 'POST', '/api/v1/auth/login', { username: CLAIMED, password: `${TEST_PASSWORD}-wrong` })).statusCode).toBe(401);
  const fromElsewhere = await t.app.inject({
    method: 'POST', url: '/api/v1/notifications/read-all', remoteAddress: OTHER_ADDRESS,
    headers: { authorization: `Bearer ${await t.tokenOf('handler_city')}`, 'user-agent': 'AuditTestBrowser/1.0' },
  });
  expect(fromElsewhere.statusCode).toBe(200);
  for (const outcome of OUTCOMES) {
    await appendAudit(db, {
      at: new Date(clock), actorId: null, actorName: null, ip: null, userAgent: null, action: OUTCOME_ACTION, subjectKind: null, subjectId: null, outcome, data: {},
    });
  }
  // Phase B, an hour later: two more.
  clock = PHASE_B;
  expect((await readAllAs('handler')).statusCode).toBe(200);
  expect((await readAllAs('handler_market')).statusCode).toBe(200);
  await t.app.auditSettled();
});
afterAll(async () => {
  await t.close();
});

describe('who may read the audit log', () => {
  it('refuses staff without audit.read, and the public, writing nothing', async () => {
    for (const user of ['agent', 'dispatcher', 'supervisor', 'handler', 'leader']) await t.tokenOf(user);
    await t.app.auditSettled();
    const before = await auditRows();
    for (const user of ['agent', 'dispatcher', 'supervisor', 'handler', 'leader']) {
      for (const url of ['/api/v1/admin/audit', '/api/v1/admin/audit/chain']) {
        const res = await t.call(user, 'GET', url);
        expect(res.statusCode, `${user} ${url}`).toBe(403);
        expect(res.json()).toMatchObject({ error: { code: 'auth.forbidden' } });
      }
    }
    for (const url of ['/api/v1/admin/audit', '/api/v1/admin/audit/chain']) expect((await t.call(null, 'GET', url)).statusCode).toBe(401);
    await t.app.auditSettled();
    expect(await auditRows()).toBe(before);
  });
});

describe('searching', () => {
  it('answers newest first with the actor, the subject, the outcome and the address', async () => {
    const page = await pageOf('admin', { action: `/cases/:id/accept`, subjectId: UNKNOWN_CASE });
    expect(page.items).toHaveLength(1);
    const [entry] = page.items;
    const handler = await t.database.db.selectFrom('users').select(['id', 'display_name']).where('username', '=', 'handler').executeTakeFirstOrThrow();
    expect(entry).toMatchObject({
      actor: { id: handler.id, username: 'handler', displayName: handler.display_name }, claimedUsername: null,
      action: 'POST /api/v1/cases/:id/accept', subjectKind: 'cases', subjectId: UNKNOWN_CASE, outcome: '404', outcomeClass: 'refused',
      at: new Date(PHASE_A).toISOString(), chainSeq: null,
    });
    const all = (await pageOf('admin', { limit: '200' })).items;
    expect(all.map((e) => BigInt(e.id))).toEqual([...all.map((e) => BigInt(e.id))].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
  });

  it('filters by user name, exact or by its start, without regard to case', async () => {
    const exact = (await pageOf('admin', { actor: 'handler_city', action: 'read-all' })).items;
    expect(exact).toHaveLength(2);
    expect(exact.every((e) => e.actor?.username === 'handler_city')).toBe(true);
    const started = (await pageOf('admin', { actor: 'HANDLER', action: 'read-all', limit: '200' })).items;
    expect(new Set(started.map((e) => e.actor?.username))).toEqual(new Set(['handler', 'handler_city', 'handler_market']));
    expect(started).toHaveLength(6 + 2 + 1);
    // `_` is a letter here, not a pattern: `handler_` does not match `handlerX…`, and `%` matches nothing.
    expect((await pageOf('admin', { actor: 'handler_', action: 'read-all', limit: '200' })).items).toHaveLength(3);
    expect((await pageOf('admin', { actor: '%', limit: '200' })).items).toHaveLength(0);
  });

  it('shows a failed sign-in as no actor, with the name that was typed', async () => {
    const items = (await pageOf('admin', { actor: CLAIMED })).items;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ actor: null, claimedUsername: CLAIMED, action: 'POST /api/v1/auth/login', outcome: '401', outcomeClass: 'refused' });
  });

  it('filters by action text, subject, address and outcome', async () => {
    const reads = (await pageOf('admin', { action: 'READ-ALL', limit: '200' })).items;
    expect(reads).toHaveLength(11);
    expect(reads.every((e) => e.action === 'POST /api/v1/notifications/read-all')).toBe(true);

    const bySubject = (await pageOf('admin', { subjectKind: 'cases', subjectId: UNKNOWN_CASE })).items;
    expect(bySubject.map((e) => e.action)).toEqual(['POST /api/v1/cases/:id/accept']);
    expect((await pageOf('admin', { subjectKind: 'users', subjectId: UNKNOWN_CASE })).items).toHaveLength(0);

    const elsewhere = (await pageOf('admin', { ip: OTHER_ADDRESS })).items;
    expect(elsewhere).toHaveLength(1);
    expect(elsewhere[0]).toMatchObject({ ip: OTHER_ADDRESS, userAgent: 'AuditTestBrowser/1.0', actor: { username: 'handler_city' } });

    const succeeded = (await pageOf('admin', { outcome: 'success', limit: '200' })).items;
    const refused = (await pageOf('admin', { outcome: 'refused', limit: '200' })).items;
    expect(succeeded.length).toBeGreaterThan(0);
    expect(succeeded.every((e) => e.outcomeClass === 'success')).toBe(true);
    expect(refused.every((e) => e.outcomeClass === 'refused')).toBe(true);
    expect(refused.map((e) => e.outcome)).toEqual(expect.arrayContaining(['404', '401']));
    const ids = new Set(succeeded.map((e) => e.id));
    expect(refused.some((e) => ids.has(e.id))).toBe(false);
  });

  it('classifies every kind of outcome in SQL as the rule does', async () => {
    const byClass = async (outcome: string) => (await pageOf('admin', { action: OUTCOME_ACTION, outcome, limit: '200' })).items.map((e) => e.outcome).sort();
    expect(await byClass('success')).toEqual(OUTCOMES.filter((o) => outcomeClassOf(o) === 'success').sort());
    expect(await byClass('refused')).toEqual(OUTCOMES.filter((o) => outcomeClassOf(o) === 'refused').sort());
    expect(await byClass('success')).toEqual(['200', '204', '302', 'deleted', 'done', 'exported', 'none', 'ok', 'revealed', 'sent', 'stored']);
  });

  it('filters by time, both ends included', async () => {
    const inB = (await pageOf('admin', { action: 'read-all', from: '2026-11-23T09:30:00Z', to: new Date(PHASE_B).toISOString() })).items;
    expect(inB.map((e) => e.actor?.username).sort()).toEqual(['handler', 'handler_market']);
    const inA = (await pageOf('admin', { action: 'read-all', from: new Date(PHASE_A).toISOString(), to: '2026-11-23T17:29:59+08:00', limit: '200' })).items;
    expect(inA).toHaveLength(9);
    expect(inA.every((e) => e.at === new Date(PHASE_A).toISOString())).toBe(true);
  });

  it('pages by cursor without gaps or repeats', async () => {
    const query = { action: 'read-all' };
    const whole = (await pageOf('admin', { ...query, limit: '200' })).items.map((e) => e.id);
    expect(whole).toHaveLength(11);
    const paged = await allPages('admin', { ...query, limit: '3' });
    expect(paged.pages).toBe(4);
    expect(paged.items.map((e) => e.id)).toEqual(whole);
    // A page that ends exactly at the last entry says there is no next one.
    const exact = await allPages('admin', { ...query, limit: '11' });
    expect(exact.pages).toBe(1);
    // Entries written while paging come before the cursor, so they never enter the pages of a search begun earlier.
    const first = await pageOf('admin', { ...query, limit: '5' });
    expect((await readAllAs('handler')).statusCode).toBe(200);
    const rest = await allPages('admin', { ...query, limit: '5', before: first.nextCursor ?? '' });
    expect([...first.items, ...rest.items].map((e) => e.id)).toEqual(whole);
  });
});

describe('scope', () => {
  it('shows a sub-unit reader only the actors of its subtree, and no entries without an actor', async () => {
    // A first search, so that the reader's own entry (an actor of the subtree) is there to be found.
    await pageOf(SUB_READER);
    const seen = (await allPages(SUB_READER, { limit: '200' })).items;
    const names = new Set(seen.map((e) => e.actor?.username ?? null));
    expect(names.has('handler')).toBe(true);
    expect(names.has(INSPECTOR)).toBe(true);
    expect(names.has(SUB_READER)).toBe(true);
    for (const hidden of ['admin', 'handler_city', 'handler_market', null]) expect(names.has(hidden), String(hidden)).toBe(false);
    for (const entry of seen) {
      const path = await unitPathOfUser(entry.actor?.id ?? '');
      expect(path === 'lhasa.hrss' || path?.startsWith('lhasa.hrss.'), `${entry.id} by ${entry.actor?.username}: ${path}`).toBe(true);
    }
    // Asking for an out-of-scope actor or address finds nothing rather than an error.
    expect((await pageOf(SUB_READER, { actor: 'handler_city' })).items).toHaveLength(0);
    expect((await pageOf(SUB_READER, { ip: OTHER_ADDRESS })).items).toHaveLength(0);
    expect((await pageOf(SUB_READER, { actor: CLAIMED })).items).toHaveLength(0);
  });

  it('selects in SQL exactly the entries the scope rule allows', async () => {
    const db = t.database.db;
    const everything = await searchAuditEntries(db, { filter: {}, limit: 10_000, before: null, take: 10_000, scope: { unitPath: 'lhasa', canSeeActorless: true } });
    // Every entry of the log, so that the rule is checked against each (no entry can belong to another top-level unit here).
    expect(everything).toHaveLength(await auditRows());
    for (const unitPath of ['lhasa.hrss', 'lhasa.hrss.hrss_inspection', 'lhasa.cityman', 'lhasa']) {
      for (const canSeeActorless of [false, true]) {
        const scope = { unitPath, canSeeActorless };
        const selected = await searchAuditEntries(db, { filter: {}, limit: 10_000, before: null, take: 10_000, scope });
        const expected = everything.filter((e) => canReadAuditEntry(scope, e)).map((e) => e.id);
        expect(selected.map((e) => e.id), JSON.stringify(scope)).toEqual(expected);
        expect(expected.length, JSON.stringify(scope)).toBeGreaterThan(0);
      }
    }
  });

  it('shows a top-level reader every unit and the entries without an actor', async () => {
    const names = new Set((await allPages('admin', { limit: '200' })).items.map((e) => e.actor?.username ?? null));
    for (const name of ['admin', 'handler', INSPECTOR, 'handler_city', 'handler_market', null]) expect(names.has(name), String(name)).toBe(true);
  });

  it('refuses the chain to a sub-unit reader with a coded error', async () => {
    const res = await t.call(SUB_READER, 'GET', '/api/v1/admin/audit/chain');
    expect(res.statusCode).toBe(403);
    const body = res.json() as { error: Record<string, unknown> };
    expect(Object.keys(body.error).sort()).toEqual(['code', 'details', 'message', 'messageId']);
    expect(body.error).toMatchObject({ code: 'auth.forbidden', messageId: 'errors.auth.forbidden', details: { reason: 'not_top_level_unit' } });
  });
});

describe('bad queries', () => {
  it('answers 400 validation.failed with the field', async () => {
    const bad: [Record<string, string>, string][] = [
      [{ limit: '0' }, 'limit'],
      [{ limit: '201' }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ before: 'abc' }, 'before'],
      [{ before: '0' }, 'before'],
      [{ before: '99999999999999999999' }, 'before'],
      [{ from: '2026-11-23' }, 'from'],
      [{ to: 'yesterday' }, 'to'],
      [{ from: '2026-11-24T00:00:00Z', to: '2026-11-23T00:00:00Z' }, 'from'],
      [{ ip: 'not-an-address' }, 'ip'],
      [{ outcome: 'maybe' }, 'outcome'],
      [{ actor: '' }, 'actor'],
      [{ action: 'x'.repeat(201) }, 'action'],
      [{ colour: 'red' }, ''],
    ];
    for (const [query, field] of bad) {
      const res = await search('admin', query);
      expect(res.statusCode, JSON.stringify(query)).toBe(400);
      const body = res.json() as { error: { code: string; details: { issues: { path: string }[] } } };
      expect(body.error.code).toBe('validation.failed');
      if (field) expect(body.error.details.issues.map((i) => i.path).join(' '), JSON.stringify(query)).toContain(field);
    }
  });
});

describe('reading is audited', () => {
  it('records each search with its filters, as the reader', async () => {
    const res = await search('admin', { actor: 'handler', outcome: 'refused', from: '2026-11-23T08:00:00Z' });
    expect(res.statusCode).toBe(200);
    await t.app.auditSettled();
    const row = await t.database.db.selectFrom('audit_log').selectAll().where('action', '=', 'audit.searched').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    const admin = await t.database.db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ actor_id: admin.id, actor_name: 'admin', subject_kind: 'audit_log', outcome: 'done' });
    expect(row.data).toMatchObject({
      filters: { actor: 'handler', outcome: 'refused', from: '2026-11-23T08:00:00.000Z' },
      limit: 50,
      before: null,
      results: (res.json() as Page).items.length,
    });
    // And the reader finds its own reading in the log.
    const own = (await pageOf('admin', { action: 'audit.searched', actor: 'admin', limit: '1' })).items;
    expect(own[0]?.id).toBe(String(row.id));
  });
});

describe('the chain', () => {
  it('reports an intact chain, then the first break after a sealed entry is altered', async () => {
    await t.app.auditSettled();
    await sealAuditEntries(t.database.db, 1_000_000);
    const intact = await t.call('admin', 'GET', '/api/v1/admin/audit/chain');
    expect(intact.statusCode, intact.body).toBe(200);
    const state = intact.json() as Chain;
    expect(state).toMatchObject({ isIntact: true, firstBreak: null, unsealed: 0, checkedAt: new Date(clock).toISOString() });
    expect(state.entries).toBeGreaterThan(10);
    await t.app.auditSettled();
    const checked = await t.database.db.selectFrom('audit_log').select(['data', 'outcome']).where('action', '=', 'audit.chain_checked').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(checked).toMatchObject({ outcome: 'done', data: { isIntact: true, entries: state.entries, firstBreak: null } });

    // Sealed entries now show their place in the chain.
    const sealed = (await pageOf('admin', { actor: CLAIMED })).items[0];
    expect(typeof sealed?.chainSeq).toBe('number');

    const target = await t.database.db.selectFrom('audit_log').select(['id', 'chain_seq', 'outcome']).where('action', '=', 'POST /api/v1/cases/:id/accept').where('subject_id', '=', UNKNOWN_CASE).executeTakeFirstOrThrow();
    const alter = async (outcome: string) => {
      await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_guard`.execute(t.database.db);
      try {
        await sql`UPDATE audit_log SET outcome = ${outcome} WHERE id = ${target.id}`.execute(t.database.db);
      } finally {
        await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_guard`.execute(t.database.db);
      }
    };
    await alter('200');
    try {
      const broken = await t.call('admin', 'GET', '/api/v1/admin/audit/chain');
      expect(broken.statusCode).toBe(200);
      const report = broken.json() as Chain;
      expect(report).toMatchObject({ isIntact: false, firstBreak: { id: String(target.id), chainSeq: Number(target.chain_seq), reason: 'the entry was changed after it was sealed' } });
      expect(report.entries).toBe(Number(target.chain_seq) - 1);
      // The previous check's own entry is not sealed yet, and is counted although the chain is broken.
      expect(report.unsealed).toBeGreaterThan(0);
      await t.app.auditSettled();
      const checkedBroken = await t.database.db.selectFrom('audit_log').select('data').where('action', '=', 'audit.chain_checked').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
      expect(checkedBroken.data).toMatchObject({ isIntact: false, firstBreak: { id: String(target.id) } });
    } finally {
      await alter(target.outcome);
    }
    expect(((await t.call('admin', 'GET', '/api/v1/admin/audit/chain')).json() as Chain).isIntact).toBe(true);
  });

  it('shows the person of a data export masked, names staff accounts as users, and names the user of a sign-in', async () => {
    // The clock has moved on since the admin signed in: the export needs a fresh confirmation (docs/access.md).
    expect((await t.call('admin', 'POST', '/api/v1/auth/reauth', { password: TEST_PASSWORD })).statusCode).toBe(200);
    const exported = await t.call('admin', 'GET', '/api/v1/privacy/people?phone=13900001234');
    expect(exported.statusCode, exported.body).toBe(200);
    const privacy = (await pageOf('admin', { action: 'privacy export' })).items[0];
    expect(privacy?.subjectKind).toBe('person');
    expect(privacy?.subjectId).toBe('*******1234');
    expect(JSON.stringify(privacy)).not.toContain('13900001234');
    // A search by the full number finds it, and its own entry keeps the number masked too.
    expect((await pageOf('admin', { subjectKind: 'person', subjectId: '13900001234' })).items.length).toBe(1);
    await t.app.auditSettled();
    const searched = await t.database.db.selectFrom('audit_log').select('data').where('action', '=', 'audit.searched').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(JSON.stringify(searched.data)).not.toContain('13900001234');
    expect(searched.data).toMatchObject({ filters: { subjectId: '*******1234' } });
    // The stored entry names the person by the keyed index only (src/core/privacy/person-data-rules.ts).
    const stored = await t.database.db.selectFrom('audit_log').select(['subject_id', 'data']).where('action', '=', 'privacy export').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(stored.subject_id).toMatch(/^phone:[A-Za-z0-9_-]{22}$/);
    expect(JSON.stringify(stored)).not.toContain('13900001234');
    // An entry written before the index named the number itself: still found by it, still shown masked.
    const admin = await t.database.db.selectFrom('users').select('id').where('username', '=', 'admin').executeTakeFirstOrThrow();
    await t.database.db
      .insertInto('audit_log')
      .values({ at: new Date(), actor_id: admin.id, actor_name: 'admin', action: 'privacy export', subject_kind: 'person', subject_id: '13900005678', outcome: 'done', data: JSON.stringify({ cases: 0 }) })
      .execute();
    const older = (await pageOf('admin', { subjectKind: 'person', subjectId: '13900005678' })).items;
    expect(older.map((e) => e.subjectId)).toEqual(['*******5678']);

    const handler = await t.database.db.selectFrom('users').select('id').where('username', '=', 'handler').executeTakeFirstOrThrow();
    expect((await t.call('admin', 'POST', `/api/v1/admin/users/${handler.id}/unlock`)).statusCode).toBe(200);
    const unlock = (await pageOf('admin', { action: '/unlock' })).items[0];
    expect(unlock).toMatchObject({ subjectKind: 'users', subjectId: handler.id, data: { username: 'handler' } });

    const login = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'leader', password: TEST_PASSWORD } });
    expect(login.statusCode).toBe(200);
    await t.app.auditSettled();
    const leader = await t.database.db.selectFrom('users').select('id').where('username', '=', 'leader').executeTakeFirstOrThrow();
    const signIn = (await pageOf('admin', { action: 'auth/login', actor: 'leader' })).items[0];
    expect(signIn?.actor?.id).toBe(leader.id);
    // And so the bureau's own administrator sees their people's sign-ins.
    expect((await pageOf(SUB_READER, { action: 'auth/login', actor: 'leader' })).items.length).toBeGreaterThan(0);
  });
});
