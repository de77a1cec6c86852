import { useCallback, useEffect, useRef, useState } from 'react';
import { isAbortError } from '../api/client';
import {
  endOtherOwnSessions,
  endOwnSession,
  listOwnSessions,
  type OwnSessions,
  type Session,
} from '../api/sessions';
import { usePageTitle } from '../components/common';
import { ErrorBox, Loading, Notice } from '../components/forms';
import { deviceName, SessionList } from '../components/SessionList';
import type { MessageKey, Vars } from '../i18n';
import { useI18n } from '../i18n/context';
import { errorMessage } from '../lib/errors';
import { navigate } from '../router';
import { useSession } from '../session';

/** A message kept as its key, so that it follows a change of language while it is on screen. */
type Said = { key: MessageKey; vars?: Vars };

/**
 * One's own signed-in devices (docs/access.md, "Sessions"): where am I signed in, sign out the phone I lost, or
 * every other device at once. Signing out this device here is the same as the sign-out in the header.
 */
export function SessionsPage() {
  const { t, lang } = useI18n();
  const { setUser } = useSession();
  usePageTitle(t('sessions.title'));

  const [data, setData] = useState<OwnSessions | null>(null);
  /** Kept as thrown, so that its message follows the reader's language. */
  const [failure, setFailure] = useState<unknown>(null);
  const [notice, setNotice] = useState<Said | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const [isConfirming, setIsConfirming] = useState(false);
  const [isEndingOthers, setIsEndingOthers] = useState(false);
  const endOthersRef = useRef<HTMLButtonElement>(null);

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      setData(await listOwnSessions(signal));
    } catch (err) {
      if (!isAbortError(err) && !signal?.aborted) setFailure(err);
    }
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const onEnd = async (session: Session) => {
    setFailure(null);
    setNotice(null);
    setBusyId(session.id);
    try {
      await endOwnSession(session.id);
      if (session.isCurrent) {
        // As the header's sign-out: the server has cleared the cookie; the person lands on the sign-in page.
        navigate('/login');
        setUser(null);
        return;
      }
      setNotice({ key: 'sessions.ended', vars: { device: deviceName(t, session.device) } });
    } catch (err) {
      setFailure(err);
    } finally {
      setBusyId(null);
    }
    // Also after a failure: a device already signed out elsewhere leaves the list.
    await load();
  };

  const onEndOthers = async () => {
    setFailure(null);
    setNotice(null);
    setIsEndingOthers(true);
    try {
      const { endedSessions } = await endOtherOwnSessions();
      setNotice({ key: 'sessions.endedOthers', vars: { n: endedSessions } });
      setIsConfirming(false);
    } catch (err) {
      setFailure(err);
    } finally {
      setIsEndingOthers(false);
    }
    await load();
  };

  const onCancel = () => {
    setIsConfirming(false);
    // Back where the person was, rather than at the top of the page.
    window.setTimeout(() => endOthersRef.current?.focus(), 0);
  };

  // The device in the person's hand first; the others as the server sorts them, the latest used first.
  const items = data ? [...data.items].sort((a, b) => Number(b.isCurrent) - Number(a.isCurrent)) : [];
  const others = items.filter((s) => !s.isCurrent).length;
  const idle = data
    ? data.idleMinutes % 60 === 0
      ? t('sessions.idleHours', { hours: data.idleMinutes / 60 })
      : t('sessions.idleMinutes', { minutes: data.idleMinutes })
    : null;

  return (
    <div className="narrow sessions-page" data-testid="sessions-page">
      <h1 tabIndex={-1}>{t('sessions.title')}</h1>
      <p className="lead">{t('sessions.intro')}</p>
      {idle ? <p data-testid="sessions-idle">{idle}</p> : null}
      <p>
        <a href="#/account/password">{t('users.myPassword')}</a>
      </p>
      <ErrorBox message={failure === null ? null : errorMessage(failure, lang)} testId="sessions-error" />
      {notice ? <Notice testId="sessions-ended-notice">{t(notice.key, notice.vars)}</Notice> : null}

      <section className="card session-others" aria-labelledby="sessions-others-title">
        <h2 id="sessions-others-title">{t('sessions.endOthersTitle')}</h2>
        {data && others === 0 ? (
          <p data-testid="sessions-no-others">{t('sessions.noOthers')}</p>
        ) : (
          <p>{t('sessions.endOthersHint')}</p>
        )}
        {isConfirming ? (
          <div
            className="confirm-box"
            role="group"
            aria-labelledby="sessions-confirm-text"
            data-testid="sessions-end-others-confirm-box"
          >
            <p id="sessions-confirm-text">{t('sessions.confirmOthers', { n: others })}</p>
            <div className="button-row">
              <button
                type="button"
                className="button primary large danger"
                onClick={() => void onEndOthers()}
                disabled={isEndingOthers}
                aria-busy={isEndingOthers}
                data-testid="sessions-end-others-confirm"
              >
                {t('sessions.confirmYes')}
              </button>
              <button
                type="button"
                className="button large"
                onClick={onCancel}
                autoFocus
                data-testid="sessions-end-others-cancel"
              >
                {t('sessions.confirmNo')}
              </button>
            </div>
          </div>
        ) : (
          <button
            type="button"
            ref={endOthersRef}
            className="button large"
            onClick={() => setIsConfirming(true)}
            disabled={!data || others === 0}
            data-testid="sessions-end-others"
          >
            {t('sessions.endOthers')}
          </button>
        )}
      </section>

      <section aria-labelledby="sessions-list-title">
        <h2 id="sessions-list-title">
          {t('sessions.listTitle')}
          {data ? <span className="muted"> · {t('sessions.count', { n: items.length })}</span> : null}
        </h2>
        {data === null ? (
          failure === null ? (
            <Loading />
          ) : null
        ) : items.length === 0 ? (
          <p data-testid="sessions-empty">{t('sessions.empty')}</p>
        ) : (
          <SessionList
            sessions={items}
            rowTestId="session-row"
            onEnd={(s) => void onEnd(s)}
            busyId={busyId}
          />
        )}
      </section>
    </div>
  );
}
