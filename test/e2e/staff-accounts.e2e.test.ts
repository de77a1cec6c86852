import { describe, expect, it } from 'vitest';
import { hasBrowser, SHOTS, useE2e } from '../helpers/e2e.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';

const e2e = useE2e();

describe.skipIf(!hasBrowser)('staff accounts in the browser', () => {
  it('an administrator makes an account; its owner replaces the one-time password and goes to work; the account is disabled', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    const signIn = async (username: string, password: string) => {
      await page.goto(`${e2e.server.url}/#/login`);
      await page.getByTestId('login-username').fill(username);
      await page.getByTestId('login-password').fill(password);
      await page.getByTestId('login-submit').click();
    };

    await signIn('admin', TEST_PASSWORD);
    await page.getByTestId('queue-table').waitFor();
    await page.getByTestId('nav-users').click();
    await page.getByTestId('users-table').waitFor();
    expect(await page.getByTestId('user-row-handler').count()).toBe(1);

    await page.getByTestId('new-user-username').fill('Tenzin.Agent');
    await page.getByTestId('new-user-display-name').fill('丹增');
    await page.locator('#new-user-unit').selectOption({ index: 1 });
    await page.getByTestId('new-user-role-agent').check();
    await page.getByTestId('new-user-create').click();
    const password = (await page.getByTestId('temporary-password-value').innerText()).trim();
    expect(password).toMatch(/^[a-zA-Z2-9]{4}-[a-zA-Z2-9]{4}-[a-zA-Z2-9]{4}$/);
    await page.screenshot({ path: `${SHOTS}/staff-accounts-created.png`, fullPage: true });
    await page.getByTestId('temporary-password-done').click();
    await expect.poll(() => page.getByTestId('temporary-password').count()).toBe(0);
    const row = page.getByTestId('user-row-tenzin.agent');
    await row.waitFor();
    expect(await row.innerText()).toContain('丹增');

    // The owner signs in with the one-time password and is held on the password page until they choose one.
    await page.getByTestId('logout').click();
    await signIn('tenzin.agent', password);
    await page.getByTestId('password-forced').waitFor();
    expect(await page.getByTestId('nav-work').count()).toBe(0);
    await page.goto(`${e2e.server.url}/#/work`);
    await page.getByTestId('password-forced').waitFor();
    await page.getByTestId('password-current').fill(password);
    await page.getByTestId('password-new').fill('short');
    await page.getByTestId('password-again').fill('short');
    await page.getByTestId('password-submit').click();
    // The server's reason, in the reader's language, on the field.
    await expect.poll(() => page.locator('#password-new-error').innerText()).toContain('too short');
    await page.getByTestId('password-new').fill('Tenzin-Lhasa-2026');
    await page.getByTestId('password-again').fill('Tenzin-Lhasa-2026');
    await page.getByTestId('password-submit').click();
    await page.getByTestId('queue-table').waitFor();

    // Back as the administrator: the account is in use, then disabled.
    await page.getByTestId('logout').click();
    await signIn('admin', TEST_PASSWORD);
    await page.getByTestId('queue-table').waitFor();
    await page.goto(`${e2e.server.url}/#/work/admin/users`);
    await page.getByTestId('users-q').fill('tenzin');
    await page.getByTestId('users-search').click();
    await expect.poll(() => page.getByTestId('users-table').locator('tbody tr').count()).toBe(1);
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('user-disable-tenzin.agent').click();
    await page.getByTestId('user-enable-tenzin.agent').waitFor();
    const token = await e2e.login('admin');
    const list = await e2e.api(token, 'GET', '/admin/users?q=tenzin');
    expect(list).toMatchObject({ total: 1, items: [{ username: 'tenzin.agent', isActive: false, mustChangePassword: false }] });

    // The same page in Tibetan: the role names and the state read in the reader's language.
    await page.getByTestId('lang-bo').click();
    await expect.poll(() => page.getByTestId('user-row-tenzin.agent').innerText()).toContain('ཐོ་འགོད་ལས་བྱེད་པ།');
    await page.screenshot({ path: `${SHOTS}/staff-accounts-bo.png`, fullPage: true });
    await context.close();
  }, 120_000);

  it('an administrator turns off the two-step verification of someone who lost the phone and the codes', async () => {
    const db = e2e.server.database.db;
    const handler = await db.selectFrom('users').select('id').where('username', '=', 'handler_city').executeTakeFirstOrThrow();
    // Signed in on a device before (a session the reset must end); then set up as the server leaves it once on.
    const deviceToken = await e2e.login('handler_city');
    // The secret itself plays no part in a reset.
    const now = new Date();
    await db
      .withTables<{ user_totp: { user_id: string; secret_sealed: string | null; enabled_at: Date | null; updated_at: Date } }>()
      .insertInto('user_totp')
      .values({ user_id: handler.id, secret_sealed: 'sealed-by-the-test', enabled_at: now, updated_at: now })
      .execute();

    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await page.goto(`${e2e.server.url}/#/login`);
    await page.getByTestId('login-username').fill('admin');
    await page.getByTestId('login-password').fill(TEST_PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('queue-table').waitFor();
    await page.goto(`${e2e.server.url}/#/work/admin/users`);
    await page.getByTestId('users-table').waitFor();
    await page.getByTestId('lang-en').click();
    // Offered only where it is on: not for an account without it.
    expect(await page.getByTestId('user-reset-totp-handler').count()).toBe(0);
    const reset = page.getByTestId('user-reset-totp-handler_city');
    await reset.waitFor();

    // Dismissing the question changes nothing.
    page.once('dialog', (d) => void d.dismiss());
    await reset.click();
    await expect.poll(async () => (await db.withTables<{ user_totp: { user_id: string } }>().selectFrom('user_totp').select('user_id').where('user_id', '=', handler.id).execute()).length).toBe(1);

    let question = '';
    page.once('dialog', (d) => {
      question = d.message();
      void d.accept();
    });
    await reset.click();
    await expect.poll(() => page.getByTestId('users-notice').innerText()).toBe('Two-step verification of “handler_city” is off. Devices signed out: 1.');
    expect(question).toContain('Check who they are in person or by phone first.');
    await expect.poll(() => page.getByTestId('user-reset-totp-handler_city').count()).toBe(0);
    expect(await db.withTables<{ user_totp: { user_id: string } }>().selectFrom('user_totp').select('user_id').where('user_id', '=', handler.id).execute()).toEqual([]);
    // The session the account had is over.
    expect((await fetch(`${e2e.server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${deviceToken}` } })).status).toBe(401);
    await context.close();
  }, 120_000);
});
