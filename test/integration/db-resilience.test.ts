import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('database connections', () => {
  it('survives the server closing idle connections (restart, failover) and keeps answering', async () => {
    expect((await t.call(null, 'GET', '/healthz')).statusCode).toBe(200);
    const errors: unknown[] = [];
    const onUncaught = (error: unknown) => errors.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      // Kill every other backend of this database, as an administrator or a failover would.
      const killed = await sql<{ count: string }>`
        SELECT count(pg_terminate_backend(pid))::text AS count FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()`.execute(t.database.db);
      expect(Number(killed.rows[0]?.count)).toBeGreaterThanOrEqual(0);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // The connection used for the kill is itself idle now; end it too from a fresh one.
      const res = await t.call(null, 'GET', '/healthz');
      expect([200, 503]).toContain(res.statusCode);
      expect((await t.call(null, 'GET', '/healthz')).statusCode).toBe(200);
      expect((await t.call('agent', 'GET', '/api/v1/cases?pageSize=1')).statusCode).toBe(200);
      expect(errors).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
