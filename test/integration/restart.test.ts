import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * The server is stopped and started again, as an operator would, and everything acknowledged before must
 * still be there. Without DATABASE_URL this restarts the embedded PostgreSQL too, from its data directory.
 */
const PASSWORD = 'restart-pass-1';
let dataDir: string | null = null;
let database: TestDatabase | null = null;

const configFor = async (): Promise<Record<string, string>> => {
  if (process.env.DATABASE_URL) {
    database ??= await createTestDatabase(inject('pgAdminUrl'), inject('templateDb'));
    // An empty database, so that the server's own start-up (migrations + seed) is what is under test.
    await database.db.schema.dropSchema('public').cascade().execute();
    await database.db.schema.createSchema('public').execute();
    return { DATABASE_URL: database.url };
  }
  dataDir ??= await mkdtemp(path.join(os.tmpdir(), 'bihuan-restart-'));
  return { BIHUAN_DATA_DIR: dataDir, BIHUAN_EMBEDDED_PG_PORT: String(55000 + (process.pid % 1000)) };
};

const start = async (env: Record<string, string>): Promise<RunningServer> =>
  startServer(loadConfig({ ...env, PORT: '0', BIHUAN_DEMO_PASSWORD: PASSWORD, BIHUAN_LOG_LEVEL: 'silent' }), { log: () => {}, webRoot: '/nonexistent' });

afterAll(async () => {
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  if (database) await database.drop();
});

describe('restart', () => {
  it('keeps every case and its whole timeline, and does not seed twice', async () => {
    const env = await configFor();
    let server = await start(env);
    const json = async (res: Response) => (await res.json()) as Record<string, unknown>;
    const login = async (s: RunningServer, username: string) =>
      (await json(await fetch(`${s.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) }))).token as string;
    const call = async (s: RunningServer, token: string, method: string, url: string, body?: unknown) =>
      fetch(`${s.url}${url}`, { method, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });

    let caseId = '';
    let before: Record<string, unknown> = {};
    let totalBefore = 0;
    try {
      const agent = await login(server, 'agent');
      const created = await json(await call(server, agent, 'POST', '/api/v1/cases', { channel: 'phone', kind: 'help', title: '重启测试', description: 'ཞུ་གཏུག་ཚོད་ལྟ། 重启后必须还在' }));
      caseId = created.id as string;
      const dispatcher = await login(server, 'dispatcher');
      const units = (await json(await fetch(`${server.url}/api/v1/units`))).items as { id: string; code: string }[];
      const hrss = units.find((u) => u.code === 'hrss')?.id;
      expect((await call(server, dispatcher, 'POST', `/api/v1/cases/${caseId}/dispatch`, { unitId: hrss })).status).toBe(200);
      expect((await call(server, dispatcher, 'POST', `/api/v1/cases/${caseId}/note`, { text: '重启前的备注' })).status).toBe(200);
      before = await json(await call(server, dispatcher, 'GET', `/api/v1/cases/${caseId}`));
      totalBefore = (await json(await call(server, dispatcher, 'GET', '/api/v1/cases?pageSize=1'))).total as number;
    } finally {
      await server.stop();
    }

    server = await start(env);
    try {
      const dispatcher = await login(server, 'dispatcher');
      const after = await json(await call(server, dispatcher, 'GET', `/api/v1/cases/${caseId}`));
      expect(after).toEqual(before);
      expect((after.events as unknown[]).length).toBe(3);
      const totalAfter = (await json(await call(server, dispatcher, 'GET', '/api/v1/cases?pageSize=1'))).total as number;
      expect(totalAfter).toBe(totalBefore);
    } finally {
      await server.stop();
    }
  }, 120_000);
});
