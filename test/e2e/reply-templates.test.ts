import { describe, expect, it } from 'vitest';
import { hasBrowser, SHOTS as shots, useE2e } from '../helpers/e2e.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';

/**
 * The reply-template editor (issue 7): an admin creates a canned reply with Chinese and Tibetan text, sees it
 * listed, edits it (the API returns the new text, version 2), deletes it (retired: gone from the list, kept
 * inactive); a form with an empty Tibetan text shows the coded error in Chinese and creates nothing.
 */
const e2e = useE2e();
const { api, login } = e2e;

interface TemplateView {
  id: string;
  code: string;
  isActive: boolean;
  version: number;
  body: { 'zh-Hans': string; bo: string };
}

describe.skipIf(!hasBrowser)('the reply-template editor', () => {
  it('creates, lists, edits and deletes a template; a bad form shows a coded error and creates nothing', async () => {
    const admin = await login('admin');
    const all = async () => ((await api(admin, 'GET', '/reply-templates?includeInactive=true')).items as TemplateView[]);
    const countBefore = (await all()).length;

    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    try {
      await page.goto(`${e2e.server.url}/#/login`);
      await page.getByTestId('login-username').fill('admin');
      await page.getByTestId('login-password').fill(TEST_PASSWORD);
      await page.getByTestId('login-submit').click();
      await page.getByTestId('nav-reply-templates').click();
      expect(page.url()).toContain('#/work/admin/reply-templates');
      await page.getByTestId('rt-new').click();
      // The help line lists the variables the API accepts.
      await expect.poll(() => page.getByTestId('rt-variables').textContent()).toContain('{trackingNo}');

      // Bad input: no Tibetan text → the server's validation.failed, shown in Chinese next to the field; nothing created.
      await page.getByLabel('代码').fill('e2e.wage');
      await page.getByLabel('标题（中文）').fill('欠薪答复');
      await page.getByLabel('标题（藏文）').fill('གླ་ཕོགས་ཀྱི་ལན།');
      await page.getByLabel('正文（中文）').fill('您反映的{title}已由{unitName}办理。');
      await page.getByTestId('rt-save').click();
      const formError = page.getByTestId('rt-form-error');
      await formError.waitFor();
      expect(await formError.getAttribute('data-code')).toBe('validation.failed');
      expect(await formError.textContent()).toContain('填写的内容有误');
      expect(await page.locator('#rt-body-bo').getAttribute('aria-invalid')).toBe('true');
      expect((await all()).length).toBe(countBefore);

      // Create with Chinese and Tibetan text.
      await page.getByLabel('正文（藏文）').fill('ཁྱེད་ཀྱིས་ཞུས་པའི་{title}ལ་{unitName}ནས་ཐག་གཅོད་བྱས་ཟིན།');
      await page.getByTestId('rt-save').click();
      const item = page.getByTestId('rt-item').filter({ hasText: 'e2e.wage' });
      await item.waitFor().catch(async (e: unknown) => {
        await page.screenshot({ path: `${shots}/reply-templates-failed.png`, fullPage: true });
        throw e;
      });
      expect(await item.textContent()).toContain('གླ་ཕོགས་ཀྱི་ལན།');
      const created = (await all()).find((x) => x.code === 'e2e.wage');
      expect(created?.body.bo).toBe('ཁྱེད་ཀྱིས་ཞུས་པའི་{title}ལ་{unitName}ནས་ཐག་གཅོད་བྱས་ཟིན།');
      expect(created?.version).toBe(1);

      // Edit: the API returns the new text and a new version.
      await item.getByTestId('rt-edit').click();
      expect(await page.getByLabel('正文（中文）').inputValue()).toBe('您反映的{title}已由{unitName}办理。');
      await page.getByLabel('正文（中文）').fill('您反映的{title}已于{today}由{unitName}办结。');
      await page.getByTestId('rt-save').click();
      await expect.poll(() => item.getByTestId('rt-item-body').textContent()).toBe('您反映的{title}已于{today}由{unitName}办结。');
      const edited = (await api(admin, 'GET', `/reply-templates/${created?.id ?? ''}`)) as unknown as TemplateView;
      expect(edited.body['zh-Hans']).toBe('您反映的{title}已于{today}由{unitName}办结。');
      expect(edited.body.bo).toBe(created?.body.bo);
      expect(edited.version).toBe(2);
      await page.screenshot({ path: `${shots}/reply-templates.png`, fullPage: true });

      // Delete, after confirming: gone from the list, kept inactive by the e2e.server.
      page.once('dialog', (d) => void d.accept());
      await item.getByTestId('rt-delete').click();
      await expect.poll(() => item.count()).toBe(0);
      const retired = (await api(admin, 'GET', `/reply-templates/${created?.id ?? ''}`)) as unknown as TemplateView;
      expect(retired.isActive).toBe(false);
      expect((await all()).length).toBe(countBefore + 1);
    } finally {
      await context.close();
    }
  });
});
