import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { signInOnPage } from '../helpers/browser.js';
import { hasBrowser, SHOTS, useE2e } from '../helpers/e2e.js';

const e2e = useE2e();
const { api, login } = e2e;

/** What is on screen changes a moment after a click: poll, never read once. */
const POLL = { timeout: 15_000, interval: 100 } as const;

const NAME = '退休工人格桑';
const PHONE = '13688884321';
/** The smallest PDF the server takes: a payslip the person sent with their case. */
const PAYSLIP = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n', 'latin1');

const pad2 = (n: number): string => String(n).padStart(2, '0');

describe.skipIf(!hasBrowser)('personal data requests in the browser', () => {
  it('an administrator finds what is held about a person, hands it over, and erases it once the case is finished', async () => {
    const agent = await login('agent');
    const created = await api(agent, 'POST', '/cases', {
      channel: 'phone', kind: 'help', title: `${NAME}反映欠薪`, description: `我是${NAME}，老板欠我三个月工资。`,
      requester: { name: NAME, phone: PHONE, language: 'zh-Hans' },
    });
    const caseId = created.id as string;
    const trackingNo = created.trackingNo as string;
    const sent = await fetch(`${e2e.server.url}/api/v1/public/cases/${trackingNo}/attachments?name=payslip.pdf`, {
      method: 'POST',
      headers: { 'x-access-code': created.accessCode as string, 'content-type': 'application/octet-stream' },
      body: PAYSLIP,
    });
    expect(sent.status).toBe(201);
    // This deployment sends no text messages: one is recorded as a deployment with a provider would have.
    const db = e2e.server.database.db;
    const { requester_id: requesterId } = await db.selectFrom('cases').select('requester_id').where('id', '=', caseId).executeTakeFirstOrThrow();
    const now = new Date();
    await db
      .insertInto('notification_messages')
      .values({
        dedupe_key: `privacy-e2e:${caseId}`, case_id: caseId, requester_id: requesterId, kind: 'registered', channel: 'sms', language: 'zh-Hans',
        recipient: PHONE, recipient_masked: '136****4321', body: `您的诉求已受理，查询码 ${trackingNo}`, params: JSON.stringify({}), status: 'sent',
        not_before: now, created_at: now, updated_at: now,
      })
      .execute();

    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
    const page = await context.newPage();
    const lookups: string[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/v1/privacy/')) lookups.push(`${r.method()} ${new URL(r.url()).pathname}`);
    });
    await signInOnPage(page, e2e.server.url, 'admin', { lang: 'en' });

    await page.getByTestId('nav-privacy').click();
    await page.getByTestId('privacy-page').waitFor();
    expect(await page.locator('h1').innerText()).toBe('Personal data requests');

    // A number the server would refuse is said next to the field, before anything is sent.
    await page.getByTestId('privacy-value').fill('12');
    await page.getByTestId('privacy-search').click();
    await expect
      .poll(() => page.getByTestId('field-error-privacy-value').innerText(), POLL)
      .toBe('This is not a phone number. Please type digits only, for example 13800001234.');
    expect(lookups).toEqual([]);

    // The case is still open: everything held is shown, and the erasure waits.
    await page.getByTestId('privacy-value').fill(PHONE);
    await page.getByTestId('privacy-search').click();
    const card = page.locator(`[data-testid="privacy-case"][data-tracking-no="${trackingNo}"]`);
    await card.waitFor();
    expect(await card.getByTestId('privacy-name').innerText()).toBe(NAME);
    expect(await card.getByTestId('privacy-phone').innerText()).toBe(PHONE);
    expect(await card.getByTestId('status-badge').innerText()).toBe('Registered');
    expect(await card.getByTestId('privacy-case-link').getAttribute('href')).toBe(`#/work/cases/${caseId}`);
    expect(await page.getByTestId('privacy-summary').innerText()).toBe(
      'Cases found: 1. Still being handled: 1.',
    );
    // The file the person sent, with a download for the copy handed to them.
    const file = card.getByTestId('privacy-file');
    expect(await file.count()).toBe(1);
    expect(await file.locator('td').allTextContents()).toEqual([
      'payslip.pdf', 'PDF document', `${PAYSLIP.length} B`, expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/), 'Download payslip.pdf',
    ]);
    const [saved] = await Promise.all([page.waitForEvent('download'), file.getByTestId('privacy-file-download').click()]);
    expect(saved.suggestedFilename()).toBe('payslip.pdf');
    expect(await readFile(await saved.path())).toEqual(PAYSLIP);
    expect(await card.getByTestId('privacy-message').locator('td').allInnerTexts()).toEqual([
      expect.stringMatching(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/), 'Text message', 'Case received', '136****4321', '简体中文', 'Sent',
    ]);
    expect(await page.getByTestId('privacy-erase-open').isDisabled()).toBe(true);
    expect(await page.getByTestId('privacy-erase-blocking-case').allInnerTexts()).toEqual([trackingNo]);
    await page.screenshot({ path: `${SHOTS}/privacy-requests-open.png`, fullPage: true });

    // The same results in Tibetan: the labels follow the language, the held values stay as they are.
    await page.getByTestId('lang-bo').click();
    await expect
      .poll(() => page.getByTestId('privacy-summary').innerText(), POLL)
      .toBe('རེ་ཞུ་ཁྱོན་ 1 ཡོད། དེའི་ནང་ད་དུང་སྒྲུབ་བཞིན་པ་ 1 ཡོད།');
    expect(await card.getByTestId('privacy-name').innerText()).toBe(NAME);
    await page.screenshot({ path: `${SHOTS}/privacy-requests-bo.png`, fullPage: true });
    await page.getByTestId('lang-en').click();
    await expect.poll(() => page.getByTestId('privacy-print').innerText(), POLL).toBe('Print');

    // The printout handed to the person: the results without the navigation and the tools.
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.site-header').isVisible()).toBe(false);
    expect(await page.getByTestId('privacy-search-form').isVisible()).toBe(false);
    expect(await page.getByTestId('privacy-erase').isVisible()).toBe(false);
    expect(await card.getByTestId('privacy-name').isVisible()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/privacy-requests-print.png`, fullPage: true });
    await page.emulateMedia({ media: 'screen' });

    // The export is exactly what the server answered, with the question and the time.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('privacy-download').click()]);
    const today = new Date();
    expect(download.suggestedFilename()).toBe(
      `personal-data-4321-${today.getFullYear()}-${pad2(today.getMonth() + 1)}-${pad2(today.getDate())}.json`,
    );
    const exported = JSON.parse(await readFile(await download.path(), 'utf8')) as {
      exportedAt: string;
      query: Record<string, string>;
      response: { cases: { trackingNo: string; requester: { name: string } }[] };
    };
    expect(exported.query).toEqual({ phone: PHONE });
    expect(Number.isNaN(Date.parse(exported.exportedAt))).toBe(false);
    expect(exported.response.cases.map((c) => [c.trackingNo, c.requester.name])).toEqual([[trackingNo, NAME]]);

    // Once the case is finished, the erasure asks for the end of the number, then anonymises the case.
    await api(agent, 'POST', `/cases/${caseId}/reject`, { reason: '不属于受理范围。' });
    await page.getByTestId('privacy-search').click();
    await expect
      .poll(() => page.getByTestId('privacy-summary').innerText(), POLL)
      .toBe('Cases found: 1. Still being handled: 0.');
    await expect.poll(() => page.getByTestId('privacy-erase-open').isDisabled(), POLL).toBe(false);
    await page.getByTestId('privacy-erase-open').click();
    const dialog = page.getByTestId('privacy-erase-dialog');
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain('This cannot be undone.');
    await page.getByTestId('privacy-erase-last4').fill('1234');
    await page.getByTestId('privacy-erase-confirm').click();
    await expect
      .poll(() => page.getByTestId('field-error-privacy-erase-last4').innerText(), POLL)
      .toBe('This is not the end of the number. Please check it again.');
    expect(lookups.filter((l) => l.startsWith('POST'))).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/privacy-requests-erase.png` });

    await page.getByTestId('privacy-erase-last4').fill('4321');
    await page.getByTestId('privacy-erase-confirm').click();
    await expect.poll(() => page.getByTestId('privacy-erased').innerText(), POLL).toBe('Done: 1 case anonymised.');
    await dialog.waitFor({ state: 'detached' });
    // Searched again: the number now leads nowhere, and the name is gone from the page.
    await expect
      .poll(() => page.getByTestId('privacy-summary').innerText(), POLL)
      .toBe('Cases found: 0. Still being handled: 0.');
    // Why the case the operator just erased is not listed: it no longer holds the number.
    expect(await page.getByTestId('privacy-anonymised-hint').innerText()).toBe('Cases already anonymised no longer hold the number, so they cannot be found by it.');
    expect(await page.getByTestId('privacy-name').count()).toBe(0);
    expect(await page.getByTestId('privacy-page').innerText()).not.toContain(NAME);
    expect(lookups.filter((l) => l.startsWith('POST'))).toEqual(['POST /api/v1/privacy/people/erase']);
    await page.screenshot({ path: `${SHOTS}/privacy-requests-erased.png`, fullPage: true });

    const row = await db.selectFrom('cases').select(['anonymised_at', 'title']).where('id', '=', caseId).executeTakeFirstOrThrow();
    expect(row.anonymised_at).not.toBeNull();
    expect(row.title).not.toContain(NAME);
    const files = await db.selectFrom('case_attachments').select(['deleted_at', 'content']).where('case_id', '=', caseId).execute();
    expect(files.map((f) => [f.deleted_at !== null, f.content])).toEqual([[true, null]]);
    await context.close();
  }, 120_000);

  it('an erasure that cannot reach the server, or that meets a new case of the person, erases nothing and says so', async () => {
    const phone = '13688885678';
    const agent = await login('agent');
    const first = await api(agent, 'POST', '/cases', {
      channel: 'phone', kind: 'help', title: '咨询社保转移', description: '想问社保怎么转到拉萨。', requester: { name: '次仁', phone, language: 'zh-Hans' },
    });
    await api(agent, 'POST', `/cases/${first.id as string}/reject`, { reason: '不属于受理范围。' });
    const db = e2e.server.database.db;
    const isAnonymised = async (id: string) => (await db.selectFrom('cases').select('anonymised_at').where('id', '=', id).executeTakeFirstOrThrow()).anonymised_at !== null;

    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 1000 } });
    const page = await context.newPage();
    await signInOnPage(page, e2e.server.url, 'admin', { lang: 'en' });
    await page.getByTestId('nav-privacy').click();
    await page.getByTestId('privacy-value').fill(phone);
    await page.getByTestId('privacy-search').click();
    await expect.poll(() => page.getByTestId('privacy-summary').innerText(), POLL).toBe('Cases found: 1. Still being handled: 0.');
    await page.getByTestId('privacy-erase-open').click();
    const dialog = page.getByTestId('privacy-erase-dialog');
    await dialog.waitFor();
    await page.getByTestId('privacy-erase-last4').fill('5678');

    // The connection drops: the dialog stays, says so, and can be sent again.
    // Matched on the path: the client adds the reader's language as a query.
    const isErase = (url: URL) => url.pathname === '/api/v1/privacy/people/erase';
    await page.route(isErase, (route) => route.abort('internetdisconnected'));
    await page.getByTestId('privacy-erase-confirm').click();
    await expect
      .poll(() => page.getByTestId('privacy-erase-error').innerText(), POLL)
      .toBe('Could not reach the server. Check your connection and try again.');
    expect(await dialog.isVisible()).toBe(true);
    expect(await page.getByTestId('privacy-erase-confirm').isDisabled()).toBe(false);
    expect(await isAnonymised(first.id as string)).toBe(false);
    await page.unroute(isErase);

    // Meanwhile the person called again: the server refuses the whole erasure, and the page shows the new case.
    const second = await api(agent, 'POST', '/cases', {
      channel: 'phone', kind: 'help', title: '再次咨询社保', description: '还是社保转移的事。', requester: { name: '次仁', phone, language: 'zh-Hans' },
    });
    await page.getByTestId('privacy-erase-confirm').click();
    await expect
      .poll(() => page.getByTestId('privacy-erase-refused').innerText(), POLL)
      .toBe(`Nothing was erased: a case of this person is being handled again (${second.trackingNo as string}). Erase once it is finished.`);
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('privacy-summary').innerText(), POLL).toBe('Cases found: 2. Still being handled: 1.');
    expect(await isAnonymised(first.id as string)).toBe(false);
    expect(await page.getByTestId('privacy-erase-open').isDisabled()).toBe(true);
    await context.close();
  }, 120_000);

  it('is not offered to staff without the permission', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await signInOnPage(page, e2e.server.url, 'agent', { lang: 'en' });
    expect(await page.getByTestId('nav-search').count()).toBe(1);
    expect(await page.getByTestId('nav-privacy').count()).toBe(0);
    await page.goto(`${e2e.server.url}/#/work/admin/privacy`);
    await expect
      .poll(() => page.getByTestId('privacy-forbidden').innerText(), POLL)
      .toBe('You are not allowed to handle personal data requests.');
    expect(await page.getByTestId('privacy-search-form').count()).toBe(0);
    await context.close();
  }, 60_000);
});
