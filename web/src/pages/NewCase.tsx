import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { isAbortError, performAction, registerCase } from '../api/client';
import { checkDuplicates, suggestForText, type DispatchSuggestions, type DuplicateItem } from '../api/search';
import {
  CHANNELS,
  ID_NUMBER_PATTERN,
  KINDS,
  LANGS,
  PHONE_PATTERN,
  isLang,
  type Channel,
  type Kind,
  type Lang,
  type PublicationConsent,
  type RegisterCaseBody,
  type RegisteredCase,
} from '../api/types';
import { CaseCodes, categoryOptions, usePageTitle } from '../components/common';
import { CheckboxField, ErrorBox, RadioGroup, SelectField, TextAreaField, TextField } from '../components/forms';
import { DuplicateList, SuggestionBox } from '../components/search/parts';
import { useDebounced } from '../components/search/use-debounced';
import { LANGUAGE_NAMES } from '../i18n';
import { useI18n } from '../i18n/context';
import { errorMessage, focusFirstError, mapIssues } from '../lib/errors';
import { cnyToFen } from '../lib/format';
import { useRefData } from '../refdata';
import { navigate } from '../router';
import { useSession } from '../session';

const FIELD_ORDER = [
  'nc-kind',
  'nc-channel',
  'nc-category',
  'nc-title',
  'nc-description',
  'nc-name',
  'nc-phone',
  'nc-id-number',
  'nc-address',
  'nc-amount',
  'nc-language',
  'nc-consent',
];

const ISSUE_FIELDS: Record<string, string> = {
  kind: 'nc-kind',
  channel: 'nc-channel',
  categoryId: 'nc-category',
  title: 'nc-title',
  description: 'nc-description',
  'requester.name': 'nc-name',
  'requester.phone': 'nc-phone',
  'requester.idNumber': 'nc-id-number',
  'requester.language': 'nc-language',
  name: 'nc-name',
  phone: 'nc-phone',
  idNumber: 'nc-id-number',
  address: 'nc-address',
  amountClaimedFen: 'nc-amount',
  language: 'nc-language',
  publicationConsent: 'nc-consent',
};

/** Alt+1…Alt+5 → the kind at that position (physical digit keys, whatever the layout). */
export function kindForShortcut(e: {
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  code: string;
}): Kind | null {
  if (!e.altKey || e.ctrlKey || e.metaKey) return null;
  const m = /^(?:Digit|Numpad)([1-5])$/.exec(e.code);
  if (!m) return null;
  return KINDS[Number(m[1]) - 1] ?? null;
}

interface Draft {
  kind: Kind | '';
  channel: Channel;
  categoryId: string;
  title: string;
  description: string;
  name: string;
  phone: string;
  idNumber: string;
  address: string;
  amount: string;
  language: Lang;
  publicationConsent: PublicationConsent;
  /** The requester asked to be kept from the handling units (a report is protected whatever this says). */
  isIdentityProtected: boolean;
}

function emptyDraft(language: Lang): Draft {
  return {
    kind: '',
    channel: 'phone',
    categoryId: '',
    title: '',
    description: '',
    name: '',
    phone: '',
    idNumber: '',
    address: '',
    amount: '',
    language,
    publicationConsent: 'not_asked',
    isIdentityProtected: false,
  };
}

type AppliedSuggestion = DispatchSuggestions['items'][number];

/**
 * While the agent types (debounced), the likely duplicates of the request (POST /duplicates/check: the
 * title and description, the phone and ID number) and the dispatch suggestions (POST /suggestions). A failed
 * check only hides the panel: it must never stand in the way of registering.
 */
function IntakeAssist({
  draft,
  applied,
  onApply,
}: {
  draft: Draft;
  applied: AppliedSuggestion | null;
  onApply: (s: AppliedSuggestion) => void;
}) {
  const { t } = useI18n();
  const probe = useDebounced(
    {
      title: draft.title.trim(),
      description: draft.description.trim(),
      phone: PHONE_PATTERN.test(draft.phone.trim()) ? draft.phone.trim() : '',
      idNumber: ID_NUMBER_PATTERN.test(draft.idNumber.trim()) ? draft.idNumber.trim() : '',
      categoryId: draft.categoryId,
    },
    600,
  );
  const probeKey = JSON.stringify(probe);
  const [duplicates, setDuplicates] = useState<DuplicateItem[] | null>(null);
  const [checking, setChecking] = useState(false);
  const [suggestions, setSuggestions] = useState<DispatchSuggestions | null>(null);

  useEffect(() => {
    const p = JSON.parse(probeKey) as typeof probe;
    const hasText = p.title.length >= 2;
    if (!hasText && !p.phone && !p.idNumber) {
      setDuplicates(null);
      return;
    }
    const ctrl = new AbortController();
    const requester: { phone?: string; idNumber?: string } = {};
    if (p.phone) requester.phone = p.phone;
    if (p.idNumber) requester.idNumber = p.idNumber;
    setChecking(true);
    checkDuplicates(
      {
        title: p.title || p.description.slice(0, 200) || '—',
        description: p.description,
        ...(p.phone || p.idNumber ? { requester } : {}),
      },
      ctrl.signal,
    )
      .then(setDuplicates)
      .catch((err: unknown) => {
        if (!isAbortError(err)) setDuplicates(null);
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setChecking(false);
      });
    return () => ctrl.abort();
  }, [probeKey]);

  const textKey = JSON.stringify([probe.title, probe.description, probe.categoryId]);
  useEffect(() => {
    const [title, description, categoryId] = JSON.parse(textKey) as [string, string, string];
    if (`${title}${description}`.length < 4) {
      setSuggestions(null);
      return;
    }
    const ctrl = new AbortController();
    suggestForText(`${title}\n${description}`, categoryId || undefined, ctrl.signal)
      .then(setSuggestions)
      .catch((err: unknown) => {
        if (!isAbortError(err)) setSuggestions(null);
      });
    return () => ctrl.abort();
  }, [textKey]);

  if (duplicates === null && suggestions === null && !checking) return null;
  return (
    <div className="intake-assist">
      <section className="card attention" aria-labelledby="intake-dup-title" aria-live="polite" data-testid="intake-duplicates">
        <h2 id="intake-dup-title">{t('search.dup.title')}</h2>
        {checking && duplicates === null ? <p className="muted">{t('search.dup.checking')}</p> : null}
        {duplicates !== null && duplicates.length === 0 ? (
          <p className="muted" data-testid="intake-duplicates-none">
            {t('search.dup.none')}
          </p>
        ) : null}
        {duplicates && duplicates.length > 0 ? (
          <>
            <p className="hint">{t('search.dup.intro')}</p>
            <DuplicateList items={duplicates} isIntake openInNewTab />
          </>
        ) : null}
      </section>
      {suggestions ? (
        <section className="card" aria-labelledby="intake-sugg-title" data-testid="intake-suggestions">
          <h2 id="intake-sugg-title">{t('search.sugg.title')}</h2>
          <SuggestionBox data={suggestions} onApply={onApply} appliedUnitId={applied?.unitId ?? null} />
        </section>
      ) : null}
    </div>
  );
}

export function NewCasePage() {
  const { t, lang } = useI18n();
  const { categories } = useRefData();
  usePageTitle(t('newCase.title'));

  const [draft, setDraft] = useState<Draft>(() => emptyDraft(lang));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<RegisteredCase | null>(null);
  /** The dispatch suggestion the agent applied: its category goes in the form, its unit is one click away after registering. */
  const [applied, setApplied] = useState<AppliedSuggestion | null>(null);
  const [dispatchError, setDispatchError] = useState<string | null>(null);
  const [dispatching, setDispatching] = useState(false);
  const { user } = useSession();
  const canDispatch = user?.permissions.includes('case.dispatch') ?? false;
  const formRef = useRef<HTMLFormElement>(null);
  const firstRef = useRef<HTMLInputElement>(null);
  const dispatchRef = useRef<HTMLButtonElement>(null);

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));

  // Alt+1…5 pick the kind from anywhere on the page while the form is shown.
  useEffect(() => {
    if (result) return;
    const onKey = (e: globalThis.KeyboardEvent) => {
      const k = kindForShortcut(e);
      if (!k) return;
      e.preventDefault();
      setDraft((d) => ({ ...d, kind: k }));
      const active = document.activeElement;
      if (active instanceof HTMLInputElement && active.name === 'kind') {
        window.setTimeout(() => document.getElementById(`nc-kind-${k}`)?.focus(), 0);
      }
      setErrors((errs) => {
        const next = { ...errs };
        delete next['nc-kind'];
        return next;
      });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [result]);

  useEffect(() => {
    if (result) dispatchRef.current?.focus();
  }, [result]);

  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      formRef.current?.requestSubmit();
    }
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const errs: Record<string, string> = {};
    if (!draft.kind) errs['nc-kind'] = t('form.choose');
    if (!draft.title.trim()) errs['nc-title'] = t('form.required');
    if (!draft.description.trim()) errs['nc-description'] = t('form.required');
    if (draft.phone.trim() && !PHONE_PATTERN.test(draft.phone.trim()))
      errs['nc-phone'] = t('form.invalidPhone');
    if (draft.idNumber.trim() && !ID_NUMBER_PATTERN.test(draft.idNumber.trim())) {
      errs['nc-id-number'] = t('form.invalidIdNumber');
    }
    let fen: number | null = null;
    if (draft.amount.trim()) {
      fen = cnyToFen(draft.amount);
      if (fen === null) errs['nc-amount'] = t('form.invalidAmount');
    }
    setErrors(errs);
    setFormError(null);
    if (Object.keys(errs).length > 0 || !draft.kind) {
      focusFirstError(FIELD_ORDER, errs);
      return;
    }
    const requester: RegisterCaseBody['requester'] = { language: draft.language };
    if (draft.name.trim()) requester.name = draft.name.trim();
    if (draft.phone.trim()) requester.phone = draft.phone.trim();
    if (draft.idNumber.trim()) requester.idNumber = draft.idNumber.trim();
    const body: RegisterCaseBody = {
      kind: draft.kind,
      channel: draft.channel,
      title: draft.title.trim(),
      description: draft.description.trim(),
      requester,
    };
    if (draft.categoryId) body.categoryId = draft.categoryId;
    if (draft.address.trim()) body.address = draft.address.trim();
    if (fen !== null) body.amountClaimedFen = fen;
    if (draft.publicationConsent !== 'not_asked') body.publicationConsent = draft.publicationConsent;
    if (draft.isIdentityProtected && draft.kind !== 'report') body.isIdentityProtected = true;
    setBusy(true);
    try {
      setResult(await registerCase(body));
    } catch (err) {
      const mapped = mapIssues(err, ISSUE_FIELDS, lang);
      setErrors(mapped.fields);
      setFormError([errorMessage(err, lang), ...mapped.other].join(' '));
      focusFirstError(FIELD_ORDER, mapped.fields);
    } finally {
      setBusy(false);
    }
  };

  const applySuggestion = (sg: AppliedSuggestion) => {
    setApplied(sg);
    if (sg.categoryId) set('categoryId', sg.categoryId);
  };

  const dispatchToApplied = async () => {
    if (!result || !applied || dispatching) return;
    setDispatching(true);
    setDispatchError(null);
    try {
      await performAction(result.id, 'dispatch', { unitId: applied.unitId });
      navigate(`/work/cases/${encodeURIComponent(result.id)}`);
    } catch (err) {
      setDispatchError(errorMessage(err, lang));
    } finally {
      setDispatching(false);
    }
  };

  const another = () => {
    setApplied(null);
    setDispatchError(null);
    setDraft(emptyDraft(lang));
    setErrors({});
    setFormError(null);
    setResult(null);
    window.setTimeout(() => firstRef.current?.focus(), 0);
  };

  if (result) {
    return (
      <div className="success-panel" data-testid="new-case-success">
        <h1 tabIndex={-1}>{t('newCase.success')}</h1>
        <p className="write-down">{t('newCase.tellCaller')}</p>
        <CaseCodes trackingNo={result.trackingNo} accessCode={result.accessCode} />
        <div className="button-row">
          {applied && canDispatch ? (
            <button
              type="button"
              className="button primary large"
              disabled={dispatching}
              onClick={() => void dispatchToApplied()}
              data-testid="new-dispatch-suggested"
            >
              {t('search.sugg.dispatchTo', { unit: applied.unit?.name ?? '' })}
            </button>
          ) : null}
          <button
            type="button"
            ref={dispatchRef}
            className="button primary large"
            onClick={() => navigate(`/work/cases/${encodeURIComponent(result.id)}`)}
            data-testid="new-dispatch-now"
          >
            {t('newCase.dispatchNow')}
          </button>
          <button type="button" className="button large" onClick={another} data-testid="new-register-another">
            {t('newCase.another')}
          </button>
        </div>
        <ErrorBox message={dispatchError} testId="new-dispatch-error" />
      </div>
    );
  }

  return (
    <div className="new-case">
      <h1 tabIndex={-1}>{t('newCase.title')}</h1>
      <p className="hint shortcuts">{t('newCase.shortcuts')}</p>
      <form
        ref={formRef}
        onSubmit={(e) => void onSubmit(e)}
        onKeyDown={onKeyDown}
        noValidate
        className="form agent-form"
        data-testid="new-case-form"
      >
        <RadioGroup
          id="nc-kind"
          name="kind"
          label={t('newCase.kind')}
          required
          value={draft.kind}
          onChange={(v) => set('kind', v as Kind)}
          options={KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))}
          prefix={(i) => `Alt+${i + 1}`}
          autoFocus
          firstInputRef={firstRef}
          error={errors['nc-kind']}
          testIdPrefix="new-kind"
        />
        <div className="form-row">
          <SelectField
            id="nc-channel"
            label={t('newCase.channel')}
            value={draft.channel}
            onChange={(v) => set('channel', v as Channel)}
            options={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))}
            error={errors['nc-channel']}
            testId="new-channel"
          />
          <SelectField
            id="nc-category"
            label={t('newCase.category')}
            optional
            value={draft.categoryId}
            onChange={(v) => set('categoryId', v)}
            options={categoryOptions(categories)}
            emptyLabel={t('common.notSelected')}
            error={errors['nc-category']}
            testId="new-category"
          />
        </div>
        <TextField
          id="nc-title"
          label={t('newCase.titleLabel')}
          required
          value={draft.title}
          onChange={(v) => set('title', v)}
          maxLength={200}
          error={errors['nc-title']}
          testId="new-title"
        />
        <TextAreaField
          id="nc-description"
          label={t('newCase.description')}
          required
          rows={5}
          value={draft.description}
          onChange={(v) => set('description', v)}
          error={errors['nc-description']}
          testId="new-description"
        />
        <fieldset className="group">
          <legend>{t('newCase.requester')}</legend>
          <div className="form-row">
            <TextField
              id="nc-name"
              label={t('newCase.name')}
              optional
              value={draft.name}
              onChange={(v) => set('name', v)}
              autoComplete="off"
              error={errors['nc-name']}
              testId="new-name"
            />
            <TextField
              id="nc-phone"
              label={t('newCase.phone')}
              optional
              type="tel"
              inputMode="tel"
              autoComplete="off"
              value={draft.phone}
              onChange={(v) => set('phone', v)}
              error={errors['nc-phone']}
              testId="new-phone"
            />
            <TextField
              id="nc-id-number"
              label={t('newCase.idNumber')}
              optional
              autoComplete="off"
              value={draft.idNumber}
              onChange={(v) => set('idNumber', v)}
              maxLength={18}
              error={errors['nc-id-number']}
              testId="new-id-number"
            />
          </div>
        </fieldset>
        <IntakeAssist draft={draft} applied={applied} onApply={applySuggestion} />
        <TextField
          id="nc-address"
          label={t('newCase.address')}
          optional
          value={draft.address}
          onChange={(v) => set('address', v)}
          autoComplete="off"
          error={errors['nc-address']}
          testId="new-address"
        />
        <div className="form-row">
          <TextField
            id="nc-amount"
            label={t('newCase.amount')}
            hint={t('newCase.amountHint')}
            optional
            inputMode="decimal"
            value={draft.amount}
            onChange={(v) => set('amount', v)}
            error={errors['nc-amount']}
            testId="new-amount"
          />
          <SelectField
            id="nc-language"
            label={t('newCase.language')}
            value={draft.language}
            onChange={(v) => {
              if (isLang(v)) set('language', v);
            }}
            options={LANGS.map((l) => ({ value: l, label: LANGUAGE_NAMES[l] }))}
            error={errors['nc-language']}
            testId="new-language"
          />
          <SelectField
            id="nc-consent"
            label={t('consent.intakeLabel')}
            hint={t('consent.hint')}
            value={draft.publicationConsent}
            onChange={(v) => {
              if (v === 'granted' || v === 'refused' || v === 'not_asked') set('publicationConsent', v);
            }}
            options={(['not_asked', 'granted', 'refused'] as const).map((v) => ({ value: v, label: t(`consent.value.${v}`) }))}
            error={errors['nc-consent']}
            testId="new-consent"
          />
          <CheckboxField
            id="nc-identity"
            label={t('identity.intakeLabel')}
            hint={draft.kind === 'report' ? t('identity.reportAlways') : t('identity.intakeHint')}
            checked={draft.kind === 'report' || draft.isIdentityProtected}
            isLocked={draft.kind === 'report'}
            onChange={(v) => set('isIdentityProtected', v)}
            testId="new-identity-protected"
          />
        </div>
        <ErrorBox message={formError} testId="new-case-error" />
        <button type="submit" className="button primary large" disabled={busy} data-testid="new-submit">
          {busy ? t('common.submitting') : t('newCase.submit')}
        </button>
      </form>
    </div>
  );
}
