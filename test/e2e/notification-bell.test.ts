import { describe, expect, it } from 'vitest';
import { hasBrowser, SHOTS as shots, useE2e } from '../helpers/e2e.js';
import { signInOnPage } from '../helpers/browser.js';

/**
 * The staff notification bell (issue 7): a case dispatched to hrss gives its handler an unread notice; the bell
 * shows the count, the list links to the case, opening it marks the notice read, and the bell follows the UI
 * language (the notice texts come back from the server in Tibetan).
 */
const e2e = useE2e({ isBackgroundRun: true });
const { api, login } = e2e;

describe.skipIf(!hasBrowser)('the notification bell', () => {
  it('shows the unread count, links a notice to its case, marks it read and speaks Tibetan', async () => {
    const units = (await api(null, 'GET', '/units')).items as { id: string; code: string }[];
    const hrssId = units.find((u) => u.code === 'hrss')?.id ?? '';
    const [agent, dispatcher] = [await login('agent'), await login('dispatcher')];
    const registerAndDispatch = async (title: string) => {
      const created = await api(agent, 'POST', '/cases', {
        channel: 'phone', kind: 'help', title, description: '工资被拖欠三个月，请帮助协调。',
        requester: { name: '张三', phone: '13977770002', language: 'zh-Hans' },
      });
      await api(dispatcher, 'POST', `/cases/${created.id as string}/dispatch`, { unitId: hrssId });
      return { id: created.id as string, trackingNo: created.trackingNo as string };
    };
    const first = await registerAndDispatch('拖欠工资一');
    const second = await registerAndDispatch('拖欠工资二');
    expect(first.trackingNo).toBeTruthy();
    // The event consumers write the notices (notify.staff); run them to the end.
    await e2e.runBackground();

    const handlerToken = await login('handler');
    const before = (await api(handlerToken, 'GET', '/notifications?unread=true')).unread as number;
    expect(before).toBeGreaterThanOrEqual(2);

    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await signInOnPage(page, e2e.server.url, 'handler');
    // The browser is a device this account has not signed in from (the API client was): one notice more, no case.
    const deviceNotices = await e2e.server.database.db
      .selectFrom('staff_notifications as n')
      .innerJoin('users as u', 'u.id', 'n.user_id')
      .select(['n.case_id', 'n.read_at'])
      .where('u.username', '=', 'handler')
      .where('n.code', '=', 'auth.new_device_sign_in')
      .execute();
    expect(deviceNotices).toEqual([{ case_id: null, read_at: null }]);
    const unread = before + 1;

    const bell = page.getByTestId('notification-bell-button');
    await expect.poll(() => page.getByTestId('notification-count').textContent()).toBe(String(unread));
    expect(await bell.getAttribute('aria-label')).toBe(`通知，${unread} 条未读`);
    expect(await bell.getAttribute('aria-expanded')).toBe('false');

    // Keyboard: Enter opens and moves focus into the list, Escape closes and gives focus back to the bell.
    await bell.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => bell.getAttribute('aria-expanded')).toBe('true');
    await expect.poll(() => page.locator('[data-testid="notification-panel"]:focus').count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => bell.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByTestId('notification-panel').isVisible()).toBe(false);
    await expect.poll(() => page.locator('[data-testid="notification-bell-button"]:focus').count()).toBe(1);

    await bell.click();
    const item = page.getByTestId('notification-item').filter({ hasText: first.trackingNo });
    await item.waitFor().catch(async (e: unknown) => {
      await page.screenshot({ path: `${shots}/notification-bell-failed.png`, fullPage: true });
      throw e;
    });
    expect(await item.getAttribute('data-unread')).toBe('true');
    await page.screenshot({ path: `${shots}/notification-bell-open.png`, fullPage: true });
    await item.click();

    await page.getByTestId('case-title').waitFor();
    expect(page.url()).toContain(`#/work/cases/${first.id}`);
    await expect.poll(() => page.getByTestId('notification-count').textContent()).toBe(String(unread - 1));
    // The server really recorded it: that notice is read, the other case's is still unread.
    const rows = await e2e.server.database.db
      .selectFrom('staff_notifications')
      .innerJoin('users', 'users.id', 'staff_notifications.user_id')
      .select(['staff_notifications.case_id', 'staff_notifications.read_at'])
      .where('users.username', '=', 'handler')
      .execute();
    expect(rows.filter((r) => r.case_id === first.id).every((r) => r.read_at !== null)).toBe(true);
    expect(rows.filter((r) => r.case_id === second.id).every((r) => r.read_at === null)).toBe(true);

    // Tibetan: the bell's label and the notices' texts (rendered by the server) follow the language.
    await page.getByTestId('lang-bo').click();
    await expect.poll(() => bell.getAttribute('aria-label')).toBe(`བརྡ་ཐོ། མ་བཀླགས་པ་ ${unread - 1}`);
    await bell.click();
    const boItem = page.getByTestId('notification-item').filter({ hasText: second.trackingNo });
    await expect.poll(() => boItem.textContent()).toMatch(/[\u0F00-\u0FFF]/);
    // Large-text mode: the list stays usable (the item is still at least 3rem high and inside the viewport).
    // (clicking outside the list closes it, so the bell opens it again)
    await page.getByTestId('large-text').click();
    await expect.poll(() => bell.getAttribute('aria-expanded')).toBe('false');
    await bell.click();
    await boItem.waitFor();
    const box = await boItem.boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(48);
    expect((box?.x ?? -1) >= 0 && (box?.x ?? 0) + (box?.width ?? 0) <= 1280).toBe(true);
    await page.screenshot({ path: `${shots}/notification-bell-bo-large.png`, fullPage: true });

    // Mark all read empties the count.
    await page.getByTestId('notification-read-all').click();
    await expect.poll(() => page.getByTestId('notification-count').count()).toBe(0);
    expect((await api(handlerToken, 'GET', '/notifications?unread=true')).unread).toBe(0);
    await context.close();
  }, 180_000);
});
