// Time-limit policies, for administrators (`settings.manage`): which cases they apply to, the limits of each step,
// the warning, extensions, pauses while waiting on the requester and the end of that wait, reopen rounds. They hold
// for every unit: administrators below a top-level unit see them read-only, with the reason (docs/time-limits.md).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { listSlaPolicies, saveSlaPolicy, type SlaPolicy, type SlaPolicyBody, type TargetRule } from '../api/sla-policies';
import { CHANNELS, KINDS, SLA_MODES, type Channel, type Kind, type SlaMode } from '../api/types';
import { categoryOptions, usePageTitle } from '../components/common';
import { CheckboxField, ErrorBox, Loading, Notice, SelectField, TextField } from '../components/forms';
import { useI18n } from '../i18n/context';
import { errorMessage, focusFirstError, mapIssues } from '../lib/errors';
import { isTopLevelUnit, scopeRefusalOf } from '../lib/unit-scope';
import { useRefData } from '../refdata';
import { useSession } from '../session';

type Step = 'accept' | 'reply' | 'callback';
const STEPS: readonly Step[] = ['accept', 'reply', 'callback'];

/** The form's text, as typed: numbers are checked when saving, so a half-typed value is never lost. */
type Draft = {
  code: string;
  nameZh: string;
  nameBo: string;
  nameEn: string;
  categoryId: string;
  channel: string;
  kind: string;
  priority: string;
  isActive: boolean;
  amounts: Record<Step, string>;
  modes: Record<Step, SlaMode>;
  replyClock: 'registration' | 'acceptance';
  warnPercent: string;
  maxExtensionDays: string;
  isHoldPaused: boolean;
  holdReminderDays: string;
  holdLimitDays: string;
  maxReopenRounds: string;
  reopenWindowDays: string;
  /** A first-contact limit set outside the form: kept as it is. */
  firstContact?: TargetRule;
};

const NEW_DRAFT: Draft = {
  code: '', nameZh: '', nameBo: '', nameEn: '', categoryId: '', channel: '', kind: '', priority: '0', isActive: true,
  amounts: { accept: '24', reply: '7', callback: '3' },
  modes: { accept: 'working_hours', reply: 'working_days', callback: 'working_days' },
  replyClock: 'registration', warnPercent: '80', maxExtensionDays: '30', isHoldPaused: true,
  holdReminderDays: '3', holdLimitDays: '15', maxReopenRounds: '2', reopenWindowDays: '30',
};

const draftOf = (p: SlaPolicy): Draft => ({
  code: p.code,
  nameZh: p.name['zh-Hans'],
  nameBo: p.name.bo ?? '',
  nameEn: p.name.en ?? '',
  categoryId: p.categoryId ?? '',
  channel: p.channel ?? '',
  kind: p.kind ?? '',
  priority: String(p.priority),
  isActive: p.isActive,
  amounts: { accept: p.targets.accept ? String(p.targets.accept.amount) : '', reply: String(p.targets.reply.amount), callback: p.targets.callback ? String(p.targets.callback.amount) : '' },
  modes: { accept: p.targets.accept?.mode ?? 'working_hours', reply: p.targets.reply.mode, callback: p.targets.callback?.mode ?? 'working_days' },
  replyClock: p.replyClock,
  warnPercent: String(Math.round(p.warnAtShare * 1000) / 10),
  maxExtensionDays: p.maxExtensionDays === null ? '' : String(p.maxExtensionDays),
  isHoldPaused: p.pausedStatuses.includes('on_hold'),
  holdReminderDays: p.holdReminderDays === null ? '' : String(p.holdReminderDays),
  holdLimitDays: p.holdLimitDays === null ? '' : String(p.holdLimitDays),
  maxReopenRounds: String(p.maxReopenRounds),
  reopenWindowDays: String(p.reopenWindowDays),
  ...(p.targets.firstContact ? { firstContact: p.targets.firstContact } : {}),
});

const FIELD_ORDER = [
  'sp-code', 'sp-name-zh', 'sp-category', 'sp-priority', 'sp-accept-amount', 'sp-reply-amount', 'sp-callback-amount', 'sp-warn',
  'sp-max-extension', 'sp-reminder', 'sp-limit', 'sp-rounds', 'sp-window',
];
const ISSUE_FIELDS: Record<string, string> = {
  'body.name.zh-Hans': 'sp-name-zh', 'body.categoryId': 'sp-category', priority: 'sp-priority', 'body.targets.accept.amount': 'sp-accept-amount',
  'body.targets.reply.amount': 'sp-reply-amount', 'body.targets.callback.amount': 'sp-callback-amount', warnAtShare: 'sp-warn',
  maxExtensionDays: 'sp-max-extension', holdReminderDays: 'sp-reminder', holdLimitDays: 'sp-limit', maxReopenRounds: 'sp-rounds',
  reopenWindowDays: 'sp-window', 'params.code': 'sp-code',
};

const isChannel = (v: string): v is Channel => (CHANNELS as readonly string[]).includes(v);
const isKind = (v: string): v is Kind => (KINDS as readonly string[]).includes(v);
const isMode = (v: string): v is SlaMode => (SLA_MODES as readonly string[]).includes(v);

export function SlaPoliciesPage() {
  const { t, lang } = useI18n();
  usePageTitle(t('slaAdmin.title'));
  const { categories, units } = useRefData();
  const { user } = useSession();
  const [isRefusedBelowTop, setIsRefusedBelowTop] = useState(false);
  // The units tell before any refusal does; the server's refusal settles it when the units do not know the unit.
  const isReadOnly = isTopLevelUnit(units, user?.unitId) === false || isRefusedBelowTop;
  const [policies, setPolicies] = useState<SlaPolicy[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [isNew, setIsNew] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [savedCode, setSavedCode] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [reload, setReload] = useState(0);
  const formRef = useRef<HTMLHeadingElement>(null);
  const titleRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    const ctrl = new AbortController();
    listSlaPolicies(ctrl.signal)
      .then((items) => {
        setPolicies(items);
        setLoadError(null);
      })
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) setLoadError(err);
      });
    return () => ctrl.abort();
  }, [reload]);

  // Focus moves to the form when one opens (not on every keystroke): keyed by an opening counter.
  const [openings, setOpenings] = useState(0);
  useEffect(() => {
    if (openings > 0) formRef.current?.focus();
  }, [openings]);

  const open = (d: Draft, asNew: boolean) => {
    setDraft(d);
    setIsNew(asNew);
    setErrors({});
    setFormError(null);
    setSavedCode(null);
    setOpenings((n) => n + 1);
  };
  const set = (patch: Partial<Draft>) => setDraft((d) => (d ? { ...d, ...patch } : d));

  const categoryName = (id: string | null) => (id ? (categories.find((c) => c.id === id)?.name ?? id) : null);
  const appliesTo = (p: SlaPolicy) =>
    [categoryName(p.categoryId), p.channel ? (isChannel(p.channel) ? t(`channel.${p.channel}`) : p.channel) : null, p.kind ? (isKind(p.kind) ? t(`kind.${p.kind}`) : p.kind) : null].filter(Boolean).join(' · ') ||
    t('slaAdmin.appliesToAll');
  const limitText = (rule: TargetRule | undefined) => (rule ? t(`slaAdmin.limit.${rule.mode}`, { n: rule.amount }) : '—');

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!draft || isReadOnly) return;
    const errs: Record<string, string> = {};
    const int = (id: string, text: string, min: number, max: number, isOptional = false): number | null => {
      const trimmed = text.trim();
      if (trimmed === '' && isOptional) return null;
      // Digits only (with a sign): Number() would also take 0x10 or 1e2.
      const n = /^-?\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
      if (!Number.isInteger(n) || n < min || n > max) {
        errs[id] = t('form.invalidNumber');
        return null;
      }
      return n;
    };
    if (isNew && !/^[a-z0-9_]{1,60}$/.test(draft.code)) errs['sp-code'] = t('slaAdmin.codeInvalid');
    else if (isNew && policies?.some((p) => p.code === draft.code)) errs['sp-code'] = t('slaAdmin.codeTaken');
    if (!draft.nameZh.trim()) errs['sp-name-zh'] = t('form.required');
    const priority = int('sp-priority', draft.priority, -1000, 1000);
    const amounts = Object.fromEntries(STEPS.map((s) => [s, int(`sp-${s}-amount`, draft.amounts[s], 1, 1000, s !== 'reply')])) as Record<Step, number | null>;
    const warnText = draft.warnPercent.trim();
    const warn = /^\d{1,2}(\.\d)?$/.test(warnText) && Number(warnText) >= 5 && Number(warnText) <= 95 ? Number(warnText) : null;
    if (warn === null) errs['sp-warn'] = t('form.invalidNumber');
    const maxExtensionDays = int('sp-max-extension', draft.maxExtensionDays, 1, 365, true);
    const holdReminderDays = int('sp-reminder', draft.holdReminderDays, 1, 90, true);
    const holdLimitDays = int('sp-limit', draft.holdLimitDays, 1, 365, true);
    if (holdReminderDays !== null && holdLimitDays !== null && holdReminderDays >= holdLimitDays) errs['sp-reminder'] = t('slaAdmin.reminderBeforeLimit');
    const maxReopenRounds = int('sp-rounds', draft.maxReopenRounds, 0, 10);
    const reopenWindowDays = int('sp-window', draft.reopenWindowDays, 0, 365);
    setErrors(errs);
    setFormError(null);
    if (Object.keys(errs).length > 0 || priority === null || warn === null || maxReopenRounds === null || reopenWindowDays === null || amounts.reply === null) {
      focusFirstError(FIELD_ORDER, errs);
      return;
    }
    const rule = (s: Step): TargetRule | undefined => {
      const amount = amounts[s];
      return amount === null ? undefined : { amount, mode: draft.modes[s] };
    };
    const accept = rule('accept');
    const callback = rule('callback');
    const body: SlaPolicyBody = {
      name: { 'zh-Hans': draft.nameZh.trim(), ...(draft.nameBo.trim() ? { bo: draft.nameBo.trim() } : {}), ...(draft.nameEn.trim() ? { en: draft.nameEn.trim() } : {}) },
      targets: {
        reply: { amount: amounts.reply, mode: draft.modes.reply },
        ...(accept ? { accept } : {}),
        ...(callback ? { callback } : {}),
        ...(draft.firstContact ? { firstContact: draft.firstContact } : {}),
      },
      replyClock: draft.replyClock,
      warnAtShare: warn / 100,
      maxExtensionDays,
      categoryId: draft.categoryId || null,
      channel: isChannel(draft.channel) ? draft.channel : null,
      kind: isKind(draft.kind) ? draft.kind : null,
      priority,
      isActive: draft.isActive,
      pausedStatuses: draft.isHoldPaused ? ['on_hold'] : [],
      maxReopenRounds,
      reopenWindowDays,
      holdReminderDays,
      holdLimitDays,
    };
    setBusy(true);
    try {
      const saved = await saveSlaPolicy(draft.code, body, isNew);
      setSavedCode(saved.code);
      setDraft(null);
      setReload((n) => n + 1);
      titleRef.current?.focus();
    } catch (err) {
      if (scopeRefusalOf(err)) {
        // Nothing was saved: the stored policy stays open to read, and the page says why it cannot be changed.
        const stored = isNew ? undefined : policies?.find((p) => p.code === draft.code);
        setIsRefusedBelowTop(true);
        setDraft(stored ? draftOf(stored) : null);
        return;
      }
      const mapped = mapIssues(err, ISSUE_FIELDS, lang);
      setErrors(mapped.fields);
      setFormError([errorMessage(err, lang), ...mapped.other].join(' '));
      focusFirstError(FIELD_ORDER, mapped.fields);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="sla-admin">
      <h1 tabIndex={-1} ref={titleRef}>
        {t('slaAdmin.title')}
      </h1>
      <p className="lead">{t('slaAdmin.intro')}</p>
      {isReadOnly ? <Notice testId="sp-read-only">{t('slaAdmin.readOnly')}</Notice> : null}
      {savedCode ? <Notice testId="sp-saved">{t('slaAdmin.saved', { code: savedCode })}</Notice> : null}
      {loadError ? <ErrorBox message={errorMessage(loadError, lang)} /> : null}
      {policies === null && !loadError ? <Loading /> : null}
      {policies ? (
        <table className="opendata-table" data-testid="sp-table">
          <caption>{t('slaAdmin.list')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('slaAdmin.name')}</th>
              <th scope="col">{t('slaAdmin.appliesTo')}</th>
              <th scope="col">{t('slaAdmin.step.reply')}</th>
              <th scope="col">{t('slaAdmin.hold')}</th>
              <th scope="col">{t('slaAdmin.priority')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('slaAdmin.edit')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {policies.map((p) => (
              <tr key={p.code} data-testid="sp-row" data-code={p.code} className={p.isActive ? undefined : 'muted'}>
                <td>
                  {p.name[lang] || p.name['zh-Hans']} <span className="muted">({p.code})</span>
                  {p.isActive ? null : <span className="badge"> {t('slaAdmin.inactive')}</span>}
                </td>
                <td>{appliesTo(p)}</td>
                <td>{limitText(p.targets.reply)}</td>
                <td>{p.holdLimitDays === null ? t('slaAdmin.holdNoEnd') : t('slaAdmin.holdDays', { n: p.holdLimitDays })}</td>
                <td>{p.priority}</td>
                <td>
                  <button
                    type="button"
                    className="button"
                    onClick={() => open(draftOf(p), false)}
                    aria-label={`${isReadOnly ? t('slaAdmin.view') : t('slaAdmin.edit')} ${p.code}`}
                    data-testid="sp-edit"
                  >
                    {isReadOnly ? t('slaAdmin.view') : t('slaAdmin.edit')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {policies && policies.length === 0 ? <p>{t('slaAdmin.none')}</p> : null}
      {isReadOnly ? null : (
        <div className="button-row">
          <button type="button" className="button" onClick={() => open(NEW_DRAFT, true)} data-testid="sp-new">
            {t('slaAdmin.new')}
          </button>
        </div>
      )}

      {draft ? (
        <form onSubmit={(e) => void onSubmit(e)} noValidate className="form card" data-testid="sp-form" aria-labelledby="sp-form-title">
          <h2 id="sp-form-title" ref={formRef} tabIndex={-1}>
            {isNew ? t('slaAdmin.new') : isReadOnly ? t('slaAdmin.viewing', { code: draft.code }) : t('slaAdmin.editing', { code: draft.code })}
          </h2>
          {/* A disabled fieldset shows every value of the policy, unchangeable, to those who may only read. */}
          <fieldset className="group" disabled={isReadOnly} data-testid="sp-fields">
            {isNew ? (
              <TextField id="sp-code" label={t('slaAdmin.code')} hint={t('slaAdmin.codeHint')} required value={draft.code} onChange={(v) => set({ code: v.trim() })} maxLength={60} error={errors['sp-code']} testId="sp-code" />
            ) : null}
            <TextField id="sp-name-zh" label={t('slaAdmin.nameZh')} required value={draft.nameZh} onChange={(v) => set({ nameZh: v })} maxLength={100} error={errors['sp-name-zh']} testId="sp-name-zh" />
            <TextField id="sp-name-bo" label={t('slaAdmin.nameBo')} optional value={draft.nameBo} onChange={(v) => set({ nameBo: v })} maxLength={200} lang="bo" />
            <TextField id="sp-name-en" label={t('slaAdmin.nameEn')} optional value={draft.nameEn} onChange={(v) => set({ nameEn: v })} maxLength={100} lang="en" />

            <fieldset className="field">
              <legend>{t('slaAdmin.appliesTo')}</legend>
              <p className="hint">{t('slaAdmin.appliesToHint')}</p>
              <SelectField id="sp-category" label={t('slaAdmin.category')} value={draft.categoryId} onChange={(v) => set({ categoryId: v })} options={categoryOptions(categories)} emptyLabel={t('slaAdmin.anyValue')} error={errors['sp-category']} testId="sp-category" />
              <SelectField id="sp-channel" label={t('slaAdmin.channel')} value={draft.channel} onChange={(v) => set({ channel: v })} options={CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) }))} emptyLabel={t('slaAdmin.anyValue')} testId="sp-channel" />
              <SelectField id="sp-kind" label={t('slaAdmin.kind')} value={draft.kind} onChange={(v) => set({ kind: v })} options={KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) }))} emptyLabel={t('slaAdmin.anyValue')} testId="sp-kind" />
              <TextField id="sp-priority" label={t('slaAdmin.priority')} hint={t('slaAdmin.priorityHint')} inputMode="numeric" value={draft.priority} onChange={(v) => set({ priority: v })} error={errors['sp-priority']} testId="sp-priority" />
              <CheckboxField id="sp-active" label={t('slaAdmin.isActive')} checked={draft.isActive} onChange={(v) => set({ isActive: v })} testId="sp-active" />
            </fieldset>

            <fieldset className="field">
              <legend>{t('slaAdmin.limits')}</legend>
              {STEPS.map((s) => (
                <div key={s} className="field-row">
                  <TextField
                    id={`sp-${s}-amount`}
                    label={t(`slaAdmin.step.${s}`)}
                    hint={s === 'reply' ? undefined : t('slaAdmin.emptyIsNone')}
                    required={s === 'reply'}
                    optional={s !== 'reply'}
                    inputMode="numeric"
                    value={draft.amounts[s]}
                    onChange={(v) => set({ amounts: { ...draft.amounts, [s]: v } })}
                    error={errors[`sp-${s}-amount`]}
                    testId={`sp-${s}-amount`}
                  />
                  <SelectField
                    id={`sp-${s}-mode`}
                    label={`${t(`slaAdmin.step.${s}`)}: ${t('slaAdmin.mode')}`}
                    value={draft.modes[s]}
                    onChange={(v) => {
                      if (isMode(v)) set({ modes: { ...draft.modes, [s]: v } });
                    }}
                    options={SLA_MODES.map((m) => ({ value: m, label: t(`slaAdmin.mode.${m}`) }))}
                    testId={`sp-${s}-mode`}
                  />
                </div>
              ))}
              <SelectField
                id="sp-reply-clock"
                label={t('slaAdmin.replyClock')}
                value={draft.replyClock}
                onChange={(v) => set({ replyClock: v === 'acceptance' ? 'acceptance' : 'registration' })}
                options={[
                  { value: 'registration', label: t('slaAdmin.replyClock.registration') },
                  { value: 'acceptance', label: t('slaAdmin.replyClock.acceptance') },
                ]}
              />
              <TextField id="sp-warn" label={t('slaAdmin.warnPercent')} hint={t('slaAdmin.warnPercentHint')} inputMode="numeric" value={draft.warnPercent} onChange={(v) => set({ warnPercent: v })} error={errors['sp-warn']} testId="sp-warn" />
              <TextField id="sp-max-extension" label={t('slaAdmin.maxExtensionDays')} hint={t('slaAdmin.emptyIsNone')} optional inputMode="numeric" value={draft.maxExtensionDays} onChange={(v) => set({ maxExtensionDays: v })} error={errors['sp-max-extension']} testId="sp-max-extension" />
            </fieldset>

            <fieldset className="field">
              <legend>{t('slaAdmin.hold')}</legend>
              <CheckboxField id="sp-paused" label={t('slaAdmin.isHoldPaused')} checked={draft.isHoldPaused} onChange={(v) => set({ isHoldPaused: v })} testId="sp-paused" />
              <TextField id="sp-reminder" label={t('slaAdmin.holdReminderDays')} hint={t('slaAdmin.emptyIsNone')} optional inputMode="numeric" value={draft.holdReminderDays} onChange={(v) => set({ holdReminderDays: v })} error={errors['sp-reminder']} testId="sp-reminder" />
              <TextField id="sp-limit" label={t('slaAdmin.holdLimitDays')} hint={t('slaAdmin.holdLimitHint')} optional inputMode="numeric" value={draft.holdLimitDays} onChange={(v) => set({ holdLimitDays: v })} error={errors['sp-limit']} testId="sp-limit" />
            </fieldset>

            <fieldset className="field">
              <legend>{t('slaAdmin.reopen')}</legend>
              <TextField id="sp-rounds" label={t('slaAdmin.maxReopenRounds')} inputMode="numeric" value={draft.maxReopenRounds} onChange={(v) => set({ maxReopenRounds: v })} error={errors['sp-rounds']} testId="sp-rounds" />
              <TextField id="sp-window" label={t('slaAdmin.reopenWindowDays')} inputMode="numeric" value={draft.reopenWindowDays} onChange={(v) => set({ reopenWindowDays: v })} error={errors['sp-window']} testId="sp-window" />
            </fieldset>

          </fieldset>

          <p className="hint">{t('slaAdmin.appliesFromNow')}</p>
          <ErrorBox message={formError} testId="sp-error" />
          <div className="button-row">
            {isReadOnly ? null : (
              <button type="submit" className="button primary" disabled={busy} data-testid="sp-save">
                {busy ? t('common.submitting') : t('slaAdmin.save')}
              </button>
            )}
            <button
              type="button"
              className="button"
              onClick={() => {
                setDraft(null);
                titleRef.current?.focus();
              }}
              data-testid="sp-cancel"
            >
              {isReadOnly ? t('slaAdmin.close') : t('slaAdmin.cancel')}
            </button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
