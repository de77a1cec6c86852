import { useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import { ApiError, getPublicCase, isAbortError, ratePublicCase } from '../api/client';
import { addPublicInformation, requestPublicReopen, setPublicConsent } from '../api/workflow';
import {
  RESOLVED_VALUES,
  SATISFACTIONS,
  type PublicCase,
  type Resolved,
  type Satisfaction,
} from '../api/types';
import { StatusBadge, usePageTitle } from '../components/common';
import { ErrorBox, Notice, RadioGroup, TextAreaField, TextField } from '../components/forms';
import { PublicTimeline } from '../components/Timeline';
import { translate } from '../i18n';
import { useI18n } from '../i18n/context';
import { errorMessage, focusFirstError, mapIssues } from '../lib/errors';
import { formatDate, formatDateTime } from '../lib/format';
import { useRoute } from '../router';

function labelOr(tMaybe: (k: string) => string | undefined, prefix: string, v: string): string {
  return tMaybe(`${prefix}.${v}`) ?? v;
}

/** The tracking number as the server normalises it (src/core/case/tracking-number.ts). */
function canonicalTrackingNo(typed: string): string {
  return typed
    .trim()
    .replace(/[\uFF10-\uFF19]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[\s\-_.·]/g, '');
}

export function TrackPage() {
  const { t, tMaybe, lang } = useI18n();
  const route = useRoute();
  usePageTitle(t('track.title'));

  const prefillNo = route.query.get('no') ?? '';
  const prefillCode = route.query.get('code') ?? '';
  const [trackingNo, setTrackingNo] = useState(prefillNo);
  const [accessCode, setAccessCode] = useState(prefillCode);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [found, setFound] = useState<PublicCase | null>(null);
  /** What to look up; a prefilled link (#/track?no=…&code=…) is looked up straight away. */
  const [key, setKey] = useState<{ no: string; code: string } | null>(() =>
    prefillNo && prefillCode ? { no: canonicalTrackingNo(prefillNo), code: prefillCode } : null,
  );
  const focusResult = useRef(true);
  const resultRef = useRef<HTMLHeadingElement>(null);

  // Looks up again when the language changes, so that category names follow it.
  useEffect(() => {
    if (!key) return;
    const ctrl = new AbortController();
    setBusy(true);
    setError(null);
    getPublicCase(key.no, key.code, ctrl.signal)
      .then((pc) => {
        setFound(pc);
        if (focusResult.current) window.setTimeout(() => resultRef.current?.focus(), 0);
        focusResult.current = false;
      })
      .catch((err: unknown) => {
        if (isAbortError(err)) return;
        setFound(null);
        const notFound = err instanceof ApiError && (err.status === 404 || err.status === 403);
        setError(notFound ? translate(lang, 'track.notFound') : errorMessage(err, lang));
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setBusy(false);
      });
    return () => ctrl.abort();
  }, [key, lang]);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!trackingNo.trim()) errs['track-no'] = t('form.required');
    if (!accessCode.trim()) errs['track-code'] = t('form.required');
    setErrors(errs);
    if (Object.keys(errs).length > 0) {
      focusFirstError(['track-no', 'track-code'], errs);
      return;
    }
    focusResult.current = true;
    // Written as the server writes it (no spaces or dashes, half-width digits), so that the browser's device
    // cookie for this case, kept under the number's own path, goes with the request.
    setKey({ no: canonicalTrackingNo(trackingNo), code: accessCode.trim() });
  };

  return (
    <div className="narrow">
      <h1 tabIndex={-1}>{t('track.title')}</h1>
      <p className="lead">{t('track.intro')}</p>
      <form onSubmit={onSubmit} noValidate className="form track-form" data-testid="track-form">
        <div className="form-row">
          <TextField
            id="track-no"
            label={t('codes.trackingNo')}
            value={trackingNo}
            onChange={setTrackingNo}
            autoComplete="off"
            error={errors['track-no']}
            testId="track-no"
            lang="en"
          />
          <TextField
            id="track-code"
            label={t('codes.accessCode')}
            value={accessCode}
            onChange={setAccessCode}
            autoComplete="off"
            error={errors['track-code']}
            testId="track-code"
            lang="en"
          />
        </div>
        <button type="submit" className="button primary large" disabled={busy} data-testid="track-submit">
          {t('track.submit')}
        </button>
      </form>
      <ErrorBox message={error} testId="track-error" />
      {found && key ? (
        <TrackResult
          pc={found}
          accessCode={key.code}
          headingRef={resultRef}
          onRated={setFound}
          labelOf={(p, v) => labelOr(tMaybe, p, v)}
        />
      ) : null}
    </div>
  );
}

function TrackResult({
  pc,
  accessCode,
  headingRef,
  onRated,
  labelOf,
}: {
  pc: PublicCase;
  accessCode: string;
  headingRef: RefObject<HTMLHeadingElement | null>;
  onRated: (pc: PublicCase) => void;
  labelOf: (prefix: string, value: string) => string;
}) {
  const { t } = useI18n();
  const [justRated, setJustRated] = useState(false);
  const [justSent, setJustSent] = useState<'reopen' | 'info' | null>(null);
  const sent = (kind: 'reopen' | 'info') => (updated: PublicCase) => {
    setJustSent(kind);
    onRated(updated);
  };
  return (
    <section className="card track-result" aria-labelledby="track-result-title" data-testid="track-result">
      <h2 id="track-result-title" ref={headingRef} tabIndex={-1}>
        <span lang="en" translate="no" data-testid="tracking-no">
          {pc.trackingNo}
        </span>{' '}
        · {pc.title}
      </h2>
      <div className="status-block">
        <span className="label">{t('track.status')}</span>{' '}
        {pc.publicStatus ? (
          // The honest status: what the requester's own answer says, never the internal step.
          <span
            className={`badge public-status-${pc.publicStatus}`}
            data-testid="public-status"
            data-status={pc.publicStatus}
          >
            {t(`workflow.publicStatus.${pc.publicStatus}`)}
          </span>
        ) : (
          <StatusBadge status={pc.status} />
        )}
        <p className="status-explain" data-testid="status-explain">
          {pc.publicStatus
            ? t(`workflow.publicStatusText.${pc.publicStatus}`)
            : t(`statusPublic.${pc.status}`)}
        </p>
        {pc.waitingFor ? (
          <div className="notice waiting-for" role="note" data-testid="waiting-for">
            <strong>{t('workflow.track.waitingFor')}</strong> <span>{pc.waitingFor}</span>
            {pc.waitingUntil ? (
              <p data-testid="waiting-until">{t('workflow.track.waitingUntil', { endsAt: formatDate(pc.waitingUntil) })}</p>
            ) : null}
          </div>
        ) : null}
        {pc.reopen?.state === 'declined' && pc.reopen.note ? (
          <p className="reopen-declined" data-testid="reopen-declined">
            <strong>{t('workflow.track.reopenDeclined')}</strong> {pc.reopen.note}
          </p>
        ) : null}
      </div>
      {justSent === 'info' ? <Notice testId="info-thanks">{t('workflow.track.infoThanks')}</Notice> : null}
      {pc.waitingFor && justSent !== 'info' ? (
        <PublicTextForm
          kind="info"
          trackingNo={pc.trackingNo}
          accessCode={accessCode}
          onSent={sent('info')}
        />
      ) : null}
      <dl className="facts">
        <div>
          <dt>{t('track.kind')}</dt>
          <dd>{t(`kind.${pc.kind}`)}</dd>
        </div>
        {pc.category ? (
          <div>
            <dt>{t('track.category')}</dt>
            <dd>{pc.category.name}</dd>
          </div>
        ) : null}
        <div>
          <dt>{t('track.submittedAt')}</dt>
          <dd>{formatDateTime(pc.createdAt)}</dd>
        </div>
      </dl>

      <h3>{t('track.reply')}</h3>
      {pc.reply ? (
        <div className="reply" data-testid="reply">
          <p className="reply-outcome">
            <span className="label">{t('track.outcome')}</span> {labelOf('outcome', pc.reply.outcome)} ·{' '}
            <time dateTime={pc.reply.at}>{formatDateTime(pc.reply.at)}</time>
          </p>
          <p className="reply-text">{pc.reply.text}</p>
        </div>
      ) : (
        <p className="muted" data-testid="no-reply">
          {t('track.noReply')}
        </p>
      )}

      {pc.rating ? (
        <p className="rated" data-testid="rating">
          {t('track.rated', {
            resolved: labelOf('resolved', pc.rating.resolved),
            satisfaction: labelOf('satisfaction', pc.rating.satisfaction),
            at: formatDateTime(pc.rating.at),
          })}
        </p>
      ) : null}

      {justRated ? (
        <Notice testId="rating-thanks">{t('track.rateThanks')}</Notice>
      ) : pc.canRate ? (
        <RatingForm
          trackingNo={pc.trackingNo}
          accessCode={accessCode}
          onRated={(updated) => {
            setJustRated(true);
            onRated(updated);
          }}
        />
      ) : null}

      {justSent === 'reopen' ? (
        <Notice testId="reopen-thanks">{t('workflow.track.reopenThanks')}</Notice>
      ) : pc.canRequestReopen ? (
        <PublicTextForm kind="reopen" trackingNo={pc.trackingNo} accessCode={accessCode} onSent={sent('reopen')} />
      ) : null}

      {pc.isIdentityProtected ? <Notice testId="track-identity-protected">{t('identity.trackProtected')}</Notice> : null}

      {pc.publicationConsent ? (
        <ConsentPanel pc={pc} consent={pc.publicationConsent} accessCode={accessCode} onChanged={onRated} />
      ) : null}

      <h3>{t('track.timeline')}</h3>
      <PublicTimeline items={pc.timeline} />
    </section>
  );
}

/**
 * The requester's consent to anonymised publication, and one button to change it: withdrawing takes the
 * request off the open-data page, at any time, also after the case is closed.
 */
function ConsentPanel({
  pc,
  consent,
  accessCode,
  onChanged,
}: {
  pc: PublicCase;
  consent: 'granted' | 'refused' | 'not_asked';
  accessCode: string;
  onChanged: (pc: PublicCase) => void;
}) {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<'granted' | 'refused' | null>(null);
  // Never asked (an older case, a phone intake): both answers are offered, so that a refusal is one step too.
  const choices: ('granted' | 'refused')[] = consent === 'not_asked' ? ['granted', 'refused'] : [consent === 'granted' ? 'refused' : 'granted'];

  const change = async (next: 'granted' | 'refused') => {
    setBusy(true);
    setError(null);
    try {
      const updated = await setPublicConsent(pc.trackingNo, { accessCode, consent: next });
      setSaved(next);
      onChanged(updated);
    } catch (err) {
      setError(errorMessage(err, lang));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="consent-panel" aria-labelledby="consent-title" data-testid="consent-panel" data-consent={consent}>
      <h3 id="consent-title">{t('consent.trackTitle')}</h3>
      <p data-testid="consent-state">{t(`consent.track.${consent}`)}</p>
      {saved ? <Notice testId="consent-saved">{t(`consent.saved.${saved}`)}</Notice> : null}
      <ErrorBox message={error} testId="consent-error" />
      <div className="button-row">
        {choices.map((next) => (
          <button key={next} type="button" className="button large" disabled={busy} onClick={() => void change(next)} data-testid={`consent-${next}`}>
            {busy ? t('common.submitting') : t(next === 'refused' ? 'consent.withdraw' : 'consent.grant')}
          </button>
        ))}
      </div>
    </section>
  );
}

/**
 * One free-text request from the requester: "not solved, reopen" (reason) or the information they were asked
 * for (text). Large controls, labelled, errors announced and focused, like the rating form.
 */
function PublicTextForm({
  kind,
  trackingNo,
  accessCode,
  onSent,
}: {
  kind: 'reopen' | 'info';
  trackingNo: string;
  accessCode: string;
  onSent: (pc: PublicCase) => void;
}) {
  const { t, lang } = useI18n();
  const [text, setText] = useState('');
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const id = `${kind}-text`;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!text.trim()) {
      setFieldError(t('form.required'));
      focusFirstError([id], { [id]: 'required' });
      return;
    }
    setFieldError(undefined);
    setBusy(true);
    try {
      const pc =
        kind === 'reopen'
          ? await requestPublicReopen(trackingNo, { accessCode, reason: text.trim() })
          : await addPublicInformation(trackingNo, { accessCode, text: text.trim() });
      onSent(pc);
    } catch (err) {
      const mapped = mapIssues(err, { reason: id, text: id }, lang);
      setFieldError(mapped.fields[id]);
      setError([errorMessage(err, lang), ...mapped.other].join(' '));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={(e) => void onSubmit(e)}
      noValidate
      className={`form ${kind}-form`}
      aria-labelledby={`${kind}-title`}
      data-testid={`${kind}-form`}
    >
      <h3 id={`${kind}-title`}>{t(kind === 'reopen' ? 'workflow.track.reopenTitle' : 'workflow.track.infoTitle')}</h3>
      {kind === 'reopen' ? <p className="hint">{t('workflow.track.reopenIntro')}</p> : null}
      <TextAreaField
        id={id}
        label={t(kind === 'reopen' ? 'workflow.track.reopenLabel' : 'workflow.track.infoLabel')}
        required
        value={text}
        onChange={setText}
        error={fieldError}
        testId={`${kind}-text`}
      />
      <ErrorBox message={error} testId={`${kind}-error`} />
      <button type="submit" className="button primary large" disabled={busy} data-testid={`${kind}-submit`}>
        {busy
          ? t('common.submitting')
          : t(kind === 'reopen' ? 'workflow.track.reopenSubmit' : 'workflow.track.infoSubmit')}
      </button>
    </form>
  );
}

function RatingForm({
  trackingNo,
  accessCode,
  onRated,
}: {
  trackingNo: string;
  accessCode: string;
  onRated: (pc: PublicCase) => void;
}) {
  const { t, lang } = useI18n();
  const [resolved, setResolved] = useState<Resolved | ''>('');
  const [satisfaction, setSatisfaction] = useState<Satisfaction | ''>('');
  const [comment, setComment] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!resolved) errs['rate-resolved'] = t('form.choose');
    if (!satisfaction) errs['rate-satisfaction'] = t('form.choose');
    setErrors(errs);
    setError(null);
    if (!resolved || !satisfaction) {
      focusFirstError(['rate-resolved', 'rate-satisfaction'], errs);
      return;
    }
    setBusy(true);
    try {
      const pc = await ratePublicCase(trackingNo, {
        accessCode,
        resolved,
        satisfaction,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      });
      onRated(pc);
    } catch (err) {
      const mapped = mapIssues(
        err,
        {
          resolved: 'rate-resolved',
          satisfaction: 'rate-satisfaction',
          comment: 'rate-comment',
        },
        lang,
      );
      setErrors(mapped.fields);
      setError([errorMessage(err, lang), ...mapped.other].join(' '));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      onSubmit={(e) => void onSubmit(e)}
      noValidate
      className="form rating-form"
      data-testid="rating-form"
    >
      <h3>{t('track.rateTitle')}</h3>
      <p className="hint">{t('track.rateIntro')}</p>
      <RadioGroup
        id="rate-resolved"
        name="resolved"
        label={t('track.resolvedQuestion')}
        required
        cards
        value={resolved}
        onChange={(v) => setResolved(v as Resolved)}
        options={RESOLVED_VALUES.map((v) => ({ value: v, label: t(`resolved.${v}`) }))}
        error={errors['rate-resolved']}
        testIdPrefix="rating-resolved"
      />
      <RadioGroup
        id="rate-satisfaction"
        name="satisfaction"
        label={t('track.satisfactionQuestion')}
        required
        cards
        value={satisfaction}
        onChange={(v) => setSatisfaction(v as Satisfaction)}
        options={SATISFACTIONS.map((v) => ({ value: v, label: t(`satisfaction.${v}`) }))}
        error={errors['rate-satisfaction']}
        testIdPrefix="rating-satisfaction"
      />
      <TextAreaField
        id="rate-comment"
        label={t('track.comment')}
        optional
        value={comment}
        onChange={setComment}
        error={errors['rate-comment']}
        testId="rating-comment"
      />
      <ErrorBox message={error} testId="rating-error" />
      <button type="submit" className="button primary large" disabled={busy} data-testid="rating-submit">
        {busy ? t('common.submitting') : t('track.rateSubmit')}
      </button>
    </form>
  );
}
