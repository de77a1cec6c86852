import { sql } from 'kysely';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { base32Decode, totp } from '../../src/core/auth/totp.js';
import { hasBrowser, SHOTS, useE2e } from '../helpers/e2e.js';
import { startFakeOidcProvider, type FakeOidcProvider } from '../helpers/fake-oidc-provider.js';

/**
 * Single sign-on in the browser, against a provider started here whose /authorize signs in at once whoever the test
 * names: the first sign-in makes the account, and an account made so, with no password, confirms a sensitive step
 * through the provider too.
 */

const PROVIDER_NAME = '藏区政务统一身份认证';
const SESSION_COOKIE = 'bihuan_session';

let provider: FakeOidcProvider | undefined;
/** The provider is started with the server, since its registered callback names the server's address. */
const oidc = (): FakeOidcProvider => {
  if (!provider) throw new Error('the OpenID provider has not started (is Chromium missing?)');
  return provider;
};

const e2e = useE2e({
  server: {
    env: async (url) => {
      provider = await startFakeOidcProvider({ redirectUrl: `${url}/api/v1/auth/oidc/callback` });
      // Unknown people get an account at their first sign-in, with no roles, in the unit an administrator chose.
      return provider.env({ BIHUAN_OIDC_PROVIDER_NAME: PROVIDER_NAME, BIHUAN_OIDC_UNKNOWN_USERS: 'create', BIHUAN_OIDC_NEW_USER_UNIT: 'hrss' });
    },
  },
});
afterAll(async () => {
  await provider?.close();
});

/** What is on screen changes a moment after a click: poll, never read once. */
const POLL = { timeout: 15_000, interval: 100 } as const;

const newPage = async (): Promise<{ context: BrowserContext; page: Page }> => {
  const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 1000 } });
  return { context, page: await context.newPage() };
};

/** The browser's session, to ask the API what the person it belongs to sees. */
const sessionOf = async (context: BrowserContext): Promise<string | null> =>
  (await context.cookies()).find((c) => c.name === SESSION_COOKIE)?.value ?? null;

/** The status of a GET with this session: a session that ended answers 401. */
const statusWith = async (token: string, path: string): Promise<number> =>
  (await fetch(`${e2e.server.url}/api/v1${path}`, { headers: { authorization: `Bearer ${token}` } })).status;

/** The person clicks the provider's button on the sign-in page; the provider knows them as `username`. */
const signInWithSso = async (page: Page, username: string, name: string): Promise<void> => {
  oidc().nextSignIn({ preferred_username: username, name });
  await page.goto(`${e2e.server.url}/#/login`);
  await page.getByTestId('lang-en').click();
  const button = page.getByTestId('sso-login');
  await expect.poll(() => button.innerText(), POLL).toBe(`Sign in with ${PROVIDER_NAME}`);
  await button.click();
  await expect.poll(() => page.getByTestId('user-name').count(), POLL).toBe(1);
  expect(await page.getByTestId('user-name').innerText()).toBe(`Signed in as ${name}`);
};

describe.skipIf(!hasBrowser)('single sign-on in the browser', () => {
  it('the provider’s button signs an unknown person in, and the first sign-in makes their account, with no roles and no password', async () => {
    const { context, page } = await newPage();
    const asked = oidc().authorizations.length;
    const exchanges = oidc().tokenRequests;
    await signInWithSso(page, 'Dolma.Tsering', 'སྒྲོལ་མ་ཚེ་རིང་');

    // One trip through the provider: the code flow with PKCE, and no demand to type the credentials again.
    expect(oidc().authorizations.slice(asked)).toEqual([
      expect.objectContaining({
        responseType: 'code', redirectUri: `${e2e.server.url}/api/v1/auth/oidc/callback`, codeChallengeMethod: 'S256', codeChallenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        prompt: null, maxAge: null, code: expect.stringMatching(/^\S+$/),
      }),
    ]);
    expect(oidc().tokenRequests).toBe(exchanges + 1);
    // Signed in on the workbench, with nothing to see on it until an administrator gives a role.
    expect(new URL(page.url()).hash).toBe('#/work');
    await expect.poll(() => page.getByTestId('queue-error').count(), POLL).toBe(1);
    expect(await page.getByTestId('queue-error').innerText()).toContain('You are not allowed to do this.');
    expect(await page.getByTestId('nav-users').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/sso-first-sign-in.png` });

    const session = await sessionOf(context);
    expect(session).not.toBeNull();
    expect(await e2e.api(session, 'GET', '/auth/me')).toMatchObject({ username: 'dolma.tsering', displayName: 'སྒྲོལ་མ་ཚེ་རིང་', roles: [], permissions: [], hasPassword: false });
    const admin = await e2e.login('admin');
    expect(await e2e.api(admin, 'GET', '/admin/users?q=dolma')).toMatchObject({
      total: 1,
      items: [{ username: 'dolma.tsering', roles: [], unit: { code: 'hrss' }, isActive: true, hasTotp: false, mustChangePassword: false, activeSessions: 1 }],
    });
    await context.close();
  }, 120_000);

  it('a person without a password is offered only single sign-on to confirm a sensitive step, confirms at the provider, and the step goes through', async () => {
    const { context, page } = await newPage();
    await signInWithSso(page, 'Tashi.Lhamo', 'བཀྲ་ཤིས་ལྷ་མོ།');
    const first = await sessionOf(context);
    if (!first) throw new Error('no session after the sign-in');
    // The sign-in is an hour old: the 15 minutes in which it counts as a confirmation have passed.
    await sql`
      UPDATE sessions SET created_at = now() - interval '1 hour', verified_at = now() - interval '1 hour'
      WHERE user_id = (SELECT id FROM users WHERE username = 'tashi.lhamo')
    `.execute(e2e.server.database.db);

    // Setting up two-step verification is open to everyone signed in, roles or none, and needs a recent sign-in.
    const dialog = page.getByTestId('reauth-dialog');
    const askToConfirm = async () => {
      await page.goto(`${e2e.server.url}/#/account/two-factor`);
      await page.getByTestId('totp-setup').click();
      await dialog.waitFor();
    };
    await askToConfirm();
    expect(await page.locator('#reauth-title').innerText()).toBe('Confirm it’s you');
    expect(await page.locator('#reauth-intro').innerText()).toContain('Sign in again with single sign-on to continue.');
    expect(await page.getByTestId('reauth-no-password').innerText()).toBe('Your account has no password: you sign in with single sign-on, so you confirm with it too.');
    // Nothing to type: no password box, no code, no button that would send one.
    expect(await dialog.locator('input').count()).toBe(0);
    expect(await page.getByTestId('reauth-confirm').count()).toBe(0);
    const ssoButton = page.getByTestId('reauth-sso');
    expect(await ssoButton.innerText()).toBe('Sign in again with single sign-on');
    await page.screenshot({ path: `${SHOTS}/sso-confirm-dialog.png` });
    // Nothing was set up while the step waited for the confirmation.
    expect(await e2e.api(first, 'GET', '/auth/totp')).toMatchObject({ isEnabled: false, hasPendingSetup: false });

    // A provider that answers from its own session (the person typed nothing now) confirms nothing, and says so.
    const asked = oidc().authorizations.length;
    oidc().nextSignIn({ preferred_username: 'Tashi.Lhamo', auth_time: Math.floor(Date.now() / 1000) - 3600 });
    await ssoButton.click();
    await expect.poll(() => page.getByTestId('sso-error').count(), POLL).toBe(1);
    expect(await page.getByTestId('sso-error').innerText()).toContain('Single sign-on did not ask for your password again, so it could not confirm it is you.');
    // The confirmation demanded the credentials again, however recent the provider's own session.
    expect(oidc().authorizations.slice(asked)).toEqual([expect.objectContaining({ prompt: 'login', maxAge: '0', code: expect.stringMatching(/^\S+$/) })]);
    expect(await sessionOf(context)).toBe(first);
    expect(await statusWith(first, '/auth/me')).toBe(200);

    // Asked again, the person types their credentials at the provider (auth_time now): confirmed.
    await askToConfirm();
    oidc().nextSignIn({ preferred_username: 'Tashi.Lhamo' });
    await ssoButton.click();
    await expect.poll(() => sessionOf(context), POLL).not.toBe(first);
    const confirmed = await sessionOf(context);
    if (!confirmed) throw new Error('no session after the confirmation');
    await expect.poll(() => page.getByTestId('user-name').count(), POLL).toBe(1);
    expect(oidc().authorizations.at(-1)).toMatchObject({ prompt: 'login', maxAge: '0' });
    // The session the confirmation replaces in this browser has ended.
    expect(await statusWith(first, '/auth/me')).toBe(401);

    // Single sign-on brings the person back to the page the step was on, as the dialog promised; the same step
    // again: no question this time.
    await expect.poll(() => new URL(page.url()).hash, POLL).toBe('#/account/two-factor');
    await page.getByTestId('totp-setup').click();
    const secretText = page.getByTestId('totp-secret');
    await secretText.waitFor();
    expect(await dialog.count()).toBe(0);
    const secret = base32Decode((await secretText.innerText()).replace(/\s/g, ''));
    if (!secret) throw new Error('the page showed no base32 secret');
    await page.getByTestId('totp-code').fill(totp(secret, Date.now()));
    await page.getByTestId('totp-enable').click();
    const recoveryCodes = page.getByTestId('recovery-codes');
    await recoveryCodes.waitFor();
    expect(await recoveryCodes.innerText()).toContain('Two-step verification is on.');
    expect(await recoveryCodes.locator('code').count()).toBe(10);
    expect(await dialog.count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}/sso-two-factor-on.png` });

    expect(await e2e.api(confirmed, 'GET', '/auth/totp')).toMatchObject({ isEnabled: true, recoveryCodesLeft: 10 });
    expect(await e2e.api(confirmed, 'GET', '/auth/me')).toMatchObject({ username: 'tashi.lhamo', hasPassword: false });
    const admin = await e2e.login('admin');
    expect(await e2e.api(admin, 'GET', '/admin/users?q=tashi')).toMatchObject({ total: 1, items: [{ username: 'tashi.lhamo', hasTotp: true, activeSessions: 1 }] });
    await context.close();
  }, 120_000);
});
