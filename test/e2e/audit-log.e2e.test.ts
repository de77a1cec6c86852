import { describe, expect, it } from 'vitest';
import { sealAuditEntries } from '../../src/db/audit.repository.js';
import { signInOnPage } from '../helpers/browser.js';
import { hasBrowser, SHOTS, useE2e } from '../helpers/e2e.js';

const e2e = useE2e();

describe.skipIf(!hasBrowser)('the audit log in the browser', () => {
  it('an administrator finds who did what, opens the details, loads more and checks the chain', async () => {
    // Records to find: a handler's changes (more than one page of them) and a failed sign-in.
    const handler = await e2e.login('handler');
    for (let i = 0; i < 55; i += 1) await e2e.api(handler, 'POST', '/notifications/read-all');
    await fetch(`${e2e.server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'e2e_nobody', password: 'wrong-password-1' }),
    });
    await e2e.server.app.auditSettled();
    await sealAuditEntries(e2e.server.database.db);

    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await signInOnPage(page, e2e.server.url, 'admin', { lang: 'en' });
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-table').waitFor();
    expect(await page.getByTestId('audit-scope').innerText()).toContain('every unit');

    // A failed sign-in: no actor, the typed name, in words.
    await page.getByTestId('audit-user').fill('e2e_nobody');
    await page.getByTestId('audit-search').click();
    // The unfiltered page is on screen until the answer arrives, so wait for the count, not for a row.
    await expect.poll(() => page.getByTestId('audit-row').count(), { timeout: 10_000 }).toBe(1);
    const failed = page.getByTestId('audit-row').first();
    expect(await failed.getByTestId('audit-action').innerText()).toBe('Sign-in');
    expect(await failed.getByTestId('audit-user-cell').innerText()).toContain('e2e_nobody');
    expect(await failed.getByTestId('audit-outcome').getAttribute('data-outcome')).toBe('refused');

    // The handler's changes: a first page of 50, then the rest by "show more".
    await page.getByTestId('audit-user').fill('handler');
    await page.getByTestId('audit-what').selectOption('other');
    await page.getByTestId('audit-action-text').fill('read-all');
    await page.getByTestId('audit-search').click();
    await expect.poll(() => page.getByTestId('audit-row').count(), { timeout: 10_000 }).toBe(50);
    expect(await page.getByTestId('audit-row').first().getByTestId('audit-action').innerText()).toBe('Marked notices as read');
    await page.getByTestId('audit-load-more').click();
    await page.getByTestId('audit-all-shown').waitFor();
    expect(await page.getByTestId('audit-row').count()).toBe(55);

    // The details of a row: the browser and the recorded text.
    await page.getByTestId('audit-details-toggle').first().click();
    await page.getByTestId('audit-details').waitFor();
    expect(await page.getByTestId('audit-details').innerText()).toContain('POST /api/v1/notifications/read-all');

    // The chain.
    await page.getByTestId('audit-chain-check').click();
    await page.getByTestId('audit-chain-intact').waitFor();
    expect(await page.getByTestId('audit-chain-result').getAttribute('data-state')).toBe('intact');
    await page.screenshot({ path: `${SHOTS}/audit-log.png`, fullPage: true });
    await context.close();
  }, 90_000);

  it('shows the words of the reader\'s language', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await signInOnPage(page, e2e.server.url, 'admin', { lang: 'bo' });
    await page.goto(`${e2e.server.url}/#/work/admin/audit`);
    await page.getByTestId('audit-user').fill('e2e_nobody');
    await page.getByTestId('audit-search').click();
    await expect.poll(() => page.getByTestId('audit-row').count(), { timeout: 10_000 }).toBe(1);
    expect(await page.getByTestId('audit-action').first().innerText()).toBe('ནང་འཛུལ།');
    await context.close();
  }, 60_000);
});
