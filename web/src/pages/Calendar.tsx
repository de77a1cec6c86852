// The working calendar, one month at a time: which days are working days, which are days off, the
// holidays by name (national ones, Losar, Shoton) and the weekend days worked in exchange (调休上班).
import { useEffect, useState } from 'react';
import { getCalendarDays, isAbortError } from '../api/client';
import type { CalendarDay, CalendarDays } from '../api/types';
import { unitOptions, usePageTitle } from '../components/common';
import { ErrorBox, Loading, SelectField } from '../components/forms';
import { useCalendarName } from '../components/SlaPanel';
import { useI18n } from '../i18n/context';
import {
  currentYearMonth,
  formatYearMonth,
  isoWeekday,
  monthRange,
  monthWeeks,
  parseYearMonth,
  shiftMonth,
  todayIso,
  type YearMonth,
} from '../lib/calendar';
import { errorMessage } from '../lib/errors';
import { groupDayRuns, isDayCode } from '../lib/sla';
import { useRefData } from '../refdata';
import { navigate, useRoute } from '../router';

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

interface Loaded {
  key: string;
  data: CalendarDays;
}

interface HolidayRun {
  from: string;
  to: string;
  days: number;
  code: string;
  name: string;
  isWorkday: boolean;
}

/** Consecutive days with the same label, as one line of the list under the grid. */
export function holidayRuns(items: readonly CalendarDay[]): HolidayRun[] {
  const byDate = new Map(items.map((d) => [d.date, d]));
  const labelled = items.flatMap((d) =>
    d.holiday
      ? [{ date: d.date, reason: JSON.stringify([d.holiday.code, d.holiday.name, d.isWorkday]) }]
      : [],
  );
  return groupDayRuns(labelled).map((r) => {
    const first = byDate.get(r.from);
    return {
      from: r.from,
      to: r.to,
      days: r.days,
      code: first?.holiday?.code ?? '',
      name: first?.holiday?.name ?? '',
      isWorkday: first?.isWorkday ?? false,
    };
  });
}

export function CalendarPage() {
  const { t, tMaybe, lang } = useI18n();
  const route = useRoute();
  const { units } = useRefData();
  const calendarName = useCalendarName();
  usePageTitle(t('calendar.title'));

  const ym: YearMonth = parseYearMonth(route.query.get('month')) ?? currentYearMonth();
  const month = formatYearMonth(ym);
  const unit = route.query.get('unit') ?? '';
  const key = `${month}|${unit}`;

  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    const [m, u] = key.split('|');
    const range = monthRange(parseYearMonth(m) ?? currentYearMonth());
    setError(null);
    getCalendarDays({ ...range, ...(u ? { unit: u } : {}) }, ctrl.signal)
      .then((data) => setLoaded({ key, data }))
      .catch((err: unknown) => {
        if (!isAbortError(err)) setError(errorMessage(err, lang));
      });
    return () => ctrl.abort();
  }, [key, lang, attempt]);

  const go = (next: YearMonth, nextUnit: string = unit) =>
    navigate('/calendar', { month: formatYearMonth(next), unit: nextUnit });

  const data = loaded?.key === key ? loaded.data : null;
  const byDate = new Map((data?.items ?? []).map((d) => [d.date, d]));
  const today = todayIso();
  const isCurrent = month === formatYearMonth(currentYearMonth());
  const monthTitle = t('calendar.monthTitle', {
    year: ym.year,
    month: tMaybe(`month.${ym.month}`) ?? String(ym.month),
  });
  const workdays = data ? data.items.filter((d) => d.isWorkday).length : 0;
  const runs = data ? holidayRuns(data.items) : [];

  const dayName = (d: CalendarDay): string | null => {
    if (!d.holiday) return null;
    if (d.holiday.name) return d.holiday.name;
    return isDayCode(d.holiday.code) ? t(`holiday.${d.holiday.code}`) : d.holiday.code;
  };

  return (
    <div className="calendar-page">
      <h1 tabIndex={-1}>{t('calendar.title')}</h1>
      <p className="lead">{t('calendar.intro')}</p>

      <div className="calendar-toolbar">
        <button
          type="button"
          className="button"
          onClick={() => go(shiftMonth(ym, -1))}
          data-testid="calendar-prev"
        >
          <span aria-hidden="true">‹ </span>
          {t('calendar.prev')}
        </button>
        <h2 id="calendar-month" className="calendar-month" data-testid="calendar-month" aria-live="polite">
          {monthTitle}
        </h2>
        <button
          type="button"
          className="button"
          onClick={() => go(shiftMonth(ym, 1))}
          data-testid="calendar-next"
        >
          {t('calendar.next')}
          <span aria-hidden="true"> ›</span>
        </button>
        {isCurrent ? null : (
          <button
            type="button"
            className="button subtle"
            onClick={() => go(currentYearMonth())}
            data-testid="calendar-this-month"
          >
            {t('calendar.thisMonth')}
          </button>
        )}
        <SelectField
          id="calendar-unit"
          label={t('calendar.unit')}
          value={unit}
          onChange={(v) => go(ym, v)}
          options={unitOptions(units)}
          emptyLabel={t('calendar.unitDefault')}
          testId="calendar-unit"
        />
      </div>

      <ErrorBox message={error} testId="calendar-error" />
      {error ? (
        <button type="button" className="button" onClick={() => setAttempt((n) => n + 1)} data-testid="retry">
          {t('app.retry')}
        </button>
      ) : null}

      {data ? (
        <p className="calendar-summary" data-testid="calendar-summary">
          <span data-testid="calendar-name">
            {t('calendar.calendarName', { name: calendarName(data.calendar) })}
          </span>
          <span> · </span>
          <span>{t('calendar.workdaysCount', { count: workdays })}</span>
        </p>
      ) : error ? null : (
        <Loading />
      )}

      <div className="month-grid-wrap">
        <table
          className="month-grid"
          aria-labelledby="calendar-month"
          aria-busy={!data}
          data-testid="calendar-grid"
          data-month={month}
        >
          <thead>
            <tr>
              {WEEKDAYS.map((w) => (
                <th key={w} scope="col" className={w >= 6 ? 'weekend' : undefined}>
                  {t(`weekday.${w}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {monthWeeks(ym).map((week, i) => (
              <tr key={i}>
                {week.map((date, j) => {
                  if (!date) return <td key={`empty-${j}`} className="empty" aria-hidden="true" />;
                  const d = byDate.get(date);
                  const weekday = isoWeekday(date) ?? 1;
                  const swapped = d?.holiday?.code === 'swapped_workday';
                  const kind = !d
                    ? 'unknown'
                    : swapped
                      ? 'swapped'
                      : d.isWorkday
                        ? 'workday'
                        : d.holiday
                          ? 'holiday'
                          : 'off';
                  const name = d ? dayName(d) : null;
                  return (
                    <td
                      key={date}
                      className={`day day-${kind}${weekday >= 6 ? ' weekend' : ''}${date === today ? ' today' : ''}`}
                      data-testid={`calendar-day-${date}`}
                      data-workday={d ? String(d.isWorkday) : undefined}
                      data-holiday={d?.holiday?.code}
                      aria-current={date === today ? 'date' : undefined}
                    >
                      <span className="day-num">{Number(date.slice(8))}</span>
                      {date === today ? <span className="day-today">{t('calendar.today')}</span> : null}
                      {d ? (
                        <span className="day-state">
                          {d.isWorkday ? t('calendar.workday') : t('calendar.dayOff')}
                        </span>
                      ) : null}
                      {name ? <span className="day-name">{name}</span> : null}
                      <span className="visually-hidden">{` ${date}`}</span>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <div className="calendar-legend" aria-label={t('calendar.legend')} role="group">
        <span className="legend-item">
          <span className="legend-swatch day-workday" aria-hidden="true" />
          {t('calendar.workday')}
        </span>
        <span className="legend-item">
          <span className="legend-swatch day-off" aria-hidden="true" />
          {t('calendar.dayOff')}
        </span>
        <span className="legend-item">
          <span className="legend-swatch day-holiday" aria-hidden="true" />
          {t('calendar.holidayLegend')}
        </span>
        <span className="legend-item">
          <span className="legend-swatch day-swapped" aria-hidden="true" />
          {t('calendar.swapped')}
        </span>
      </div>

      {data ? (
        <section className="card calendar-holidays" aria-labelledby="calendar-holidays-title">
          <h2 id="calendar-holidays-title">{t('calendar.holidays')}</h2>
          {runs.length === 0 ? (
            <p className="muted">{t('calendar.noHolidays')}</p>
          ) : (
            <ul className="sla-days" data-testid="calendar-holiday-list">
              {runs.map((r) => (
                <li key={r.from} data-holiday={r.code}>
                  <span className="sla-day-range">
                    {r.from === r.to ? r.from : t('sla.range', { from: r.from, to: r.to })}
                  </span>
                  <span className={`sla-reason ${r.isWorkday ? 'reason-swapped' : 'reason-holiday'}`}>
                    {r.name}
                  </span>
                  <span className="muted">
                    {r.isWorkday ? t('calendar.workday') : t('calendar.dayOff')}
                    {r.days > 1 ? ` · ${t('sla.daysCount', { days: r.days })}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
    </div>
  );
}
