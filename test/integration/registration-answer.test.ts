import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/** Registration answers with the case page built from what it wrote; it must be the page as read afterwards. */

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('the answer to a registration', () => {
  it('is the case page as it reads afterwards, requester and timeline included', async () => {
    const categories = (await t.call('agent', 'GET', '/api/v1/categories')).json() as { items: { id: string }[] };
    const body = {
      channel: 'phone', kind: 'complaint', title: '拖欠工资三个月', description: '工地拖欠工资三个月，多次讨要无果。',
      categoryId: categories.items[0]?.id, address: '拉萨市城关区北京中路 8 号',
      requester: { name: '扎西', phone: '13900001234', idNumber: '54010219800101123x', language: 'bo' },
    };
    for (const lang of ['zh-Hans', 'bo', 'en']) {
      const created = await t.call('agent', 'POST', `/api/v1/cases?lang=${lang}`, body);
      expect(created.statusCode, created.body).toBe(201);
      const { accessCode, ...answer } = created.json() as { id: string; accessCode: string };
      expect(accessCode).toMatch(/^\d{8}$/);
      const page = await t.call('agent', 'GET', `/api/v1/cases/${answer.id}?lang=${lang}`);
      expect(page.statusCode).toBe(200);
      expect(answer).toEqual(page.json());
      expect(answer).toMatchObject({ requester: { name: '扎*' }, events: [{ code: 'case.registered' }] });
    }
  });
});
