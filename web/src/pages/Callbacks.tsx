import { useEffect, useState } from 'react';
import { listCallbackTasks, QUEUE_VIEWS, type QueueItem, type QueueView } from '../api/callbacks';
import { isAbortError } from '../api/client';
import { FollowUpSummaryCard } from '../components/callbacks/FollowUpViews';
import { ScriptEditor } from '../components/callbacks/ScriptEditor';
import { TaskView } from '../components/callbacks/TaskView';
import { usePageTitle } from '../components/common';
import { ErrorBox, Loading } from '../components/forms';
import { useI18n } from '../i18n/context';
import type { MessageKey } from '../i18n';
import { errorMessage } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { hrefFor, useRoute } from '../router';
import { useSession } from '../session';

function isView(v: string | null): v is (typeof QUEUE_VIEWS)[number] {
  return v !== null && (QUEUE_VIEWS as readonly string[]).includes(v);
}

/** `#/work/callbacks`: my queue (due, overdue, claimed by me, finished); `?task=<id>`: one callback. */
export function CallbacksPage() {
  const { t } = useI18n();
  usePageTitle(t('callbacks.title'));
  const { query } = useRoute();
  const taskId = query.get('task');
  if (taskId) return <TaskView key={taskId} taskId={taskId} />;
  const raw = query.get('view');
  return <QueueList view={isView(raw) ? raw : 'due'} />;
}

function QueueList({ view }: { view: QueueView }) {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const canEditScripts = user?.permissions.some((p) => p === 'reply_template.manage' || p === 'settings.manage') ?? false;
  const [items, setItems] = useState<QueueItem[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    setItems(null);
    setError(null);
    listCallbackTasks(view, 1, controller.signal)
      .then((page) => {
        setItems(page.items);
        setTotal(page.total);
      })
      .catch((e: unknown) => {
        if (!isAbortError(e)) setError(errorMessage(e, lang));
      });
    return () => controller.abort();
  }, [view, lang]);
  return (
    <div className="stack">
      <h1 tabIndex={-1}>{t('callbacks.title')}</h1>
      <p className="muted">{t('callbacks.intro')}</p>
      <nav aria-label={t('callbacks.views')} className="button-row">
        {QUEUE_VIEWS.map((v) => (
          <a
            key={v}
            href={hrefFor('/work/callbacks', { view: v })}
            className={`button large${v === view ? ' primary' : ''}`}
            aria-current={v === view ? 'page' : undefined}
            data-testid={`callbacks-view-${v}`}
          >
            {t(`callbacks.view.${v}` as MessageKey)}
          </a>
        ))}
      </nav>
      <ErrorBox message={error} testId="callbacks-error" />
      {items === null && !error ? <Loading /> : null}
      {items && items.length === 0 ? <p data-testid="callbacks-empty">{t('callbacks.empty')}</p> : null}
      {items && items.length > 0 ? (
        <ul className="big-buttons" aria-live="polite" data-testid="callbacks-list" data-total={total} style={{ listStyle: 'none', padding: 0 }}>
          {items.map((i) => (
            <li key={i.id}>
              <a href={hrefFor('/work/callbacks', { task: i.id })} className={`big-button${i.isOverdue ? ' primary' : ''}`} data-testid="callbacks-item">
                <span className="big-button-title">{i.title}</span>
                <span className="big-button-hint">
                  {i.trackingNo} · {t(`kind.${i.kind}` as MessageKey)}
                  {i.nameMasked ? ` · ${i.nameMasked}` : ''} · {i.phoneMasked ?? '—'}
                </span>
                <span className="big-button-hint">
                  {i.status === 'open' ? t('callbacks.dueAt', { at: formatDateTime(i.dueAt) }) : t(`callbacks.status.${i.status}` as MessageKey)}
                  {i.isOverdue ? ` · ${t('callbacks.overdue')}` : ''}
                  {' · '}
                  {t('callbacks.attempts', { n: i.attemptCount })}
                </span>
                {i.claimedByName && i.status === 'open' ? <span className="big-button-hint">{t('callbacks.claimedBy', { name: i.claimedByName })}</span> : null}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      <FollowUpSummaryCard />
      {canEditScripts ? <ScriptEditor /> : null}
    </div>
  );
}
