// Accessible form controls: a real <label> for every control, hints and errors tied to it
// with aria-describedby, errors in the reader's language.
import type { ChangeEvent, ReactNode, Ref } from 'react';
import { useI18n } from '../i18n/context';

interface FieldBase {
  id: string;
  label: string;
  hint?: string | undefined;
  error?: string | undefined;
  required?: boolean;
  /** Show "(optional)" after the label. */
  optional?: boolean;
  testId?: string;
}

function describedBy(id: string, hint?: string, error?: string): string | undefined {
  const ids = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean);
  return ids.length > 0 ? ids.join(' ') : undefined;
}

function LabelText({ label, required, optional }: { label: string; required?: boolean; optional?: boolean }) {
  const { t } = useI18n();
  return (
    <>
      {label}
      {required ? <span className="req"> {t('common.required')}</span> : null}
      {optional ? <span className="opt"> {t('common.optional')}</span> : null}
    </>
  );
}

function Hint({ id, hint }: { id: string; hint?: string | undefined }) {
  return hint ? (
    <p className="hint" id={`${id}-hint`}>
      {hint}
    </p>
  ) : null;
}

export function FieldError({ id, error }: { id: string; error?: string | undefined }) {
  return error ? (
    <p className="field-error" id={`${id}-error`} data-testid={`field-error-${id}`}>
      {error}
    </p>
  ) : null;
}

export function TextField(
  props: FieldBase & {
    value: string;
    onChange: (v: string) => void;
    type?: 'text' | 'tel' | 'password' | 'date' | 'number' | 'search' | 'email';
    autoComplete?: string;
    inputMode?: 'text' | 'tel' | 'numeric' | 'decimal' | 'search';
    autoFocus?: boolean;
    inputRef?: Ref<HTMLInputElement>;
    min?: number;
    max?: number;
    maxLength?: number;
    lang?: string;
    className?: string;
  },
) {
  const { id, label, hint, error } = props;
  return (
    <div className={`field${error ? ' has-error' : ''}${props.className ? ` ${props.className}` : ''}`}>
      <label htmlFor={id}>
        <LabelText label={label} required={props.required} optional={props.optional} />
      </label>
      <Hint id={id} hint={hint} />
      <input
        id={id}
        name={id}
        ref={props.inputRef}
        type={props.type ?? 'text'}
        value={props.value}
        onChange={(e: ChangeEvent<HTMLInputElement>) => props.onChange(e.target.value)}
        required={props.required}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        autoComplete={props.autoComplete}
        inputMode={props.inputMode}
        autoFocus={props.autoFocus}
        min={props.min}
        max={props.max}
        maxLength={props.maxLength}
        lang={props.lang}
        data-testid={props.testId}
      />
      <FieldError id={id} error={error} />
    </div>
  );
}

export function TextAreaField(
  props: FieldBase & {
    value: string;
    onChange: (v: string) => void;
    rows?: number;
    maxLength?: number;
    autoFocus?: boolean;
  },
) {
  const { id, label, hint, error } = props;
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>
        <LabelText label={label} required={props.required} optional={props.optional} />
      </label>
      <Hint id={id} hint={hint} />
      <textarea
        id={id}
        name={id}
        rows={props.rows ?? 4}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        required={props.required}
        maxLength={props.maxLength}
        autoFocus={props.autoFocus}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        data-testid={props.testId}
      />
      <FieldError id={id} error={error} />
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField(
  props: FieldBase & {
    value: string;
    onChange: (v: string) => void;
    options: readonly Option[];
    /** Label of the empty first option; omit for no empty option. */
    emptyLabel?: string;
    autoFocus?: boolean;
  },
) {
  const { id, label, hint, error } = props;
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>
        <LabelText label={label} required={props.required} optional={props.optional} />
      </label>
      <Hint id={id} hint={hint} />
      <select
        id={id}
        name={id}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        required={props.required}
        autoFocus={props.autoFocus}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        data-testid={props.testId}
      >
        {props.emptyLabel !== undefined ? <option value="">{props.emptyLabel}</option> : null}
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldError id={id} error={error} />
    </div>
  );
}

export function MultiSelectField(
  props: FieldBase & {
    value: string[];
    onChange: (v: string[]) => void;
    options: readonly Option[];
    size?: number;
  },
) {
  const { id, label, hint, error } = props;
  return (
    <div className={`field${error ? ' has-error' : ''}`}>
      <label htmlFor={id}>
        <LabelText label={label} required={props.required} optional={props.optional} />
      </label>
      <Hint id={id} hint={hint} />
      <select
        id={id}
        name={id}
        multiple
        size={props.size ?? 6}
        value={props.value}
        onChange={(e) => props.onChange(Array.from(e.target.selectedOptions, (o) => o.value))}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        data-testid={props.testId}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <FieldError id={id} error={error} />
    </div>
  );
}

export interface RadioOption extends Option {
  hint?: string;
}

export function RadioGroup(
  props: FieldBase & {
    name: string;
    value: string;
    onChange: (v: string) => void;
    options: readonly RadioOption[];
    /** Large cards (citizen pages) instead of a compact row. */
    cards?: boolean;
    /** Each radio gets `data-testid = testIdPrefix + "-" + value`. */
    testIdPrefix?: string;
    autoFocus?: boolean;
    /** Shown before each option, e.g. the keyboard shortcut. */
    prefix?: (index: number) => string | undefined;
    firstInputRef?: Ref<HTMLInputElement>;
  },
) {
  const { id, label, hint, error } = props;
  const focusIndex = Math.max(
    0,
    props.options.findIndex((o) => o.value === props.value),
  );
  return (
    <fieldset
      className={`field radio-group${props.cards ? ' cards' : ''}${error ? ' has-error' : ''}`}
      id={id}
      aria-describedby={describedBy(id, hint, error)}
      data-testid={props.testId}
    >
      <legend>
        <LabelText label={label} required={props.required} optional={props.optional} />
      </legend>
      <Hint id={id} hint={hint} />
      <div className="radio-options">
        {props.options.map((o, i) => {
          const inputId = `${id}-${o.value}`;
          const pre = props.prefix?.(i);
          return (
            <label
              key={o.value}
              htmlFor={inputId}
              className={`radio${props.value === o.value ? ' checked' : ''}`}
            >
              <input
                type="radio"
                id={inputId}
                name={props.name}
                value={o.value}
                checked={props.value === o.value}
                onChange={() => props.onChange(o.value)}
                required={props.required}
                autoFocus={props.autoFocus && i === focusIndex}
                ref={i === focusIndex ? props.firstInputRef : undefined}
                data-testid={props.testIdPrefix ? `${props.testIdPrefix}-${o.value}` : undefined}
              />
              <span className="radio-text">
                <span className="radio-label">
                  {pre ? <kbd className="shortcut">{pre}</kbd> : null}
                  {o.label}
                </span>
                {o.hint ? <span className="radio-hint">{o.hint}</span> : null}
              </span>
            </label>
          );
        })}
      </div>
      <FieldError id={id} error={error} />
    </fieldset>
  );
}

export function CheckboxField(props: {
  id: string;
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
  testId?: string;
  /** Read out with the box (aria-describedby), e.g. what ticking it does. */
  hint?: string;
  /**
   * Fixed by a rule (the hint should say which). Announced as unavailable but kept in the tab order, so that
   * keyboard and screen-reader users still reach the box and the hint that explains it.
   */
  isLocked?: boolean;
}) {
  const hintId = props.hint ? `${props.id}-hint` : undefined;
  return (
    <div className="field checkbox">
      <input
        type="checkbox"
        id={props.id}
        name={props.id}
        checked={props.checked}
        aria-disabled={props.isLocked ? true : undefined}
        aria-describedby={hintId}
        onChange={(e) => {
          if (!props.isLocked) props.onChange(e.target.checked);
        }}
        data-testid={props.testId}
      />
      <label htmlFor={props.id}>{props.label}</label>
      {props.hint ? (
        <p className="hint" id={hintId}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

export function ErrorBox({ message, testId }: { message: string | null | undefined; testId?: string }) {
  if (!message) return null;
  return (
    <div className="error-box" role="alert" data-testid={testId ?? 'error'}>
      {message}
    </div>
  );
}

export function Notice({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div className="notice" role="status" data-testid={testId}>
      {children}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status" aria-live="polite">
      {t('app.loading')}
    </p>
  );
}
