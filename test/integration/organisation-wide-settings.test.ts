import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPEN_DATA_REFRESH_ALL_JOB } from '../../src/core/open-data/open-data.types.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/*
 * Settings every unit is measured, published or dispatched by are changed from a top-level unit only; what belongs
 * to a unit (its calendar, its reply templates) by that unit and those above it (docs/access.md, "Settings of the
 * whole organisation"). Staff of `hrss`, one level below the top, hold the same permissions as the top unit's:
 * each of their changes below is refused, and is shown to have changed nothing.
 */

let t: TestApp;
const units = new Map<string, string>();
const unitId = (code: string): string => {
  const id = units.get(code);
  if (!id) throw new Error(`no unit ${code}`);
  return id;
};

type ErrorBody = { error: { code: string; details: Record<string, unknown> } };
const refusalOf = (res: { statusCode: number; body: string; json: () => unknown }): { status: number; code: string; reason: unknown } => {
  const body = res.json() as Partial<ErrorBody>;
  return { status: res.statusCode, code: body.error?.code ?? res.body, reason: body.error?.details['reason'] };
};
const NOT_TOP = { status: 403, code: 'auth.forbidden', reason: 'not_top_level_unit' };
const OTHER_UNIT = { status: 403, code: 'auth.forbidden', reason: 'outside_scope' };

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  for (const u of await db.selectFrom('units').select(['id', 'code']).execute()) units.set(u.code, u.id);
  // Staff of a bureau one level below the top, with the roles the top unit's staff have.
  const { password_hash } = await db.selectFrom('users').select('password_hash').where('username', '=', 'admin').executeTakeFirstOrThrow();
  await db
    .insertInto('users')
    .values([
      { username: 'admin_hrss', display_name: '人社局管理员', password_hash, roles: ['admin'], unit_id: unitId('hrss') },
      { username: 'supervisor_hrss', display_name: '人社局督办员', password_hash, roles: ['supervisor'], unit_id: unitId('hrss') },
    ])
    .execute();
});
afterAll(async () => {
  await t.close();
});

/** Rows of a table as text, to show that a refusal left them as they were. */
const snapshot = async (query: string): Promise<string> => JSON.stringify((await sql.raw(query).execute(t.database.db)).rows);

describe('open-data publication settings', () => {
  const openEverything = { defaultPolicy: 'auto', isReviewRequired: false, minCell: 1, gridMetres: 50, rules: [] };
  const state = async (): Promise<string> =>
    [
      await snapshot('SELECT * FROM open_data_settings'),
      await snapshot('SELECT scope, code, policy FROM open_data_rules ORDER BY scope, code'),
      await snapshot(`SELECT count(*) FROM jobs WHERE kind = '${OPEN_DATA_REFRESH_ALL_JOB}'`),
      await snapshot(`SELECT count(*) FROM audit_log WHERE action = 'open_data.settings_changed'`),
    ].join('\n');

  it('a supervisor or administrator of a bureau reads them but cannot change them, nor can a token limited to a bureau', async () => {
    const before = await state();
    const read = await t.call('supervisor_hrss', 'GET', '/api/v1/open-data/settings');
    expect(read.statusCode, read.body).toBe(200);
    const current = read.json() as Record<string, unknown>;
    expect((current['rules'] as unknown[]).length).toBeGreaterThan(0);

    for (const username of ['supervisor_hrss', 'admin_hrss']) {
      expect(refusalOf(await t.call(username, 'PUT', '/api/v1/open-data/settings', openEverything)), username).toEqual(NOT_TOP);
      // Sending them unchanged is refused too: the answer does not depend on what is stored.
      expect(refusalOf(await t.call(username, 'PUT', '/api/v1/open-data/settings', current)), username).toEqual(NOT_TOP);
    }

    // The top unit's administrator's own token, limited to the bureau, sees as far as the bureau only.
    const made = await t.call('admin', 'POST', '/api/v1/api-tokens', { name: 'open data of hrss', permissions: ['opendata.manage'], unitId: unitId('hrss'), expiresInDays: 1 });
    expect(made.statusCode, made.body).toBe(201);
    const { token } = made.json() as { token: string };
    const byToken = await t.app.inject({ method: 'PUT', url: '/api/v1/open-data/settings', headers: { authorization: `Bearer ${token}` }, payload: openEverything });
    expect(refusalOf(byToken)).toEqual(NOT_TOP);

    expect(await state()).toBe(before);
  });

  it('the supervisor of the top unit changes them, and every case is queued for a refresh', async () => {
    const jobs = async () => Number((await sql<{ n: string }>`SELECT count(*) AS n FROM jobs WHERE kind = ${OPEN_DATA_REFRESH_ALL_JOB}`.execute(t.database.db)).rows[0]?.n);
    const queued = await jobs();
    const current = (await t.call('supervisor', 'GET', '/api/v1/open-data/settings')).json() as Record<string, unknown>;
    const res = await t.call('supervisor', 'PUT', '/api/v1/open-data/settings', { ...current, minCell: 4 });
    expect(res.statusCode, res.body).toBe(204);
    expect(((await t.call('supervisor_hrss', 'GET', '/api/v1/open-data/settings')).json() as { minCell: number }).minCell).toBe(4);
    expect(await jobs()).toBe(queued + 1);
  });
});

describe('time-limit policies', () => {
  const policy = (priority: number) => ({
    name: { 'zh-Hans': '人社局投诉五日答复' },
    targets: { reply: { amount: 5, mode: 'working_days' } },
    replyClock: 'registration',
    warnAtShare: 0.8,
    maxExtensionDays: 10,
    categoryId: null,
    channel: null,
    kind: 'complaint',
    priority,
    isActive: true,
    pausedStatuses: ['on_hold'],
    maxReopenRounds: 1,
    reopenWindowDays: 15,
    holdReminderDays: null,
    holdLimitDays: null,
  });
  const state = async (): Promise<string> =>
    [await snapshot('SELECT * FROM sla_policies ORDER BY code'), await snapshot(`SELECT count(*) FROM audit_log WHERE subject_kind = 'sla_policy'`)].join('\n');

  it('an administrator of a bureau reads them but neither creates nor changes one', async () => {
    const before = await state();
    const read = await t.call('admin_hrss', 'GET', '/api/v1/sla/policies');
    expect(read.statusCode, read.body).toBe(200);
    const existing = (read.json() as { items: { code: string }[] }).items[0];
    expect(existing).toBeDefined();
    expect(refusalOf(await t.call('admin_hrss', 'PUT', '/api/v1/sla/policies/hrss_complaints', policy(500)))).toEqual(NOT_TOP);
    expect(refusalOf(await t.call('admin_hrss', 'PUT', `/api/v1/sla/policies/${existing?.code ?? ''}`, policy(500)))).toEqual(NOT_TOP);
    expect(await state()).toBe(before);
  });

  it('an administrator of the top unit creates one', async () => {
    const res = await t.call('admin', 'PUT', '/api/v1/sla/policies/hrss_complaints', policy(5));
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ code: 'hrss_complaints', priority: 5 });
  });
});

describe('calendars', () => {
  const calendars = new Map<string, string>();
  const calendarId = (code: string): string => {
    const id = calendars.get(code);
    if (!id) throw new Error(`no calendar ${code}`);
    return id;
  };
  const days = (code: string) => snapshot(`SELECT date, is_workday FROM calendar_days WHERE calendar_id = '${calendarId(code)}' ORDER BY date`);
  const events = (code: string) => snapshot(`SELECT count(*) FROM work_item_events WHERE item_kind = 'calendar' AND item_id::text = '${calendarId(code)}'`);
  const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'BEGIN:VEVENT', 'DTSTART;VALUE=DATE:20270305', 'SUMMARY:停工日', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');

  beforeAll(async () => {
    const db = t.database.db;
    const make = async (code: string, usedBy: string[]): Promise<void> => {
      const row = await db.insertInto('calendars').values({ code, name: JSON.stringify({ 'zh-Hans': code }), base: 'tibet', options: '{}' }).returning('id').executeTakeFirstOrThrow();
      calendars.set(code, row.id);
      if (usedBy.length > 0) await db.updateTable('units').set({ calendar_id: row.id }).where('code', 'in', usedBy).execute();
    };
    const region = await db.selectFrom('calendars').select('id').where('code', '=', 'xizang').executeTakeFirstOrThrow();
    calendars.set('xizang', region.id);
    await make('hrss_own', ['hrss']);
    await make('shared_city', ['hrss_inspection', 'cityman']);
    await make('unused', []);
    // A day to remove, set by the top unit beforehand.
    for (const code of ['xizang', 'shared_city', 'unused']) {
      const set = await t.call('admin', 'PUT', `/api/v1/calendars/${calendarId(code)}/days/2027-03-01`, { isWorkday: false });
      expect(set.statusCode, set.body).toBe(200);
    }
  });

  it('an administrator of a bureau changes neither the region\'s calendar, nor one no unit uses, nor one another unit uses too', async () => {
    for (const [code, expected] of [['xizang', NOT_TOP], ['unused', NOT_TOP], ['shared_city', OTHER_UNIT]] as const) {
      const before = [await days(code), await events(code)].join('\n');
      const id = calendarId(code);
      expect(refusalOf(await t.call('admin_hrss', 'PUT', `/api/v1/calendars/${id}/days/2027-03-02`, { isWorkday: false })), code).toEqual(expected);
      expect(refusalOf(await t.call('admin_hrss', 'DELETE', `/api/v1/calendars/${id}/days/2027-03-01`)), code).toEqual(expected);
      expect(refusalOf(await t.call('admin_hrss', 'POST', `/api/v1/calendars/${id}/import`, { ics })), code).toEqual(expected);
      expect([await days(code), await events(code)].join('\n'), code).toBe(before);
    }
  });

  it('the bureau looks after its own calendar, and the top unit after every calendar', async () => {
    const own = calendarId('hrss_own');
    expect((await t.call('admin_hrss', 'PUT', `/api/v1/calendars/${own}/days/2027-03-02`, { isWorkday: false })).statusCode).toBe(200);
    expect((await t.call('admin_hrss', 'POST', `/api/v1/calendars/${own}/import`, { ics })).statusCode).toBe(200);
    expect((await t.call('admin_hrss', 'DELETE', `/api/v1/calendars/${own}/days/2027-03-02`)).statusCode).toBe(204);
    expect(await days('hrss_own')).toBe(JSON.stringify([{ date: '2027-03-05', is_workday: false }]));
    for (const code of ['xizang', 'unused', 'shared_city', 'hrss_own']) {
      const res = await t.call('admin', 'PUT', `/api/v1/calendars/${calendarId(code)}/days/2027-03-03`, { isWorkday: false });
      expect(res.statusCode, `${code}: ${res.body}`).toBe(200);
    }
  });
});

describe('duplicate and suggestion settings', () => {
  const state = () => snapshot('SELECT key, value, updated_at FROM text_settings ORDER BY key');

  it('an administrator of a bureau reads them but cannot switch on auto-dispatch or change duplicate detection', async () => {
    const before = await state();
    for (const url of ['/api/v1/duplicates/settings', '/api/v1/suggestions/settings']) expect((await t.call('admin_hrss', 'GET', url)).statusCode, url).toBe(200);
    const categories = (await t.call(null, 'GET', '/api/v1/categories')).json() as { items: { id: string }[] };
    const everything = { autoThreshold: 0.5, autoDispatchCategoryIds: categories.items.map((c) => c.id), isAutoDispatchingSubmissions: true };
    expect(refusalOf(await t.call('admin_hrss', 'PUT', '/api/v1/suggestions/settings', everything))).toEqual(NOT_TOP);
    expect(refusalOf(await t.call('admin_hrss', 'PUT', '/api/v1/duplicates/settings', { minScore: 0.99 }))).toEqual(NOT_TOP);
    expect(await state()).toBe(before);
  });

  it('an administrator of the top unit changes them', async () => {
    const dup = await t.call('admin', 'PUT', '/api/v1/duplicates/settings', { minScore: 0.5 });
    expect(dup.statusCode, dup.body).toBe(200);
    expect(dup.json()).toMatchObject({ minScore: 0.5 });
    const sug = await t.call('admin', 'PUT', '/api/v1/suggestions/settings', { autoThreshold: 0.95 });
    expect(sug.statusCode, sug.body).toBe(200);
    expect(sug.json()).toMatchObject({ autoThreshold: 0.95 });
  });
});

describe('reply templates', () => {
  type Template = { id: string; unitId: string | null; version: number; isActive: boolean };
  const template = (code: string, unit: string | null) => ({
    code,
    categoryId: null,
    unitId: unit === null ? null : unitId(unit),
    title: { 'zh-Hans': '关于您反映问题的答复', bo: 'ཁྱེད་ཀྱི་གནད་དོན་གྱི་ལན།' },
    body: { 'zh-Hans': '{requesterName}您好，已办理。', bo: '{requesterName} ལགས། ཐག་གཅོད་བྱས་ཟིན།' },
  });
  const made = new Map<string, Template>();
  const state = () => snapshot('SELECT id, code, unit_id, version, is_active, title, body FROM reply_templates ORDER BY id');

  beforeAll(async () => {
    for (const [code, unit] of [['general.thanks', null], ['city.thanks', 'cityman'], ['region.thanks', 'lhasa'], ['hrss.thanks', 'hrss']] as const) {
      const res = await t.call('admin', 'POST', '/api/v1/reply-templates', template(code, unit));
      expect(res.statusCode, res.body).toBe(201);
      made.set(code, res.json() as Template);
    }
  });
  const idOf = (code: string): string => made.get(code)?.id ?? '';

  it("an administrator of a bureau neither changes general templates nor another unit's, nor writes one for them", async () => {
    const before = await state();
    for (const [code, expected] of [['general.thanks', NOT_TOP], ['region.thanks', NOT_TOP], ['city.thanks', OTHER_UNIT]] as const) {
      expect(refusalOf(await t.call('admin_hrss', 'PUT', `/api/v1/reply-templates/${idOf(code)}`, template(code, 'hrss'))), code).toEqual(expected);
      expect(refusalOf(await t.call('admin_hrss', 'DELETE', `/api/v1/reply-templates/${idOf(code)}`)), code).toEqual(expected);
    }
    expect(refusalOf(await t.call('admin_hrss', 'POST', '/api/v1/reply-templates', template('hrss.general', null)))).toEqual(NOT_TOP);
    expect(refusalOf(await t.call('admin_hrss', 'POST', '/api/v1/reply-templates', template('hrss.region', 'lhasa')))).toEqual(NOT_TOP);
    // Its own template may not be moved out of its units either.
    expect(refusalOf(await t.call('admin_hrss', 'PUT', `/api/v1/reply-templates/${idOf('hrss.thanks')}`, template('hrss.thanks', null)))).toEqual(NOT_TOP);
    // A unit outside one's own is a wrong answer in the form's unit field, as on the staff-account form.
    for (const [method, url] of [['POST', '/api/v1/reply-templates'], ['PUT', `/api/v1/reply-templates/${idOf('hrss.thanks')}`]] as const) {
      const res = await t.call('admin_hrss', method, url, template('hrss.thanks', 'cityman'));
      expect(res.statusCode, res.body).toBe(400);
      expect((res.json() as { error: { details: { issues: unknown[] } } }).error.details.issues).toEqual([{ path: 'body.unitId', message: 'outside_scope' }]);
    }
    expect(await state()).toBe(before);
  });

  it('the bureau looks after the templates of its units; the top unit after every template', async () => {
    const below = await t.call('admin_hrss', 'POST', '/api/v1/reply-templates', template('inspection.thanks', 'hrss_inspection'));
    expect(below.statusCode, below.body).toBe(201);
    const edited = await t.call('admin_hrss', 'PUT', `/api/v1/reply-templates/${idOf('hrss.thanks')}`, { ...template('hrss.thanks', 'hrss'), title: { 'zh-Hans': '人社局答复', bo: 'ལན།' } });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json()).toMatchObject({ version: 2, unitId: unitId('hrss') });
    const retired = await t.call('admin_hrss', 'DELETE', `/api/v1/reply-templates/${(below.json() as Template).id}`);
    expect(retired.statusCode, retired.body).toBe(200);
    expect(retired.json()).toMatchObject({ isActive: false });
    for (const code of ['general.thanks', 'city.thanks', 'region.thanks']) {
      const res = await t.call('admin', 'PUT', `/api/v1/reply-templates/${idOf(code)}`, template(code, 'cityman'));
      expect(res.statusCode, `${code}: ${res.body}`).toBe(200);
    }
  });
});

describe('call scripts and callback questionnaires', () => {
  const script = { kind: 'complaint', body: { 'zh-Hans': '{requesterName}您好，关于{title}的回访。', bo: '{requesterName} ལགས། {title}', en: 'Hello {requesterName}, about {title}.' } };
  const questionnaire = {
    kind: 'complaint',
    questions: [{ id: 'comment', type: 'text', text: { 'zh-Hans': '还有什么要说的吗？', bo: 'གཞན་གསུང་རྒྱུ་ཡོད་དམ།', en: 'Anything else to say?' } }],
  };
  const state = () => snapshot('SELECT * FROM callback_scripts ORDER BY id');
  const questions = () => snapshot('SELECT * FROM callback_questionnaires ORDER BY kind NULLS FIRST, version');

  it('an administrator of a bureau changes neither: every callback desk reads them', async () => {
    const [scriptsBefore, questionsBefore] = [await state(), await questions()];
    expect(refusalOf(await t.call('admin_hrss', 'PUT', '/api/v1/callbacks/scripts', script))).toEqual(NOT_TOP);
    expect(refusalOf(await t.call('admin_hrss', 'PUT', '/api/v1/callbacks/questionnaires', questionnaire))).toEqual(NOT_TOP);
    expect(await state()).toBe(scriptsBefore);
    expect(await questions()).toBe(questionsBefore);
  });

  it('an administrator of the top unit changes them', async () => {
    expect((await t.call('admin', 'PUT', '/api/v1/callbacks/scripts', script)).statusCode).toBe(200);
    const saved = await t.call('admin', 'PUT', '/api/v1/callbacks/questionnaires', questionnaire);
    expect(saved.statusCode, saved.body).toBe(200);
  });
});
