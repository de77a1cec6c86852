import { describe, expect, it } from 'vitest';
import { hasBrowser, SHOTS as shots, useE2e } from '../helpers/e2e.js';
import { signInOnPage } from '../helpers/browser.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';

/** A supervisor reviews the replies of the last 30 days in Tibetan and opens a flagged one. */

const e2e = useE2e();

describe.runIf(hasBrowser)('reply quality review', () => {
  it('shows what the API counts, and leads to the flagged case', async () => {
    // One reply the check must flag, among the demo's, given through the API as a handler would.
    const tokenOf = async (username: string): Promise<string> =>
      (await e2e.server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: TEST_PASSWORD } })).json<{ token: string }>().token;
    const call = async (username: string, url: string, payload: Record<string, unknown>) => {
      const res = await e2e.server.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${await tokenOf(username)}` }, payload });
      expect(res.statusCode, res.body).toBeLessThan(300);
      return res.json<{ id: string }>();
    };
    const units = (await e2e.server.app.inject({ method: 'GET', url: '/api/v1/units' })).json<{ items: { id: string; code: string }[] }>().items;
    const created = await call('agent', '/api/v1/cases', { channel: 'phone', kind: 'complaint', title: '质检：只回复收悉', description: '反映问题' });
    await call('dispatcher', `/api/v1/cases/${created.id}/dispatch`, { unitId: units.find((u) => u.code === 'hrss')?.id });
    await call('handler', `/api/v1/cases/${created.id}/accept`, {});
    await call('handler', `/api/v1/cases/${created.id}/reply`, { text: '留言已收悉。', outcome: 'resolved' });

    const context = await e2e.browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await signInOnPage(page, e2e.server.url, 'supervisor', { lang: 'bo' });
    await page.getByTestId('nav-reply-quality').click();
    await page.getByTestId('quality-summary').waitFor();

    const from = await page.getByTestId('quality-from').inputValue();
    const to = await page.getByTestId('quality-to').inputValue();
    const api = (await (await page.request.get(`${e2e.server.url}/api/v1/replies/quality?from=${from}&to=${to}&lang=bo&pageSize=20`)).json()) as {
      checked: number;
      flagged: number;
      items: { caseId: string }[];
    };
    expect(api.flagged).toBeGreaterThan(0);
    const summary = await page.getByTestId('quality-summary').innerText();
    expect(summary).toContain(`ལན་ ${api.checked} `);
    expect(summary).toContain(` ${api.flagged} `);
    expect(await page.getByTestId('quality-item').count()).toBe(api.items.length);
    expect(api.items.map((i) => i.caseId)).toContain(created.id);
    await page.screenshot({ path: `${shots}/reply-quality-bo.png`, fullPage: true });

    await page.locator(`[data-testid="quality-item"] a[href$="${created.id}"]`).click();
    await page.getByTestId('action-panel').waitFor();
    expect(page.url()).toContain(created.id);
    await context.close();
  }, 90_000);
});
