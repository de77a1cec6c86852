// Publication settings and rules of the open-data portal, for holders of `opendata.manage`: which cases may be
// published, whether everything waits for review, how coarse places and statistics are. They hold for every unit:
// staff below a top-level unit see them read-only, with the reason (docs/open-data.md).
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import {
  getOpenDataSettings,
  PUBLICATION_POLICIES,
  RULE_SCOPES,
  saveOpenDataSettings,
  type OpenDataSettings,
  type PublicationPolicy,
  type RuleScope,
} from '../../api/opendata';
import { CHANNELS, KINDS } from '../../api/types';
import { useI18n } from '../../i18n/context';
import { errorMessage, focusFirstError, mapIssues } from '../../lib/errors';
import { isTopLevelUnit, scopeRefusalOf } from '../../lib/unit-scope';
import { useRefData } from '../../refdata';
import { useSession } from '../../session';
import { CheckboxField, ErrorBox, Notice, SelectField, TextField } from '../forms';

type Rule = OpenDataSettings['rules'][number];
type Draft = Omit<OpenDataSettings, 'minCell' | 'gridMetres'> & { minCell: string; gridMetres: string };

const isPolicy = (v: string): v is PublicationPolicy => (PUBLICATION_POLICIES as readonly string[]).includes(v);
const isScope = (v: string): v is RuleScope => (RULE_SCOPES as readonly string[]).includes(v);
/** An integer within bounds, or null: the server refuses anything else. */
const intIn = (text: string, min: number, max: number): number | null => {
  const n = Number(text.trim());
  return text.trim() !== '' && Number.isInteger(n) && n >= min && n <= max ? n : null;
};

/** Rules that repeat a scope and value already used above them (the server keeps one rule per value). */
export function duplicateRuleIndexes(rules: readonly Rule[]): number[] {
  const seen = new Set<string>();
  const out: number[] = [];
  rules.forEach((r, i) => {
    const key = `${r.scope}:${r.code}`;
    if (r.code !== '' && seen.has(key)) out.push(i);
    seen.add(key);
  });
  return out;
}

const draftOf = (s: OpenDataSettings): Draft => ({ ...s, minCell: String(s.minCell), gridMetres: String(s.gridMetres) });

export function SettingsPanel({ onSaved }: { onSaved: () => void }) {
  const { t, lang } = useI18n();
  const { units, categories } = useRefData();
  const { user } = useSession();
  const [saved, setSaved] = useState<OpenDataSettings | null>(null);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [isRefusedBelowTop, setIsRefusedBelowTop] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  // Kept raw, so that its message follows the language (the draft must survive a change of language).
  const [loadError, setLoadError] = useState<unknown>(null);
  const [isSaved, setIsSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const ctrl = new AbortController();
    getOpenDataSettings(ctrl.signal)
      .then((s) => {
        setSaved(s);
        setDraft(draftOf(s));
      })
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) setLoadError(err);
      });
    return () => ctrl.abort();
  }, []);

  const codeOptions = useMemo(
    (): Record<RuleScope, { value: string; label: string }[]> => ({
      channel: CHANNELS.map((c) => ({ value: c, label: t(`channel.${c}`) })),
      kind: KINDS.map((k) => ({ value: k, label: t(`kind.${k}`) })),
      category: categories.map((c) => ({ value: c.code, label: c.name })),
      unit: units.map((u) => ({ value: u.code, label: u.name })),
    }),
    [t, units, categories],
  );

  if (!draft) return loadError ? <ErrorBox message={errorMessage(loadError, lang)} /> : null;
  // The units tell before any refusal does; the server's refusal settles it when the units do not know the unit.
  const isReadOnly = isTopLevelUnit(units, user?.unitId) === false || isRefusedBelowTop;

  const change = (patch: Partial<Draft>) => {
    setDraft({ ...draft, ...patch });
    setIsSaved(false);
    // Rule errors are keyed by row: once the rows change they would point at the wrong rule.
    if (patch.rules) setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !k.startsWith('od-rule-'))));
  };
  const changeRule = (index: number, patch: Partial<Rule>) =>
    change({ rules: draft.rules.map((r, i) => (i === index ? { ...r, ...patch } : r)) });

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (isReadOnly) return;
    setError(null);
    const errs: Record<string, string> = {};
    const minCell = intIn(draft.minCell, 1, 100);
    const gridMetres = intIn(draft.gridMetres, 50, 5000);
    if (minCell === null) errs['od-min-cell'] = t('form.invalidNumber');
    if (gridMetres === null) errs['od-grid'] = t('form.invalidNumber');
    draft.rules.forEach((r, i) => {
      if (r.code === '') errs[`od-rule-code-${i}`] = t('form.choose');
    });
    for (const i of duplicateRuleIndexes(draft.rules)) errs[`od-rule-code-${i}`] = t('opendata.rule.duplicate');
    setErrors(errs);
    const order = ['od-min-cell', 'od-grid', ...draft.rules.map((_, i) => `od-rule-code-${i}`)];
    if (Object.keys(errs).length > 0 || minCell === null || gridMetres === null) {
      focusFirstError(order, errs);
      return;
    }
    setBusy(true);
    try {
      await saveOpenDataSettings({ ...draft, minCell, gridMetres });
      setIsSaved(true);
      onSaved();
    } catch (err) {
      if (scopeRefusalOf(err)) {
        // Nothing was changed: show what is stored, read-only, with the reason instead of an error.
        setIsRefusedBelowTop(true);
        if (saved) setDraft(draftOf(saved));
        setErrors({});
        return;
      }
      const ruleFields = Object.fromEntries(draft.rules.map((_, i) => [`body.rules.${i}.code`, `od-rule-code-${i}`]));
      const mapped = mapIssues(err, { minCell: 'od-min-cell', gridMetres: 'od-grid', ...ruleFields }, lang);
      setErrors(mapped.fields);
      setError([errorMessage(err, lang), ...mapped.other].join(' '));
      focusFirstError(order, mapped.fields);
    } finally {
      setBusy(false);
    }
  };

  const policyOptions = PUBLICATION_POLICIES.map((p) => ({ value: p, label: t(`opendata.policy.${p}`) }));

  return (
    <section className="opendata-settings" aria-labelledby="opendata-settings-title" data-testid="opendata-settings">
      <h2 id="opendata-settings-title">{t('opendata.settings')}</h2>
      <p>{t('opendata.settingsIntro')}</p>
      {isReadOnly ? <Notice testId="od-settings-read-only">{t('opendata.settingsReadOnly')}</Notice> : null}
      <form onSubmit={(e) => void onSubmit(e)} noValidate className="form">
        {/* A disabled fieldset keeps every control visible, and unchangeable, for those who may only read. */}
        <fieldset className="group" disabled={isReadOnly} data-testid="od-settings-fields">
          <SelectField
            id="od-default-policy"
            label={t('opendata.defaultPolicy')}
            value={draft.defaultPolicy}
            onChange={(v) => {
              if (isPolicy(v)) change({ defaultPolicy: v });
            }}
            options={policyOptions}
            testId="od-default-policy"
          />
          <CheckboxField
            id="od-review-required"
            label={t('opendata.isReviewRequired')}
            checked={draft.isReviewRequired}
            onChange={(v) => change({ isReviewRequired: v })}
            testId="od-review-required"
          />
          <TextField
            id="od-min-cell"
            label={t('opendata.minCell')}
            hint={t('opendata.minCellHint')}
            type="number"
            inputMode="numeric"
            min={1}
            max={100}
            value={draft.minCell}
            onChange={(v) => change({ minCell: v })}
            error={errors['od-min-cell']}
            testId="od-min-cell"
          />
          <TextField
            id="od-grid"
            label={t('opendata.gridMetres')}
            hint={t('opendata.gridMetresHint')}
            type="number"
            inputMode="numeric"
            min={50}
            max={5000}
            value={draft.gridMetres}
            onChange={(v) => change({ gridMetres: v })}
            error={errors['od-grid']}
            testId="od-grid"
          />
          <table className="opendata-table opendata-rules" data-testid="od-rules">
            <caption>{t('opendata.rules')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('opendata.rule.scope')}</th>
                <th scope="col">{t('opendata.rule.code')}</th>
                <th scope="col">{t('opendata.rule.policy')}</th>
                {isReadOnly ? null : (
                  <th scope="col">
                    <span className="visually-hidden">{t('opendata.rule.remove')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {draft.rules.length === 0 ? (
                <tr>
                  <td colSpan={isReadOnly ? 3 : 4}>{t('opendata.rule.none')}</td>
                </tr>
              ) : null}
              {draft.rules.map((rule, i) => {
                const options = codeOptions[rule.scope];
                // A rule may name a value that is no longer offered (a unit taken off the list): keep it visible.
                const known = rule.code === '' || options.some((o) => o.value === rule.code);
                const codeError = errors[`od-rule-code-${i}`];
                return (
                  <tr key={i} data-testid="od-rule">
                    <td>
                      <select
                        aria-label={`${t('opendata.rule.scope')} ${i + 1}`}
                        value={rule.scope}
                        onChange={(e) => {
                          if (isScope(e.target.value)) changeRule(i, { scope: e.target.value, code: '' });
                        }}
                        data-testid="od-rule-scope"
                      >
                        {RULE_SCOPES.map((s) => (
                          <option key={s} value={s}>
                            {t(`opendata.scope.${s}`)}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td className={codeError ? 'has-error' : undefined}>
                      <select
                        id={`od-rule-code-${i}`}
                        aria-label={`${t('opendata.rule.code')} ${i + 1}`}
                        aria-invalid={codeError ? true : undefined}
                        aria-describedby={codeError ? `od-rule-code-${i}-error` : undefined}
                        value={rule.code}
                        onChange={(e) => changeRule(i, { code: e.target.value })}
                        data-testid="od-rule-code"
                      >
                        <option value="">{t('common.notSelected')}</option>
                        {known ? null : <option value={rule.code}>{rule.code}</option>}
                        {options.map((o) => (
                          <option key={o.value} value={o.value}>
                            {o.label}
                          </option>
                        ))}
                      </select>
                      {codeError ? (
                        <p className="field-error" id={`od-rule-code-${i}-error`}>
                          {codeError}
                        </p>
                      ) : null}
                    </td>
                    <td>
                      <select
                        aria-label={`${t('opendata.rule.policy')} ${i + 1}`}
                        value={rule.policy}
                        onChange={(e) => {
                          if (isPolicy(e.target.value)) changeRule(i, { policy: e.target.value });
                        }}
                        data-testid="od-rule-policy"
                      >
                        {policyOptions.map((o) => (
                          <option key={o.value} value={o.value}>
                            {o.label}
                          </option>
                        ))}
                      </select>
                    </td>
                    {isReadOnly ? null : (
                      <td>
                        <button
                          type="button"
                          className="button"
                          aria-label={`${t('opendata.rule.remove')} ${i + 1}`}
                          onClick={() => {
                            change({ rules: draft.rules.filter((_, j) => j !== i) });
                            // Focus stays in the table: on the next row's remove button, else on "add a rule".
                            requestAnimationFrame(() => {
                              const buttons = document.querySelectorAll<HTMLButtonElement>('[data-testid="od-rule-remove"]');
                              (buttons[Math.min(i, buttons.length - 1)] ?? document.querySelector<HTMLButtonElement>('[data-testid="od-rule-add"]'))?.focus();
                            });
                          }}
                          data-testid="od-rule-remove"
                        >
                          {t('opendata.rule.remove')}
                        </button>
                      </td>
                    )}
                  </tr>
                );
              })}
            </tbody>
          </table>
          {isReadOnly ? null : (
            <div className="button-row">
              <button
                type="button"
                className="button"
                onClick={() => change({ rules: [...draft.rules, { scope: 'kind', code: '', policy: 'review' }] })}
                data-testid="od-rule-add"
              >
                {t('opendata.rule.add')}
              </button>
            </div>
          )}
        </fieldset>
        {isSaved ? <Notice testId="od-settings-saved">{t('opendata.settingsSaved')}</Notice> : null}
        <ErrorBox message={error} testId="od-settings-error" />
        {isReadOnly ? null : (
          <button type="submit" className="button primary" disabled={busy} data-testid="od-settings-save">
            {busy ? t('common.submitting') : t('opendata.saveSettings')}
          </button>
        )}
      </form>
    </section>
  );
}
