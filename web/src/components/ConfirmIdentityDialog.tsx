import { useCallback, useEffect, useRef, useState, type FormEvent, type SyntheticEvent } from 'react';
import { ssoStartUrl } from '../api/access';
import {
  ApiError,
  onReauthRequired,
  onUnauthorized,
  reauthenticate,
  type ReauthDetails,
} from '../api/client';
import type { Lang } from '../api/types';
import type { MessageKey, Vars } from '../i18n';
import { useI18n } from '../i18n/context';
import { errorMessage } from '../lib/errors';
import { reauthWayOf } from '../lib/reauth';
import { currentLocation } from '../router';
import { ErrorBox, TextField } from './forms';

const PASSWORD_ID = 'reauth-password';
const CODE_ID = 'reauth-code';

/** The field messages the server's issues stand for (POST /auth/reauth, 400 `validation.failed`). */
const ISSUE_MESSAGES: Record<string, MessageKey> = {
  'password:wrong password': 'reauth.wrongPassword',
  'password:no_password': 'reauth.noPassword',
  'totpCode:required': 'reauth.codeRequired',
  'totpCode:wrong_code': 'reauth.wrongCode',
};

interface Asking {
  details: ReauthDetails;
  resolve: (isConfirmed: boolean) => void;
}

type Problems = { password?: string; code?: string; form?: string };

/** The refusal of a confirmation, placed next to its field, in the reader's language. */
function problemsOf(err: unknown, t: (key: MessageKey, vars?: Vars) => string, lang: Lang): Problems {
  if (err instanceof ApiError && err.code === 'validation.failed' && err.issues.length > 0) {
    const out: Problems = {};
    for (const issue of err.issues) {
      const key = ISSUE_MESSAGES[`${issue.path}:${issue.message}`];
      const message = key ? t(key) : t('form.invalidField');
      if (issue.path === 'totpCode') out.code ??= message;
      else if (issue.path === 'password') out.password ??= message;
      else out.form ??= message;
    }
    return out;
  }
  if (err instanceof ApiError && err.code === 'auth.locked') {
    const seconds = err.details['retryAfterSeconds'];
    if (typeof seconds === 'number' && seconds > 60)
      return { form: t('reauth.locked', { minutes: Math.ceil(seconds / 60) }) };
    return { form: t('reauth.lockedShort') };
  }
  return { form: errorMessage(err, lang) };
}

/** Where single sign-on brings the user back: this staff page, since the server returns only to `/work…`. */
function ssoReturnTo(): string {
  const here = currentLocation();
  // The server brings a person back to the staff pages and their own account's pages only (signedInLandingOf).
  return /^\/(work|account)(?:[/?]|$)/.test(here) ? here : '/work';
}

/**
 * "Confirm it's you": mounted once at the app root, it answers the API client when a step needs a recent sign-in.
 * The refused request is sent again once the password (and code) is confirmed; a cancel hands the refusal back to
 * the page. A native modal <dialog> keeps keyboard focus inside it and turns Escape into a cancel.
 */
export function ConfirmIdentityDialog() {
  const { t, lang } = useI18n();
  const [asking, setAsking] = useState<Asking | null>(null);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [problems, setProblems] = useState<Problems>({});
  const [isBusy, setIsBusy] = useState(false);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  /** Where focus was before the dialog took it, to give it back on close. */
  const returnFocusRef = useRef<Element | null>(null);
  const askingRef = useRef<Asking | null>(null);

  const finish = useCallback((isConfirmed: boolean) => {
    const current = askingRef.current;
    if (!current) return;
    askingRef.current = null;
    dialogRef.current?.close();
    setAsking(null);
    setPassword('');
    setCode('');
    setProblems({});
    setIsBusy(false);
    current.resolve(isConfirmed);
    const back = returnFocusRef.current;
    returnFocusRef.current = null;
    if (back instanceof HTMLElement && back.isConnected) back.focus();
  }, []);

  useEffect(
    () =>
      onReauthRequired(
        (details) =>
          new Promise<boolean>((resolve) => {
            // The client asks once at a time; an older question still open is answered "no" rather than lost.
            askingRef.current?.resolve(false);
            const next = { details, resolve };
            askingRef.current = next;
            returnFocusRef.current = document.activeElement;
            setAsking(next);
          }),
      ),
    [],
  );

  // A session that ends meanwhile (signed out elsewhere) goes to the sign-in page: nothing left to confirm.
  useEffect(() => onUnauthorized(() => finish(false)), [finish]);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!asking || !dialog) return;
    if (!dialog.open) dialog.showModal();
    // React's autoFocus runs before the dialog is shown; focus the field once it can take focus.
    if (reauthWayOf(asking.details) === 'password') passwordRef.current?.focus();
  }, [asking]);

  useEffect(() => () => askingRef.current?.resolve(false), []);

  const onCancelEvent = (e: SyntheticEvent<HTMLDialogElement>) => {
    // Escape: close through our own path, so that the waiting request hears "no".
    e.preventDefault();
    finish(false);
  };

  // The browser may close a modal dialog by itself (a second Escape in a row cannot be refused): that is a cancel too.
  const onCloseEvent = () => {
    if (askingRef.current) finish(false);
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!asking || isBusy) return;
    const trimmedCode = code.trim();
    const missing: Problems = {};
    if (!password) missing.password = t('form.required');
    if (asking.details.hasTotp && !trimmedCode) missing.code = t('reauth.codeRequired');
    if (missing.password || missing.code) {
      setProblems(missing);
      document.getElementById(missing.password ? PASSWORD_ID : CODE_ID)?.focus();
      return;
    }
    setIsBusy(true);
    setProblems({});
    try {
      await reauthenticate(password, asking.details.hasTotp ? trimmedCode : undefined);
      finish(true);
    } catch (err) {
      if (!askingRef.current) return;
      setIsBusy(false);
      const found = problemsOf(err, t, lang);
      setProblems(found);
      if (found.password) {
        setPassword('');
        document.getElementById(PASSWORD_ID)?.focus();
      } else if (found.code) {
        setCode('');
        document.getElementById(CODE_ID)?.focus();
      }
    }
  };

  if (!asking) return null;
  const { details } = asking;
  const way = reauthWayOf(details);
  const cancelButton = (
    <button type="button" className="button large" onClick={() => finish(false)} data-testid="reauth-cancel">
      {t('reauth.cancel')}
    </button>
  );
  return (
    <dialog
      ref={dialogRef}
      className="reauth-dialog"
      aria-labelledby="reauth-title"
      aria-describedby="reauth-intro"
      onCancel={onCancelEvent}
      onClose={onCloseEvent}
      data-testid="reauth-dialog"
    >
      <h2 id="reauth-title">{t('reauth.title')}</h2>
      {way === 'password' ? (
        <form className="form" onSubmit={(e) => void onSubmit(e)} noValidate data-testid="reauth-form">
          <p id="reauth-intro" className="reauth-intro">
            {t('reauth.intro', { minutes: details.reauthMinutes })}
          </p>
          <TextField
            id={PASSWORD_ID}
            label={t('reauth.password')}
            type="password"
            value={password}
            onChange={setPassword}
            autoComplete="current-password"
            autoFocus
            inputRef={passwordRef}
            error={problems.password}
            testId="reauth-password"
          />
          {details.hasTotp ? (
            <TextField
              id={CODE_ID}
              label={t('reauth.code')}
              hint={t('reauth.codeHint')}
              value={code}
              onChange={setCode}
              inputMode="numeric"
              autoComplete="one-time-code"
              maxLength={32}
              error={problems.code}
              testId="reauth-code"
            />
          ) : null}
          <ErrorBox message={problems.form} testId="reauth-error" />
          <div className="button-row">
            <button
              type="submit"
              className="button primary large"
              disabled={isBusy}
              aria-busy={isBusy}
              data-testid="reauth-confirm"
            >
              {isBusy ? t('reauth.checking') : t('reauth.confirm')}
            </button>
            {cancelButton}
          </div>
          {/* Offered to every account: one with two-step verification gets in when the provider says it used a second factor itself. */}
          {details.canUseSso ? (
            <p className="reauth-sso-alt">
              {t('reauth.orSso')}{' '}
              <a href={ssoStartUrl(ssoReturnTo(), true)} data-testid="reauth-sso">
                {t('reauth.sso')}
              </a>
              <br />
              <span className="hint">{t('reauth.ssoAfter')}</span>
            </p>
          ) : null}
        </form>
      ) : way === 'sso' ? (
        <>
          <p id="reauth-intro" className="reauth-intro">
            {t('reauth.introSso')}
          </p>
          <p className="hint" data-testid="reauth-no-password">
            {t('reauth.noPassword')}
          </p>
          <div className="button-row">
            <a className="button primary large" href={ssoStartUrl(ssoReturnTo(), true)} data-testid="reauth-sso">
              {t('reauth.sso')}
            </a>
            {cancelButton}
          </div>
        </>
      ) : (
        <>
          {/* No password and no single sign-on: nothing here could confirm, so say so rather than ask. */}
          <p id="reauth-intro" className="reauth-intro" data-testid="reauth-ask-administrator">
            {t('reauth.askAdministrator')}
          </p>
          <div className="button-row">{cancelButton}</div>
        </>
      )}
    </dialog>
  );
}
