import { mkdir } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackground, type Background } from '../../src/jobs/background.js';
import { backgroundWorkers, eventConsumers } from '../../src/jobs/consumers.js';
import { jobHandlers } from '../../src/jobs/handlers.js';
import { isChromiumAvailable, launchChromium } from '../helpers/browser.js';
import { startLiveServer, type LiveServer } from '../helpers/live-server.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';

/**
 * The agent's callback page in the browser: the queue, one task with the script in the requester's language
 * (Tibetan), the phone revealed through the audited endpoint, and a reached call recorded on the case.
 */
const hasBrowser = isChromiumAvailable();
if (!hasBrowser && process.env.CI) throw new Error('CI must run the browser tests: /usr/bin/chromium is missing');
const shots = 'test-results';

let server: LiveServer;
let browser: Browser;
let background: Background;

const api = async (token: string | null, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> => {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
};
const login = async (username: string): Promise<string> => (await api(null, 'POST', '/auth/login', { username, password: TEST_PASSWORD })).token as string;

beforeAll(async () => {
  if (!hasBrowser) return;
  server = await startLiveServer();
  background = await startBackground(server.database.db, { handlers: jobHandlers, consumers: eventConsumers, workers: backgroundWorkers, isLooping: false, log: () => {} });
  browser = await launchChromium();
  await mkdir(shots, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await background?.stop();
  await server?.close();
});

describe.skipIf(!hasBrowser)('the callback page', () => {
  it('shows the queue, the Tibetan script, reveals the phone and records a reached call on the case', async () => {
    const units = (await api(null, 'GET', '/units')).items as { id: string; code: string }[];
    const hrssId = units.find((u) => u.code === 'hrss')?.id ?? '';
    const [agent, dispatcher, handler] = [await login('agent'), await login('dispatcher'), await login('handler')];
    const created = await api(agent, 'POST', '/cases', {
      channel: 'phone', kind: 'help', title: 'ཡོངས་ཁྱབ་གློག་སྐུད་ཆག་འདུག', description: 'གློག་སྐུད་ཆག་ནས་ཉིན་གསུམ་སོང་།',
      requester: { name: 'བསོད་ནམས།', phone: '13977770001', language: 'bo' },
    });
    const caseId = created.id as string;
    await api(dispatcher, 'POST', `/cases/${caseId}/dispatch`, { unitId: hrssId });
    await api(handler, 'POST', `/cases/${caseId}/accept`, {});
    await api(handler, 'POST', `/cases/${caseId}/reply`, { text: '经核实，已安排电工于次日修复线路。', outcome: 'resolved' });
    for (let n = await background.runOnce(); n > 0; n = await background.runOnce());

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/#/login`);
    await page.getByTestId('login-username').fill('agent');
    await page.getByTestId('login-password').fill(TEST_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('queue-table').waitFor();
    await page.goto(`${server.url}/#/work/callbacks`);
    const item = page.getByTestId('callbacks-item').filter({ hasText: 'ཡོངས་ཁྱབ་གློག་སྐུད་ཆག་འདུག' });
    await item.waitFor().catch(async (e: unknown) => {
      await page.screenshot({ path: `${shots}/callbacks-queue-failed.png`, fullPage: true });
      throw e;
    });
    await page.screenshot({ path: `${shots}/callbacks-queue.png`, fullPage: true });
    // The script editor is for administrators only.
    expect(await page.getByTestId('cb-script-save').count()).toBe(0);
    await item.click();

    const script = page.getByTestId('callback-script');
    await script.waitFor();
    expect(await script.getAttribute('lang')).toBe('bo');
    expect(await script.textContent()).toContain('བསོད་ནམས།');
    await expect.poll(() => page.getByTestId('callback-phone').textContent()).toMatch(/139\*{4}0001/);
    await page.getByTestId('callback-reveal').click();
    await expect.poll(() => page.getByTestId('callback-phone').getAttribute('data-masked')).toBe('false');
    expect(await page.getByTestId('callback-phone').textContent()).toContain('13977770001');

    await page.getByTestId('callback-claim').click();
    await page.getByTestId('callback-outcome-reached').click();
    await page.getByTestId('cb-resolved-yes').check();
    await page.getByTestId('cb-satisfaction-satisfied').check();
    await page.screenshot({ path: `${shots}/callbacks-task.png`, fullPage: true });
    await page.getByTestId('callback-save-result').click();
    await expect.poll(() => page.getByTestId('callback-status').textContent()).toContain('已回访');

    const row = await server.database.db.selectFrom('cases').select(['status', 'callback_resolved', 'callback_satisfaction']).where('id', '=', caseId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'callback_done', callback_resolved: 'yes', callback_satisfaction: 'satisfied' });
    const audit = await server.database.db.selectFrom('audit_log').select('action').where('subject_id', '=', caseId).execute();
    expect(audit.map((a) => a.action)).toContain('reveal personal data');
    await context.close();
  }, 180_000);

  it('lets an administrator write a call script in three languages', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${server.url}/#/login`);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(TEST_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('queue-table').waitFor();
    // The stored scripts arrive late (a slow connection): what the administrator writes meanwhile must stay.
    let isListAnswered = false;
    await page.route(/\/api\/v1\/callbacks\/scripts(\?|$)/, async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
      isListAnswered = true;
    });
    await page.goto(`${server.url}/#/work/callbacks`);
    await page.locator('#cb-script-kind').selectOption('help');
    await page.locator('#cb-script-zh-Hans').fill('{requesterName}您好，我们回访{title}。');
    await page.locator('#cb-script-bo').fill('{requesterName} ལགས། {title} ཡི་རྗེས་འདྲི།');
    await page.locator('#cb-script-en').fill('Hello {requesterName}, about {title}.');
    await expect.poll(() => isListAnswered, { timeout: 10_000 }).toBe(true);
    await page.waitForTimeout(200);
    expect(await page.locator('#cb-script-en').inputValue()).toBe('Hello {requesterName}, about {title}.');
    await page.getByTestId('cb-script-save').click();
    await page.getByText('已保存。').waitFor();
    const rows = await server.database.db.selectFrom('callback_scripts').select(['kind', 'body']).execute();
    expect(rows).toEqual([{ kind: 'help', body: { 'zh-Hans': '{requesterName}您好，我们回访{title}。', bo: '{requesterName} ལགས། {title} ཡི་རྗེས་འདྲི།', en: 'Hello {requesterName}, about {title}.' } }]);
    await context.close();
  }, 120_000);
});
