import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshAllOpenData } from '../../src/db/open-data.repository.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { fieldCryptoFor } from '../../src/db/data-keys.js';
import { openIdentity } from '../../src/db/requester-crypto.js';
import { runCli } from '../../src/cli/run-cli.js';

/**
 * The open-data portal: what the public may see of cases, and only that. Cases full of personal data come
 * in through the web form and staff intake; every public endpoint, in every language and format, is then
 * searched for any of it and for every requester's name and phone in the database.
 */

const NAME = '次仁卓嘎';
const PHONE = '13908912345';
const ID_NUMBER = '540102198807156623';
const EMAIL = 'drolkar.open@example.cn';
const PLATE = '藏A·7Q8W9';
const LAT = 29.6523871;
const LNG = 91.1172143;
const TEXT = `我叫${NAME}，电话 ${PHONE}，身份证 ${ID_NUMBER}，邮箱 ${EMAIL}。住北京中路12号3栋501室，楼下车辆${PLATE}每晚鸣笛。`;
const NEEDLES = [NAME, '卓嘎', PHONE, '139 0891 2345', ID_NUMBER, EMAIL, PLATE, '7Q8W9', '12号', '501室', String(LAT), String(LNG), '29.65238', '91.11721'];

let t: TestApp;
const caseIds: Record<string, string> = {};
let categoryIds: Record<string, string> = {};
let cityman = '';

const intake = async (key: string, body: Record<string, unknown>, user: string | null = 'agent') => {
  const res = await t.call(user, 'POST', user ? '/api/v1/cases' : '/api/v1/public/cases', body);
  expect(res.statusCode, res.body).toBe(201);
  const trackingNo = (res.json() as { trackingNo: string }).trackingNo;
  caseIds[key] = (await t.database.db.selectFrom('cases').select('id').where('tracking_no', '=', trackingNo).executeTakeFirstOrThrow()).id;
};

const act = async (user: string, key: string, action: string, body: unknown) => {
  const res = await t.call(user, 'POST', `/api/v1/cases/${caseIds[key]}/${action}`, body);
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
};

type ListItem = { id: string; title: string; text: string; reply: string | null; status: string; district: { code: string } | null; category: { code: string } | null; location: { lat: number; lng: number } | null };
const list = async (query = '') => {
  const res = await t.call(null, 'GET', `/api/v1/public/open-data/cases?pageSize=200${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: ListItem[]; total: number };
};
const publicIdOf = async (key: string) =>
  (await t.database.db.selectFrom('open_data_cases').select('public_id').where('case_id', '=', caseIds[key] as string).executeTakeFirst())?.public_id;

beforeAll(async () => {
  t = await createTestApp();
  const categories = await t.database.db.selectFrom('categories').select(['id', 'code']).execute();
  categoryIds = Object.fromEntries(categories.map((c) => [c.code, c.id]));
  cityman = (await t.database.db.selectFrom('units').select('id').where('code', '=', 'cityman').executeTakeFirstOrThrow()).id;
  const requester = { name: NAME, phone: PHONE, idNumber: ID_NUMBER, email: EMAIL };
  await intake('report', { kind: 'report', title: `${NAME}反映噪音`, description: TEXT, categoryId: categoryIds['noise'], address: '城关区北京中路12号', lat: LAT, lng: LNG, requester: { name: NAME, phone: PHONE } }, null);
  await intake('complaint', { channel: 'phone', kind: 'complaint', title: '噪音投诉', description: TEXT, categoryId: categoryIds['noise'], address: '堆龙德庆区东嘎街道', requester });
  await intake('petition', { channel: 'petition', kind: 'complaint', title: '信访：征地补偿', description: TEXT, categoryId: categoryIds['petition_matter'], requester });
  await intake('wages', { channel: 'phone', kind: 'complaint', title: '拖欠工资', description: TEXT, categoryId: categoryIds['wage_arrears'], requester });
  await intake('private', { channel: 'phone', kind: 'report', title: '私密案件', description: TEXT, categoryId: categoryIds['sanitation'], requester });
  await intake('formula', { channel: 'phone', kind: 'suggestion', title: '=HYPERLINK("http://evil.example","点击")', description: '+1 建议增加路灯', categoryId: categoryIds['road_traffic'], requester });
  await act('dispatcher', 'report', 'dispatch', { unitId: cityman });
  await act('handler_city', 'report', 'accept', {});
  await act('handler_city', 'report', 'reply', { text: `已联系${NAME}（${PHONE}），车辆${PLATE}已处理。`, outcome: 'resolved' });
  await t.database.db.insertInto('open311_private_cases').values({ case_id: caseIds['private'] as string, reason: 'test', marked_by: null, marked_at: new Date() }).execute();
  await t.runBackground();
  await refreshAllOpenData(t.database.db, new Date());
});

afterAll(async () => {
  await t.close();
});

describe('the public list', () => {
  it('shows a published case anonymised: masked text and reply, district, coarse location, no requester', async () => {
    const { items } = await list();
    const report = items.find((i) => i.title.endsWith('反映噪音'));
    expect(report).toMatchObject({ status: 'replied', district: { code: 'chengguan' }, category: { code: 'noise' } });
    expect(report?.title).toBe('[***]反映噪音');
    expect(report?.text).toContain('北京中路[***]');
    expect(report?.reply).toBe('已联系[***]（[***]），车辆[***]已处理。');
    expect(Math.abs((report?.location?.lat ?? 0) - LAT) * 111_320).toBeLessThan(200);
    expect(report?.location?.lat).not.toBe(LAT);
    expect(Object.keys(report ?? {}).sort()).toEqual(['category', 'district', 'id', 'location', 'registeredOn', 'repliedOn', 'reply', 'status', 'text', 'title']);
  });

  it('dates a publication from the case\'s first event, though the background refreshed all its events in one batch', async () => {
    const id = caseIds['report'] as string;
    const row = await t.database.db.selectFrom('open_data_cases').select(['state', 'published_at']).where('case_id', '=', id).executeTakeFirstOrThrow();
    const events = await t.database.db.selectFrom('work_item_events').select(['code', 'at']).where('item_kind', '=', 'case').where('item_id', '=', id).orderBy('seq').execute();
    expect(events.map((e) => e.code)).toEqual(['case.registered', 'case.dispatched', 'case.accepted', 'case.replied']);
    expect(row.state).toBe('published');
    expect(row.published_at).toEqual(events[0]?.at);
    expect(row.published_at).not.toEqual(events.at(-1)?.at);
  });

  it('never publishes petitions, private categories or cases marked private, and waits for review where the kind asks', async () => {
    expect(await publicIdOf('petition')).toBeUndefined();
    expect(await publicIdOf('wages')).toBeUndefined();
    expect(await publicIdOf('private')).toBeUndefined();
    const { items } = await list();
    const ids = items.map((i) => i.id);
    expect(ids).toContain(await publicIdOf('report'));
    // A complaint needs a reviewer first.
    expect(ids).not.toContain(await publicIdOf('complaint'));
    expect(items.some((i) => i.title.includes('信访') || i.title.includes('拖欠工资') || i.title.includes('私密'))).toBe(false);
  });

  it('filters by district, category and status', async () => {
    const chengguan = await list('&district=chengguan');
    expect(chengguan.items.every((i) => i.district?.code === 'chengguan')).toBe(true);
    const city = await list(`&category=${categoryIds['city']}`);
    expect(city.items.length).toBeGreaterThan(0);
    expect(city.items.every((i) => ['noise', 'sanitation', 'road_traffic', 'heating_water'].includes(i.category?.code ?? ''))).toBe(true);
    expect((await list('&status=replied')).items.every((i) => i.status === 'replied')).toBe(true);
    const bad = await t.call(null, 'GET', '/api/v1/public/open-data/cases?status=secret');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'validation.failed' } });
  });
});

describe('staff review', () => {
  it('refuses anyone without opendata.manage, and changes nothing', async () => {
    const before = await t.database.db.selectFrom('open_data_cases').selectAll().where('case_id', '=', caseIds['complaint'] as string).executeTakeFirstOrThrow();
    expect((await t.call(null, 'PUT', `/api/v1/open-data/review/${caseIds['complaint']}`, { action: 'publish' })).statusCode).toBe(401);
    expect((await t.call('agent', 'PUT', `/api/v1/open-data/review/${caseIds['complaint']}`, { action: 'publish' })).statusCode).toBe(403);
    expect((await t.call('handler_city', 'GET', '/api/v1/open-data/review')).statusCode).toBe(403);
    const bad = await t.call('supervisor', 'PUT', `/api/v1/open-data/review/${caseIds['complaint']}`, { action: 'shout', title: 'x' });
    expect(bad.statusCode).toBe(400);
    expect((await t.call('supervisor', 'PUT', `/api/v1/open-data/review/${caseIds['petition']}`, { action: 'publish' })).json()).toMatchObject({ error: { code: 'resource.not_found' } });
    const after = await t.database.db.selectFrom('open_data_cases').selectAll().where('case_id', '=', caseIds['complaint'] as string).executeTakeFirstOrThrow();
    expect(after).toEqual(before);
    expect(await t.database.db.selectFrom('audit_log').select('id').where('action', 'like', 'open_data.%').execute()).toEqual([]);
  });

  it('a supervisor edits and publishes a case; the edit is masked, served, and audited with before and after', async () => {
    const pending = (await t.call('supervisor', 'GET', '/api/v1/open-data/review?state=pending')).json() as { items: { caseId: string; auto: { text: string } }[] };
    const mine = pending.items.find((i) => i.caseId === caseIds['complaint']);
    expect(mine?.auto.text).not.toContain(PHONE);
    const res = await t.call('supervisor', 'PUT', `/api/v1/open-data/review/${caseIds['complaint']}`, {
      action: 'publish', title: '东嘎街道夜间噪音', text: `夜间噪音扰民，请回电 ${PHONE}。`,
    });
    expect(res.statusCode, res.body).toBe(204);
    const { items } = await list();
    const published = items.find((i) => i.title === '东嘎街道夜间噪音');
    expect(published).toMatchObject({ title: '东嘎街道夜间噪音', text: '夜间噪音扰民，请回电 [***]。', district: { code: 'doilungdeqen' } });
    const audit = await t.database.db.selectFrom('audit_log').select(['action', 'actor_name', 'subject_id', 'data']).where('action', '=', 'open_data.publish').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_name: 'supervisor', subject_id: caseIds['complaint'] });
    expect(audit.data).toMatchObject({ before: { state: 'pending', title: null }, after: { state: 'published', title: '东嘎街道夜间噪音', text: '夜间噪音扰民，请回电 [***]。' } });

    expect((await t.call('supervisor', 'PUT', `/api/v1/open-data/review/${caseIds['complaint']}`, { action: 'withdraw' })).statusCode).toBe(204);
    expect((await list()).items.some((i) => i.title === '东嘎街道夜间噪音')).toBe(false);
    expect(await t.database.db.selectFrom('audit_log').select('id').where('action', '=', 'open_data.withdraw').execute()).toHaveLength(1);
  });

  it('with review required, new text waits for a reviewer: the public never sees unreviewed text', async () => {
    const settings = (await t.call('admin', 'GET', '/api/v1/open-data/settings')).json() as Record<string, unknown>;
    expect((await t.call('agent', 'PUT', '/api/v1/open-data/settings', { ...settings, isReviewRequired: true })).statusCode).toBe(403);
    expect((await t.call('admin', 'PUT', '/api/v1/open-data/settings', { ...settings, isReviewRequired: true, minCell: 0 })).statusCode).toBe(400);
    // Two rules for one value: a coded 400 (not a failed insert), and nothing changed.
    const rules = settings['rules'] as { scope: string; code: string; policy: string }[];
    const twice = await t.call('admin', 'PUT', '/api/v1/open-data/settings', { ...settings, rules: [...rules, { scope: 'kind', code: 'report', policy: 'never' }, { scope: 'kind', code: 'report', policy: 'auto' }] });
    expect(twice.statusCode, twice.body).toBe(400);
    expect(twice.json()).toMatchObject({ error: { code: 'validation.failed' } });
    expect((await t.call('admin', 'GET', '/api/v1/open-data/settings')).json()).toEqual(settings);
    expect((await t.call('admin', 'PUT', '/api/v1/open-data/settings', { ...settings, isReviewRequired: true })).statusCode).toBe(204);
    await t.runBackground();
    await intake('later', { channel: 'phone', kind: 'report', title: '路灯不亮', description: '金珠西路路灯不亮', categoryId: categoryIds['road_traffic'], requester: { name: '旺堆', phone: '13800001111' } });
    await t.runBackground();
    const publicId = await publicIdOf('later');
    expect(publicId).toBeDefined();
    expect((await list()).items.map((i) => i.id)).not.toContain(publicId);
    expect((await t.call('supervisor', 'PUT', `/api/v1/open-data/review/${caseIds['later']}`, { action: 'publish' })).statusCode).toBe(204);
    const shown = (await list()).items.find((i) => i.id === publicId);
    expect(shown).toMatchObject({ title: '路灯不亮', reply: null });
    // A reply arrives after the review: the public still sees the reviewed version only.
    await act('dispatcher', 'later', 'dispatch', { unitId: cityman });
    await act('handler_city', 'later', 'accept', {});
    await act('handler_city', 'later', 'reply', { text: '已修复，旺堆您好。', outcome: 'resolved' });
    await t.runBackground();
    expect((await list()).items.find((i) => i.id === publicId)).toMatchObject({ reply: null, status: 'replied' });
    const waiting = (await t.call('supervisor', 'GET', '/api/v1/open-data/review?unreviewed=true')).json() as { items: { caseId: string }[] };
    expect(waiting.items.map((i) => i.caseId)).toContain(caseIds['later']);
    expect((await t.call('supervisor', 'PUT', `/api/v1/open-data/review/${caseIds['later']}`, { action: 'save' })).statusCode).toBe(204);
    expect((await list()).items.find((i) => i.id === publicId)?.reply).toBe('已修复，[***]您好。');
    expect((await t.call('admin', 'PUT', '/api/v1/open-data/settings', { ...settings, isReviewRequired: false })).statusCode).toBe(204);
    await t.runBackground();
  });

  it('a change is audited with before and after and queues one refresh of every case; saving it unchanged, rules in another order, writes nothing', async () => {
    const settings = (await t.call('admin', 'GET', '/api/v1/open-data/settings')).json() as { minCell: number; rules: { scope: string; code: string; policy: string }[] };
    const audits = () => t.database.db.selectFrom('audit_log').select('data').where('action', '=', 'open_data.settings_changed').orderBy('id').execute();
    const refreshJobs = async () => (await t.database.db.selectFrom('jobs').select('id').where('kind', '=', 'open_data.refresh_all').execute()).length;
    await t.runBackground();
    const [auditsBefore, jobsBefore] = [(await audits()).length, await refreshJobs()];
    const changed = { ...settings, minCell: settings.minCell + 1 };
    expect((await t.call('admin', 'PUT', '/api/v1/open-data/settings', changed)).statusCode).toBe(204);
    const written = await audits();
    expect(written).toHaveLength(auditsBefore + 1);
    expect(written.at(-1)?.data).toMatchObject({ before: { minCell: settings.minCell }, after: { minCell: settings.minCell + 1 } });
    expect(await refreshJobs()).toBe(jobsBefore + 1);
    const reordered = { ...changed, rules: [...changed.rules].reverse() };
    expect(reordered.rules.length).toBeGreaterThan(1);
    expect((await t.call('admin', 'PUT', '/api/v1/open-data/settings', reordered)).statusCode).toBe(204);
    expect(await audits()).toHaveLength(auditsBefore + 1);
    expect(await refreshJobs()).toBe(jobsBefore + 1);
    expect((await t.call('admin', 'PUT', '/api/v1/open-data/settings', settings)).statusCode).toBe(204);
    expect(await audits()).toHaveLength(auditsBefore + 2);
    await t.runBackground();
  });
});

describe('publication rules', () => {
  it('a tightened rule takes published cases off the portal once the background refresh has run, and loosening brings them back', async () => {
    const settings = (await t.call('admin', 'GET', '/api/v1/open-data/settings')).json() as { rules: { scope: string; code: string; policy: string }[] };
    const reportId = await publicIdOf('report');
    expect((await list()).items.map((i) => i.id)).toContain(reportId);
    const tightened = { ...settings, rules: [...settings.rules, { scope: 'category', code: 'city', policy: 'never' }] };
    expect((await t.call('admin', 'PUT', '/api/v1/open-data/settings', tightened)).statusCode).toBe(204);
    await t.runBackground();
    expect(await publicIdOf('report')).toBeUndefined();
    // The complaint a supervisor edited and withdrew is kept, unserved and uncounted, so its withdrawal is not forgotten.
    const kept = await t.database.db.selectFrom('open_data_cases').select(['policy', 'state', 'served_text']).where('case_id', '=', caseIds['complaint'] as string).executeTakeFirstOrThrow();
    expect(kept).toEqual({ policy: 'never', state: 'withdrawn', served_text: null });
    expect((await t.call('supervisor', 'PUT', `/api/v1/open-data/review/${caseIds['complaint']}`, { action: 'publish' })).statusCode).toBe(404);
    expect((await list()).items.some((i) => i.category?.code === 'noise' || i.category?.code === 'road_traffic')).toBe(false);
    const audit = await t.database.db.selectFrom('audit_log').select(['data']).where('action', '=', 'open_data.settings_changed').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(JSON.stringify(audit.data)).toContain('"policy":"never"');
    expect((await t.call('admin', 'PUT', '/api/v1/open-data/settings', settings)).statusCode).toBe(204);
    await t.runBackground();
    expect((await list()).items.some((i) => i.title === '[***]反映噪音')).toBe(true);
    expect((await list()).items.some((i) => i.title === '东嘎街道夜间噪音')).toBe(false);
    expect(await t.database.db.selectFrom('open_data_cases').select(['policy', 'state']).where('case_id', '=', caseIds['complaint'] as string).executeTakeFirstOrThrow()).toEqual({ policy: 'review', state: 'withdrawn' });
  });
});

describe('statistics', () => {
  it('counts per district and category with small cells suppressed', async () => {
    const res = await t.call(null, 'GET', '/api/v1/public/open-data/stats');
    expect(res.statusCode, res.body).toBe(200);
    const stats = res.json() as { minCell: number; cells: { district: { code: string } | null; category: { code: string } | null; cases: number | string; replyRate: number | null }[] };
    expect(stats.minCell).toBe(3);
    const counts = await t.database.db.selectFrom('open_data_cases').select(['district_code', 'category_id']).execute();
    expect(stats.cells.length).toBeGreaterThan(0);
    for (const cell of stats.cells) {
      if (typeof cell.cases === 'number') expect(cell.cases === 0 || cell.cases >= 3).toBe(true);
      else {
        expect(cell.cases).toBe('<3');
        expect(cell.replyRate).toBeNull();
      }
    }
    expect(stats.cells.some((c) => c.cases === '<3')).toBe(true);
    // Petitions and wage cases are not counted anywhere.
    expect(counts.some((c) => c.category_id === categoryIds['petition_matter'] || c.category_id === categoryIds['wage_arrears'])).toBe(false);
    expect((await t.call(null, 'GET', '/api/v1/public/open-data/stats?from=2026-12-01&to=2026-11-01')).statusCode).toBe(400);
  });
});

describe('exports', () => {
  it('JSON and CSV exports hold exactly the list', async () => {
    const { items } = await list();
    const json = await t.call(null, 'GET', '/api/v1/public/open-data/cases.json');
    expect(json.statusCode).toBe(200);
    expect((json.json() as { items: unknown[] }).items).toEqual(items);
    const csv = await t.call(null, 'GET', '/api/v1/public/open-data/cases.csv?lang=en');
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body.startsWith('\uFEFF"id","title","text","reply"')).toBe(true);
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines).toHaveLength(items.length + 1);
    for (const item of items) expect(csv.body).toContain(`"${item.id}"`);
    expect(csv.body).toContain('"\'=HYPERLINK(""http://evil.example"",""点击"")"');
    expect(csv.body).toContain('"\'+1 建议增加路灯"');
    const stats = await t.call(null, 'GET', '/api/v1/public/open-data/stats.csv?lang=bo');
    expect(stats.body.startsWith('\uFEFF"ཆུས་རྫོང་།"')).toBe(true);
  });
});

describe('bihuan open-data refresh', () => {
  it('queues the refresh of every case once, and the background brings a lost snapshot back', async () => {
    await t.runBackground();
    const reportId = await publicIdOf('report');
    expect(reportId).toBeDefined();
    // A snapshot lost or gone stale outside the application (a restore, a bug fixed in a new version).
    await t.database.db.deleteFrom('open_data_cases').where('case_id', '=', caseIds['report'] as string).execute();
    const out: string[] = [];
    const io = { stdout: (line: string) => out.push(line), stderr: (line: string) => out.push(`! ${line}`), writeStdout: () => {} };
    expect(await runCli(['open-data', 'refresh', '--database-url', t.database.url], io)).toBe(0);
    expect(await runCli(['open-data', 'refresh', '--database-url', t.database.url], io)).toBe(0);
    expect(out[1]).toMatch(/already waiting/);
    const waiting = await t.database.db.selectFrom('jobs').select('id').where('kind', '=', 'open_data.refresh_all').where('done_at', 'is', null).execute();
    expect(waiting).toHaveLength(1);
    expect(await runCli(['open-data', 'refresh', 'everything', '--database-url', t.database.url], io)).toBe(2);
    // A database without the schema (here: a search path that finds none of its tables) is told so, not a stack trace.
    const elsewhere = `${t.database.url}${t.database.url.includes('?') ? '&' : '?'}options=${encodeURIComponent('-c search_path=nowhere')}`;
    expect(await runCli(['open-data', 'refresh', '--database-url', elsewhere], io)).toBe(2);
    expect(out.at(-1)).toMatch(/no Bihuan schema yet/);
    await t.runBackground();
    expect(await publicIdOf('report')).toBeDefined();
    expect((await list()).items.length).toBeGreaterThan(0);
  });
});

describe('privacy', () => {
  it('no public endpoint, in any language or format, holds personal data or any requester\'s name or phone', async () => {
    const rows = await t.database.db.selectFrom('requesters').select(['id', 'name', 'phone', 'id_number', 'email']).execute();
    const requesters = rows.map((row) => openIdentity(fieldCryptoFor(), row.id, row));
    const needles = new Set(NEEDLES);
    for (const r of requesters) for (const v of [r.name, r.phone, r.idNumber, r.email]) if (v && v.length >= 2) needles.add(v);
    const urls: string[] = [];
    for (const lang of ['zh-Hans', 'bo', 'en']) {
      for (const path of ['cases?pageSize=200', 'cases.csv?x=1', 'cases.json?x=1', 'stats?x=1', 'stats.csv?x=1', 'stats.json?x=1', 'meta?x=1', 'cases?status=replied&pageSize=200']) {
        urls.push(`/api/v1/public/open-data/${path}&lang=${lang}`);
      }
    }
    let bytes = 0;
    for (const url of urls) {
      const res = await t.call(null, 'GET', url);
      expect(res.statusCode, url).toBe(200);
      bytes += res.body.length;
      for (const needle of needles) expect(res.body.includes(needle), `${url} contains ${needle}`).toBe(false);
    }
    expect(needles.size).toBeGreaterThan(NEEDLES.length);
    expect(bytes).toBeGreaterThan(10_000);
  });
});
