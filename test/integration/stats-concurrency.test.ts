import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/database.js';
import { COUNTER_COLUMNS, rebuildStats, refreshCasesStats } from '../../src/db/stats.repository.js';
import { consumeEvents } from '../../src/jobs/event-consumer.js';
import { STATS_CONSUMER, statsConsumers } from '../../src/jobs/stats.consumers.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let workerDb: Db;
const units = new Map<string, string>();
const HANDLERS: Record<string, string> = { hrss: 'handler', cityman: 'handler_city', union: 'handler_union', market: 'handler_market' };

beforeAll(async () => {
  t = await createTestApp();
  workerDb = createDb(t.database.url, { max: 4, onIdleError: () => {} });
  for (const u of ((await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] }).items) units.set(u.code, u.id);
  await t.runBackground();
});
afterAll(async () => {
  await workerDb.destroy();
  await t.close();
});

const act = async (user: string, id: string, action: string, body: unknown = {}) => {
  const res = await t.call(user, 'POST', `/api/v1/cases/${id}/${action}`, body);
  expect(res.statusCode, `${action}: ${res.body}`).toBe(200);
};
const register = async (n: number): Promise<string> => {
  const i = Math.abs(n);
  const res = await t.call('agent', 'POST', '/api/v1/cases', {
    channel: (['phone', 'web', 'visit'] as const)[i % 3],
    kind: (['complaint', 'help', 'enquiry'] as const)[i % 3],
    title: `并发测试 ${i}`,
    description: '并发测试',
  });
  expect(res.statusCode, res.body).toBe(201);
  return (res.json() as { id: string }).id;
};

/** Six stories a case can go through, covering every event the statistics read. */
const story = async (i: number, id: string, masterId: string): Promise<void> => {
  const unit = ['hrss', 'cityman', 'union', 'market'][i % 4] as string;
  const handler = HANDLERS[unit] as string;
  switch (i % 6) {
    case 0:
      await act('dispatcher', id, 'dispatch', { unitId: units.get(unit) });
      await act(handler, id, 'accept');
      await act(handler, id, 'reply', { text: '已办理', outcome: 'resolved', amountRecoveredFen: 1000 * i });
      await act('agent', id, 'callback', { resolved: 'yes', satisfaction: 'satisfied' });
      await act('dispatcher', id, 'close');
      return;
    case 1:
      await act('dispatcher', id, 'dispatch', { unitId: units.get('cityman') });
      await act('dispatcher', id, 'transfer', { unitId: units.get('market'), reason: '转办' });
      await act('handler_market', id, 'accept');
      await act('handler_market', id, 'reply', { text: '已解释', outcome: 'explained' });
      await act('agent', id, 'callback', { resolved: 'partly', satisfaction: 'fairly_satisfied' });
      await act('dispatcher', id, 'reopen', { reason: '重办' });
      await act('handler_market', id, 'accept');
      await act('handler_market', id, 'reply', { text: '已解决', outcome: 'resolved', amountRecoveredFen: 7 });
      return;
    case 2:
      await act('dispatcher', id, 'dispatch', { unitId: units.get('union') });
      await act('handler_union', id, 'return', { reason: '不属于本单位' });
      await act('dispatcher', id, 'dispatch', { unitId: units.get('hrss') });
      await act('handler', id, 'accept');
      await act('handler', id, 'reply', { text: '部分解决', outcome: 'partly_resolved', amountRecoveredFen: 500 });
      return;
    case 3:
      await act('agent', id, 'resolve-on-intake', { text: '已答复' });
      await act('agent', id, 'callback', { resolved: 'no', satisfaction: 'dissatisfied' });
      await act('dispatcher', id, 'reopen', { reason: '重办' });
      await act('agent', id, 'reject', { reason: '不予受理' });
      return;
    case 4:
      await act('dispatcher', id, 'dispatch', { unitId: units.get('market') });
      await act('handler_market', id, 'accept');
      await act('handler_market', id, 'reply', { text: '已办理', outcome: 'resolved' });
      await act('agent', id, 'callback', { resolved: 'yes', satisfaction: 'satisfied' });
      await act('dispatcher', id, 'reopen', { reason: '重办' });
      await act('handler_market', id, 'accept');
      return;
    default:
      await act('dispatcher', id, 'merge', { masterId });
  }
};

const NON_ZERO = sql.raw(`NOT (${COUNTER_COLUMNS.map((c) => `${c} = 0`).join(' AND ')})`);
const snapshot = async (db: Db) =>
  (
    await sql<Record<string, unknown>>`
      SELECT * FROM stats_rollups WHERE ${NON_ZERO}
      ORDER BY subtree_unit_id, grain, dims, period, category_id NULLS FIRST, channel NULLS FIRST, kind NULLS FIRST`.execute(db)
  ).rows;

describe('rollups under concurrent updates', () => {
  it('stay equal to a rebuild from the timeline and to the case table, whatever the interleaving', async () => {
    const masterId = await register(-1);
    const ids = await Promise.all(Array.from({ length: 24 }, (_, i) => register(i)));

    // Three consumers share the queue while the cases move, and a rebuild runs in the middle of it all. Two fold
    // whole batches at once (as the server does), one folds event by event (as after a failed batch).
    let isRunning = true;
    const spec = statsConsumers.find((c) => c.name === STATS_CONSUMER);
    if (!spec?.handleBatch) throw new Error('no stats consumer with a batch handler');
    const worker = async (isBatch: boolean) => {
      while (isRunning) {
        const options = { limit: 7, batchHandler: isBatch ? spec.handleBatch : undefined };
        if ((await consumeEvents(workerDb, STATS_CONSUMER, spec.handler, options)) === 0) await sleep(3);
      }
    };
    const workers = [worker(true), worker(true), worker(false)];
    const stories = Promise.all(ids.map((id, i) => story(i, id, masterId)));
    await sleep(150);
    const midway = await rebuildStats(workerDb);
    expect(midway.cases).toBeGreaterThan(24);
    await stories;
    isRunning = false;
    await Promise.all(workers);
    await t.runBackground();

    const incremental = await snapshot(t.database.db);
    expect(incremental.length).toBeGreaterThan(100);
    expect(incremental.every((r) => COUNTER_COLUMNS.every((c) => Number(r[c]) >= 0))).toBe(true);
    await rebuildStats(t.database.db);
    expect(await snapshot(t.database.db)).toEqual(incremental);

    // An independent check: the case-level counters summed straight from the case table, per day and per unit with
    // everything below it, as the rollup rows of the `unit` grouping hold them.
    const fromCases = await sql<Record<string, string>>`
      SELECT (c.created_at AT TIME ZONE 'Asia/Shanghai')::date::text AS day, a.id::text AS unit_id,
        count(*) AS registered,
        count(*) FILTER (WHERE c.replied_at IS NOT NULL) AS replied,
        count(*) FILTER (WHERE c.status IN ('registered', 'dispatched', 'accepted', 'returned')) AS open,
        count(*) FILTER (WHERE c.status = 'rejected') AS rejected,
        count(*) FILTER (WHERE c.status = 'merged') AS merged,
        count(*) FILTER (WHERE c.callback_at IS NOT NULL OR c.rated_at IS NOT NULL) AS evaluated,
        count(*) FILTER (WHERE coalesce(c.callback_satisfaction, c.rating_satisfaction) = 'satisfied') AS satisfied,
        coalesce(sum(c.amount_recovered_fen), 0) AS amount_recovered_fen,
        count(*) FILTER (WHERE c.reopen_count > 0) AS reopened
      FROM cases c JOIN units u ON u.id = coalesce(c.lead_unit_id, c.intake_unit_id) JOIN units a ON a.path @> u.path
      GROUP BY 1, 2 ORDER BY 1, 2`.execute(t.database.db);
    const fromRollups = await sql<Record<string, string>>`
      SELECT period::text AS day, subtree_unit_id::text AS unit_id, registered::bigint AS registered, replied::bigint AS replied,
        open::bigint AS open, rejected::bigint AS rejected, merged::bigint AS merged, evaluated::bigint AS evaluated,
        satisfied::bigint AS satisfied, amount_recovered_fen, reopened::bigint AS reopened
      FROM stats_rollups WHERE grain = 'd' AND dims = 'unit' AND registered > 0 ORDER BY 1, 2`.execute(t.database.db);
    expect(fromRollups.rows.length).toBeGreaterThan(10);
    expect(fromRollups.rows).toEqual(fromCases.rows);

    const pending = await t.database.db.selectFrom('event_outbox').select((eb) => eb.fn.countAll<string>().as('n')).where('consumer', '=', STATS_CONSUMER).executeTakeFirst();
    expect(Number(pending?.n)).toBe(0);
  });
  it('fold a batch whose cases make more rollup rows than one statement can carry', async () => {
    // Each case dispatched, then moved to a month of its own: every case adds rows for its own day and month,
    // for both units and the units above them, so 150 of them make thousands of rollup rows.
    const ids = await Promise.all(Array.from({ length: 150 }, (_, i) => register(100 + i)));
    for (const [i, id] of ids.entries()) {
      await act('dispatcher', id, 'dispatch', { unitId: units.get(['hrss', 'market'][i % 2] as string) });
      await sql`UPDATE cases SET created_at = created_at - make_interval(months => ${i + 1}) WHERE id = ${id}`.execute(t.database.db);
    }
    const before = (await snapshot(t.database.db)).length;
    const folded = await t.database.db.transaction().execute((trx) => refreshCasesStats(trx, ids.map((caseId) => ({ caseId }))));
    expect(folded).toBe(150);
    const incremental = await snapshot(t.database.db);
    // More than 65,535 parameters in one statement (32 per row).
    expect(incremental.length - before).toBeGreaterThan(2100);
    await rebuildStats(t.database.db);
    expect(await snapshot(t.database.db)).toEqual(incremental);
    // The queued events of these cases are already folded: working them off changes nothing.
    await t.runBackground();
    expect(await snapshot(t.database.db)).toEqual(incremental);
  });
});
