import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { signInOnPage } from '../helpers/browser.js';
import { hasBrowser, SHOTS, useE2e } from '../helpers/e2e.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';

const e2e = useE2e();

/** What is on screen changes a moment after a click: poll, never read once. */
const POLL = { timeout: 15_000, interval: 100 } as const;

/** Makes the user's sessions look an hour old, as if the sign-in and its last confirmation were long ago. */
const ageSessions = async (username: string): Promise<void> => {
  await sql`
    UPDATE sessions SET created_at = now() - interval '1 hour', verified_at = now() - interval '1 hour'
    WHERE user_id = (SELECT id FROM users WHERE username = ${username})
  `.execute(e2e.server.database.db);
};

/** Whether the element of this test id has the keyboard focus. */
const isFocused = async (page: Page, testId: string): Promise<boolean> =>
  (await page.locator(`[data-testid="${testId}"]:focus`).count()) === 1;

/** A page of its own, with the confirmations it sends to the server counted. */
const watchedPage = async () => {
  const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const page = await context.newPage();
  const reauthCalls: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/v1/auth/reauth') reauthCalls.push(r.method());
  });
  return { context, page, reauthCalls };
};

describe.skipIf(!hasBrowser)('confirm it is you, in the browser', () => {
  it('an administrator whose sign-in is old confirms the password once, then takes guarded steps without being asked again', async () => {
    const { context, page, reauthCalls } = await watchedPage();
    // The page asks "reset this password?" with the browser's own confirm box first.
    page.on('dialog', (d) => void d.accept());

    await signInOnPage(page, e2e.server.url, 'admin', { lang: 'bo' });
    await ageSessions('admin');
    await page.getByTestId('nav-users').click();
    await page.getByTestId('users-table').waitFor();

    // In Tibetan first: the dialog reads in the reader's script; Escape cancels, and the page says why nothing happened.
    const dialog = page.getByTestId('reauth-dialog');
    await page.getByTestId('user-reset-handler').click();
    await dialog.waitFor();
    expect(await page.locator('#reauth-title').innerText()).toBe('ཁྱེད་རང་ཡིན་པ་ར་སྤྲོད་གནང་རོགས།');
    await expect.poll(() => isFocused(page, 'reauth-password'), POLL).toBe(true);
    await page.screenshot({ path: `${SHOTS}/reauth-bo.png` });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect
      .poll(() => page.getByTestId('users-error').innerText(), POLL)
      .toBe('སྔོན་ལ་ཁྱེད་རང་ཡིན་པ་ར་སྤྲོད་གནང་རོགས།');
    // Focus goes back to the button that started the step.
    await expect.poll(() => isFocused(page, 'user-reset-handler'), POLL).toBe(true);
    expect(await page.getByTestId('temporary-password').count()).toBe(0);
    expect(reauthCalls).toEqual([]);

    // In English: a wrong password is said next to the field; the right one completes the step that asked.
    await page.getByTestId('lang-en').click();
    await page.getByTestId('user-reset-handler').click();
    await dialog.waitFor();
    expect(await page.locator('#reauth-title').innerText()).toBe('Confirm it’s you');
    expect(await page.locator('#reauth-intro').innerText()).toContain(
      'You will not be asked again for 15 minutes.',
    );
    expect(await page.getByTestId('reauth-password').getAttribute('autocomplete')).toBe('current-password');
    // Only accounts with two-step verification are asked for a code.
    expect(await page.getByTestId('reauth-code').count()).toBe(0);
    await page.getByTestId('reauth-password').fill('not-the-password');
    await page.getByTestId('reauth-confirm').click();
    await expect
      .poll(() => page.getByTestId('field-error-reauth-password').innerText(), POLL)
      .toBe('That password is not right. Please type it again.');
    await expect.poll(() => isFocused(page, 'reauth-password'), POLL).toBe(true);
    expect(await page.getByTestId('reauth-password').inputValue()).toBe('');
    // A wrong password is not a sign-out: the dialog and the page stay.
    expect(await dialog.isVisible()).toBe(true);
    expect(await page.getByTestId('users-table').count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/reauth-wrong-password.png` });

    await page.getByTestId('reauth-password').fill(TEST_PASSWORD);
    await page.keyboard.press('Enter');
    const password = page.getByTestId('temporary-password-value');
    await password.waitFor();
    expect((await password.innerText()).trim()).toMatch(/^[a-zA-Z2-9]{4}-[a-zA-Z2-9]{4}-[a-zA-Z2-9]{4}$/);
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByTestId('users-error').count()).toBe(0);
    expect(reauthCalls).toEqual(['POST', 'POST']);
    const verified = await sql<{ isFresh: boolean }>`
      SELECT bool_or(verified_at > now() - interval '5 minutes') AS "isFresh"
      FROM sessions WHERE user_id = (SELECT id FROM users WHERE username = 'admin')
    `.execute(e2e.server.database.db);
    expect(verified.rows[0]?.isFresh).toBe(true);

    // A second guarded step right after: no question.
    await page.getByTestId('temporary-password-done').click();
    await expect.poll(() => page.getByTestId('temporary-password').count(), POLL).toBe(0);
    await page.getByTestId('user-reset-agent').click();
    await expect.poll(() => page.getByTestId('temporary-password').innerText(), POLL).toContain('agent');
    expect(await dialog.count()).toBe(0);
    expect(reauthCalls).toEqual(['POST', 'POST']);
    await context.close();
  }, 120_000);

  it('an account without a password is not asked for one: with single sign-on off, it is told to ask an administrator', async () => {
    const { context, page, reauthCalls } = await watchedPage();
    page.on('dialog', (d) => void d.accept());
    const setHasPassword = async (hasPassword: boolean) => {
      await sql`UPDATE users SET has_password = ${hasPassword} WHERE username = 'admin'`.execute(e2e.server.database.db);
    };
    try {
      // Signed in with the password first (the flag alone is turned off), as if the account had been made by single
      // sign-on on a server whose provider has since been switched off.
      await signInOnPage(page, e2e.server.url, 'admin', { lang: 'en' });
      await setHasPassword(false);
      await ageSessions('admin');
      await page.getByTestId('nav-users').click();
      await page.getByTestId('users-table').waitFor();
      const dialog = page.getByTestId('reauth-dialog');
      await page.getByTestId('user-reset-handler').click();
      await dialog.waitFor();
      expect(await page.getByTestId('reauth-ask-administrator').innerText()).toContain('Please ask an administrator.');
      expect(await page.getByTestId('reauth-password').count()).toBe(0);
      expect(await page.getByTestId('reauth-sso').count()).toBe(0);
      await page.screenshot({ path: `${SHOTS}/reauth-no-password.png` });
      await page.getByTestId('reauth-cancel').click();
      await dialog.waitFor({ state: 'detached' });
      expect(await page.getByTestId('temporary-password').count()).toBe(0);
      expect(reauthCalls).toEqual([]);

      // The own-password page has no form to fill either (after a reload: the page read the account at sign-in).
      await page.goto(`${e2e.server.url}/#/account/password`);
      await page.reload();
      await expect.poll(() => page.getByTestId('password-none').count(), POLL).toBe(1);
      expect(await page.getByTestId('password-form').count()).toBe(0);
    } finally {
      await setHasPassword(true);
      await context.close();
    }
  }, 120_000);
});
