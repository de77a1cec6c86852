import { lazy, Suspense, useEffect, useState, type FormEvent } from 'react';
import { DownloadLink } from '../components/DownloadLink';
import {
  getOpenDataCases, getOpenDataMeta, getOpenDataStats, OPEN_DATA_STATUSES, openDataExportUrl,
  type OpenDataCase, type OpenDataFilter, type OpenDataMeta, type OpenDataStats, type OpenDataStatsRow,
} from '../api/opendata';
import { isAbortError } from '../api/client';
import { usePageTitle } from '../components/common';
import { ErrorBox, SelectField, TextField } from '../components/forms';
import { ReviewPanel } from '../components/opendata/ReviewPanel';
import { SettingsPanel } from '../components/opendata/SettingsPanel';
import { useI18n } from '../i18n/context';
import { errorMessage } from '../lib/errors';
import { useSession } from '../session';
import '../components/opendata/opendata.css';

// ECharts is loaded only when the statistics are drawn.
const OpenDataCharts = lazy(() => import('../components/opendata/OpenDataCharts').then((m) => ({ default: m.OpenDataCharts })));

const PAGE_SIZE = 20;
const percent = (rate: number | null): string => (rate === null ? '—' : `${Math.round(rate * 100)}%`);

function StatsTable({ caption, rows, nameHeader }: { caption: string; rows: { name: string; row: OpenDataStatsRow }[]; nameHeader: string }) {
  const { t } = useI18n();
  return (
    <table className="opendata-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{nameHeader}</th>
          <th scope="col">{t('opendata.cases')}</th>
          <th scope="col">{t('opendata.replied')}</th>
          <th scope="col">{t('opendata.replyRate')}</th>
          <th scope="col">{t('opendata.onTimeRate')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(({ name, row }) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td>{row.cases}</td>
            <td>{row.replied}</td>
            <td>{percent(row.replyRate)}</td>
            <td>{percent(row.onTimeRate)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function CaseCard({ item }: { item: OpenDataCase }) {
  const { t } = useI18n();
  return (
    <li className="opendata-item" data-testid="opendata-case">
      <h3>{item.title}</h3>
      <p className="opendata-meta">
        <span className={`badge status-${item.status}`}>{t(`opendata.status.${item.status}`)}</span>
        {' · '}
        {item.category?.name ?? '—'}
        {' · '}
        {item.district?.name ?? t('opendata.unknownDistrict')}
        {' · '}
        {t('opendata.registeredOn')} {item.registeredOn}
        {item.repliedOn ? ` · ${t('opendata.repliedOn')} ${item.repliedOn}` : ''}
      </p>
      <p>{item.text}</p>
      <div className="opendata-reply">
        <strong>{t('opendata.reply')}: </strong>
        {item.reply ?? t('opendata.noReply')}
      </div>
    </li>
  );
}

/** The public open-data portal: published cases, statistics, downloads; the review for staff who may publish. */
export function OpenDataPage() {
  const { t, lang } = useI18n();
  const { user } = useSession();
  usePageTitle(t('opendata.title'));
  const canManage = Boolean(user?.permissions.includes('opendata.manage'));

  const [draft, setDraft] = useState<OpenDataFilter>({});
  const [filter, setFilter] = useState<OpenDataFilter>({});
  const [page, setPage] = useState(1);
  const [meta, setMeta] = useState<OpenDataMeta | null>(null);
  const [list, setList] = useState<{ items: OpenDataCase[]; total: number } | null>(null);
  const [stats, setStats] = useState<OpenDataStats | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    getOpenDataMeta(ctrl.signal).then(setMeta).catch(() => undefined);
    return () => ctrl.abort();
  }, [lang]);

  useEffect(() => {
    const ctrl = new AbortController();
    setError(null);
    Promise.all([getOpenDataCases(filter, page, PAGE_SIZE, ctrl.signal), getOpenDataStats(filter, ctrl.signal)])
      .then(([l, s]) => {
        setList(l);
        setStats(s);
      })
      .catch((err: unknown) => {
        if (!isAbortError(err)) setError(errorMessage(err, lang));
      });
    return () => ctrl.abort();
  }, [filter, page, lang, reload]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setPage(1);
    setFilter({ ...draft });
  };
  const pages = list ? Math.max(1, Math.ceil(list.total / PAGE_SIZE)) : 1;

  return (
    <div className="opendata-page">
      <h1 tabIndex={-1}>{t('opendata.title')}</h1>
      <p className="lead">{t('opendata.intro')}</p>

      <form className="opendata-filters" onSubmit={onSubmit} aria-labelledby="opendata-filters-title">
        <h2 id="opendata-filters-title">{t('opendata.filters')}</h2>
        <div className="field-grid">
          <TextField id="od-from" type="date" label={t('opendata.from')} value={draft.from ?? ''} onChange={(v) => setDraft({ ...draft, from: v })} />
          <TextField id="od-to" type="date" label={t('opendata.to')} value={draft.to ?? ''} onChange={(v) => setDraft({ ...draft, to: v })} />
          <SelectField
            id="od-district" label={t('opendata.district')} value={draft.district ?? ''} emptyLabel={t('opendata.all')}
            onChange={(v) => setDraft({ ...draft, district: v })} options={(meta?.districts ?? []).map((d) => ({ value: d.code, label: d.name }))}
          />
          <SelectField
            id="od-category" label={t('opendata.category')} value={draft.category ?? ''} emptyLabel={t('opendata.all')}
            onChange={(v) => setDraft({ ...draft, category: v })}
            options={(meta?.categories ?? []).map((c) => ({ value: c.id, label: c.parentId ? `— ${c.name}` : c.name }))}
          />
          <SelectField
            id="od-status" label={t('opendata.status')} value={draft.status ?? ''} emptyLabel={t('opendata.all')}
            onChange={(v) => setDraft({ ...draft, status: v as OpenDataFilter['status'] })}
            options={OPEN_DATA_STATUSES.map((s) => ({ value: s, label: t(`opendata.status.${s}`) }))}
          />
          <TextField id="od-q" type="search" label={t('opendata.search')} value={draft.q ?? ''} onChange={(v) => setDraft({ ...draft, q: v })} maxLength={100} />
        </div>
        <div className="button-row">
          <button type="submit" className="primary" data-testid="opendata-apply">{t('opendata.apply')}</button>
          <button type="button" onClick={() => { setDraft({}); setFilter({}); setPage(1); }}>{t('opendata.reset')}</button>
        </div>
      </form>

      <ErrorBox message={error} />

      <section aria-labelledby="opendata-download-title" className="opendata-downloads">
        <h2 id="opendata-download-title">{t('opendata.download')}</h2>
        <ul className="button-row">
          <li><DownloadLink className="button" href={openDataExportUrl('cases', 'csv', filter)} fallbackName="bihuan-open-data-cases.csv" testId="opendata-download-csv">{t('opendata.downloadCasesCsv')}</DownloadLink></li>
          <li><DownloadLink className="button" href={openDataExportUrl('cases', 'json', filter)} fallbackName="bihuan-open-data-cases.json" testId="opendata-download-json">{t('opendata.downloadCasesJson')}</DownloadLink></li>
          <li><DownloadLink className="button" href={openDataExportUrl('stats', 'csv', filter)} fallbackName="bihuan-open-data-stats.csv" testId="opendata-download-stats-csv">{t('opendata.downloadStatsCsv')}</DownloadLink></li>
          <li><DownloadLink className="button" href={openDataExportUrl('stats', 'json', filter)} fallbackName="bihuan-open-data-stats.json" testId="opendata-download-stats-json">{t('opendata.downloadStatsJson')}</DownloadLink></li>
        </ul>
      </section>

      <section aria-labelledby="opendata-stats-title" data-testid="opendata-stats">
        <h2 id="opendata-stats-title">{t('opendata.stats')}</h2>
        {stats ? (
          <>
            <p>{t('opendata.statsPeriod', { from: stats.from, to: stats.to })} · {t('opendata.suppressed', { k: stats.minCell })}</p>
            <Suspense fallback={<p>{t('opendata.loading')}</p>}>
              <OpenDataCharts stats={stats} lang={lang} labels={{ map: t('opendata.map'), bars: t('opendata.chartCategory'), cases: t('opendata.cases') }} />
            </Suspense>
            <StatsTable
              caption={t('opendata.byDistrict')} nameHeader={t('opendata.district')}
              rows={stats.byDistrict.map((d) => ({ name: d.district?.name ?? t('opendata.unknownDistrict'), row: d }))}
            />
            <StatsTable
              caption={t('opendata.byCategory')} nameHeader={t('opendata.category')}
              rows={stats.byCategory.map((c) => ({ name: c.category?.name ?? '—', row: c }))}
            />
          </>
        ) : (
          <p>{t('opendata.loading')}</p>
        )}
      </section>

      <section aria-labelledby="opendata-list-title">
        <h2 id="opendata-list-title">{t('opendata.list')}</h2>
        {list ? <p aria-live="polite" data-testid="opendata-count">{t('opendata.count', { n: list.total })}</p> : <p>{t('opendata.loading')}</p>}
        {list && list.items.length === 0 ? <p>{t('opendata.none')}</p> : null}
        <ul className="opendata-list">
          {(list?.items ?? []).map((item) => <CaseCard key={item.id} item={item} />)}
        </ul>
        {pages > 1 ? (
          <nav className="button-row" aria-label={t('opendata.page', { page, pages })}>
            <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>{t('opendata.prev')}</button>
            <span>{t('opendata.page', { page, pages })}</span>
            <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>{t('opendata.next')}</button>
          </nav>
        ) : null}
      </section>

      {canManage ? <ReviewPanel onChanged={() => setReload((n) => n + 1)} /> : null}
      {canManage ? <SettingsPanel onSaved={() => setReload((n) => n + 1)} /> : null}
    </div>
  );
}
