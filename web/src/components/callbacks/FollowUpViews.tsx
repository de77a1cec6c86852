import { useEffect, useState } from 'react';
import { getCaseFollowUp, getFollowUpSummary, type FollowUp, type FollowUpSummary } from '../../api/callbacks';
import { isAbortError } from '../../api/client';
import { useI18n } from '../../i18n/context';
import type { MessageKey } from '../../i18n';
import { errorMessage } from '../../lib/errors';
import { formatDate, formatDateTime } from '../../lib/format';
import { hrefFor } from '../../router';
import { ErrorBox, Loading } from '../forms';

/** The follow-up of one case (weeks after closure), shown apart from the callback and the rating. */
export function CaseFollowUp({ caseId }: { caseId: string }) {
  const { t, lang } = useI18n();
  const [followUp, setFollowUp] = useState<FollowUp | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    getCaseFollowUp(caseId, controller.signal)
      .then((r) => setFollowUp(r.followUp))
      .catch((e: unknown) => {
        if (!isAbortError(e)) setError(errorMessage(e, lang));
      });
    return () => controller.abort();
  }, [caseId, lang]);
  return (
    <section className="card" aria-labelledby="cb-follow-up" data-testid="callback-follow-up">
      <h2 id="cb-follow-up">{t('callbacks.followUp.title')}</h2>
      <p className="muted">{t('callbacks.followUp.apart')}</p>
      <ErrorBox message={error} testId="callback-follow-up-error" />
      {followUp === undefined && !error ? <Loading /> : null}
      {followUp === null ? <p>{t('callbacks.followUp.none')}</p> : null}
      {followUp ? (
        <dl>
          <dt>{t('callbacks.followUp.sentAt')}</dt>
          <dd>{formatDateTime(followUp.sentAt)} · {t(`callbacks.followUp.channel.${followUp.channel}` as MessageKey)}</dd>
          <dt>{t('callbacks.followUp.stillSolved')}</dt>
          <dd data-testid="callback-follow-up-answer">
            {followUp.resolved ? t(`callbacks.followUp.resolved.${followUp.resolved}` as MessageKey) : t(`callbacks.followUp.status.${followUp.status}` as MessageKey)}
            {followUp.answeredAt ? ` · ${formatDateTime(followUp.answeredAt)}` : ''}
          </dd>
          {followUp.comment ? (
            <>
              <dt>{t('callbacks.followUp.comment')}</dt>
              <dd>{followUp.comment}</dd>
            </>
          ) : null}
        </dl>
      ) : null}
    </section>
  );
}

const DAY = 24 * 3600_000;

/** Follow-ups of the last 90 days for my units: sent, answered, still solved, and the "no" answers to look at. */
export function FollowUpSummaryCard() {
  const { t, lang } = useI18n();
  const [summary, setSummary] = useState<FollowUpSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    const to = new Date(Date.now() + DAY);
    const from = new Date(to.getTime() - 91 * DAY);
    getFollowUpSummary(from.toISOString(), to.toISOString(), controller.signal)
      .then(setSummary)
      .catch((e: unknown) => {
        if (!isAbortError(e)) setError(errorMessage(e, lang));
      });
    return () => controller.abort();
  }, [lang]);
  return (
    <section className="card" aria-labelledby="cb-follow-up-summary" data-testid="follow-up-summary">
      <h2 id="cb-follow-up-summary">{t('callbacks.followUp.summaryTitle')}</h2>
      <ErrorBox message={error} testId="follow-up-summary-error" />
      {!summary && !error ? <Loading /> : null}
      {summary ? (
        <>
          <p className="muted">{t('callbacks.followUp.period', { from: formatDate(summary.from), to: formatDate(summary.to) })}</p>
          <dl>
            <dt>{t('callbacks.followUp.sent')}</dt>
            <dd data-testid="follow-up-sent">{summary.sent}</dd>
            <dt>{t('callbacks.followUp.answered')}</dt>
            <dd data-testid="follow-up-answered">{summary.answered}</dd>
            {(['yes', 'partly', 'no'] as const).map((r) => (
              <div key={r}>
                <dt>{t(`callbacks.followUp.resolved.${r}` as MessageKey)}</dt>
                <dd data-testid={`follow-up-${r}`}>{summary.stillSolved[r]}</dd>
              </div>
            ))}
          </dl>
          <h3>{t('callbacks.followUp.flagged')}</h3>
          {summary.flagged.length === 0 ? (
            <p className="muted">{t('callbacks.followUp.noneFlagged')}</p>
          ) : (
            <ul data-testid="follow-up-flagged">
              {summary.flagged.map((f) => (
                <li key={f.followUpId}>
                  <a href={hrefFor(`/work/cases/${f.caseId}`)}>{f.trackingNo}</a> · {formatDateTime(f.answeredAt)}
                  {f.comment ? ` · ${f.comment}` : ''}
                </li>
              ))}
            </ul>
          )}
        </>
      ) : null}
    </section>
  );
}
