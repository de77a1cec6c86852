import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackground } from '../../src/jobs/background.js';
import { backgroundWorkers, eventConsumers } from '../../src/jobs/consumers.js';
import { jobHandlers } from '../../src/jobs/handlers.js';
import { isChromiumAvailable, launchChromium, signInOnPage } from '../helpers/browser.js';
import { startLiveServer, type LiveServer } from '../helpers/live-server.js';

/**
 * Reports in the browser: the case list's export links carry the current filters and download a file; the
 * reports panel of the statistics page queues a report, shows its progress and offers the download when the job
 * is done. Needs the built web app (`npx vite build --config web/vite.config.ts`). Screenshots in test-results/.
 */
const hasBrowser = isChromiumAvailable();
if (!hasBrowser && process.env.CI) throw new Error('CI must run the browser tests: /usr/bin/chromium is missing');
const shots = 'test-results';

let server: LiveServer;
let browser: Browser;
let background: Awaited<ReturnType<typeof startBackground>>;

beforeAll(async () => {
  if (!hasBrowser) return;
  server = await startLiveServer();
  browser = await launchChromium();
  await mkdir(shots, { recursive: true });
  background = await startBackground(server.database.db, {
    handlers: jobHandlers,
    consumers: eventConsumers,
    workers: backgroundWorkers,
    now: () => new Date(),
    isLooping: false,
    log: () => {},
  });
  for (let n = await background.runOnce(); n > 0; n = await background.runOnce());
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const signIn = async (username: string, locale = 'zh-CN'): Promise<Page> => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale, timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  const page = await context.newPage();
  await signInOnPage(page, server.url, username);
  return page;
};

describe.runIf(hasBrowser)('reports and exports in the browser', () => {
  it('exports the case list with the filters on screen', async () => {
    const page = await signIn('supervisor');
    await page.goto(`${server.url}/#/work?kind=complaint&sort=createdAt`);
    await page.getByTestId('queue-table').waitFor();
    const href = (await page.getByTestId('export-xlsx').getAttribute('href')) ?? '';
    const url = new URL(href, server.url);
    expect(url.pathname).toBe('/api/v1/cases/export');
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ kind: 'complaint', sort: 'createdAt', format: 'xlsx' });
    expect(url.searchParams.has('page')).toBe(false);
    await page.locator('.page-head').screenshot({ path: `${shots}/queue-export.png` });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^bihuan-cases-.*\.csv$/);
    const total = Number((await page.getByTestId('queue-total').textContent())?.replace(/\D/g, '') ?? '0');
    const res = await page.request.get(new URL((await page.getByTestId('export-csv').getAttribute('href')) ?? '', server.url).toString());
    expect(res.status()).toBe(200);
    expect(res.headers()['x-total-count']).toBe(String(total));

    // A refusal is said on the page, in the reader's language, instead of being saved as a file of JSON.
    const body = { error: { code: 'server.busy', message: 'busy', messageId: 'errors.server.busy', details: { retryAfterSeconds: 10 } } };
    await page.route('**/api/v1/cases/export**', (route) => route.fulfill({ status: 503, contentType: 'application/json', headers: { 'retry-after': '10' }, body: JSON.stringify(body) }));
    let downloads = 0;
    page.on('download', () => {
      downloads += 1;
    });
    await page.getByTestId('export-xlsx').click();
    await page.getByTestId('export-xlsx-error').waitFor();
    expect(await page.getByTestId('export-xlsx-error').innerText()).toContain('系统正在生成其他导出和报表');
    expect(downloads).toBe(0);
    await page.unroute('**/api/v1/cases/export**');
    // Names and phones in full are an administrator's file: the supervisor is not offered it.
    expect(await page.getByTestId('export-xlsx-personal-data').count()).toBe(0);
  }, 60_000);

  it('an administrator takes names and phones in full only after confirming who they are', async () => {
    const page = await signIn('admin', 'en-US');
    // The sign-in is an hour old: no longer recent enough for this file.
    await server.database.db.updateTable('sessions').set({ verified_at: new Date(Date.now() - 3600_000), created_at: new Date(Date.now() - 3600_000) }).execute();
    await page.goto(`${server.url}/#/work?sort=createdAt`);
    await page.getByTestId('queue-table').waitFor();
    const full = page.getByTestId('export-xlsx-personal-data');
    expect(await full.innerText()).toBe('Export Excel with full names and phones');
    expect(new URL((await full.getAttribute('href')) ?? '', server.url).pathname).toBe('/api/v1/cases/export/with-personal-data');
    let downloads = 0;
    page.on('download', () => {
      downloads += 1;
    });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      (async () => {
        await full.click();
        await page.getByTestId('reauth-dialog').waitFor();
        expect(downloads).toBe(0);
        await page.getByTestId('reauth-password').fill('test-password-1');
        await page.getByTestId('reauth-confirm').click();
      })(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^bihuan-cases-.*\.xlsx$/);
    const entry = await server.database.db.selectFrom('audit_log').select(['actor_name', 'data']).where('action', '=', 'export cases').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ actor_name: 'admin', data: { format: 'xlsx', personalData: 'full' } });
  }, 60_000);

  it('queues a report from the statistics page, shows its progress and offers the download', async () => {
    const page = await signIn('supervisor');
    await page.getByTestId('nav-stats').click();
    const panel = page.getByTestId('reports-panel');
    await panel.waitFor();
    await page.getByTestId('report-format').selectOption('pdf');
    await page.getByTestId('report-lang').selectOption('bo');
    await page.getByTestId('report-submit').click();
    await page.getByTestId('report-notice').waitFor();
    const row = page.locator('[data-testid^="report-row-"]').first();
    await expect.poll(async () => row.getByTestId('report-status').textContent()).toBe('排队中');
    for (let n = await background.runOnce(); n > 0; n = await background.runOnce());
    // The panel polls while a report is pending.
    await row.getByTestId('report-download').waitFor({ timeout: 10_000 });
    expect(await row.getByTestId('report-status').textContent()).toBe('已完成');
    const href = (await row.getByTestId('report-download').getAttribute('href')) ?? '';
    const file = await page.request.get(new URL(href, server.url).toString());
    expect(file.status()).toBe(200);
    expect((await file.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    await panel.screenshot({ path: `${shots}/reports-panel.png` });
  }, 60_000);

  it('a quarterly report: the quarter is chosen from a list and named in the reader\'s language', async () => {
    const page = await signIn('supervisor');
    await page.getByTestId('nav-stats').click();
    await page.getByTestId('reports-panel').waitFor();
    await page.getByTestId('report-kind').selectOption('quarterly');
    const quarter = page.getByTestId('report-quarter');
    await quarter.waitFor();
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const [year, n] = [today.slice(0, 4), Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1];
    const thisQuarter = `${year}-${String((n - 1) * 3 + 1).padStart(2, '0')}-01`;
    expect(await quarter.inputValue()).toBe(thisQuarter);
    expect(await quarter.locator('option').count()).toBe(12);
    await page.getByTestId('report-format').selectOption('xlsx');
    await page.getByTestId('report-submit').click();
    await page.getByTestId('report-notice').waitFor();
    const row = page.locator('[data-testid^="report-row-"]').first();
    await expect.poll(async () => row.getByTestId('report-period').textContent()).toBe(`${year}年第${n}季度`);
    for (let k = await background.runOnce(); k > 0; k = await background.runOnce());
    await row.getByTestId('report-download').waitFor({ timeout: 10_000 });
    const href = (await row.getByTestId('report-download').getAttribute('href')) ?? '';
    const file = await page.request.get(new URL(href, server.url).toString());
    expect(file.status()).toBe(200);
    expect(file.headers()['content-disposition']).toContain(`-${year}-Q${n}.xlsx`);
  }, 60_000);
});
