import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrackingReserver, MAX_TRACKING_BLOCK } from '../../src/db/case.repository.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const counterOf = async (day: string): Promise<number> =>
  (await t.database.db.selectFrom('tracking_counters').select('last_value').where('day', '=', day).executeTakeFirst())?.last_value ?? 0;

describe('tracking number blocks', () => {
  it('hands out distinct numbers to parallel intakes and to two processes, reserving fewer times than it hands out', async () => {
    const day = '2031-03-04';
    let clock = 1_000_000;
    const first = createTrackingReserver(t.database.db, { clock: () => clock });
    const second = createTrackingReserver(t.database.db, { clock: () => clock });
    const numbers = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? second : first)(day)));
    expect(new Set(numbers).size).toBe(200);
    expect(Math.min(...numbers)).toBeGreaterThanOrEqual(1);
    const reserved = await counterOf(day);
    // Every number handed out was reserved in the database first.
    expect(Math.max(...numbers)).toBeLessThanOrEqual(reserved);
    expect(reserved - 200).toBeLessThan(2 * MAX_TRACKING_BLOCK);
    // After a quiet second a process takes one number at a time again.
    clock += 5_000;
    const before = await counterOf(day);
    const lonely = createTrackingReserver(t.database.db, { clock: () => clock });
    expect(await lonely(day)).toBe(before + 1);
    expect(await counterOf(day)).toBe(before + 1);
  });

  it('numbers of a case registered in a transaction of its own never collide with reserved blocks', async () => {
    const reserve = createTrackingReserver(t.database.db);
    const created: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const response = await t.call('agent', 'POST', '/api/v1/cases', { channel: 'phone', kind: 'help', title: `编号测试 ${i}`, description: '编号测试' });
      expect(response.statusCode).toBe(201);
      created.push((response.json() as { trackingNo: string }).trackingNo);
      await reserve(new Date().toISOString().slice(0, 10));
    }
    expect(new Set(created).size).toBe(6);
  });
});
