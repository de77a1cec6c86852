// Supervisors review the replies of a period (回复质量抽查): what the reply quality check would have flagged, by
// finding and by unit, and the flagged replies to open and read.
import { useEffect, useState, type FormEvent } from 'react';
import { getReplyQuality, type ReplyQualityQuery, type ReplyQualityReview } from '../api/reply-quality';
import { usePageTitle } from '../components/common';
import { ErrorBox, Loading, Notice, SelectField, TextField } from '../components/forms';
import { useI18n } from '../i18n/context';
import { errorMessage } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { useRefData } from '../refdata';
import { hrefFor } from '../router';

const PAGE_SIZE = 20;
const DAY_MS = 86_400_000;
/** A day in China time, as the server counts periods. */
const chinaDay = (at: number): string => new Date(at + 8 * 3_600_000).toISOString().slice(0, 10);
const percentOf = (part: number, whole: number): string => (whole === 0 ? '—' : `${Math.round((part / whole) * 1000) / 10}%`);

export function ReplyQualityPage() {
  const { t, lang } = useI18n();
  usePageTitle(t('quality.title'));
  const { units } = useRefData();
  const [filter, setFilter] = useState({ from: chinaDay(Date.now() - 29 * DAY_MS), to: chinaDay(Date.now()), unitId: '', code: '' });
  const [query, setQuery] = useState<ReplyQualityQuery>({ ...filter, page: 1, pageSize: PAGE_SIZE });
  const [review, setReview] = useState<ReplyQualityReview | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [isLoading, setIsLoading] = useState(false);

  useEffect(() => {
    const ctrl = new AbortController();
    setIsLoading(true);
    getReplyQuality(query, ctrl.signal)
      .then((r) => {
        setReview(r);
        setError(null);
      })
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) setError(err);
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setIsLoading(false);
      });
    return () => ctrl.abort();
  }, [query, lang]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    setQuery({ ...filter, page: 1, pageSize: PAGE_SIZE });
  };
  const messageOf = (code: string) => review?.byCode.find((c) => c.code === code)?.message ?? code;
  const pages = review ? Math.max(1, Math.ceil(review.total / review.pageSize)) : 1;

  return (
    <div className="reply-quality">
      <h1 tabIndex={-1}>{t('quality.title')}</h1>
      <p className="lead">{t('quality.intro')}</p>
      <form onSubmit={apply} className="form opendata-filters" aria-label={t('quality.filters')} data-testid="quality-filters">
        <div className="field-grid">
          <TextField id="q-from" label={t('quality.from')} type="date" value={filter.from} onChange={(v) => setFilter({ ...filter, from: v })} testId="quality-from" />
          <TextField id="q-to" label={t('quality.to')} type="date" value={filter.to} onChange={(v) => setFilter({ ...filter, to: v })} testId="quality-to" />
          <SelectField id="q-unit" label={t('quality.unit')} value={filter.unitId} onChange={(v) => setFilter({ ...filter, unitId: v })} options={units.map((u) => ({ value: u.id, label: u.name }))} emptyLabel={t('quality.allUnits')} testId="quality-unit" />
          <SelectField id="q-code" label={t('quality.finding')} value={filter.code} onChange={(v) => setFilter({ ...filter, code: v })} options={(review?.byCode ?? []).map((c) => ({ value: c.code, label: c.message }))} emptyLabel={t('quality.allFindings')} testId="quality-code" />
        </div>
        <button type="submit" className="button primary" data-testid="quality-apply">
          {t('quality.apply')}
        </button>
      </form>

      {error ? <ErrorBox message={errorMessage(error, lang)} /> : null}
      {isLoading && !review ? <Loading /> : null}
      {review ? (
        <div aria-busy={isLoading} data-testid="quality-result">
          <p className="quality-summary" data-testid="quality-summary">
            {t('quality.summary', { checked: review.checked, flagged: review.flagged, share: percentOf(review.flagged, review.checked) })}
          </p>
          {review.isCapped ? <Notice>{t('quality.capped', { checked: review.checked })}</Notice> : null}
          <div className="opendata-charts">
            <table className="opendata-table" data-testid="quality-by-code">
              <caption>{t('quality.byFinding')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('quality.finding')}</th>
                  <th scope="col">{t('quality.replies')}</th>
                </tr>
              </thead>
              <tbody>
                {review.byCode.map((c) => (
                  <tr key={c.code}>
                    <td>{c.message}</td>
                    <td>{c.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <table className="opendata-table" data-testid="quality-by-unit">
              <caption>{t('quality.byUnit')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('quality.unit')}</th>
                  <th scope="col">{t('quality.checked')}</th>
                  <th scope="col">{t('quality.flaggedShare')}</th>
                </tr>
              </thead>
              <tbody>
                {review.byUnit.map((u) => (
                  <tr key={u.unit?.id ?? 'none'}>
                    <td>{u.unit?.name ?? t('quality.noUnit')}</td>
                    <td>{u.checked}</td>
                    <td>
                      {u.flagged} ({percentOf(u.flagged, u.checked)})
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          <h2>{t('quality.flaggedReplies', { n: review.total })}</h2>
          {review.items.length === 0 ? <p>{t('quality.none')}</p> : null}
          <ul className="opendata-list">
            {review.items.map((i) => (
              <li key={i.replyId} className="opendata-item" data-testid="quality-item">
                <h3>
                  <a href={hrefFor(`/work/cases/${i.caseId}`)}>
                    <span lang="en" translate="no">
                      {i.trackingNo}
                    </span>{' '}
                    · {i.title}
                  </a>
                </h3>
                <p className="opendata-meta">
                  {i.unit?.name ?? t('quality.noUnit')} · <time dateTime={i.repliedAt}>{formatDateTime(i.repliedAt)}</time>
                  {i.isSuperseded ? (
                    <>
                      {' · '}
                      <span data-testid="quality-superseded">{t('quality.superseded')}</span>
                    </>
                  ) : null}
                </p>
                <ul>
                  {i.findings.map((f) => (
                    <li key={f.code} className={f.severity === 'warning' ? 'field-error' : 'hint'}>
                      {messageOf(f.code)}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
          {pages > 1 ? (
            <div className="button-row">
              <button type="button" className="button" disabled={query.page <= 1} onClick={() => setQuery({ ...query, page: query.page - 1 })} data-testid="quality-prev">
                {t('quality.prev')}
              </button>
              <span>{t('quality.page', { page: query.page, pages })}</span>
              <button type="button" className="button" disabled={query.page >= pages} onClick={() => setQuery({ ...query, page: query.page + 1 })} data-testid="quality-next">
                {t('quality.next')}
              </button>
            </div>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
