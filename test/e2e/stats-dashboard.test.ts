import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackground } from '../../src/jobs/background.js';
import { backgroundWorkers, eventConsumers } from '../../src/jobs/consumers.js';
import { jobHandlers } from '../../src/jobs/handlers.js';
import { isChromiumAvailable, launchChromium, signInOnPage } from '../helpers/browser.js';
import { startLiveServer, type LiveServer } from '../helpers/live-server.js';
import { TEST_PASSWORD } from '../helpers/test-database.js';

/**
 * The statistics dashboard in the browser (web/src/pages/Stats.tsx): the tiles show what the API answers, the
 * page works in Tibetan, and a tile and a chart lead to the case list behind them with the right filters.
 * Needs the built web app (`npx vite build --config web/vite.config.ts`). Screenshots land in test-results/.
 */
const hasBrowser = isChromiumAvailable();
if (!hasBrowser && process.env.CI) throw new Error('CI must run the browser tests: /usr/bin/chromium is missing');
const shots = 'test-results';

type Ratio = { value: number | null; numerator: number; denominator: number };
type Summary = {
  scope: { from: string; to: string };
  counts: Record<string, number>;
  rates: Record<string, Ratio>;
};

let server: LiveServer;
let browser: Browser;
let background: Awaited<ReturnType<typeof startBackground>>;
let chengguanId = '';
let hrssId = '';
let wageArrearsId = '';
let noiseId = '';

const api = async (token: string | null, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> =>
  fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

const tokenOf = async (username: string): Promise<string> => {
  const res = await api(null, 'POST', '/auth/login', { username, password: TEST_PASSWORD });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
};

const postOk = async (token: string, path: string, body: unknown): Promise<{ id: string }> => {
  const res = await api(token, 'POST', path, body);
  const text = await res.text();
  expect(res.status, text).toBeLessThan(300);
  return JSON.parse(text) as { id: string };
};

beforeAll(async () => {
  if (!hasBrowser) return;
  server = await startLiveServer();
  browser = await launchChromium();
  await mkdir(shots, { recursive: true });
  background = await startBackground(server.database.db, {
    handlers: jobHandlers,
    consumers: eventConsumers,
    workers: backgroundWorkers,
    now: () => new Date(),
    isLooping: false,
    log: () => {},
  });
  const units = (await (await api(null, 'GET', '/units')).json()) as { items: { id: string; code: string }[] };
  chengguanId = units.items.find((u) => u.code === 'chengguan')?.id ?? '';
  hrssId = units.items.find((u) => u.code === 'hrss')?.id ?? '';
  const categories = (await (await api(null, 'GET', '/categories')).json()) as { items: { id: string; code: string }[] };
  wageArrearsId = categories.items.find((c) => c.code === 'wage_arrears')?.id ?? '';
  noiseId = categories.items.find((c) => c.code === 'noise')?.id ?? '';

  // A few cases of today: two wage arrears (one answered with money recovered), one noise complaint in Chengguan.
  const dispatcher = await tokenOf('dispatcher');
  const handler = await tokenOf('handler');
  const register = (title: string, categoryId: string, channel: string) =>
    postOk(dispatcher, '/cases', {
      channel,
      kind: 'complaint',
      title,
      description: `${title}，请尽快处理。`,
      categoryId,
      address: '拉萨市城关区北京中路',
      requester: { name: '测试', phone: '13800003333', language: 'zh-Hans' },
    });
  const a = await register('工地拖欠工资三个月', wageArrearsId, 'phone');
  const b = await register('餐馆拖欠工资', wageArrearsId, 'web');
  const c = await register('夜间施工噪音扰民', noiseId, 'phone');
  await postOk(dispatcher, `/cases/${a.id}/dispatch`, { unitId: hrssId });
  await postOk(dispatcher, `/cases/${b.id}/dispatch`, { unitId: hrssId });
  await postOk(dispatcher, `/cases/${c.id}/dispatch`, { unitId: chengguanId });
  await postOk(handler, `/cases/${a.id}/accept`, {});
  await postOk(handler, `/cases/${a.id}/reply`, { text: '已督促企业支付工资。', outcome: 'resolved', amountRecoveredFen: 1_234_550 });
  // The stats consumer folds the timelines into the rollups.
  for (let n = await background.runOnce(); n > 0; n = await background.runOnce());
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const signIn = async (username: string): Promise<Page> => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  const page = await context.newPage();
  await signInOnPage(page, server.url, username);
  return page;
};

/** The path and query of the page's `#/path?query`. */
const hashRoute = (url: string): { pathname: string; searchParams: URLSearchParams } => {
  const hash = new URL(url).hash.slice(1);
  const [pathname = '', query = ''] = hash.split('?');
  return { pathname, searchParams: new URLSearchParams(query) };
};

const percent = (lang: string, r: Ratio): string =>
  r.value === null ? '—' : new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(r.value);

describe.runIf(hasBrowser)('statistics dashboard', () => {
  it('shows the API figures, works in Tibetan, and drills through to the case list', async () => {
    const page = await signIn('supervisor');
    await page.getByTestId('nav-stats').click();
    await page.getByTestId('tile-registered-value').waitFor();

    // The same figures straight from the API, as the same user (the page's cookie session).
    const res = await page.request.get(`${server.url}/api/v1/stats/summary`);
    expect(res.status()).toBe(200);
    const summary = (await res.json()) as Summary;
    // The demo data has cases of its own: compare with the API, never with fixed numbers.
    expect(summary.counts['registered']).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('tile-registered-value').textContent()).toBe(String(summary.counts['registered']));
    expect(await page.getByTestId('tile-open-value').textContent()).toBe(String(summary.counts['open']));
    for (const rate of ['responseRate', 'onTimeRate', 'replyRate', 'resolutionRate', 'satisfactionRate']) {
      const ratio = summary.rates[rate] as Ratio;
      expect(await page.getByTestId(`tile-${rate}-value`).textContent(), rate).toBe(percent('zh-CN', ratio));
    }
    expect(summary.rates['replyRate']?.value).not.toBeNull();
    expect(summary.counts['amountRecoveredFen']).toBeGreaterThanOrEqual(1_234_550);
    const yuan = new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY' }).format((summary.counts['amountRecoveredFen'] ?? 0) / 100);
    expect(await page.getByTestId('tile-amountRecoveredFen-value').textContent()).toBe(yuan);

    // The definition is there for screen readers and shows on focus.
    const replyLink = page.getByTestId('tile-replyRate-link');
    const describedBy = await replyLink.getAttribute('aria-describedby');
    await replyLink.focus();
    await expect.poll(() => page.locator(`#${describedBy}`).isVisible()).toBe(true);
    expect(await page.locator(`#${describedBy}`).textContent()).toContain('不予受理');

    // Charts are drawn (SVG) and their data is in tables; the map shows Chengguan with its case.
    await page.locator('[data-testid=chart-trend] svg').waitFor();
    await page.locator('[data-testid=chart-map] svg').waitFor();
    const ranking = (await (await page.request.get(`${server.url}/api/v1/stats/ranking?rate=score`)).json()) as {
      items: { unit: { code: string }; counts: Record<string, number> }[];
    };
    const chengguanCases = ranking.items.find((i) => i.unit.code === 'chengguan')?.counts['registered'] ?? -1;
    expect(chengguanCases).toBeGreaterThanOrEqual(1);
    const mapRow = page.getByTestId('map-row').filter({ hasText: '城关区' });
    expect(await mapRow.locator('td').first().textContent()).toBe(String(chengguanCases));
    const breakdown = (await (await page.request.get(`${server.url}/api/v1/stats/breakdown?by=category`)).json()) as {
      items: { counts: Record<string, number> }[];
    };
    expect(await page.getByTestId('breakdown-row').count()).toBe(breakdown.items.filter((i) => (i.counts['registered'] ?? 0) > 0).length);
    await page.screenshot({ path: `${shots}/stats-dashboard-zh.png`, fullPage: true });

    // The Excel link offers the calendar period shown: this month by default, this quarter once it starts the quarter.
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const excel = page.getByTestId('stats-report-xlsx');
    expect(await excel.getAttribute('href')).toContain(`period=${today.slice(0, 7)}`);
    const quarter = Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1;
    const quarterStart = `${today.slice(0, 4)}-${String((quarter - 1) * 3 + 1).padStart(2, '0')}-01`;
    if (quarterStart.slice(0, 7) !== today.slice(0, 7)) {
      await page.getByTestId('stats-from').fill(quarterStart);
      await expect.poll(() => excel.getAttribute('href')).toContain(`period=${today.slice(0, 4)}-Q${quarter}`);
      expect(await excel.textContent()).toContain(`${today.slice(0, 4)}年第${quarter}季度`);
      await page.getByTestId('stats-from').fill(`${today.slice(0, 7)}-01`);
      await expect.poll(() => excel.getAttribute('href')).toContain(`period=${today.slice(0, 7)}`);
    }

    // "Show as table" swaps the chart for its table.
    await page.getByTestId('stats-trend-toggle').click();
    expect(await page.locator('[data-testid=chart-trend]').count()).toBe(0);
    await page.getByTestId('trend-table').waitFor({ state: 'visible' });
    await page.getByTestId('stats-trend-toggle').click();

    // Tibetan: page, tiles and chart labels.
    await page.getByTestId('lang-bo').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('སྡོམ་རྩིས་དབྱེ་ཞིབ།');
    expect(await page.getByTestId('tile-replyRate').locator('.stats-tile-label').textContent()).toBe('ལན་འདེབས་ཚད།');
    expect(await page.getByTestId('tile-registered').locator('.stats-tile-label').textContent()).toBe('ཐོ་འགོད་བྱས་པའི་ལས་ཐོ།');
    // The chart text is redrawn in Tibetan: the trend legend and the district names on the map.
    await expect.poll(() => page.locator('[data-testid=chart-trend] svg').textContent()).toContain('ལན་འདེབས་ཚད།');
    await expect.poll(() => page.locator('[data-testid=chart-map] svg').textContent()).toContain('ཁྲིན་ཀོན་ཆུས།');
    // Chart text uses the Tibetan font stack of styles.css.
    const chartFont = await page.evaluate<string>(
      "getComputedStyle(document.querySelector('[data-testid=chart-trend]')).fontFamily",
    );
    expect(chartFont).toContain('Tibetan');
    // Names from the server come in Tibetan too (the category breakdown).
    await expect.poll(() => page.getByTestId('breakdown-table').textContent()).toContain('གླ་ཕོགས་འཕྲོ་ལུས།');
    await page.screenshot({ path: `${shots}/stats-dashboard-bo.png`, fullPage: true });
    await page.getByTestId('stats-ranking').screenshot({ path: `${shots}/stats-ranking-bo.png` });
    await page.getByTestId('stats-map').screenshot({ path: `${shots}/stats-map-bo.png` });
    await page.getByTestId('lang-zh-Hans').click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('统计分析');

    // Drill through from a tile: the list of the period's cases.
    await page.getByTestId('tile-registered-link').click();
    await page.getByTestId('queue-table').waitFor();
    const tileUrl = hashRoute(page.url());
    expect(tileUrl.searchParams.get('from')).toBe(summary.scope.from);
    expect(tileUrl.searchParams.get('to')).toBe(summary.scope.to);
    // Every case of the period (the supervisor's unit is the top of the tree: the list shows them all).
    await expect.poll(() => page.getByTestId('queue-total').textContent()).toContain(String(summary.counts['registered']));

    // Drill through from the map: clicking Chengguan lists the cases of that unit.
    await page.goBack();
    await page.locator('[data-testid=chart-map] svg').waitFor();
    await page.locator('[data-testid=chart-map] svg text', { hasText: '城关区' }).first().click();
    await page.getByTestId('queue-table').waitFor();
    const mapUrl = hashRoute(page.url());
    expect(mapUrl.pathname).toBe('/work');
    expect(mapUrl.searchParams.get('unitId')).toBe(chengguanId);
    expect(mapUrl.searchParams.get('from')).toBe(summary.scope.from);
    await expect.poll(() => page.getByTestId('queue-table').textContent()).toContain('夜间施工噪音扰民');
    expect(await page.getByTestId('queue-table').textContent()).not.toContain('餐馆拖欠工资');
    expect(await page.getByTestId('filter-unit').inputValue()).toBe(chengguanId);

    // Drill through from the breakdown chart's table: the wage-arrears cases.
    await page.goBack();
    await page.getByTestId('breakdown-table').waitFor({ state: 'attached' });
    const href = await page.getByTestId('breakdown-row').filter({ hasText: '拖欠工资' }).getByTestId('breakdown-link').getAttribute('href');
    expect(new URLSearchParams(href?.split('?')[1] ?? '').get('categoryId')).toBe(wageArrearsId);
    await page.context().close();
  });

  it('keeps filters in the URL and passes them to the API', async () => {
    const page = await signIn('supervisor');
    await page.goto(`${server.url}/#/work/stats?channel=web`);
    await page.getByTestId('tile-registered-value').waitFor();
    const res = await page.request.get(`${server.url}/api/v1/stats/summary?channel=web`);
    const summary = (await res.json()) as Summary;
    expect(summary.counts['registered']).toBeGreaterThanOrEqual(1);
    await expect.poll(() => page.getByTestId('tile-registered-value').textContent()).toBe(String(summary.counts['registered']));
    expect(await page.getByTestId('stats-channel').inputValue()).toBe('web');

    // Large text for elderly readers: the chart text grows with the page.
    await page.locator('[data-testid=chart-trend] svg text').first().waitFor();
    const chartTextSize = () =>
      page.evaluate<number>("parseFloat(getComputedStyle(document.querySelector('[data-testid=chart-trend] svg text')).fontSize)");
    const before = await chartTextSize();
    await page.getByTestId('large-text').click();
    await expect.poll(chartTextSize).toBeGreaterThan(before);
    await page.getByTestId('large-text').click();
    await expect.poll(chartTextSize).toBe(before);

    await page.getByTestId('stats-kind').selectOption('help');
    await expect.poll(() => hashRoute(page.url()).searchParams.get('kind')).toBe('help');
    expect(hashRoute(page.url()).searchParams.get('channel')).toBe('web');
    const both = (await (await page.request.get(`${server.url}/api/v1/stats/summary?channel=web&kind=help`)).json()) as Summary;
    await expect.poll(() => page.getByTestId('tile-registered-value').textContent()).toBe(String(both.counts['registered']));
    await page.context().close();
  });

  it('says clearly when the unit is outside the caller\'s scope or statistics are refused', async () => {
    // The HRSS leader sees HRSS and below; Chengguan is not theirs (404 unit.not_found from the API).
    const page = await signIn('leader');
    await page.goto(`${server.url}/#/work/stats?unit=${chengguanId}`);
    await page.getByTestId('stats-error').waitFor();
    expect(await page.getByTestId('tile-registered-value').count()).toBe(0);
    await page.goto(`${server.url}/#/work/stats`);
    await page.getByTestId('tile-registered-value').waitFor();
    const summary = (await (await page.request.get(`${server.url}/api/v1/stats/summary`)).json()) as Summary;
    expect(await page.getByTestId('tile-registered-value').textContent()).toBe(String(summary.counts['registered']));

    // Every staff role reads cases today (STATS_ACCESS = case.read), so a 403 is played back here: once a
    // dedicated stats.read permission exists, the page says plainly that statistics are not for this user.
    await page.route('**/api/v1/stats/**', (route) =>
      route.fulfill({
        status: 403,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'auth.forbidden', message: 'forbidden', messageId: 'errors.auth.forbidden', details: {} } }),
      }),
    );
    await page.goto(`${server.url}/#/work/stats?kind=help`);
    await page.getByTestId('stats-forbidden').waitFor();
    expect(await page.getByTestId('stats-forbidden').textContent()).toContain('没有查看统计数据的权限');
    expect(await page.getByTestId('stats-tiles').count()).toBe(0);
    await page.context().close();
  });
});
