import { describe, expect, it } from 'vitest';
import { hasBrowser, SHOTS as shots, useE2e } from '../helpers/e2e.js';
import { signInOnPage } from '../helpers/browser.js';

/**
 * The agent's callback page in the browser: the queue, one task with the script in the requester's language
 * (Tibetan), the name and phone masked until the agent has started the callback and revealed them through the
 * audited endpoints, and a reached call recorded on the case.
 */
const e2e = useE2e({ isBackgroundRun: true });
const { api, login } = e2e;

describe.skipIf(!hasBrowser)('the callback page', () => {
  it('shows the queue, the Tibetan script, reveals the name and phone to the agent calling and records a reached call', async () => {
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
    await e2e.runBackground();

    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await signInOnPage(page, e2e.server.url, 'agent');
    await page.goto(`${e2e.server.url}/#/work/callbacks`);
    const item = page.getByTestId('callbacks-item').filter({ hasText: 'ཡོངས་ཁྱབ་གློག་སྐུད་ཆག་འདུག' });
    await item.waitFor().catch(async (e: unknown) => {
      await page.screenshot({ path: `${shots}/callbacks-queue-failed.png`, fullPage: true });
      throw e;
    });
    await page.screenshot({ path: `${shots}/callbacks-queue.png`, fullPage: true });
    // The queue is a list: names masked like the phones.
    expect(await item.textContent()).toContain('བསོད་***');
    expect(await item.textContent()).not.toContain('བསོད་ནམས།');
    // The script editor is for administrators only.
    expect(await page.getByTestId('cb-script-save').count()).toBe(0);
    await item.click();

    const script = page.getByTestId('callback-script');
    await script.waitFor();
    expect(await script.getAttribute('lang')).toBe('bo');
    expect(await script.getAttribute('data-name')).toBe('masked');
    expect(await script.textContent()).toContain('བསོད་***');
    expect(await script.textContent()).not.toContain('བསོད་ནམས།');
    await expect.poll(() => page.getByTestId('callback-phone').textContent()).toMatch(/139\*{4}0001/);
    expect(await page.getByTestId('callback-name').textContent()).toBe('བསོད་***');
    // Nothing to reveal before the callback has started: the page says how.
    expect(await page.getByTestId('callback-reveal').count()).toBe(0);
    await page.getByTestId('callback-reveal-after-claim').waitFor();

    await page.getByTestId('callback-claim').click();
    await page.getByTestId('callback-reveal').click();
    await expect.poll(() => page.getByTestId('callback-phone').getAttribute('data-masked')).toBe('false');
    expect(await page.getByTestId('callback-phone').textContent()).toContain('13977770001');
    expect(await page.getByTestId('callback-name').textContent()).toBe('བསོད་ནམས།');
    await expect.poll(() => script.getAttribute('data-name')).toBe('full');
    expect(await script.textContent()).toContain('བསོད་ནམས།');

    await page.getByTestId('callback-outcome-reached').click();
    await page.getByTestId('cb-resolved-yes').check();
    await page.getByTestId('cb-satisfaction-satisfied').check();
    await page.screenshot({ path: `${shots}/callbacks-task.png`, fullPage: true });
    await page.getByTestId('callback-save-result').click();
    await expect.poll(() => page.getByTestId('callback-status').textContent()).toContain('已回访');

    const row = await e2e.server.database.db.selectFrom('cases').select(['status', 'callback_resolved', 'callback_satisfaction']).where('id', '=', caseId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'callback_done', callback_resolved: 'yes', callback_satisfaction: 'satisfied' });
    // Two reveals, both audited: the case's requester (name and number to dial) and the script read aloud.
    const audit = await e2e.server.database.db
      .selectFrom('audit_log').select(['actor_name', 'outcome', 'data']).where('action', '=', 'reveal personal data').where('subject_id', '=', caseId).orderBy('id').execute();
    expect(audit.map((a) => [a.actor_name, a.outcome, (a.data as { via?: string }).via ?? null])).toEqual([
      ['agent', 'revealed', null],
      ['agent', 'revealed', 'callback_script'],
    ]);
    // Once the call is recorded the task is no longer the agent's: the page drops the full name.
    expect(await page.getByTestId('callback-name').textContent()).toBe('བསོད་***');
    await context.close();
  }, 180_000);

  it('lets an administrator write a call script in three languages', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await signInOnPage(page, e2e.server.url, 'admin');
    // The stored scripts arrive late (a slow connection): what the administrator writes meanwhile must stay.
    let isListAnswered = false;
    await page.route(/\/api\/v1\/callbacks\/scripts(\?|$)/, async (route) => {
      if (route.request().method() !== 'GET') return route.continue();
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await route.continue();
      isListAnswered = true;
    });
    await page.goto(`${e2e.server.url}/#/work/callbacks`);
    await page.locator('#cb-script-kind').selectOption('help');
    await page.locator('#cb-script-zh-Hans').fill('{requesterName}您好，我们回访{title}。');
    await page.locator('#cb-script-bo').fill('{requesterName} ལགས། {title} ཡི་རྗེས་འདྲི།');
    await page.locator('#cb-script-en').fill('Hello {requesterName}, about {title}.');
    await expect.poll(() => isListAnswered, { timeout: 10_000 }).toBe(true);
    await page.waitForTimeout(200);
    expect(await page.locator('#cb-script-en').inputValue()).toBe('Hello {requesterName}, about {title}.');
    await page.getByTestId('cb-script-save').click();
    await page.getByText('已保存。').waitFor();
    const rows = await e2e.server.database.db.selectFrom('callback_scripts').select(['kind', 'body']).execute();
    expect(rows).toEqual([{ kind: 'help', body: { 'zh-Hans': '{requesterName}您好，我们回访{title}。', bo: '{requesterName} ལགས། {title} ཡི་རྗེས་འདྲི།', en: 'Hello {requesterName}, about {title}.' } }]);
    await context.close();
  }, 120_000);
});
