import { useEffect, useRef, useState, type FormEvent } from 'react';
import { submitPublicCase } from '../api/client';
import {
  KINDS,
  PHONE_PATTERN,
  type Kind,
  type PublicSubmitBody,
  type PublicSubmitResult,
} from '../api/types';
import { ATTACHMENT_LIMITS } from '../api/attachments';
import { AttachmentUploader, useUploadQueue } from '../components/attachments/AttachmentUploader';
import { CaseCodes, categoryOptions, usePageTitle } from '../components/common';
import { CheckboxField, ErrorBox, RadioGroup, SelectField, TextAreaField, TextField } from '../components/forms';
import { LANGUAGE_NAMES } from '../i18n';
import { useI18n } from '../i18n/context';
import { errorMessage, focusFirstError, mapIssues } from '../lib/errors';
import { useRefData } from '../refdata';
import { hrefFor } from '../router';

const FIELD_ORDER = [
  'sub-kind',
  'sub-category',
  'sub-title',
  'sub-description',
  'sub-address',
  'sub-name',
  'sub-phone',
  'sub-consent',
];
const ISSUE_FIELDS: Record<string, string> = {
  kind: 'sub-kind',
  categoryId: 'sub-category',
  title: 'sub-title',
  description: 'sub-description',
  address: 'sub-address',
  'requester.name': 'sub-name',
  'requester.phone': 'sub-phone',
  name: 'sub-name',
  phone: 'sub-phone',
  publicationConsent: 'sub-consent',
};

export function SubmitPage() {
  const { t, lang } = useI18n();
  const { categories } = useRefData();
  usePageTitle(t('submit.title'));

  const [kind, setKind] = useState<Kind | ''>('');
  const [categoryId, setCategoryId] = useState('');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [address, setAddress] = useState('');
  const [name, setName] = useState('');
  const [phone, setPhone] = useState('');
  // No answer is chosen for the requester: consent to publication must be given, not assumed (PIPL art. 14).
  const [consent, setConsent] = useState<'granted' | 'refused' | ''>('');
  // A report (举报) is protected whatever is ticked; the box then shows it ticked and fixed.
  const [isIdentityProtected, setIdentityProtected] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<PublicSubmitResult | null>(null);
  const files = useUploadQueue(ATTACHMENT_LIMITS.maxRequesterFiles);
  const [uploadSummary, setUploadSummary] = useState<{ done: number; total: number } | null>(null);
  const successRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (result) successRef.current?.focus();
  }, [result]);

  const reset = () => {
    setKind('');
    setCategoryId('');
    setTitle('');
    setDescription('');
    setAddress('');
    setName('');
    setPhone('');
    setConsent('');
    setErrors({});
    setFormError(null);
    setResult(null);
    files.clear();
    setUploadSummary(null);
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!kind) errs['sub-kind'] = t('form.choose');
    if (!title.trim()) errs['sub-title'] = t('form.required');
    if (!description.trim()) errs['sub-description'] = t('form.required');
    if (!phone.trim()) errs['sub-phone'] = t('form.required');
    else if (!PHONE_PATTERN.test(phone.trim())) errs['sub-phone'] = t('form.invalidPhone');
    if (!consent) errs['sub-consent'] = t('form.choose');
    setErrors(errs);
    setFormError(null);
    if (Object.keys(errs).length > 0 || !kind || !consent) {
      focusFirstError(FIELD_ORDER, errs);
      return;
    }
    const body: PublicSubmitBody = {
      kind,
      title: title.trim(),
      description: description.trim(),
      requester: { phone: phone.trim(), language: lang },
      publicationConsent: consent,
    };
    if (categoryId) body.categoryId = categoryId;
    if (address.trim()) body.address = address.trim();
    if (name.trim()) body.requester.name = name.trim();
    if (isIdentityProtected && kind !== 'report') body.isIdentityProtected = true;
    setBusy(true);
    try {
      const created = await submitPublicCase(body);
      // The case exists now: its files go with its tracking number and access code, one by one, with progress.
      // A refused file does not undo the case; the summary says how many arrived.
      if (files.items.some((i) => i.state === 'queued')) {
        setUploadSummary(await files.uploadAll({ kind: 'public', trackingNo: created.trackingNo, accessCode: created.accessCode }));
      }
      setResult(created);
    } catch (err) {
      const mapped = mapIssues(err, ISSUE_FIELDS, lang);
      setErrors(mapped.fields);
      setFormError([errorMessage(err, lang), ...mapped.other].join(' '));
      focusFirstError(FIELD_ORDER, mapped.fields);
    } finally {
      setBusy(false);
    }
  };

  if (result) {
    return (
      <div className="success-panel" data-testid="submit-success">
        <h1 ref={successRef} tabIndex={-1}>
          {t('submit.successTitle')}
        </h1>
        <p className="write-down">{t('submit.writeDown')}</p>
        <CaseCodes trackingNo={result.trackingNo} accessCode={result.accessCode} />
        {uploadSummary ? (
          <p className={uploadSummary.done < uploadSummary.total ? 'field-error' : 'hint'} data-testid="submit-files-summary">
            {t('attachments.summary', uploadSummary)}
          </p>
        ) : null}
        {files.items.some((i) => i.state === 'failed') ? (
          <ul className="attachments-list">
            {files.items
              .filter((i) => i.state === 'failed')
              .map((i) => (
                <li key={i.key} className="field-error">
                  {i.file.name}: {i.error}
                </li>
              ))}
          </ul>
        ) : null}
        <div className="button-row">
          <a
            className="button primary large"
            href={hrefFor('/track', { no: result.trackingNo, code: result.accessCode })}
            data-testid="go-track"
          >
            {t('submit.goTrack')}
          </a>
          <button type="button" className="button" onClick={reset} data-testid="submit-another">
            {t('submit.another')}
          </button>
        </div>
      </div>
    );
  }

  return (
    <div className="narrow">
      <h1 tabIndex={-1}>{t('submit.title')}</h1>
      <p className="lead">{t('submit.intro')}</p>
      <form
        onSubmit={(e) => void onSubmit(e)}
        noValidate
        className="form citizen-form"
        data-testid="submit-form"
      >
        <RadioGroup
          id="sub-kind"
          name="kind"
          label={t('submit.kind')}
          required
          cards
          value={kind}
          onChange={(v) => setKind(v as Kind)}
          options={KINDS.map((k) => ({ value: k, label: t(`kind.${k}`), hint: t(`kindHint.${k}`) }))}
          error={errors['sub-kind']}
          testIdPrefix="submit-kind"
        />
        <SelectField
          id="sub-category"
          label={t('submit.category')}
          optional
          value={categoryId}
          onChange={setCategoryId}
          options={categoryOptions(categories)}
          emptyLabel={t('common.notSelected')}
          error={errors['sub-category']}
          testId="submit-category"
        />
        <TextField
          id="sub-title"
          label={t('submit.titleLabel')}
          required
          value={title}
          onChange={setTitle}
          maxLength={200}
          error={errors['sub-title']}
          testId="submit-title"
        />
        <TextAreaField
          id="sub-description"
          label={t('submit.description')}
          hint={t('submit.descriptionHint')}
          required
          rows={6}
          value={description}
          onChange={setDescription}
          error={errors['sub-description']}
          testId="submit-description"
        />
        <TextField
          id="sub-address"
          label={t('submit.address')}
          optional
          value={address}
          onChange={setAddress}
          autoComplete="street-address"
          error={errors['sub-address']}
          testId="submit-address"
        />
        <TextField
          id="sub-name"
          label={t('submit.name')}
          optional
          value={name}
          onChange={setName}
          autoComplete="name"
          error={errors['sub-name']}
          testId="submit-name"
        />
        <TextField
          id="sub-phone"
          label={t('submit.phone')}
          hint={t('submit.phoneHint')}
          required
          type="tel"
          inputMode="tel"
          autoComplete="tel"
          value={phone}
          onChange={setPhone}
          error={errors['sub-phone']}
          testId="submit-phone"
        />
        <RadioGroup
          id="sub-consent"
          name="publicationConsent"
          label={t('consent.question')}
          hint={t('consent.hint')}
          required
          cards
          value={consent}
          onChange={(v) => setConsent(v === 'granted' || v === 'refused' ? v : '')}
          options={[
            { value: 'granted', label: t('consent.optionGranted') },
            { value: 'refused', label: t('consent.optionRefused') },
          ]}
          error={errors['sub-consent']}
          testIdPrefix="submit-consent"
        />
        <CheckboxField
          id="sub-identity"
          label={t('identity.publicLabel')}
          hint={kind === 'report' ? t('identity.publicReportAlways') : t('identity.publicHint')}
          checked={kind === 'report' || isIdentityProtected}
          isLocked={kind === 'report'}
          onChange={setIdentityProtected}
          testId="submit-identity-protected"
        />
        <fieldset className="field">
          <legend>
            {t('attachments.title')} <span className="muted">{t('common.optional')}</span>
          </legend>
          <AttachmentUploader queue={files} maxFiles={ATTACHMENT_LIMITS.maxRequesterFiles} disabled={busy} testId="submit-files" />
        </fieldset>
        <p className="hint">{t('submit.language', { lang: LANGUAGE_NAMES[lang] })}</p>
        <ErrorBox message={formError} testId="submit-error" />
        <button type="submit" className="button primary large" disabled={busy} data-testid="submit-submit">
          {busy ? t('common.submitting') : t('submit.submit')}
        </button>
      </form>
    </div>
  );
}
