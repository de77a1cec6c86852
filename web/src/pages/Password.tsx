import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, getMe, login } from '../api/client';
import { changeOwnPassword } from '../api/users';
import { usePageTitle } from '../components/common';
import { ErrorBox, Loading, Notice, TextField } from '../components/forms';
import type { MessageKey } from '../i18n';
import { useI18n } from '../i18n/context';
import { errorMessage, focusFirstError } from '../lib/errors';
import { currentLocation, navigate } from '../router';
import { useSession } from '../session';

const PROBLEMS = ['too_short', 'too_long', 'contains_username', 'too_common', 'too_simple', 'same_as_current'] as const;

/** The server's reasons for refusing a new password, in the reader's language. */
function problemKeys(err: unknown): { current: MessageKey | null; next: MessageKey[] } {
  if (!(err instanceof ApiError) || err.code !== 'validation.failed') return { current: null, next: [] };
  const current = err.issues.some((i) => i.path === 'currentPassword') ? ('users.password.problem.wrong' as const) : null;
  const next = err.issues
    .filter((i) => i.path === 'newPassword')
    .map((i) => PROBLEMS.find((p) => p === i.message))
    .filter((p): p is (typeof PROBLEMS)[number] => p !== undefined)
    .map((p): MessageKey => `users.password.problem.${p}`);
  return { current, next };
}

/**
 * One's own password. Also where an account with a password set by an administrator lands: it can do nothing
 * else until its owner has chosen one. The server ends every session on a change, so the page signs in again
 * with the new password, and the person goes on without typing it twice more.
 */
export function PasswordPage() {
  const { t, lang } = useI18n();
  const { user, setUser, loading } = useSession();
  usePageTitle(t('users.password.title'));
  useEffect(() => {
    if (!loading && !user) navigate('/login', { next: currentLocation() }, { replace: true });
  }, [loading, user]);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [isBusy, setIsBusy] = useState(false);
  const [isDone, setIsDone] = useState(false);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!current) errs['password-current'] = t('form.required');
    if (!next) errs['password-new'] = t('form.required');
    if (next && again !== next) errs['password-again'] = t('users.password.mismatch');
    setErrors(errs);
    setError(null);
    if (Object.keys(errs).length > 0) {
      focusFirstError(['password-current', 'password-new', 'password-again'], errs);
      return;
    }
    setIsBusy(true);
    try {
      await changeOwnPassword(current, next);
      setIsDone(true);
      const username = user?.username;
      if (!username) {
        navigate('/login');
        return;
      }
      try {
        await login(username, next);
        setUser(await getMe({ notifyUnauthorized: false }));
        navigate('/work');
      } catch {
        // Two-step verification, or a lost connection: the person signs in on the sign-in page.
        setUser(null);
        navigate('/login');
      }
    } catch (err) {
      const problems = problemKeys(err);
      const fieldErrs: Record<string, string> = {};
      if (problems.current) fieldErrs['password-current'] = t(problems.current);
      if (problems.next.length > 0) fieldErrs['password-new'] = problems.next.map((k) => t(k)).join(' ');
      setErrors(fieldErrs);
      setError(Object.keys(fieldErrs).length > 0 ? null : errorMessage(err, lang));
      focusFirstError(['password-current', 'password-new'], fieldErrs);
    } finally {
      setIsBusy(false);
    }
  };

  if (loading || (!user && !isDone)) return <Loading />;

  // An account made by single sign-on has no password its owner could type as the current one.
  if (user?.hasPassword === false) {
    return (
      <div className="narrow">
        <h1 tabIndex={-1}>{t('users.password.title')}</h1>
        <Notice testId="password-none">{t('users.password.none')}</Notice>
      </div>
    );
  }

  return (
    <div className="narrow">
      <h1 tabIndex={-1}>{t('users.password.title')}</h1>
      {user?.mustChangePassword ? (
        <Notice testId="password-forced">{t(user.passwordChangeReason === 'expired' ? 'users.password.forcedExpired' : 'users.password.forced')}</Notice>
      ) : (
        <p>{t('users.password.intro')}</p>
      )}
      {isDone ? <Notice testId="password-done">{t('users.password.done')}</Notice> : null}
      <ErrorBox message={error} testId="password-error" />
      <form className="form card" onSubmit={(e) => void onSubmit(e)} noValidate data-testid="password-form">
        <input type="text" name="username" autoComplete="username" value={user?.username ?? ''} readOnly hidden />
        <TextField
          id="password-current"
          label={t('users.password.current')}
          hint={user?.mustChangePassword && user.passwordChangeReason !== 'expired' ? t('users.password.currentHint') : undefined}
          type="password"
          value={current}
          onChange={setCurrent}
          autoComplete="current-password"
          error={errors['password-current']}
          required
          testId="password-current"
        />
        <TextField
          id="password-new"
          label={t('users.password.new')}
          hint={t('users.password.newHint')}
          type="password"
          value={next}
          onChange={setNext}
          autoComplete="new-password"
          error={errors['password-new']}
          required
          testId="password-new"
        />
        <TextField
          id="password-again"
          label={t('users.password.confirm')}
          type="password"
          value={again}
          onChange={setAgain}
          autoComplete="new-password"
          error={errors['password-again']}
          required
          testId="password-again"
        />
        <button type="submit" className="button primary large" disabled={isBusy} data-testid="password-submit">
          {t('users.password.submit')}
        </button>
      </form>
    </div>
  );
}
