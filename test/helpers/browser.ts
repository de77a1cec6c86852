import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TEST_PASSWORD } from './test-database.js';

export const CHROMIUM_PATH = process.env.BIHUAN_CHROMIUM ?? '/usr/bin/chromium';

export const isChromiumAvailable = (): boolean => existsSync(CHROMIUM_PATH);

/** Debian's Chromium, never a downloaded browser; flags keep it off the (closed) network. */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
    ],
  });

/**
 * Signs a seeded user in on the login page of the app at `baseUrl`, optionally switching the interface language
 * first, and waits for the queue that follows a sign-in.
 */
export const signInOnPage = async (page: Page, baseUrl: string, username: string, options: { lang?: 'zh-Hans' | 'bo' | 'en' } = {}): Promise<void> => {
  await page.goto(`${baseUrl}/#/login`);
  if (options.lang) await page.getByTestId(`lang-${options.lang}`).click();
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(TEST_PASSWORD);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('queue-table').waitFor();
};
