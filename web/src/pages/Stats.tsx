import { lazy, useMemo, useState } from 'react';
import { DownloadLink } from '../components/DownloadLink';
import { ApiError } from '../api/client';
import {
  STATS_PERIODS,
  STATS_RATES,
  getStatsBacklog,
  getStatsBreakdown,
  getStatsHotspots,
  getStatsRanking,
  getStatsSeries,
  getStatsSummary,
  statsReportUrl,
  type BreakdownBy,
  type StatsBreakdownItem,
  type StatsRate,
} from '../api/stats';
import { CHANNELS, KINDS } from '../api/types';
import { categoryOptions, unitOptions, usePageTitle } from '../components/common';
import { CheckboxField, ErrorBox, Loading, SelectField, TextField } from '../components/forms';
import { ReportsPanel } from '../components/reports/ReportsPanel';
import { ChartSection } from '../components/stats/ChartSection';
import { StatsTiles } from '../components/stats/StatsTiles';
import {
  breakdownOption,
  districtOption,
  rankingOption,
  trendOption,
} from '../components/stats/chart-options';
import {
  OPEN_CASE_STATUSES,
  REPLIED_CASE_STATUSES,
  caseListQuery,
  effectivePeriod,
  excelReportPeriod,
  previousPeriod,
  statsFiltersFromQuery,
  statsFiltersToQuery,
  statsScope,
  type DrillTarget,
  type RankingRate,
  type StatsFilters,
} from '../components/stats/stats-filters';
import {
  TILE_RATES,
  breakdownSlices,
  districtValues,
  effectiveGrain,
  formatCount,
  formatRate,
  formatScore,
  periodLabel,
  rankingBars,
  trendData,
  type CountTileId,
  type Translate,
} from '../components/stats/stats-shape';
import { useLoad } from '../components/stats/use-load';
import '../components/stats/stats.css';
import { LHASA_DISTRICTS } from '../geo';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n';
import { errorMessage } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { useRefData } from '../refdata';
import { hrefFor, navigate, useRoute } from '../router';

// ECharts (a few hundred kB) is loaded only when a chart is first drawn.
const EChart = lazy(() => import('../components/stats/charts').then((m) => ({ default: m.EChart })));

/** Which cases a tile's figure is about, as a case-list filter (the list cannot say "evaluated"). */
const TILE_TARGET: Record<StatsRate | CountTileId | 'score', DrillTarget> = {
  responseRate: {},
  onTimeRate: { status: REPLIED_CASE_STATUSES },
  replyRate: {},
  resolutionRate: { status: 'callback_done,closed' },
  satisfactionRate: { status: 'callback_done,closed' },
  settlementRate: { status: REPLIED_CASE_STATUSES },
  score: {},
  registered: {},
  open: { status: OPEN_CASE_STATUSES },
  openOverdue: { overdue: true },
  amountRecoveredFen: { status: REPLIED_CASE_STATUSES },
};

const isForbidden = (err: unknown): boolean => err instanceof ApiError && err.status === 403;

export function StatsPage() {
  const { t, tMaybe, lang } = useI18n();
  const route = useRoute();
  const { units, categories } = useRefData();
  usePageTitle(t('stats.title'));

  const filters = useMemo(() => statsFiltersFromQuery(route.query), [route.query]);
  const period = useMemo(() => effectivePeriod(filters, new Date()), [filters]);
  const previous = useMemo(() => previousPeriod(period), [period]);
  const scope = useMemo(() => statsScope(filters, period), [filters, period]);
  const scopeKey = `${JSON.stringify(scope)}|${lang}`;
  const days = Math.round((Date.parse(period.to) - Date.parse(period.from)) / 86_400_000) + 1;
  const grain = effectiveGrain(filters.grain, days);
  const [breakdownBy, setBreakdownBy] = useState<BreakdownBy>('category');

  const tr: Translate = (key, vars) => tMaybe(key, vars) ?? key;

  const summary = useLoad(`summary|${scopeKey}`, (s) => getStatsSummary(scope, s));
  const forbidden = isForbidden(summary.error);
  const ready = summary.data !== null && !forbidden;
  const previousSummary = useLoad(ready ? `prev|${scopeKey}` : null, (s) =>
    getStatsSummary({ ...scope, from: previous.from, to: previous.to }, s),
  );
  const series = useLoad(ready ? `series|${grain}|${scopeKey}` : null, (s) => getStatsSeries({ ...scope, period: grain }, s));
  const ranking = useLoad(ready ? `ranking|${filters.rate}|${scopeKey}` : null, (s) =>
    getStatsRanking({ ...scope, rate: filters.rate, level: 'children' }, s),
  );
  const breakdown = useLoad(ready ? `breakdown|${breakdownBy}|${scopeKey}` : null, (s) =>
    getStatsBreakdown({ ...scope, by: breakdownBy }, s),
  );
  const hotspots = useLoad(ready ? `hotspots|${scopeKey}` : null, (s) =>
    getStatsHotspots({ unit: scope.unit, withSubUnits: scope.withSubUnits, from: period.from, to: period.to, category: scope.category, limit: 20 }, s),
  );
  const backlog = useLoad(ready ? `backlog|${scope.unit ?? ''}|${String(scope.withSubUnits)}|${lang}` : null, (s) =>
    getStatsBacklog({ unit: scope.unit, withSubUnits: scope.withSubUnits, pageSize: 20 }, s),
  );

  const update = (patch: Partial<StatsFilters>) => {
    navigate('/work/stats', statsFiltersToQuery({ ...filters, ...patch }), { replace: true });
  };
  const listHref = (target: DrillTarget = {}) => hrefFor('/work', caseListQuery(filters, period, target));
  const openList = (target: DrillTarget = {}) => navigate('/work', caseListQuery(filters, period, target));

  const heading = (
    <div className="page-head">
      <h1 tabIndex={-1}>{t('stats.title')}</h1>
    </div>
  );

  if (forbidden)
    return (
      <div className="stats">
        {heading}
        <div className="error-box" role="alert" data-testid="stats-forbidden">
          {t('stats.forbidden')}
        </div>
      </div>
    );

  const rateLabels = Object.fromEntries(TILE_RATES.map((r) => [r, t(`stats.rate.${r}`)])) as Record<(typeof TILE_RATES)[number], string>;
  const count = (n: number) => formatCount(n, lang);
  const rankingLabel = t(`stats.rate.${filters.rate}` as MessageKey);
  const featureName = (name: string) =>
    LHASA_DISTRICTS.features.find((f) => f.properties.name === name)?.properties.names[lang] ?? name;
  const breakdownLabel = (item: StatsBreakdownItem): string =>
    breakdownBy === 'channel'
      ? tr(`channel.${item.key}`)
      : breakdownBy === 'kind'
        ? tr(`kind.${item.key}`)
        : item.name || '—';
  const breakdownTarget = (key: string): DrillTarget =>
    breakdownBy === 'channel' ? { channel: key } : breakdownBy === 'kind' ? { kind: key } : key ? { categoryId: key } : {};

  const trend = series.data ? trendData(series.data, tr) : null;
  const bars = ranking.data ? rankingBars(ranking.data) : null;
  const slices = breakdown.data ? breakdownSlices(breakdown.data.items, breakdownLabel) : null;
  const districts = ranking.data ? districtValues(ranking.data.items) : [];
  // A district unit chosen as the scope has no children on the map: show the district itself.
  const ownDistrict = summary.data ? districtValues([{ unit: summary.data.scope.unit, counts: summary.data.counts }]) : [];
  const mapValues = districts.length > 0 ? districts : ownDistrict;
  const excelPeriod = excelReportPeriod(period);

  return (
    <div className="stats">
      {heading}
      <p className="stats-intro">{t('stats.intro')}</p>

      <section className="filters card" aria-label={t('stats.filters')} data-testid="stats-filters">
        <div className="filter-grid">
          <TextField
            id="stats-from"
            type="date"
            label={t('stats.from')}
            value={filters.from || period.from}
            onChange={(v) => update({ from: v })}
            testId="stats-from"
          />
          <TextField
            id="stats-to"
            type="date"
            label={t('stats.to')}
            value={filters.to || period.to}
            onChange={(v) => update({ to: v })}
            testId="stats-to"
          />
          <SelectField
            id="stats-unit"
            label={t('stats.unit')}
            value={filters.unit}
            onChange={(v) => update({ unit: v })}
            options={unitOptions(units)}
            emptyLabel={t('stats.unitOwn')}
            testId="stats-unit"
          />
          <SelectField
            id="stats-category"
            label={t('stats.category')}
            value={filters.category}
            onChange={(v) => update({ category: v })}
            options={categoryOptions(categories)}
            emptyLabel={t('common.all')}
            testId="stats-category"
          />
          <SelectField
            id="stats-channel"
            label={t('stats.channel')}
            value={filters.channel}
            onChange={(v) => update({ channel: v })}
            options={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))}
            emptyLabel={t('common.all')}
            testId="stats-channel"
          />
          <SelectField
            id="stats-kind"
            label={t('stats.kind')}
            value={filters.kind}
            onChange={(v) => update({ kind: v })}
            options={KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))}
            emptyLabel={t('common.all')}
            testId="stats-kind"
          />
        </div>
        <div className="filter-checks">
          <CheckboxField
            id="stats-sub"
            label={t('stats.withSubUnits')}
            checked={filters.withSubUnits}
            onChange={(v) => update({ withSubUnits: v })}
            testId="stats-sub"
          />
          <a className="button subtle" href="#/work/stats" data-testid="stats-reset">
            {t('stats.reset')}
          </a>
        </div>
      </section>

      <p className="stats-period" role="status" aria-live="polite" data-testid="stats-period">
        <span>{t('stats.period', { from: period.from, to: period.to })}</span>
        <span>{t('stats.previous', { from: previous.from, to: previous.to })}</span>
        {summary.data ? <span>{t('stats.asOf', { at: formatDateTime(summary.data.scope.asOf) })}</span> : null}
        {summary.loading ? <span>{t('app.loading')}</span> : null}
      </p>

      <ErrorBox message={summary.error ? errorMessage(summary.error, lang) : null} testId="stats-error" />
      {!summary.data && summary.loading ? <Loading /> : null}

      {summary.data ? (
        <>
          <StatsTiles
            summary={summary.data}
            previous={previousSummary.data}
            hrefOf={(tile) => listHref(TILE_TARGET[tile])}
          />
          {summary.data.counts.registered === 0 ? (
            <p className="notice" data-testid="stats-empty">
              {t('stats.empty')}
            </p>
          ) : null}

          <ChartSection
            id="stats-trend"
            testId="stats-trend"
            title={t('stats.trend.title')}
            controls={
              <SelectField
                id="stats-grain"
                label={t('stats.grain')}
                value={filters.grain}
                onChange={(v) => update({ grain: v as StatsFilters['grain'] })}
                options={STATS_PERIODS.map((p) => ({ value: p, label: t(`stats.grain.${p}`) }))}
                testId="stats-grain"
              />
            }
            intro={
              grain !== filters.grain ? (
                <p className="hint">{t('stats.grainAdjusted', { grain: t(`stats.grain.${grain}`) })}</p>
              ) : null
            }
            chart={
              trend ? (
                <EChart
                  option={trendOption(trend, { registered: t('stats.trend.registered'), rates: rateLabels }, count)}
                  label={t('stats.chartAlt', { title: t('stats.trend.title') })}
                  height={340}
                  onClick={({ dataIndex }) => {
                    const range = trend.ranges[dataIndex];
                    if (range) openList({ from: range.from, to: range.to });
                  }}
                  testId="chart-trend"
                />
              ) : null
            }
            table={
              trend && series.data ? (
                <table className="stats-table" data-testid="trend-table">
                  <caption className="visually-hidden">{t('stats.trend.title')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('stats.trend.period')}</th>
                      <th scope="col">{t('stats.trend.registered')}</th>
                      {TILE_RATES.map((r) => (
                        <th scope="col" key={r}>
                          {rateLabels[r]}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {series.data.items.map((item, i) => (
                      <tr key={item.label}>
                        <th scope="row">
                          <a href={listHref({ from: item.from, to: item.to })}>{trend.labels[i]}</a>
                        </th>
                        <td className="num">{count(item.counts.registered)}</td>
                        {TILE_RATES.map((r) => (
                          <td className="num" key={r}>
                            {formatRate(item.rates[r].value, lang)}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : (
                <SectionState loaded={series} lang={lang} />
              )
            }
          />

          <div className="stats-columns">
            <ChartSection
              id="stats-ranking"
              testId="stats-ranking"
              title={t('stats.ranking.title')}
              controls={
                <SelectField
                  id="stats-rate"
                  label={t('stats.ranking.by')}
                  value={filters.rate}
                  onChange={(v) => update({ rate: v as RankingRate })}
                  options={[...STATS_RATES, 'score' as const].map((r) => ({ value: r, label: t(`stats.rate.${r}`) }))}
                  testId="stats-rate"
                />
              }
              chart={
                bars && bars.length > 0 ? (
                  <EChart
                    option={rankingOption(bars, rankingLabel, filters.rate !== 'score')}
                    label={t('stats.chartAlt', { title: t('stats.ranking.title') })}
                    height={Math.max(160, bars.length * 36 + 40)}
                    onClick={({ dataIndex }) => {
                      const bar = bars[bars.length - 1 - dataIndex];
                      if (bar) openList({ unitId: bar.unitId });
                    }}
                    testId="chart-ranking"
                  />
                ) : null
              }
              table={
                bars ? (
                  bars.length === 0 ? (
                    <p className="empty">{t('stats.ranking.empty')}</p>
                  ) : (
                    <table className="stats-table" data-testid="ranking-table">
                      <caption className="visually-hidden">{t('stats.ranking.title')}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t('stats.ranking.rank')}</th>
                          <th scope="col">{t('stats.ranking.unit')}</th>
                          <th scope="col">{rankingLabel}</th>
                          <th scope="col">{t('stats.ranking.registered')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {ranking.data?.items.map((item) => (
                          <tr key={item.unit.id} data-testid="ranking-row" data-unit-code={item.unit.code}>
                            <td className="num">{item.rank ?? '—'}</td>
                            <th scope="row">
                              <a href={listHref({ unitId: item.unit.id })} data-testid="ranking-link">
                                {item.unit.name}
                              </a>
                            </th>
                            <td className="num">
                              {item.rank === null
                                ? t('stats.ranking.unranked')
                                : filters.rate === 'score'
                                  ? formatScore(item.value, lang)
                                  : formatRate(item.value, lang)}
                            </td>
                            <td className="num">{count(item.counts.registered)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )
                ) : (
                  <SectionState loaded={ranking} lang={lang} />
                )
              }
            />

            <ChartSection
              id="stats-breakdown"
              testId="stats-breakdown"
              title={t('stats.breakdown.title')}
              controls={
                <SelectField
                  id="stats-breakdown-by"
                  label={t('stats.breakdown.by')}
                  value={breakdownBy}
                  onChange={(v) => setBreakdownBy(v as BreakdownBy)}
                  options={(['category', 'channel', 'kind'] as const).map((b) => ({ value: b, label: t(`stats.breakdown.by.${b}`) }))}
                  testId="stats-breakdown-by"
                />
              }
              chart={
                slices && slices.length > 0 ? (
                  <EChart
                    option={breakdownOption(slices, t('stats.trend.registered'))}
                    label={t('stats.chartAlt', { title: t('stats.breakdown.title') })}
                    height={320}
                    onClick={({ dataIndex }) => {
                      const slice = slices[dataIndex];
                      if (slice) openList(breakdownTarget(slice.key));
                    }}
                    testId="chart-breakdown"
                  />
                ) : null
              }
              table={
                slices ? (
                  slices.length === 0 ? (
                    <p className="empty">{t('stats.breakdown.empty')}</p>
                  ) : (
                    <table className="stats-table" data-testid="breakdown-table">
                      <caption className="visually-hidden">{t('stats.breakdown.title')}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t('stats.breakdown.name')}</th>
                          <th scope="col">{t('stats.count.registered')}</th>
                          <th scope="col">{t('stats.count.open')}</th>
                          <th scope="col">{t('stats.rate.replyRate')}</th>
                          <th scope="col">{t('stats.rate.satisfactionRate')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {slices.map((s) => (
                          <tr key={s.key} data-testid="breakdown-row" data-key={s.key}>
                            <th scope="row">
                              <a href={listHref(breakdownTarget(s.key))} data-testid="breakdown-link">
                                {s.name}
                              </a>
                            </th>
                            <td className="num">{count(s.registered)}</td>
                            <td className="num">{count(s.open)}</td>
                            <td className="num">{formatRate(s.replyRate, lang)}</td>
                            <td className="num">{formatRate(s.satisfactionRate, lang)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )
                ) : (
                  <SectionState loaded={breakdown} lang={lang} />
                )
              }
            />
          </div>

          <div className="stats-columns">
            <ChartSection
              id="stats-map"
              testId="stats-map"
              title={t('stats.map.title')}
              intro={<p className="hint">{t('stats.map.note')}</p>}
              chart={
                ranking.data && mapValues.length > 0 ? (
                  <EChart
                    option={districtOption(mapValues, t('stats.map.cases'), featureName)}
                    label={t('stats.chartAlt', { title: t('stats.map.title') })}
                    height={380}
                    onClick={({ name }) => {
                      const d = mapValues.find((v) => v.name === name);
                      if (d) openList({ unitId: d.unitId });
                    }}
                    testId="chart-map"
                  />
                ) : null
              }
              table={
                ranking.data ? (
                  mapValues.length === 0 ? (
                    <p className="empty">{t('stats.map.empty')}</p>
                  ) : (
                    <table className="stats-table" data-testid="map-table">
                      <caption className="visually-hidden">{t('stats.map.title')}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t('stats.map.district')}</th>
                          <th scope="col">{t('stats.map.cases')}</th>
                          <th scope="col">{t('stats.map.overdue')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {mapValues.map((d) => (
                          <tr key={d.name} data-testid="map-row">
                            <th scope="row">
                              <a href={listHref({ unitId: d.unitId })} data-testid="map-link">
                                {featureName(d.name)}
                              </a>
                            </th>
                            <td className="num">{count(d.value)}</td>
                            <td className="num">
                              <a href={listHref({ unitId: d.unitId, overdue: true })}>{count(d.openOverdue)}</a>
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  )
                ) : (
                  <SectionState loaded={ranking} lang={lang} />
                )
              }
            />

            <section className="card stats-section" aria-labelledby="stats-hotspots-title" data-testid="stats-hotspots">
              <div className="stats-section-head">
                <h2 id="stats-hotspots-title">{t('stats.hotspots.title')}</h2>
              </div>
              {hotspots.data ? (
                <>
                  <p className="hint">{t('stats.hotspots.intro', { from: hotspots.data.scope.from, to: hotspots.data.scope.to })}</p>
                  {hotspots.data.items.length === 0 ? (
                    <p className="empty" data-testid="hotspots-empty">
                      {t('stats.hotspots.empty')}
                    </p>
                  ) : (
                    <div className="table-wrap">
                      <table className="stats-table" data-testid="hotspots-table">
                        <caption className="visually-hidden">{t('stats.hotspots.title')}</caption>
                        <thead>
                          <tr>
                            <th scope="col">{t('stats.hotspots.place')}</th>
                            <th scope="col">{t('stats.hotspots.category')}</th>
                            <th scope="col">{t('stats.hotspots.count')}</th>
                            <th scope="col">{t('stats.hotspots.previousCount')}</th>
                            <th scope="col">{t('stats.hotspots.trend')}</th>
                            <th scope="col">{t('stats.hotspots.keywords')}</th>
                          </tr>
                        </thead>
                        <tbody>
                          {hotspots.data.items.map((h) => (
                            <tr key={`${h.category?.id ?? ''}|${h.place}`} data-testid="hotspot-row">
                              <th scope="row">{h.place}</th>
                              <td>{h.category?.name ?? '—'}</td>
                              <td className="num">
                                <a
                                  href={hrefFor(
                                    '/work',
                                    caseListQuery(filters, { from: hotspots.data?.scope.from ?? period.from, to: hotspots.data?.scope.to ?? period.to }, h.category ? { categoryId: h.category.id } : {}),
                                  )}
                                >
                                  {count(h.count)}
                                </a>
                              </td>
                              <td className="num">{count(h.previousCount)}</td>
                              <td>
                                <span className={`badge stats-trend-${h.trend}`}>{t(`stats.hotspots.trend.${h.trend}`)}</span>
                              </td>
                              <td>{h.keywords.join('、')}</td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  )}
                </>
              ) : (
                <SectionState loaded={hotspots} lang={lang} />
              )}
            </section>
          </div>

          <section className="card stats-section" aria-labelledby="stats-backlog-title" data-testid="stats-backlog">
            <div className="stats-section-head">
              <h2 id="stats-backlog-title">{t('stats.backlog.title')}</h2>
              <a className="button subtle" href={hrefFor('/work', { overdue: 'true', unitId: filters.unit })} data-testid="backlog-overdue-link">
                {t('stats.backlog.allOverdue')}
              </a>
            </div>
            {backlog.data ? (
              <>
                <p data-testid="backlog-summary">
                  {t('stats.backlog.summary', {
                    days: backlog.data.minAgeDays,
                    total: count(backlog.data.total),
                    overdue: count(backlog.data.overdue),
                  })}
                </p>
                {backlog.data.items.length === 0 ? (
                  <p className="empty">{t('stats.backlog.empty')}</p>
                ) : (
                  <div className="table-wrap">
                    <table className="stats-table" data-testid="backlog-table">
                      <caption className="visually-hidden">{t('stats.backlog.title')}</caption>
                      <thead>
                        <tr>
                          <th scope="col">{t('stats.backlog.trackingNo')}</th>
                          <th scope="col">{t('stats.backlog.caseTitle')}</th>
                          <th scope="col">{t('stats.hotspots.category')}</th>
                          <th scope="col">{t('stats.backlog.owner')}</th>
                          <th scope="col">{t('stats.backlog.handler')}</th>
                          <th scope="col">{t('stats.backlog.age')}</th>
                          <th scope="col">{t('stats.backlog.overdueDays')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {backlog.data.items.map((c) => (
                          <tr key={c.id} className={c.overdueDays ? 'overdue' : undefined} data-testid="backlog-row">
                            <td className="nowrap">
                              <a href={hrefFor(`/work/cases/${encodeURIComponent(c.id)}`)}>{c.trackingNo}</a>
                            </td>
                            <td>{c.title}</td>
                            <td>{c.category?.name ?? '—'}</td>
                            <td>{c.owner?.name ?? '—'}</td>
                            <td>{c.handler?.displayName ?? '—'}</td>
                            <td className="num nowrap">{t('stats.backlog.days', { days: count(c.ageDays) })}</td>
                            <td className="num nowrap">
                              {c.overdueDays ? t('stats.backlog.days', { days: count(c.overdueDays) }) : '—'}
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                )}
              </>
            ) : (
              <SectionState loaded={backlog} lang={lang} />
            )}
          </section>

          <section className="card stats-section" aria-labelledby="stats-reports-title" data-testid="stats-reports">
            <div className="stats-section-head">
              <h2 id="stats-reports-title">{t('stats.reports.title')}</h2>
              <DownloadLink className="button subtle" href={statsReportUrl(excelPeriod.label, scope.unit)} fallbackName={`bihuan-report-${excelPeriod.label}.xlsx`} testId="stats-report-xlsx">
                {t('stats.reports.excel', { period: periodLabel(excelPeriod.label, excelPeriod.grain, tr) })}
              </DownloadLink>
            </div>
            <ReportsPanel />
          </section>
        </>
      ) : null}
    </div>
  );
}

/** Loading or the error of one section (the page stays usable when one call fails). */
function SectionState({ loaded, lang }: { loaded: { loading: boolean; error: unknown }; lang: Parameters<typeof errorMessage>[1] }) {
  if (loaded.error) return <ErrorBox message={errorMessage(loaded.error, lang)} />;
  return loaded.loading ? <Loading /> : null;
}
