import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { isAbortError, listCases } from '../api/client';
import { caseExportUrl } from '../api/reports';
import { DownloadLink } from '../components/DownloadLink';
import {
  CHANNELS,
  KINDS,
  SORTS,
  STATUSES,
  type CaseListQuery,
  type CaseSummary,
  type Page,
  type SlaState,
  type Sort,
} from '../api/types';
import { StatusBadge, categoryOptions, unitOptions, usePageTitle } from '../components/common';
import { CheckboxField, ErrorBox, Loading, SelectField, TextField, type Option } from '../components/forms';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n';
import { errorMessage } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { useRefData } from '../refdata';
import { hrefFor, navigate, useRoute, type QueryInput } from '../router';
import { canRegister, useSession } from '../session';

export const OPEN_STATUSES = 'registered,dispatched,accepted,returned,replied,callback_done';
const DEFAULT_SORT: Sort = '-createdAt';
const PAGE_SIZES = [20, 50, 100] as const;

export interface Filters {
  status: string;
  kind: string;
  channel: string;
  categoryId: string;
  unitId: string;
  overdue: boolean;
  supervised: boolean;
  mine: boolean;
  q: string;
  from: string;
  to: string;
  sort: Sort;
  page: number;
  pageSize: number;
}

function isSort(v: string | null): v is Sort {
  return v !== null && (SORTS as readonly string[]).includes(v);
}

function positiveInt(v: string | null, fallback: number, max: number): number {
  const n = v === null ? NaN : Number(v);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : fallback;
}

export function filtersFromQuery(q: URLSearchParams): Filters {
  const sort = q.get('sort');
  return {
    status: q.get('status') ?? '',
    kind: q.get('kind') ?? '',
    channel: q.get('channel') ?? '',
    categoryId: q.get('categoryId') ?? '',
    unitId: q.get('unitId') ?? '',
    overdue: q.get('overdue') === 'true',
    supervised: q.get('supervised') === 'true',
    mine: q.get('mine') === 'true',
    q: q.get('q') ?? '',
    from: q.get('from') ?? '',
    to: q.get('to') ?? '',
    sort: isSort(sort) ? sort : DEFAULT_SORT,
    page: positiveInt(q.get('page'), 1, 100000),
    pageSize: positiveInt(q.get('pageSize'), 20, 100),
  };
}

/** The hash query of a view: defaults are left out so that links stay short. */
export function filtersToQuery(f: Filters): QueryInput {
  return {
    status: f.status,
    kind: f.kind,
    channel: f.channel,
    categoryId: f.categoryId,
    unitId: f.unitId,
    overdue: f.overdue ? 'true' : undefined,
    supervised: f.supervised ? 'true' : undefined,
    mine: f.mine ? 'true' : undefined,
    q: f.q,
    from: f.from,
    to: f.to,
    sort: f.sort === DEFAULT_SORT ? undefined : f.sort,
    page: f.page === 1 ? undefined : f.page,
    pageSize: f.pageSize === 20 ? undefined : f.pageSize,
  };
}

export function filtersToApi(f: Filters): CaseListQuery {
  const q: CaseListQuery = { sort: f.sort, page: f.page, pageSize: f.pageSize };
  if (f.status) q.status = f.status;
  if (f.kind) q.kind = f.kind;
  if (f.channel) q.channel = f.channel;
  if (f.categoryId) q.categoryId = f.categoryId;
  if (f.unitId) q.unitId = f.unitId;
  if (f.overdue) q.overdue = true;
  if (f.supervised) q.supervised = true;
  if (f.mine) q.mine = true;
  if (f.q) q.q = f.q;
  if (f.from) q.from = f.from;
  if (f.to) q.to = f.to;
  return q;
}

/** Where a listed case stands; older servers only said `isOverdue`. */
export function slaStateOf(c: Pick<CaseSummary, 'slaState' | 'isOverdue'>): SlaState {
  if (c.isOverdue) return 'overdue';
  return c.slaState === 'warning' || c.slaState === 'overdue' ? c.slaState : 'ok';
}

/** A due time already passed: that date is the one shown in red, not every date of an overdue case. */
function isPast(iso: string | null): boolean {
  if (!iso) return false;
  const at = Date.parse(iso);
  return Number.isFinite(at) && at < Date.now();
}

/** Whether the current view is exactly a preset (only its filters set). */
function isPreset(f: Filters, preset: Partial<Filters>): boolean {
  const base = filtersFromQuery(new URLSearchParams());
  return (Object.keys(base) as (keyof Filters)[]).every((k) =>
    k === 'sort' || k === 'page' || k === 'pageSize' ? true : f[k] === (k in preset ? preset[k] : base[k]),
  );
}

type SortField = 'createdAt' | 'replyDueAt';
/** The first click on a column: newest registrations first, earliest deadlines first. */
const FIRST_DIRECTION: Record<SortField, Sort> = { createdAt: '-createdAt', replyDueAt: 'replyDueAt' };

export function QueuePage() {
  const { t, lang } = useI18n();
  const route = useRoute();
  const { units, categories } = useRefData();
  const { user } = useSession();
  usePageTitle(t('queue.title'));

  const filters = useMemo(() => filtersFromQuery(route.query), [route.query]);
  const apiKey = JSON.stringify(filtersToApi(filters));
  const [data, setData] = useState<Page<CaseSummary> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [qInput, setQInput] = useState(filters.q);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => setQInput(filters.q), [filters.q]);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    listCases(JSON.parse(apiKey) as CaseListQuery, ctrl.signal)
      .then((page) => setData(page))
      .catch((err: unknown) => {
        if (!isAbortError(err)) setError(errorMessage(err, lang));
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setLoading(false);
      });
    return () => ctrl.abort();
  }, [apiKey, lang, attempt]);

  const update = (patch: Partial<Filters>) => {
    const next: Filters = { ...filters, page: 1, ...patch };
    navigate('/work', filtersToQuery(next));
  };

  const onSearch = (e: FormEvent) => {
    e.preventDefault();
    update({ q: qInput.trim() });
  };

  const statusOptions: Option[] = [
    { value: OPEN_STATUSES, label: t('queue.statusOpen') },
    ...STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) })),
  ];
  if (filters.status && !statusOptions.some((o) => o.value === filters.status)) {
    statusOptions.push({
      value: filters.status,
      label: filters.status
        .split(',')
        .map((s) =>
          (STATUSES as readonly string[]).includes(s) ? t(`status.${s as (typeof STATUSES)[number]}`) : s,
        )
        .join(' + '),
    });
  }

  const pages = data ? Math.max(1, Math.ceil(data.total / Math.max(1, data.pageSize))) : 1;
  const totalText = data ? t(data.isTotalExact === false ? 'queue.totalMore' : 'queue.total', { total: data.total }) : '';

  const sortHeader = (field: SortField, labelKey: MessageKey) => {
    const active = filters.sort === field || filters.sort === `-${field}`;
    const descending = filters.sort === `-${field}`;
    const next: Sort = active ? (descending ? field : (`-${field}` as Sort)) : FIRST_DIRECTION[field];
    return (
      <th scope="col" aria-sort={active ? (descending ? 'descending' : 'ascending') : 'none'}>
        <button
          type="button"
          className="sort-button"
          onClick={() => update({ sort: next })}
          title={t('queue.sortBy', { column: t(labelKey) })}
          data-testid={`sort-${field}`}
        >
          {t(labelKey)}
          <span aria-hidden="true" className="sort-arrow">
            {active ? (descending ? ' ▼' : ' ▲') : ' ↕'}
          </span>
        </button>
      </th>
    );
  };

  return (
    <div className="queue">
      <div className="page-head">
        <h1 tabIndex={-1}>{t('queue.title')}</h1>
        {canRegister(user) ? (
          <a className="button primary" href="#/work/new" data-testid="new-case">
            {t('queue.newCase')}
          </a>
        ) : null}
        {/* The whole list with the current filters and sort, as a file (a link; a refusal is said on the page). */}
        <span className="export-links" role="group" aria-label={t('reports.export.label')} title={t('reports.export.hint')}>
          <DownloadLink className="button subtle" href={caseExportUrl(filtersToApi(filters), 'xlsx')} fallbackName="bihuan-cases.xlsx" testId="export-xlsx">
            {t('reports.export.xlsx')}
          </DownloadLink>
          <DownloadLink className="button subtle" href={caseExportUrl(filtersToApi(filters), 'csv')} fallbackName="bihuan-cases.csv" testId="export-csv">
            {t('reports.export.csv')}
          </DownloadLink>
          {user?.permissions.includes('case.export_personal_data') ? (
            <DownloadLink
              className="button subtle"
              href={caseExportUrl(filtersToApi(filters), 'xlsx', true)}
              fallbackName="bihuan-cases-personal-data.xlsx"
              testId="export-xlsx-personal-data"
            >
              <span title={t('reports.export.personalDataHint')}>{t('reports.export.personalData')}</span>
            </DownloadLink>
          ) : null}
        </span>
      </div>

      {user?.permissions.includes('case.supervise') ? (
        <nav className="presets" aria-label={t('queue.presets')} data-testid="queue-presets">
          <span className="presets-label">{t('queue.presets')}</span>
          <a
            className="button subtle preset"
            href={hrefFor('/work', { supervised: 'true' })}
            aria-current={isPreset(filters, { supervised: true }) ? 'page' : undefined}
            data-testid="preset-supervised"
          >
            {t('queue.preset.supervised')}
          </a>
          <a
            className="button subtle preset"
            href={hrefFor('/work', { overdue: 'true' })}
            aria-current={isPreset(filters, { overdue: true }) ? 'page' : undefined}
            data-testid="preset-overdue"
          >
            {t('queue.preset.overdue')}
          </a>
        </nav>
      ) : null}

      <section className="filters card" aria-label={t('queue.filters')}>
        <form onSubmit={onSearch} className="filter-search" role="search">
          <TextField
            id="filter-q"
            type="search"
            label={t('queue.q')}
            hint={t('queue.qHint')}
            value={qInput}
            onChange={setQInput}
            testId="filter-q"
          />
          <button type="submit" className="button primary" data-testid="filter-apply">
            {t('queue.apply')}
          </button>
        </form>
        <div className="filter-grid">
          <SelectField
            id="filter-status"
            label={t('queue.status')}
            value={filters.status}
            onChange={(v) => update({ status: v })}
            options={statusOptions}
            emptyLabel={t('common.all')}
            testId="filter-status"
          />
          <SelectField
            id="filter-kind"
            label={t('queue.kind')}
            value={filters.kind}
            onChange={(v) => update({ kind: v })}
            options={KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))}
            emptyLabel={t('common.all')}
            testId="filter-kind"
          />
          <SelectField
            id="filter-channel"
            label={t('queue.channel')}
            value={filters.channel}
            onChange={(v) => update({ channel: v })}
            options={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))}
            emptyLabel={t('common.all')}
            testId="filter-channel"
          />
          <SelectField
            id="filter-category"
            label={t('queue.category')}
            value={filters.categoryId}
            onChange={(v) => update({ categoryId: v })}
            options={categoryOptions(categories)}
            emptyLabel={t('common.all')}
            testId="filter-category"
          />
          <SelectField
            id="filter-unit"
            label={t('queue.unit')}
            value={filters.unitId}
            onChange={(v) => update({ unitId: v })}
            options={unitOptions(units)}
            emptyLabel={t('common.all')}
            testId="filter-unit"
          />
          <TextField
            id="filter-from"
            type="date"
            label={t('queue.from')}
            value={filters.from}
            onChange={(v) => update({ from: v })}
            testId="filter-from"
          />
          <TextField
            id="filter-to"
            type="date"
            label={t('queue.to')}
            value={filters.to}
            onChange={(v) => update({ to: v })}
            testId="filter-to"
          />
        </div>
        <div className="filter-checks">
          <CheckboxField
            id="filter-mine"
            label={t('queue.mine')}
            checked={filters.mine}
            onChange={(v) => update({ mine: v })}
            testId="filter-mine"
          />
          <CheckboxField
            id="filter-overdue"
            label={t('queue.overdue')}
            checked={filters.overdue}
            onChange={(v) => update({ overdue: v })}
            testId="filter-overdue"
          />
          <CheckboxField
            id="filter-supervised"
            label={t('queue.supervised')}
            checked={filters.supervised}
            onChange={(v) => update({ supervised: v })}
            testId="filter-supervised"
          />
          <a className="button subtle" href="#/work" data-testid="filter-reset">
            {t('queue.reset')}
          </a>
        </div>
      </section>

      <ErrorBox message={error} testId="queue-error" />
      {error ? (
        <button type="button" className="button" onClick={() => setAttempt((n) => n + 1)} data-testid="retry">
          {t('app.retry')}
        </button>
      ) : null}
      {loading && !data ? <Loading /> : null}

      {data ? (
        <>
          <p className="queue-total" role="status" aria-live="polite" data-testid="queue-total">
            {totalText}
            {loading ? ` · ${t('app.loading')}` : ''}
          </p>
          <div className="table-wrap" tabIndex={0} aria-labelledby="queue-caption">
            <table className="queue-table" data-testid="queue-table" aria-busy={loading}>
              <caption id="queue-caption" className="visually-hidden">
                {t('queue.title')} · {totalText}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('queue.col.trackingNo')}</th>
                  <th scope="col">{t('queue.col.title')}</th>
                  <th scope="col">{t('queue.col.status')}</th>
                  <th scope="col">{t('queue.col.kind')}</th>
                  <th scope="col">{t('queue.col.category')}</th>
                  <th scope="col">{t('queue.col.leadUnit')}</th>
                  {sortHeader('replyDueAt', 'queue.col.replyDueAt')}
                  <th scope="col">{t('queue.col.supervised')}</th>
                  {sortHeader('createdAt', 'queue.col.createdAt')}
                </tr>
              </thead>
              <tbody>
                {data.items.length === 0 ? (
                  <tr>
                    <td colSpan={9} className="empty" data-testid="queue-empty">
                      {t('queue.empty')}
                    </td>
                  </tr>
                ) : (
                  data.items.map((c) => {
                    const sla = slaStateOf(c);
                    return (
                      <tr
                        key={c.id}
                        data-testid="queue-row"
                        data-sla-state={sla}
                        className={
                          sla === 'ok' ? undefined : `sla-${sla}${sla === 'overdue' ? ' overdue' : ''}`
                        }
                      >
                        <td className="nowrap">
                          <a
                            href={hrefFor(`/work/cases/${encodeURIComponent(c.id)}`)}
                            data-testid="case-link"
                          >
                            {c.trackingNo}
                          </a>
                        </td>
                        <td>
                          {c.title}
                          {c.isIdentityProtected ? (
                            <>
                              {' '}
                              <span className="badge protected-badge" title={t('identity.listHint')} data-testid="protected-flag">
                                {t('identity.listTag')}
                              </span>
                            </>
                          ) : null}
                        </td>
                        <td>
                          <StatusBadge status={c.status} />
                        </td>
                        <td>{t(`kind.${c.kind}`)}</td>
                        <td>{c.category?.name ?? '—'}</td>
                        <td>{c.leadUnit?.name ?? '—'}</td>
                        <td
                          className={`due-cell${sla === 'overdue' ? ' overdue-cell' : sla === 'warning' ? ' warning-cell' : ''}`}
                          data-testid="reply-due"
                        >
                          <span className={`nowrap${isPast(c.replyDueAt) ? ' late' : ''}`}>
                            {c.replyDueAt ? formatDateTime(c.replyDueAt) : '—'}
                          </span>
                          {sla === 'overdue' ? (
                            <span
                              className="badge overdue-badge"
                              data-testid="sla-badge"
                              data-state="overdue"
                            >
                              <span aria-hidden="true">✕ </span>
                              {t('queue.overdueTag')}
                            </span>
                          ) : sla === 'warning' ? (
                            <span
                              className="badge warning-badge"
                              data-testid="sla-badge"
                              data-state="warning"
                            >
                              <span aria-hidden="true">▲ </span>
                              {t('queue.slaWarningTag')}
                            </span>
                          ) : null}
                          {c.status === 'dispatched' && c.acceptDueAt ? (
                            <span
                              className={`due-sub nowrap${isPast(c.acceptDueAt) ? ' late' : ''}`}
                              data-testid="accept-due"
                            >
                              {t('queue.acceptDue', { at: formatDateTime(c.acceptDueAt) })}
                            </span>
                          ) : null}
                        </td>
                        <td>
                          {c.isSupervised ? (
                            <span className="badge supervised-badge" data-testid="supervised-flag">
                              {t('queue.supervisedTag')}
                            </span>
                          ) : (
                            <span className="visually-hidden">{t('common.no')}</span>
                          )}
                        </td>
                        <td className="nowrap">{formatDateTime(c.createdAt)}</td>
                      </tr>
                    );
                  })
                )}
              </tbody>
            </table>
          </div>
          <nav className="pagination" aria-label={t('queue.page', { page: data.page, pages })}>
            <button
              type="button"
              className="button"
              disabled={filters.page <= 1}
              onClick={() => update({ page: filters.page - 1 })}
              data-testid="page-prev"
            >
              {t('queue.prev')}
            </button>
            <span data-testid="page-info">{t('queue.page', { page: filters.page, pages })}</span>
            <button
              type="button"
              className="button"
              disabled={filters.page >= pages}
              onClick={() => update({ page: filters.page + 1 })}
              data-testid="page-next"
            >
              {t('queue.next')}
            </button>
            <SelectField
              id="page-size"
              label={t('queue.pageSize')}
              value={String(filters.pageSize)}
              onChange={(v) => update({ pageSize: Number(v) })}
              options={PAGE_SIZES.map((n) => ({ value: String(n), label: String(n) }))}
              testId="page-size"
            />
          </nav>
        </>
      ) : null}
    </div>
  );
}
