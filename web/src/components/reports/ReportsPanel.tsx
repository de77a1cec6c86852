import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { isAbortError } from '../../api/client';
import { isPending, listReports, REPORT_KINDS, requestReport, type Report, type ReportFormat, type ReportKind } from '../../api/reports';
import { LANGS, type Lang } from '../../api/types';
import type { MessageKey } from '../../i18n';
import { useI18n } from '../../i18n/context';
import { errorMessage } from '../../lib/errors';
import { formatDate, formatDateTime } from '../../lib/format';
import { useRefData } from '../../refdata';
import { unitOptions } from '../common';
import { ErrorBox, Notice, SelectField, TextField } from '../forms';
import './reports.css';

const POLL_MS = 2000;
const LANGUAGE_NAMES: Record<Lang, string> = { 'zh-Hans': '中文', bo: 'བོད་ཡིག', en: 'English' };

/** Today in China, and the first day of its month: the default period of a new report. */
function chinaToday(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}

/** The years a yearly report can cover: this year (so far) and the ten before, newest first. */
function yearOptions(today: string): { value: string; label: string }[] {
  const current = Number(today.slice(0, 4));
  return Array.from({ length: 11 }, (_, i) => String(current - i)).map((y) => ({ value: y, label: y }));
}

type QuarterName = (year: string, quarter: number) => string;

/** The quarter that `day` falls in, and its first day. */
function quarterOf(day: string): { year: string; quarter: number; from: string } {
  const year = day.slice(0, 4);
  const quarter = Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1;
  return { year, quarter, from: `${year}-${String((quarter - 1) * 3 + 1).padStart(2, '0')}-01` };
}

/** The quarters a quarterly report can cover: this one (so far) and the eleven before, newest first. */
function quarterOptions(today: string, nameOf: QuarterName): { value: string; label: string }[] {
  const options: { value: string; label: string }[] = [];
  let { from } = quarterOf(today);
  for (let i = 0; i < 12; i += 1) {
    const { year, quarter } = quarterOf(from);
    options.push({ value: from, label: nameOf(year, quarter) });
    const [y, m] = [Number(from.slice(0, 4)), Number(from.slice(5, 7))];
    from = m === 1 ? `${y - 1}-10-01` : `${y}-${String(m - 3).padStart(2, '0')}-01`;
  }
  return options;
}

/** What the period column shows: the month, the quarter, the year, or both ends. */
function periodText(r: Report, nameOf: QuarterName): string {
  if (r.kind === 'monthly') return r.from.slice(0, 7);
  if (r.kind === 'quarterly') {
    const { year, quarter } = quarterOf(r.from);
    return nameOf(year, quarter);
  }
  if (r.kind === 'yearly') return r.from.slice(0, 4);
  return `${r.from} – ${r.to}`;
}

/**
 * Monthly/quarterly/yearly/custom reports (PDF, Excel) made by a background job: a form to request one, the caller's reports
 * with their progress (polled while any is pending), and download links. Embedded in the statistics page.
 */
export function ReportsPanel() {
  const { t, tMaybe, lang } = useI18n();
  const { units } = useRefData();
  const today = chinaToday();
  const quarterName: QuarterName = (year, quarter) => t('stats.periodLabel.quarter', { year, quarter });
  const [kind, setKind] = useState<ReportKind>('monthly');
  const [month, setMonth] = useState(today.slice(0, 7));
  const [year, setYear] = useState(today.slice(0, 4));
  const [quarterStart, setQuarterStart] = useState(quarterOf(today).from);
  const [from, setFrom] = useState(`${today.slice(0, 7)}-01`);
  const [to, setTo] = useState(today);
  const [unitId, setUnitId] = useState('');
  const [format, setFormat] = useState<ReportFormat>('pdf');
  const [reportLang, setReportLang] = useState<Lang>(lang);
  const [isSubmitting, setIsSubmitting] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [reports, setReports] = useState<Report[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => setReportLang(lang), [lang]);

  const refresh = useCallback(() => setTick((n) => n + 1), []);

  useEffect(() => {
    const ctrl = new AbortController();
    listReports(ctrl.signal)
      .then((r) => {
        setReports(r.items);
        setLoadError(null);
      })
      .catch((err: unknown) => {
        if (!isAbortError(err)) setLoadError(errorMessage(err, lang));
      });
    return () => ctrl.abort();
  }, [tick, lang]);

  // Poll while a report is still being made; stop as soon as none is.
  const hasPending = reports?.some(isPending) ?? false;
  useEffect(() => {
    if (!hasPending) return undefined;
    const timer = window.setTimeout(refresh, POLL_MS);
    return () => window.clearTimeout(timer);
  }, [hasPending, reports, refresh]);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setIsSubmitting(true);
    setFormError(null);
    setNotice(null);
    try {
      await requestReport({
        kind,
        from: kind === 'monthly' ? `${month}-01` : kind === 'quarterly' ? quarterStart : kind === 'yearly' ? `${year}-01-01` : from,
        ...(kind === 'custom' ? { to } : {}),
        ...(unitId ? { unitId } : {}),
        format,
        lang: reportLang,
      });
      setNotice(t('reports.queued'));
      refresh();
    } catch (err) {
      setFormError(errorMessage(err, lang));
    } finally {
      setIsSubmitting(false);
    }
  };

  const statusText = (r: Report): string => {
    if (r.status === 'failed') {
      const code = r.error?.code ?? '';
      return `${t('reports.status.failed')}: ${tMaybe(`reports.error.${code}`) ?? t('reports.error.unknown')}`;
    }
    return t(`reports.status.${r.status}` as MessageKey);
  };

  return (
    <div className="reports-panel" data-testid="reports-panel">
      <h3 id="reports-form-title">{t('reports.title')}</h3>
      <p className="hint">{t('reports.intro')}</p>
      <form onSubmit={onSubmit} aria-labelledby="reports-form-title" className="reports-form" data-testid="reports-form">
        <SelectField
          id="report-kind"
          label={t('reports.kind')}
          value={kind}
          onChange={(v) => setKind(REPORT_KINDS.find((k) => k === v) ?? 'monthly')}
          options={REPORT_KINDS.map((k) => ({ value: k, label: t(`reports.kind.${k}`) }))}
          testId="report-kind"
        />
        {kind === 'monthly' ? (
          <div className="field">
            <label htmlFor="report-month">{t('reports.month')}</label>
            <input id="report-month" name="report-month" type="month" value={month} max={today.slice(0, 7)} onChange={(e) => setMonth(e.target.value)} required data-testid="report-month" />
          </div>
        ) : kind === 'quarterly' ? (
          <SelectField id="report-quarter" label={t('reports.quarter')} value={quarterStart} onChange={setQuarterStart} options={quarterOptions(today, quarterName)} testId="report-quarter" />
        ) : kind === 'yearly' ? (
          <SelectField id="report-year" label={t('reports.year')} value={year} onChange={setYear} options={yearOptions(today)} testId="report-year" />
        ) : (
          <>
            <TextField id="report-from" type="date" label={t('reports.from')} value={from} onChange={setFrom} required testId="report-from" />
            <TextField id="report-to" type="date" label={t('reports.to')} value={to} onChange={setTo} required testId="report-to" />
          </>
        )}
        <SelectField id="report-unit" label={t('reports.unit')} value={unitId} onChange={setUnitId} options={unitOptions(units)} emptyLabel={t('reports.unitMine')} testId="report-unit" />
        <SelectField
          id="report-format"
          label={t('reports.format')}
          value={format}
          onChange={(v) => setFormat(v === 'xlsx' ? 'xlsx' : 'pdf')}
          options={[
            { value: 'pdf', label: t('reports.format.pdf') },
            { value: 'xlsx', label: t('reports.format.xlsx') },
          ]}
          testId="report-format"
        />
        <SelectField
          id="report-lang"
          label={t('reports.language')}
          value={reportLang}
          onChange={(v) => setReportLang((LANGS as readonly string[]).includes(v) ? (v as Lang) : lang)}
          options={LANGS.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
          testId="report-lang"
        />
        <button type="submit" className="button primary" disabled={isSubmitting} data-testid="report-submit">
          {isSubmitting ? t('reports.submitting') : t('reports.submit')}
        </button>
      </form>
      <ErrorBox message={formError} testId="report-form-error" />
      {notice ? <Notice testId="report-notice">{notice}</Notice> : null}

      <div className="stats-section-head">
        <h3 id="reports-list-title">{t('reports.list')}</h3>
        <button type="button" className="button subtle" onClick={refresh} data-testid="reports-refresh">
          {t('reports.refresh')}
        </button>
      </div>
      <ErrorBox message={loadError} testId="reports-error" />
      {reports && reports.length === 0 ? <p data-testid="reports-empty">{t('reports.empty')}</p> : null}
      {reports && reports.length > 0 ? (
        <div className="table-wrap" tabIndex={0} aria-labelledby="reports-list-title">
          <table className="reports-table" data-testid="reports-table" aria-busy={hasPending}>
            <thead>
              <tr>
                <th scope="col">{t('reports.col.period')}</th>
                <th scope="col">{t('reports.col.unit')}</th>
                <th scope="col">{t('reports.col.format')}</th>
                <th scope="col">{t('reports.col.status')}</th>
                <th scope="col">{t('reports.col.action')}</th>
              </tr>
            </thead>
            <tbody>
              {reports.map((r) => (
                <tr key={r.id} data-testid={`report-row-${r.id}`}>
                  <td>
                    <span data-testid="report-period">{periodText(r, quarterName)}</span>
                    <br />
                    <small>{formatDateTime(r.createdAt)}</small>
                  </td>
                  <td>{r.unit.name}</td>
                  <td>
                    {r.format.toUpperCase()} · {LANGUAGE_NAMES[r.language]}
                  </td>
                  <td role="status" aria-live="polite">
                    <span data-testid="report-status">{statusText(r)}</span>
                    {isPending(r) ? (
                      <>
                        <br />
                        <progress max={100} value={r.progress} aria-label={t('reports.progress', { percent: r.progress })} />{' '}
                        <small>{t('reports.progress', { percent: r.progress })}</small>
                      </>
                    ) : null}
                  </td>
                  <td>
                    {r.downloadUrl ? (
                      <>
                        <a className="button" href={r.downloadUrl} download={r.fileName ?? undefined} aria-label={t('reports.downloadLabel', { name: r.fileName ?? r.id })} data-testid="report-download">
                          {t('reports.download')}
                        </a>
                        {r.expiresAt ? (
                          <>
                            <br />
                            <small>{t('reports.expires', { date: formatDate(r.expiresAt) })}</small>
                          </>
                        ) : null}
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </div>
  );
}
