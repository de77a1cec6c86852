import { useCallback, useEffect, useState, type FormEvent } from 'react';
import {
  ATTEMPT_OUTCOMES, answerInCall, claimCallbackTask, createFeedbackLink, getCallbackTask, getCallScript, getTaskQuestionnaire, recordAttempt,
  releaseCallbackTask, type Answers, type Attempt, type AttemptOutcome, type QueueItem, type Questionnaire, type Resolved, type Satisfaction, type Script,
} from '../../api/callbacks';
import { isAbortError, revealRequester } from '../../api/client';
import { LANGS, type Lang, type Requester } from '../../api/types';
import { useI18n } from '../../i18n/context';
import type { MessageKey } from '../../i18n';
import { errorMessage } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { hrefFor } from '../../router';
import { useSession } from '../../session';
import { ErrorBox, Loading, Notice, RadioGroup, SelectField, TextAreaField } from '../forms';
import { CaseFollowUp } from './FollowUpViews';
import { QuestionnaireForm } from './QuestionnaireForm';

const LANGUAGE_NAMES: Record<Lang, string> = { 'zh-Hans': '中文', bo: 'བོད་ཡིག', en: 'English' };

/** The caller has started this callback and the claim still holds: the full name and number are for them. */
function isHeldBy(task: QueueItem, userId: string | null): boolean {
  return task.status === 'open' && userId !== null && task.claimedBy === userId && task.claimExpiresAt !== null && Date.parse(task.claimExpiresAt) > Date.now();
}

/** One callback: the script in the requester's language, name and phone (masked until the agent calling reveals them), the call buttons. */
export function TaskView({ taskId }: { taskId: string }) {
  const { t, lang } = useI18n();
  const session = useSession();
  const [data, setData] = useState<{ task: QueueItem; attempts: Attempt[] } | null>(null);
  const [scriptLang, setScriptLang] = useState<Lang | null>(null);
  const [script, setScript] = useState<Script | null>(null);
  const [questionnaire, setQuestionnaire] = useState<Questionnaire | null>(null);
  const [requester, setRequester] = useState<Requester | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const [isReached, setReached] = useState(false);
  const [note, setNote] = useState('');
  const [link, setLink] = useState<{ url: string; expiresAt: string } | null>(null);

  const me = session.user?.id ?? null;
  const load = useCallback(
    async (signal?: AbortSignal) => {
      try {
        const d = await getCallbackTask(taskId, signal);
        setData(d);
        setScriptLang((current) => current ?? d.task.language);
        // A later claim is a new call: its reveal is asked for (and audited) again.
        if (!isHeldBy(d.task, me)) setRequester(null);
      } catch (e) {
        if (!isAbortError(e)) setError(errorMessage(e, lang));
      }
    },
    [taskId, lang, me],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    getTaskQuestionnaire(taskId, controller.signal).then(setQuestionnaire).catch(() => undefined);
    return () => controller.abort();
  }, [load, taskId]);

  const isMine = data !== null && isHeldBy(data.task, me);
  // The full name and number are for the call: once the task is released, recorded or its claim has run out, they go.
  const revealed = isMine ? requester : null;
  const isFullNameShown = revealed !== null;

  useEffect(() => {
    if (!scriptLang) return;
    const controller = new AbortController();
    // Each script with the full name is an audited reveal: asked for only after the agent has revealed the requester.
    getCallScript(taskId, scriptLang, isFullNameShown ? 'full' : 'masked', controller.signal)
      .then(setScript)
      .catch((e: unknown) => {
        if (!isAbortError(e)) setError(errorMessage(e, lang));
      });
    return () => controller.abort();
  }, [taskId, scriptLang, lang, isFullNameShown]);

  const run = async (fn: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await fn();
      if (done) setNotice(done);
      await load();
    } catch (e) {
      setError(errorMessage(e, lang));
    } finally {
      setBusy(false);
    }
  };

  if (!data) return error ? <ErrorBox message={error} testId="callback-error" /> : <Loading />;
  const { task, attempts } = data;
  const isOpen = task.status === 'open';
  const hasPerson = task.hasPhone || task.nameMasked !== null;

  const attempt = (outcome: AttemptOutcome) => {
    if (outcome === 'reached') {
      setReached(true);
      return;
    }
    void run(() => recordAttempt(task.id, { outcome, note: note || undefined }).then(() => setNote('')), t('callbacks.saved'));
  };

  return (
    <div className="stack" data-testid="callback-task">
      <p>
        <a href={hrefFor('/work/callbacks')}>{t('callbacks.back')}</a>
      </p>
      <h1 tabIndex={-1}>
        {task.title} <span className="muted">{task.trackingNo}</span>
      </h1>
      <p data-testid="callback-status">
        <strong>{t(`callbacks.status.${task.status}` as MessageKey)}</strong>
        {' · '}
        {t('callbacks.dueAt', { at: formatDateTime(task.dueAt) })}
        {task.isOverdue ? <strong className="overdue-badge"> {t('callbacks.overdue')}</strong> : null}
        {' · '}
        {t('callbacks.attempts', { n: task.attemptCount })}
      </p>
      {task.nextAttemptAfter ? <Notice>{t('callbacks.nextAttemptAfter', { at: formatDateTime(task.nextAttemptAfter) })}</Notice> : null}
      <ErrorBox message={error} testId="callback-error" />
      {notice ? <Notice testId="callback-notice">{notice}</Notice> : null}

      <section className="card" aria-labelledby="cb-requester">
        <h2 id="cb-requester">{t('callbacks.requester')}</h2>
        <dl className="facts">
          {task.nameMasked || revealed?.name ? (
            <>
              <dt>{t('callbacks.requester')}</dt>
              <dd data-testid="callback-name" data-masked={revealed?.name ? 'false' : 'true'}>
                {revealed?.name ?? task.nameMasked}
              </dd>
            </>
          ) : null}
          <dt>{t('callbacks.phone')}</dt>
          <dd data-testid="callback-phone" data-masked={revealed ? 'false' : 'true'}>
            {revealed?.phone ? <a href={`tel:${revealed.phone}`} className="button large">{revealed.phone}</a> : (task.phoneMasked ?? '—')}
          </dd>
        </dl>
        {hasPerson && isMine && !revealed ? (
          <p>
            <button type="button" className="button" onClick={() => void run(async () => setRequester(await revealRequester(task.caseId)))} data-testid="callback-reveal">
              {t('callbacks.reveal')}
            </button>{' '}
            <span className="muted">{t('callbacks.revealAudited')}</span>
          </p>
        ) : null}
        {hasPerson && isOpen && !isMine ? (
          <p className="muted" data-testid="callback-reveal-after-claim">
            {t('callbacks.revealAfterClaim')}
          </p>
        ) : null}
        <p>
          <a href={hrefFor(`/work/cases/${task.caseId}`)}>{t('callbacks.openCase')}</a>
        </p>
      </section>

      <section className="card" aria-labelledby="cb-script">
        <h2 id="cb-script">{t('callbacks.script')}</h2>
        <SelectField
          id="cb-script-lang"
          label={t('callbacks.scriptLanguage')}
          value={scriptLang ?? task.language}
          onChange={(v) => setScriptLang(v as Lang)}
          options={LANGS.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
        />
        {script ? (
          <>
            <p
              lang={script.language}
              className="script-text"
              data-testid="callback-script"
              data-name={script.isNameWithheld ? 'withheld' : script.isNameRevealed ? 'full' : 'masked'}
              style={{ fontSize: '1.2rem', lineHeight: 1.8 }}
            >
              {script.text}
            </p>
            {!script.isNameWithheld && !script.isNameRevealed && task.nameMasked ? <p className="muted">{t('callbacks.scriptNameMasked')}</p> : null}
          </>
        ) : (
          <Loading />
        )}
        {task.replyText ? (
          <details>
            <summary>{t('callbacks.reply')}</summary>
            <p>{task.replyText}</p>
          </details>
        ) : null}
      </section>

      {isOpen ? (
        <section className="card" aria-labelledby="cb-call">
          <h2 id="cb-call">{t('callbacks.attemptTitle')}</h2>
          {!isMine ? (
            <div className="button-row">
              <button type="button" className="button primary large" disabled={isBusy} onClick={() => void run(() => claimCallbackTask(task.id))} data-testid="callback-claim">
                {t('callbacks.claim')}
              </button>
              {task.claimedByName && task.claimedBy !== me ? <span className="muted">{t('callbacks.claimedBy', { name: task.claimedByName })}</span> : null}
            </div>
          ) : (
            <>
              <p className="muted">{t('callbacks.claimedUntil', { at: formatDateTime(task.claimExpiresAt) })}</p>
              <TextAreaField id="cb-note" label={t('callbacks.note')} value={note} onChange={setNote} rows={2} maxLength={2000} optional />
              <div className="big-buttons" role="group" aria-label={t('callbacks.attemptTitle')}>
                {ATTEMPT_OUTCOMES.map((o) => (
                  <button
                    key={o}
                    type="button"
                    className={`big-button${o === 'reached' ? ' primary' : ''}`}
                    disabled={isBusy}
                    onClick={() => attempt(o)}
                    data-testid={`callback-outcome-${o}`}
                  >
                    <span className="big-button-title">{t(`callbacks.outcome.${o}` as MessageKey)}</span>
                  </button>
                ))}
              </div>
              <div className="button-row">
                <button type="button" className="button subtle" disabled={isBusy} onClick={() => void run(() => releaseCallbackTask(task.id))}>
                  {t('callbacks.release')}
                </button>
              </div>
              {isReached ? (
                <ResultForm
                  isBusy={isBusy}
                  onCancel={() => setReached(false)}
                  onSubmit={(result) =>
                    void run(() => recordAttempt(task.id, { outcome: 'reached', note: note || undefined, result }).then(() => setReached(false)), t('callbacks.saved'))
                  }
                />
              ) : null}
            </>
          )}
        </section>
      ) : null}

      {isOpen && questionnaire ? (
        <section className="card" aria-labelledby="cb-questionnaire">
          <h2 id="cb-questionnaire">{t('callbacks.questionnaire')}</h2>
          <QuestionnaireForm
            questions={questionnaire.questions}
            lang={scriptLang ?? lang}
            submitLabel={t('callbacks.saveAnswers')}
            isBusy={isBusy}
            idPrefix="cb-q"
            onSubmit={(answers: Answers) => void run(() => answerInCall(task.id, answers), t('callbacks.answersSaved'))}
          />
          <div className="button-row">
            <button
              type="button"
              className="button"
              disabled={isBusy}
              data-testid="callback-make-link"
              onClick={() =>
                void run(async () => {
                  const made = await createFeedbackLink(task.id);
                  setLink({ url: `${window.location.origin}${made.path}`, expiresAt: made.expiresAt });
                })
              }
            >
              {t('callbacks.makeLink')}
            </button>
          </div>
          {link ? (
            <p data-testid="callback-link">
              {t('callbacks.linkMade', { at: formatDateTime(link.expiresAt) })} <code>{link.url}</code>
            </p>
          ) : null}
        </section>
      ) : null}

      <CaseFollowUp caseId={task.caseId} />

      <section className="card" aria-labelledby="cb-history">
        <h2 id="cb-history">{t('callbacks.history')}</h2>
        {attempts.length === 0 ? (
          <p className="muted">—</p>
        ) : (
          <ol data-testid="callback-attempts">
            {attempts.map((a) => (
              <li key={a.id}>
                {formatDateTime(a.at)} · {t(`callbacks.channel.${a.channel}` as MessageKey)} · {t(`callbacks.outcome.${a.outcome}` as MessageKey)}
                {a.note ? ` · ${a.note}` : ''}
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}

function ResultForm(props: { isBusy: boolean; onCancel: () => void; onSubmit: (r: { resolved: Resolved; satisfaction: Satisfaction; comment?: string }) => void }) {
  const { t } = useI18n();
  const [resolved, setResolved] = useState('');
  const [satisfaction, setSatisfaction] = useState('');
  const [comment, setComment] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!resolved || !satisfaction) return;
    props.onSubmit({ resolved: resolved as Resolved, satisfaction: satisfaction as Satisfaction, comment: comment.trim() || undefined });
  };
  return (
    <form onSubmit={submit} aria-labelledby="cb-result" data-testid="callback-result-form">
      <h3 id="cb-result">{t('callbacks.resultTitle')}</h3>
      <RadioGroup
        id="cb-resolved"
        name="cb-resolved"
        label={t('callbacks.resolved')}
        value={resolved}
        onChange={setResolved}
        cards
        required
        testIdPrefix="cb-resolved"
        options={(['yes', 'partly', 'no'] as const).map((v) => ({ value: v, label: t(`resolved.${v}`) }))}
      />
      <RadioGroup
        id="cb-satisfaction"
        name="cb-satisfaction"
        label={t('callbacks.satisfaction')}
        value={satisfaction}
        onChange={setSatisfaction}
        cards
        required
        testIdPrefix="cb-satisfaction"
        options={(['satisfied', 'fairly_satisfied', 'dissatisfied'] as const).map((v) => ({ value: v, label: t(`satisfaction.${v}`) }))}
      />
      <TextAreaField id="cb-comment" label={t('callbacks.comment')} value={comment} onChange={setComment} rows={3} maxLength={2000} optional />
      <div className="button-row">
        <button type="submit" className="button primary large" disabled={props.isBusy || !resolved || !satisfaction} data-testid="callback-save-result">
          {t('callbacks.saveResult')}
        </button>
        <button type="button" className="button subtle" onClick={props.onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
