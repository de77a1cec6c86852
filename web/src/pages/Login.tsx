import { useEffect, useState, type FormEvent } from 'react';
import { getSsoInfo, ssoStartUrl, type SsoInfo } from '../api/access';
import { ApiError, getMe, login } from '../api/client';
import { usePageTitle } from '../components/common';
import { ErrorBox, Notice, TextField } from '../components/forms';
import { useI18n } from '../i18n/context';
import { errorMessage, focusFirstError } from '../lib/errors';
import { useRoute } from '../router';
import { useSession } from '../session';

/** Only go back to a staff page of this app after a login. */
export function safeNext(next: string | null): string {
  if (next && next.startsWith('/work')) return next;
  return '/work';
}

/** The message for a failed single sign-on (`#/login?ssoError=…&ssoReason=…`, set by the server's callback). */
function ssoErrorKey(code: string | null, reason: string | null) {
  if (!code) return null;
  if (reason === 'state_invalid' || reason === 'state_expired') return 'access.sso.expired' as const;
  if (reason === 'unknown_user' || reason === 'service_account') return 'access.sso.unknownUser' as const;
  if (reason === 'inactive_user') return 'access.sso.inactive' as const;
  if (reason === 'second_factor_required') return 'access.sso.secondFactor' as const;
  if (reason === 'not_asked_again') return 'access.sso.notAskedAgain' as const;
  return 'access.sso.failed' as const;
}

export function LoginPage() {
  const { t, lang } = useI18n();
  const { setUser, expired } = useSession();
  const route = useRoute();
  usePageTitle(t('login.title'));

  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  // Asked for only after the server says the account has two-factor sign-in.
  const [needsCode, setNeedsCode] = useState(false);
  const [code, setCode] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [sso, setSso] = useState<SsoInfo | null>(null);
  const ssoError = ssoErrorKey(route.query.get('ssoError'), route.query.get('ssoReason'));

  useEffect(() => {
    const controller = new AbortController();
    // Single sign-on is optional: without it (or if asking fails) the page is the plain password form.
    getSsoInfo(controller.signal).then(setSso, () => setSso(null));
    return () => controller.abort();
  }, []);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!username.trim()) errs['login-username'] = t('form.required');
    if (!password) errs['login-password'] = t('form.required');
    setErrors(errs);
    setError(null);
    if (Object.keys(errs).length > 0) {
      focusFirstError(['login-username', 'login-password'], errs);
      return;
    }
    setBusy(true);
    try {
      const res = await login(username.trim(), password, needsCode ? code.trim() : undefined);
      let me = res.user;
      try {
        me = await getMe({ notifyUnauthorized: false });
      } catch {
        // the login answer already carries the user
      }
      setUser(me);
      // A password set by an administrator is replaced first; two-step verification is set up after it.
      window.location.hash = res.user.mustChangePassword
        ? '#/account/password'
        : res.mustEnrollTotp
          ? '#/account/two-factor'
          : `#${safeNext(route.query.get('next'))}`;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'auth.totp_required') {
        setNeedsCode(true);
        setError(null);
        setTimeout(() => document.getElementById('login-totp')?.focus(), 0);
        return;
      }
      setError(errorMessage(err, lang));
      if (err instanceof ApiError && err.code === 'auth.totp_invalid') {
        setCode('');
        document.getElementById('login-totp')?.focus();
        return;
      }
      setPassword('');
      document.getElementById('login-password')?.focus();
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="narrow login">
      <h1 tabIndex={-1}>{t('login.title')}</h1>
      {expired ? <Notice testId="session-expired">{t('login.sessionExpired')}</Notice> : null}
      <ErrorBox message={ssoError ? t(ssoError) : null} testId="sso-error" />
      {sso?.isEnabled ? (
        <div className="card sso">
          <a className="button primary large" href={ssoStartUrl(safeNext(route.query.get('next')))} data-testid="sso-login">
            {t('access.sso.button', { provider: sso.providerName ?? '' })}
          </a>
          <p className="muted">{t('access.sso.or')}</p>
        </div>
      ) : null}
      <form onSubmit={(e) => void onSubmit(e)} noValidate className="form card" data-testid="login-form">
        <TextField
          id="login-username"
          label={t('login.username')}
          value={username}
          onChange={setUsername}
          autoComplete="username"
          autoFocus
          error={errors['login-username']}
          testId="login-username"
        />
        <TextField
          id="login-password"
          label={t('login.password')}
          type="password"
          value={password}
          onChange={setPassword}
          autoComplete="current-password"
          error={errors['login-password']}
          testId="login-password"
        />
        {needsCode ? (
          <TextField
            id="login-totp"
            label={t('login.totpCode')}
            value={code}
            onChange={setCode}
            autoComplete="one-time-code"
            hint={t('login.totpHint')}
            testId="login-totp"
          />
        ) : null}
        <ErrorBox message={error} testId="login-error" />
        <button type="submit" className="button primary large" disabled={busy} data-testid="login-submit">
          {busy ? t('common.submitting') : t('login.submit')}
        </button>
      </form>
    </div>
  );
}
