import { useEffect, useState } from 'react';
import { answerPublicQuestionnaire, getPublicQuestionnaire, type Answers, type Question } from '../../api/callbacks';
import { isAbortError } from '../../api/client';
import { useI18n } from '../../i18n/context';
import { errorMessage } from '../../lib/errors';
import { ErrorBox, Loading, Notice } from '../forms';
import { usePageTitle } from '../common';
import { QuestionnaireForm } from './QuestionnaireForm';

/** The requester's page behind a one-time link (`#/feedback?t=<token>`): no login, answered once. */
export function FeedbackPage({ token }: { token: string }) {
  const { t, lang } = useI18n();
  usePageTitle(t('callbacks.feedback.title'));
  const [data, setData] = useState<{ trackingNo: string; questions: Question[] } | null>(null);
  const [isInvalid, setInvalid] = useState(false);
  const [isDone, setDone] = useState(false);
  const [isBusy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    getPublicQuestionnaire(token, controller.signal)
      .then(setData)
      .catch((e: unknown) => {
        if (!isAbortError(e)) setInvalid(true);
      });
    return () => controller.abort();
  }, [token]);
  const submit = async (answers: Answers) => {
    setBusy(true);
    setError(null);
    try {
      await answerPublicQuestionnaire(token, answers);
      setDone(true);
    } catch (e) {
      setError(errorMessage(e, lang));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="feedback-title">
      <h1 id="feedback-title" tabIndex={-1}>{t('callbacks.feedback.title')}</h1>
      {isInvalid ? <Notice testId="feedback-invalid">{t('callbacks.feedback.invalid')}</Notice> : null}
      {isDone ? <Notice testId="feedback-thanks">{t('callbacks.feedback.thanks')}</Notice> : null}
      {!isInvalid && !isDone && !data ? <Loading /> : null}
      {data && !isDone ? (
        <>
          <p>{t('callbacks.feedback.intro', { trackingNo: data.trackingNo })}</p>
          <ErrorBox message={error} testId="feedback-error" />
          <QuestionnaireForm questions={data.questions} lang={lang} submitLabel={t('callbacks.feedback.submit')} isBusy={isBusy} onSubmit={(a) => void submit(a)} idPrefix="feedback" />
        </>
      ) : null}
    </section>
  );
}
