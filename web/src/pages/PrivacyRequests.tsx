import { useCallback, useEffect, useRef, useState, type FormEvent, type Ref } from 'react';
import { isAbortError } from '../api/client';
import {
  findPersonData,
  PERSON_KEYS,
  personQuery,
  personQueryParts,
  type HeldCase,
  type PersonData,
  type PersonKey,
  type PersonQuery,
} from '../api/privacy';
import { usePageTitle } from '../components/common';
import { ErrorBox, Loading, Notice, RadioGroup, TextField } from '../components/forms';
import { EraseDialog } from '../components/privacy/EraseDialog';
import { caseHref, HeldCaseCard } from '../components/privacy/HeldCaseCard';
import '../components/privacy/privacy.css';
import type { MessageKey, Vars } from '../i18n';
import { useI18n } from '../i18n/context';
import { errorMessage } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import {
  buildExport,
  checkPersonValue,
  erasableCount,
  exportFileName,
  fieldProblemOf,
  isFinishedStatus,
  normaliseTyped,
  summarise,
} from '../lib/privacy';
import { useSession } from '../session';

const VALUE_ID = 'privacy-value';

/** A message kept as its key, so that it follows a change of language while it is on screen. */
type Said = { key: MessageKey; vars?: Vars };

/** What the server answered, with the question it answered and when. */
interface Found {
  query: PersonQuery;
  data: PersonData;
  at: Date;
}

/** Saves the export in the browser: nothing is sent again, so the file is exactly what is on screen. */
function saveExport(found: Found): void {
  const at = new Date();
  const text = JSON.stringify(buildExport(found.query, found.data, at), null, 2);
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = exportFileName(personQueryParts(found.query).value, at);
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function EraseSection(props: {
  cases: HeldCase[];
  onStart: () => void;
  buttonRef: Ref<HTMLButtonElement>;
}) {
  const { t } = useI18n();
  const open = props.cases.filter((c) => !isFinishedStatus(c.status));
  const erasable = erasableCount(props.cases);
  const isBlocked = open.length > 0;
  return (
    <section className="card privacy-erase" aria-labelledby="privacy-erase-title" data-testid="privacy-erase">
      <h2 id="privacy-erase-title">{t('privacy.erase.title')}</h2>
      <p>{t('privacy.erase.intro')}</p>
      {isBlocked ? (
        <div className="notice" id="privacy-erase-blocked" data-testid="privacy-erase-blocked">
          <p>{t('privacy.erase.blocked')}</p>
          <ul className="privacy-erase-list">
            {open.map((c) => (
              <li key={c.caseId}>
                <a href={caseHref(c.caseId)} lang="en" translate="no" data-testid="privacy-erase-blocking-case">
                  {c.trackingNo}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : erasable === 0 ? (
        <p id="privacy-erase-blocked" className="muted" data-testid="privacy-erase-nothing">
          {t('privacy.erase.nothing')}
        </p>
      ) : null}
      <div className="button-row">
        <button
          type="button"
          ref={props.buttonRef}
          className="button large danger"
          disabled={isBlocked || erasable === 0}
          aria-describedby={isBlocked || erasable === 0 ? 'privacy-erase-blocked' : undefined}
          onClick={props.onStart}
          data-testid="privacy-erase-open"
        >
          {t('privacy.erase.button')}
        </button>
      </div>
    </section>
  );
}

/**
 * Personal data requests (PIPL): a person asks what is held about them, or that it be deleted. The operator finds
 * them by phone or ID number, hands them the export (file or printout) and, once all their cases are finished,
 * erases their data after typing back the end of the number. Both steps are audited and need a recent sign-in.
 */
export function PrivacyRequestsPage() {
  const { t, lang } = useI18n();
  const { user } = useSession();
  usePageTitle(t('privacy.title'));
  const canManage = user?.permissions.includes('privacy.manage') ?? false;

  const [key, setKey] = useState<PersonKey>('phone');
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<MessageKey | null>(null);
  const [found, setFound] = useState<Found | null>(null);
  /** Kept as thrown, so that its message follows the reader's language. */
  const [failure, setFailure] = useState<unknown>(null);
  const [isSearching, setIsSearching] = useState(false);
  const [said, setSaid] = useState<Said | null>(null);
  /** Tracking numbers of cases opened again between the look-up and the erasure. */
  const [reopened, setReopened] = useState<string[] | null>(null);
  const [isConfirming, setIsConfirming] = useState(false);
  const requestRef = useRef<AbortController | null>(null);
  const valueRef = useRef<HTMLInputElement>(null);
  const eraseButtonRef = useRef<HTMLButtonElement>(null);
  const outcomeRef = useRef<HTMLDivElement>(null);

  useEffect(() => () => requestRef.current?.abort(), []);

  // The dialog is gone and its button may be too (nothing left to erase): the outcome is where the reader goes on.
  useEffect(() => {
    if (said || reopened) outcomeRef.current?.focus();
  }, [said, reopened]);

  const search = useCallback(async (query: PersonQuery) => {
    requestRef.current?.abort();
    const ctrl = new AbortController();
    requestRef.current = ctrl;
    setIsSearching(true);
    setFailure(null);
    // Another person's results (and their erase button) must not stay on screen while this one is looked up.
    setFound((prev) => (prev && JSON.stringify(prev.query) === JSON.stringify(query) ? prev : null));
    try {
      const data = await findPersonData(query, ctrl.signal);
      setFound({ query, data, at: new Date() });
    } catch (err) {
      if (isAbortError(err) || ctrl.signal.aborted) return;
      setFound(null);
      const fieldProblem = fieldProblemOf(err, personQueryParts(query).key);
      if (fieldProblem) {
        setProblem(fieldProblem);
        valueRef.current?.focus();
      } else {
        setFailure(err);
      }
    } finally {
      if (requestRef.current === ctrl) setIsSearching(false);
    }
  }, []);

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setSaid(null);
    setReopened(null);
    const check = checkPersonValue(key, value);
    setProblem(check);
    if (check) {
      valueRef.current?.focus();
      return;
    }
    void search(personQuery(key, normaliseTyped(value)));
  };

  const onKeyChange = (next: string) => {
    const chosen = PERSON_KEYS.find((k) => k === next);
    if (!chosen) return;
    setKey(chosen);
    setProblem(null);
  };

  const onErased = (anonymised: number) => {
    setIsConfirming(false);
    setReopened(null);
    setSaid({ key: anonymised === 1 ? 'privacy.erase.doneOne' : 'privacy.erase.doneMany', vars: { n: anonymised } });
    if (found) void search(found.query);
  };

  const onCasesOpen = (trackingNos: string[]) => {
    setIsConfirming(false);
    setSaid(null);
    setReopened(trackingNos);
    if (found) void search(found.query);
  };

  const onCancelErase = () => {
    setIsConfirming(false);
    // Back where the operator was, rather than at the top of the page.
    window.setTimeout(() => eraseButtonRef.current?.focus(), 0);
  };

  if (!canManage) {
    return (
      <div className="privacy-page">
        <h1 tabIndex={-1}>{t('privacy.title')}</h1>
        <ErrorBox message={t('privacy.forbidden')} testId="privacy-forbidden" />
      </div>
    );
  }

  const summary = found ? summarise(found.data.cases) : null;
  const asked = found ? personQueryParts(found.query) : null;
  const separator = lang === 'zh-Hans' ? '、' : ', ';

  return (
    <div className="privacy-page" data-testid="privacy-page">
      <h1 tabIndex={-1}>{t('privacy.title')}</h1>
      <p className="lead no-print">{t('privacy.intro')}</p>

      <section className="card privacy-search" aria-labelledby="privacy-search-title">
        <h2 id="privacy-search-title">{t('privacy.searchTitle')}</h2>
        <form className="form" onSubmit={onSubmit} noValidate data-testid="privacy-search-form">
          <RadioGroup
            id="privacy-by"
            name="privacy-by"
            label={t('privacy.searchBy')}
            value={key}
            onChange={onKeyChange}
            options={PERSON_KEYS.map((k) => ({ value: k, label: t(`privacy.by.${k}`) }))}
            testIdPrefix="privacy-by"
          />
          <TextField
            id={VALUE_ID}
            label={key === 'phone' ? t('privacy.phoneLabel') : t('privacy.idNumberLabel')}
            hint={key === 'phone' ? t('privacy.phoneHint') : t('privacy.idNumberHint')}
            type={key === 'phone' ? 'tel' : 'text'}
            inputMode={key === 'phone' ? 'tel' : 'text'}
            autoComplete="off"
            maxLength={40}
            value={value}
            onChange={(v) => {
              setValue(v);
              setProblem(null);
            }}
            inputRef={valueRef}
            error={problem ? t(problem) : undefined}
            testId="privacy-value"
          />
          <p className="hint">{t('privacy.auditNote')}</p>
          <div className="button-row">
            <button type="submit" className="button primary large" disabled={isSearching} aria-busy={isSearching} data-testid="privacy-search">
              {isSearching ? t('privacy.searching') : t('privacy.search')}
            </button>
          </div>
        </form>
      </section>

      <ErrorBox message={failure === null ? null : errorMessage(failure, lang)} testId="privacy-error" />
      <div ref={outcomeRef} tabIndex={-1} className="no-print">
        {said ? <Notice testId="privacy-erased">{t(said.key, said.vars)}</Notice> : null}
        <ErrorBox
          message={reopened ? t('privacy.erase.casesOpen', { trackingNos: reopened.join(separator) }) : null}
          testId="privacy-erase-refused"
        />
      </div>

      {isSearching && !found ? <Loading /> : null}
      {found && summary && asked ? (
        <section className="privacy-results" aria-labelledby="privacy-results-title" aria-busy={isSearching} data-testid="privacy-results">
          <h2 id="privacy-results-title">{t('privacy.resultsTitle')}</h2>
          <p className="privacy-query" data-testid="privacy-query">
            {asked.key === 'phone' ? t('privacy.resultsFor.phone', { value: asked.value }) : t('privacy.resultsFor.idNumber', { value: asked.value })}
          </p>
          <p className="muted">{t('privacy.exportedAt', { at: formatDateTime(found.at.toISOString()) })}</p>
          <p className="privacy-summary" data-testid="privacy-summary">
            {t('privacy.summary', { total: summary.total, open: summary.open })}
          </p>
          <p className="muted" data-testid="privacy-anonymised-hint">{t('privacy.anonymisedHint')}</p>
          {found.data.isTruncated ? (
            <p className="privacy-truncated" role="status" data-testid="privacy-truncated">
              {t('privacy.truncated', { count: found.data.cases.length })}
            </p>
          ) : null}
          {summary.total === 0 ? <p data-testid="privacy-none">{t('privacy.none')}</p> : null}
          <div className="button-row">
            <button type="button" className="button large" onClick={() => saveExport(found)} data-testid="privacy-download">
              {t('privacy.download')}
            </button>
            <button type="button" className="button large" onClick={() => window.print()} data-testid="privacy-print">
              {t('privacy.print')}
            </button>
          </div>
          <p className="hint no-print">{t('privacy.copyHint')}</p>
          {summary.total > 0 ? (
            <>
              <ol className="plain-list privacy-cases">
                {found.data.cases.map((c) => (
                  <li key={c.caseId}>
                    <HeldCaseCard held={c} />
                  </li>
                ))}
              </ol>
              <EraseSection cases={found.data.cases} onStart={() => setIsConfirming(true)} buttonRef={eraseButtonRef} />
            </>
          ) : null}
        </section>
      ) : null}

      {isConfirming && found ? (
        <EraseDialog
          query={found.query}
          caseCount={erasableCount(found.data.cases)}
          onCancel={onCancelErase}
          onErased={onErased}
          onCasesOpen={onCasesOpen}
        />
      ) : null}
    </div>
  );
}
