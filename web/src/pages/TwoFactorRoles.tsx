import { useEffect, useState, type FormEvent } from 'react';
import { getTotpStatus, isAbortError, type TotpStatus } from '../api/client';
import { getTwoFactorImpact, getTwoFactorRoles, saveTwoFactorRoles, type RequiredRoles, type TwoFactorImpact } from '../api/two-factor-roles';
import { STAFF_ROLES } from '../api/users';
import { usePageTitle } from '../components/common';
import { CheckboxField, ErrorBox, Loading, Notice } from '../components/forms';
import { isMessageKey } from '../i18n';
import { useI18n } from '../i18n/context';
import { errorMessage } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { changeOf, isNotTopLevelRefusal, isSameRoles, mustSetUpOwn, reachOf, roleReachOf, rolesToSave, type Reach } from '../lib/two-factor-roles';
import { isTopLevelUnit } from '../lib/unit-scope';
import { useRefData } from '../refdata';
import { navigate } from '../router';
import { useSession } from '../session';

const SHOWN_ROLES: readonly string[] = STAFF_ROLES;

/** Counts are kept as loaded, or why they are missing: the reader is below a top-level unit, or the call failed. */
export type ImpactState = { kind: 'loading' } | { kind: 'loaded'; impact: TwoFactorImpact } | { kind: 'not_top_level' } | { kind: 'failed' };

/**
 * Which roles must use two-step verification, for the whole organisation (docs/two-factor.md): the roles with a box
 * each, how many people each reaches and how many of them would be held to setting it up, and the change, which only
 * an administrator of a top-level unit may save. Others see the roles read-only, with the reason.
 */
export function TwoFactorRolesPage() {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const { units, loaded: isUnitsLoaded } = useRefData();
  usePageTitle(t('twoFactorRoles.title'));

  const [saved, setSaved] = useState<RequiredRoles | null>(null);
  const [draft, setDraft] = useState<string[]>([]);
  /** Kept as thrown, so that its message follows the reader's language. */
  const [loadFailure, setLoadFailure] = useState<unknown>(null);
  const [impactState, setImpactState] = useState<ImpactState>({ kind: 'loading' });
  const [ownTotp, setOwnTotp] = useState<TotpStatus | null>(null);
  const [isRefusedBelowTop, setIsRefusedBelowTop] = useState(false);
  const [isSaving, setIsSaving] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const isTopLevel = isTopLevelUnit(units, user?.unitId);
  // The units tell before any refusal does; the server's refusal settles it when the units do not know the unit.
  const isReadOnly = isTopLevel === false || isRefusedBelowTop || impactState.kind === 'not_top_level';

  useEffect(() => {
    const controller = new AbortController();
    getTwoFactorRoles(controller.signal).then(
      (roles) => {
        setSaved(roles);
        setDraft(roles.roles.filter((r) => SHOWN_ROLES.includes(r)));
        setLoadFailure(null);
      },
      (err: unknown) => {
        if (!isAbortError(err)) setLoadFailure(err);
      },
    );
    // Only to warn an administrator about to hold themself to setting it up; the page works without it.
    getTotpStatus().then(setOwnTotp, () => setOwnTotp(null));
    return () => controller.abort();
  }, []);

  useEffect(() => {
    // Not asked of someone the server would refuse: the units already say so.
    if (!isUnitsLoaded || isTopLevel === false) return;
    const controller = new AbortController();
    getTwoFactorImpact(controller.signal).then(
      (impact) => setImpactState({ kind: 'loaded', impact }),
      (err: unknown) => {
        if (isAbortError(err)) return;
        setImpactState({ kind: isNotTopLevelRefusal(err) ? 'not_top_level' : 'failed' });
      },
    );
    return () => controller.abort();
  }, [isUnitsLoaded, isTopLevel]);

  const toSave = saved ? rolesToSave(draft, saved.roles, SHOWN_ROLES) : [];
  const isDirty = saved !== null && !isSameRoles(toSave, saved.roles);
  const willSetUpOwn = ownTotp !== null && user !== null && mustSetUpOwn(user.roles, toSave, ownTotp.isEnabled);

  const onSave = async () => {
    if (!saved || !isDirty || isSaving || isReadOnly) return;
    setIsSaving(true);
    setFailure(null);
    setNotice(null);
    // Decided before the answer: once saved, this very page may be refused until it is set up.
    const isGoingToSetUp = willSetUpOwn;
    try {
      const result = await saveTwoFactorRoles(toSave);
      setSaved(result);
      setDraft(result.roles.filter((r) => SHOWN_ROLES.includes(r)));
      setNotice(t('twoFactorRoles.saved'));
      if (isGoingToSetUp) navigate('/account/two-factor');
    } catch (err) {
      if (isNotTopLevelRefusal(err)) {
        // The page had no way to know (the unit's parent was unknown): show what is stored, read-only.
        setIsRefusedBelowTop(true);
        setDraft(saved.roles.filter((r) => SHOWN_ROLES.includes(r)));
      } else {
        setFailure(err);
      }
    } finally {
      setIsSaving(false);
    }
  };

  const onUndo = () => {
    if (!saved) return;
    setDraft(saved.roles.filter((r) => SHOWN_ROLES.includes(r)));
    setFailure(null);
    setNotice(null);
  };

  return (
    <div className="page two-factor-roles">
      <h1 tabIndex={-1}>{t('twoFactorRoles.title')}</h1>
      <p>{t('twoFactorRoles.intro')}</p>
      {/* Advice on what to tick is for those who can tick; the others are told why they cannot. */}
      {isReadOnly ? <Notice testId="two-factor-roles-read-only">{t('twoFactorRoles.readOnly')}</Notice> : <p>{t('twoFactorRoles.advice')}</p>}
      <ErrorBox message={loadFailure === null ? null : errorMessage(loadFailure, lang)} testId="two-factor-roles-load-error" />
      {saved === null ? (
        loadFailure === null ? <Loading /> : null
      ) : (
        <TwoFactorRolesForm
          saved={saved}
          draft={draft}
          impactState={impactState}
          isReadOnly={isReadOnly}
          isSaving={isSaving}
          willSetUpOwn={willSetUpOwn}
          failure={failure}
          notice={notice}
          canReadAudit={user?.permissions.includes('audit.read') ?? false}
          onToggle={(role, isOn) => {
            setNotice(null);
            setDraft((d) => (isOn ? [...d, role] : d.filter((r) => r !== role)));
          }}
          onSave={() => void onSave()}
          onUndo={onUndo}
        />
      )}
    </div>
  );
}

export interface TwoFactorRolesFormProps {
  saved: RequiredRoles;
  /** The ticked roles among those shown. */
  draft: readonly string[];
  impactState: ImpactState;
  isReadOnly: boolean;
  isSaving: boolean;
  /** Saving would hold the reader to setting it up themself. */
  willSetUpOwn: boolean;
  /** Kept as thrown, so that its message follows the reader's language. */
  failure: unknown;
  notice: string | null;
  canReadAudit: boolean;
  onToggle: (role: string, isOn: boolean) => void;
  onSave: () => void;
  onUndo: () => void;
}

/** The boxes, what they would do, and Save: everything drawn from the props, so that it can be checked as drawn. */
export function TwoFactorRolesForm(props: TwoFactorRolesFormProps) {
  const { t, lang } = useI18n();
  const { saved, draft, impactState, isReadOnly, isSaving } = props;

  const roleLabel = (role: string): string => {
    const key = `users.role.${role}`;
    return isMessageKey(key) ? t(key) : role;
  };

  const reachText = (reach: Reach): string => {
    if (reach.activeAccounts === 0) return t('twoFactorRoles.reach.none');
    if (reach.withoutTwoFactor === 0) return t('twoFactorRoles.reach.allOn', { n: reach.activeAccounts });
    return t('twoFactorRoles.reach.some', { n: reach.activeAccounts, m: reach.withoutTwoFactor });
  };

  const toSave = rolesToSave(draft, saved.roles, SHOWN_ROLES);
  const isDirty = !isSameRoles(toSave, saved.roles);
  const impact = impactState.kind === 'loaded' ? impactState.impact : null;
  const change = impact ? changeOf(impact, saved.roles, toSave) : null;
  const reach = impact ? reachOf(impact, toSave) : null;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    props.onSave();
  };

  return (
    <form className="form card" onSubmit={onSubmit} noValidate aria-labelledby="two-factor-roles-legend" data-testid="two-factor-roles-form">
      <p className="updated-at" data-testid="two-factor-roles-updated-at">
        {saved.updatedAt ? t('twoFactorRoles.updatedAt', { time: formatDateTime(saved.updatedAt) }) : t('twoFactorRoles.neverChanged')}
      </p>
      <fieldset className="field role-choices">
        <legend id="two-factor-roles-legend">{t('twoFactorRoles.legend')}</legend>
        {SHOWN_ROLES.map((role) => (
          <CheckboxField
            key={role}
            id={`two-factor-role-${role}`}
            label={roleLabel(role)}
            checked={draft.includes(role)}
            isLocked={isReadOnly || isSaving}
            onChange={(isOn) => props.onToggle(role, isOn)}
            testId={`two-factor-role-${role}`}
            {...(impact ? { hint: reachText(roleReachOf(impact, role)) } : {})}
          />
        ))}
      </fieldset>

      {isReadOnly ? null : (
        // Read out as the boxes change, so that the effect is heard before Save, not after.
        <div className="role-impact" aria-live="polite" data-testid="two-factor-roles-impact">
          {reach ? (
            <p data-testid="two-factor-roles-summary">
              {toSave.length === 0 ? t('twoFactorRoles.summaryNone') : t('twoFactorRoles.summary', { n: reach.activeAccounts, m: reach.withoutTwoFactor })}
            </p>
          ) : impactState.kind === 'failed' ? (
            <p className="muted" data-testid="two-factor-roles-counts-unavailable">
              {t('twoFactorRoles.countsUnavailable')}
            </p>
          ) : null}
          {isDirty && change && change.newlyBlocked > 0 ? (
            <p className="warning-box" data-testid="two-factor-roles-warning">
              {t('twoFactorRoles.warnBlocked', { n: change.newlyBlocked })}
            </p>
          ) : null}
          {isDirty && props.willSetUpOwn ? (
            <p className="warning-box" data-testid="two-factor-roles-warn-self">
              {t('twoFactorRoles.warnSelf')}
            </p>
          ) : null}
          {isDirty && change && change.released > 0 ? (
            <p data-testid="two-factor-roles-released">{t('twoFactorRoles.released', { n: change.released })}</p>
          ) : null}
        </div>
      )}

      <ErrorBox message={props.failure === null ? null : errorMessage(props.failure, lang)} testId="two-factor-roles-error" />
      {props.notice ? <Notice testId="two-factor-roles-notice">{props.notice}</Notice> : null}

      {isReadOnly ? null : (
        <>
          <div className="button-row">
            <button
              type="submit"
              className="button primary large"
              disabled={!isDirty || isSaving}
              aria-busy={isSaving}
              aria-describedby={isDirty ? undefined : 'two-factor-roles-no-changes'}
              data-testid="two-factor-roles-save"
            >
              {t('twoFactorRoles.save')}
            </button>
            {isDirty ? (
              <button type="button" className="button large" onClick={props.onUndo} disabled={isSaving} data-testid="two-factor-roles-undo">
                {t('twoFactorRoles.undo')}
              </button>
            ) : null}
          </div>
          {isDirty ? null : (
            <p className="muted" id="two-factor-roles-no-changes">
              {t('twoFactorRoles.noChanges')}
            </p>
          )}
        </>
      )}
      <p className="muted">
        {t('twoFactorRoles.audit')} {props.canReadAudit ? <a href="#/work/admin/audit">{t('twoFactorRoles.auditLink')}</a> : null}
      </p>
    </form>
  );
}
