import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadHistory } from '../../src/db/suggestions.repository.js';
import type { Actor } from '../../src/core/auth/actor.js';
import { permissionsForRoles } from '../../src/core/auth/roles.js';
import { autoDispatchIfConfident } from '../../src/core/suggestions/auto-dispatch.js';
import { nextRetrainAt } from '../../src/core/suggestions/retrain-job.js';
import { decideAutoDispatch } from '../../src/core/suggestions/suggest-dispatch.js';
import { DEFAULT_SUGGESTION_SETTINGS } from '../../src/core/suggestions/suggestion-settings.js';
import { createCaseDeps } from '../../src/db/deps.js';
import { createActiveModels, loadSuggestionSettings } from '../../src/db/suggestions.repository.js';
import { startBackground, type Background } from '../../src/jobs/background.js';
import { jobHandlers } from '../../src/jobs/handlers.js';
import { searchJobHandlers } from '../../src/jobs/search.consumers.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** Dispatch suggestions learnt from the organisation's own history: training job, versions, API, auto-dispatch. */

type Suggestions = {
  items: { unitId: string; unit: { code: string } | null; categoryId?: string; category: { code: string } | null; confidence: number }[];
  categories: { categoryId: string; category: { code: string } | null; confidence: number }[];
  mode: string;
  reason: string;
  models: { unit: number | null; category: number | null };
};
type ModelRow = { target: string; version: number; status: string; trigger: string; examples: number; error: string | null; evaluation: Record<string, unknown> };

let t: TestApp;
/** The job runner with the search module's handlers, as src/jobs/handlers.ts will have them once wired. */
let jobs: Background;
const unitIds = new Map<string, string>();
const categoryIds = new Map<string, string>();

const PLACES = ['柳梧新区', '城关区八廓街', '堆龙德庆区东嘎'];
const HISTORY: { category: string; unit: string; texts: string[] }[] = [
  {
    category: 'wage_arrears', unit: 'hrss',
    texts: ['工地老板拖欠我们工资三个月', '餐馆老板拖欠工资一直不给', '公司欠薪两个月，要求支付拖欠的工资', '包工头跑路，农民工工资没有着落', '工厂拖欠加班费和工资'],
  },
  {
    category: 'noise', unit: 'cityman',
    texts: ['楼下烧烤店深夜噪音扰民', '广场舞音响太吵影响休息', '工地夜间施工噪音很大', '酒吧音乐声太大，晚上无法睡觉', '装修噪音从早到晚不停'],
  },
  {
    category: 'food_safety', unit: 'market',
    texts: ['餐馆使用过期食材', '超市销售过期牛奶', '外卖饭菜里吃出异物', '饭店后厨卫生很差，有老鼠', '小卖部卖的食品没有生产日期'],
  },
];

const act = async (user: string, caseId: string, action: string, body: unknown): Promise<void> => {
  const res = await t.call(user, 'POST', `/api/v1/cases/${caseId}/${action}`, body);
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
};
const register = async (title: string, category: string): Promise<string> => {
  const res = await t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'complaint', title, description: `${title}，请有关部门尽快处理。`, categoryId: categoryIds.get(category) });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
};
const suggest = async (text: string, categoryId?: string): Promise<Suggestions> => {
  const res = await t.call('dispatcher', 'POST', '/api/v1/suggestions', { text, ...(categoryId ? { categoryId } : {}) });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Suggestions;
};
const models = async (): Promise<ModelRow[]> => ((await t.call('admin', 'GET', '/api/v1/suggestions/models')).json() as { items: ModelRow[] }).items;
const retrain = async (): Promise<void> => {
  expect((await t.call('admin', 'POST', '/api/v1/suggestions/retrain')).statusCode).toBe(202);
  // Our runner first: the test app's own (handlers.ts without this module's line yet) would park the job.
  await jobs.runOnce();
};

beforeAll(async () => {
  t = await createTestApp();
  jobs = await startBackground(t.database.db, { handlers: { ...jobHandlers, ...searchJobHandlers }, consumers: [], isLooping: false, log: () => {} });
  for (const u of ((await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] }).items) unitIds.set(u.code, u.id);
  for (const c of ((await t.call(null, 'GET', '/api/v1/categories')).json() as { items: { id: string; code: string }[] }).items) categoryIds.set(c.code, c.id);
  // Interleaved, as a real intake is: the newest cases, held out for evaluation, cover every department.
  for (const place of PLACES) {
    for (let i = 0; i < 5; i += 1) {
      for (const group of HISTORY) {
        const id = await register(`${place}${group.texts[i] ?? ''}`, group.category);
        await act('dispatcher', id, 'dispatch', { unitId: unitIds.get(group.unit) });
      }
    }
  }
  await t.runBackground();
});

afterAll(async () => {
  await jobs.stop();
  await t.close();
});

describe('before any model', () => {
  it('suggests nothing, and says why', async () => {
    const s = await suggest('工地拖欠工资');
    expect(s).toMatchObject({ items: [], categories: [], mode: 'none', reason: 'no_model', models: { unit: null, category: null } });
  });

  it('has the first scheduled retraining booked by the migration', async () => {
    const job = await t.database.db.selectFrom('jobs').select(['run_at', 'payload']).where('kind', '=', 'suggestions.retrain').where('done_at', 'is', null).executeTakeFirstOrThrow();
    expect(job.payload).toEqual({ version: 1, trigger: 'schedule', requestedBy: null });
    expect(job.run_at.getTime()).toBeGreaterThan(Date.now());
  });
});

describe('training on our own history', () => {
  it('is for administrators, runs as a job and stores versioned models with their evaluation', async () => {
    expect((await t.call('dispatcher', 'POST', '/api/v1/suggestions/retrain')).statusCode).toBe(403);
    expect((await t.call('dispatcher', 'GET', '/api/v1/suggestions/models')).statusCode).toBe(403);
    await retrain();
    const rows = await models();
    const unit = rows.find((m) => m.target === 'unit');
    const category = rows.find((m) => m.target === 'category');
    expect(unit).toMatchObject({ version: 1, status: 'active', trigger: 'manual', error: null });
    expect(category).toMatchObject({ version: 1, status: 'active' });
    // Our 45 cases plus the demo cases that had been dispatched.
    expect(unit?.examples).toBeGreaterThanOrEqual(45);
    const evaluation = unit?.evaluation as { holdout: { accuracy: number; macroF1: number; top2Accuracy: number }; thresholds: { threshold: number; coverage: number }[]; holdoutExamples: number };
    expect(evaluation.holdoutExamples).toBeGreaterThan(5);
    expect(evaluation.holdout.accuracy).toBeGreaterThan(0.5);
    expect(evaluation.thresholds.map((x) => x.threshold)).toEqual([0.5, 0.7, 0.8, 0.9, 0.95]);
  });

  it('suggests the unit and category of similar past cases, with a confidence', async () => {
    const s = await suggest('建筑工地的包工头拖欠我们农民工工资');
    expect(s.items[0]).toMatchObject({ unitId: unitIds.get('hrss'), unit: { code: 'hrss' }, categoryId: categoryIds.get('wage_arrears') });
    expect(s.items[0]?.confidence).toBeGreaterThan(0.5);
    expect(s.categories[0]?.category?.code).toBe('wage_arrears');
    expect(s.models).toEqual({ unit: 1, category: 1 });
    for (let i = 1; i < s.items.length; i += 1) expect(s.items[i - 1]?.confidence ?? 0).toBeGreaterThanOrEqual(s.items[i]?.confidence ?? 0);

    const id = await register('小区楼下酒吧噪音太大', 'noise');
    const res = await t.call('dispatcher', 'GET', `/api/v1/cases/${id}/suggestions?lang=en`);
    expect(res.statusCode, res.body).toBe(200);
    const forCase = res.json() as Suggestions;
    expect(forCase.items[0]?.unit?.code).toBe('cityman');
    // Auto-dispatch is off until an administrator enables it for the category.
    expect(forCase.mode).toBe('hint');
    expect((await t.call('handler', 'GET', `/api/v1/cases/${id}/suggestions`)).statusCode).toBe(404);
  });

  it('numbers every retraining and keeps a failed attempt with its reason', async () => {
    expect((await t.call('admin', 'PUT', '/api/v1/suggestions/settings', { minExamples: 5000 })).statusCode).toBe(200);
    await retrain();
    const failed = (await models()).filter((m) => m.status === 'failed');
    expect(failed.map((m) => [m.target, m.version])).toEqual(expect.arrayContaining([['unit', 2], ['category', 2]]));
    expect(failed[0]?.error).toMatch(/not enough history/);
    // The models in use are untouched.
    expect((await suggest('拖欠工资')).models).toEqual({ unit: 1, category: 1 });
    await t.call('admin', 'PUT', '/api/v1/suggestions/settings', { minExamples: 30 });
    await retrain();
    expect((await suggest('拖欠工资')).models).toEqual({ unit: 3, category: 3 });
    expect((await models()).filter((m) => m.status === 'active').map((m) => m.version)).toEqual([3, 3]);
  });

  it('reschedules itself after a scheduled run', async () => {
    await t.database.db.updateTable('jobs').set({ run_at: new Date(Date.now() - 1000) }).where('kind', '=', 'suggestions.retrain').where('done_at', 'is', null).execute();
    await jobs.runOnce();
    const pending = await t.database.db.selectFrom('jobs').select(['run_at', 'payload']).where('kind', '=', 'suggestions.retrain').where('done_at', 'is', null).execute();
    expect(pending).toHaveLength(1);
    expect(pending[0]?.run_at.toISOString()).toBe(nextRetrainAt(new Date(), 7).toISOString());
    expect((await models()).filter((m) => m.trigger === 'schedule' && m.status === 'active')).toHaveLength(2);
  });
});

describe('auto-dispatch', () => {
  it('decides: auto only above the threshold in an enabled category', () => {
    const settings = { ...DEFAULT_SUGGESTION_SETTINGS, autoThreshold: 0.9, autoDispatchCategoryIds: ['c1'] };
    const top = { unitId: 'u1', confidence: 0.95 };
    expect(decideAutoDispatch({ settings, categoryId: 'c1', top, hasModel: true })).toEqual({ mode: 'auto', unitId: 'u1', confidence: 0.95, reason: 'confident' });
    expect(decideAutoDispatch({ settings, categoryId: 'c2', top, hasModel: true })).toEqual({ mode: 'hint', reason: 'category_not_enabled' });
    expect(decideAutoDispatch({ settings, categoryId: null, top, hasModel: true })).toEqual({ mode: 'hint', reason: 'no_category' });
    expect(decideAutoDispatch({ settings, categoryId: 'c1', top: { ...top, confidence: 0.89 }, hasModel: true })).toEqual({ mode: 'hint', reason: 'below_threshold' });
    expect(decideAutoDispatch({ settings, categoryId: 'c1', top: null, hasModel: true })).toEqual({ mode: 'none', reason: 'no_suggestion' });
    expect(decideAutoDispatch({ settings, categoryId: 'c1', top, hasModel: false })).toEqual({ mode: 'none', reason: 'no_model' });
  });

  it('dispatches a newly registered case when its category allows it and the model is confident', async () => {
    expect((await t.call('dispatcher', 'PUT', '/api/v1/suggestions/settings', { autoThreshold: 0.5 })).statusCode).toBe(403);
    const res = await t.call('admin', 'PUT', '/api/v1/suggestions/settings', { autoThreshold: 0.5, autoDispatchCategoryIds: [categoryIds.get('noise')] });
    expect(res.statusCode, res.body).toBe(200);
    const agent = await t.database.db.selectFrom('users').innerJoin('units', 'units.id', 'users.unit_id').select(['users.id', 'users.unit_id', 'units.path']).where('username', '=', 'agent').executeTakeFirstOrThrow();
    const actor: Actor = { kind: 'user', userId: agent.id, username: 'agent', displayName: 'agent', roles: ['agent'], permissions: permissionsForRoles(['agent']), unitId: agent.unit_id, unitPath: agent.path };
    const deps = { caseDeps: createCaseDeps(t.database.db, () => new Date()), models: createActiveModels(t.database.db), settings: () => loadSuggestionSettings(t.database.db) };

    const noisy = await register('楼下烧烤店噪音扰民到深夜', 'noise');
    const result = await autoDispatchIfConfident(deps, { caseId: noisy, actor });
    expect(result.isDispatched).toBe(true);
    const detail = (await t.call('admin', 'GET', `/api/v1/cases/${noisy}`)).json() as { status: string; leadUnit: { code: string }; events: { code: string; data: { note?: string } }[] };
    expect(detail).toMatchObject({ status: 'dispatched', leadUnit: { code: 'cityman' } });
    expect(detail.events.at(-1)?.data.note).toMatch(/^自动派单：派单建议模型 v4，置信度 [01]\.\d\d$/);

    // Not an enabled category: left for the dispatcher, the suggestion stays a hint.
    const wages = await register('公司拖欠工资三个月', 'wage_arrears');
    expect(await autoDispatchIfConfident(deps, { caseId: wages, actor })).toMatchObject({ isDispatched: false, record: null });
    expect(((await t.call('admin', 'GET', `/api/v1/cases/${wages}`)).json() as { status: string }).status).toBe('registered');
    // Nor for someone who may not dispatch.
    const handler: Actor = { ...actor, roles: ['unit_handler'], permissions: permissionsForRoles(['unit_handler']) };
    const another = await register('广场舞音响噪音太吵', 'noise');
    expect((await autoDispatchIfConfident(deps, { caseId: another, actor: handler })).isDispatched).toBe(false);
  });
});

describe('auto-dispatch after registration (the search.auto_dispatch event consumer)', () => {
  type Detail = { status: string; leadUnit: { code: string } | null; events: { code: string; actor: { username: string } | null; data: { note?: string } }[] };
  const detail = async (id: string): Promise<Detail> => (await t.call('admin', 'GET', `/api/v1/cases/${id}`)).json() as Detail;

  it('dispatches a confident case of an enabled category after registration commits, in the registering user\'s name', async () => {
    await t.runBackground();
    const res = await t.call('admin', 'PUT', '/api/v1/suggestions/settings', { autoThreshold: 0.5, autoDispatchCategoryIds: [categoryIds.get('noise')] });
    expect(res.statusCode, res.body).toBe(200);
    const noisy = await register('楼上酒吧深夜音乐噪音太大', 'noise');
    // Registration itself answers at once, before any model is read.
    expect((await detail(noisy)).status).toBe('registered');
    await t.runBackground();
    const after = await detail(noisy);
    expect(after).toMatchObject({ status: 'dispatched', leadUnit: { code: 'cityman' } });
    const dispatched = after.events.find((e) => e.code === 'case.dispatched');
    expect(dispatched?.actor?.username).toBe('agent');
    expect(dispatched?.data.note).toMatch(/^自动派单：派单建议模型 v\d+，置信度 [01]\.\d\d$/);
    // The event is consumed once: running again changes nothing.
    await t.runBackground();
    expect((await detail(noisy)).events.filter((e) => e.code === 'case.dispatched')).toHaveLength(1);
  });

  it('leaves other categories, low confidence and unconfigured installations to the dispatcher', async () => {
    const wages = await register('公司拖欠工资三个月不发', 'wage_arrears');
    await t.runBackground();
    expect((await detail(wages)).status).toBe('registered');

    // Above any confidence the model can reach: a hint only.
    await t.call('admin', 'PUT', '/api/v1/suggestions/settings', { autoThreshold: 1 });
    const noisy = await register('广场舞音响噪音太吵影响休息', 'noise');
    await t.runBackground();
    expect((await detail(noisy)).status).toBe('registered');

    await t.call('admin', 'PUT', '/api/v1/suggestions/settings', { autoThreshold: 0.5, autoDispatchCategoryIds: [] });
    const off = await register('工地夜间施工噪音很大', 'noise');
    await t.runBackground();
    expect((await detail(off)).status).toBe('registered');
  });

  it('dispatches a citizen\'s confident submission too, as the system, only when the settings allow it', async () => {
    const submit = async (title: string, category: string): Promise<string> => {
      const res = await t.call(null, 'POST', '/api/v1/public/cases', { kind: 'complaint', title, description: `${title}，影响休息。`, categoryId: categoryIds.get(category) });
      expect(res.statusCode, res.body).toBe(201);
      const { trackingNo } = res.json() as { trackingNo: string };
      return (await t.database.db.selectFrom('cases').select('id').where('tracking_no', '=', trackingNo).executeTakeFirstOrThrow()).id;
    };
    await t.call('admin', 'PUT', '/api/v1/suggestions/settings', { autoThreshold: 0.5, autoDispatchCategoryIds: [categoryIds.get('noise')] });
    // Off by default: the desk reads what citizens submit first.
    const unread = await submit('楼上酒吧深夜音乐噪音太大', 'noise');
    await t.runBackground();
    expect((await detail(unread)).status).toBe('registered');

    // A patch changes only what it names: the categories and threshold above stay.
    const settings = await t.call('admin', 'PUT', '/api/v1/suggestions/settings', { isAutoDispatchingSubmissions: true });
    expect(settings.json()).toMatchObject({ isAutoDispatchingSubmissions: true, autoThreshold: 0.5, autoDispatchCategoryIds: [categoryIds.get('noise')] });
    const id = await submit('楼上酒吧深夜音乐噪音太大', 'noise');
    await t.runBackground();
    const after = await detail(id);
    expect(after).toMatchObject({ status: 'dispatched', leadUnit: { code: 'cityman' } });
    const dispatched = await t.database.db.selectFrom('work_item_events').select(['actor_kind', 'actor_id']).where('item_id', '=', id).where('code', '=', 'case.dispatched').execute();
    expect(dispatched).toEqual([{ actor_kind: 'system', actor_id: null }]);
    const assignment = await t.database.db.selectFrom('case_assignments').select(['assigned_by', 'role']).where('case_id', '=', id).execute();
    expect(assignment).toEqual([{ assigned_by: null, role: 'lead' }]);
    // Until a unit accepts it, the system's dispatch is not a lesson for the next model; once accepted, it is.
    const lesson = async () => (await loadHistory(t.database.db, 100_000)).find((h) => h.caseId === id);
    expect((await lesson())?.unitId ?? null).toBeNull();
    expect((await t.call('handler_city', 'POST', `/api/v1/cases/${id}/accept`, {})).statusCode).toBe(200);
    expect((await lesson())?.unitId).toBe(unitIds.get('cityman'));
    // Another category: left for the dispatchers, as for staff intake.
    const other = await submit('公司拖欠工资三个月不发', 'wage_arrears');
    // An enabled category the text does not bear out (wages filed as noise): the desk reads it.
    const misfiled = await submit('公司拖欠工资三个月不发', 'noise');
    await t.runBackground();
    expect((await detail(other)).status).toBe('registered');
    expect((await detail(misfiled)).status).toBe('registered');
    await t.call('admin', 'PUT', '/api/v1/suggestions/settings', { autoDispatchCategoryIds: [], isAutoDispatchingSubmissions: false });
  });

  it('never breaks registration: a refused dispatch rolls back and the case waits for a dispatcher', async () => {
    await t.call('admin', 'PUT', '/api/v1/suggestions/settings', { autoThreshold: 0.5, autoDispatchCategoryIds: [categoryIds.get('noise')] });
    // The unit the model suggests has been deactivated since training: the dispatch is refused.
    const cityman = unitIds.get('cityman') ?? '';
    await t.database.db.updateTable('units').set({ is_active: false }).where('id', '=', cityman).execute();
    try {
      const noisy = await register('楼下烧烤店深夜噪音扰民', 'noise');
      await t.runBackground();
      const after = await detail(noisy);
      expect(after.status).toBe('registered');
      expect(after.events.map((e) => e.code)).toEqual(['case.registered']);
      const stuck = await t.database.db.selectFrom('event_outbox').select(['attempts', 'last_error']).where('consumer', '=', 'search.auto_dispatch').execute();
      expect(stuck).toEqual([]);
    } finally {
      await t.database.db.updateTable('units').set({ is_active: true }).where('id', '=', cityman).execute();
      await t.call('admin', 'PUT', '/api/v1/suggestions/settings', { autoDispatchCategoryIds: [] });
    }
  });
});
