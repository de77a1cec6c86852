import { describe, expect, it } from 'vitest';
import { hasBrowser, SHOTS as shots, useE2e } from '../helpers/e2e.js';
import { signInOnPage } from '../helpers/browser.js';
import { withWorkflow } from '../../src/db/case.repository.js';

/** An administrator edits the time-limit policies in the browser, in Chinese; bad numbers are caught at the field. */

const e2e = useE2e();

describe.runIf(hasBrowser)('time-limit policies page', () => {
  it('lists the policies, creates one for letters, and switches one off', async () => {
    const context = await e2e.browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'zh-CN' });
    const page = await context.newPage();
    await signInOnPage(page, e2e.server.url, 'admin');
    await page.getByTestId('nav-sla-policies').click();
    await page.getByTestId('sp-table').waitFor();
    const before = await withWorkflow(e2e.server.database.db).selectFrom('sla_policies').select('code').execute();
    await expect.poll(() => page.getByTestId('sp-row').count()).toBe(before.length);

    await page.getByTestId('sp-new').click();
    await page.getByTestId('sp-code').fill('letter_fast');
    await page.getByTestId('sp-name-zh').fill('来信快办');
    await page.getByTestId('sp-channel').selectOption('letter');
    await page.getByTestId('sp-reply-amount').fill('3');
    await page.getByTestId('sp-reminder').fill('10');
    await page.getByTestId('sp-limit').fill('5');
    await page.getByTestId('sp-save').click();
    await page.getByText('提醒须早于最长等待天数').waitFor();
    expect(await withWorkflow(e2e.server.database.db).selectFrom('sla_policies').select('code').where('code', '=', 'letter_fast').execute()).toEqual([]);

    await page.getByTestId('sp-limit').fill('20');
    await page.getByTestId('sp-save').click();
    await page.getByTestId('sp-saved').waitFor();
    await page.locator('[data-testid="sp-row"][data-code="letter_fast"]').waitFor();
    const saved = await withWorkflow(e2e.server.database.db)
      .selectFrom('sla_policies')
      .select(['channel', 'targets', 'hold_reminder_days', 'hold_limit_days', 'paused_statuses', 'is_active', 'warn_at_share'])
      .where('code', '=', 'letter_fast')
      .executeTakeFirstOrThrow();
    expect(saved).toMatchObject({ channel: 'letter', hold_reminder_days: 10, hold_limit_days: 20, paused_statuses: ['on_hold'], is_active: true });
    expect(saved.targets).toEqual({ accept: { amount: 24, mode: 'working_hours' }, reply: { amount: 3, mode: 'working_days' }, callback: { amount: 3, mode: 'working_days' } });
    expect(Number(saved.warn_at_share)).toBe(0.8);

    // Switched off: kept, shown as inactive, audited with what it was.
    await page.locator('[data-testid="sp-row"][data-code="letter_fast"]').getByTestId('sp-edit').click();
    await page.getByTestId('sp-active').uncheck();
    await page.getByTestId('sp-save').click();
    await page.getByTestId('sp-saved').waitFor();
    expect((await withWorkflow(e2e.server.database.db).selectFrom('sla_policies').select('is_active').where('code', '=', 'letter_fast').executeTakeFirstOrThrow()).is_active).toBe(false);
    const audit = await e2e.server.database.db.selectFrom('audit_log').select(['action', 'actor_name']).where('subject_kind', '=', 'sla_policy').orderBy('id').execute();
    expect(audit).toEqual([{ action: 'sla.policy_created', actor_name: 'admin' }, { action: 'sla.policy_changed', actor_name: 'admin' }]);
    await page.screenshot({ path: `${shots}/sla-policies-zh.png`, fullPage: true });
    await context.close();
  }, 90_000);
});
