import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { ApiError, isAbortError } from '../api/client';
import type { Session } from '../api/sessions';
import {
  ACCOUNT_STATUSES, createStaffAccount, endStaffAccountSessions, listStaffAccounts, listStaffAccountSessions, resetStaffPassword, resetStaffTwoFactor, STAFF_ROLES,
  stepStaffAccount, updateStaffAccount, type AccountStatus, type AccountStep, type StaffAccount, type StaffAccountPage,
} from '../api/users';
import { unitOptions, usePageTitle } from '../components/common';
import { CheckboxField, ErrorBox, Loading, Notice, SelectField, TextField } from '../components/forms';
import { SessionList } from '../components/SessionList';
import type { MessageKey } from '../i18n';
import { isMessageKey } from '../i18n';
import { useI18n } from '../i18n/context';
import { errorMessage } from '../lib/errors';
import { useRefData } from '../refdata';
import { useSession } from '../session';

const PAGE_SIZE = 25;

type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** Field messages of a 400, by field (`roles`, `unitId`…), in the reader's language where the problem is known. */
function fieldProblems(err: unknown, t: Translate): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(err instanceof ApiError) || err.code !== 'validation.failed') return out;
  for (const issue of err.issues) {
    const field = issue.path.split('.')[0] ?? '';
    const key = `users.problem.${issue.message}`;
    if (field && !out[field]) out[field] = isMessageKey(key) ? t(key) : issue.message;
  }
  return out;
}

function formatTime(value: string | null, lang: string): string | null {
  if (!value) return null;
  return new Date(value).toLocaleString(lang === 'bo' ? 'zh-CN' : lang, { dateStyle: 'medium', timeStyle: 'short' });
}

/**
 * Why and since when a disabled account is off. An account the nightly check turned off says so plainly, since the
 * administrator who meets it is usually asked by its owner to turn it back on. Accounts disabled before the reason
 * was kept show no reason.
 */
function disabledReasonText(t: Translate, account: StaffAccount, lang: string): string | null {
  if (account.isActive) return null;
  const date = formatTime(account.disabledAt, lang);
  if (account.disabledReason) return t(`users.disabledBy.${account.disabledReason}`, { date: date ?? '—' });
  return date ? t('users.disabledOn', { date }) : null;
}

function roleLabel(t: Translate, role: string): string {
  const key = `users.role.${role}`;
  return isMessageKey(key) ? t(key) : role;
}

/** A one-time password just made: shown once, to be passed on to its owner. */
function TemporaryPasswordBox({ account, password, onDone }: { account: StaffAccount; password: string; onDone: () => void }) {
  const { t } = useI18n();
  const [isCopied, setIsCopied] = useState(false);
  return (
    <section className="card" aria-labelledby="temporary-password-title" data-testid="temporary-password">
      <h2 id="temporary-password-title">{t('users.tempTitle', { name: `${account.displayName} (${account.username})` })}</h2>
      <Notice>{t('users.tempOnce')}</Notice>
      <p>
        <code className="one-time-password" lang="en" translate="no" data-testid="temporary-password-value">
          {password}
        </code>
      </p>
      <div className="actions">
        <button type="button" className="button" onClick={() => void navigator.clipboard?.writeText(password).then(() => setIsCopied(true))}>
          {isCopied ? t('users.copied') : t('users.copy')}
        </button>
        <button type="button" className="button primary" onClick={onDone} data-testid="temporary-password-done">
          {t('users.done')}
        </button>
      </div>
    </section>
  );
}

function RoleBoxes({ idPrefix, roles, onChange, isLocked, hint }: { idPrefix: string; roles: string[]; onChange: (roles: string[]) => void; isLocked?: boolean; hint?: string }) {
  const { t } = useI18n();
  return (
    <fieldset className="field">
      <legend>{t('users.roles')}</legend>
      {STAFF_ROLES.map((r) => (
        <CheckboxField
          key={r}
          id={`${idPrefix}-role-${r}`}
          label={roleLabel(t, r)}
          checked={roles.includes(r)}
          isLocked={isLocked === true}
          onChange={(isOn) => onChange(isOn ? [...roles, r] : roles.filter((x) => x !== r))}
          testId={`${idPrefix}-role-${r}`}
          {...(hint ? { hint } : {})}
        />
      ))}
    </fieldset>
  );
}

/**
 * Where an account is signed in, and the step that signs it out everywhere (a lost phone, a computer left signed in
 * at a service hall) without disabling it. Refusals go to the page's error box, like those of the other steps.
 */
function AccountDevices({ account, onEnded, onRefused }: { account: StaffAccount; onEnded: (a: StaffAccount, endedSessions: number) => void; onRefused: (err: unknown) => void }) {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const isSelf = user?.id === account.id;
  const [items, setItems] = useState<Session[] | null>(null);
  /** Kept as thrown, so that its message follows the reader's language. */
  const [failure, setFailure] = useState<unknown>(null);
  const [isBusy, setIsBusy] = useState(false);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      try {
        setItems((await listStaffAccountSessions(account.id, signal)).items);
        setFailure(null);
      } catch (err) {
        if (!isAbortError(err) && !signal?.aborted) setFailure(err);
      }
    },
    [account.id],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const onEndAll = async () => {
    if (!window.confirm(t('users.devices.confirmEndAll', { name: account.username }))) return;
    setIsBusy(true);
    try {
      const ended = await endStaffAccountSessions(account.id);
      onEnded(ended.account, ended.endedSessions);
    } catch (err) {
      onRefused(err);
    } finally {
      setIsBusy(false);
    }
    await load();
  };

  return (
    <section className="card" aria-labelledby="user-sessions-title" data-testid="user-sessions">
      <h2 id="user-sessions-title">{t('users.devices.title', { name: account.username })}</h2>
      {isSelf ? (
        <p>
          {t('users.devices.self')} <a href="#/account/sessions">{t('sessions.title')}</a>
        </p>
      ) : (
        <p>{t('users.devices.intro')}</p>
      )}
      <ErrorBox message={failure === null ? null : errorMessage(failure, lang)} testId="user-sessions-error" />
      {items === null ? (
        failure === null ? <Loading /> : null
      ) : items.length === 0 ? (
        <p data-testid="user-sessions-none">{t('users.devices.none')}</p>
      ) : (
        <SessionList sessions={items} rowTestId="user-session-row" />
      )}
      {isSelf ? null : (
        <div className="button-row">
          <button
            type="button"
            className="button large danger"
            onClick={() => void onEndAll()}
            disabled={isBusy || items === null || items.length === 0}
            aria-busy={isBusy}
            data-testid="user-end-sessions"
          >
            {t('users.devices.endAll')}
          </button>
        </div>
      )}
    </section>
  );
}

/** Changes one account: its name, and (for other people's accounts) its roles and unit. */
function EditAccount({ account, onSaved, onCancel }: { account: StaffAccount; onSaved: (a: StaffAccount) => void; onCancel: () => void }) {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const { units } = useRefData();
  const isSelf = user?.id === account.id;
  const [displayName, setDisplayName] = useState(account.displayName);
  const [unitId, setUnitId] = useState(account.unit.id);
  const [roles, setRoles] = useState<string[]>(account.roles);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setError(null);
    try {
      const saved = await updateStaffAccount(account.id, isSelf ? { displayName } : { displayName, roles, unitId });
      onSaved(saved);
    } catch (err) {
      const problems = fieldProblems(err, t);
      setErrors(problems);
      setError(Object.keys(problems).length > 0 ? null : errorMessage(err, lang));
    }
  };

  return (
    <form className="form card" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="edit-account-title" data-testid="edit-account-form">
      <h2 id="edit-account-title">{t('users.editTitle', { name: account.username })}</h2>
      {isSelf ? <Notice testId="edit-self-hint">{t('users.selfHint')}</Notice> : null}
      <ErrorBox message={error} testId="edit-account-error" />
      <TextField id="edit-display-name" label={t('users.displayName')} value={displayName} onChange={setDisplayName} error={errors['displayName']} required testId="edit-display-name" />
      {isSelf ? null : (
        <>
          <SelectField id="edit-unit" label={t('users.unit')} value={unitId} onChange={setUnitId} options={unitOptions(units)} error={errors['unitId']} required />
          <RoleBoxes idPrefix="edit" roles={roles} onChange={setRoles} />
          {errors['roles'] ? <p className="field-error" role="alert">{errors['roles']}</p> : null}
        </>
      )}
      <div className="actions">
        <button type="submit" className="button primary large" data-testid="edit-account-save">
          {t('users.save')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('users.cancel')}
        </button>
      </div>
    </form>
  );
}

/** Staff accounts of the administrator's units (docs/access.md, "Staff accounts"), for holders of user.manage. */
export function UsersPage() {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const { units } = useRefData();
  usePageTitle(t('users.title'));
  // Turning off someone's second factor is a security step of its own (security.manage), beside managing accounts.
  const canManageSecurity = user?.permissions.includes('security.manage') ?? false;

  // The filter as typed, and as last applied (the list follows the applied one).
  const [q, setQ] = useState('');
  const [unitFilter, setUnitFilter] = useState('');
  const [roleFilter, setRoleFilter] = useState('');
  const [status, setStatus] = useState<AccountStatus>('all');
  const [applied, setApplied] = useState({ q: '', unitId: '', role: '', status: 'all' as AccountStatus });
  const [page, setPage] = useState(1);
  const [list, setList] = useState<StaffAccountPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [temporary, setTemporary] = useState<{ account: StaffAccount; password: string } | null>(null);
  const [editing, setEditing] = useState<StaffAccount | null>(null);
  // New account form.
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [unitId, setUnitId] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [newErrors, setNewErrors] = useState<Record<string, string>>({});

  const load = useCallback(
    async (signal?: AbortSignal) => {
      try {
        setList(await listStaffAccounts({ ...applied, page, pageSize: PAGE_SIZE }, signal));
      } catch (e) {
        if (!signal?.aborted) setError(errorMessage(e, lang));
      }
    },
    [applied, page, lang],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const onFilter = (e: FormEvent) => {
    e.preventDefault();
    setPage(1);
    setApplied({ q: q.trim(), unitId: unitFilter, role: roleFilter, status });
  };

  const onCreate = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    setNewErrors({});
    try {
      const created = await createStaffAccount({ username: username.trim(), displayName: displayName.trim(), roles, unitId });
      setTemporary({ account: created.account, password: created.temporaryPassword });
      setUsername('');
      setDisplayName('');
      setRoles([]);
      await load();
    } catch (err) {
      const problems = fieldProblems(err, t);
      setNewErrors(problems);
      setError(Object.keys(problems).length > 0 ? null : errorMessage(err, lang));
    }
  };

  const onStep = async (account: StaffAccount, step: AccountStep) => {
    if (step === 'disable' && !window.confirm(t('users.confirmDisable', { name: account.username }))) return;
    setError(null);
    setNotice(null);
    try {
      await stepStaffAccount(account.id, step);
      await load();
    } catch (err) {
      setError(errorMessage(err, lang));
    }
  };

  const onReset = async (account: StaffAccount) => {
    if (!window.confirm(t('users.confirmReset', { name: account.username }))) return;
    setError(null);
    setNotice(null);
    try {
      const reset = await resetStaffPassword(account.id);
      setTemporary({ account: reset.account, password: reset.temporaryPassword });
      await load();
    } catch (err) {
      setError(errorMessage(err, lang));
    }
  };

  const onResetTwoFactor = async (account: StaffAccount) => {
    if (!window.confirm(t('users.confirmTotpReset', { name: account.username }))) return;
    setError(null);
    setNotice(null);
    try {
      const { endedSessions } = await resetStaffTwoFactor(account.id);
      setNotice(t('users.totpResetDone', { name: account.username, n: endedSessions }));
      await load();
    } catch (err) {
      setError(errorMessage(err, lang));
    }
  };

  const replaceAccount = (changed: StaffAccount) =>
    setList((l) => (l ? { ...l, items: l.items.map((a) => (a.id === changed.id ? changed : a)) } : l));

  const unitName = (id: string) => units.find((u) => u.id === id)?.name ?? '—';
  const pages = list ? Math.max(1, Math.ceil(list.total / PAGE_SIZE)) : 1;
  const joiner = lang === 'zh-Hans' ? '、' : lang === 'bo' ? '། ' : ', ';

  return (
    <div className="page users">
      <h1 tabIndex={-1}>{t('users.title')}</h1>
      <p>{t('users.intro')}</p>
      {canManageSecurity ? (
        <p data-testid="users-two-factor-roles-link">
          {t('twoFactorRoles.usersLink')} <a href="#/work/admin/two-factor">{t('twoFactorRoles.nav')}</a>
        </p>
      ) : null}
      <ErrorBox message={error} testId="users-error" />
      {notice ? <Notice testId="users-notice">{notice}</Notice> : null}
      {temporary ? <TemporaryPasswordBox account={temporary.account} password={temporary.password} onDone={() => setTemporary(null)} /> : null}
      {editing ? (
        <>
          <EditAccount
            key={editing.id}
            account={editing}
            onCancel={() => setEditing(null)}
            onSaved={(saved) => {
              setEditing(null);
              setNotice(t('users.saved'));
              replaceAccount(saved);
            }}
          />
          <AccountDevices
            key={`devices-${editing.id}`}
            account={editing}
            onEnded={(account, endedSessions) => {
              setError(null);
              setNotice(t('users.devices.ended', { name: account.username, n: endedSessions }));
              setEditing(account);
              replaceAccount(account);
            }}
            onRefused={(err) => {
              setNotice(null);
              setError(errorMessage(err, lang));
            }}
          />
        </>
      ) : null}

      <section aria-labelledby="users-filter-title">
        <h2 id="users-filter-title">{t('users.filterTitle')}</h2>
        <form className="form card filters" onSubmit={onFilter} noValidate data-testid="users-filter">
          <TextField id="users-q" label={t('users.q')} type="search" value={q} onChange={setQ} testId="users-q" />
          <SelectField id="users-unit" label={t('users.unitFilter')} value={unitFilter} onChange={setUnitFilter} emptyLabel={t('users.allUnits')} options={unitOptions(units)} />
          <SelectField
            id="users-role"
            label={t('users.roleFilter')}
            value={roleFilter}
            onChange={setRoleFilter}
            emptyLabel={t('users.allRoles')}
            options={STAFF_ROLES.map((r) => ({ value: r, label: roleLabel(t, r) }))}
          />
          <SelectField
            id="users-status"
            label={t('users.statusFilter')}
            value={status}
            onChange={(v) => setStatus(ACCOUNT_STATUSES.find((s) => s === v) ?? 'all')}
            options={ACCOUNT_STATUSES.map((s) => ({ value: s, label: t(`users.status.${s}`) }))}
          />
          <button type="submit" className="button primary large" data-testid="users-search">
            {t('users.search')}
          </button>
        </form>
      </section>

      <section aria-labelledby="users-list-title">
        <h2 id="users-list-title">{list ? t('users.total', { n: list.total }) : t('users.title')}</h2>
        {list === null ? (
          <Loading />
        ) : list.items.length === 0 ? (
          <p data-testid="users-empty">{t('users.empty')}</p>
        ) : (
          <div className="table-wrap">
            <table data-testid="users-table">
              <thead>
                <tr>
                  <th scope="col">{t('users.account')}</th>
                  <th scope="col">{t('users.unit')}</th>
                  <th scope="col">{t('users.roles')}</th>
                  <th scope="col">{t('users.state')}</th>
                  <th scope="col">{t('users.lastLogin')}</th>
                  <th scope="col">{t('users.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((a) => {
                  const isSelf = user?.id === a.id;
                  const disabledReason = disabledReasonText(t, a, lang);
                  return (
                    <tr key={a.id} data-testid={`user-row-${a.username}`}>
                      <td>
                        <strong>{a.displayName}</strong>
                        <br />
                        <span lang="en" translate="no" className="muted">
                          {a.username}
                        </span>
                      </td>
                      <td>{unitName(a.unit.id)}</td>
                      <td>{a.roles.map((r) => roleLabel(t, r)).join(joiner) || '—'}</td>
                      <td>
                        <ul className="plain-list">
                          <li data-testid="user-state">{a.isActive ? t('users.badge.active') : t('users.badge.disabled')}</li>
                          {disabledReason ? (
                            <li className="muted" data-testid="user-disabled-reason" data-reason={a.disabledReason ?? 'unknown'}>
                              {disabledReason}
                            </li>
                          ) : null}
                          {a.lockedUntil ? <li data-testid="user-locked">{t('users.badge.locked')}</li> : null}
                          {a.mustChangePassword ? <li>{t('users.badge.mustChange')}</li> : null}
                          {a.hasTotp ? <li>{t('users.badge.totp')}</li> : null}
                          {a.activeSessions > 0 ? <li data-testid="user-session-count">{t('users.sessions', { n: a.activeSessions })}</li> : null}
                        </ul>
                      </td>
                      <td>{formatTime(a.lastLoginAt, lang) ?? t('users.never')}</td>
                      <td>
                        <div className="actions">
                          <button type="button" className="button" onClick={() => setEditing(a)} aria-label={`${t('users.edit')}: ${a.username}`} data-testid={`user-edit-${a.username}`}>
                            {t('users.edit')}
                          </button>
                          {a.lockedUntil ? (
                            <button type="button" className="button" onClick={() => void onStep(a, 'unlock')} aria-label={`${t('users.unlock')}: ${a.username}`} data-testid={`user-unlock-${a.username}`}>
                              {t('users.unlock')}
                            </button>
                          ) : null}
                          {isSelf ? null : (
                            <button type="button" className="button" onClick={() => void onReset(a)} aria-label={`${t('users.resetPassword')}: ${a.username}`} data-testid={`user-reset-${a.username}`}>
                              {t('users.resetPassword')}
                            </button>
                          )}
                          {isSelf || !a.hasTotp || !canManageSecurity ? null : (
                            <button
                              type="button"
                              className="button"
                              onClick={() => void onResetTwoFactor(a)}
                              aria-label={`${t('users.resetTotp')}: ${a.username}`}
                              data-testid={`user-reset-totp-${a.username}`}
                            >
                              {t('users.resetTotp')}
                            </button>
                          )}
                          {isSelf ? null : a.isActive ? (
                            <button type="button" className="button danger" onClick={() => void onStep(a, 'disable')} aria-label={`${t('users.disable')}: ${a.username}`} data-testid={`user-disable-${a.username}`}>
                              {t('users.disable')}
                            </button>
                          ) : (
                            <button type="button" className="button" onClick={() => void onStep(a, 'enable')} aria-label={`${t('users.enable')}: ${a.username}`} data-testid={`user-enable-${a.username}`}>
                              {t('users.enable')}
                            </button>
                          )}
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        {list && pages > 1 ? (
          <nav className="pager actions" aria-label={t('users.page', { page, pages })}>
            <button type="button" className="button" disabled={page <= 1} onClick={() => setPage((p) => p - 1)}>
              {t('users.prev')}
            </button>
            <span>{t('users.page', { page, pages })}</span>
            <button type="button" className="button" disabled={page >= pages} onClick={() => setPage((p) => p + 1)}>
              {t('users.next')}
            </button>
          </nav>
        ) : null}
      </section>

      <section aria-labelledby="new-user-title">
        <h2 id="new-user-title">{t('users.new')}</h2>
        <p>{t('users.newIntro')}</p>
        <form className="form card" onSubmit={(e) => void onCreate(e)} noValidate data-testid="new-user-form">
          <TextField id="new-user-username" label={t('users.username')} hint={t('users.usernameHint')} value={username} onChange={setUsername} error={newErrors['username']} required autoComplete="off" testId="new-user-username" />
          <TextField id="new-user-display-name" label={t('users.displayName')} value={displayName} onChange={setDisplayName} error={newErrors['displayName']} required testId="new-user-display-name" />
          <SelectField id="new-user-unit" label={t('users.unit')} value={unitId} onChange={setUnitId} emptyLabel="—" options={unitOptions(units)} error={newErrors['unitId']} required />
          <RoleBoxes idPrefix="new-user" roles={roles} onChange={setRoles} />
          {newErrors['roles'] ? <p className="field-error" role="alert">{newErrors['roles']}</p> : null}
          <button type="submit" className="button primary large" disabled={!username.trim() || !displayName.trim() || !unitId} data-testid="new-user-create">
            {t('users.create')}
          </button>
        </form>
      </section>
    </div>
  );
}
