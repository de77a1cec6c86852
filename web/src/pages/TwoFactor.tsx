import { useEffect, useState, type FormEvent } from 'react';
import { enableTotp, getTotpStatus, setupTotp, type TotpStatus } from '../api/client';
import { usePageTitle } from '../components/common';
import { ErrorBox, Notice, TextField } from '../components/forms';
import { useI18n } from '../i18n/context';
import { errorMessage } from '../lib/errors';

/** Two-factor sign-in: set up an authenticator app, confirm with a code, keep the recovery codes. */
export function TwoFactorPage() {
  const { t, lang } = useI18n();
  usePageTitle(t('twoFactor.title'));
  const [status, setStatus] = useState<TotpStatus | null>(null);
  const [setup, setSetup] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [code, setCode] = useState('');
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    getTotpStatus().then(setStatus, (e: unknown) => setError(errorMessage(e, lang)));
  }, [lang]);

  const start = async () => {
    setError(null);
    try {
      setSetup(await setupTotp());
    } catch (e) {
      setError(errorMessage(e, lang));
    }
  };

  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const result = await enableTotp(code.trim());
      setRecoveryCodes(result.recoveryCodes);
      setStatus((s) => (s ? { ...s, isEnabled: true, enabledAt: result.enabledAt } : s));
    } catch (err) {
      setError(errorMessage(err, lang));
    }
  };

  return (
    <div className="narrow">
      <h1 tabIndex={-1}>{t('twoFactor.title')}</h1>
      <ErrorBox message={error} testId="two-factor-error" />
      {status?.isRequired && !status.isEnabled ? (
        <Notice testId="two-factor-required">{t('twoFactor.required')}</Notice>
      ) : null}
      {recoveryCodes ? (
        <section className="card" data-testid="recovery-codes">
          <p>{t('twoFactor.enabled')}</p>
          <p>{t('twoFactor.recoveryIntro')}</p>
          <ul className="recovery-codes" lang="en" translate="no">
            {recoveryCodes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ul>
          <a className="button primary" href="#/work">
            {t('twoFactor.done')}
          </a>
        </section>
      ) : status?.isEnabled ? (
        <Notice testId="two-factor-on">{t('twoFactor.isOn')}</Notice>
      ) : setup ? (
        <form className="form card" onSubmit={(e) => void confirm(e)} noValidate>
          <p>{t('twoFactor.scan')}</p>
          <p>
            <code className="totp-secret" lang="en" translate="no" data-testid="totp-secret">
              {setup.secret.replace(/(.{4})/g, '$1 ').trim()}
            </code>
          </p>
          <p className="muted small" lang="en" translate="no">
            {setup.otpauthUri}
          </p>
          <TextField
            id="totp-code"
            label={t('login.totpCode')}
            value={code}
            onChange={setCode}
            autoComplete="one-time-code"
            testId="totp-code"
          />
          <button type="submit" className="button primary large" data-testid="totp-enable">
            {t('twoFactor.confirm')}
          </button>
        </form>
      ) : status ? (
        <section className="card">
          <p>{t('twoFactor.intro')}</p>
          <button
            type="button"
            className="button primary large"
            onClick={() => void start()}
            data-testid="totp-setup"
          >
            {t('twoFactor.start')}
          </button>
        </section>
      ) : null}
    </div>
  );
}
