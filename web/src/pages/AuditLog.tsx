import { Fragment, useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { checkAuditChain, searchAudit, type AuditChainState, type AuditEntry, type AuditFilter, type AuditOutcomeClass } from '../api/audit';
import { isAbortError } from '../api/client';
import { usePageTitle } from '../components/common';
import { ErrorBox, Loading, Notice, SelectField, TextField } from '../components/forms';
import { useI18n } from '../i18n/context';
import type { MessageKey, Vars } from '../i18n';
import { errorMessage, mapIssues } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { useRefData } from '../refdata';
import { hrefFor } from '../router';
import { useSession } from '../session';

// ---- what an entry says, in the reader's language ---------------------------------------------------------------

type Label = { key: MessageKey; vars?: Vars };

/** Entries the request hook writes: `<METHOD> /api/v1<route>`, the route with its `:parameters`. */
const HTTP_ACTION = /^(GET|POST|PUT|PATCH|DELETE) \/api\/v1(\/\S*)$/;

const ROUTES: Record<string, MessageKey> = {
  'POST /auth/login': 'audit.act.login',
  'POST /auth/logout': 'audit.act.logout',
  'POST /auth/logout-all': 'audit.act.logoutAll',
  'POST /auth/logout-others': 'audit.act.logoutOthers',
  'DELETE /auth/sessions/:id': 'audit.act.sessionEnd',
  'POST /auth/password': 'audit.act.passwordChange',
  'POST /auth/reauth': 'audit.act.reauth',
  'POST /auth/totp/setup': 'audit.act.totpSetup',
  'POST /auth/totp/enable': 'audit.act.totpEnable',
  'POST /auth/totp/disable': 'audit.act.totpDisable',
  'DELETE /admin/security/users/:id/totp': 'audit.act.totpReset',
  'PUT /admin/security/two-factor-roles': 'audit.act.twoFactorRoles',
  'POST /api-tokens': 'audit.act.tokenCreate',
  'POST /api-tokens/:id/revoke': 'audit.act.tokenRevoke',
  'POST /api-tokens/:id/rotate': 'audit.act.tokenRotate',
  'POST /api-tokens/service-accounts': 'audit.act.serviceAccountCreate',
  'DELETE /api-tokens/service-accounts/:id': 'audit.act.serviceAccountDisable',
  'POST /admin/users': 'audit.act.userCreate',
  'PATCH /admin/users/:id': 'audit.act.userUpdate',
  'POST /admin/users/:id/disable': 'audit.act.userDisable',
  'POST /admin/users/:id/enable': 'audit.act.userEnable',
  'POST /admin/users/:id/reset-password': 'audit.act.userResetPassword',
  'POST /admin/users/:id/unlock': 'audit.act.userUnlock',
  'POST /admin/users/:id/end-sessions': 'audit.act.userEndSessions',
  'POST /cases': 'audit.act.caseRegister',
  'POST /cases/:id/unmerge': 'audit.act.caseUnmerge',
  'POST /cases/:id/links': 'audit.act.caseLink',
  'DELETE /cases/:id/links/:otherId': 'audit.act.caseUnlink',
  'POST /cases/:id/attachments': 'audit.act.attachmentUpload',
  'DELETE /cases/:id/attachments/:attachmentId': 'audit.act.attachmentDelete',
  'PUT /cases/:id/notification-preferences': 'audit.act.notificationPrefs',
  'POST /public/cases': 'audit.act.publicSubmit',
  'POST /public/cases/:trackingNo/rating': 'audit.act.publicRating',
  'POST /public/cases/:trackingNo/reopen-request': 'audit.act.publicReopen',
  'POST /public/cases/:trackingNo/information': 'audit.act.publicInformation',
  'POST /public/cases/:trackingNo/publication-consent': 'audit.act.publicConsent',
  'POST /public/cases/:trackingNo/attachments': 'audit.act.attachmentUpload',
  'POST /public/cases/:trackingNo/notification-preferences': 'audit.act.notificationPrefs',
  'POST /privacy/people/erase': 'audit.act.privacyErase',
  'POST /reports': 'audit.act.reportCreate',
  'POST /replies/check': 'audit.act.replyCheck',
};

/** Areas whose routes share one label, the longer prefixes first. */
const ROUTE_AREAS: readonly (readonly [string, MessageKey])[] = [
  ['/notifications', 'audit.act.notificationsRead'],
  ['/reply-templates', 'audit.act.replyTemplates'],
  ['/calendars', 'audit.act.calendar'],
  ['/public/callbacks', 'audit.act.questionnaire'],
  ['/callbacks', 'audit.act.callbacks'],
  ['/sla/', 'audit.act.slaPolicy'],
  ['/open-data/review', 'audit.act.openDataReview'],
  ['/open-data/settings', 'audit.act.openDataSettings'],
  ['/duplicates', 'audit.act.matching'],
  ['/suggestions', 'audit.act.matching'],
  ['/admin/api-keys', 'audit.act.partnerKeys'],
  ['/admin/open311', 'audit.act.open311'],
];

/** Entries written by the code itself, under a name of their own. */
const CODES: Record<string, MessageKey> = {
  'access_code.locked': 'audit.act.accessCodeLocked',
  'reveal personal data': 'audit.act.reveal',
  'privacy export': 'audit.act.privacyExport',
  'privacy erasure': 'audit.act.privacyErase',
  'export cases': 'audit.act.exportCases',
  'attachment upload': 'audit.act.attachmentUpload',
  'attachment download': 'audit.act.attachmentDownload',
  'attachment delete': 'audit.act.attachmentDelete',
  'auth.oidc_login': 'audit.act.ssoLogin',
  'api_token.refused': 'audit.act.tokenRefused',
  'open_data.settings_changed': 'audit.act.openDataSettings',
  'open_data.save': 'audit.act.openDataReview',
  'open_data.publish': 'audit.act.openDataReview',
  'open_data.withdraw': 'audit.act.openDataReview',
  'sla.policy_created': 'audit.act.slaPolicy',
  'sla.policy_changed': 'audit.act.slaPolicy',
  'audit.searched': 'audit.act.searched',
  'audit.chain_checked': 'audit.act.chainChecked',
  // Written by the nightly care of accounts, as 'system'.
  'user.disabled_dormant': 'audit.act.userDisabledDormant',
  // Written by the daily retention run, as 'system', one per case.
  'privacy.retention_anonymised': 'audit.act.retentionAnonymised',
  // Written by the command line on the server (`bihuan org`), as the operating-system user.
  'organisation.imported': 'audit.act.organisationImported',
  // Written with the change, in its transaction, beside the request's own entry.
  'user.updated': 'audit.act.userUpdate',
  'user.unlocked': 'audit.act.userUnlock',
  // The same words as the request's own entry: this one is the change's, written in its transaction.
  'user.password_changed': 'audit.act.passwordChange',
  'user.two_factor_enabled': 'audit.act.totpEnable',
  'user.two_factor_disabled': 'audit.act.totpDisable',
  'user.two_factor_reset': 'audit.act.totpReset',
  'security.two_factor_roles_changed': 'audit.act.twoFactorRoles',
  'api_token.created': 'audit.act.tokenCreate',
  'api_token.revoked': 'audit.act.tokenRevoke',
  'api_token.rotated': 'audit.act.tokenRotate',
  'service_account.created': 'audit.act.serviceAccountCreate',
  'service_account.disabled': 'audit.act.serviceAccountDisable',
};

/**
 * Steps on staff accounts that an administrator takes on the users page and the operator on the server
 * (`bihuan users`), under the same codes: only the operator's entries have no signed-in person.
 */
const ACCOUNT_CODES: Record<string, { byPerson: MessageKey; byOperator: MessageKey }> = {
  'user.created': { byPerson: 'audit.act.userCreate', byOperator: 'audit.act.userCreateOperator' },
  'user.password_reset': { byPerson: 'audit.act.userResetPassword', byOperator: 'audit.act.userResetPasswordOperator' },
  'user.enabled': { byPerson: 'audit.act.userEnable', byOperator: 'audit.act.userEnableOperator' },
  'user.disabled': { byPerson: 'audit.act.userDisable', byOperator: 'audit.act.userDisableOperator' },
  'user.sessions_ended': { byPerson: 'audit.act.userEndSessions', byOperator: 'audit.act.userEndSessionsOperator' },
};

const CASE_ACTION_ROUTE = /^POST \/cases\/:id\/([a-z-]+)$/;

/** The label of a stored action, or null when it is none we know (the raw text is shown then). */
function actionLabel(action: string, isByPerson: boolean, tMaybe: (key: string) => string | undefined): Label | null {
  const code = CODES[action];
  if (code) return { key: code };
  const accountStep = ACCOUNT_CODES[action];
  if (accountStep) return { key: isByPerson ? accountStep.byPerson : accountStep.byOperator };
  const http = HTTP_ACTION.exec(action);
  if (!http) return null;
  const route = `${http[1]} ${http[2]}`;
  const exact = ROUTES[route];
  if (exact) return { key: exact };
  // A step of the case workflow: the same words as its button on the case page.
  const step = CASE_ACTION_ROUTE.exec(route)?.[1];
  if (step) {
    const name = tMaybe(`action.${step}`);
    return name ? { key: 'audit.act.caseAction', vars: { action: name } } : null;
  }
  const area = ROUTE_AREAS.find(([prefix]) => (http[2] ?? '').startsWith(prefix));
  return area ? { key: area[1] } : null;
}

/**
 * Entries with no signed-in person that the code wrote on its own: the nightly jobs name themselves 'system', the
 * command line on the server names the operating-system user as `cli:<name>`. Only code entries qualify, so that
 * a failed sign-in typed as "system" still reads as what it is.
 */
function outsideActorLabel(entry: AuditEntry): Label | null {
  if (entry.actor || !entry.claimedUsername || HTTP_ACTION.test(entry.action)) return null;
  if (entry.claimedUsername === 'system') return { key: 'audit.bySystem' };
  if (entry.claimedUsername === 'cli' || entry.claimedUsername.startsWith('cli:')) {
    return { key: 'audit.byOperator', vars: { name: entry.claimedUsername.replace(/^cli:?/, '') || '—' } };
  }
  return null;
}

const SUBJECT_KINDS: Record<string, MessageKey> = {
  cases: 'audit.kind.case',
  case: 'audit.kind.case',
  'api-tokens': 'audit.kind.token',
  api_tokens: 'audit.kind.token',
  person: 'audit.kind.person',
  users: 'audit.kind.user',
  'service-accounts': 'audit.kind.user',
  case_attachments: 'audit.kind.attachment',
  audit_log: 'audit.kind.auditLog',
  sla_policy: 'audit.kind.slaPolicy',
  sessions: 'audit.kind.session',
  security_settings: 'audit.kind.securitySettings',
};

function subjectKindKey(entry: AuditEntry): MessageKey | null {
  // Entries written before the request hook skipped the `admin` segment name staff accounts `admin`.
  if (entry.subjectKind === 'admin' && entry.action.includes(' /api/v1/admin/users/')) return 'audit.kind.user';
  return entry.subjectKind ? SUBJECT_KINDS[entry.subjectKind] ?? null : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Why a request did not succeed, in words, for the statuses people meet. */
function whyKey(outcome: string): MessageKey | null {
  if (outcome === 'refused') return 'audit.why.403';
  if (!/^\d{3}$/.test(outcome)) return null;
  const status = Number(outcome);
  if (status >= 500) return 'audit.why.5xx';
  if (status === 400 || status === 413 || status === 415) return 'audit.why.400';
  if (status === 401) return 'audit.why.401';
  if (status === 403) return 'audit.why.403';
  if (status === 404) return 'audit.why.404';
  if (status === 409) return 'audit.why.409';
  if (status === 429) return 'audit.why.429';
  return null;
}

function chainReasonKey(reason: string): MessageKey | null {
  if (reason.includes('changed')) return 'audit.chain.reason.changed';
  if (reason.includes('missing')) return 'audit.chain.reason.missing';
  if (reason.includes('link')) return 'audit.chain.reason.link';
  return null;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Local time to the second: two entries a few seconds apart must not look alike. */
function formatSecond(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${formatDateTime(iso)}:${pad2(d.getSeconds())}`;
}

/** A day typed in the form, as the first or the last instant of that day in the browser's time zone. */
function dayBound(day: string, isEnd: boolean): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  const d = isEnd ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59, 999) : new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

// ---- the form --------------------------------------------------------------------------------------------------

/** The kinds of action offered in the form, by the text their records contain. */
const WHAT_OPTIONS: readonly (readonly [string, MessageKey])[] = [
  ['/auth/login', 'audit.what.signIn'],
  ['/auth/password', 'audit.what.password'],
  ['/api/v1/cases', 'audit.what.cases'],
  ['reveal personal data', 'audit.what.reveal'],
  ['privacy', 'audit.what.privacy'],
  ['export cases', 'audit.what.exports'],
  ['access_code.locked', 'audit.what.accessCode'],
  ['/api-tokens', 'audit.what.tokens'],
  ['api_token.refused', 'audit.what.tokenRefused'],
  ['/totp', 'audit.what.twoFactor'],
  ['/admin/users', 'audit.what.users'],
  // The entries of the changes themselves (`user.created`, `user.disabled_dormant`…): the users page's, the command
  // line's and the nightly check's.
  ['user.', 'audit.what.accountChanges'],
  ['audit.', 'audit.what.auditLog'],
];
const OTHER = 'other';

interface Form {
  from: string;
  to: string;
  user: string;
  what: string;
  actionText: string;
  subject: string;
  ip: string;
  outcome: string;
}

const EMPTY_FORM: Form = { from: '', to: '', user: '', what: '', actionText: '', subject: '', ip: '', outcome: '' };

const FIELD_IDS: Record<string, string> = {
  from: 'audit-from',
  to: 'audit-to',
  actor: 'audit-user',
  action: 'audit-action-text',
  subjectId: 'audit-subject',
  ip: 'audit-ip',
  outcome: 'audit-outcome',
};

function filterOf(form: Form): AuditFilter {
  const filter: AuditFilter = {};
  const from = dayBound(form.from, false);
  const to = dayBound(form.to, true);
  if (from) filter.from = from;
  if (to) filter.to = to;
  if (form.user.trim()) filter.actor = form.user.trim();
  const action = form.what === OTHER ? form.actionText.trim() : form.what;
  if (action) filter.action = action;
  if (form.subject.trim()) filter.subjectId = form.subject.trim();
  if (form.ip.trim()) filter.ip = form.ip.trim();
  if (form.outcome === 'success' || form.outcome === 'refused') filter.outcome = form.outcome;
  return filter;
}

// ---- pieces ----------------------------------------------------------------------------------------------------

function OutcomeBadge({ entry }: { entry: AuditEntry }) {
  const { t } = useI18n();
  const isSuccess = entry.outcomeClass === 'success';
  const why = isSuccess ? null : whyKey(entry.outcome);
  return (
    <>
      <span className={`badge ${isSuccess ? 'assignment-done' : 'overdue-badge'}`} data-testid="audit-outcome" data-outcome={entry.outcomeClass}>
        <span aria-hidden="true">{isSuccess ? '✓ ' : '✕ '}</span>
        {t(isSuccess ? 'audit.outcome.success' : 'audit.outcome.refused')}
      </span>
      {why ? <span className="muted"> {t(why)}</span> : null}
    </>
  );
}

function EntryDetails({ entry }: { entry: AuditEntry }) {
  const { t } = useI18n();
  const hasData = Object.keys(entry.data).length > 0;
  return (
    <div data-testid="audit-details">
      <h3 className="visually-hidden">{t('audit.detailsOf', { id: entry.id })}</h3>
      <dl className="facts">
        <div>
          <dt>{t('audit.details.userAgent')}</dt>
          <dd lang="en" translate="no" data-testid="audit-details-user-agent">
            {entry.userAgent ?? t('audit.details.none')}
          </dd>
        </div>
        <div>
          <dt>{t('audit.details.rawAction')}</dt>
          <dd lang="en" translate="no">
            <code>{entry.action}</code>
          </dd>
        </div>
        <div>
          <dt>{t('audit.details.outcomeCode')}</dt>
          <dd lang="en" translate="no">
            {entry.outcome}
          </dd>
        </div>
        <div>
          <dt>{t('audit.details.subject')}</dt>
          <dd lang="en" translate="no">
            {entry.subjectKind || entry.subjectId ? `${entry.subjectKind ?? '—'} · ${entry.subjectId ?? '—'}` : t('audit.details.none')}
          </dd>
        </div>
        <div>
          <dt>{t('audit.details.chainSeq')}</dt>
          <dd>{entry.chainSeq === null ? t('audit.details.unsealed') : entry.chainSeq}</dd>
        </div>
      </dl>
      <h4>{t('audit.details.data')}</h4>
      {hasData ? (
        <pre className="description" lang="en" translate="no" data-testid="audit-details-data">
          {JSON.stringify(entry.data, null, 2)}
        </pre>
      ) : (
        <p>{t('audit.details.none')}</p>
      )}
    </div>
  );
}

function ChainPanel({ isTopLevel }: { isTopLevel: boolean | null }) {
  const { t, lang } = useI18n();
  const [state, setState] = useState<AuditChainState | null>(null);
  const [isChecking, setIsChecking] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onCheck = async () => {
    setIsChecking(true);
    setError(null);
    try {
      setState(await checkAuditChain());
    } catch (err) {
      setError(errorMessage(err, lang));
    } finally {
      setIsChecking(false);
    }
  };

  const reasonKey = state?.firstBreak ? chainReasonKey(state.firstBreak.reason) : null;
  return (
    <section className="card" aria-labelledby="audit-chain-title" data-testid="audit-chain">
      <h2 id="audit-chain-title">{t('audit.chain.title')}</h2>
      <p>{t('audit.chain.intro')}</p>
      {isTopLevel === false ? (
        <p data-testid="audit-chain-not-top">{t('audit.chain.notTopLevel')}</p>
      ) : (
        <button type="button" className="button primary large" onClick={() => void onCheck()} disabled={isChecking} aria-busy={isChecking} data-testid="audit-chain-check">
          {isChecking ? t('audit.chain.checking') : t('audit.chain.check')}
        </button>
      )}
      <ErrorBox message={error} testId="audit-chain-error" />
      <div aria-live="polite" data-testid="audit-chain-result" data-state={state ? (state.isIntact ? 'intact' : 'broken') : 'none'}>
        {state === null ? (
          isTopLevel === false ? null : <p className="muted">{t('audit.chain.notChecked')}</p>
        ) : state.isIntact ? (
          <Notice testId="audit-chain-intact">
            <span aria-hidden="true">✓ </span>
            {t('audit.chain.intact', { entries: state.entries })}
          </Notice>
        ) : (
          <div className="error-box" role="alert" data-testid="audit-chain-broken">
            <span aria-hidden="true">✕ </span>
            {t('audit.chain.broken', {
              seq: state.firstBreak?.chainSeq ?? '—',
              id: state.firstBreak?.id ?? '—',
              reason: reasonKey ? t(reasonKey) : state.firstBreak?.reason ?? '',
            })}
          </div>
        )}
        {state && state.unsealed > 0 ? <p>{t('audit.chain.unsealed', { count: state.unsealed })}</p> : null}
        {state ? <p className="muted">{t('audit.chain.checkedAt', { at: formatSecond(state.checkedAt) })}</p> : null}
      </div>
    </section>
  );
}

// ---- the page --------------------------------------------------------------------------------------------------

/** The audit log's reader (docs/audit.md), for holders of audit.read. */
export function AuditLogPage() {
  const { t, tMaybe, lang } = useI18n();
  const { user } = useSession();
  const { units } = useRefData();
  usePageTitle(t('audit.title'));

  const [form, setForm] = useState<Form>(EMPTY_FORM);
  const [applied, setApplied] = useState<AuditFilter>({});
  const [items, setItems] = useState<AuditEntry[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [isLoading, setIsLoading] = useState(false);
  /** Kept as thrown, so that its message follows the reader's language when it is changed. */
  const [failure, setFailure] = useState<unknown>(null);
  const [openId, setOpenId] = useState<string | null>(null);
  const requestRef = useRef<AbortController | null>(null);

  // The chain spans every unit: only staff of a top-level unit (no parent) may check it. Unknown until the units load.
  const myUnit = units.find((u) => u.id === user?.unitId);
  const isTopLevel = myUnit ? myUnit.parentId === null : null;

  const load = useCallback(
    async (filter: AuditFilter, before: string | null) => {
      requestRef.current?.abort();
      const ctrl = new AbortController();
      requestRef.current = ctrl;
      setIsLoading(true);
      setFailure(null);
      try {
        const page = await searchAudit(filter, before, ctrl.signal);
        setItems((current) => (before === null || current === null ? page.items : [...current, ...page.items]));
        setNextCursor(page.nextCursor);
      } catch (err) {
        if (isAbortError(err)) return;
        setFailure(err);
        if (before === null) {
          setItems([]);
          setNextCursor(null);
        }
      } finally {
        if (requestRef.current === ctrl) setIsLoading(false);
      }
    },
    [],
  );
  const error = failure === null ? null : errorMessage(failure, lang);
  const fieldErrors = failure === null ? {} : mapIssues(failure, FIELD_IDS, lang).fields;

  useEffect(() => {
    void load({}, null);
    return () => requestRef.current?.abort();
  }, [load]);

  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }));

  const onSearch = (e: FormEvent) => {
    e.preventDefault();
    const filter = filterOf(form);
    setApplied(filter);
    setOpenId(null);
    void load(filter, null);
  };

  const onReset = () => {
    setForm(EMPTY_FORM);
    setApplied({});
    setOpenId(null);
    void load({}, null);
  };

  const actionText = (entry: AuditEntry): { text: string; isRaw: boolean } => {
    const label = actionLabel(entry.action, entry.actor !== null, tMaybe);
    return label ? { text: t(label.key, label.vars), isRaw: false } : { text: entry.action, isRaw: true };
  };

  return (
    <div className="page audit-log">
      <h1 tabIndex={-1}>{t('audit.title')}</h1>
      <p>{t('audit.intro')}</p>
      {isTopLevel === null ? null : <p className="muted" data-testid="audit-scope">{t(isTopLevel ? 'audit.scopeTop' : 'audit.scopeSub')}</p>}

      <section className="filters card" aria-labelledby="audit-filters-title">
        <h2 id="audit-filters-title">{t('audit.filters')}</h2>
        <form onSubmit={onSearch} role="search" noValidate data-testid="audit-filters">
          <div className="filter-grid">
            <TextField id="audit-from" type="date" label={t('audit.from')} value={form.from} onChange={(v) => set({ from: v })} error={fieldErrors['audit-from']} testId="audit-from" />
            <TextField id="audit-to" type="date" label={t('audit.to')} value={form.to} onChange={(v) => set({ to: v })} error={fieldErrors['audit-to']} testId="audit-to" />
            <TextField
              id="audit-user"
              label={t('audit.user')}
              hint={t('audit.userHint')}
              value={form.user}
              onChange={(v) => set({ user: v })}
              maxLength={64}
              autoComplete="off"
              error={fieldErrors['audit-user']}
              testId="audit-user"
            />
            <SelectField
              id="audit-what"
              label={t('audit.what')}
              value={form.what}
              onChange={(v) => set({ what: v })}
              emptyLabel={t('common.all')}
              options={[...WHAT_OPTIONS.map(([value, key]) => ({ value, label: t(key) })), { value: OTHER, label: t('audit.what.other') }]}
              testId="audit-what"
            />
            {form.what === OTHER ? (
              <TextField
                id="audit-action-text"
                label={t('audit.actionText')}
                hint={t('audit.actionTextHint')}
                value={form.actionText}
                onChange={(v) => set({ actionText: v })}
                maxLength={200}
                lang="en"
                error={fieldErrors['audit-action-text']}
                testId="audit-action-text"
              />
            ) : null}
            <TextField
              id="audit-subject"
              label={t('audit.subject')}
              hint={t('audit.subjectHint')}
              value={form.subject}
              onChange={(v) => set({ subject: v })}
              maxLength={200}
              lang="en"
              error={fieldErrors['audit-subject']}
              testId="audit-subject"
            />
            <TextField
              id="audit-ip"
              label={t('audit.ip')}
              hint={t('audit.ipHint')}
              value={form.ip}
              onChange={(v) => set({ ip: v })}
              maxLength={64}
              lang="en"
              error={fieldErrors['audit-ip']}
              testId="audit-ip"
            />
            <SelectField
              id="audit-outcome"
              label={t('audit.outcome')}
              value={form.outcome}
              onChange={(v) => set({ outcome: v })}
              emptyLabel={t('common.all')}
              options={(['success', 'refused'] as const satisfies readonly AuditOutcomeClass[]).map((o) => ({ value: o, label: t(`audit.outcome.${o}`) }))}
              error={fieldErrors['audit-outcome']}
              testId="audit-outcome-filter"
            />
          </div>
          <div className="button-row">
            <button type="submit" className="button primary large" data-testid="audit-search">
              {t('audit.search')}
            </button>
            <button type="button" className="button large" onClick={onReset} data-testid="audit-reset">
              {t('audit.reset')}
            </button>
          </div>
        </form>
      </section>

      <ErrorBox message={error} testId="audit-error" />

      <section aria-labelledby="audit-results-title">
        <h2 id="audit-results-title">{t('audit.results')}</h2>
        {items === null ? (
          <Loading />
        ) : (
          <>
            {/* After a refused search the error above says why: "no records" would say something else. */}
            {error && items.length === 0 ? null : (
              <p className="queue-total" role="status" aria-live="polite" data-testid="audit-count">
                {items.length === 0 ? t('audit.empty') : t('audit.shown', { count: items.length })}
                {isLoading ? ` · ${t('app.loading')}` : ''}
              </p>
            )}
            {items.length > 0 ? (
              <div className="table-wrap" tabIndex={0} aria-labelledby="audit-results-title">
                <table className="queue-table" data-testid="audit-table" aria-busy={isLoading}>
                  <thead>
                    <tr>
                      <th scope="col">{t('audit.col.time')}</th>
                      <th scope="col">{t('audit.col.user')}</th>
                      <th scope="col">{t('audit.col.ip')}</th>
                      <th scope="col">{t('audit.col.action')}</th>
                      <th scope="col">{t('audit.col.subject')}</th>
                      <th scope="col">{t('audit.col.outcome')}</th>
                      <th scope="col">{t('audit.col.details')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((entry) => {
                      const what = actionText(entry);
                      const kindKey = subjectKindKey(entry);
                      const outsider = outsideActorLabel(entry);
                      const isOpen = openId === entry.id;
                      const detailsId = `audit-details-${entry.id}`;
                      return (
                        <Fragment key={entry.id}>
                          <tr data-testid="audit-row" data-id={entry.id} data-action={entry.action}>
                            <td className="nowrap">
                              <time dateTime={entry.at}>{formatSecond(entry.at)}</time>
                            </td>
                            <td data-testid="audit-user-cell">
                              {entry.actor ? (
                                <>
                                  {entry.actor.displayName ?? entry.actor.username}
                                  <br />
                                  <span className="muted" lang="en" translate="no">
                                    {entry.actor.username}
                                  </span>
                                </>
                              ) : outsider ? (
                                t(outsider.key, outsider.vars)
                              ) : entry.claimedUsername && entry.outcomeClass === 'success' ? (
                                // A sign-in is recorded before its session exists: the name it signed in with says who.
                                t('audit.signedInWith', { name: entry.claimedUsername })
                              ) : (
                                <>
                                  <span className="muted">{t('audit.noActor')}</span>
                                  {entry.claimedUsername ? (
                                    <>
                                      <br />
                                      {t('audit.claimed', { name: entry.claimedUsername })}
                                    </>
                                  ) : null}
                                </>
                              )}
                            </td>
                            <td lang="en" translate="no">
                              {entry.ip ?? '—'}
                            </td>
                            <td data-testid="audit-action" data-raw={what.isRaw ? 'true' : 'false'}>
                              {what.isRaw ? (
                                <code lang="en" translate="no">
                                  {what.text}
                                </code>
                              ) : (
                                what.text
                              )}
                            </td>
                            <td>
                              {kindKey ? t(kindKey) : entry.subjectKind ? <span lang="en" translate="no">{entry.subjectKind}</span> : '—'}
                              {entry.subjectId ? (
                                <>
                                  <br />
                                  {kindKey === 'audit.kind.case' && UUID.test(entry.subjectId) ? (
                                    <a href={hrefFor(`/work/cases/${encodeURIComponent(entry.subjectId)}`)} aria-label={`${t('audit.openCase')}: ${entry.subjectId}`}>
                                      {t('audit.openCase')}
                                    </a>
                                  ) : (
                                    <span className="muted" lang="en" translate="no">
                                      {entry.subjectId}
                                    </span>
                                  )}
                                </>
                              ) : null}
                            </td>
                            <td>
                              <OutcomeBadge entry={entry} />
                            </td>
                            <td>
                              <button
                                type="button"
                                className="button"
                                aria-expanded={isOpen}
                                aria-controls={isOpen ? detailsId : undefined}
                                onClick={() => setOpenId(isOpen ? null : entry.id)}
                                data-testid="audit-details-toggle"
                              >
                                {isOpen ? t('audit.hideDetails') : t('audit.showDetails')}
                              </button>
                            </td>
                          </tr>
                          {isOpen ? (
                            <tr id={detailsId}>
                              <td colSpan={7}>
                                <EntryDetails entry={entry} />
                              </td>
                            </tr>
                          ) : null}
                        </Fragment>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            ) : null}
            {nextCursor ? (
              <div className="button-row">
                <button
                  type="button"
                  className="button large"
                  onClick={() => void load(applied, nextCursor)}
                  disabled={isLoading}
                  aria-busy={isLoading}
                  data-testid="audit-load-more"
                >
                  {t('audit.loadMore')}
                </button>
              </div>
            ) : items.length > 0 ? (
              <p className="muted" data-testid="audit-all-shown">
                {t('audit.allShown')}
              </p>
            ) : null}
          </>
        )}
      </section>

      <ChainPanel isTopLevel={isTopLevel} />
    </div>
  );
}
