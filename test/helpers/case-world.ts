import { afterAll, beforeAll, expect } from 'vitest';
import { jobHandlers } from '../../src/jobs/handlers.js';
import { runDueJobs } from '../../src/jobs/job-runner.js';
import { createTestApp, type TestApp } from './test-app.js';

export type CaseWorld<Detail> = {
  /** The app on the file's clock (sessions last a year of that clock, so tests may move it freely). */
  readonly t: TestApp;
  /** Seeded unit and category ids by code, loaded once the app has started. */
  units: Map<string, string>;
  categories: Map<string, string>;
  /** Takes an action as a seeded user and expects it to succeed; answers the case page. */
  act: (user: string, id: string, action: string, body?: unknown) => Promise<Detail>;
  view: (user: string, id: string) => Promise<Detail>;
  /** Runs the jobs due at the file's clock (timers: time limits, holds, reopen windows). */
  runJobs: () => Promise<number>;
  /** A wage-arrears complaint registered by the agent, dispatched to hrss and accepted by its handler. */
  acceptedCase: (body?: Record<string, unknown>) => Promise<Detail>;
};

/**
 * The set-up the case-lifecycle tests share: one app whose clock the test file owns (`now`), the seeded units
 * and categories, and the steps that take a case to where a test starts. `caseDefaults` are added to every case
 * `acceptedCase` registers; `beforeStart` runs before the app starts (environment the app reads at start).
 */
export const useCaseWorld = <Detail extends { id: string }>(options: {
  now: () => Date;
  caseDefaults?: Record<string, unknown>;
  beforeStart?: () => void;
}): CaseWorld<Detail> => {
  let app: TestApp | undefined;
  const units = new Map<string, string>();
  const categories = new Map<string, string>();
  const started = (): TestApp => {
    if (!app) throw new Error('the test app has not started');
    return app;
  };
  beforeAll(async () => {
    options.beforeStart?.();
    app = await createTestApp({ now: options.now, sessionTtlHours: 24 * 365 });
    for (const u of ((await app.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] }).items) units.set(u.code, u.id);
    for (const c of ((await app.call(null, 'GET', '/api/v1/categories')).json() as { items: { id: string; code: string }[] }).items) categories.set(c.code, c.id);
  });
  afterAll(async () => {
    await app?.close();
  });
  const act: CaseWorld<Detail>['act'] = async (user, id, action, body = {}) => {
    const res = await started().call(user, 'POST', `/api/v1/cases/${id}/${action}`, body);
    expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
    return res.json() as Detail;
  };
  return {
    get t() {
      return started();
    },
    units,
    categories,
    act,
    view: async (user, id) => (await started().call(user, 'GET', `/api/v1/cases/${id}`)).json() as Detail,
    runJobs: () => runDueJobs(started().database.db, jobHandlers, options.now),
    acceptedCase: async (body = {}) => {
      const res = await started().call('agent', 'POST', '/api/v1/cases', {
        channel: 'phone', kind: 'complaint', title: '拖欠工资', description: '工地拖欠工资', categoryId: categories.get('wage_arrears'),
        ...options.caseDefaults, ...body,
      });
      expect(res.statusCode, res.body).toBe(201);
      const c = res.json() as Detail;
      await act('dispatcher', c.id, 'dispatch', { unitId: units.get('hrss') });
      await act('handler', c.id, 'accept');
      return c;
    },
  };
};
