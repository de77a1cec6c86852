import { describe, expect, it } from 'vitest';
import { refreshAllOpenData } from '../../src/db/open-data.repository.js';
import { hasBrowser, SHOTS as shots, useE2e } from '../helpers/e2e.js';
import { signInOnPage } from '../helpers/browser.js';

/**
 * The open-data portal in the browser, in Tibetan, as a visitor: the list shows what the API publishes, the
 * statistics are drawn (map and bars) and tabled, and the downloads are the API's exports.
 */

const e2e = useE2e({
  prepare: async (s) => {
    // The live server runs no background loop: build the public snapshots of the demo cases here.
    await refreshAllOpenData(s.database.db, new Date());
  },
});

describe.runIf(hasBrowser)('open-data portal', () => {
  it('a visitor reads the published cases and statistics in Tibetan, and downloads them', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${e2e.server.url}/#/open-data`);
    await page.getByTestId('lang-bo').click();
    await page.getByRole('heading', { level: 1, name: 'གཞི་གྲངས་སྤྱི་ཁྱབ།' }).waitFor();

    const api = (await (await page.request.get(`${e2e.server.url}/api/v1/public/open-data/cases?lang=bo&pageSize=20`)).json()) as { items: { title: string }[]; total: number };
    expect(api.total).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('opendata-count').textContent()).toBe(`བསྡོམས་གྲངས་ ${api.total}`);
    const titles = await page.getByTestId('opendata-case').locator('h3').allInnerTexts();
    expect(titles).toEqual(api.items.map((i) => i.title));
    // Tibetan labels throughout, and the statistics drawn as SVG with their table.
    await page.getByRole('combobox', { name: 'ཆུས་རྫོང་།' }).waitFor();
    await page.locator('[data-testid=opendata-map] svg').waitFor();
    await page.locator('[data-testid=opendata-bars] svg').waitFor();
    expect(await page.getByRole('table', { name: 'ཆུས་རྫོང་སོ་སོ།' }).isVisible()).toBe(true);
    const badge = await page.getByTestId('opendata-case').first().locator('.badge').textContent();
    expect(['ཐག་གཅོད་བྱེད་བཞིན་པ།', 'ལན་བཏབ་ཟིན།', 'མཇུག་བསྒྲིལ་ཟིན།']).toContain(badge);
    // No staff review for a visitor.
    expect(await page.getByTestId('opendata-review').count()).toBe(0);

    // Filtering by status goes to the API and shows its answer.
    await page.getByRole('combobox', { name: 'གནས་སྟངས།' }).selectOption('open');
    await page.getByTestId('opendata-apply').click();
    const open = (await (await page.request.get(`${e2e.server.url}/api/v1/public/open-data/cases?lang=bo&status=open`)).json()) as { total: number };
    await expect.poll(() => page.getByTestId('opendata-count').textContent()).toBe(`བསྡོམས་གྲངས་ ${open.total}`);

    // The CSV download is the export, with its BOM and Tibetan header.
    const href = await page.getByTestId('opendata-download-csv').getAttribute('href');
    expect(href).toContain('lang=bo');
    const csv = await (await page.request.get(`${e2e.server.url}${href}`)).body();
    expect(csv.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(csv.toString('utf8')).toContain('ཁ་བྱང་།');
    await page.screenshot({ path: `${shots}/open-data-bo.png`, fullPage: true });
    await context.close();
  }, 90_000);

  it('a supervisor reviews a pending case on the same page: edits its public text and publishes it', async () => {
    const pending = await e2e.server.database.db.selectFrom('open_data_cases').select(['case_id', 'public_id']).where('state', '=', 'pending').orderBy('registered_at', 'desc').executeTakeFirstOrThrow();
    const context = await e2e.browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await signInOnPage(page, e2e.server.url, 'supervisor');
    await page.goto(`${e2e.server.url}/#/open-data`);
    await page.getByTestId('opendata-review').waitFor();
    const item = page.getByTestId('opendata-review-item').first();
    await item.getByRole('button', { name: '编辑' }).click();
    await item.getByLabel('公开标题').fill('审核后的公开标题');
    await item.getByLabel('公开内容').fill('公开内容，联系电话 13912345678。');
    await item.getByRole('button', { name: '审核并公开' }).click();
    await page.getByText('已保存。').waitFor();
    const row = await e2e.server.database.db.selectFrom('open_data_cases').select(['state', 'served_title', 'served_text']).where('case_id', '=', pending.case_id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'published', served_title: '审核后的公开标题', served_text: '公开内容，联系电话 [***]。' });
    const audit = await e2e.server.database.db.selectFrom('audit_log').select(['action', 'actor_name']).where('subject_id', '=', pending.case_id).execute();
    expect(audit).toEqual([{ action: 'open_data.publish', actor_name: 'supervisor' }]);
    // The public list shows it at once (searched by keyword: the list pages by date).
    await page.getByLabel('关键词').fill('审核后的公开标题');
    await page.getByTestId('opendata-apply').click();
    await expect.poll(async () => page.getByTestId('opendata-case').filter({ hasText: '审核后的公开标题' }).count()).toBe(1);
    await page.screenshot({ path: `${shots}/open-data-review-zh.png`, fullPage: true });
    await context.close();
  }, 90_000);

  it('an administrator changes the publication rules on the same page; a repeated rule is caught before saving', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    await signInOnPage(page, e2e.server.url, 'admin', { lang: 'en' });
    await page.goto(`${e2e.server.url}/#/open-data`);
    const panel = page.getByTestId('opendata-settings');
    await panel.waitFor();
    const before = await e2e.server.database.db.selectFrom('open_data_rules').select(['scope', 'code', 'policy']).orderBy('scope').orderBy('code').execute();
    await expect.poll(() => panel.getByTestId('od-rule').count()).toBe(before.length);

    // Suggestions are never published; entered twice by mistake, the second is flagged and nothing is sent.
    for (const policy of ['never', 'auto']) {
      await panel.getByTestId('od-rule-add').click();
      const row = panel.getByTestId('od-rule').last();
      await row.getByTestId('od-rule-scope').selectOption('kind');
      await row.getByTestId('od-rule-code').selectOption('suggestion');
      await row.getByTestId('od-rule-policy').selectOption(policy);
    }
    await panel.getByTestId('od-min-cell').fill('5');
    await panel.getByTestId('od-settings-save').click();
    await panel.getByText('Only one rule per value').waitFor();
    expect(await e2e.server.database.db.selectFrom('open_data_rules').select('code').where('code', '=', 'suggestion').execute()).toEqual([]);

    await panel.getByTestId('od-rule-remove').last().click();
    await panel.getByTestId('od-settings-save').click();
    await panel.getByTestId('od-settings-saved').waitFor();
    const after = await e2e.server.database.db.selectFrom('open_data_rules').select(['scope', 'code', 'policy']).orderBy('scope').orderBy('code').execute();
    expect(after).toEqual([...before, { scope: 'kind', code: 'suggestion', policy: 'never' }].sort((a, b) => (a.scope + a.code < b.scope + b.code ? -1 : 1)));
    expect((await e2e.server.database.db.selectFrom('open_data_settings').select('min_cell').executeTakeFirstOrThrow()).min_cell).toBe(5);
    const audit = await e2e.server.database.db.selectFrom('audit_log').select(['action', 'actor_name']).where('action', '=', 'open_data.settings_changed').execute();
    expect(audit).toEqual([{ action: 'open_data.settings_changed', actor_name: 'admin' }]);
    await page.screenshot({ path: `${shots}/open-data-settings-en.png`, fullPage: true });
    await context.close();
  }, 90_000);
});
