import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, bucketLabel, bucketStart, chinaDayOf, chinaDayStart } from '../../src/core/stats/periods.js';
import type { Counter, RateName } from '../../src/core/stats/stats.types.js';
import { COUNTER_COLUMNS, rebuildStats } from '../../src/db/stats.repository.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * A hand-computed fixture: twelve cases registered on one day (tomorrow, China time, so that no demo case shares
 * it; the clock must not go back, or queued events would not be due yet), driven through the API into every situation the definitions distinguish. The expected counts below were
 * worked out by hand from the definitions in docs/statistics.md, case by case:
 *
 *   A wage_arrears complaint → hrss, accepted in time, replied resolved (¥3,000), callback yes/satisfied
 *   B wage_arrears help      → hrss, accepted after the acceptance limit, replied explained, callback partly/fairly satisfied
 *   C noise complaint (web)  → cityman, accepted, replied partly resolved, requester rates no/dissatisfied
 *   D policy enquiry         → resolved on intake, callback yes/satisfied
 *   E consumer complaint     → rejected at intake
 *   F wage_arrears complaint → merged into A
 *   G labour_dispute complaint → union, accepted, replied resolved (¥24,000)
 *   H labour_dispute help    → union, accepted, replied explained
 *   I wage_arrears complaint → hrss, awaiting acceptance
 *   J noise complaint        → cityman, returned by the unit
 *   K noise complaint        → cityman, accepted, replied resolved, callback no/dissatisfied, reopened (awaiting again)
 *   L wage_arrears complaint → cityman, transferred to hrss before acceptance, accepted by hrss
 */
type CaseBody = { id: string; trackingNo: string; accessCode?: string; status: string; acceptDueAt: string | null };
type Ratio = { value: number | null; numerator: number; denominator: number };
type Figures = { counts: Record<Counter, number>; rates: Record<RateName, Ratio>; score: number | null };

const DAY = addDays(chinaDayOf(new Date()), 1);
const NEXT = addDays(DAY, 1);
let clock = chinaDayStart(DAY).getTime() + 10 * 3600_000;
let t: TestApp;
const units = new Map<string, string>();
const categories = new Map<string, string>();
const cases = new Map<string, CaseBody>();

const call = async (user: string | null, method: 'GET' | 'POST', url: string, body?: unknown) => {
  clock += 60_000;
  return t.call(user, method, url, body);
};
const act = async (user: string, key: string, action: string, body: unknown = {}): Promise<CaseBody> => {
  const res = await call(user, 'POST', `/api/v1/cases/${cases.get(key)?.id}/${action}`, body);
  expect(res.statusCode, `${key} ${action}: ${res.body}`).toBe(200);
  return res.json() as CaseBody;
};
const register = async (key: string, category: string, kind: string, channel: string, title: string, address?: string) => {
  const res = await call('agent', 'POST', '/api/v1/cases', { channel, kind, title, description: `${title}。`, categoryId: categories.get(category), address });
  expect(res.statusCode, res.body).toBe(201);
  cases.set(key, res.json() as CaseBody);
};
const get = async <T>(user: string, url: string): Promise<T> => {
  const res = await t.call(user, 'GET', url);
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
  return res.json() as T;
};

const RANGE = `from=${DAY}&to=${DAY}`;

beforeAll(async () => {
  t = await createTestApp({ now: () => new Date(clock), sessionTtlHours: 24 * 365 });
  for (const u of ((await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] }).items) units.set(u.code, u.id);
  for (const c of ((await t.call(null, 'GET', '/api/v1/categories')).json() as { items: { id: string; code: string }[] }).items) categories.set(c.code, c.id);

  await register('A', 'wage_arrears', 'complaint', 'phone', '工地拖欠工资三个月', '拉萨市城关区北京中路12号');
  await register('B', 'wage_arrears', 'help', 'phone', '饭店拖欠工资两个月', '拉萨市城关区北京中路88号');
  await register('C', 'noise', 'complaint', 'web', '烧烤店深夜噪音扰民', '拉萨市城关区北京中路5号');
  await register('D', 'policy_enquiry', 'enquiry', 'phone', '灵活就业养老保险怎么交');
  await register('E', 'consumer', 'complaint', 'phone', '商场退货纠纷');
  await register('F', 'wage_arrears', 'complaint', 'phone', '工地拖欠工资（同一工地）', '拉萨市城关区北京中路12号');
  await register('G', 'labour_dispute', 'complaint', 'visit', '未签劳动合同被辞退');
  await register('H', 'labour_dispute', 'help', 'phone', '加班费争议');
  await register('I', 'wage_arrears', 'complaint', 'phone', '保安公司克扣工资');
  await register('J', 'noise', 'complaint', 'phone', '工地夜间施工噪音');
  await register('K', 'noise', 'complaint', 'phone', '广场舞音响噪音');
  await register('L', 'wage_arrears', 'complaint', 'phone', '装修公司拖欠工资');

  for (const [key, unit] of [['A', 'hrss'], ['B', 'hrss'], ['C', 'cityman'], ['G', 'union'], ['H', 'union'], ['J', 'cityman'], ['K', 'cityman'], ['L', 'cityman']] as const) {
    cases.set(key, { ...(cases.get(key) as CaseBody), ...(await act('dispatcher', key, 'dispatch', { unitId: units.get(unit) })) });
  }
  await act('handler', 'A', 'accept');
  await act('handler_city', 'C', 'accept');
  await act('handler_union', 'G', 'accept');
  await act('handler_union', 'H', 'accept');
  await act('handler_city', 'K', 'accept');
  await act('handler_city', 'J', 'return', { reason: '不属于本单位职责' });
  await act('dispatcher', 'L', 'transfer', { unitId: units.get('hrss'), reason: '派错单位' });
  await act('handler', 'L', 'accept');

  // Only B waits for acceptance now: let its acceptance limit pass, and the timer write the overdue event.
  clock = new Date(cases.get('B')?.acceptDueAt ?? 0).getTime() + 60_000;
  await t.runBackground();
  await act('handler', 'B', 'accept');
  await act('dispatcher', 'I', 'dispatch', { unitId: units.get('hrss') });

  await act('handler', 'A', 'reply', { text: '已追回工资。', outcome: 'resolved', amountRecoveredFen: 300_000 });
  await act('handler', 'B', 'reply', { text: '已解释政策。', outcome: 'explained' });
  await act('handler_city', 'C', 'reply', { text: '已责令整改。', outcome: 'partly_resolved' });
  await act('handler_union', 'G', 'reply', { text: '调解成功。', outcome: 'resolved', amountRecoveredFen: 2_400_000 });
  await act('handler_union', 'H', 'reply', { text: '已解释。', outcome: 'explained' });
  await act('handler_city', 'K', 'reply', { text: '已处理。', outcome: 'resolved' });
  await act('agent', 'D', 'resolve-on-intake', { text: '可到社保窗口办理。' });

  await act('agent', 'A', 'callback', { resolved: 'yes', satisfaction: 'satisfied' });
  await act('agent', 'B', 'callback', { resolved: 'partly', satisfaction: 'fairly_satisfied' });
  await act('agent', 'D', 'callback', { resolved: 'yes', satisfaction: 'satisfied' });
  await act('agent', 'K', 'callback', { resolved: 'no', satisfaction: 'dissatisfied' });
  const c = cases.get('C') as CaseBody;
  const rated = await call(null, 'POST', `/api/v1/public/cases/${c.trackingNo}/rating`, { accessCode: c.accessCode, resolved: 'no', satisfaction: 'dissatisfied' });
  expect(rated.statusCode, rated.body).toBe(200);
  await act('dispatcher', 'K', 'reopen', { reason: '群众反映仍有噪音' });
  await act('agent', 'E', 'reject', { reason: '属于民事纠纷', advice: '请向消费者协会反映' });
  await act('dispatcher', 'F', 'merge', { masterId: cases.get('A')?.id });
  await t.runBackground();
});

afterAll(async () => {
  await t.close();
});

const counts = (over: Record<string, number>) => ({
  registered: 0, merged: 0, rejected: 0, replied: 0, repliedOnIntake: 0, repliedOnTime: 0, outcomeResolved: 0, open: 0, openOverdue: 0,
  evaluated: 0, callbackDone: 0, evalResolved: 0, evalPartly: 0, satisfied: 0, fairlySatisfied: 0, amountRecoveredFen: 0, reopened: 0,
  dispatched: 0, dispatchAwaiting: 0, acceptedOnTime: 0, acceptLate: 0, dispatchReturned: 0, dispatchWithdrawn: 0, disputeReplied: 0, disputeSettled: 0, ...over,
});

describe('summary on the hand-computed fixture', () => {
  it('counts every case of the city once, with the rates of their definitions', async () => {
    const s = await get<{ scope: { unit: { code: string }; from: string; to: string } } & Figures>('supervisor', `/api/v1/stats/summary?${RANGE}`);
    expect(s.scope).toMatchObject({ unit: { code: 'lhasa' }, from: DAY, to: DAY });
    expect(s.counts).toEqual(
      counts({
        registered: 12, merged: 1, rejected: 1, replied: 6, repliedOnIntake: 1, repliedOnTime: 6, outcomeResolved: 2, open: 4,
        evaluated: 4, callbackDone: 3, evalResolved: 2, evalPartly: 1, satisfied: 2, fairlySatisfied: 1, amountRecoveredFen: 2_700_000,
        reopened: 1, dispatched: 11, dispatchAwaiting: 2, acceptedOnTime: 6, acceptLate: 1, dispatchReturned: 1, dispatchWithdrawn: 1,
        disputeReplied: 2, disputeSettled: 1,
      }),
    );
    // L's first dispatch was transferred away before cityman could accept it in time: not judged.
    expect(s.rates.responseRate).toEqual({ value: 0.75, numerator: 6, denominator: 8 });
    expect(s.rates.onTimeRate).toEqual({ value: 1, numerator: 6, denominator: 6 });
    expect(s.rates.replyRate).toEqual({ value: 7 / 11, numerator: 7, denominator: 11 });
    expect(s.rates.resolutionRate).toEqual({ value: 0.5, numerator: 2, denominator: 4 });
    expect(s.rates.satisfactionRate).toEqual({ value: 0.75, numerator: 3, denominator: 4 });
    expect(s.rates.settlementRate).toEqual({ value: 0.5, numerator: 1, denominator: 2 });
    expect(s.score).toBeCloseTo(66.25, 10);
  });

  it('per unit, with and without sub-units, and with custom weights', async () => {
    const hrss = await get<Figures>('supervisor', `/api/v1/stats/summary?${RANGE}&unit=${units.get('hrss')}`);
    expect(hrss.counts).toEqual(
      counts({
        registered: 4, replied: 2, repliedOnTime: 2, outcomeResolved: 1, open: 2, evaluated: 2, callbackDone: 2, evalResolved: 1, evalPartly: 1,
        satisfied: 1, fairlySatisfied: 1, amountRecoveredFen: 300_000, dispatched: 4, dispatchAwaiting: 1, acceptedOnTime: 2, acceptLate: 1,
      }),
    );
    expect(hrss.rates.responseRate.value).toBeCloseTo(2 / 3, 12);
    expect(hrss.score).toBeCloseTo(72.5, 10);
    const city = await get<Figures>('supervisor', `/api/v1/stats/summary?${RANGE}&unit=${units.get('cityman')}`);
    expect(city.counts).toMatchObject({ registered: 2, replied: 1, open: 1, evaluated: 1, reopened: 1, dispatched: 5, dispatchAwaiting: 1, acceptedOnTime: 2, dispatchReturned: 1, dispatchWithdrawn: 1 });
    expect(city.rates.responseRate).toEqual({ value: 2 / 3, numerator: 2, denominator: 3 });
    const desk = await get<Figures>('supervisor', `/api/v1/stats/summary?${RANGE}&withSubUnits=false`);
    expect(desk.counts).toEqual(
      counts({ registered: 4, replied: 1, repliedOnIntake: 1, repliedOnTime: 1, rejected: 1, merged: 1, open: 1, evaluated: 1, callbackDone: 1, evalResolved: 1, satisfied: 1 }),
    );
    const weighted = await get<Figures>('supervisor', `/api/v1/stats/summary?${RANGE}&weights=onTime:1,reply:1`);
    expect(weighted.score).toBeCloseTo(100 * (1 + 7 / 11) / 2, 10);
  });

  it('filters by category (with its sub-categories), channel and kind', async () => {
    const labour = await get<Figures>('supervisor', `/api/v1/stats/summary?${RANGE}&category=${categories.get('labour')}`);
    expect(labour.counts.registered).toBe(7); // wage arrears A B F I L and labour disputes G H; D (policy enquiry) is filed elsewhere
    const web = await get<Figures>('supervisor', `/api/v1/stats/summary?${RANGE}&channel=web`);
    expect(web.counts).toMatchObject({ registered: 1, replied: 1, evaluated: 1, satisfied: 0 });
    const help = await get<Figures>('supervisor', `/api/v1/stats/summary?${RANGE}&kind=help&category=${categories.get('labour_dispute')}`);
    expect(help.counts).toMatchObject({ registered: 1, replied: 1, outcomeResolved: 0 });
    expect(help.rates.settlementRate).toEqual({ value: 0, numerator: 0, denominator: 1 });
    // Combined filters over part of a month sum the contributions, over whole months the monthly rollups: they agree.
    const month = `${DAY.slice(0, 7)}-01`;
    const filter = `kind=complaint&category=${categories.get('labour')}`;
    const whole = await get<Figures>('supervisor', `/api/v1/stats/summary?from=${month}&to=${addDays(addMonths(month, 1), -1)}&${filter}`);
    const first = await get<Figures>('supervisor', `/api/v1/stats/summary?from=${month}&to=${addDays(month, 14)}&${filter}`);
    const second = await get<Figures>('supervisor', `/api/v1/stats/summary?from=${addDays(month, 15)}&to=${addDays(addMonths(month, 1), -1)}&${filter}`);
    expect(whole.counts.registered).toBeGreaterThanOrEqual(5);
    for (const key of Object.keys(whole.counts) as Counter[]) expect(first.counts[key] + second.counts[key], key).toBe(whole.counts[key]);
    const enquiry = await get<Figures>('supervisor', `/api/v1/stats/summary?${RANGE}&kind=enquiry`);
    expect(enquiry.rates.settlementRate.value).toBeNull();
  });

  it('only ever shows the caller\'s own unit and those below it', async () => {
    const own = await get<{ scope: { unit: { code: string } } } & Figures>('handler', `/api/v1/stats/summary?${RANGE}`);
    expect(own.scope.unit.code).toBe('hrss');
    expect(own.counts.registered).toBe(4);
    const other = await t.call('handler', 'GET', `/api/v1/stats/summary?${RANGE}&unit=${units.get('cityman')}`);
    expect(other.statusCode).toBe(404);
    expect(other.json()).toMatchObject({ error: { code: 'unit.not_found' } });
    expect((await t.call(null, 'GET', '/api/v1/stats/summary')).statusCode).toBe(401);
    const bad = await t.call('supervisor', 'GET', '/api/v1/stats/summary?from=2025-04-01&to=2025-03-01');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'validation.failed', details: { issues: [{ path: 'querystring.from' }] } } });
    expect((await t.call('supervisor', 'GET', '/api/v1/stats/summary?weights=speed:1')).statusCode).toBe(400);
    expect((await t.call('supervisor', 'GET', `/api/v1/stats/summary?category=${units.get('hrss')}`)).json()).toMatchObject({ error: { code: 'category.not_found' } });
  });
});

describe('series, ranking and breakdown', () => {
  it('gives every period, empty ones included, in China time', async () => {
    // The demo cases are 5 to 36 days old: the series start on DAY, so that only the fixture is in them.
    const days = await get<{ items: ({ label: string } & Figures)[] }>('supervisor', `/api/v1/stats/series?period=day&from=${DAY}&to=${addDays(DAY, 2)}`);
    expect(days.items.map((i) => [i.label, i.counts.registered])).toEqual([[DAY, 12], [NEXT, 0], [addDays(DAY, 2), 0]]);
    const weeks = await get<{ items: ({ label: string; start: string; from: string; to: string } & Figures)[] }>('supervisor', `/api/v1/stats/series?period=week&from=${DAY}&to=${addDays(DAY, 13)}`);
    expect(weeks.items.length).toBeGreaterThanOrEqual(2);
    expect(weeks.items[0]).toMatchObject({ label: bucketLabel(bucketStart(DAY, 'week'), 'week'), from: DAY, counts: { registered: 12 } });
    expect(weeks.items.slice(1).every((w) => w.counts.registered === 0 && /^\d{4}-W\d{2}$/.test(w.label))).toBe(true);
    const monthAfter = addMonths(DAY, 1);
    const months = await get<{ items: ({ label: string } & Figures)[] }>('supervisor', `/api/v1/stats/series?period=month&from=${DAY}&to=${addDays(monthAfter, 3)}`);
    expect(months.items.map((i) => [i.label, i.counts.registered])).toEqual([[DAY.slice(0, 7), 12], [monthAfter.slice(0, 7), 0]]);
    expect(months.items[0]?.rates.satisfactionRate.value).toBe(0.75);
    const years = await get<{ items: ({ label: string } & Figures)[] }>('supervisor', `/api/v1/stats/series?period=year&from=${DAY}&to=${addDays(DAY, 400)}`);
    expect(years.items.map((i) => i.counts.registered)).toEqual([12, 0]);
    expect((await t.call('supervisor', 'GET', '/api/v1/stats/series?period=day&from=2020-01-01&to=2025-01-01')).statusCode).toBe(400);
  });

  it('ranks the units below by the composite score, and by any rate', async () => {
    type Ranking = { items: { rank: number | null; unit: { code: string }; value: number | null }[] };
    const byScore = await get<Ranking>('supervisor', `/api/v1/stats/ranking?${RANGE}`);
    expect(byScore.items.slice(0, 3).map((i) => [i.rank, i.unit.code, Number(i.value?.toFixed(4))])).toEqual([
      [1, 'union', 100],
      [2, 'hrss', 72.5],
      [3, 'cityman', 20],
    ]);
    expect(byScore.items.slice(3).every((i) => i.rank === null && i.value === null)).toBe(true);
    const byResponse = await get<Ranking>('supervisor', `/api/v1/stats/ranking?${RANGE}&rate=responseRate`);
    // hrss and cityman both accepted two of three judged dispatches in time: they share rank 2, more cases first.
    expect(byResponse.items.slice(0, 4).map((i) => [i.rank, i.unit.code])).toEqual([[1, 'union'], [2, 'hrss'], [2, 'cityman'], [null, 'chengguan']]);
    const strict = await get<Ranking>('supervisor', `/api/v1/stats/ranking?${RANGE}&rate=satisfactionRate&minCases=2`);
    expect(strict.items.filter((i) => i.rank !== null).map((i) => i.unit.code)).toEqual(['hrss']);
    const all = await get<Ranking>('supervisor', `/api/v1/stats/ranking?${RANGE}&level=units`);
    expect(all.items.map((i) => i.unit.code)).toContain('lhasa');
  });

  it('breaks the figures down by category and channel', async () => {
    const byCategory = await get<{ items: ({ key: string; name: string; parent: { code: string } | null } & Figures)[] }>('supervisor', `/api/v1/stats/breakdown?by=category&${RANGE}&lang=en`);
    expect(byCategory.items[0]).toMatchObject({ key: categories.get('wage_arrears'), name: 'Wage arrears', parent: { code: 'labour' }, counts: { registered: 5 } });
    expect(byCategory.items.map((i) => i.counts.registered).reduce((a, b) => a + b, 0)).toBe(12);
    const byChannel = await get<{ items: ({ key: string } & Figures)[] }>('supervisor', `/api/v1/stats/breakdown?by=channel&${RANGE}`);
    expect(Object.fromEntries(byChannel.items.map((i) => [i.key, i.counts.registered]))).toEqual({ phone: 10, web: 1, visit: 1 });
  });
});

describe('hotspots and backlog', () => {
  it('clusters cases of one category on one street, with the trend against the window before', async () => {
    const res = await get<{ previous: { from: string; to: string }; items: { category: { code: string }; place: string; district: string; count: number; previousCount: number; trend: string; keywords: string[]; caseIds: string[] }[] }>(
      'supervisor',
      `/api/v1/stats/hotspots?from=${DAY}&to=${addDays(DAY, 6)}`,
    );
    expect(res.previous).toEqual({ from: addDays(DAY, -7), to: addDays(DAY, -1) });
    expect(res.items).toHaveLength(1);
    expect(res.items[0]).toMatchObject({ category: { code: 'wage_arrears' }, place: '拉萨市城关区北京中路', district: '拉萨市城关区', count: 3, previousCount: 0, trend: 'new' });
    expect(res.items[0]?.keywords.join(' ')).toMatch(/工资/);
    expect(new Set(res.items[0]?.caseIds)).toEqual(new Set(['A', 'B', 'F'].map((k) => cases.get(k)?.id)));
    const byDistrict = await get<{ items: { place: string; count: number }[] }>('supervisor', `/api/v1/stats/hotspots?from=${DAY}&to=${addDays(DAY, 6)}&by=district&minCases=2`);
    expect(byDistrict.items.map((i) => [i.place, i.count])).toEqual([['拉萨市城关区', 3]]);
  });

  it('lists long-unresolved cases with owners and ages, scoped to the caller', async () => {
    type Backlog = {
      total: number;
      bands: { fromDays: number; toDays: number | null; count: number }[];
      items: { trackingNo: string; owner: { code: string }; status: string; ageDays: number; handler: { displayName: string } | null }[];
    };
    const openIn = async (unitCode: string) =>
      Number(
        (
          await sql<{ n: string }>`SELECT count(*) AS n FROM cases c JOIN units u ON u.id = coalesce(c.lead_unit_id, c.intake_unit_id)
            WHERE c.status IN ('registered', 'dispatched', 'accepted', 'returned') AND u.path <@ (SELECT path FROM units WHERE code = ${unitCode})`.execute(t.database.db)
        ).rows[0]?.n,
      );
    const all = await get<Backlog>('supervisor', '/api/v1/stats/backlog?minAgeDays=0&pageSize=100');
    expect(all.total).toBe(await openIn('lhasa'));
    const mine = new Map(['I', 'J', 'K', 'L'].map((k) => [cases.get(k)?.trackingNo, k]));
    // Oldest first: the demo cases, then the fixture's four open cases, owned by the unit that has them now.
    expect(all.items.filter((i) => mine.has(i.trackingNo)).map((i) => [mine.get(i.trackingNo), i.owner.code, i.status])).toEqual([
      ['I', 'hrss', 'dispatched'],
      ['J', 'lhasa', 'returned'],
      ['K', 'cityman', 'dispatched'],
      ['L', 'hrss', 'accepted'],
    ]);
    expect(all.items.find((i) => i.trackingNo === cases.get('L')?.trackingNo)?.handler?.displayName).toContain('李明');
    expect(all.bands.map((b) => b.fromDays)).toEqual([0, 30, 60, 90, 180, 365]);
    expect(all.bands.reduce((sum, b) => sum + b.count, 0)).toBe(all.total);
    const mineOnly = await get<Backlog>('handler', '/api/v1/stats/backlog?minAgeDays=0&pageSize=100');
    expect(mineOnly.total).toBe(await openIn('hrss'));
    expect(mineOnly.items.every((i) => i.owner.code === 'hrss' || i.owner.code === 'hrss_inspection')).toBe(true);
    const old = await get<Backlog>('supervisor', '/api/v1/stats/backlog');
    expect(old.items.every((i) => i.ageDays >= 30)).toBe(true);
    expect(old.items.some((i) => mine.has(i.trackingNo))).toBe(false);
  });
});

describe('the monthly report as Excel', () => {
  const load = async (res: { rawPayload: Buffer }) => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    return wb;
  };

  it('is the periodic report\'s workbook, at once: real numbers with formats, in the reader\'s language', async () => {
    const month = DAY.slice(0, 7);
    const res = await t.call('supervisor', 'GET', `/api/v1/stats/report.xlsx?period=${month}&lang=en`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['content-disposition']).toContain(`bihuan-report-lhasa-${month}.xlsx`);
    const wb = await load(res);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Summary', 'Trend', 'By unit', 'By category', 'Hotspots', 'Backlog', 'Notable cases']);
    const rows = new Map<string, ExcelJS.Row>();
    wb.getWorksheet('Summary')?.eachRow((row) => rows.set(String(row.getCell(1).value), row));
    const monthEnd = addDays(addMonths(`${month}-01`, 1), -1);
    expect(rows.get('Period')?.getCell(2).value).toBe(`${month}-01 – ${monthEnd}`);
    // A month is compared with the calendar month before.
    expect(rows.get('Previous period')?.getCell(2).value).toBe(`${addMonths(`${month}-01`, -1)} – ${addDays(`${month}-01`, -1)}`);
    const expected = await get<Figures>('supervisor', `/api/v1/stats/summary?from=${month}-01&to=${monthEnd}`);
    expect(rows.get('Cases registered')?.getCell(2).value).toBe(expected.counts.registered);
    expect(rows.get('Cases registered')?.getCell(2).numFmt).toBe('#,##0');
    expect(rows.get('Satisfaction rate')?.getCell(2).value).toBe(expected.rates.satisfactionRate.value);
    expect(rows.get('Satisfaction rate')?.getCell(4).value).toBe(expected.rates.satisfactionRate.denominator);
    expect(rows.get('Satisfaction rate')?.getCell(2).numFmt).toBe('0.0%');
    expect(rows.get('Amount recovered (CNY)')?.getCell(2).value).toBe((expected.counts.amountRecoveredFen ?? 0) / 100);
    expect(rows.get('Amount recovered (CNY)')?.getCell(2).numFmt).toBe('#,##0.00');
    expect(rows.get('Composite score')?.getCell(2).value).toBeCloseTo(expected.score ?? 0, 10);
    const byUnit = wb.getWorksheet('By unit');
    expect(byUnit?.getRow(1).getCell(2).value).toBe('Unit');
    expect(typeof byUnit?.getRow(2).getCell(3).value).toBe('number');
    const byCategory = wb.getWorksheet('By category');
    let registered = 0;
    byCategory?.eachRow((row, n) => {
      if (n > 1) registered += Number(row.getCell(3).value);
    });
    expect(registered).toBe(expected.counts.registered);
    const reasons: string[] = [];
    wb.getWorksheet('Notable cases')?.eachRow((row, n) => {
      if (n > 1) reasons.push(String(row.getCell(5).value));
    });
    for (const reason of ['Dissatisfied', 'Large amount recovered', 'Reopened']) expect(reasons.join(' | ')).toContain(reason);
  });

  it('in Chinese and Tibetan, for a quarter or a year, and refuses a bad period', async () => {
    const quarter = `${DAY.slice(0, 4)}-Q${Math.floor((Number(DAY.slice(5, 7)) - 1) / 3) + 1}`;
    const zhRes = await t.call('supervisor', 'GET', `/api/v1/stats/report.xlsx?period=${quarter}&lang=zh-Hans`);
    expect(zhRes.headers['content-disposition']).toContain(`bihuan-report-lhasa-${quarter}.xlsx`);
    const zh = await load(zhRes);
    expect(zh.worksheets.map((w) => w.name)).toEqual(['概况', '趋势', '单位统计', '分类统计', '热点', '积案', '重点诉求']);
    expect(String(zh.getWorksheet('概况')?.getRow(1).getCell(1).value)).toBe('拉萨市 · 诉求办理季度统计报告');
    const bo = await load(await t.call('supervisor', 'GET', `/api/v1/stats/report.xlsx?period=${DAY.slice(0, 4)}&lang=bo`));
    expect(bo.worksheets[0]?.name).toBe('སྤྱི་བསྡོམས།');
    expect(String(bo.worksheets[0]?.getRow(1).getCell(1).value)).toContain('ལྷ་ས་གྲོང་ཁྱེར།');
    expect(String(bo.worksheets[0]?.getRow(1).getCell(1).value)).toContain('ལོ་འཁོར');
    const bad = await t.call('supervisor', 'GET', '/api/v1/stats/report.xlsx?period=2025-13');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: { code: 'validation.failed', details: { issues: [{ path: 'querystring.period' }] } } });
    expect((await t.call('handler', 'GET', `/api/v1/stats/report.xlsx?period=2025&unit=${units.get('union')}`)).statusCode).toBe(404);
    const future = await t.call('supervisor', 'GET', `/api/v1/stats/report.xlsx?period=${Number(DAY.slice(0, 4)) + 1}`);
    expect(future.statusCode).toBe(400);
    expect(future.json()).toMatchObject({ error: { code: 'validation.failed', message: 'the period has not started yet' } });
  });
});

describe('rollups and the event log', () => {
  const NON_ZERO = sql.raw(`NOT (${COUNTER_COLUMNS.map((c) => `${c} = 0`).join(' AND ')})`);
  const snapshot = async () =>
    (
      await sql<Record<string, unknown>>`
        SELECT * FROM stats_rollups WHERE ${NON_ZERO}
        ORDER BY subtree_unit_id, grain, dims, period, category_id NULLS FIRST, channel NULLS FIRST, kind NULLS FIRST`.execute(t.database.db)
    ).rows;

  it('are identical after a rebuild from the timeline', async () => {
    const before = await snapshot();
    expect(before.length).toBeGreaterThan(50);
    const result = await rebuildStats(t.database.db);
    expect(result.cases).toBeGreaterThanOrEqual(12);
    expect(await snapshot()).toEqual(before);
    // And the consumer carries on from where the rebuild left off without counting anything twice.
    expect(await t.runBackground()).toBeGreaterThanOrEqual(0);
    expect(await snapshot()).toEqual(before);
  });
});
