import { mkdir } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startBackground, type Background } from '../../src/jobs/background.js';
import { backgroundWorkers, eventConsumers } from '../../src/jobs/consumers.js';
import { jobHandlers } from '../../src/jobs/handlers.js';
import { isChromiumAvailable, launchChromium } from './browser.js';
import { startLiveServer, type LiveServer, type LiveServerOptions } from './live-server.js';
import { TEST_PASSWORD } from './test-database.js';

/** Where the browser tests leave their screenshots. */
export const SHOTS = 'test-results';

export const hasBrowser = isChromiumAvailable();
if (!hasBrowser && process.env.CI) throw new Error('CI must run the browser tests: /usr/bin/chromium is missing');

export type E2e = {
  readonly server: LiveServer;
  readonly browser: Browser;
  /** The background work (timers, event consumers, workers), run by the test with `runOnce`; null unless asked for. */
  readonly background: Background | null;
  /** Calls the API as a program would (JSON in and out); a failed call throws with its status and body. */
  api: (token: string | null, method: string, path: string, body?: unknown) => Promise<Record<string, unknown>>;
  /** A bearer token for one of the seeded users. */
  login: (username: string) => Promise<string>;
  /** Works off everything the background has queued (with `isBackgroundRun`). */
  runBackground: () => Promise<void>;
};

/**
 * One server with the demo data on a fresh database, one Chromium and, if asked, the background work, for the
 * browser tests of one file: started before its tests and stopped after them. Call it at the top of the file.
 * `prepare` runs once the server is up, before the browser starts (data the tests need); `server` configures it.
 */
export const useE2e = (
  options: { isBackgroundRun?: boolean; prepare?: (server: LiveServer) => Promise<void>; server?: LiveServerOptions } = {},
): E2e => {
  let server: LiveServer | undefined;
  let browser: Browser | undefined;
  let background: Background | null = null;
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the browser tests' ${what} has not started (is Chromium missing?)`);
    return value;
  };
  const api: E2e['api'] = async (token, method, path, body) => {
    const res = await fetch(`${started(server, 'server').url}/api/v1${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  beforeAll(async () => {
    if (!hasBrowser) return;
    server = await startLiveServer(options.server);
    await options.prepare?.(server);
    if (options.isBackgroundRun) {
      background = await startBackground(server.database.db, { handlers: jobHandlers, consumers: eventConsumers, workers: backgroundWorkers, isLooping: false, log: () => {} });
    }
    browser = await launchChromium();
    await mkdir(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await background?.stop();
    await server?.close();
  });
  return {
    get server() {
      return started(server, 'server');
    },
    get browser() {
      return started(browser, 'browser');
    },
    get background() {
      return background;
    },
    api,
    login: async (username) => (await api(null, 'POST', '/auth/login', { username, password: TEST_PASSWORD })).token as string,
    runBackground: async () => {
      const work = started(background ?? undefined, 'background (useE2e({ isBackgroundRun: true }))');
      for (let n = await work.runOnce(); n > 0; n = await work.runOnce());
    },
  };
};
