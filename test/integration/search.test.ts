import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/core/auth/actor.js';
import { highlightCase } from '../../src/core/search/highlight.js';
import { parseSearchQuery } from '../../src/core/search/search-query.js';
import { createSearchStore } from '../../src/db/search.repository.js';
import { caseTextCondition } from '../../src/db/search-text-condition.js';
import { indexCase } from '../../src/db/search-index.repository.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** GET /api/v1/search/cases: relevance in Chinese and Tibetan, highlights, filters, scope, internal notes. */

type Mark = { start: number; end: number };
type Highlight = { field: string; text: string; marks: Mark[] };
type Hit = { id: string; trackingNo: string; title: string; status: string; score: number; highlights: Highlight[] };
type Result = { items: Hit[]; total: number; isTotalExact: boolean; page: number; pageSize: number };

let t: TestApp;
const unitIds = new Map<string, string>();
const categoryIds = new Map<string, string>();
/** Fixture cases by name; their words (羊八井, ཡངས་པ་ཅན, 孜珠) occur in no demo case. */
const f = new Map<string, { id: string; trackingNo: string }>();

const id = (name: string): string => {
  const c = f.get(name);
  if (!c) throw new Error(`no fixture ${name}`);
  return c.id;
};

const search = async (user: string, query: Record<string, string>): Promise<Result> => {
  const res = await t.call(user, 'GET', `/api/v1/search/cases?${new URLSearchParams(query).toString()}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Result;
};
const idsOf = (r: Result): string[] => r.items.map((i) => i.id);
const fixtureNames = (r: Result): string[] => r.items.flatMap((i) => [...f].filter(([, c]) => c.id === i.id).map(([name]) => name));
const marked = (h: Highlight): string[] => h.marks.map((m) => h.text.slice(m.start, m.end));

const act = async (user: string, caseId: string, action: string, body: unknown): Promise<void> => {
  const res = await t.call(user, 'POST', `/api/v1/cases/${caseId}/${action}`, body);
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
};

beforeAll(async () => {
  t = await createTestApp();
  for (const u of ((await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] }).items) unitIds.set(u.code, u.id);
  for (const c of ((await t.call(null, 'GET', '/api/v1/categories')).json() as { items: { id: string; code: string }[] }).items) categoryIds.set(c.code, c.id);
  const register = async (name: string, body: Record<string, unknown>) => {
    const res = await t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'complaint', ...body });
    expect(res.statusCode, res.body).toBe(201);
    const c = res.json() as { id: string; trackingNo: string };
    f.set(name, { id: c.id, trackingNo: c.trackingNo });
    return c.id;
  };
  const wages = await register('wages', {
    title: '羊八井光伏电站拖欠工资',
    description: '在羊八井光伏电站安装支架的二十名工人被拖欠工资四个月，项目经理失联。联系电话13908887766。',
    address: '拉萨市当雄县羊八井镇光明村',
    categoryId: categoryIds.get('wage_arrears'),
    requester: { name: '次仁卓嘎', phone: '13908887766' },
  });
  await act('dispatcher', wages, 'dispatch', { unitId: unitIds.get('hrss') });
  const noise = await register('noise', {
    title: '光伏电站夜间施工噪音',
    description: '羊八井镇的光伏电站夜间施工，机器轰鸣，牧民无法休息。',
    categoryId: categoryIds.get('noise'),
  });
  await act('dispatcher', noise, 'dispatch', { unitId: unitIds.get('cityman') });
  await act('dispatcher', noise, 'note', { text: '现场在孜珠村附近，需要与乡里联系。', isInternal: true });
  await act('dispatcher', noise, 'note', { text: '已电话告知来电人将于三日内处理（公开备注）。', isInternal: false });
  const card = await register('card', { kind: 'enquiry', title: '咨询社保卡补办', description: '社保卡丢失，想知道在哪里补办，需要带什么材料。' });
  await act('dispatcher', card, 'dispatch', { unitId: unitIds.get('hrss') });
  await act('handler', card, 'accept', {});
  await act('handler', card, 'reply', { text: '可到羊八井镇便民服务中心补办社保卡，带上身份证即可。', outcome: 'explained' });
  const boWages = await register('bo-wages', {
    title: 'ཡངས་པ་ཅན་གྱི་ཉི་འོད་གློག་ཁང་གིས་གླ་ཕོགས་སྤྲད་མེད།',
    description: 'ལས་མི་ཉི་ཤུ་ལ་ཟླ་བ་བཞིའི་གླ་ཕོགས་སྤྲད་མེད། རོགས་རམ་གནང་རོགས།',
    requester: { name: 'བསོད་ནམས།', phone: '13908880001', language: 'bo' },
  });
  await act('dispatcher', boWages, 'dispatch', { unitId: unitIds.get('hrss') });
  const boNoise = await register('bo-noise', {
    title: 'ཡངས་པ་ཅན་དུ་མཚན་མོ་སྒྲ་གྲགས་ཆེ་དྲགས།',
    description: 'ཉི་འོད་གློག་ཁང་གི་ལས་ཀ་མཚན་མོར་བྱེད་ཀྱི་འདུག',
    requester: { name: 'པདྨ།', phone: '13908880002', language: 'bo' },
  });
  await act('dispatcher', boNoise, 'dispatch', { unitId: unitIds.get('cityman') });
  await t.runBackground();
});

afterAll(async () => {
  await t.close();
});

describe('relevance', () => {
  it('ranks a title match above a description match above a reply match', async () => {
    const r = await search('admin', { q: '羊八井 ' });
    expect(fixtureNames(r)).toEqual(['wages', 'noise', 'card']);
    expect(r.items[0]?.score).toBeGreaterThan(r.items[1]?.score ?? 0);
    expect(r.items[1]?.score).toBeGreaterThan(r.items[2]?.score ?? 0);
  });

  it('ANDs the words of the query', async () => {
    expect(fixtureNames(await search('admin', { q: '羊八井 拖欠工资' }))).toEqual(['wages']);
    expect(fixtureNames(await search('admin', { q: '光伏电站 噪音' }))).toEqual(['noise']);
  });

  it('finds a long word written differently (拖欠了工资) through its parts', async () => {
    expect(fixtureNames(await search('admin', { q: '光伏电站工人工资' }))).toContain('wages');
    expect(idsOf(await search('admin', { q: '拖欠工资 羊八井' }))).toEqual([id('wages')]);
  });

  it('matches the last word as a prefix while it is being typed', async () => {
    expect(fixtureNames(await search('admin', { q: '1390888' }))).toEqual(['wages']);
    expect(fixtureNames(await search('admin', { q: '1390888 ' }))).toEqual([]);
  });

  it('finds Tibetan by syllables and bigrams, in the order of relevance', async () => {
    expect(fixtureNames(await search('admin', { q: 'ཡངས་པ་ཅན' })).sort()).toEqual(['bo-noise', 'bo-wages']);
    expect(fixtureNames(await search('admin', { q: 'ཡངས་པ་ཅན གླ་ཕོགས' }))).toEqual(['bo-wages']);
    // ཉི་འོད (solar) is in the title of one and the description of the other.
    expect(fixtureNames(await search('admin', { q: 'ཉི་འོད་གློག་ཁང' }))).toEqual(['bo-wages', 'bo-noise']);
    // Syllables of a phrase must be adjacent: ཉི་འོད་ཟླ is no phrase of either, so only bo-wages, which
    // has all three syllables, is found, by the relaxed query that is tried when the phrase finds nothing.
    expect(fixtureNames(await search('admin', { q: 'ཉི་འོད་ཟླ' }))).toEqual(['bo-wages']);
    // Two words typed without a space between them.
    expect(fixtureNames(await search('admin', { q: 'ཡངས་པ་ཅན་གླ་ཕོགས' }))).toEqual(['bo-wages']);
  });

  it('answers a tracking number, typed with spaces or dashes, with that case alone', async () => {
    const { trackingNo } = f.get('card') ?? { trackingNo: '' };
    const typed = `${trackingNo.slice(0, 6)}-${trackingNo.slice(6)}`;
    const r = await search('admin', { q: typed });
    expect(idsOf(r)).toEqual([id('card')]);
    expect(r.total).toBe(1);
  });

  it('finds a requester by name as typed (blind index: names are sealed at rest), for staff who may see names', async () => {
    expect(fixtureNames(await search('agent', { q: '次仁卓嘎' }))).toContain('wages');
    // Names are not stored in the clear: a misspelt one cannot be matched by similarity any more.
    expect(fixtureNames(await search('agent', { q: '次仁卓玛' }))).not.toContain('wages');
    // Nor by a handler of a unit that may not see the case.
    expect(fixtureNames(await search('handler_market', { q: '次仁卓嘎' }))).toEqual([]);
  });

  it('returns nothing for an empty query or one of only punctuation', async () => {
    expect((await search('admin', { q: '' })).items).toEqual([]);
    expect((await search('admin', { q: '，。！' })).items).toEqual([]);
  });
});

describe('highlights', () => {
  it('marks the query words in the title and in a snippet of the best other field, for both scripts', async () => {
    const r = await search('admin', { q: '羊八井 工资' });
    const hit = r.items.find((i) => i.id === id('wages'));
    const title = hit?.highlights.find((h) => h.field === 'title');
    expect(title && marked(title)).toEqual(['羊八井', '工资']);
    const description = hit?.highlights.find((h) => h.field === 'description');
    expect(description && marked(description)).toEqual(expect.arrayContaining(['羊八井', '工资']));

    const bo = (await search('admin', { q: 'གླ་ཕོགས' })).items.find((i) => i.id === id('bo-wages'));
    const boTitle = bo?.highlights.find((h) => h.field === 'title');
    expect(boTitle && marked(boTitle)).toEqual(['གླ་ཕོགས']);
  });

  it('shows where a reply matched', async () => {
    const hit = (await search('admin', { q: '羊八井 社保卡' })).items.find((i) => i.id === id('card'));
    expect(hit?.highlights.map((h) => h.field)).toContain('reply');
  });
});

describe('filters and pagination', () => {
  it('combines filters with the text', async () => {
    expect(fixtureNames(await search('admin', { q: '羊八井', status: 'replied' }))).toEqual(['card']);
    expect(fixtureNames(await search('admin', { q: '羊八井', categoryId: categoryIds.get('noise') ?? '' }))).toEqual(['noise']);
    expect(fixtureNames(await search('admin', { q: '羊八井', unitId: unitIds.get('hrss') ?? '' }))).toEqual(['wages', 'card']);
    expect(fixtureNames(await search('admin', { q: '羊八井', kind: 'enquiry' }))).toEqual(['card']);
    expect(fixtureNames(await search('admin', { q: '羊八井', channel: 'web' }))).toEqual([]);
    expect(fixtureNames(await search('admin', { q: '羊八井', to: '2000-01-01' }))).toEqual([]);
  });

  it('pages through the ranked list', async () => {
    const first = await search('admin', { q: '羊八井', pageSize: '2' });
    const second = await search('admin', { q: '羊八井', pageSize: '2', page: '2' });
    expect(first.total).toBe(3);
    expect(first.isTotalExact).toBe(true);
    expect([...idsOf(first), ...idsOf(second)]).toEqual([id('wages'), id('noise'), id('card')]);
  });

  it('refuses bad parameters', async () => {
    const res = await t.call('admin', 'GET', '/api/v1/search/cases?q=x&status=nope');
    expect(res.statusCode).toBe(400);
    expect((await t.call(null, 'GET', '/api/v1/search/cases?q=x')).statusCode).toBe(401);
  });
});

describe('scope', () => {
  it('never returns another unit’s case', async () => {
    expect(fixtureNames(await search('handler', { q: '羊八井' }))).toEqual(['wages', 'card']);
    expect(fixtureNames(await search('handler_city', { q: '羊八井' }))).toEqual(['noise']);
    expect(fixtureNames(await search('handler_city', { q: 'ཡངས་པ་ཅན' }))).toEqual(['bo-noise']);
    expect(fixtureNames(await search('handler_city', { q: '拖欠工资' }))).toEqual([]);
    // Not even by its tracking number.
    expect(idsOf(await search('handler_city', { q: f.get('wages')?.trackingNo ?? '' }))).toEqual([]);
  });
});

describe('internal notes', () => {
  it('are searchable by staff, with the note as the snippet', async () => {
    const r = await search('dispatcher', { q: '孜珠' });
    expect(fixtureNames(r)).toEqual(['noise']);
    expect(r.items[0]?.highlights.map((h) => h.field)).toContain('note');
  });

  it('are never matched nor shown for a reader who may not see them', async () => {
    const dispatcher = (await t.database.db.selectFrom('users').select(['id', 'unit_id']).where('username', '=', 'dispatcher').executeTakeFirstOrThrow());
    const actor: Actor = {
      kind: 'user', userId: dispatcher.id, username: 'dispatcher', displayName: 'd', roles: ['dispatcher'],
      permissions: new Set(['case.read']), unitId: dispatcher.unit_id, unitPath: 'lhasa',
    };
    const store = createSearchStore(t.database.db);
    const parsed = parseSearchQuery('孜珠');
    if (parsed.kind !== 'text') throw new Error('expected a text query');
    const input = { tsquery: parsed.tsquery, clauses: parsed.clauses, fuzzyText: null, isNameSearchAllowed: false, filter: {}, limit: 20, offset: 0 };
    expect((await store.searchText(actor, { ...input, includeInternal: true })).rows.map((r) => r.id)).toEqual([id('noise')]);
    expect((await store.searchText(actor, { ...input, includeInternal: false })).rows).toEqual([]);
    // The public note is searchable by anyone who may see the case.
    const pub = parseSearchQuery('公开备注');
    if (pub.kind !== 'text') throw new Error('expected a text query');
    expect((await store.searchText(actor, { ...input, tsquery: pub.tsquery, includeInternal: false })).rows.map((r) => r.id)).toEqual([id('noise')]);
    // And a snippet never quotes one.
    const sources = await store.highlightSources([id('noise')]);
    const source = sources.get(id('noise'));
    if (!source) throw new Error('no source');
    const fields = highlightCase(source, parsed.terms, { includeInternal: false, max: 5 }).map((h) => h.field);
    expect(fields).toEqual(['title']);
  });
});

describe('the case list condition (GET /cases?q=, once case-query.repository.ts uses it)', () => {
  const matching = async (q: string): Promise<string[]> =>
    (await t.database.db.selectFrom('cases').select('cases.id').where((eb) => caseTextCondition(eb, q)).execute()).map((r) => r.id);

  it('finds words in both scripts, tracking numbers whole or by their start, and nothing for punctuation', async () => {
    expect((await matching('羊八井 工资')).sort()).toEqual([id('wages')].sort());
    expect(await matching('ཡངས་པ་ཅན གླ་ཕོགས')).toEqual([id('bo-wages')]);
    const { trackingNo } = f.get('card') ?? { trackingNo: '' };
    expect(await matching(trackingNo)).toEqual([id('card')]);
    expect(await matching(trackingNo.slice(0, 10))).toContain(id('card'));
    expect(await matching('%')).toEqual([]);
  });
});

/**
 * Runs once case-query.repository.ts (another module's file) applies `caseTextCondition`: until then the
 * list still uses ILIKE and these would fail. The lead removes this guard with that one-line change.
 */
const isListOnIndex = readFileSync(path.resolve(import.meta.dirname, '../../src/db/case-query.repository.ts'), 'utf8').includes('caseTextCondition');

describe.skipIf(!isListOnIndex)('GET /cases?q= (the case list and the workbench search box) on the index', () => {
  type ListPage = { items: { id: string }[]; total: number };
  const listed = async (user: string, q: string): Promise<string[]> => {
    const res = await t.call(user, 'GET', `/api/v1/cases?pageSize=100&q=${encodeURIComponent(q)}`);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json() as ListPage).items.map((i) => i.id).filter((i) => [...f.values()].some((c) => c.id === i));
  };

  it('finds words in any order and form, in both scripts, as the search does', async () => {
    // A substring match (ILIKE) finds none of these: the words are apart, in another order or inflected.
    expect(await listed('admin', '拖欠工资 羊八井')).toEqual([id('wages')]);
    expect(await listed('admin', '光伏电站工人工资')).toContain(id('wages'));
    expect(await listed('admin', 'ཡངས་པ་ཅན གླ་ཕོགས')).toEqual([id('bo-wages')]);
    // Replies are searchable from the list too.
    expect(await listed('admin', '便民服务中心')).toEqual([id('card')]);
  });

  it('keeps tracking numbers, the caller\'s scope and internal notes as the list has them', async () => {
    const { trackingNo } = f.get('card') ?? { trackingNo: '' };
    expect(await listed('admin', trackingNo)).toEqual([id('card')]);
    expect(await listed('admin', trackingNo.slice(0, 10))).toContain(id('card'));
    // The noise case went to the city management unit: not in the hrss handler's list.
    expect(await listed('handler', '光伏电站')).toEqual([id('wages')]);
    expect(await listed('dispatcher', '孜珠村')).toEqual([id('noise')]);
    expect(await listed('admin', '%')).toEqual([]);
  });
});

describe('index maintenance', () => {
  it('indexes a new case and its later events through the event consumer', async () => {
    const res = await t.call('agent', 'POST', '/api/v1/cases', { channel: 'web', kind: 'help', title: '纳木错景区厕所无人清理', description: '景区厕所很脏。' });
    const c = res.json() as { id: string };
    expect(idsOf(await search('admin', { q: '纳木错' }))).toEqual([]);
    await t.runBackground();
    expect(idsOf(await search('admin', { q: '纳木错' }))).toEqual([c.id]);
    await act('dispatcher', c.id, 'note', { text: '已转交当雄县旅游局核实。', isInternal: false });
    await t.runBackground();
    expect(idsOf(await search('admin', { q: '当雄县旅游局' }))).toEqual([c.id]);
    const row = await t.database.db.selectFrom('case_search').select(['status', 'indexed_seq']).where('case_id', '=', c.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'registered', indexed_seq: 2 });
  });

  it('forgets what anonymisation scrubbed once the case is reindexed (the hook privacy.repository.ts needs)', async () => {
    const res = await t.call('agent', 'POST', '/api/v1/cases', {
      channel: 'phone', kind: 'help', title: '当雄县扎西次仁反映', description: '联系电话13908889999，住在羊八井镇。', requester: { name: '扎西次仁', phone: '13908889999' },
    });
    const c = res.json() as { id: string };
    await t.runBackground();
    expect(idsOf(await search('admin', { q: '13908889999 ' }))).toEqual([c.id]);
    // What anonymiseCase does to the rows, without a timeline event.
    await t.database.db.updateTable('cases').set({ title: '当雄县***反映', description: '联系电话***，住在羊八井镇。' }).where('id', '=', c.id).execute();
    await t.database.db.updateTable('requesters').set({ name: null, phone: null, name_bidx: null, phone_bidx: null }).where('id', '=', (await t.database.db.selectFrom('cases').select('requester_id').where('id', '=', c.id).executeTakeFirstOrThrow()).requester_id ?? '').execute();
    await t.database.db.transaction().execute((trx) => indexCase(trx, c.id, { now: new Date(), isForced: true }));
    expect(idsOf(await search('admin', { q: '13908889999 ' }))).toEqual([]);
    expect(idsOf(await search('admin', { q: '扎西次仁 ' }))).not.toContain(c.id);
    const row = await t.database.db.selectFrom('case_search').select('requester_keys').where('case_id', '=', c.id).executeTakeFirstOrThrow();
    expect(row.requester_keys).toEqual([]);
  });

  it('indexed every demo case that existed before the index (the migration queued them)', async () => {
    const counts = await t.database.db
      .selectFrom('cases')
      .leftJoin('case_search', 'case_search.case_id', 'cases.id')
      .select((eb) => [eb.fn.countAll<string>().as('cases'), eb.fn.count<string>('case_search.case_id').as('indexed')])
      .executeTakeFirstOrThrow();
    expect(Number(counts.indexed)).toBe(Number(counts.cases));
  });
});
