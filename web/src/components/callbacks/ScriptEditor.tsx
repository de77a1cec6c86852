import { useEffect, useRef, useState, type FormEvent } from 'react';
import { listCallScripts, saveCallScript, type StoredScript, type Texts } from '../../api/callbacks';
import { isAbortError } from '../../api/client';
import { KINDS, type Lang } from '../../api/types';
import { useI18n } from '../../i18n/context';
import type { MessageKey } from '../../i18n';
import { errorMessage } from '../../lib/errors';
import { useRefData } from '../../refdata';
import { categoryOptions } from '../common';
import { ErrorBox, Notice, SelectField, TextAreaField } from '../forms';

const EMPTY: Texts = { 'zh-Hans': '', bo: '', en: '' };
const LANG_LABELS: Record<Lang, string> = { 'zh-Hans': '中文', bo: 'བོད་ཡིག', en: 'English' };

/** Administrators write the call script of a category and/or kind, in the three languages. */
export function ScriptEditor() {
  const { t, lang } = useI18n();
  const ref = useRefData();
  const [scripts, setScripts] = useState<StoredScript[]>([]);
  const [variables, setVariables] = useState<string[]>([]);
  const [categoryId, setCategoryId] = useState('');
  const [kind, setKind] = useState('');
  const [body, setBody] = useState<Texts>(EMPTY);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);

  useEffect(() => {
    const controller = new AbortController();
    listCallScripts(controller.signal)
      .then((r) => {
        setScripts(r.items);
        setVariables(r.variables);
      })
      .catch((e: unknown) => {
        if (!isAbortError(e)) setError(errorMessage(e, lang));
      });
    return () => controller.abort();
  }, [lang]);

  // Choosing a scope shows its script, if there is one, to edit. The list of scripts may arrive after the
  // administrator has started writing (a slow connection): then what they wrote is kept, not replaced.
  const scopeShown = useRef<string | null>(null);
  const isEdited = useRef(false);
  useEffect(() => {
    const scope = `${categoryId}|${kind}`;
    const isNewScope = scope !== scopeShown.current;
    scopeShown.current = scope;
    if (!isNewScope && isEdited.current) return;
    isEdited.current = false;
    const found = scripts.find((s) => (s.categoryId ?? '') === categoryId && (s.kind ?? '') === kind);
    setBody(found ? found.body : EMPTY);
  }, [categoryId, kind, scripts]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      const saved = await saveCallScript({ categoryId: categoryId || null, kind: kind || null, body });
      setScripts((list) => [saved, ...list.filter((s) => s.id !== saved.id)]);
      setNotice(t('callbacks.saved'));
    } catch (err) {
      setError(errorMessage(err, lang));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="cb-scripts">
      <h2 id="cb-scripts">{t('callbacks.scripts.title')}</h2>
      <p className="muted">{t('callbacks.scripts.variables', { list: variables.map((v) => `{${v}}`).join(' ') })}</p>
      <form onSubmit={(e) => void submit(e)}>
        <SelectField id="cb-script-category" label={t('callbacks.scripts.category')} value={categoryId} onChange={setCategoryId} options={categoryOptions(ref.categories)} emptyLabel={t('callbacks.scripts.any')} />
        <SelectField
          id="cb-script-kind"
          label={t('callbacks.scripts.kind')}
          value={kind}
          onChange={setKind}
          options={KINDS.map((k) => ({ value: k, label: t(`kind.${k}` as MessageKey) }))}
          emptyLabel={t('callbacks.scripts.any')}
        />
        {(['zh-Hans', 'bo', 'en'] as const).map((l) => (
          <TextAreaField key={l} id={`cb-script-${l}`} label={LANG_LABELS[l]} value={body[l]} onChange={(v) => {
              isEdited.current = true;
              setBody((b) => ({ ...b, [l]: v }));
            }} rows={5} maxLength={4000} required />
        ))}
        <ErrorBox message={error} testId="cb-script-error" />
        {notice ? <Notice>{notice}</Notice> : null}
        <div className="button-row">
          <button type="submit" className="button primary large" disabled={isBusy} data-testid="cb-script-save">
            {t('callbacks.scripts.save')}
          </button>
        </div>
      </form>
    </section>
  );
}
