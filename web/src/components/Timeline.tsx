import type { CaseEvent, PublicTimelineItem } from '../api/types';
import { useI18n } from '../i18n/context';
import { describeEvent, eventName, eventTone } from '../lib/events';
import { formatDateTime } from '../lib/format';
import { useRefData } from '../refdata';

/** Staff timeline: every event, oldest first, internal ones marked. */
export function CaseTimeline({ events }: { events: readonly CaseEvent[] }) {
  const { t, lang } = useI18n();
  const { unitName } = useRefData();
  if (events.length === 0) return <p className="muted">{t('timeline.empty')}</p>;
  const sorted = [...events].sort((a, b) => a.seq - b.seq);
  return (
    <ol className="timeline">
      {sorted.map((ev) => {
        const line = describeEvent(ev, { lang, unitName });
        const statusChange =
          ev.fromStatus && ev.toStatus && ev.fromStatus !== ev.toStatus
            ? t('timeline.statusChange', {
                from: t(`status.${ev.fromStatus}`),
                to: t(`status.${ev.toStatus}`),
              })
            : null;
        const tone = eventTone(ev.code);
        return (
          <li
            key={ev.id}
            className={`timeline-item${ev.isInternal ? ' internal' : ''}${tone ? ` tone-${tone}` : ''}${ev.actorKind === 'system' ? ' by-system' : ''}`}
            data-testid="timeline-item"
            data-code={ev.code}
            data-actor-kind={ev.actorKind}
          >
            <div className="timeline-head">
              <time dateTime={ev.at}>{formatDateTime(ev.at)}</time>
              <span className="timeline-title">{line.title}</span>
              {ev.isInternal ? <span className="badge internal-badge">{t('timeline.internal')}</span> : null}
            </div>
            <div className="timeline-meta">
              <span>
                {ev.actor
                  ? ev.actor.displayName || ev.actor.username
                  : ev.actorKind === 'requester'
                    ? t('common.requester')
                    : t('common.system')}
              </span>
              {statusChange ? <span className="status-change">{statusChange}</span> : null}
            </div>
            {line.details.length > 0 ? (
              <dl className="timeline-details">
                {line.details.map((d, i) => (
                  <div key={i}>
                    <dt>{d.label}</dt>
                    <dd>{d.text}</dd>
                  </div>
                ))}
              </dl>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

/** Public timeline: only the codes the server chose to show the requester. */
export function PublicTimeline({ items }: { items: readonly PublicTimelineItem[] }) {
  const { t, lang } = useI18n();
  if (items.length === 0) return <p className="muted">{t('timeline.empty')}</p>;
  const sorted = [...items].sort((a, b) => (Date.parse(a.at) || 0) - (Date.parse(b.at) || 0));
  return (
    <ol className="timeline">
      {sorted.map((item, i) => (
        <li
          key={`${item.at}-${i}`}
          className="timeline-item"
          data-testid="timeline-item"
          data-code={item.code}
        >
          <div className="timeline-head">
            <time dateTime={item.at}>{formatDateTime(item.at)}</time>
            <span className="timeline-title">{eventName(lang, item.code)}</span>
          </div>
        </li>
      ))}
    </ol>
  );
}
