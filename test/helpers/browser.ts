import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

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
