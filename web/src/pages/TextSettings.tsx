import { useEffect, useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import {
  getDuplicateSettings,
  getSuggestionSettings,
  listModels,
  putDuplicateSettings,
  putSuggestionSettings,
  retrainNow,
  type DuplicateSettings,
  type RouterModelRow,
  type SuggestionSettings,
} from '../api/search';
import { categoryOptions, usePageTitle } from '../components/common';
import { CheckboxField, ErrorBox, Loading, Notice, TextField } from '../components/forms';
import { percent } from '../components/search/parts';
import type { MessageKey } from '../i18n';
import { useI18n } from '../i18n/context';
import { errorMessage } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { isTopLevelUnit, scopeRefusalOf } from '../lib/unit-scope';
import { useRefData } from '../refdata';
import { useSession } from '../session';

type NumberField<T> = { key: keyof T & string; label: MessageKey; step: string };

const DUPLICATE_FIELDS: NumberField<DuplicateSettings>[] = [
  { key: 'minScore', label: 'search.settings.minScore', step: '0.05' },
  { key: 'requesterWindowDays', label: 'search.settings.requesterWindowDays', step: '1' },
  { key: 'textWindowDays', label: 'search.settings.textWindowDays', step: '1' },
  { key: 'nearbyMetres', label: 'search.settings.nearbyMetres', step: '10' },
  { key: 'nearbyWindowDays', label: 'search.settings.nearbyWindowDays', step: '1' },
  { key: 'sameMatterSimilarity', label: 'search.settings.sameMatterSimilarity', step: '0.05' },
  { key: 'maxSuggestions', label: 'search.settings.maxSuggestions', step: '1' },
];

const SUGGESTION_FIELDS: NumberField<SuggestionSettings>[] = [
  { key: 'autoThreshold', label: 'search.settings.autoThreshold', step: '0.01' },
  { key: 'minConfidence', label: 'search.settings.minConfidence', step: '0.01' },
  { key: 'maxSuggestions', label: 'search.settings.maxSuggestions', step: '1' },
  { key: 'retrainEveryDays', label: 'search.settings.retrainEveryDays', step: '1' },
];

/** Numbers typed as text, so that a half-typed "0." is not lost; parsed on save. */
type Draft = Record<string, string>;
const toDraft = <T extends object>(values: T, fields: NumberField<T>[]): Draft =>
  Object.fromEntries(fields.map((f) => [f.key, String(values[f.key as keyof T])]));

function parseDraft(draft: Draft, fields: { key: string }[]): { values: Record<string, number>; invalid: string[] } {
  const values: Record<string, number> = {};
  const invalid: string[] = [];
  for (const f of fields) {
    const n = Number((draft[f.key] ?? '').trim());
    if ((draft[f.key] ?? '').trim() === '' || !Number.isFinite(n)) invalid.push(f.key);
    else values[f.key] = n;
  }
  return { values, invalid };
}

/**
 * Administrators: duplicate and suggestion settings, auto-dispatch categories, model versions and retraining. The
 * settings hold for every unit: administrators below a top-level unit see them read-only, with the reason.
 */
export function TextSettingsPage() {
  const { t, lang } = useI18n();
  const { categories, units } = useRefData();
  const { user } = useSession();
  const [isRefusedBelowTop, setIsRefusedBelowTop] = useState(false);
  // The units tell before any refusal does; the server's refusal settles it when the units do not know the unit.
  const isReadOnly = isTopLevelUnit(units, user?.unitId) === false || isRefusedBelowTop;
  usePageTitle(t('search.settings.title'));
  const [dup, setDup] = useState<Draft | null>(null);
  const [sug, setSug] = useState<Draft | null>(null);
  const [autoIds, setAutoIds] = useState<string[]>([]);
  const [isForSubmissions, setIsForSubmissions] = useState(false);
  const [models, setModels] = useState<RouterModelRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [isForbidden, setIsForbidden] = useState(false);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let isCurrent = true;
    Promise.all([getDuplicateSettings(), getSuggestionSettings(), listModels(20)])
      .then(([d, s, m]) => {
        if (!isCurrent) return;
        setDup(toDraft(d, DUPLICATE_FIELDS));
        setSug(toDraft(s, SUGGESTION_FIELDS));
        setAutoIds(s.autoDispatchCategoryIds);
        setIsForSubmissions(s.isAutoDispatchingSubmissions);
        setModels(m);
      })
      .catch((err: unknown) => {
        if (!isCurrent) return;
        if (err instanceof ApiError && err.status === 403 && !scopeRefusalOf(err)) setIsForbidden(true);
        else setError(errorMessage(err, lang));
      });
    return () => {
      isCurrent = false;
    };
  }, [lang, reload]);

  const save = async (e: FormEvent, which: 'duplicates' | 'suggestions') => {
    e.preventDefault();
    if (isReadOnly) return;
    setNotice(null);
    setError(null);
    const fields = which === 'duplicates' ? DUPLICATE_FIELDS : SUGGESTION_FIELDS;
    const { values, invalid } = parseDraft((which === 'duplicates' ? dup : sug) ?? {}, fields);
    const errs = Object.fromEntries(invalid.map((k) => [`${which}-${k}`, t('search.settings.invalid')]));
    setFieldErrors(errs);
    if (invalid.length > 0) {
      document.getElementById(`${which}-${invalid[0] ?? ''}`)?.focus();
      return;
    }
    try {
      if (which === 'duplicates') setDup(toDraft(await putDuplicateSettings(values), DUPLICATE_FIELDS));
      else {
        const saved = await putSuggestionSettings({ ...values, autoDispatchCategoryIds: autoIds, isAutoDispatchingSubmissions: isForSubmissions });
        setSug(toDraft(saved, SUGGESTION_FIELDS));
        setAutoIds(saved.autoDispatchCategoryIds);
        setIsForSubmissions(saved.isAutoDispatchingSubmissions);
      }
      setNotice(t('search.settings.saved'));
    } catch (err) {
      if (scopeRefusalOf(err)) {
        // Nothing was saved: show what is stored, read-only, with the reason instead of an error.
        setIsRefusedBelowTop(true);
        setFieldErrors({});
        setReload((n) => n + 1);
      } else {
        setError(errorMessage(err, lang));
      }
    }
  };

  const retrain = async () => {
    setNotice(null);
    setError(null);
    try {
      await retrainNow();
      setNotice(t('search.models.queued'));
    } catch (err) {
      setError(errorMessage(err, lang));
    }
  };

  if (isForbidden) {
    return (
      <div>
        <h1 tabIndex={-1}>{t('search.settings.title')}</h1>
        <ErrorBox message={t('search.forbidden')} testId="text-settings-forbidden" />
      </div>
    );
  }
  if (!dup || !sug || !models) {
    return (
      <div>
        <h1 tabIndex={-1}>{t('search.settings.title')}</h1>
        <ErrorBox message={error} testId="text-settings-error" />
        {error ? null : <Loading />}
      </div>
    );
  }

  const numberInputs = (which: 'duplicates' | 'suggestions', fields: { key: string; label: MessageKey }[], draft: Draft, setDraft: (d: Draft) => void) =>
    fields.map((f) => (
      <TextField
        key={f.key}
        id={`${which}-${f.key}`}
        label={t(f.label)}
        inputMode="decimal"
        value={draft[f.key] ?? ''}
        onChange={(v) => setDraft({ ...draft, [f.key]: v })}
        error={fieldErrors[`${which}-${f.key}`]}
        testId={`${which}-${f.key}`}
      />
    ));

  // Indented by depth, as in the other category lists.
  const categoryLabels = categoryOptions(categories);
  const targetName = (m: RouterModelRow) => t(m.target === 'unit' ? 'search.models.target.unit' : 'search.models.target.category');
  const statusName = (m: RouterModelRow) => {
    const key = `search.models.status.${m.status}`;
    return ['active', 'rejected', 'failed', 'retired'].includes(m.status) ? t(key as MessageKey) : m.status;
  };

  return (
    <div className="text-settings">
      <h1 tabIndex={-1}>{t('search.settings.title')}</h1>
      {notice ? <Notice testId="text-settings-notice">{notice}</Notice> : null}
      {isReadOnly ? <Notice testId="text-settings-read-only">{t('search.settings.readOnly')}</Notice> : null}
      <ErrorBox message={error} testId="text-settings-error" />

      <section className="card" aria-labelledby="dup-settings-title">
        <h2 id="dup-settings-title">{t('search.settings.duplicates')}</h2>
        <form onSubmit={(e) => void save(e, 'duplicates')} noValidate className="form" data-testid="duplicate-settings">
          <fieldset className="group" disabled={isReadOnly}>
            <div className="filter-grid">{numberInputs('duplicates', DUPLICATE_FIELDS, dup, setDup)}</div>
          </fieldset>
          {isReadOnly ? null : (
            <button type="submit" className="button primary" data-testid="duplicate-settings-save">
              {t('search.settings.save')}
            </button>
          )}
        </form>
      </section>

      <section className="card" aria-labelledby="sug-settings-title">
        <h2 id="sug-settings-title">{t('search.settings.suggestions')}</h2>
        <form onSubmit={(e) => void save(e, 'suggestions')} noValidate className="form" data-testid="suggestion-settings">
          <fieldset className="group" disabled={isReadOnly}>
            <div className="filter-grid">{numberInputs('suggestions', SUGGESTION_FIELDS, sug, setSug)}</div>
          </fieldset>
          <fieldset className="group" disabled={isReadOnly} data-testid="auto-categories">
            <legend>{t('search.settings.autoCategories')}</legend>
            <p className="hint">{t('search.settings.autoCategoriesHint')}</p>
            {categories.map((c, i) => (
              <CheckboxField
                key={c.id}
                id={`auto-${c.id}`}
                label={categoryLabels[i]?.label ?? c.name}
                checked={autoIds.includes(c.id)}
                onChange={(on) => setAutoIds(on ? [...autoIds, c.id] : autoIds.filter((x) => x !== c.id))}
                testId={`auto-category-${c.code}`}
              />
            ))}
            <CheckboxField
              id="auto-submissions"
              label={t('search.settings.autoSubmissions')}
              checked={isForSubmissions}
              onChange={setIsForSubmissions}
              testId="auto-submissions"
            />
            <p className="hint">{t('search.settings.autoSubmissionsHint')}</p>
          </fieldset>
          {isReadOnly ? null : (
            <button type="submit" className="button primary" data-testid="suggestion-settings-save">
              {t('search.settings.save')}
            </button>
          )}
        </form>
      </section>

      <section className="card" aria-labelledby="models-title" data-testid="models">
        <div className="card-head">
          <h2 id="models-title">{t('search.models.title')}</h2>
          <button type="button" className="button" onClick={() => void retrain()} data-testid="retrain-now">
            {t('search.models.retrain')}
          </button>{' '}
          <button type="button" className="button subtle" onClick={() => setReload((n) => n + 1)} data-testid="models-reload">
            {t('app.retry')}
          </button>
        </div>
        {models.length === 0 ? (
          <p className="muted">{t('search.models.none')}</p>
        ) : (
          <div className="table-wrap" tabIndex={0} aria-labelledby="models-title">
            <table className="queue-table">
              <thead>
                <tr>
                  <th scope="col">{t('search.models.target')}</th>
                  <th scope="col">{t('search.models.version')}</th>
                  <th scope="col">{t('search.models.status')}</th>
                  <th scope="col">{t('search.models.examples')}</th>
                  <th scope="col">{t('search.models.accuracy')}</th>
                  <th scope="col">{t('search.models.macroF1')}</th>
                  <th scope="col">{t('search.models.trainedAt')}</th>
                </tr>
              </thead>
              <tbody>
                {models.map((m) => (
                  <tr key={m.id} data-testid="model-row" data-status={m.status}>
                    <td>{targetName(m)}</td>
                    <td>v{m.version}</td>
                    <td>
                      {statusName(m)}
                      {m.error ? <span className="muted"> · {m.error}</span> : null}
                    </td>
                    <td>{m.examples}</td>
                    <td>{m.evaluation.holdout ? `${percent(m.evaluation.holdout.accuracy)}%` : '—'}</td>
                    <td>{m.evaluation.holdout ? m.evaluation.holdout.macroF1.toFixed(3) : '—'}</td>
                    <td className="nowrap">
                      {formatDateTime(m.trainedAt)}
                      {(m.evaluation.thresholds ?? [])
                        .filter((x) => (x.threshold === 0.9 || x.threshold === 0.7) && x.accuracy !== null)
                        .map((x) => (
                          <div key={x.threshold} className="muted">
                            {t('search.models.atThreshold', {
                              threshold: x.threshold,
                              coverage: percent(x.coverage),
                              accuracy: percent(x.accuracy ?? 0),
                            })}
                          </div>
                        ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
