import { describe, expect, it } from 'vitest';
import { signInOnPage } from '../helpers/browser.js';
import { hasBrowser, SHOTS, useE2e } from '../helpers/e2e.js';

/*
 * Staff of a unit below the top see the settings that hold for every unit read-only, with the reason, instead of a
 * form that fails on save; the reply templates of their own units stay theirs to change (docs/access.md, "Settings
 * of the whole organisation").
 */

const e2e = useE2e({
  prepare: async (server) => {
    const db = server.database.db;
    const hrss = await db.selectFrom('units').select('id').where('code', '=', 'hrss').executeTakeFirstOrThrow();
    const { id: adminId, password_hash } = await db.selectFrom('users').select(['id', 'password_hash']).where('username', '=', 'admin').executeTakeFirstOrThrow();
    await db
      .insertInto('users')
      .values([
        { username: 'admin_hrss', display_name: '人社局管理员', password_hash, roles: ['admin'], unit_id: hrss.id },
        { username: 'supervisor_hrss', display_name: '人社局督办员', password_hash, roles: ['supervisor'], unit_id: hrss.id },
      ])
      .execute();
    const texts = (zh: string, bo: string) => JSON.stringify({ 'zh-Hans': zh, bo });
    await db
      .insertInto('reply_templates')
      .values({ code: 'general.thanks', title: texts('通用答复', 'སྤྱིར་བཏང་གི་ལན།'), body: texts('您好，已办理。', 'ཐག་གཅོད་བྱས་ཟིན།'), created_by: adminId, updated_by: adminId })
      .execute();
  },
});

/** What is on screen changes a moment after a click: poll, never read once. */
const POLL = { timeout: 15_000, interval: 100 } as const;

describe.skipIf(!hasBrowser)('settings of the whole organisation, in the browser', () => {
  it('an administrator of a bureau reads the time limits and text settings but has no form to save, and keeps its own templates', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (error) => failures.push(String(error)));
    await signInOnPage(page, e2e.server.url, 'admin_hrss', { lang: 'en' });

    await page.goto(`${e2e.server.url}/#/work/admin/sla-policies`);
    await page.getByTestId('sp-table').waitFor();
    await expect.poll(() => page.getByTestId('sp-read-only').innerText(), POLL).toContain('only an administrator of the top-level unit can create or change one');
    expect(await page.getByTestId('sp-new').count()).toBe(0);
    await page.getByTestId('sp-edit').first().click();
    await page.getByTestId('sp-form').waitFor();
    expect(await page.getByTestId('sp-name-zh').isDisabled()).toBe(true);
    expect(await page.getByTestId('sp-save').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/sla-policies-read-only.png`, fullPage: true });

    await page.goto(`${e2e.server.url}/#/work/admin/text`);
    await page.getByTestId('duplicate-settings').waitFor();
    await expect.poll(() => page.getByTestId('text-settings-read-only').count(), POLL).toBe(1);
    expect(await page.getByTestId('duplicates-minScore').isDisabled()).toBe(true);
    expect(await page.getByTestId('duplicate-settings-save').count()).toBe(0);
    expect(await page.getByTestId('suggestion-settings-save').count()).toBe(0);

    await page.goto(`${e2e.server.url}/#/work/admin/reply-templates`);
    await page.getByTestId('rt-scope-note').waitFor();
    await expect.poll(() => page.getByTestId('rt-item').count(), POLL).toBe(1);
    expect(await page.getByTestId('rt-read-only').count()).toBe(1);
    expect(await page.getByTestId('rt-edit').count()).toBe(0);
    // A new template is for the bureau or a unit below it: no "general", no other unit.
    await page.getByTestId('rt-new').click();
    // (Indented by depth, as in the other unit lists.)
    expect((await page.locator('#rt-unit option').allInnerTexts()).map((text) => text.trim())).toEqual(['Human Resources and Social Security Bureau', 'Labour Inspection Brigade']);
    await page.getByTestId('rt-code').fill('hrss.thanks');
    await page.getByTestId('rt-title-zh').fill('人社局答复');
    await page.getByTestId('rt-title-bo').fill('ལན།');
    await page.getByTestId('rt-body-zh').fill('您好，已办理。');
    await page.getByTestId('rt-body-bo').fill('ཐག་གཅོད་བྱས་ཟིན།');
    await page.getByTestId('rt-save').click();
    await page.getByTestId('rt-status').waitFor();
    await expect.poll(() => page.getByTestId('rt-edit').count(), POLL).toBe(1);
    expect(await page.getByTestId('rt-read-only').count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/reply-templates-below-top.png`, fullPage: true });
    await context.close();

    const saved = await e2e.server.database.db.selectFrom('reply_templates as t').innerJoin('units as u', 'u.id', 't.unit_id').select('u.code').where('t.code', '=', 'hrss.thanks').execute();
    expect(saved).toEqual([{ code: 'hrss' }]);
    expect(failures).toEqual([]);
  }, 120_000);

  it('a supervisor of a bureau sees the publication settings read-only, the top unit\'s supervisor can save them', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await signInOnPage(page, e2e.server.url, 'supervisor_hrss', { lang: 'bo' });
    await page.goto(`${e2e.server.url}/#/open-data`);
    await page.getByTestId('opendata-settings').waitFor();
    await expect.poll(() => page.getByTestId('od-settings-read-only').innerText(), POLL).toContain('རིམ་པ་མཐོ་ཤོས་ཀྱི་ལས་ཁུངས་ཀྱི་མི་སྣ་ཁོ་ནས་བཟོ་བཅོས་བྱེད་ཐུབ།');
    expect(await page.getByTestId('od-default-policy').isDisabled()).toBe(true);
    for (const id of ['od-settings-save', 'od-rule-add', 'od-rule-remove']) expect(await page.getByTestId(id).count(), id).toBe(0);
    await page.getByTestId('opendata-settings').screenshot({ path: `${SHOTS}/open-data-settings-read-only-bo.png` });
    await context.close();

    const top = await e2e.browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const topPage = await top.newPage();
    await signInOnPage(topPage, e2e.server.url, 'supervisor', { lang: 'en' });
    await topPage.goto(`${e2e.server.url}/#/open-data`);
    await topPage.getByTestId('od-settings-save').waitFor();
    expect(await topPage.getByTestId('od-settings-read-only').count()).toBe(0);
    expect(await topPage.getByTestId('od-default-policy').isDisabled()).toBe(false);
    await top.close();
  }, 120_000);
});
