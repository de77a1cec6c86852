import { Suspense, useState, type ReactNode } from 'react';
import { useI18n } from '../../i18n/context';
import { Loading } from '../forms';

/**
 * A dashboard section with a chart and its data as a table. The table is always in the page (screen readers
 * read it; it holds the keyboard links to the cases); "show as table" shows it instead of the chart.
 */
export function ChartSection(props: {
  id: string;
  title: string;
  controls?: ReactNode;
  intro?: ReactNode;
  chart: ReactNode | null;
  table: ReactNode;
  testId: string;
}) {
  const { t } = useI18n();
  const [asTable, setAsTable] = useState(false);
  const showChart = !asTable && props.chart !== null;
  return (
    <section className="card stats-section" aria-labelledby={`${props.id}-title`} data-testid={props.testId}>
      <div className="stats-section-head">
        <h2 id={`${props.id}-title`}>{props.title}</h2>
        <div className="stats-section-controls">
          {props.controls}
          {props.chart !== null ? (
            <button
              type="button"
              className="button subtle"
              aria-pressed={asTable}
              aria-controls={`${props.id}-table`}
              onClick={() => setAsTable((v) => !v)}
              data-testid={`${props.testId}-toggle`}
            >
              {asTable ? t('stats.showChart') : t('stats.showTable')}
            </button>
          ) : null}
        </div>
      </div>
      {props.intro}
      {showChart ? <Suspense fallback={<Loading />}>{props.chart}</Suspense> : null}
      <div
        id={`${props.id}-table`}
        className={showChart ? 'table-wrap stats-table-alt' : 'table-wrap'}
        data-testid={`${props.testId}-table`}
      >
        {props.table}
      </div>
    </section>
  );
}
