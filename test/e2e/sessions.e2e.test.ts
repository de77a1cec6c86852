import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { appendAudit } from '../../src/db/audit.repository.js';
import { signInOnPage } from '../helpers/browser.js';
import { hasBrowser, SHOTS, useE2e } from '../helpers/e2e.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';

const e2e = useE2e();

/** The browser of the second device, so that the list can name it ("Chrome on Windows"). */
const WINDOWS_CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
/** A count on screen changes a moment after the click: poll, never read once after waiting for a first row. */
const POLL = { timeout: 15_000, interval: 100 } as const;

/** A session made by a program, with the user agent it would send. */
const signInAs = async (username: string, userAgent: string): Promise<string> => {
  const res = await fetch(`${e2e.server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': userAgent },
    body: JSON.stringify({ username, password: TEST_PASSWORD }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
};

/** A call whose answer may have no body (204). */
const call = async (
  token: string,
  method: string,
  path: string,
): Promise<{ status: number; body: Record<string, unknown> | null }> => {
  const res = await fetch(`${e2e.server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : null };
};

const meStatus = async (token: string): Promise<number> =>
  (await fetch(`${e2e.server.url}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status;

/** The status of the page's next API call, with its own cookie. */
const pageMeStatus = (page: Page): Promise<number> =>
  page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);

describe.skipIf(!hasBrowser)('signed-in devices in the browser', () => {
  it('a person sees where they are signed in, signs out one device, then every other one, then this one', async () => {
    const contextA = await e2e.browser.newContext({ viewport: { width: 1100, height: 1000 } });
    const contextB = await e2e.browser.newContext({
      viewport: { width: 1100, height: 900 },
      userAgent: WINDOWS_CHROME,
    });
    const pageA = await contextA.newPage();
    const pageB = await contextB.newPage();
    await signInOnPage(pageA, e2e.server.url, 'agent', { lang: 'en' });
    await signInOnPage(pageB, e2e.server.url, 'agent');
    const curlToken = await signInAs('agent', 'curl/8.5.0');

    // From the header, next to "Change password".
    await pageA.getByTestId('account-sessions').click();
    await pageA.getByTestId('sessions-page').waitFor();
    const rows = pageA.getByTestId('session-row');
    await expect.poll(() => rows.count(), POLL).toBe(3);
    expect(await pageA.locator('[data-testid="session-row"][data-current="true"]').count()).toBe(1);
    expect(await pageA.locator('[data-testid="session-row"][data-current="false"]').count()).toBe(2);
    const devices = await pageA.getByTestId('session-device').allInnerTexts();
    expect(devices).toContain('Chrome on Windows');
    expect(devices).toContain('curl');
    expect(await pageA.getByTestId('session-current').innerText()).toBe('This device');
    expect(
      (await pageA.getByTestId('session-ip').allInnerTexts()).every((ip) => ip.trim() === '127.0.0.1'),
    ).toBe(true);
    expect(await pageA.getByTestId('sessions-idle').innerText()).toContain('2 hours');
    await pageA.screenshot({ path: `${SHOTS}/sessions.png`, fullPage: true });

    // The same list in Tibetan: the labels translate, the product names stay.
    await pageA.getByTestId('lang-bo').click();
    await expect.poll(() => pageA.getByTestId('session-current').innerText(), POLL).toBe('སྒྲིག་ཆས་འདི།');
    await expect
      .poll(async () => (await pageA.getByTestId('session-device').allInnerTexts()).join(' '), POLL)
      .toContain('Windows སྟེང་གི་ Chrome');
    await pageA.screenshot({ path: `${SHOTS}/sessions-bo.png`, fullPage: true });
    await pageA.getByTestId('lang-en').click();

    // One device: the program's session ends, the two browsers stay.
    const curlRow = rows.filter({
      has: pageA.getByTestId('session-device').getByText('curl', { exact: true }),
    });
    await curlRow.getByTestId('session-end').click();
    await expect.poll(() => rows.count(), POLL).toBe(2);
    await expect
      .poll(async () => (await pageA.getByTestId('sessions-ended-notice').allInnerTexts()).join(' '), POLL)
      .toContain('curl');
    expect(await meStatus(curlToken)).toBe(401);
    expect(await pageMeStatus(pageB)).toBe(200);

    // Every other device, after a confirmation: the other browser is signed out, this one stays.
    await pageA.getByTestId('sessions-end-others').click();
    await pageA.getByTestId('sessions-end-others-confirm').click();
    await expect
      .poll(async () => (await pageA.getByTestId('sessions-ended-notice').allInnerTexts()).join(' '), POLL)
      .toContain('Other devices signed out: 1.');
    await expect.poll(() => rows.count(), POLL).toBe(1);
    expect(await pageA.locator('[data-testid="session-row"][data-current="true"]').count()).toBe(1);
    expect(await pageA.getByTestId('sessions-end-others').isDisabled()).toBe(true);
    expect(await pageMeStatus(pageB)).toBe(401);
    expect(await pageMeStatus(pageA)).toBe(200);

    // This device: the same as signing out in the header.
    await rows.getByTestId('session-end').click();
    await pageA.getByTestId('login-username').waitFor();
    expect(await pageMeStatus(pageA)).toBe(401);
    await contextA.close();
    await contextB.close();
  }, 120_000);

  it('an administrator sees where an account is signed in, signs it out everywhere, and reads why an account is disabled', async () => {
    const handlerTokens = [await e2e.login('handler'), await e2e.login('handler')];
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await signInOnPage(page, e2e.server.url, 'admin', { lang: 'en' });
    await page.getByTestId('nav-users').click();
    await page.getByTestId('users-table').waitFor();
    const handlerRow = page.getByTestId('user-row-handler');
    await expect
      .poll(async () => (await handlerRow.getByTestId('user-session-count').allInnerTexts()).join(' '), POLL)
      .toContain('2');

    await page.getByTestId('user-edit-handler').click();
    const panel = page.getByTestId('user-sessions');
    await expect.poll(() => panel.getByTestId('user-session-row').count(), POLL).toBe(2);
    // The administrator signs the account out as a whole, not device by device.
    expect(await panel.getByTestId('session-end').count()).toBe(0);
    expect(await panel.locator('[data-testid="user-session-row"][data-current="true"]').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/sessions-admin.png`, fullPage: true });

    page.once('dialog', (d) => void d.accept());
    await panel.getByTestId('user-end-sessions').click();
    await expect.poll(() => panel.getByTestId('user-session-row').count(), POLL).toBe(0);
    await expect
      .poll(async () => (await page.getByTestId('users-notice').allInnerTexts()).join(' '), POLL)
      .toContain('Devices signed out: 2.');
    await expect.poll(() => handlerRow.getByTestId('user-session-count').count(), POLL).toBe(0);
    for (const token of handlerTokens) expect(await meStatus(token)).toBe(401);
    const adminToken = await e2e.login('admin');
    const list = (await e2e.api(adminToken, 'GET', '/admin/users?q=handler')) as {
      items: { username: string; isActive: boolean; activeSessions: number }[];
    };
    expect(list.items.find((a) => a.username === 'handler')).toMatchObject({
      isActive: true,
      activeSessions: 0,
    });

    // One's own account: its devices are listed, the step is not offered (the account page does it).
    await page.getByTestId('user-edit-admin').click();
    await expect.poll(() => panel.getByTestId('user-session-row').count(), POLL).toBeGreaterThan(0);
    expect(await panel.getByTestId('user-end-sessions').count()).toBe(0);

    // Disabled on this page: the row says by whom and when.
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('user-disable-handler').click();
    await page.getByTestId('user-enable-handler').waitFor();
    await expect
      .poll(
        async () => (await handlerRow.getByTestId('user-disabled-reason').allInnerTexts()).join(' '),
        POLL,
      )
      .toContain('Disabled by an administrator on');
    expect(await handlerRow.getByTestId('user-disabled-reason').getAttribute('data-reason')).toBe(
      'administrator',
    );
    await page.screenshot({ path: `${SHOTS}/sessions-admin-disabled.png`, fullPage: true });
    await context.close();
  }, 120_000);

  it('the audit log names the sign-outs, and the steps of the nightly check and of the command line', async () => {
    // Sign-outs by the API, as a program would: one device, the other devices, and an administrator's.
    const first = await signInAs('dispatcher', 'curl/8.5.0');
    const second = await signInAs('dispatcher', 'python-requests/2.32');
    const third = await signInAs('dispatcher', 'python-requests/2.32');
    const own = await call(first, 'GET', '/auth/sessions');
    const ownItems = (own.body?.['items'] ?? []) as {
      id: string;
      isCurrent: boolean;
      device: { browser: string | null; kind: string };
    }[];
    expect(ownItems).toHaveLength(3);
    expect(ownItems.filter((x) => x.isCurrent)).toEqual([
      expect.objectContaining({ device: { browser: 'curl', os: null, kind: 'program' } }),
    ]);
    const other = ownItems.find((x) => !x.isCurrent);
    expect((await call(first, 'DELETE', `/auth/sessions/${other?.id ?? ''}`)).status).toBe(204);
    // Another person's session reads as none at all.
    const adminToken = await e2e.login('admin');
    const adminOwn = ((await call(adminToken, 'GET', '/auth/sessions')).body?.['items'] ?? []) as {
      id: string;
    }[];
    expect((await call(first, 'DELETE', `/auth/sessions/${adminOwn[0]?.id ?? ''}`)).status).toBe(404);
    expect((await call(first, 'POST', '/auth/logout-others')).body).toEqual({ endedSessions: 1 });
    expect([await meStatus(second), await meStatus(third), await meStatus(first)]).toEqual([401, 401, 200]);
    const dispatcher = (
      (await e2e.api(adminToken, 'GET', '/admin/users?q=dispatcher')) as {
        items: { id: string; username: string }[];
      }
    ).items.find((a) => a.username === 'dispatcher');
    expect(
      await e2e.api(adminToken, 'POST', `/admin/users/${dispatcher?.id ?? ''}/end-sessions`),
    ).toMatchObject({ endedSessions: 1, account: { activeSessions: 0 } });
    expect((await call(adminToken, 'POST', `/admin/users/${dispatcher?.id ?? ''}/end-sessions`)).status).toBe(
      200,
    );
    // As the nightly check and the command line write them (src/jobs/account-hygiene.ts, src/cli/users-command.ts).
    const db = e2e.server.database.db;
    await appendAudit(db, {
      at: new Date(),
      actorId: null,
      actorName: 'system',
      ip: null,
      userAgent: null,
      action: 'user.disabled_dormant',
      subjectKind: 'users',
      subjectId: dispatcher?.id ?? null,
      outcome: 'done',
      data: {
        username: 'dispatcher',
        unit: 'lhasa',
        days: 90,
        lastLoginAt: null,
        createdAt: new Date().toISOString(),
      },
    });
    await appendAudit(db, {
      at: new Date(),
      actorId: null,
      actorName: 'cli:root',
      ip: null,
      userAgent: 'bihuan users',
      action: 'user.enabled',
      subjectKind: 'users',
      subjectId: dispatcher?.id ?? null,
      outcome: 'done',
      data: { username: 'dispatcher' },
    });
    await e2e.server.app.auditSettled();

    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await signInOnPage(page, e2e.server.url, 'admin', { lang: 'en' });
    await page.goto(`${e2e.server.url}/#/work/admin/audit`);
    await page.getByTestId('audit-table').waitFor();
    const rows = page.getByTestId('audit-row');
    const findAction = async (text: string): Promise<void> => {
      await page.getByTestId('audit-what').selectOption('other');
      await page.getByTestId('audit-action-text').fill(text);
      await page.getByTestId('audit-search').click();
    };
    const labels = async (): Promise<string[]> => rows.getByTestId('audit-action').allInnerTexts();

    // The unfiltered rows stay on screen until the answer arrives: wait until every row is of the kind asked for.
    const labelled = async (text: string, label: string): Promise<number> => {
      await findAction(text);
      let count = 0;
      await expect
        .poll(async () => {
          const found = await labels();
          count = found.length;
          return found.length > 0 && found.every((l) => l === label);
        }, POLL)
        .toBe(true);
      return count;
    };
    // The counts include the steps of the tests before this one on the same server.
    expect(await labelled('/auth/sessions/', 'Signed out one device')).toBeGreaterThanOrEqual(2);
    expect(await labelled('logout-others', 'Signed out all other devices')).toBeGreaterThanOrEqual(1);
    expect(await labelled('end-sessions', 'Signed a staff account out everywhere')).toBeGreaterThanOrEqual(2);

    // The entries of the changes to accounts. Those no one signed in wrote (the newest): who wrote them, in
    // words; the administrator's steps on the users page below them, as theirs; none shown as raw text.
    await page.getByTestId('audit-what').selectOption('user.');
    await page.getByTestId('audit-search').click();
    await expect
      .poll(async () => (await labels()).slice(0, 2), POLL)
      .toEqual([
        'Enabled a staff account again (on the server)',
        'Staff account disabled: unused for a long time',
      ]);
    expect((await rows.getByTestId('audit-user-cell').allInnerTexts()).slice(0, 2)).toEqual([
      'On the server, as root',
      'The system (automatic)',
    ]);
    const onThePage = (await labels()).slice(2);
    expect(onThePage).toContain('Signed a staff account out everywhere');
    expect(onThePage.filter((l) => l.includes('(on the server)'))).toEqual([]);
    expect(await page.locator('[data-testid="audit-action"][data-raw="true"]').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/sessions-audit.png`, fullPage: true });
    await context.close();
  }, 120_000);
});
