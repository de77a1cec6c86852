// The time limits of a case: which rule and calendar apply, each due date, where it stands, and why the
// due date is where it is (the server's sentence, plus the skipped days grouped into short runs).
import { useEffect, useState } from 'react';
import { getCaseSla, isAbortError, listCalendars } from '../api/client';
import type { CaseSla, SlaTargetState, SlaTargetView } from '../api/types';
import { useI18n } from '../i18n/context';
import { isoWeekday } from '../lib/calendar';
import { errorMessage } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { formatLocal, groupDayRuns, isDayCode, readExplanation, skipReasonKey } from '../lib/sla';
import { hrefFor } from '../router';
import { ErrorBox, Loading } from './forms';

const STATE_ICONS: Record<SlaTargetState, string> = { ok: '●', warning: '▲', overdue: '✕', met: '✓' };

/** A state as a chip: an icon shape and a word, so that colour is never the only signal. */
export function SlaChip({ state, testId }: { state: SlaTargetState; testId?: string }) {
  const { t } = useI18n();
  return (
    <span className={`sla-chip sla-${state}`} data-testid={testId} data-state={state}>
      <span className="sla-icon" aria-hidden="true">
        {STATE_ICONS[state]}
      </span>
      {t(`sla.state.${state}`)}
    </span>
  );
}

/**
 * The reader-facing name of a calendar code: the time-limit answers give the code only, so names come
 * from `GET /calendars`, with the catalogue (and then the code itself) while it loads or if it fails.
 */
export function useCalendarName(): (code: string) => string {
  const { tMaybe, lang } = useI18n();
  const [names, setNames] = useState<ReadonlyMap<string, string>>(new Map());
  useEffect(() => {
    const ctrl = new AbortController();
    listCalendars(ctrl.signal)
      .then((items) => setNames(new Map(items.map((c) => [c.code, c.name]))))
      .catch(() => undefined);
    return () => ctrl.abort();
  }, [lang]);
  return (code) => names.get(code) ?? tMaybe(`calendarName.${code}`) ?? code;
}

function SlaTargetItem({ item }: { item: SlaTargetView }) {
  const { t, tMaybe } = useI18n();
  const e = readExplanation(item.explanation);
  const runs = groupDayRuns(e.skippedDays);
  const dueDate = e.dueLocal?.date ?? null;
  const weekday = dueDate ? isoWeekday(dueDate) : null;
  const due = formatLocal(e.dueLocal) ?? formatDateTime(item.dueAt);
  const weekdayName = weekday ? tMaybe(`weekday.${weekday}`) : undefined;
  const reasonLabel = (reason: string): string => {
    const key = skipReasonKey(reason);
    return key ? t(key) : reason;
  };
  const target = item.target;
  return (
    <li
      className={`sla-target state-${item.state}`}
      data-testid={`sla-target-${target}`}
      data-state={item.state}
      aria-labelledby={`sla-target-title-${target}`}
    >
      <div className="sla-target-head">
        <h3 id={`sla-target-title-${target}`}>{t(`sla.target.${target}`)}</h3>
        <SlaChip state={item.state} testId={`sla-state-${target}`} />
      </div>
      <p className="sla-due" data-testid={`sla-due-${target}`}>
        <span className="label">{t('sla.dueAt')}</span> <time dateTime={item.dueAt}>{due}</time>
        {weekdayName ? <span className="sla-weekday"> {weekdayName}</span> : null}
      </p>
      <p className="sla-text" data-testid={`sla-text-${target}`}>
        {item.text}
      </p>
      {runs.length > 0 ? (
        <div className="sla-why">
          <h4>{t('sla.skipped')}</h4>
          <ul className="sla-days" data-testid={`sla-skipped-${target}`}>
            {runs.map((r) => (
              <li key={`${r.from}-${r.reason}`} data-reason={r.reason}>
                <span className="sla-day-range">
                  {r.from === r.to ? r.from : t('sla.range', { from: r.from, to: r.to })}
                </span>
                <span className={`sla-reason reason-${isDayCode(r.reason) ? 'holiday' : r.reason}`}>
                  {reasonLabel(r.reason)}
                </span>
                {r.days > 1 ? <span className="muted">{t('sla.daysCount', { days: r.days })}</span> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {e.swappedWorkdays.length > 0 ? (
        <div className="sla-why">
          <h4>{t('sla.counted')}</h4>
          <ul className="sla-days" data-testid={`sla-swapped-${target}`}>
            {e.swappedWorkdays.map((d) => (
              <li key={d.date} data-reason="swapped_workday">
                <span className="sla-day-range">{d.date}</span>
                <span className="sla-reason reason-swapped">{t('holiday.swapped_workday')}</span>
                {d.bridges && isDayCode(d.bridges) ? (
                  <span className="muted">{t(`holiday.${d.bridges}`)}</span>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </li>
  );
}

export function SlaPanel({ caseId, version }: { caseId: string; version: number }) {
  const { t, lang } = useI18n();
  const calendarName = useCalendarName();
  const [data, setData] = useState<CaseSla | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    setLoading(true);
    getCaseSla(caseId, ctrl.signal)
      .then((d) => {
        setData(d);
        setError(null);
      })
      .catch((err: unknown) => {
        if (!isAbortError(err)) setError(errorMessage(err, lang));
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setLoading(false);
      });
    return () => ctrl.abort();
  }, [caseId, lang, version, attempt]);

  const firstDue = data?.targets.find((x) => x.state !== 'met') ?? data?.targets[0];
  const dueMonth = firstDue ? readExplanation(firstDue.explanation).dueLocal?.date.slice(0, 7) : undefined;

  return (
    <section
      className="card sla-panel"
      aria-labelledby="sla-title"
      aria-busy={loading}
      data-testid="sla-panel"
      data-state={data?.state}
    >
      <div className="sla-head">
        <h2 id="sla-title">{t('sla.title')}</h2>
        {data && data.targets.length > 0 ? <SlaChip state={data.state} testId="sla-state" /> : null}
      </div>
      <ErrorBox message={error} testId="sla-error" />
      {error ? (
        <button
          type="button"
          className="button"
          onClick={() => setAttempt((n) => n + 1)}
          data-testid="sla-retry"
        >
          {t('app.retry')}
        </button>
      ) : null}
      {!data && !error ? <Loading /> : null}
      {data ? (
        <>
          {data.policy || data.calendar ? (
            <dl className="facts sla-facts">
              {data.policy ? (
                <div>
                  <dt>{t('sla.policy')}</dt>
                  <dd data-testid="sla-policy">{data.policy.name}</dd>
                </div>
              ) : null}
              {data.calendar ? (
                <div>
                  <dt>{t('sla.calendar')}</dt>
                  <dd data-testid="sla-calendar">
                    <a href={hrefFor('/calendar', { month: dueMonth })} title={t('sla.viewCalendar')}>
                      {calendarName(data.calendar)}
                    </a>
                  </dd>
                </div>
              ) : null}
            </dl>
          ) : null}
          {data.targets.length === 0 ? (
            <p className="muted" data-testid="sla-none">
              {t('sla.none')}
            </p>
          ) : (
            <ol className="sla-targets">
              {data.targets.map((item) => (
                <SlaTargetItem key={item.target} item={item} />
              ))}
            </ol>
          )}
        </>
      ) : null}
    </section>
  );
}
