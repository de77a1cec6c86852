import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { isAbortError } from '../api/client';
import { searchCases, type Highlight, type SearchQuery, type SearchResult } from '../api/search';
import { CHANNELS, KINDS, STATUSES } from '../api/types';
import { StatusBadge, categoryOptions, unitOptions, usePageTitle } from '../components/common';
import { ErrorBox, Loading, SelectField, TextField } from '../components/forms';
import { HighlightedText } from '../components/search/parts';
import { useI18n } from '../i18n/context';
import { errorMessage } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { useRefData } from '../refdata';
import { hrefFor, navigate, useRoute, type QueryInput } from '../router';

const FILTER_KEYS = ['status', 'unitId', 'categoryId', 'channel', 'kind', 'from', 'to'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];
type View = { q: string; page: number } & Record<FilterKey, string>;

/** Everything the page shows is in the URL (#/work/search?q=…&status=…&page=…): links can be shared and kept. */
function viewFromQuery(query: URLSearchParams): View {
  const page = Number(query.get('page'));
  const view = { q: query.get('q') ?? '', page: Number.isInteger(page) && page >= 1 && page <= 50 ? page : 1 } as View;
  for (const k of FILTER_KEYS) view[k] = query.get(k) ?? '';
  return view;
}

function viewToQuery(v: View): QueryInput {
  const out: QueryInput = { q: v.q, page: v.page === 1 ? undefined : v.page };
  for (const k of FILTER_KEYS) out[k] = v[k];
  return out;
}

const PAGE_SIZE = 20;

export function SearchPage() {
  const { t, lang } = useI18n();
  const route = useRoute();
  const { units, categories } = useRefData();
  usePageTitle(t('search.title'));

  const view = useMemo(() => viewFromQuery(route.query), [route.query]);
  const [qInput, setQInput] = useState(view.q);
  const [data, setData] = useState<SearchResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  useEffect(() => setQInput(view.q), [view.q]);

  const hasQuery = view.q.trim() !== '';
  const apiKey = JSON.stringify(view);
  useEffect(() => {
    if (!hasQuery) {
      setData(null);
      setError(null);
      return;
    }
    const v = JSON.parse(apiKey) as View;
    const query: SearchQuery = { q: v.q, page: v.page, pageSize: PAGE_SIZE };
    for (const k of FILTER_KEYS) if (v[k]) query[k] = v[k];
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    searchCases(query, ctrl.signal)
      .then(setData)
      .catch((err: unknown) => {
        if (!isAbortError(err)) setError(errorMessage(err, lang));
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setLoading(false);
      });
    return () => ctrl.abort();
  }, [apiKey, hasQuery, lang]);

  const update = (patch: Partial<View>) => navigate('/work/search', viewToQuery({ ...view, page: 1, ...patch }));
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    update({ q: qInput.trim() });
  };

  const fieldLabel = (h: Highlight) => t(`search.field.${h.field}`);
  const pages = data ? Math.max(1, Math.min(50, Math.ceil(data.total / PAGE_SIZE))) : 1;

  return (
    <div className="search-page">
      <h1 tabIndex={-1}>{t('search.title')}</h1>
      <section className="filters card" aria-label={t('search.filters')}>
        <form onSubmit={onSubmit} className="filter-search" role="search">
          <TextField
            id="search-q"
            type="search"
            label={t('search.q')}
            hint={t('search.qHint')}
            value={qInput}
            onChange={setQInput}
            maxLength={200}
            autoFocus
            testId="search-q"
          />
          <button type="submit" className="button primary" data-testid="search-submit">
            {t('search.submit')}
          </button>
        </form>
        <div className="filter-grid">
          <SelectField
            id="search-status"
            label={t('queue.status')}
            value={view.status}
            onChange={(v) => update({ status: v })}
            options={STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
            emptyLabel={t('common.all')}
            testId="search-status"
          />
          <SelectField
            id="search-unit"
            label={t('queue.unit')}
            value={view.unitId}
            onChange={(v) => update({ unitId: v })}
            options={unitOptions(units)}
            emptyLabel={t('common.all')}
            testId="search-unit"
          />
          <SelectField
            id="search-category"
            label={t('queue.category')}
            value={view.categoryId}
            onChange={(v) => update({ categoryId: v })}
            options={categoryOptions(categories)}
            emptyLabel={t('common.all')}
            testId="search-category"
          />
          <SelectField
            id="search-channel"
            label={t('queue.channel')}
            value={view.channel}
            onChange={(v) => update({ channel: v })}
            options={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))}
            emptyLabel={t('common.all')}
            testId="search-channel"
          />
          <SelectField
            id="search-kind"
            label={t('queue.kind')}
            value={view.kind}
            onChange={(v) => update({ kind: v })}
            options={KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))}
            emptyLabel={t('common.all')}
            testId="search-kind"
          />
          <TextField id="search-from" type="date" label={t('queue.from')} value={view.from} onChange={(v) => update({ from: v })} testId="search-from" />
          <TextField id="search-to" type="date" label={t('queue.to')} value={view.to} onChange={(v) => update({ to: v })} testId="search-to" />
        </div>
        <p>
          <a className="button subtle" href={hrefFor('/work/search', { q: view.q })} data-testid="search-reset">
            {t('queue.reset')}
          </a>
        </p>
      </section>

      <ErrorBox message={error} testId="search-error" />
      {!hasQuery ? <p className="muted">{t('search.prompt')}</p> : null}
      {loading && !data ? <Loading /> : null}

      {hasQuery && data ? (
        <section aria-labelledby="search-results-title" aria-busy={loading}>
          <h2 id="search-results-title" className="visually-hidden">
            {t('search.results')}
          </h2>
          <p role="status" aria-live="polite" data-testid="search-total" data-exact={data.isTotalExact}>
            {data.isTotalExact ? t('search.total', { total: data.total }) : t('search.totalMore', { total: data.total })}
            {loading ? ` · ${t('app.loading')}` : ''}
          </p>
          {!data.isTotalExact ? <p className="hint">{t('search.totalMoreHint')}</p> : null}
          {data.items.length === 0 ? (
            <p className="muted" data-testid="search-empty">
              {t('search.empty')}
            </p>
          ) : (
            <ol className="search-results" start={(data.page - 1) * data.pageSize + 1} style={{ paddingLeft: '2em' }}>
              {data.items.map((hit) => {
                const title = hit.highlights.find((h) => h.field === 'title');
                const snippets = hit.highlights.filter((h) => h.field !== 'title');
                return (
                  <li key={hit.id} className="card" data-testid="search-hit" data-case-id={hit.id} style={{ marginBottom: '0.75em' }}>
                    <h3 style={{ margin: 0 }}>
                      <a
                        href={hrefFor(`/work/cases/${encodeURIComponent(hit.id)}`)}
                        aria-label={t('search.openCase', { trackingNo: hit.trackingNo })}
                        data-testid="search-hit-link"
                      >
                        <span lang="en" translate="no">
                          {hit.trackingNo}
                        </span>{' '}
                        <span data-testid="search-hit-title">
                          {title ? <HighlightedText text={title.text} marks={title.marks} /> : hit.title}
                        </span>
                      </a>
                    </h3>
                    <p style={{ margin: '0.25em 0' }}>
                      <StatusBadge status={hit.status} /> {hit.category?.name ?? ''} {hit.leadUnit ? `· ${hit.leadUnit.name}` : ''} ·{' '}
                      <time dateTime={hit.createdAt}>{formatDateTime(hit.createdAt)}</time>
                    </p>
                    {snippets.map((h, i) => (
                      <p key={i} className="snippet" data-testid="search-snippet" data-field={h.field} style={{ margin: '0.25em 0' }}>
                        <span className="label muted">{fieldLabel(h)}：</span>
                        <HighlightedText text={h.text} marks={h.marks} />
                      </p>
                    ))}
                  </li>
                );
              })}
            </ol>
          )}
          {pages > 1 ? (
            <nav className="pagination" aria-label={t('queue.page', { page: view.page, pages })}>
              <button type="button" className="button" disabled={view.page <= 1} onClick={() => update({ page: view.page - 1 })} data-testid="search-prev">
                {t('queue.prev')}
              </button>
              <span data-testid="search-page-info">{t('queue.page', { page: view.page, pages })}</span>
              <button
                type="button"
                className="button"
                disabled={view.page >= pages}
                onClick={() => update({ page: view.page + 1 })}
                data-testid="search-next"
              >
                {t('queue.next')}
              </button>
            </nav>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}
