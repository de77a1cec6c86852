import { useCallback, useEffect, useState, type FormEvent } from 'react';
import {
  API_TOKEN_MAX_DAYS, createApiToken, createServiceAccount, deactivateServiceAccount, listApiTokens, listServiceAccounts, NON_DELEGABLE,
  revokeApiToken, rotateApiToken, type ApiToken, type ServiceAccount,
} from '../api/access';
import { ApiError } from '../api/client';
import { unitOptions, usePageTitle } from '../components/common';
import { CheckboxField, ErrorBox, Loading, Notice, SelectField, TextAreaField, TextField } from '../components/forms';
import { useI18n } from '../i18n/context';
import { errorMessage } from '../lib/errors';
import { useRefData } from '../refdata';
import { useSession } from '../session';

const STAFF_ROLES = ['agent', 'dispatcher', 'unit_handler', 'unit_leader', 'supervisor'] as const;

/** Field messages of a 400, by the last part of the path (`body.allowedIps.0` → allowedIps). */
function fieldIssues(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (err instanceof ApiError && err.code === 'validation.failed') {
    for (const issue of err.issues) {
      const field = issue.path.split('.')[0] ?? '';
      if (field && !out[field]) out[field] = issue.message;
    }
  }
  return out;
}

function formatTime(value: string | null, lang: string, never: string): string {
  if (!value) return never;
  return new Date(value).toLocaleString(lang === 'bo' ? 'zh-CN' : lang, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The secret of a token just made or rotated: shown once, with a copy button. */
function SecretBox({ secret, onDone }: { secret: string; onDone: () => void }) {
  const { t } = useI18n();
  const [isCopied, setIsCopied] = useState(false);
  return (
    <section className="card" aria-labelledby="token-secret-title" data-testid="token-secret">
      <h2 id="token-secret-title">{t('access.secretLabel')}</h2>
      <Notice>{t('access.secretOnce')}</Notice>
      <p>
        <code className="totp-secret" lang="en" translate="no" data-testid="token-secret-value">
          {secret}
        </code>
      </p>
      <div className="actions">
        <button
          type="button"
          className="button"
          onClick={() => {
            void navigator.clipboard?.writeText(secret).then(() => setIsCopied(true));
          }}
        >
          {isCopied ? t('access.copied') : t('access.copy')}
        </button>
        <button type="button" className="button primary" onClick={onDone} data-testid="token-secret-done">
          {t('access.done')}
        </button>
      </div>
    </section>
  );
}

/** API tokens and service accounts (docs/access.md): administrators with integration.manage. */
export function ApiTokensPage() {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const { units } = useRefData();
  usePageTitle(t('access.title'));

  const [tokens, setTokens] = useState<ApiToken[] | null>(null);
  const [accounts, setAccounts] = useState<ServiceAccount[]>([]);
  const [showInactive, setShowInactive] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);

  // New token form.
  const [name, setName] = useState('');
  const [ownerId, setOwnerId] = useState('');
  const [permissions, setPermissions] = useState<string[]>([]);
  const [unitId, setUnitId] = useState('');
  const [days, setDays] = useState('90');
  const [ips, setIps] = useState('');
  const [tokenErrors, setTokenErrors] = useState<Record<string, string>>({});

  // New service account form.
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [accountUnitId, setAccountUnitId] = useState('');
  const [description, setDescription] = useState('');
  const [accountErrors, setAccountErrors] = useState<Record<string, string>>({});

  const delegable = (user?.permissions ?? []).filter((p) => !(NON_DELEGABLE as readonly string[]).includes(p)).sort();

  const load = useCallback(async () => {
    try {
      const [tokenList, accountList] = await Promise.all([listApiTokens(showInactive), listServiceAccounts()]);
      setTokens(tokenList.items);
      setAccounts(accountList.items);
    } catch (e) {
      setError(errorMessage(e, lang));
    }
  }, [showInactive, lang]);

  useEffect(() => {
    void load();
  }, [load]);

  const togglePermission = (p: string, isOn: boolean) => setPermissions((list) => (isOn ? [...list, p] : list.filter((x) => x !== p)));
  const toggleRole = (r: string, isOn: boolean) => setRoles((list) => (isOn ? [...list, r] : list.filter((x) => x !== r)));

  const onCreateToken = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setTokenErrors({});
    const allowedIps = ips.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
    try {
      const created = await createApiToken({
        name: name.trim(),
        permissions,
        expiresInDays: Number(days),
        ...(ownerId ? { ownerId } : {}),
        ...(unitId ? { unitId } : {}),
        ...(allowedIps.length > 0 ? { allowedIps } : {}),
      });
      setSecret(created.token);
      setName('');
      setPermissions([]);
      setIps('');
      await load();
    } catch (err) {
      setTokenErrors(fieldIssues(err));
      setError(errorMessage(err, lang));
    }
  };

  const onRevoke = async (token: ApiToken) => {
    if (!window.confirm(t('access.confirmRevoke', { name: token.name }))) return;
    try {
      await revokeApiToken(token.id);
      await load();
    } catch (err) {
      setError(errorMessage(err, lang));
    }
  };

  const onRotate = async (token: ApiToken) => {
    if (!window.confirm(t('access.confirmRotate', { name: token.name }))) return;
    try {
      const rotated = await rotateApiToken(token.id);
      setSecret(rotated.token);
      await load();
    } catch (err) {
      setError(errorMessage(err, lang));
    }
  };

  const onCreateAccount = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setAccountErrors({});
    try {
      await createServiceAccount({ username: username.trim(), displayName: displayName.trim(), roles, unitId: accountUnitId, description: description.trim() });
      setUsername('');
      setDisplayName('');
      setRoles([]);
      setDescription('');
      await load();
    } catch (err) {
      setAccountErrors(fieldIssues(err));
      setError(errorMessage(err, lang));
    }
  };

  const onDeactivate = async (account: ServiceAccount) => {
    if (!window.confirm(t('access.confirmDeactivate', { name: account.username }))) return;
    try {
      await deactivateServiceAccount(account.id);
      await load();
    } catch (err) {
      setError(errorMessage(err, lang));
    }
  };

  const unitName = (id: string | undefined) => units.find((u) => u.id === id)?.name ?? '—';
  const activeAccounts = accounts.filter((a) => a.isActive);

  return (
    <div className="page api-tokens">
      <h1 tabIndex={-1}>{t('access.title')}</h1>
      <p>{t('access.intro')}</p>
      <ErrorBox message={error} testId="api-tokens-error" />
      {secret ? <SecretBox secret={secret} onDone={() => setSecret(null)} /> : null}

      <section aria-labelledby="tokens-title">
        <h2 id="tokens-title">{t('access.tokens')}</h2>
        <CheckboxField id="tokens-inactive" label={t('access.showInactive')} checked={showInactive} onChange={setShowInactive} />
        {tokens === null ? (
          <Loading />
        ) : tokens.length === 0 ? (
          <p>{t('access.none')}</p>
        ) : (
          <div className="table-wrap">
            <table data-testid="api-tokens-table">
              <thead>
                <tr>
                  <th scope="col">{t('access.name')}</th>
                  <th scope="col">{t('access.prefix')}</th>
                  <th scope="col">{t('access.owner')}</th>
                  <th scope="col">{t('access.permissions')}</th>
                  <th scope="col">{t('access.unit')}</th>
                  <th scope="col">{t('access.expires')}</th>
                  <th scope="col">{t('access.lastUsed')}</th>
                  <th scope="col">{t('access.status')}</th>
                  <th scope="col">{t('access.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((tok) => (
                  <tr key={tok.id}>
                    <td>{tok.name}</td>
                    <td>
                      <code lang="en" translate="no">{tok.tokenPrefix}…</code>
                    </td>
                    <td>{tok.owner.displayName}</td>
                    <td lang="en" translate="no">{tok.permissions.join(', ')}</td>
                    <td>{tok.unit ? unitName(tok.unit.id) : t('access.unitAll')}</td>
                    <td>{formatTime(tok.expiresAt, lang, t('access.never'))}</td>
                    <td>{formatTime(tok.lastUsedAt, lang, t('access.never'))}</td>
                    <td>{t(`access.status.${tok.status}`)}</td>
                    <td>
                      {tok.status === 'revoked' ? null : (
                        <span className="actions">
                          <button type="button" className="button" onClick={() => void onRotate(tok)} aria-label={`${t('access.rotate')}: ${tok.name}`}>
                            {t('access.rotate')}
                          </button>
                          <button type="button" className="button danger" onClick={() => void onRevoke(tok)} aria-label={`${t('access.revoke')}: ${tok.name}`}>
                            {t('access.revoke')}
                          </button>
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="new-token-title">
        <h2 id="new-token-title">{t('access.newToken')}</h2>
        <form className="form card" onSubmit={(e) => void onCreateToken(e)} noValidate data-testid="new-token-form">
          <TextField id="token-name" label={t('access.name')} hint={t('access.nameHint')} value={name} onChange={setName} error={tokenErrors['name']} required />
          <SelectField
            id="token-owner"
            label={t('access.owner')}
            value={ownerId}
            onChange={setOwnerId}
            emptyLabel={t('access.ownerSelf')}
            options={activeAccounts.map((a) => ({ value: a.id, label: `${a.displayName} (${a.username})` }))}
            error={tokenErrors['ownerId']}
          />
          <fieldset className="field" aria-describedby="token-permissions-hint">
            <legend>{t('access.permissions')}</legend>
            <p id="token-permissions-hint" className="hint">{t('access.permissionsHint')}</p>
            {delegable.map((p) => (
              <CheckboxField key={p} id={`token-permission-${p}`} label={p} checked={permissions.includes(p)} onChange={(isOn) => togglePermission(p, isOn)} />
            ))}
            {tokenErrors['permissions'] ? <p className="field-error" role="alert">{tokenErrors['permissions']}</p> : null}
          </fieldset>
          <SelectField id="token-unit" label={t('access.unit')} value={unitId} onChange={setUnitId} emptyLabel={t('access.unitAll')} options={unitOptions(units)} error={tokenErrors['unitId']} />
          <TextField
            id="token-days"
            label={t('access.expiresInDays')}
            hint={t('access.expiresHint')}
            type="number"
            value={days}
            onChange={setDays}
            error={tokenErrors['expiresInDays']}
            required
          />
          <TextAreaField id="token-ips" label={t('access.allowedIps')} hint={t('access.allowedIpsHint')} value={ips} onChange={setIps} error={tokenErrors['allowedIps']} />
          <button type="submit" className="button primary large" disabled={permissions.length === 0 || !name.trim() || !(Number(days) >= 1 && Number(days) <= API_TOKEN_MAX_DAYS)}>
            {t('access.create')}
          </button>
        </form>
      </section>

      <section aria-labelledby="accounts-title">
        <h2 id="accounts-title">{t('access.serviceAccounts')}</h2>
        <p>{t('access.serviceAccountsIntro')}</p>
        {accounts.length === 0 ? (
          <p>{t('access.noAccounts')}</p>
        ) : (
          <div className="table-wrap">
            <table data-testid="service-accounts-table">
              <thead>
                <tr>
                  <th scope="col">{t('access.username')}</th>
                  <th scope="col">{t('access.displayName')}</th>
                  <th scope="col">{t('access.roles')}</th>
                  <th scope="col">{t('access.unit')}</th>
                  <th scope="col">{t('access.activeTokens')}</th>
                  <th scope="col">{t('access.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {accounts.map((a) => (
                  <tr key={a.id}>
                    <td lang="en" translate="no">{a.username}</td>
                    <td>{a.displayName}</td>
                    <td lang="en" translate="no">{a.roles.join(', ')}</td>
                    <td>{unitName(a.unitId)}</td>
                    <td>{a.activeTokens}</td>
                    <td>
                      {a.isActive ? (
                        <button type="button" className="button danger" onClick={() => void onDeactivate(a)} aria-label={`${t('access.deactivate')}: ${a.username}`}>
                          {t('access.deactivate')}
                        </button>
                      ) : (
                        t('access.inactive')
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <h3>{t('access.newServiceAccount')}</h3>
        <form className="form card" onSubmit={(e) => void onCreateAccount(e)} noValidate data-testid="new-account-form">
          <TextField id="account-username" label={t('access.username')} hint={t('access.usernameHint')} value={username} onChange={setUsername} error={accountErrors['username']} required />
          <TextField id="account-display-name" label={t('access.displayName')} value={displayName} onChange={setDisplayName} error={accountErrors['displayName']} />
          <fieldset className="field">
            <legend>{t('access.roles')}</legend>
            {STAFF_ROLES.map((r) => (
              <CheckboxField key={r} id={`account-role-${r}`} label={r} checked={roles.includes(r)} onChange={(isOn) => toggleRole(r, isOn)} />
            ))}
            {accountErrors['roles'] ? <p className="field-error" role="alert">{accountErrors['roles']}</p> : null}
          </fieldset>
          <SelectField id="account-unit" label={t('access.unit')} value={accountUnitId} onChange={setAccountUnitId} emptyLabel="—" options={unitOptions(units)} error={accountErrors['unitId']} required />
          <TextAreaField id="account-description" label={t('access.description')} value={description} onChange={setDescription} error={accountErrors['description']} />
          <button type="submit" className="button primary large" disabled={!username.trim() || !accountUnitId}>
            {t('access.createAccount')}
          </button>
        </form>
      </section>
    </div>
  );
}
