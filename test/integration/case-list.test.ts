import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toActor } from '../../src/core/auth/login.js';
import { isRole } from '../../src/core/auth/roles.js';
import { listCases } from '../../src/db/case-query.repository.js';
import { DEMO_CATEGORIES, DEMO_UNITS } from '../../src/seed/demo-organisation.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** GET /api/v1/cases: pagination, sorting, every filter, unit scope, "mine", validation and languages. */

type Ref = { id: string; code: string; name: string };
type Summary = {
  id: string;
  trackingNo: string;
  status: string;
  channel: string;
  kind: string;
  title: string;
  category: Ref | null;
  leadUnit: Ref | null;
  isSupervised: boolean;
  isOverdue: boolean;
  acceptDueAt: string | null;
  replyDueAt: string | null;
  createdAt: string;
  updatedAt: string;
};
type ListBody = { items: Summary[]; total: number; isTotalExact: boolean; page: number; pageSize: number };
type Detail = Summary & {
  description: string;
  address: string | null;
  assignments: { unit: Ref; role: string; status: string }[];
};

let t: TestApp;
const unitIds = new Map<string, string>();
const categoryIds = new Map<string, string>();
/** Every case, as admin sees it (admin's unit is the root, so this is the whole database). */
let all: Summary[] = [];
const details = new Map<string, Detail>();

const unit = (code: string): string => {
  const id = unitIds.get(code);
  if (!id) throw new Error(`no unit ${code}`);
  return id;
};

const list = async (user: string, query = '', headers: Record<string, string> = {}): Promise<ListBody> => {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/cases${query ? `?${query}` : ''}`,
    headers: { authorization: `Bearer ${await t.tokenOf(user)}`, ...headers },
  });
  expect(res.statusCode, `${user} ?${query}: ${res.body}`).toBe(200);
  return res.json() as ListBody;
};

/** Every page of a query, so that tests see the whole result, not just the first 100. */
const listAll = async (user: string, query = ''): Promise<ListBody> => {
  const first = await list(user, `${query}${query ? '&' : ''}pageSize=100&page=1`);
  const items = [...first.items];
  for (let page = 2; items.length < first.total; page += 1) {
    const next = await list(user, `${query}${query ? '&' : ''}pageSize=100&page=${page}`);
    expect(next.items.length).toBeGreaterThan(0);
    items.push(...next.items);
  }
  return { ...first, items };
};

const detailOf = async (id: string): Promise<Detail> => {
  const cached = details.get(id);
  if (cached) return cached;
  const res = await t.call('admin', 'GET', `/api/v1/cases/${id}`);
  expect(res.statusCode, res.body).toBe(200);
  const d = res.json() as Detail;
  details.set(id, d);
  return d;
};

const ids = (items: { id: string }[]): string[] => items.map((i) => i.id);
const sortedIds = (items: { id: string }[]): string[] => ids(items).sort();

const act = async (user: string, id: string, action: string, body: unknown): Promise<void> => {
  const res = await t.call(user, 'POST', `/api/v1/cases/${id}/${action}`, body);
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
};

/** The calendar day in China of an instant. */
const chinaDay = (iso: string): string => new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);

const HRSS_UNITS = new Set(['hrss', 'hrss_inspection']);
const isHrssInvolved = (d: Detail): boolean => d.assignments.some((a) => HRSS_UNITS.has(a.unit.code));

beforeAll(async () => {
  t = await createTestApp();
  const units = (await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] };
  for (const u of units.items) unitIds.set(u.code, u.id);
  const categories = (await t.call(null, 'GET', '/api/v1/categories')).json() as { items: { id: string; code: string }[] };
  for (const c of categories.items) categoryIds.set(c.code, c.id);

  // A few cases of our own besides the 32 demo cases: one per scope situation the tests need.
  const register = async (title: string, extra: Record<string, unknown> = {}) => {
    const res = await t.call('agent', 'POST', '/api/v1/cases', { channel: 'visit', kind: 'report', title, description: '列表测试用例。', ...extra });
    expect(res.statusCode, res.body).toBe(201);
    return (res.json() as { id: string }).id;
  };
  const toHrss = await register('列表测试：派人社局');
  await act('dispatcher', toHrss, 'dispatch', { unitId: unit('hrss') });
  const toCityWithHrss = await register('列表测试：城管主办人社协办');
  await act('dispatcher', toCityWithHrss, 'dispatch', { unitId: unit('cityman'), assistingUnitIds: [unit('hrss')] });
  const returnedByHrss = await register('列表测试：人社局退回');
  await act('dispatcher', returnedByHrss, 'dispatch', { unitId: unit('hrss') });
  await act('handler', returnedByHrss, 'return', { reason: '不属于本单位。' });
  const toMarket = await register('列表测试：派市场监管');
  await act('dispatcher', toMarket, 'dispatch', { unitId: unit('market') });

  // The list's text search reads the search index, which the background keeps (it also runs the timers).
  await t.runBackground();
  all = (await listAll('admin')).items;
  await Promise.all(all.map((s) => detailOf(s.id)));
});

afterAll(async () => {
  await t.close();
});

describe('pagination', () => {
  it('defaults to page 1 of 20, newest first', async () => {
    const res = await list('admin');
    expect(res.page).toBe(1);
    expect(res.pageSize).toBe(20);
    expect(res.total).toBe(all.length);
    expect(res.isTotalExact).toBe(true);
    expect(res.items).toHaveLength(20);
    expect(ids(res.items)).toEqual(ids(all).slice(0, 20));
  });

  it('counts up to a limit: beyond it the total is a lower bound, and the page is the same', async () => {
    const admin = await t.database.db
      .selectFrom('users')
      .innerJoin('units', 'units.id', 'users.unit_id')
      .select(['users.id', 'users.username', 'users.display_name', 'users.roles', 'users.unit_id', 'units.path'])
      .where('users.username', '=', 'admin')
      .executeTakeFirstOrThrow();
    const actor = toActor({
      id: admin.id, username: admin.username, displayName: admin.display_name, passwordHash: '', hasPassword: true, roles: admin.roles.filter(isRole),
      unitId: admin.unit_id, unitPath: admin.path, isActive: true,
    });
    const filter = { sort: '-createdAt' as const, page: 1, pageSize: 5 };
    const capped = await listCases(t.database.db, actor, { ...filter, countLimit: 10 }, new Date());
    expect(capped).toMatchObject({ total: 10, isTotalExact: false });
    expect(ids(capped.items)).toEqual(ids(all).slice(0, 5));
    expect(await listCases(t.database.db, actor, { ...filter, countLimit: all.length }, new Date())).toMatchObject({ total: all.length, isTotalExact: true });
    expect(await listCases(t.database.db, actor, filter, new Date())).toMatchObject({ total: all.length, isTotalExact: true });
  });

  it('pages partition the list: same total on every page, no overlap, nothing missing', async () => {
    const pageSize = 7;
    const seen: string[] = [];
    const pages = Math.ceil(all.length / pageSize);
    expect(pages).toBeGreaterThan(3);
    for (let page = 1; page <= pages; page += 1) {
      const res = await list('admin', `page=${page}&pageSize=${pageSize}`);
      expect(res.total).toBe(all.length);
      expect(res.page).toBe(page);
      expect(res.pageSize).toBe(pageSize);
      expect(res.items).toHaveLength(page < pages ? pageSize : all.length - pageSize * (pages - 1));
      seen.push(...ids(res.items));
    }
    expect(seen).toEqual(ids(all));
    expect(new Set(seen).size).toBe(all.length);
    const beyond = await list('admin', `page=${pages + 1}&pageSize=${pageSize}`);
    expect(beyond.items).toEqual([]);
    expect(beyond.total).toBe(all.length);
  });

  it('the whole database is at least the 32 demo cases plus ours', async () => {
    const row = await t.database.db.selectFrom('cases').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(all.length).toBe(Number(row.n));
    expect(all.length).toBeGreaterThanOrEqual(36);
  });
});

describe('sorting', () => {
  const times = (items: Summary[], key: 'createdAt' | 'updatedAt' | 'replyDueAt') => items.map((i) => (i[key] === null ? null : Date.parse(i[key] ?? '')));
  const isSorted = (values: number[], direction: 1 | -1) => values.every((v, i) => i === 0 || direction * (v - (values[i - 1] ?? 0)) >= 0);

  it('createdAt ascending and descending are really ordered, and one is the reverse of the other', async () => {
    const asc = (await listAll('admin', 'sort=createdAt')).items;
    const desc = (await listAll('admin', 'sort=-createdAt')).items;
    expect(asc).toHaveLength(all.length);
    expect(isSorted(times(asc, 'createdAt') as number[], 1)).toBe(true);
    expect(isSorted(times(desc, 'createdAt') as number[], -1)).toBe(true);
    expect(ids(desc)).toEqual([...ids(asc)].reverse());
    // The demo cases span weeks: the order is not trivially equal timestamps.
    expect(Date.parse(asc.at(-1)?.createdAt ?? '') - Date.parse(asc[0]?.createdAt ?? '')).toBeGreaterThan(20 * 24 * 3600_000);
  });

  it('replyDueAt ascending and descending, cases without a due date last', async () => {
    for (const [sort, direction] of [['replyDueAt', 1], ['-replyDueAt', -1]] as const) {
      const items = (await listAll('admin', `sort=${sort}`)).items;
      expect(items).toHaveLength(all.length);
      const values = times(items, 'replyDueAt');
      const firstNull = values.indexOf(null);
      expect(firstNull).toBeGreaterThan(0);
      expect(values.slice(firstNull).every((v) => v === null), sort).toBe(true);
      expect(isSorted(values.slice(0, firstNull) as number[], direction), sort).toBe(true);
    }
  });

  it('updatedAt ascending is ordered', async () => {
    const items = (await listAll('admin', 'sort=updatedAt')).items;
    expect(isSorted(times(items, 'updatedAt') as number[], 1)).toBe(true);
  });
});

describe('filters', () => {
  it('status takes a comma list', async () => {
    const res = await listAll('admin', 'status=accepted,returned');
    const expected = all.filter((s) => s.status === 'accepted' || s.status === 'returned');
    expect(expected.length).toBeGreaterThan(2);
    expect(res.total).toBe(expected.length);
    expect(sortedIds(res.items)).toEqual(sortedIds(expected));
    const one = await listAll('admin', 'status=merged');
    expect(one.items.length).toBeGreaterThan(0);
    expect(one.items.every((s) => s.status === 'merged')).toBe(true);
  });

  it('kind, channel and categoryId', async () => {
    const byKind = await listAll('admin', 'kind=enquiry');
    expect(byKind.items.length).toBeGreaterThan(0);
    expect(sortedIds(byKind.items)).toEqual(sortedIds(all.filter((s) => s.kind === 'enquiry')));

    const byChannel = await listAll('admin', 'channel=phone');
    expect(byChannel.items.length).toBeGreaterThan(0);
    expect(sortedIds(byChannel.items)).toEqual(sortedIds(all.filter((s) => s.channel === 'phone')));

    const wage = categoryIds.get('wage_arrears') ?? '';
    const byCategory = await listAll('admin', `categoryId=${wage}`);
    expect(byCategory.items.length).toBeGreaterThan(0);
    expect(byCategory.items.every((s) => s.category?.code === 'wage_arrears')).toBe(true);
    expect(sortedIds(byCategory.items)).toEqual(sortedIds(all.filter((s) => s.category?.id === wage)));
  });

  it('unitId: only cases assigned to that unit; every case it leads is there', async () => {
    const res = await listAll('admin', `unitId=${unit('hrss')}`);
    expect(res.items.length).toBeGreaterThan(0);
    for (const s of res.items) expect(isHrssInvolved(await detailOf(s.id)), s.title).toBe(true);
    for (const s of all.filter((x) => x.leadUnit?.code === 'hrss')) expect(ids(res.items), s.title).toContain(s.id);
    // An assisting unit's cases are in too.
    const assisted = all.find((s) => s.title === '列表测试：城管主办人社协办');
    expect(ids(res.items)).toContain(assisted?.id);
    const market = all.find((s) => s.title === '列表测试：派市场监管');
    expect(ids(res.items)).not.toContain(market?.id);
  });

  it('overdue=true: every item is overdue and every overdue case is there', async () => {
    const res = await listAll('admin', 'overdue=true');
    const expected = all.filter((s) => s.isOverdue);
    expect(expected.length).toBeGreaterThan(0);
    expect(res.items.every((s) => s.isOverdue)).toBe(true);
    expect(sortedIds(res.items)).toEqual(sortedIds(expected));
    expect((await list('admin', 'overdue=false')).total).toBe(all.length);
  });

  it('supervised=true: every item is supervised and every supervised case is there', async () => {
    const res = await listAll('admin', 'supervised=true');
    const expected = all.filter((s) => s.isSupervised);
    expect(expected.length).toBeGreaterThan(0);
    expect(res.items.every((s) => s.isSupervised)).toBe(true);
    expect(sortedIds(res.items)).toEqual(sortedIds(expected));
  });

  it('from and to with dates bound the registration day in China, inclusively', async () => {
    const days = [...new Set(all.map((s) => chinaDay(s.createdAt)))].sort();
    expect(days.length).toBeGreaterThan(10);
    const day = days[Math.floor(days.length / 2)] ?? '';
    const onDay = await listAll('admin', `from=${day}&to=${day}`);
    const expected = all.filter((s) => chinaDay(s.createdAt) === day);
    expect(expected.length).toBeGreaterThan(0);
    expect(sortedIds(onDay.items)).toEqual(sortedIds(expected));

    const fromDay = await listAll('admin', `from=${day}`);
    expect(sortedIds(fromDay.items)).toEqual(sortedIds(all.filter((s) => chinaDay(s.createdAt) >= day)));
    const toDay = await listAll('admin', `to=${day}`);
    expect(sortedIds(toDay.items)).toEqual(sortedIds(all.filter((s) => chinaDay(s.createdAt) <= day)));
    expect(fromDay.total + toDay.total - onDay.total).toBe(all.length);
  });

  it('from and to with ISO date-times', async () => {
    const sorted = [...all].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
    const pivot = sorted[Math.floor(sorted.length / 2)];
    if (!pivot) throw new Error('no pivot');
    const from = await listAll('admin', `from=${encodeURIComponent(pivot.createdAt.replace('Z', '+00:00'))}`);
    expect(sortedIds(from.items)).toEqual(sortedIds(all.filter((s) => Date.parse(s.createdAt) >= Date.parse(pivot.createdAt))));
    expect(ids(from.items)).toContain(pivot.id);
  });

  it('q finds a Chinese substring of a title', async () => {
    const res = await listAll('admin', `q=${encodeURIComponent('噪音')}`);
    expect(res.items.map((s) => s.title)).toEqual(expect.arrayContaining(['小区楼下烧烤店深夜噪音扰民', '工地夜间施工噪音']));
    for (const s of res.items) {
      const d = await detailOf(s.id);
      expect(`${d.title} ${d.description} ${d.address ?? ''}`, s.trackingNo).toContain('噪音');
    }
  });

  it('q finds a Tibetan substring of a title', async () => {
    const q = 'གླ་ཕོགས';
    const res = await listAll('admin', `q=${encodeURIComponent(q)}`);
    expect(res.items.map((s) => s.title)).toContain('ཟླ་བ་གཉིས་ཀྱི་གླ་ཕོགས་ད་དུང་ཐོབ་མེད།');
    for (const s of res.items) {
      const d = await detailOf(s.id);
      expect(`${d.title} ${d.description} ${d.address ?? ''}`, s.trackingNo).toContain(q);
    }
  });

  it('q finds a tracking number by its prefix, and exactly one case by the whole number', async () => {
    const target = all[Math.floor(all.length / 2)];
    if (!target) throw new Error('no target');
    const prefix = target.trackingNo.slice(0, 8);
    const res = await listAll('admin', `q=${prefix}`);
    expect(ids(res.items)).toContain(target.id);
    expect(res.items.every((s) => s.trackingNo.startsWith(prefix))).toBe(true);
    expect(sortedIds(res.items)).toEqual(sortedIds(all.filter((s) => s.trackingNo.startsWith(prefix))));
    const exact = await list('admin', `q=${target.trackingNo}`);
    expect(ids(exact.items)).toEqual([target.id]);
    expect(exact.total).toBe(1);
  });

  it('q treats % and _ literally, not as LIKE wildcards', async () => {
    for (const q of ['%', '_', '\\']) {
      const res = await listAll('admin', `q=${encodeURIComponent(q)}`);
      expect(res.total, q).toBeLessThan(all.length);
      for (const s of res.items) {
        const d = await detailOf(s.id);
        expect(`${d.title} ${d.description} ${d.address ?? ''}`, `${q} matched ${s.trackingNo}`).toContain(q);
      }
    }
  });

  it('q that matches nothing gives an empty page with total 0', async () => {
    const res = await list('admin', `q=${encodeURIComponent('不存在的诉求内容xyz')}`);
    expect(res).toMatchObject({ items: [], total: 0, page: 1 });
  });

  it('filters combine', async () => {
    const res = await listAll('admin', 'status=accepted,dispatched&channel=phone&sort=createdAt');
    const expected = all.filter((s) => (s.status === 'accepted' || s.status === 'dispatched') && s.channel === 'phone');
    expect(expected.length).toBeGreaterThan(0);
    expect(sortedIds(res.items)).toEqual(sortedIds(expected));
  });
});

describe('scope', () => {
  it('admin sees every case', async () => {
    expect((await list('admin')).total).toBe(all.length);
  });

  it('handler (hrss) sees exactly the cases hrss was ever assigned, and never one that did not involve hrss', async () => {
    const mine = (await listAll('handler')).items;
    expect(mine.length).toBeGreaterThan(0);
    for (const s of mine) {
      const d = await detailOf(s.id);
      expect(isHrssInvolved(d), `${s.trackingNo} ${s.title}: ${JSON.stringify(d.assignments)}`).toBe(true);
    }
    const expected = [];
    for (const s of all) if (isHrssInvolved(await detailOf(s.id))) expected.push(s);
    expect(sortedIds(mine)).toEqual(sortedIds(expected));
    // Including a case it only assists on and one it returned.
    const titles = mine.map((s) => s.title);
    expect(titles).toEqual(expect.arrayContaining(['列表测试：派人社局', '列表测试：城管主办人社协办', '列表测试：人社局退回']));
    expect(titles).not.toContain('列表测试：派市场监管');
    expect(mine.length).toBeLessThan(all.length);
  });

  it('handler and leader of the same unit see the same cases; handler_city sees a different set', async () => {
    const handler = await listAll('handler');
    const leader = await listAll('leader');
    expect(sortedIds(leader.items)).toEqual(sortedIds(handler.items));
    const city = await listAll('handler_city');
    expect(city.total).toBe(city.items.length);
    expect(sortedIds(city.items)).not.toEqual(sortedIds(handler.items));
    for (const s of city.items) {
      const d = await detailOf(s.id);
      expect(d.assignments.some((a) => a.unit.code === 'cityman'), s.title).toBe(true);
    }
    // The case cityman leads with hrss assisting is in both lists; the hrss-only one only in hrss's.
    const joint = all.find((s) => s.title === '列表测试：城管主办人社协办')?.id;
    const hrssOnly = all.find((s) => s.title === '列表测试：派人社局')?.id;
    expect(ids(city.items)).toContain(joint);
    expect(ids(city.items)).not.toContain(hrssOnly);
  });

  it('filters cannot widen the scope', async () => {
    const market = all.find((s) => s.title === '列表测试：派市场监管');
    const res = await list('handler', `unitId=${unit('market')}`);
    expect(res.total).toBe(0);
    const byTracking = await list('handler', `q=${market?.trackingNo ?? ''}`);
    expect(byTracking.total).toBe(0);
  });
});

describe('mine=true', () => {
  it('handler: exactly the dispatched/accepted cases with an active hrss assignment', async () => {
    const mine = (await listAll('handler', 'mine=true')).items;
    expect(mine.length).toBeGreaterThan(0);
    const isWaiting = (d: Detail) =>
      (d.status === 'dispatched' || d.status === 'accepted') &&
      d.assignments.some((a) => HRSS_UNITS.has(a.unit.code) && (a.status === 'pending' || a.status === 'accepted'));
    for (const s of mine) expect(isWaiting(await detailOf(s.id)), `${s.trackingNo} ${s.status}`).toBe(true);
    const expected = [];
    for (const s of all) if (isWaiting(await detailOf(s.id))) expected.push(s);
    expect(sortedIds(mine)).toEqual(sortedIds(expected));
    const titles = mine.map((s) => s.title);
    expect(titles).toEqual(expect.arrayContaining(['列表测试：派人社局', '列表测试：城管主办人社协办']));
    expect(titles).not.toContain('列表测试：人社局退回');
  });

  it('dispatcher: every registered and returned case (and the replied ones it calls back), nothing in handling', async () => {
    const mine = (await listAll('dispatcher', 'mine=true')).items;
    const toRoute = all.filter((s) => s.status === 'registered' || s.status === 'returned');
    expect(toRoute.length).toBeGreaterThan(0);
    for (const s of toRoute) expect(ids(mine), s.title).toContain(s.id);
    // The dispatcher holds case.callback, so replied cases also wait on it; nothing else may appear.
    const statuses = new Set(mine.map((s) => s.status));
    for (const status of statuses) expect(['registered', 'returned', 'replied']).toContain(status);
    expect(sortedIds(mine)).toEqual(sortedIds(all.filter((s) => ['registered', 'returned', 'replied'].includes(s.status))));
    expect(mine.map((s) => s.title)).toContain('列表测试：人社局退回');
  });
});

describe('invalid queries', () => {
  it.each([
    ['pageSize=0', 'querystring.pageSize'],
    ['pageSize=101', 'querystring.pageSize'],
    ['page=0', 'querystring.page'],
    ['page=abc', 'querystring.page'],
    ['status=bogus', 'querystring.status.0'],
    ['status=accepted,bogus', 'querystring.status.1'],
    ['sort=x', 'querystring.sort'],
    ['kind=praise', 'querystring.kind'],
    ['channel=fax', 'querystring.channel'],
    ['overdue=yes', 'querystring.overdue'],
    ['from=yesterday', 'querystring.from'],
    ['unitId=hrss', 'querystring.unitId'],
    ['lang=fr', 'querystring.lang'],
  ])('%s → 400 validation.failed at %s', async (query, path) => {
    const res = await t.call('admin', 'GET', `/api/v1/cases?${query}`);
    expect(res.statusCode, res.body).toBe(400);
    const body = res.json() as { error: { code: string; details: { issues: { path: string }[] } } };
    expect(body.error.code).toBe('validation.failed');
    expect(body.error.details.issues.map((i) => i.path)).toContain(path);
  });

  it('an unknown parameter → 400 naming it', async () => {
    const res = await t.call('admin', 'GET', '/api/v1/cases?colour=red');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('colour');
  });
});

describe('names in the requested language', () => {
  const unitName = (code: string, language: 'zh-Hans' | 'bo' | 'en') => DEMO_UNITS.find((u) => u.code === code)?.name[language];
  const categoryName = (code: string, language: 'zh-Hans' | 'bo' | 'en') => DEMO_CATEGORIES.find((c) => c.code === code)?.name[language];

  const checkNames = (items: Summary[], language: 'zh-Hans' | 'bo' | 'en') => {
    const withBoth = items.filter((s) => s.leadUnit && s.category);
    expect(withBoth.length).toBeGreaterThan(3);
    for (const s of withBoth) {
      expect(s.leadUnit?.name, s.trackingNo).toBe(unitName(s.leadUnit?.code ?? '', language));
      expect(s.category?.name, s.trackingNo).toBe(categoryName(s.category?.code ?? '', language));
    }
  };

  it('default is Chinese', async () => {
    const items = (await list('admin', 'pageSize=100')).items;
    checkNames(items, 'zh-Hans');
    expect(items.find((s) => s.leadUnit?.code === 'hrss')?.leadUnit?.name).toBe('市人力资源和社会保障局');
  });

  it('?lang=bo gives Tibetan names', async () => {
    const items = (await list('admin', 'pageSize=100&lang=bo')).items;
    checkNames(items, 'bo');
    expect(items.find((s) => s.leadUnit?.code === 'hrss')?.leadUnit?.name).toBe('གྲོང་ཁྱེར་མི་ཤུགས་ཐོན་ཁུངས་དང་སྤྱི་ཚོགས་འགན་ལེན་ཅུས།');
  });

  it('?lang=en gives English names', async () => {
    const items = (await list('admin', 'pageSize=100&lang=en')).items;
    checkNames(items, 'en');
    expect(items.find((s) => s.category?.code === 'wage_arrears')?.category?.name).toBe('Wage arrears');
  });

  it('Accept-Language: bo gives Tibetan names too, and ?lang wins over the header', async () => {
    checkNames((await list('admin', 'pageSize=100', { 'accept-language': 'bo' })).items, 'bo');
    checkNames((await list('admin', 'pageSize=100', { 'accept-language': 'bo-CN,zh;q=0.8' })).items, 'bo');
    checkNames((await list('admin', 'pageSize=100&lang=en', { 'accept-language': 'bo' })).items, 'en');
  });

  it('the case detail follows the language as well', async () => {
    const s = all.find((x) => x.leadUnit?.code === 'hrss' && x.category);
    if (!s) throw new Error('no hrss case');
    const res = await t.app.inject({
      method: 'GET', url: `/api/v1/cases/${s.id}`, headers: { authorization: `Bearer ${await t.tokenOf('admin')}`, 'accept-language': 'en' },
    });
    const d = res.json() as Detail;
    expect(d.leadUnit?.name).toBe('Human Resources and Social Security Bureau');
    expect(d.assignments.find((a) => a.unit.code === 'hrss')?.unit.name).toBe('Human Resources and Social Security Bureau');
  });
});
