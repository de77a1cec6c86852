import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { signInOnPage } from '../helpers/browser.js';
import { hasBrowser, SHOTS, useE2e } from '../helpers/e2e.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';

const e2e = useE2e();

/** What is on screen changes a moment after a click: poll, never read once. */
const POLL = { timeout: 15_000, interval: 100 } as const;

/** Makes the user's sessions look an hour old, so that the change asks them to confirm who they are. */
const ageSessions = async (username: string): Promise<void> => {
  await sql`
    UPDATE sessions SET created_at = now() - interval '1 hour', verified_at = now() - interval '1 hour'
    WHERE user_id = (SELECT id FROM users WHERE username = ${username})
  `.execute(e2e.server.database.db);
};

describe.skipIf(!hasBrowser)('the roles that must use two-step verification, in the browser', () => {
  it('an administrator of the top unit sees who a role reaches, ticks it, confirms who they are and saves; it stays after a reload', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await signInOnPage(page, e2e.server.url, 'admin', { lang: 'en' });
    await ageSessions('admin');

    await page.getByTestId('nav-two-factor-roles').click();
    const form = page.getByTestId('two-factor-roles-form');
    await form.waitFor();
    expect(await page.getByTestId('two-factor-roles-updated-at').innerText()).toBe('Never changed: no role has to use two-step verification yet.');
    const supervisor = page.getByTestId('two-factor-role-supervisor');
    expect(await supervisor.isChecked()).toBe(false);
    // The demo supervisor has no two-step verification: the role's line says so once the counts are in.
    await expect.poll(() => page.locator('#two-factor-role-supervisor-hint').innerText(), POLL).toMatch(/^Accounts in use: \d+\. Two-step verification not set up yet: \d+\.$/);
    expect(await page.getByTestId('two-factor-roles-save').isDisabled()).toBe(true);

    await supervisor.check();
    await expect.poll(() => page.getByTestId('two-factor-roles-warning').innerText(), POLL).toMatch(
      /^People with these roles who have not set up two-step verification: [1-9]\d*\. Once you save, they will have to set it up before doing anything else/,
    );
    // Not ticked for the administrator's own role: nothing to warn them about themself.
    expect(await page.getByTestId('two-factor-roles-warn-self').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/two-factor-roles-warning.png`, fullPage: true });

    // The session is an hour old: Save asks "confirm it's you", then saves.
    await page.getByTestId('two-factor-roles-save').click();
    const dialog = page.getByTestId('reauth-dialog');
    await dialog.waitFor();
    await page.getByTestId('reauth-password').fill(TEST_PASSWORD);
    await page.getByTestId('reauth-confirm').click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('two-factor-roles-notice').innerText(), POLL).toBe('Saved. It applies from now on.');
    expect(await page.getByTestId('two-factor-roles-updated-at').innerText()).toMatch(/^Last changed: \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    expect(await page.getByTestId('two-factor-roles-error').count()).toBe(0);

    // Kept: after a reload the box is still ticked, in Tibetan too.
    await page.reload();
    await form.waitFor();
    await expect.poll(() => page.getByTestId('two-factor-role-supervisor').isChecked(), POLL).toBe(true);
    expect(await page.getByTestId('two-factor-role-admin').isChecked()).toBe(false);
    await page.getByTestId('lang-bo').click();
    await expect.poll(() => page.locator('label[for="two-factor-role-supervisor"]').innerText(), POLL).toBe('ལྟ་སྐུལ་ལས་བྱེད་པ།');
    await page.screenshot({ path: `${SHOTS}/two-factor-roles-bo.png`, fullPage: true });
    await context.close();

    // The policy changed on the server: the supervisor is now held to setting it up.
    const token = await e2e.login('admin');
    const policy = await e2e.api(token, 'GET', '/admin/security/two-factor-roles');
    expect(policy.roles).toEqual(['supervisor']);
    expect(typeof policy.updatedAt).toBe('string');
    const signedIn = await e2e.api(null, 'POST', '/auth/login', { username: 'supervisor', password: TEST_PASSWORD });
    expect(signedIn.mustEnrollTotp).toBe(true);
    await e2e.api(token, 'PUT', '/admin/security/two-factor-roles', { roles: [] });
  }, 120_000);

  it('an administrator of a unit below sees the roles read-only, with the reason', async () => {
    const db = e2e.server.database.db;
    const hrss = await db.selectFrom('units').select('id').where('code', '=', 'hrss').executeTakeFirstOrThrow();
    const hash = (await db.selectFrom('users').select('password_hash').where('username', '=', 'admin').executeTakeFirstOrThrow()).password_hash;
    await db.insertInto('users').values({ username: 'admin_hrss_e2e', display_name: '人社局管理员', password_hash: hash, roles: ['admin'], unit_id: hrss.id }).execute();

    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const counts: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.endsWith('/two-factor-roles/impact')) counts.push(r.method());
    });
    await signInOnPage(page, e2e.server.url, 'admin_hrss_e2e', { lang: 'zh-Hans' });
    await page.getByTestId('nav-two-factor-roles').click();
    await page.getByTestId('two-factor-roles-form').waitFor();
    await expect.poll(() => page.getByTestId('two-factor-roles-read-only').innerText(), POLL).toContain('只有最上级单位的系统管理员才能修改这些角色');
    expect(await page.getByTestId('two-factor-roles-save').count()).toBe(0);
    expect(await page.getByTestId('two-factor-role-supervisor').getAttribute('aria-disabled')).toBe('true');
    // Still reached from the keyboard, but the box does not move; the counts of the whole organisation are not asked for.
    await page.getByTestId('two-factor-role-supervisor').focus();
    await page.keyboard.press('Space');
    expect(await page.getByTestId('two-factor-role-supervisor').isChecked()).toBe(false);
    expect(counts).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/two-factor-roles-read-only.png`, fullPage: true });
    await context.close();
  }, 120_000);
});
