import { PNG } from 'pngjs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, signInOnPage } from '../helpers/browser.js';
import { startLiveServer, type LiveServer } from '../helpers/live-server.js';

let server: LiveServer;
let browser: Browser;
beforeAll(async () => {
  server = await startLiveServer();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('staff attachments panel', () => {
  it('agent uploads a public PNG on the case page, sees it with a thumbnail, deletes it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    const errors: string[] = [];
    await signInOnPage(page, server.url, 'agent');
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    const c = await server.database.db.selectFrom('cases').select('id').orderBy('created_at', 'desc').limit(1).executeTakeFirstOrThrow();
    await page.goto(`${server.url}/#/work/cases/${c.id}`);
    await page.getByTestId('attachments-panel').waitFor();
    const png = new PNG({ width: 20, height: 20 });
    png.data.fill(90);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('attachments-upload-choose').click()]);
    await chooser.setFiles([{ name: 'site.png', mimeType: 'image/png', buffer: PNG.sync.write(png) }]);
    await page.getByTestId('attachments-public').check();
    await page.getByTestId('attachments-send').click();
    await page.getByTestId('attachments-stored').first().waitFor();
    await expect.poll(() => page.locator('[data-testid="attachments-stored"] img.attachments-thumb').count()).toBe(1);
    expect(await page.getByTestId('attachments-stored').first().textContent()).toContain('site.png');
    await expect.poll(() => page.getByTestId('attachments-upload-item').count()).toBe(0);
    await page.screenshot({ path: '/tmp/attach-panel.png', fullPage: false });
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('attachments-delete').click();
    await expect.poll(() => page.getByTestId('attachments-stored').count()).toBe(0);
    const rows = await server.database.db.selectFrom('case_attachments').select(['is_public', 'deleted_at']).where('case_id', '=', c.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.is_public).toBe(true);
    expect(rows[0]?.deleted_at).not.toBeNull();
    expect(errors).toEqual([]);
    await context.close();
  });
});
