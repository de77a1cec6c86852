import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumeEvents, registerEventConsumer, type ConsumedEvent } from '../../src/jobs/event-consumer.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let hrss = '';
beforeAll(async () => {
  t = await createTestApp();
  hrss = ((await t.call(null, 'GET', '/api/v1/units')).json() as { items: { id: string; code: string }[] }).items.find((u) => u.code === 'hrss')?.id ?? '';
});
afterAll(async () => {
  await t.close();
});

const newDispatchedCase = async (): Promise<string> => {
  const c = (await t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'help', title: '事件测试', description: '事件测试' })).json() as { id: string };
  expect((await t.call('dispatcher', 'POST', `/api/v1/cases/${c.id}/dispatch`, { unitId: hrss })).statusCode).toBe(200);
  return c.id;
};

describe('event outbox', () => {
  it('delivers every event of a registered consumer exactly once, in order', async () => {
    await registerEventConsumer(t.database.db, 'test.collect');
    const id = await newDispatchedCase();
    const seen: ConsumedEvent[] = [];
    const n = await consumeEvents(t.database.db, 'test.collect', async (_trx, e) => {
      seen.push(e);
    });
    expect(n).toBe(2);
    expect(seen.map((e) => [e.itemId, e.code, e.seq])).toEqual([
      [id, 'case.registered', 1],
      [id, 'case.dispatched', 2],
    ]);
    expect(await consumeEvents(t.database.db, 'test.collect', async () => {})).toBe(0);
  });

  it('an event is due from the time it happened, so a clock behind the database\'s still finds it, and one before it does not', async () => {
    // Written by a process whose clock is an hour behind the database's (a fixed test clock, a slow host).
    const behind = new Date(Date.now() - 3600_000);
    const late = await createTestApp({ now: () => behind });
    try {
      await registerEventConsumer(late.database.db, 'test.clock');
      const c = (await late.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'help', title: '慢钟', description: '慢钟' })).json() as { id: string };
      const seen: string[] = [];
      const collect = async (_trx: unknown, e: ConsumedEvent) => {
        if (e.itemId === c.id) seen.push(e.code);
      };
      // Before the event happened: not due yet.
      await consumeEvents(late.database.db, 'test.clock', collect, { now: () => new Date(behind.getTime() - 1000) });
      expect(seen).toEqual([]);
      await consumeEvents(late.database.db, 'test.clock', collect, { now: () => behind });
      expect(seen).toEqual(['case.registered']);
    } finally {
      await late.close();
    }
  });

  it('queues for a consumer that names its codes only the events of those codes', async () => {
    await registerEventConsumer(t.database.db, 'test.dispatches', ['case'], ['case.dispatched']);
    const id = await newDispatchedCase();
    const seen: string[] = [];
    expect(await consumeEvents(t.database.db, 'test.dispatches', async (_trx, e) => void seen.push(`${e.itemId} ${e.code}`))).toBe(1);
    expect(seen).toEqual([`${id} case.dispatched`]);
    // Registering again with other codes (a new version of the consumer) replaces them.
    await registerEventConsumer(t.database.db, 'test.dispatches', ['case'], null);
    const next = await newDispatchedCase();
    seen.length = 0;
    expect(await consumeEvents(t.database.db, 'test.dispatches', async (_trx, e) => void seen.push(`${e.itemId} ${e.code}`))).toBe(2);
    expect(seen).toEqual([`${next} case.registered`, `${next} case.dispatched`]);
  });

  it('queues for staff notices only the events that notify someone (a registration does not)', async () => {
    const id = await newDispatchedCase();
    const queued = await t.database.db
      .selectFrom('event_outbox as o')
      .innerJoin('work_item_events as e', 'e.id', 'o.event_id')
      .select(['o.consumer', 'e.code'])
      .where('e.item_id', '=', id)
      .execute();
    expect(queued.filter((q) => q.consumer === 'notify.staff').map((q) => q.code)).toEqual(['case.dispatched']);
    expect(queued.filter((q) => q.code === 'case.registered').map((q) => q.consumer)).toContain('search.index');
  });

  it('retries a failing event later without blocking the ones behind it', async () => {
    await registerEventConsumer(t.database.db, 'test.flaky');
    await newDispatchedCase();
    let clock = Date.now();
    const handled: string[] = [];
    const handler = async (_trx: unknown, e: ConsumedEvent) => {
      if (e.code === 'case.registered' && handled.length === 0) throw new Error('provider down');
      handled.push(e.code);
    };
    expect(await consumeEvents(t.database.db, 'test.flaky', handler, { now: () => new Date(clock) })).toBe(1);
    expect(handled).toEqual(['case.dispatched']);
    const row = await t.database.db.selectFrom('event_outbox').select(['attempts', 'last_error']).where('consumer', '=', 'test.flaky').executeTakeFirstOrThrow();
    expect(row).toEqual({ attempts: 1, last_error: 'provider down' });
    expect(await consumeEvents(t.database.db, 'test.flaky', handler, { now: () => new Date(clock) })).toBe(0);
    clock += 60_000;
    expect(await consumeEvents(t.database.db, 'test.flaky', handler, { now: () => new Date(clock) })).toBe(1);
    expect(handled).toEqual(['case.dispatched', 'case.registered']);
  });

  it('shares the work between concurrent workers without handling anything twice', async () => {
    await registerEventConsumer(t.database.db, 'test.parallel');
    for (let i = 0; i < 5; i += 1) await newDispatchedCase();
    const seen: string[] = [];
    const handler = async (_trx: unknown, e: ConsumedEvent) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(e.id);
    };
    const counts = await Promise.all([1, 2, 3].map(() => consumeEvents(t.database.db, 'test.parallel', handler)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10);
    expect(new Set(seen).size).toBe(10);
    expect(seen).toHaveLength(10);
  });
  it('gives a consumer with a batch handler each batch in one call, and after a failed batch goes event by event', async () => {
    await registerEventConsumer(t.database.db, 'test.batch');
    const ids = [await newDispatchedCase(), await newDispatchedCase(), await newDispatchedCase()];
    const batches: string[][] = [];
    const single: string[] = [];
    const n = await consumeEvents(t.database.db, 'test.batch', async (_trx, e) => void single.push(e.code), {
      batchHandler: async (_trx, events) => void batches.push(events.map((e) => `${e.itemId} ${e.seq}`)),
    });
    expect(n).toBe(6);
    expect(single).toEqual([]);
    expect(batches).toEqual([ids.flatMap((id) => [`${id} 1`, `${id} 2`])]);

    // A batch that fails writes nothing: its events go one at a time to the event handler, and only the one
    // that fails there too is kept for later.
    await registerEventConsumer(t.database.db, 'test.batch_fail');
    await sql`CREATE TABLE test_batch_marks (mark text PRIMARY KEY)`.execute(t.database.db);
    const [first, second] = [await newDispatchedCase(), await newDispatchedCase()];
    const written: string[] = [];
    const logged: string[] = [];
    const m = await consumeEvents(
      t.database.db,
      'test.batch_fail',
      async (trx, e) => {
        if (e.itemId === second && e.seq === 1) throw new Error('bad event');
        await sql`INSERT INTO test_batch_marks VALUES (${`${e.itemId} ${e.seq}`})`.execute(trx);
        written.push(`${e.itemId} ${e.seq}`);
      },
      {
        log: (message) => void logged.push(message),
        batchHandler: async (trx, events) => {
          for (const e of events) await sql`INSERT INTO test_batch_marks VALUES (${`${e.itemId} ${e.seq}`})`.execute(trx);
          throw new Error('bad batch');
        },
      },
    );
    expect(m).toBe(3);
    expect(written).toEqual([`${first} 1`, `${first} 2`, `${second} 2`]);
    const marks = await sql<{ mark: string }>`SELECT mark FROM test_batch_marks`.execute(t.database.db);
    expect(marks.rows.map((r) => r.mark).sort()).toEqual([`${first} 1`, `${first} 2`, `${second} 2`].sort());
    const left = await t.database.db.selectFrom('event_outbox').select(['attempts', 'last_error']).where('consumer', '=', 'test.batch_fail').execute();
    expect(left).toEqual([{ attempts: 1, last_error: 'bad event' }]);
    expect(logged).toEqual([
      'event consumer test.batch_fail: a batch failed (bad batch); handling its events one at a time',
      'event consumer test.batch_fail: bad event',
    ]);
  });
});
