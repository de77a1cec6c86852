import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/cli-io.js';
import { runWorkerCommand } from '../../src/cli/worker-command.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** `bihuan worker`: the background work in a process of its own, beside web servers with BIHUAN_BACKGROUND=off. */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const captureIo = () => {
  const out: string[] = [];
  const io: CliIo = { stdout: (text) => void out.push(text), stderr: () => {}, writeStdout: (data) => void out.push(data) };
  return { io, out };
};

const register = async (title: string): Promise<string> => {
  const res = await t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'help', title, description: `${title}：后台处理。` });
  expect(res.statusCode).toBe(201);
  return (res.json() as { id: string }).id;
};

const pendingFor = async (caseId: string): Promise<number> => {
  const row = await t.database.db
    .selectFrom('event_outbox as o')
    .innerJoin('work_item_events as e', 'e.id', 'o.event_id')
    .select(({ fn }) => fn.countAll<string>().as('n'))
    .where('e.item_id', '=', caseId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
};

const isIndexed = async (caseId: string): Promise<boolean> =>
  (await t.database.db.selectFrom('case_search').select('case_id').where('case_id', '=', caseId).executeTakeFirst()) !== undefined;

describe('bihuan worker', () => {
  it('--once works off what is queued and exits', async () => {
    const id = await register('后台一次');
    expect(await pendingFor(id)).toBeGreaterThan(0);
    const { io, out } = captureIo();
    expect(await runWorkerCommand(['--once', '--database-url', t.database.url], io)).toBe(0);
    expect(out.join('\n')).toMatch(/\d+ jobs and events handled/);
    expect(await pendingFor(id)).toBe(0);
    expect(await isIndexed(id)).toBe(true);
  });

  it('keeps working as cases arrive until it is stopped', async () => {
    const previous = process.env.BIHUAN_JOB_POLL_MS;
    process.env.BIHUAN_JOB_POLL_MS = '200';
    const stop = new AbortController();
    const { io, out } = captureIo();
    const running = runWorkerCommand(['--database-url', t.database.url], io, { signal: stop.signal });
    try {
      const id = await register('后台持续');
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline && ((await pendingFor(id)) > 0 || !(await isIndexed(id)))) await new Promise((r) => setTimeout(r, 100));
      expect(await pendingFor(id)).toBe(0);
      expect(await isIndexed(id)).toBe(true);
    } finally {
      stop.abort();
      expect(await running).toBe(0);
      if (previous === undefined) delete process.env.BIHUAN_JOB_POLL_MS;
      else process.env.BIHUAN_JOB_POLL_MS = previous;
    }
    expect(out).toContain('worker: stopped');
  });

  it('prints its help', async () => {
    const { io, out } = captureIo();
    expect(await runWorkerCommand(['--help'], io)).toBe(0);
    expect(out.join('\n')).toContain('BIHUAN_BACKGROUND=off');
  });
});
