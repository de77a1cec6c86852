import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Exports, reports and reviews take a database connection for as long as they run. A table lock held by the
 * test keeps the first one running while the others arrive, so what is measured is the gate, not timing.
 */
let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ heavyWork: { perCaller: 1, staffTotal: 2, publicTotal: 1 } });
});
afterAll(async () => {
  await t.close();
});

const REVIEW = '/api/v1/replies/quality?from=2026-01-01&to=2026-12-31';

/** Holds an exclusive lock on a table until released: every read of it waits. */
const holdTable = async (table: 'work_item_events') => {
  const trx = await t.database.db.startTransaction().execute();
  await sql`LOCK TABLE ${sql.table(table)} IN ACCESS EXCLUSIVE MODE`.execute(trx);
  return async () => {
    await trx.rollback().execute();
  };
};

const get = (username: string | null, url: string, remoteAddress = '127.0.0.1') =>
  t.tokenOf(username ?? 'admin').then((token) =>
    t.app.inject({ method: 'GET', url, headers: username ? { authorization: `Bearer ${token}` } : {}, remoteAddress }),
  );

describe('heavy requests', () => {
  it('admit one per caller and two staff at once; the others are told to come back, and the desks are not held up', async () => {
    const release = await holdTable('work_item_events');
    const first = get('supervisor', REVIEW);
    // Let the first one reach the database and wait on the lock.
    await new Promise((r) => setTimeout(r, 300));

    const again = await get('supervisor', REVIEW);
    expect(again.statusCode).toBe(429);
    expect(again.json()).toMatchObject({ error: { code: 'rate_limited', messageId: 'errors.rate_limited.heavy_in_progress', details: { reason: 'heavy_in_progress' } } });
    expect(Number(again.headers['retry-after'])).toBeGreaterThan(0);

    const second = get('admin', REVIEW);
    await new Promise((r) => setTimeout(r, 300));
    const third = await get('dispatcher', '/api/v1/cases/export?format=csv');
    expect(third.statusCode).toBe(503);
    expect(third.json()).toMatchObject({ error: { code: 'server.busy' } });
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);

    // The public's share is its own: a download is admitted while the staff's is full.
    const publicDownload = await get(null, '/api/v1/public/open-data/stats.csv', '10.20.30.40');
    expect(publicDownload.statusCode).toBe(200);
    // Ordinary work goes on (the queue does not read the locked table).
    expect((await get('dispatcher', '/api/v1/cases?mine=true')).statusCode).toBe(200);

    await release();
    expect((await first).statusCode).toBe(200);
    expect((await second).statusCode).toBe(200);
    // The slots are free again.
    expect((await get('supervisor', REVIEW)).statusCode).toBe(200);
    expect((await get('dispatcher', '/api/v1/cases/export?format=csv')).statusCode).toBe(200);
  });

  it('frees the slot of a client that goes away before its answer', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as AddressInfo;
    const token = await t.tokenOf('supervisor');
    const release = await holdTable('work_item_events');
    const abandoned = httpRequest({ host: '127.0.0.1', port, path: REVIEW, headers: { authorization: `Bearer ${token}` } });
    abandoned.on('error', () => {});
    abandoned.end();
    await new Promise((r) => setTimeout(r, 300));
    expect((await get('supervisor', REVIEW)).statusCode).toBe(429);
    abandoned.destroy();
    await new Promise((r) => setTimeout(r, 200));
    // Admitted now, though the abandoned one's handler still waits on the lock.
    const next = get('supervisor', REVIEW);
    await new Promise((r) => setTimeout(r, 300));
    await release();
    expect((await next).statusCode).toBe(200);
  });

  it('does not count refused input: a bad period is a 400 and takes no slot', async () => {
    for (let i = 0; i < 3; i += 1) expect((await get('supervisor', '/api/v1/replies/quality?from=2026-13-01&to=2026-12-31')).statusCode).toBe(400);
    expect((await get('supervisor', REVIEW)).statusCode).toBe(200);
  });
});
