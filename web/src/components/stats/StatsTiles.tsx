import type { StatsSummary } from '../../api/stats';
import { useI18n } from '../../i18n/context';
import type { MessageKey } from '../../i18n';
import {
  countTiles,
  formatChange,
  formatCount,
  formatPoints,
  formatRate,
  formatScore,
  formatYuan,
  rateTiles,
  type CountTileId,
} from './stats-shape';
import type { StatsRate } from '../../api/stats';

/** Whether more is good news (coloured green), bad (amber), or neither (more cases: no colour). */
const IS_HIGHER_BETTER: Record<CountTileId, boolean | null> = {
  registered: null,
  open: false,
  openOverdue: false,
  amountRecoveredFen: true,
};

/** The key figures, each a link to the cases behind it, with its definition shown on hover and focus. */
export function StatsTiles(props: {
  summary: StatsSummary;
  previous: StatsSummary | null;
  hrefOf: (tile: StatsRate | CountTileId | 'score') => string;
}) {
  const { t, lang } = useI18n();
  const rates = rateTiles(props.summary, props.previous);
  const counts = countTiles(props.summary, props.previous);

  const tile = (
    id: string,
    label: string,
    definition: string,
    value: string,
    sub: string | null,
    change: { text: string; direction: 'up' | 'down' | 'same'; isBetter: boolean | null } | null,
    href: string,
  ) => (
    <li className="stats-tile" key={id} data-testid={`tile-${id}`}>
      <a href={href} aria-describedby={`tile-${id}-def`} data-testid={`tile-${id}-link`}>
        <span className="stats-tile-label">{label}</span>
        <span className="stats-tile-value" data-testid={`tile-${id}-value`}>
          {value}
        </span>
        {sub ? <span className="stats-tile-sub">{sub}</span> : null}
        {change ? (
          <span
            className={`stats-tile-change${change.isBetter === null || change.direction === 'same' ? '' : change.isBetter ? ' better' : ' worse'}`}
            data-direction={change.direction}
            data-testid={`tile-${id}-change`}
          >
            <span aria-hidden="true">{change.direction === 'up' ? '▲ ' : change.direction === 'down' ? '▼ ' : '● '}</span>
            {change.text}
          </span>
        ) : props.previous ? (
          <span className="stats-tile-change">{t('stats.tile.previousNone')}</span>
        ) : null}
      </a>
      <p className="stats-tile-def" role="tooltip" id={`tile-${id}-def`}>
        <strong>{t('stats.tile.definition')}: </strong>
        {definition}
      </p>
    </li>
  );

  const direction = (delta: number): 'up' | 'down' | 'same' => (delta > 0 ? 'up' : delta < 0 ? 'down' : 'same');

  return (
    <ul className="stats-tiles" aria-label={t('stats.tiles')} data-testid="stats-tiles">
      {rates.map((r) =>
        tile(
          r.rate,
          t(`stats.rate.${r.rate}` as MessageKey),
          t(`stats.def.${r.rate}` as MessageKey),
          formatRate(r.value, lang),
          r.value === null
            ? t('stats.tile.noData')
            : t('stats.tile.fraction', { numerator: formatCount(r.numerator, lang), denominator: formatCount(r.denominator, lang) }),
          r.delta === null
            ? null
            : {
                text: t('stats.tile.vsPrevious', { change: t('stats.tile.points', { change: formatPoints(r.delta, lang) }) }),
                direction: direction(r.delta),
                isBetter: r.delta > 0,
              },
          props.hrefOf(r.rate),
        ),
      )}
      {tile(
        'score',
        t('stats.rate.score'),
        t('stats.def.score'),
        formatScore(props.summary.score, lang),
        null,
        props.previous && props.previous.score !== null && props.summary.score !== null
          ? {
              text: t('stats.tile.vsPrevious', { change: formatPoints((props.summary.score - props.previous.score) / 100, lang) }),
              direction: direction(props.summary.score - props.previous.score),
              isBetter: props.summary.score > props.previous.score,
            }
          : null,
        props.hrefOf('score'),
      )}
      {counts.map((c) =>
        tile(
          c.id,
          t(`stats.count.${c.id}` as MessageKey),
          t(`stats.def.${c.id}` as MessageKey),
          c.id === 'amountRecoveredFen' ? formatYuan(c.value, lang) : formatCount(c.value, lang),
          null,
          c.delta === null
            ? null
            : {
                text: t('stats.tile.vsPrevious', {
                  change: c.id === 'amountRecoveredFen' ? `${c.delta >= 0 ? '+' : '−'}${formatYuan(Math.abs(c.delta), lang)}` : formatChange(c.delta, lang),
                }),
                direction: direction(c.delta),
                isBetter: c.delta === 0 ? null : IS_HIGHER_BETTER[c.id] === null ? null : (c.delta > 0) === IS_HIGHER_BETTER[c.id],
              },
          props.hrefOf(c.id),
        ),
      )}
    </ul>
  );
}
