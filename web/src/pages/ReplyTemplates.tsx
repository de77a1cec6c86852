import { useCallback, useEffect, useState, type FormEvent } from 'react';
import {
  createReplyTemplate, deleteReplyTemplate, listReplyTemplates, updateReplyTemplate, type ReplyTemplate, type ReplyTemplateInput,
} from '../api/reply-templates';
import { ApiError, isAbortError } from '../api/client';
import { categoryOptions, unitOptions, usePageTitle } from '../components/common';
import { ErrorBox, Loading, Notice, SelectField, TextAreaField, TextField } from '../components/forms';
import { useI18n } from '../i18n/context';
import { errorMessage, mapIssues } from '../lib/errors';
import { canChangeOwnedBy, isTopLevelUnit, scopeRefusalOf, unitsWithin, type ScopeRefusal } from '../lib/unit-scope';
import { useRefData } from '../refdata';
import { useSession } from '../session';

interface Draft {
  code: string;
  categoryId: string;
  unitId: string;
  titleZh: string;
  titleBo: string;
  bodyZh: string;
  bodyBo: string;
}

const EMPTY: Draft = { code: '', categoryId: '', unitId: '', titleZh: '', titleBo: '', bodyZh: '', bodyBo: '' };

const draftOf = (t: ReplyTemplate): Draft => ({
  code: t.code, categoryId: t.categoryId ?? '', unitId: t.unitId ?? '',
  titleZh: t.title['zh-Hans'], titleBo: t.title.bo, bodyZh: t.body['zh-Hans'], bodyBo: t.body.bo,
});

// The English text is kept as it was: this form edits Chinese and Tibetan only, and PUT replaces the whole template.
const inputOf = (d: Draft, editing: ReplyTemplate | null): ReplyTemplateInput => ({
  code: d.code,
  categoryId: d.categoryId || null,
  unitId: d.unitId || null,
  title: { 'zh-Hans': d.titleZh, bo: d.titleBo, ...(editing?.title.en ? { en: editing.title.en } : {}) },
  body: { 'zh-Hans': d.bodyZh, bo: d.bodyBo, ...(editing?.body.en ? { en: editing.body.en } : {}) },
});

// Server issue path (body.title.zh-Hans) → form field id.
const FIELD_FOR: Record<string, string> = {
  'body.code': 'rt-code', code: 'rt-code',
  'body.categoryId': 'rt-category', 'body.unitId': 'rt-unit',
  'body.title.zh-Hans': 'rt-title-zh', 'body.title.bo': 'rt-title-bo',
  'body.body.zh-Hans': 'rt-body-zh', 'body.body.bo': 'rt-body-bo',
  'title.zh-Hans': 'rt-title-zh', 'title.bo': 'rt-title-bo', 'body.zh-Hans': 'rt-body-zh', 'body.bo': 'rt-body-bo',
};

/**
 * Canned replies: everyone reads them; staff with reply_template.manage change those of their unit and the units
 * below it, and only staff of a top-level unit the general ones (docs/notifications.md). The others are shown
 * read-only, with a line that says why.
 */
export function ReplyTemplatesPage() {
  const { t, lang } = useI18n();
  const { units, categories } = useRefData();
  const { user } = useSession();
  usePageTitle(t('templates.title'));
  const isTopLevel = isTopLevelUnit(units, user?.unitId);
  /** Until the units are known the server decides; after that only what the reader may change offers a button. */
  const canChange = (template: ReplyTemplate | null): boolean =>
    canChangeOwnedBy(units, user?.unitId, template ? template.unitId : null) !== false;
  // Below the top, a new template is the reader's unit's: a general one would be refused.
  const emptyDraft = (): Draft => (isTopLevel === false && user?.unitId ? { ...EMPTY, unitId: user.unitId } : EMPTY);
  const [refusal, setRefusal] = useState<ScopeRefusal | null>(null);

  const [filter, setFilter] = useState({ categoryId: '', unitId: '' });
  const [items, setItems] = useState<ReplyTemplate[] | null>(null);
  const [variables, setVariables] = useState<string[]>([]);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [editing, setEditing] = useState<ReplyTemplate | null>(null);
  const [isFormOpen, setIsFormOpen] = useState(false);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [formError, setFormError] = useState<unknown>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<string | null>(null);
  const [isSaving, setIsSaving] = useState(false);

  const load = useCallback(async (signal?: AbortSignal) => {
    try {
      const res = await listReplyTemplates(filter, signal);
      setItems(res.items);
      setVariables(res.variables);
      setLoadError(null);
    } catch (err) {
      if (!isAbortError(err)) setLoadError(err);
    }
  }, [filter]);

  useEffect(() => {
    const ctl = new AbortController();
    void load(ctl.signal);
    return () => ctl.abort();
  }, [load]);

  const openForm = (template: ReplyTemplate | null) => {
    setEditing(template);
    setDraft(template ? draftOf(template) : emptyDraft());
    setRefusal(null);
    setFormError(null);
    setFieldErrors({});
    setStatus(null);
    setIsFormOpen(true);
  };

  const set = (key: keyof Draft) => (value: string) => setDraft((d) => ({ ...d, [key]: value }));

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setIsSaving(true);
    setFormError(null);
    setRefusal(null);
    setFieldErrors({});
    try {
      const input = inputOf(draft, editing);
      if (editing) await updateReplyTemplate(editing.id, input);
      else await createReplyTemplate(input);
      setIsFormOpen(false);
      setStatus(t('templates.saved'));
      await load();
    } catch (err) {
      const refused = scopeRefusalOf(err);
      if (refused) {
        // Nothing was saved: say whose template it is rather than "not allowed".
        setRefusal(refused);
        return;
      }
      setFormError(err);
      const mapped = mapIssues(err, FIELD_FOR, lang);
      setFieldErrors(mapped.fields);
      const first = Object.values(FIELD_FOR).find((id) => mapped.fields[id]);
      if (first) document.getElementById(first)?.focus();
    } finally {
      setIsSaving(false);
    }
  };

  const onDelete = async (template: ReplyTemplate) => {
    const title = template.title[lang === 'bo' ? 'bo' : 'zh-Hans'];
    if (!window.confirm(t('templates.confirmDelete', { title }))) return;
    setRefusal(null);
    try {
      await deleteReplyTemplate(template.id);
      setStatus(t('templates.deleted'));
      if (editing?.id === template.id) setIsFormOpen(false);
      await load();
    } catch (err) {
      const refused = scopeRefusalOf(err);
      if (refused) setRefusal(refused);
      else setLoadError(err);
    }
  };

  const unitName = (id: string | null) => (id ? units.find((u) => u.id === id)?.name ?? id : t('templates.general'));
  const categoryName = (id: string | null) => (id ? categories.find((c) => c.id === id)?.name ?? id : t('templates.general'));
  const variableList = variables.map((v) => `{${v}}`).join(' ');
  const formCode = formError instanceof ApiError ? formError.code : undefined;
  const refusalBox = refusal ? <ErrorBox message={t(`templates.refused.${refusal}`)} testId="rt-refused" /> : null;
  const writableUnits = isTopLevel === false ? unitsWithin(units, user?.unitId) : units;

  return (
    <div className="page reply-templates">
      <h1 tabIndex={-1}>{t('templates.title')}</h1>
      {status ? <Notice testId="rt-status">{status}</Notice> : null}
      {isTopLevel === false ? <p className="hint" data-testid="rt-scope-note">{t('templates.scopeNote')}</p> : null}
      {isFormOpen ? null : refusalBox}

      <section className="card" aria-label={t('templates.listLabel')}>
        <div className="filters">
          <SelectField id="rt-filter-category" label={t('templates.filterCategory')} value={filter.categoryId}
            onChange={(v) => setFilter((f) => ({ ...f, categoryId: v }))} options={categoryOptions(categories)} emptyLabel={t('templates.any')} testId="rt-filter-category" />
          <SelectField id="rt-filter-unit" label={t('templates.filterUnit')} value={filter.unitId}
            onChange={(v) => setFilter((f) => ({ ...f, unitId: v }))} options={unitOptions(units)} emptyLabel={t('templates.any')} testId="rt-filter-unit" />
        </div>
        {loadError ? <ErrorBox message={t('templates.loadFailed', { message: errorMessage(loadError, lang) })} testId="rt-load-error" /> : null}
        {items === null && !loadError ? <Loading /> : null}
        {items && items.length === 0 ? <p>{t('templates.empty')}</p> : null}
        {items && items.length > 0 ? (
          <ul className="plain-list" data-testid="rt-list">
            {items.map((item) => (
              <li key={item.id} data-testid="rt-item" data-code={item.code}>
                <h2 className="h3">
                  <span lang="zh-Hans">{item.title['zh-Hans']}</span> · <span lang="bo">{item.title.bo}</span>
                </h2>
                <p>
                  <code lang="en" translate="no">{item.code}</code> · {categoryName(item.categoryId)} · {unitName(item.unitId)} · {t('templates.version', { version: item.version })}
                </p>
                <p lang="zh-Hans" data-testid="rt-item-body">{item.body['zh-Hans']}</p>
                {canChange(item) ? (
                  <div className="actions">
                    <button type="button" className="button" onClick={() => openForm(item)} data-testid="rt-edit"
                      aria-label={`${t('templates.edit')}: ${item.title['zh-Hans']}`}>
                      {t('templates.edit')}
                    </button>
                    <button type="button" className="button danger" onClick={() => void onDelete(item)} data-testid="rt-delete"
                      aria-label={`${t('templates.delete')}: ${item.title['zh-Hans']}`}>
                      {t('templates.delete')}
                    </button>
                  </div>
                ) : (
                  <p className="muted" data-testid="rt-read-only">{t('templates.readOnly')}</p>
                )}
              </li>
            ))}
          </ul>
        ) : null}
        <div className="actions">
          <button type="button" className="button primary" onClick={() => openForm(null)} data-testid="rt-new">
            {t('templates.new')}
          </button>
        </div>
      </section>

      {isFormOpen ? (
        <section className="card" aria-labelledby="rt-form-title">
          <h2 id="rt-form-title">{editing ? t('templates.editTitle') : t('templates.createTitle')}</h2>
          {/* noValidate: the server's coded errors are the ones shown, in the reader's language. */}
          <form onSubmit={(e) => void onSubmit(e)} noValidate data-testid="rt-form">
            {formError ? (
              <div data-testid="rt-form-error" data-code={formCode}>
                <ErrorBox message={errorMessage(formError, lang)} />
              </div>
            ) : null}
            {refusalBox}
            <TextField id="rt-code" label={t('templates.code')} hint={t('templates.codeHint')} value={draft.code} onChange={set('code')}
              error={fieldErrors['rt-code']} required lang="en" testId="rt-code" />
            <SelectField id="rt-category" label={t('templates.category')} value={draft.categoryId} onChange={set('categoryId')}
              options={categoryOptions(categories)} emptyLabel={t('templates.general')} error={fieldErrors['rt-category']} testId="rt-category" />
            {/* Below the top there is no "general" choice, and only the reader's own units to choose from. */}
            <SelectField id="rt-unit" label={t('templates.unit')} value={draft.unitId} onChange={set('unitId')}
              options={unitOptions(writableUnits)} emptyLabel={isTopLevel === false ? undefined : t('templates.general')}
              error={fieldErrors['rt-unit']} testId="rt-unit" />
            <TextField id="rt-title-zh" label={t('templates.titleZh')} value={draft.titleZh} onChange={set('titleZh')} maxLength={200}
              error={fieldErrors['rt-title-zh']} required lang="zh-Hans" testId="rt-title-zh" />
            <TextField id="rt-title-bo" label={t('templates.titleBo')} value={draft.titleBo} onChange={set('titleBo')} maxLength={200}
              error={fieldErrors['rt-title-bo']} required lang="bo" testId="rt-title-bo" />
            <p id="rt-variables" className="hint" data-testid="rt-variables">{t('templates.variables', { list: variableList })}</p>
            <TextAreaField id="rt-body-zh" label={t('templates.bodyZh')} hint={variableList} value={draft.bodyZh} onChange={set('bodyZh')}
              rows={6} maxLength={10000} error={fieldErrors['rt-body-zh']} required testId="rt-body-zh" />
            <TextAreaField id="rt-body-bo" label={t('templates.bodyBo')} hint={variableList} value={draft.bodyBo} onChange={set('bodyBo')}
              rows={6} maxLength={10000} error={fieldErrors['rt-body-bo']} required testId="rt-body-bo" />
            <div className="actions">
              <button type="submit" className="button primary" disabled={isSaving} data-testid="rt-save">{t('templates.save')}</button>
              <button type="button" className="button" onClick={() => setIsFormOpen(false)}>{t('templates.cancel')}</button>
            </div>
          </form>
        </section>
      ) : null}
    </div>
  );
}
