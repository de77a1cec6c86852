import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { getCase, isAbortError, revealRequester } from '../api/client';
import type { CaseWithReplySummary } from '../api/reply';
import type { Case, Requester } from '../api/types';
import { ActionPanel } from '../components/ActionPanel';
import { StatusBadge, usePageTitle } from '../components/common';
import { ErrorBox, Loading } from '../components/forms';
import { CaseTextPanels } from '../components/search/CasePanels';
import { SlaPanel } from '../components/SlaPanel';
import { CaseTimeline } from '../components/Timeline';
import { LANGUAGE_NAMES } from '../i18n';
import { useI18n } from '../i18n/context';
import { errorMessage } from '../lib/errors';
import { formatDate, formatDateTime, formatFen } from '../lib/format';
import { automaticSupervisionTarget } from '../lib/sla';
import { hrefFor } from '../router';
import { AttachmentsPanel } from '../components/attachments/AttachmentsPanel';

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

function SupervisionCard({ supervision: s }: { supervision: NonNullable<Case['supervision']> }) {
  const { t } = useI18n();
  const isOpen = s.outcome === null;
  const autoTarget = s.isAutomatic ? automaticSupervisionTarget(s.note) : null;
  const note = autoTarget
    ? t('supervision.autoReason', { target: t(`sla.target.${autoTarget}`) })
    : s.isAutomatic
      ? t('supervision.autoReasonPlain')
      : s.note;
  return (
    <section
      className={`card supervision-card${isOpen ? ' attention' : ' concluded'}`}
      aria-labelledby="supervision-title"
      data-testid="supervision"
      data-open={isOpen}
      data-automatic={s.isAutomatic}
    >
      <div className="card-head">
        <h2 id="supervision-title">{t('case.supervision')}</h2>
        <span
          className={`badge ${isOpen ? 'supervised-badge' : 'concluded-badge'}`}
          data-testid="supervision-state"
        >
          {isOpen ? t('case.supervised') : t('supervision.concluded')}
        </span>
      </div>
      <dl className="facts">
        <Fact label={t('supervision.kind')} testId="supervision-kind">
          {s.isAutomatic ? t('supervision.automatic') : t('supervision.manual')}
        </Fact>
        <Fact label={t('actionField.supervise.dueBy')} testId="supervision-due">
          <strong>{formatDate(s.dueBy)}</strong>
        </Fact>
        <Fact label={t('supervision.startedAt')}>
          <time dateTime={s.at}>{formatDateTime(s.at)}</time>
        </Fact>
        <Fact label={t('supervision.urgeCount')} testId="supervision-urge-count">
          {s.urgeCount}
        </Fact>
        {s.outcome ? (
          <Fact label={t('supervision.outcome')} testId="supervision-outcome">
            <strong>{t(`supervisionOutcome.${s.outcome}`)}</strong>
          </Fact>
        ) : null}
      </dl>
      <h3>{t('supervision.requirement')}</h3>
      <p className="reply-text" data-testid="supervision-note">
        {note}
      </p>
      <h3>{t('supervision.response')}</h3>
      {s.response ? (
        <p className="reply-text" data-testid="supervision-response">
          {s.response}
        </p>
      ) : (
        <p className="muted" data-testid="supervision-response">
          {t('supervision.noResponse')}
        </p>
      )}
    </section>
  );
}

export function CaseViewPage({ id }: { id: string }) {
  const { t, tMaybe, lang } = useI18n();
  const [data, setData] = useState<Case | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  /** Bumped after every action and reload, so that the time limits are fetched again. */
  const [slaVersion, setSlaVersion] = useState(0);
  usePageTitle(data ? `${data.trackingNo} ${data.title}` : t('case.details'));

  useEffect(() => {
    const ctrl = new AbortController();
    getCase(id, ctrl.signal)
      .then((c) => {
        setData(c);
        setError(null);
      })
      .catch((err: unknown) => {
        if (!isAbortError(err)) setError(errorMessage(err, lang));
      });
    return () => ctrl.abort();
  }, [id, lang, reload]);

  const refresh = useCallback(() => {
    setReload((n) => n + 1);
    setSlaVersion((n) => n + 1);
  }, []);

  /** An action answers with the updated Case; should it lack events or actions, reload it. */
  const onUpdated = useCallback(
    (u: Case) => {
      const complete = Array.isArray(u.events) && Array.isArray(u.allowedActions);
      setData((prev) =>
        complete || !prev
          ? u
          : {
              ...u,
              events: Array.isArray(u.events) ? u.events : prev.events,
              allowedActions: prev.allowedActions,
            },
      );
      setSlaVersion((n) => n + 1);
      if (!complete) refresh();
    },
    [refresh],
  );

  const back = (
    <p className="back">
      <a href="#/work" data-testid="back-to-queue">
        ← {t('case.backToQueue')}
      </a>
    </p>
  );

  if (!data) {
    return (
      <div>
        {back}
        {error ? (
          <>
            <ErrorBox message={error} testId="case-error" />
            <button type="button" className="button" onClick={refresh} data-testid="retry">
              {t('app.retry')}
            </button>
          </>
        ) : (
          <Loading />
        )}
      </div>
    );
  }

  // GET /cases/{id} is staff-only: the summary is never part of the requester's tracking view.
  const c: CaseWithReplySummary = data;
  const label = (prefix: string, v: string) => tMaybe(`${prefix}.${v}`) ?? v;
  const lead = c.leadUnit ?? c.assignments.find((a) => a.role === 'lead')?.unit ?? null;

  return (
    <div className="case-page">
      {back}
      <div className="case-head">
        <h1 tabIndex={-1} data-testid="case-title">
          <span className="tracking" lang="en" translate="no" data-testid="tracking-no">
            {c.trackingNo}
          </span>
          <span className="case-title-text" lang={c.language}>
            {c.title}
          </span>
        </h1>
        <div className="badges">
          <StatusBadge status={c.status} />
          {c.isOverdue ? (
            <span className="badge overdue-badge" data-testid="overdue-flag">
              {t('case.overdue')}
            </span>
          ) : null}
          {!c.isOverdue && c.slaState === 'warning' ? (
            <span className="badge warning-badge" data-testid="sla-warning-flag">
              <span aria-hidden="true">▲ </span>
              {t('case.slaWarning')}
            </span>
          ) : null}
          {c.isSupervised ? (
            <span className="badge supervised-badge" data-testid="supervised-flag">
              {t('case.supervised')}
            </span>
          ) : null}
        </div>
      </div>
      <ErrorBox message={error} testId="case-error" />

      <div className="case-grid">
        <div className="case-main">
          <section className="card" aria-labelledby="details-title">
            <h2 id="details-title">{t('case.details')}</h2>
            <dl className="facts">
              <Fact label={t('case.kind')}>{t(`kind.${c.kind}`)}</Fact>
              <Fact label={t('case.channel')}>{t(`channel.${c.channel}`)}</Fact>
              <Fact label={t('case.category')}>{c.category?.name ?? '—'}</Fact>
              <Fact label={t('case.leadUnit')}>{lead?.name ?? '—'}</Fact>
              <Fact label={t('case.createdAt')}>{formatDateTime(c.createdAt)}</Fact>
              <Fact label={t('case.updatedAt')}>{formatDateTime(c.updatedAt)}</Fact>
              <Fact label={t('case.acceptDueAt')}>{c.acceptDueAt ? formatDateTime(c.acceptDueAt) : '—'}</Fact>
              <Fact label={t('case.replyDueAt')} testId="case-reply-due">
                <span className={c.isOverdue ? 'overdue-text' : undefined}>
                  {c.replyDueAt ? formatDateTime(c.replyDueAt) : '—'}
                </span>
              </Fact>
              <Fact label={t('case.language')}>{LANGUAGE_NAMES[c.language] ?? c.language}</Fact>
              {c.address ? <Fact label={t('case.address')}>{c.address}</Fact> : null}
              {c.lat !== null && c.lng !== null ? (
                <Fact label={t('case.location')}>
                  {c.lat.toFixed(5)}, {c.lng.toFixed(5)}
                </Fact>
              ) : null}
              {c.publicationConsent ? (
                <Fact label={t('consent.caseLabel')}>
                  <span data-testid="case-consent" data-consent={c.publicationConsent}>
                    {t(`consent.value.${c.publicationConsent}`)}
                  </span>
                </Fact>
              ) : null}
              {c.amountClaimedFen !== null ? (
                <Fact label={t('case.amountClaimed')}>
                  {t('common.cny', { amount: formatFen(c.amountClaimedFen) })}
                </Fact>
              ) : null}
              {c.amountRecoveredFen !== null ? (
                <Fact label={t('case.amountRecovered')}>
                  {t('common.cny', { amount: formatFen(c.amountRecoveredFen) })}
                </Fact>
              ) : null}
              {c.reopenCount > 0 ? <Fact label={t('case.reopenCount')}>{c.reopenCount}</Fact> : null}
              {c.masterId ? (
                <Fact label={t('case.master')}>
                  <a href={hrefFor(`/work/cases/${encodeURIComponent(c.masterId)}`)}>{c.masterId}</a>
                </Fact>
              ) : null}
            </dl>
            <h3>{t('case.description')}</h3>
            <p className="description" lang={c.language} data-testid="case-description">
              {c.description}
            </p>
          </section>

          <CaseTextPanels caseData={c} onUpdated={onUpdated} onChanged={refresh} />

          <SlaPanel caseId={c.id} version={slaVersion} />
          <AttachmentsPanel caseId={c.id} onChanged={refresh} />

          <RequesterCard caseId={c.id} requester={c.requester} protection={c.identityProtection} />

          <section className="card" aria-labelledby="assignments-title">
            <h2 id="assignments-title">{t('case.assignments')}</h2>
            {c.assignments.length === 0 ? (
              <p className="muted">{t('case.noAssignments')}</p>
            ) : (
              <ul className="assignments" data-testid="assignments">
                {c.assignments.map((a, i) => (
                  <li key={`${a.unit.id}-${i}`} data-testid="assignment">
                    <strong>{a.unit.name}</strong>{' '}
                    <span className="badge role">{t(`assignmentRole.${a.role}`)}</span>{' '}
                    <span className={`badge assignment-${a.status}`}>
                      {t(`assignmentStatus.${a.status}`)}
                    </span>
                    {a.acceptedAt ? (
                      <span className="muted">
                        {' '}
                        · {t('case.acceptedAt', { at: formatDateTime(a.acceptedAt) })}
                      </span>
                    ) : null}
                  </li>
                ))}
              </ul>
            )}
          </section>

          {c.pendingExtension ? (
            <section
              className="card attention"
              aria-labelledby="extension-title"
              data-testid="pending-extension"
            >
              <h2 id="extension-title">{t('case.pendingExtension')}</h2>
              <p>
                {t('common.days', { days: c.pendingExtension.days })} ·{' '}
                <time dateTime={c.pendingExtension.at}>{formatDateTime(c.pendingExtension.at)}</time>
              </p>
              <p>{c.pendingExtension.reason}</p>
            </section>
          ) : null}

          {c.supervision ? <SupervisionCard supervision={c.supervision} /> : null}

          {c.reply ? (
            <section className="card" aria-labelledby="reply-title" data-testid="reply">
              <h2 id="reply-title">{t('case.reply')}</h2>
              <p>
                <span className="label">{t('case.outcome')}</span> {label('outcome', c.reply.outcome)} ·{' '}
                <time dateTime={c.reply.at}>{formatDateTime(c.reply.at)}</time>
              </p>
              <p className="reply-text">{c.reply.text}</p>
              {c.replyInternalSummary ? (
                <div data-testid="reply-internal-summary">
                  <h3>
                    {t('reply.internalSummaryTitle')} <span className="badge">{t('reply.internalSummaryNote')}</span>
                  </h3>
                  <p className="reply-text">{c.replyInternalSummary}</p>
                </div>
              ) : null}
            </section>
          ) : null}

          {c.callback ? (
            <section className="card" aria-labelledby="callback-title" data-testid="callback">
              <h2 id="callback-title">{t('case.callback')}</h2>
              <p>
                {label('resolved', c.callback.resolved)} · {label('satisfaction', c.callback.satisfaction)} ·{' '}
                <time dateTime={c.callback.at}>{formatDateTime(c.callback.at)}</time>
              </p>
              {c.callback.comment ? <p>{c.callback.comment}</p> : null}
            </section>
          ) : null}

          {c.rejection ? (
            <section className="card attention" aria-labelledby="rejection-title" data-testid="rejection">
              <h2 id="rejection-title">{t('case.rejection')}</h2>
              <p className="reply-text">{c.rejection.reason}</p>
              {c.rejection.advice ? (
                <>
                  <h3>{t('case.rejectionAdvice')}</h3>
                  <p className="reply-text">{c.rejection.advice}</p>
                </>
              ) : null}
            </section>
          ) : null}

          {c.rating ? (
            <section className="card" aria-labelledby="rating-title" data-testid="case-rating">
              <h2 id="rating-title">{t('case.rating')}</h2>
              <p>
                {label('resolved', c.rating.resolved)} · {label('satisfaction', c.rating.satisfaction)} ·{' '}
                <time dateTime={c.rating.at}>{formatDateTime(c.rating.at)}</time>
              </p>
              {c.rating.comment ? <p className="reply-text">{c.rating.comment}</p> : null}
            </section>
          ) : null}

          <section className="card" aria-labelledby="timeline-title">
            <h2 id="timeline-title">{t('case.timeline')}</h2>
            <CaseTimeline events={c.events} />
          </section>
        </div>

        <aside className="case-side">
          <ActionPanel caseData={c} onUpdated={onUpdated} onConflict={refresh} />
        </aside>
      </div>
    </div>
  );
}

/**
 * Personal data is shown masked; revealing it is a deliberate, audited step (the server records who and when).
 * A protected requester (举报人保护) is not shown to the handling units at all, and the card says why.
 */
function RequesterCard({
  caseId,
  requester,
  protection,
}: {
  caseId: string;
  requester: Requester | null;
  protection?: { isProtected: boolean; isWithheld: boolean };
}) {
  const { t, lang } = useI18n();
  const [full, setFull] = useState<Requester | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setFull(null);
    setError(null);
  }, [caseId]);
  const shown = full ?? requester;
  const hasData = shown && (shown.name || shown.phone || shown.idNumber || shown.email);
  const reveal = async () => {
    try {
      setFull(await revealRequester(caseId));
    } catch (e) {
      setError(errorMessage(e, lang));
    }
  };
  return (
    <section className="card" aria-labelledby="requester-title">
      <h2 id="requester-title">{t('case.requester')}</h2>
      {protection?.isWithheld ? (
        <p className="notice" role="note" data-testid="requester-withheld">
          {t('identity.withheld')}
        </p>
      ) : protection?.isProtected ? (
        <p className="notice" role="note" data-testid="identity-protected">
          {t('identity.protectedBadge')}
        </p>
      ) : null}
      {protection?.isWithheld ? null : shown && hasData ? (
        <>
          <dl className="facts" data-testid="requester" data-masked={full ? 'false' : 'true'}>
            {shown.name ? <Fact label={t('case.requesterName')}>{shown.name}</Fact> : null}
            {shown.phone ? (
              <Fact label={t('case.requesterPhone')}>
                {full ? <a href={`tel:${shown.phone}`}>{shown.phone}</a> : shown.phone}
              </Fact>
            ) : null}
            {shown.idNumber ? <Fact label={t('case.requesterId')}>{shown.idNumber}</Fact> : null}
            {shown.email ? <Fact label={t('case.requesterEmail')}>{shown.email}</Fact> : null}
          </dl>
          {full ? null : (
            <p>
              <button type="button" className="button" onClick={() => void reveal()} data-testid="reveal-requester">
                {t('case.revealRequester')}
              </button>{' '}
              <span className="muted">{t('case.revealAudited')}</span>
            </p>
          )}
          {error ? <ErrorBox message={error} testId="reveal-error" /> : null}
        </>
      ) : (
        <p className="muted">{t('case.anonymous')}</p>
      )}
    </section>
  );
}
