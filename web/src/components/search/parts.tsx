// Pieces shared by the search, intake and case pages: highlighted text, duplicate reasons in words, the
// list of likely duplicates, and dispatch suggestions with their confidence.
import type { ReactNode } from 'react';
import type { DispatchSuggestions, DuplicateItem, DuplicateReason, Mark } from '../../api/search';
import { useI18n, type I18n } from '../../i18n/context';
import { formatDateTime } from '../../lib/format';
import { hrefFor } from '../../router';
import { StatusBadge } from '../common';

const TIBETAN = /[\u0F00-\u0FFF]/;

/**
 * Text with the server's marks ({start, end} UTF-16 offsets) shown as <mark>. No HTML comes from the server:
 * the text is rendered as text, overlapping or out-of-range marks are clipped.
 */
export function HighlightedText({ text, marks, lang }: { text: string; marks: readonly Mark[]; lang?: string }) {
  const parts: ReactNode[] = [];
  let at = 0;
  const sorted = [...marks].sort((a, b) => a.start - b.start);
  for (const m of sorted) {
    const start = Math.max(at, Math.min(m.start, text.length));
    const end = Math.max(start, Math.min(m.end, text.length));
    if (end <= start) continue;
    if (start > at) parts.push(text.slice(at, start));
    parts.push(<mark key={start}>{text.slice(start, end)}</mark>);
    at = end;
  }
  if (at < text.length) parts.push(text.slice(at));
  // Case texts carry no language of their own here: Tibetan script gets the Tibetan font stack and size.
  return <span lang={lang ?? (TIBETAN.test(text) ? 'bo' : undefined)}>{parts}</span>;
}

/** 'bo' for text in Tibetan script (the Tibetan font stack and size), else none: summaries carry no language. */
export const textLang = (text: string): 'bo' | undefined => (TIBETAN.test(text) ? 'bo' : undefined);

export const percent = (x: number): number => Math.round(x * 100);

/** A reason in words: 同一来电人，3天前 · 文本相似 82% · 相距 120 米. */
export function reasonWords(t: I18n['t'], r: DuplicateReason, isIntake: boolean): string {
  if (r.kind === 'similar_text') return t('search.reason.similar', { percent: percent(r.similarity) });
  if (r.kind === 'nearby') return t('search.reason.nearby', { metres: r.distanceMetres });
  const days = Math.abs(r.daysApart);
  const when =
    days === 0
      ? t('search.reason.sameDay')
      : isIntake
        ? t('search.reason.daysAgo', { days })
        : t('search.reason.daysApart', { days });
  return t(r.via === 'phone' ? 'search.reason.samePhone' : 'search.reason.sameId', { when });
}

/** Likely duplicates, best first, each with its score and reasons; `actions` adds buttons per case. */
export function DuplicateList({
  items,
  isIntake,
  actions,
  openInNewTab,
}: {
  items: readonly DuplicateItem[];
  isIntake: boolean;
  actions?: (item: DuplicateItem) => ReactNode;
  openInNewTab?: boolean;
}) {
  const { t } = useI18n();
  return (
    <ul className="duplicate-list" data-testid="duplicate-list" style={{ listStyle: 'none', padding: 0 }}>
      {items.map((d) => (
        <li
          key={d.id}
          data-testid="duplicate-item"
          data-case-id={d.id}
          style={{ borderTop: '1px solid #ddd', padding: '0.5em 0' }}
        >
          <div>
            <a
              href={hrefFor(`/work/cases/${encodeURIComponent(d.id)}`)}
              target={openInNewTab ? '_blank' : undefined}
              rel={openInNewTab ? 'noopener' : undefined}
              data-testid="duplicate-link"
            >
              <span lang="en" translate="no">
                {d.trackingNo}
              </span>{' '}
              <span lang={TIBETAN.test(d.title) ? 'bo' : undefined}>{d.title}</span>
            </a>{' '}
            <StatusBadge status={d.status} />{' '}
            <strong className="badge" data-testid="duplicate-score">
              {t('search.dup.score', { percent: percent(d.score) })}
            </strong>
            {d.isLinked ? (
              <>
                {' '}
                <span className="badge">{t('search.dup.linked')}</span>
              </>
            ) : null}
          </div>
          <p className="muted" data-testid="duplicate-reasons" style={{ margin: '0.25em 0' }}>
            {d.reasons.map((r) => reasonWords(t, r, isIntake)).join(' · ')} · {formatDateTime(d.createdAt)}
          </p>
          {actions ? <div className="button-row">{actions(d)}</div> : null}
        </li>
      ))}
    </ul>
  );
}

/**
 * Dispatch suggestions, most likely first, with the model's confidence. Below the auto-dispatch threshold
 * they are clearly marked as hints. `onApply` (optional) puts a suggestion into the form in one click.
 */
export function SuggestionBox({
  data,
  onApply,
  appliedUnitId,
  applyLabel,
}: {
  data: DispatchSuggestions;
  onApply?: (s: DispatchSuggestions['items'][number]) => void;
  appliedUnitId?: string | null;
  applyLabel?: (s: DispatchSuggestions['items'][number]) => string;
}) {
  const { t } = useI18n();
  if (data.mode === 'none' && data.reason === 'no_model') {
    return (
      <p className="muted" data-testid="suggestions-none">
        {t('search.sugg.noModel')}
      </p>
    );
  }
  if (data.items.length === 0) {
    return (
      <p className="muted" data-testid="suggestions-none">
        {t('search.sugg.none')}
      </p>
    );
  }
  const threshold = percent(data.autoThreshold);
  return (
    <div data-testid="suggestions" data-mode={data.mode}>
      {data.mode === 'auto' ? (
        <p className="notice" data-testid="suggestions-auto">
          {t('search.sugg.auto')}
        </p>
      ) : null}
      <ol className="suggestion-list" style={{ paddingLeft: '1.5em' }}>
        {data.items.map((s, i) => {
          const isHint = s.confidence < data.autoThreshold;
          return (
            <li key={s.unitId} data-testid="suggestion" data-hint={isHint} data-unit-id={s.unitId} style={{ margin: '0.4em 0' }}>
              <strong>{s.unit?.name ?? s.unitId}</strong>
              {s.category ? <span className="muted"> · {t('search.sugg.category', { category: s.category.name })}</span> : null}{' '}
              <span className="badge" data-testid="suggestion-confidence">
                {t('search.sugg.confidence', { percent: percent(s.confidence) })}
              </span>
              {i === 0 ? (
                <span
                  className={`badge${isHint ? ' warning-badge' : ''}`}
                  data-testid={isHint ? 'suggestion-hint' : 'suggestion-confident'}
                  style={{ marginLeft: '0.5em' }}
                >
                  {isHint ? t('search.sugg.hint', { percent: threshold }) : t('search.sugg.confident', { percent: threshold })}
                </span>
              ) : null}
              {onApply ? (
                <>
                  {' '}
                  <button
                    type="button"
                    className={`button${appliedUnitId === s.unitId ? '' : ' subtle'}`}
                    onClick={() => onApply(s)}
                    aria-pressed={appliedUnitId === s.unitId}
                    data-testid="suggestion-apply"
                  >
                    {appliedUnitId === s.unitId
                      ? t('search.sugg.applied')
                      : applyLabel
                        ? applyLabel(s)
                        : t('search.sugg.apply')}
                  </button>
                </>
              ) : null}
            </li>
          );
        })}
      </ol>
      <p className="hint">
        {data.models.unit !== null ? t('search.sugg.model', { version: data.models.unit }) : null}
      </p>
    </div>
  );
}
