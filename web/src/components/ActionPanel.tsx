import { Fragment, useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { ReplyCheck } from './ReplyCheck';
import { ApiError, listCases, postAction, type ActionRequest } from '../api/client';
import { isActionName, type ActionName, type Case } from '../api/types';
import { useI18n } from '../i18n/context';
import {
  ACTION_FORMS,
  MAX_EXTENSION_DAYS,
  buildActionRequest,
  initialValues,
  type FieldSpec,
  type FormValues,
} from '../lib/actions';
import { errorMessage, mapIssues } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { useRefData } from '../refdata';
import { unitOptions } from './common';
import {
  CheckboxField,
  ErrorBox,
  MultiSelectField,
  RadioGroup,
  SelectField,
  TextAreaField,
  TextField,
} from './forms';

/** A merge target may be typed as a tracking number: find its id (or keep what was typed). */
async function resolveMasterId(value: string): Promise<string> {
  try {
    const page = await listCases({ q: value, pageSize: 10 });
    const hit = page.items.find((c) => c.trackingNo.toLowerCase() === value.toLowerCase());
    return hit ? hit.id : value;
  } catch {
    return value;
  }
}

export function ActionPanel({
  caseData,
  onUpdated,
  onConflict,
}: {
  caseData: Case;
  onUpdated: (c: Case) => void;
  /** The server said the case moved on (409): the page reloads it. */
  onConflict: () => void;
}) {
  const { t, lang } = useI18n();
  const { units } = useRefData();
  const [open, setOpen] = useState<ActionName | null>(null);
  const [values, setValues] = useState<FormValues>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<ActionName | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const doneRef = useRef<HTMLDivElement>(null);

  const actions = caseData.allowedActions.filter(isActionName);

  // Close a form whose action is no longer allowed (after a reload).
  useEffect(() => {
    if (open && !caseData.allowedActions.includes(open)) setOpen(null);
  }, [caseData.allowedActions, open]);

  useEffect(() => {
    if (!open) return;
    const first = formRef.current?.querySelector<HTMLElement>(
      'input, select, textarea, button[type="submit"]',
    );
    first?.focus();
  }, [open]);

  const toggle = (a: ActionName) => {
    setError(null);
    setDone(null);
    setErrors({});
    if (open === a) {
      setOpen(null);
      return;
    }
    setValues(initialValues(a));
    setOpen(a);
  };

  const close = () => {
    const a = open;
    setOpen(null);
    setErrors({});
    if (a)
      window.setTimeout(() => document.querySelector<HTMLElement>(`[data-testid="action-${a}"]`)?.focus(), 0);
  };

  const set = (name: string, v: FormValues[string]) => setValues((prev) => ({ ...prev, [name]: v }));

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!open || busy) return;
    const built = buildActionRequest(open, values);
    if (!built.ok) {
      const errs: Record<string, string> = {};
      for (const [k, key] of Object.entries(built.errors)) errs[k] = t(key);
      setErrors(errs);
      const firstName = ACTION_FORMS[open].fields.find((f) => errs[f.name])?.name;
      if (firstName) {
        const el = document.getElementById(`af-${open}-${firstName}`);
        (el instanceof HTMLFieldSetElement ? el.querySelector('input') : el)?.focus();
      }
      return;
    }
    setBusy(true);
    setError(null);
    setErrors({});
    let req: ActionRequest = built.request;
    if (req.action === 'merge')
      req = { action: 'merge', body: { masterId: await resolveMasterId(req.body.masterId) } };
    try {
      const updated = await postAction(caseData.id, req);
      const performed = open;
      setOpen(null);
      onUpdated(updated);
      setDone(performed);
      window.setTimeout(() => doneRef.current?.focus(), 0);
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setError(errorMessage(err, lang));
        setOpen(null);
        onConflict();
      } else {
        const fieldFor: Record<string, string> = {};
        for (const f of ACTION_FORMS[open].fields) fieldFor[f.name] = f.name;
        const mapped = mapIssues(err, fieldFor, lang);
        setErrors(mapped.fields);
        setError([errorMessage(err, lang), ...mapped.other].join(' '));
      }
    } finally {
      setBusy(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      close();
    } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      formRef.current?.requestSubmit();
    }
  };

  const renderField = (action: ActionName, f: FieldSpec) => {
    const id = `af-${action}-${f.name}`;
    const label = t(f.label);
    const err = errors[f.name];
    const v = values[f.name];
    const str = typeof v === 'string' ? v : '';
    const optional = !f.required && f.kind !== 'checkbox';
    switch (f.kind) {
      case 'unit':
        return (
          <SelectField
            key={id}
            id={id}
            label={label}
            required={f.required}
            value={str}
            onChange={(x) => set(f.name, x)}
            options={unitOptions(units)}
            emptyLabel={t('common.choose')}
            error={err}
            testId={`field-${f.name}`}
          />
        );
      case 'units':
        return (
          <MultiSelectField
            key={id}
            id={id}
            label={label}
            optional={optional}
            value={Array.isArray(v) ? v : []}
            onChange={(x) => set(f.name, x)}
            options={unitOptions(units).filter((o) => o.value !== values['unitId'])}
            error={err}
            testId={`field-${f.name}`}
          />
        );
      case 'select':
        return (
          <SelectField
            key={id}
            id={id}
            label={label}
            required={f.required}
            optional={optional}
            value={str}
            onChange={(x) => set(f.name, x)}
            options={(f.options ?? []).map((o) => ({ value: o.value, label: t(o.label) }))}
            emptyLabel={t('common.choose')}
            error={err}
            testId={`field-${f.name}`}
          />
        );
      case 'radio':
        return (
          <RadioGroup
            key={id}
            id={id}
            name={id}
            label={label}
            required={f.required}
            value={str}
            onChange={(x) => set(f.name, x)}
            options={(f.options ?? []).map((o) => ({ value: o.value, label: t(o.label) }))}
            error={err}
            testIdPrefix={`field-${f.name}`}
          />
        );
      case 'checkbox':
        return (
          <CheckboxField
            key={id}
            id={id}
            label={label}
            checked={v === true}
            onChange={(x) => set(f.name, x)}
            testId={`field-${f.name}`}
          />
        );
      case 'textarea':
        return (
          <TextAreaField
            key={id}
            id={id}
            label={label}
            required={f.required}
            optional={optional}
            value={str}
            onChange={(x) => set(f.name, x)}
            rows={4}
            maxLength={f.maxLength}
            hint={f.hint ? t(f.hint, f.maxLength ? { max: f.maxLength } : undefined) : undefined}
            error={err}
            testId={`field-${f.name}`}
          />
        );
      case 'days':
        return (
          <TextField
            key={id}
            id={id}
            type="number"
            inputMode="numeric"
            min={1}
            max={MAX_EXTENSION_DAYS}
            label={label}
            required={f.required}
            value={str}
            onChange={(x) => set(f.name, x)}
            error={err}
            testId={`field-${f.name}`}
            className="short"
          />
        );
      case 'money':
        return (
          <TextField
            key={id}
            id={id}
            inputMode="decimal"
            label={label}
            optional={optional}
            value={str}
            onChange={(x) => set(f.name, x)}
            error={err}
            testId={`field-${f.name}`}
            className="short"
          />
        );
      case 'date':
        return (
          <TextField
            key={id}
            id={id}
            type="date"
            label={label}
            required={f.required}
            value={str}
            onChange={(x) => set(f.name, x)}
            error={err}
            testId={`field-${f.name}`}
            className="short"
          />
        );
      case 'text':
        return (
          <TextField
            key={id}
            id={id}
            label={label}
            required={f.required}
            optional={optional}
            value={str}
            onChange={(x) => set(f.name, x)}
            error={err}
            testId={`field-${f.name}`}
          />
        );
    }
  };

  return (
    <section className="card action-panel" aria-labelledby="actions-title" data-testid="action-panel">
      <h2 id="actions-title">{t('case.actions')}</h2>
      {caseData.hold ? (
        <p className="notice waiting" data-testid="case-hold">
          {t('workflow.case.hold', { reason: caseData.hold.reason, at: formatDateTime(caseData.hold.at) })}
          {caseData.hold.endsAt ? (
            <>
              {' '}
              <span data-testid="case-hold-ends">{t('workflow.case.holdEndsAt', { endsAt: formatDateTime(caseData.hold.endsAt) })}</span>
            </>
          ) : null}
        </p>
      ) : null}
      {caseData.reopenRequest ? (
        // What the requester said, so that whoever decides reads it before choosing.
        <p className="notice warning" data-testid="case-reopen-request">
          {t('workflow.case.reopenRequest', {
            source: t(`workflow.reopenSource.${caseData.reopenRequest.source}`),
            reason: caseData.reopenRequest.reason || '—',
          })}
        </p>
      ) : null}
      {done ? (
        <div className="notice" role="status" tabIndex={-1} ref={doneRef} data-testid="action-done">
          {t('case.actionDone', { action: t(`action.${done}`) })}
        </div>
      ) : null}
      <ErrorBox message={error} testId="action-error" />
      {actions.length === 0 ? (
        <p className="muted">{t('case.noActions')}</p>
      ) : (
        <div className="action-buttons">
          {actions.map((a) => (
            <button
              key={a}
              type="button"
              className={`button action${open === a ? ' active' : ''}`}
              aria-expanded={open === a}
              aria-controls={open === a ? 'action-form' : undefined}
              onClick={() => toggle(a)}
              data-testid={`action-${a}`}
            >
              {t(`action.${a}`)}
            </button>
          ))}
        </div>
      )}
      {open ? (
        <form
          id="action-form"
          ref={formRef}
          className="form action-form"
          onSubmit={(e) => void onSubmit(e)}
          onKeyDown={onKeyDown}
          noValidate
          aria-label={t(`action.${open}`)}
          data-testid={`action-form-${open}`}
        >
          <h3>{t(`action.${open}`)}</h3>
          {ACTION_FORMS[open].intro ? <p className="hint">{t(ACTION_FORMS[open].intro)}</p> : null}
          {ACTION_FORMS[open].fields.map((f) => (
            <Fragment key={f.name}>
              {renderField(open, f)}
              {/* The advice sits right under the reply text it is about. */}
              {f.name === 'text' && (open === 'reply' || open === 'resolve-on-intake') ? (
                <ReplyCheck
                  id="reply-check"
                  text={typeof values['text'] === 'string' ? values['text'] : ''}
                  kind={caseData.kind}
                  channel={caseData.channel}
                  outcome={typeof values['outcome'] === 'string' ? values['outcome'] : undefined}
                  language={caseData.language}
                />
              ) : null}
            </Fragment>
          ))}
          <div className="button-row">
            <button type="submit" className="button primary" disabled={busy} data-testid="action-submit">
              {busy ? t('common.submitting') : t(`action.${open}`)}
            </button>
            <button type="button" className="button" onClick={close} data-testid="action-cancel">
              {t('common.cancel')}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
