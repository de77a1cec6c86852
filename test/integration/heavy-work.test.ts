import { request as httpRequest, type ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Exports, reports and reviews take a database connection for as long as they run. A table lock held by the
 * test keeps the first ones running while the others arrive, so what is tested is the gate, not timing: the test
 * waits until PostgreSQL shows the expected number of statements waiting on the lock.
 */
let t: TestApp;
let port = 0;
beforeAll(async () => {
  t = await createTestApp({ heavyWork: { perUser: 1, perAddress: 1, staffTotal: 2, publicTotal: 1 } });
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  port = (t.app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await t.close();
});

const REVIEW = '/api/v1/replies/quality?from=2026-01-01&to=2026-12-31';

/** Holds an exclusive lock on a table until released: every statement that reads it waits. */
const holdTable = async (table: 'work_item_events' | 'sessions') => {
  const trx = await t.database.db.startTransaction().execute();
  await sql`LOCK TABLE ${sql.table(table)} IN ACCESS EXCLUSIVE MODE`.execute(trx);
  return async () => {
    await trx.rollback().execute();
  };
};

/** Waits until exactly `count` statements of this test's database wait on a lock. */
const lockWaiters = async (count: number) => {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const row = await sql<{ n: string }>`
      SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(t.database.db);
    if (Number(row.rows[0]?.n) === count) return;
    if (Date.now() > deadline) throw new Error(`expected ${count} statements waiting on a lock, found ${row.rows[0]?.n}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/**
 * A request that the gate must answer at once: without the gate it would wait on the lock, so it fails with a
 * message after a few seconds instead of at the test's own timeout.
 */
const refusedAtOnce = <T>(answer: Promise<T>): Promise<T> =>
  Promise.race([answer, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('not answered at once: the gate let the request through to the lock')), 10_000))]);

const get = async (username: string | null, url: string, remoteAddress = '127.0.0.1') => {
  const headers: Record<string, string> = username ? { authorization: `Bearer ${await t.tokenOf(username)}` } : {};
  return t.app.inject({ method: 'GET', url, headers, remoteAddress });
};

/** A request over a real socket that the test can abandon. */
const abandonable = async (username: string, url: string): Promise<ClientRequest> => {
  const token = await t.tokenOf(username);
  const req = httpRequest({ host: '127.0.0.1', port, path: url, headers: { authorization: `Bearer ${token}` } });
  req.on('error', () => {});
  req.end();
  return req;
};

describe('heavy requests', () => {
  it('admit one per user and two staff at once; the others are told to come back, and the desks are not held up', async () => {
    const release = await holdTable('work_item_events');
    const first = get('supervisor', REVIEW);
    await lockWaiters(1);

    const again = await refusedAtOnce(get('supervisor', REVIEW));
    expect(again.statusCode).toBe(429);
    expect(again.json()).toMatchObject({ error: { code: 'rate_limited', messageId: 'errors.rate_limited.heavy_in_progress', details: { reason: 'heavy_in_progress' } } });
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(0);

    const second = get('admin', REVIEW);
    await lockWaiters(2);
    const third = await refusedAtOnce(get('dispatcher', '/api/v1/cases/export?format=csv'));
    expect(third.statusCode).toBe(503);
    expect(third.json()).toMatchObject({ error: { code: 'server.busy' } });
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);

    // The public's share is its own: a download is admitted while the staff's is full.
    expect((await get(null, '/api/v1/public/open-data/stats.csv', '10.20.30.40')).statusCode).toBe(200);
    // Ordinary work goes on (the queue does not read the locked table).
    expect((await get('dispatcher', '/api/v1/cases?mine=true')).statusCode).toBe(200);

    await release();
    expect((await first).statusCode).toBe(200);
    expect((await second).statusCode).toBe(200);
    // The slots are free again, and an export's slot is given back when its transaction is closed.
    expect((await get('supervisor', REVIEW)).statusCode).toBe(200);
    expect((await get('dispatcher', '/api/v1/cases/export?format=csv')).statusCode).toBe(200);
    expect((await get('dispatcher', '/api/v1/cases/export?format=xlsx')).statusCode).toBe(200);
  });

  it('keeps the slot of a client that went away until its work is over, then frees it', async () => {
    const release = await holdTable('work_item_events');
    const abandoned = await abandonable('supervisor', REVIEW);
    await lockWaiters(1);
    abandoned.destroy();
    // The review still waits in PostgreSQL with its connection: going away does not make room for another.
    await new Promise((r) => setTimeout(r, 200));
    expect((await refusedAtOnce(get('supervisor', REVIEW))).statusCode).toBe(429);
    await release();
    await lockWaiters(0);
    await expect.poll(async () => (await get('supervisor', REVIEW)).statusCode, { timeout: 10_000 }).toBe(200);
  });

  it('frees the slot of a client that went away before it was admitted', async () => {
    // The sign-in look-up waits, so the client is gone before the gate is reached.
    const release = await holdTable('sessions');
    const abandoned = await abandonable('supervisor', REVIEW);
    await lockWaiters(1);
    abandoned.destroy();
    await new Promise((r) => setTimeout(r, 200));
    await release();
    await lockWaiters(0);
    await expect.poll(async () => (await get('supervisor', REVIEW)).statusCode, { timeout: 10_000 }).toBe(200);
  });

  it('does not count refused input: a bad period is a 400 and takes no slot', async () => {
    for (let i = 0; i < 3; i += 1) expect((await get('supervisor', '/api/v1/replies/quality?from=2026-13-01&to=2026-12-31')).statusCode).toBe(400);
    expect((await get('supervisor', REVIEW)).statusCode).toBe(200);
  });
});
