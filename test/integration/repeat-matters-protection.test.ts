import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The repeat matters list (GET /duplicates/repeats?kind=matters) and identity protection: 王先生 files a complaint
 * and a protected report (举报) on the same matter, both dispatched to the city management bureau. Its supervisor
 * may not learn who wrote the report; counting the two as one requester would tell them, since revealing the
 * complaint names its author.
 */

type Matter = { caseCount: number; requesterCount: number; cases: { id: string }[] };

let t: TestApp;
const units = new Map<string, string>();
const ids = new Map<string, string>();
const id = (name: string): string => ids.get(name) ?? '';

const DESCRIPTION = '林廓北路12号小区门口的污水井连续三天冒水，臭味很大，行人只能绕行，希望市政尽快疏通。';

beforeAll(async () => {
  t = await createTestApp();
  for (const u of ((await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] }).items) units.set(u.code, u.id);
  // A supervisor of the handling bureau, below the intake desk (lhasa): outside the report's intake line.
  const db = t.database.db;
  const model = await db.selectFrom('users').select('password_hash').where('username', '=', 'supervisor').executeTakeFirstOrThrow();
  await db.insertInto('users').values({ username: 'supervisor_city', display_name: '城管督办', password_hash: model.password_hash, roles: ['supervisor'], unit_id: units.get('cityman') ?? '' }).execute();
  const register = async (name: string, body: Record<string, unknown>) => {
    const res = await t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'complaint', ...body });
    expect(res.statusCode, res.body).toBe(201);
    ids.set(name, (res.json() as { id: string }).id);
    const dispatched = await t.call('dispatcher', 'POST', `/api/v1/cases/${id(name)}/dispatch`, { unitId: units.get('cityman') });
    expect(dispatched.statusCode, dispatched.body).toBe(200);
  };
  await register('complaint', { title: '林廓北路小区门口污水井冒水', description: DESCRIPTION, requester: { name: '王先生', phone: '13900001111' } });
  await register('report', {
    kind: 'report', title: '林廓北路小区污水井冒水三天无人管', description: `${DESCRIPTION}物业和城管都不管。`, requester: { name: '王先生', phone: '13900001111' },
  });
  await register('neighbour', { title: '林廓北路12号污水井冒水', description: DESCRIPTION, requester: { name: '李女士', phone: '13900002222' } });
  await t.runBackground();
});

afterAll(async () => {
  await t.close();
});

const matterOf = async (user: string): Promise<Matter | undefined> => {
  const res = await t.call(user, 'GET', '/api/v1/duplicates/repeats?kind=matters');
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { items: Matter[] }).items.find((g) => g.cases.some((c) => c.id === id('report')));
};

describe('repeat matters and a protected report', () => {
  it('the handling bureau\'s supervisor sees the report counted as a requester of its own', async () => {
    const matter = await matterOf('supervisor_city');
    expect(matter?.cases.map((c) => c.id).sort()).toEqual([id('complaint'), id('report'), id('neighbour')].sort());
    // 王先生's complaint and report would be one requester: the report's author is not the bureau's to know.
    expect(matter?.requesterCount).toBe(3);
    const refused = await t.call('supervisor_city', 'GET', `/api/v1/cases/${id('report')}/requester`);
    expect(refused.statusCode).toBe(403);
    // The complaint's requester the bureau may see, as before.
    expect((await t.call('supervisor_city', 'GET', `/api/v1/cases/${id('complaint')}/requester`)).statusCode).toBe(200);
  });

  it('the intake line, to whom the reporter gave their name, sees one person behind both', async () => {
    const matter = await matterOf('supervisor');
    expect(matter?.caseCount).toBe(3);
    expect(matter?.requesterCount).toBe(2);
  });
});
