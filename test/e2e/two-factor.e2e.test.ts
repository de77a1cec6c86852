import { describe, expect, it } from 'vitest';
import { hasBrowser, useE2e } from '../helpers/e2e.js';
import { base32Decode, totp } from '../../src/core/auth/totp.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';

const e2e = useE2e();

describe.skipIf(!hasBrowser)('two-step verification in the browser', () => {
  it('a supervisor sets it up on the account page, then signs in with password and code', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1100, height: 900 } });
    const page = await context.newPage();
    const signIn = async () => {
      await page.goto(`${e2e.server.url}/#/login`);
      await page.getByTestId('login-username').fill('supervisor');
      await page.getByTestId('login-password').fill(TEST_PASSWORD);
      await page.getByTestId('login-submit').click();
    };
    await signIn();
    await page.getByTestId('queue-table').waitFor();

    await page.goto(`${e2e.server.url}/#/account/two-factor`);
    await page.getByTestId('totp-setup').click();
    const secret = base32Decode((await page.getByTestId('totp-secret').innerText()).replace(/\s/g, ''));
    expect(secret).not.toBeNull();
    await page.getByTestId('totp-code').fill(totp(secret ?? Buffer.alloc(0), Date.now()));
    await page.getByTestId('totp-enable').click();
    await page.getByTestId('recovery-codes').waitFor();
    expect((await page.getByTestId('recovery-codes').locator('code').allInnerTexts()).length).toBe(10);

    await context.clearCookies();
    await signIn();
    // The password alone is not enough now: the page asks for the code.
    await page.getByTestId('login-totp').waitFor();
    // A code from the next step window is accepted (±1 step) and is not the one used to enable.
    await page.getByTestId('login-totp').fill(totp(secret ?? Buffer.alloc(0), Date.now() + 30_000));
    await page.getByTestId('login-submit').click();
    await page.getByTestId('queue-table').waitFor();
    await context.close();
  }, 90_000);
});
