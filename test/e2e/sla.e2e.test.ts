import { mkdir } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobHandlers } from '../../src/jobs/handlers.js';
import { runDueJobs } from '../../src/jobs/job-runner.js';
import { isChromiumAvailable, launchChromium, signInOnPage } from '../helpers/browser.js';
import { startLiveServer, type LiveServer } from '../helpers/live-server.js';

/**
 * Time limits in the browser: the time-limits panel of a case, the working calendar, supervision work
 * (supervise, urge, the unit's answer, the conclusion) and what the timers write when time passes.
 * Screenshots land in test-results/ for a human look.
 */
const hasBrowser = isChromiumAvailable();
if (!hasBrowser && process.env.CI)
  throw new Error('CI must run the browser tests: /usr/bin/chromium is missing');
const shots = 'test-results';

type CaseBody = { id: string; trackingNo: string; acceptDueAt: string | null; status: string };
type SlaBody = { targets: { target: string; warnAt: string; dueAt: string }[] };

let server: LiveServer;
let browser: Browser;
let hrssId = '';
let wageArrearsId = '';
/** The case the dispatcher dispatches, then supervised, urged, answered and concluded. */
let caseA: CaseBody | null = null;

beforeAll(async () => {
  if (!hasBrowser) return;
  server = await startLiveServer();
  browser = await launchChromium();
  await mkdir(shots, { recursive: true });
  const units = (await (await fetch(`${server.url}/api/v1/units`)).json()) as {
    items: { id: string; code: string }[];
  };
  hrssId = units.items.find((u) => u.code === 'hrss')?.id ?? '';
  const categories = (await (await fetch(`${server.url}/api/v1/categories`)).json()) as {
    items: { id: string; code: string }[];
  };
  wageArrearsId = categories.items.find((c) => c.code === 'wage_arrears')?.id ?? '';
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const staffPage = async (
  username: string,
  locale = 'zh-CN',
): Promise<{ context: BrowserContext; page: Page }> => {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    locale,
    timezoneId: 'Asia/Shanghai',
  });
  const page = await context.newPage();
  await signInOnPage(page, server.url, username);
  return { context, page };
};

/** Registers a wage-arrears case through the API, as the signed-in user of the page. */
const registerCase = async (page: Page, title: string): Promise<CaseBody> => {
  const res = await page.request.post(`${server.url}/api/v1/cases`, {
    data: {
      channel: 'phone',
      kind: 'complaint',
      title,
      description: `${title}，请尽快处理。`,
      categoryId: wageArrearsId,
      requester: { name: '测试', phone: '13800002222', language: 'zh-Hans' },
    },
  });
  expect(res.status(), await res.text()).toBe(201);
  return (await res.json()) as CaseBody;
};

const apiAction = async (page: Page, id: string, action: string, body: unknown): Promise<CaseBody> => {
  const res = await page.request.post(`${server.url}/api/v1/cases/${id}/${action}`, { data: body });
  expect(res.status(), `${action}: ${await res.text()}`).toBe(200);
  return (await res.json()) as CaseBody;
};

/** Opens an action form, fills it, submits, and waits for the confirmation. */
const doAction = async (page: Page, action: string, fill: (page: Page) => Promise<void>) => {
  await page.getByTestId(`action-${action}`).click();
  await page.getByTestId(`action-form-${action}`).waitFor();
  await fill(page);
  await page.getByTestId('action-submit').click();
  await page.getByTestId('action-done').waitFor();
};

const timelineLine = (page: Page, code: string) =>
  page.locator(`[data-testid="timeline-item"][data-code="${code}"] .timeline-title`);

describe.skipIf(!hasBrowser)('time limits in the browser', () => {
  it('a dispatcher dispatches a case; the time-limits panel shows accept and reply, each explained', async () => {
    const { context, page } = await staffPage('dispatcher');
    caseA = await registerCase(page, '工地拖欠工资两个月');
    await page.goto(`${server.url}/#/work/cases/${caseA.id}`);
    await page.getByTestId('sla-panel').waitFor();
    await page.getByTestId('action-dispatch').click();
    await page.getByTestId('field-unitId').selectOption(hrssId);
    await page.getByTestId('action-submit').click();
    await page.locator('[data-testid="status-badge"][data-status="dispatched"]').first().waitFor();

    // The panel is fetched again after the action: accept now has a limit too.
    await page.getByTestId('sla-target-accept').waitFor();
    await page.getByTestId('sla-target-reply').waitFor();
    expect(await page.getByTestId('sla-policy').innerText()).toBe('拖欠工资');
    expect(await page.getByTestId('sla-calendar').innerText()).toContain('西藏');
    expect(await page.getByTestId('sla-state-accept').getAttribute('data-state')).toMatch(/^(ok|warning)$/);
    expect(await page.getByTestId('sla-state-reply').getAttribute('data-state')).toMatch(/^(ok|warning)$/);
    expect(await page.getByTestId('sla-text-accept').innerText()).toMatch(/签收时限24个工作小时/);
    expect(await page.getByTestId('sla-text-reply').innerText()).toMatch(/答复时限7个工作日/);
    expect(await page.getByTestId('sla-due-reply').innerText()).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    // Seven working days always span a weekend: the reader is told which days did not count, and why.
    const skipped = await page.getByTestId('sla-skipped-reply').innerText();
    expect(skipped).toMatch(/周末休息|节|假日/);
    await page.screenshot({ path: `${shots}/sla-1-case-panel-zh.png`, fullPage: true });

    await page.getByTestId('lang-bo').click();
    await expect.poll(() => page.getByTestId('sla-text-reply').innerText()).toMatch(/ལས་ཉིན་ 7/);
    expect(await page.getByTestId('sla-panel').innerText()).toMatch(/ཁས་ལེན།/);
    await page.getByTestId('sla-panel').screenshot({ path: `${shots}/sla-2-case-panel-bo.png` });
    await page.getByTestId('lang-en').click();
    await expect.poll(() => page.getByTestId('sla-text-reply').innerText()).toContain('7 working days');
    await page.getByTestId('lang-zh-Hans').click();
    await page.getByTestId('large-text').click();
    await page.getByTestId('sla-panel').screenshot({ path: `${shots}/sla-2b-case-panel-large-text.png` });
    await context.close();
  }, 90_000);

  it('the calendar page shows October 2026: National Day off, the swapped Saturday a working day', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/#/`);
    await page.getByTestId('nav-calendar').click();
    await page.getByTestId('calendar-grid').waitFor();
    expect(page.url()).toContain('#/calendar');

    await page.goto(`${server.url}/#/calendar?month=2026-10`);
    const oct1 = page.getByTestId('calendar-day-2026-10-01');
    await page.locator('[data-testid="calendar-day-2026-10-01"][data-workday]').waitFor();
    expect(await oct1.getAttribute('data-workday')).toBe('false');
    expect(await oct1.innerText()).toContain('国庆节');
    expect(await oct1.innerText()).toContain('休息');
    const oct10 = page.getByTestId('calendar-day-2026-10-10');
    expect(await oct10.getAttribute('data-workday')).toBe('true');
    expect(await oct10.getAttribute('data-holiday')).toBe('swapped_workday');
    expect(await oct10.innerText()).toContain('调休上班');
    expect(await page.getByTestId('calendar-day-2026-10-12').getAttribute('data-workday')).toBe('true');
    expect(await page.getByTestId('calendar-day-2026-10-18').getAttribute('data-workday')).toBe('false');
    expect(await page.getByTestId('calendar-month').innerText()).toBe('2026年10月');
    expect(await page.getByTestId('calendar-holiday-list').innerText()).toContain('国庆节');
    await page.screenshot({ path: `${shots}/sla-3-calendar-2026-10-zh.png`, fullPage: true });

    await page.getByTestId('calendar-prev').click();
    await expect.poll(() => page.getByTestId('calendar-month').innerText()).toBe('2026年9月');
    await page.locator('[data-testid="calendar-day-2026-09-20"][data-workday="true"]').waitFor();
    await page.getByTestId('calendar-next').click();
    await page.getByTestId('calendar-next').click();
    await expect.poll(() => page.getByTestId('calendar-month').innerText()).toBe('2026年11月');
    expect(page.url()).toContain('month=2026-11');

    await page.goto(`${server.url}/#/calendar?month=2026-10`);
    await page.getByTestId('lang-en').click();
    await expect.poll(() => oct1.innerText()).toContain('National Day');
    expect(await page.getByTestId('calendar-month').innerText()).toBe('October 2026');
    await page.getByTestId('lang-bo').click();
    await expect.poll(() => oct1.innerText()).toContain('རྒྱལ་སྐྱིད་དུས་ཆེན།');
    await page.screenshot({ path: `${shots}/sla-4-calendar-2026-10-bo.png`, fullPage: true });
    await context.close();

    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      locale: 'zh-CN',
    });
    const mobile = await phone.newPage();
    await mobile.goto(`${server.url}/#/calendar?month=2026-10`);
    await mobile.locator('[data-testid="calendar-day-2026-10-01"][data-workday="false"]').waitFor();
    await mobile.screenshot({ path: `${shots}/sla-5-calendar-phone.png`, fullPage: true });
    await phone.close();
  }, 90_000);

  it('a supervisor supervises and urges; the unit answers; the supervisor concludes', async () => {
    expect(caseA).not.toBeNull();
    const id = caseA?.id ?? '';
    const supervisor = await staffPage('supervisor');
    const { page } = supervisor;
    await page.getByTestId('preset-supervised').click();
    await expect.poll(() => page.url()).toContain('supervised=true');
    await page.goto(`${server.url}/#/work/cases/${id}`);
    await page.getByTestId('action-panel').waitFor();

    const due = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    await doAction(page, 'supervise', async (p) => {
      await p.getByTestId('field-dueBy').fill(due);
      await p.getByTestId('field-note').fill('请五日内办结并报送办理情况。');
    });
    await page.getByTestId('supervision').waitFor();
    expect(await page.getByTestId('supervision-kind').innerText()).toBe('督办员督办');

    await doAction(page, 'urge', async (p) => {
      await p.getByTestId('field-message').fill('请加快办理');
    });
    await expect
      .poll(() => timelineLine(page, 'case.urged').first().innerText())
      .toBe('催办（第 1 次）：请加快办理');
    await expect.poll(() => page.getByTestId('supervision-urge-count').innerText()).toBe('1');

    const handler = await staffPage('handler');
    await handler.page.goto(`${server.url}/#/work/cases/${id}`);
    await doAction(handler.page, 'respond-supervision', async (p) => {
      await p.getByTestId('field-text').fill('已约谈用人单位，本周内足额支付。');
    });
    await expect
      .poll(() => handler.page.getByTestId('supervision-response').innerText())
      .toBe('已约谈用人单位，本周内足额支付。');
    expect(await timelineLine(handler.page, 'case.supervision_responded').first().innerText()).toContain(
      '回复督办',
    );

    await page.reload();
    await doAction(page, 'conclude-supervision', async (p) => {
      await p.getByTestId('field-outcome-resolved').click();
      await p.getByTestId('field-note').fill('督办事项已落实。');
    });
    await expect.poll(() => page.getByTestId('supervision-state').innerText()).toBe('督办已办结');
    expect(await page.getByTestId('supervision-outcome').innerText()).toBe('已落实');
    expect(await timelineLine(page, 'case.supervision_concluded').first().innerText()).toBe(
      '督办办结（已落实）',
    );
    expect(await page.getByTestId('supervised-flag').count()).toBe(0);
    await page.screenshot({ path: `${shots}/sla-6-supervision-zh.png`, fullPage: true });
    await supervisor.context.close();
    await handler.context.close();
  }, 90_000);

  it('when time passes, timers warn, mark overdue and supervise automatically; the queue shows it in words', async () => {
    const { context, page } = await staffPage('dispatcher');
    const late = await registerCase(page, '饭店拖欠服务员工资');
    const dispatchedLate = await apiAction(page, late.id, 'dispatch', { unitId: hrssId });
    const soon = await registerCase(page, '物业公司拖欠保洁员工资');
    await apiAction(page, soon.id, 'dispatch', { unitId: hrssId });
    const handler = await staffPage('handler');
    await apiAction(handler.page, soon.id, 'accept', {});
    await handler.context.close();

    // Travel to just after the accepted case's reply warning: the other case is long past its acceptance.
    const sla = (await (
      await page.request.get(`${server.url}/api/v1/cases/${soon.id}/sla`)
    ).json()) as SlaBody;
    const warnAt = new Date(sla.targets.find((x) => x.target === 'reply')?.warnAt ?? 0).getTime();
    expect(warnAt).toBeGreaterThan(new Date(dispatchedLate.acceptDueAt ?? 0).getTime());
    await runDueJobs(server.database.db, jobHandlers, () => new Date(warnAt + 1000));

    // The queue was loaded at sign-in, before these cases: load it again.
    await page.goto(`${server.url}/#/work`);
    await page.reload();
    await page.getByTestId('queue-table').waitFor();
    const row = (trackingNo: string) =>
      page.locator('[data-testid="queue-row"]').filter({ has: page.getByText(trackingNo, { exact: true }) });
    await row(late.trackingNo).waitFor();
    expect(await row(late.trackingNo).getAttribute('data-sla-state')).toBe('overdue');
    expect(await row(late.trackingNo).getByTestId('sla-badge').innerText()).toContain('已超期');
    expect(await row(soon.trackingNo).getAttribute('data-sla-state')).toBe('warning');
    expect(await row(soon.trackingNo).getByTestId('sla-badge').innerText()).toContain('即将到期');
    await page.screenshot({ path: `${shots}/sla-7-queue-states-zh.png`, fullPage: false });

    await page.goto(`${server.url}/#/work/cases/${late.id}`);
    await page.getByTestId('supervision').waitFor();
    expect(await timelineLine(page, 'case.sla_warning').first().innerText()).toMatch(/^签收即将到期预警/);
    expect(await timelineLine(page, 'case.overdue').first().innerText()).toMatch(/^签收超时/);
    expect(await timelineLine(page, 'case.supervised').first().innerText()).toMatch(
      /^系统自动督办（签收超时）/,
    );
    expect(await page.locator('[data-code="case.overdue"]').first().getAttribute('data-actor-kind')).toBe(
      'system',
    );
    expect(await page.getByTestId('supervision').getAttribute('data-automatic')).toBe('true');
    expect(await page.getByTestId('supervision-note').innerText()).toBe('签收超时，系统已自动督办。');
    expect(await page.getByTestId('supervision').innerText()).not.toContain('overdue:');
    await page.screenshot({ path: `${shots}/sla-8-automatic-supervision-zh.png`, fullPage: true });

    await page.getByTestId('lang-en').click();
    await expect
      .poll(() => timelineLine(page, 'case.overdue').first().innerText())
      .toMatch(/^Accept overdue/);
    await page.getByTestId('lang-bo').click();
    await expect.poll(() => timelineLine(page, 'case.overdue').first().innerText()).toMatch(/དུས་ཡོལ།/);
    await context.close();
  }, 90_000);
});
