import { useEffect, useRef, useState, type FormEvent, type SyntheticEvent } from 'react';
import { ApiError } from '../../api/client';
import { erasePersonData, personQueryParts, type PersonQuery } from '../../api/privacy';
import type { MessageKey } from '../../i18n';
import { useI18n } from '../../i18n/context';
import { errorMessage } from '../../lib/errors';
import { isLastFourMatch, openTrackingNosOf } from '../../lib/privacy';
import { ErrorBox, TextField } from '../forms';

const CONFIRM_ID = 'privacy-erase-last4';

/**
 * The last question before an erasure: what goes, what stays, that it is final, and the end of the number typed
 * back, so that the step is not taken by habit or for the wrong person. A native modal <dialog> keeps focus inside
 * and turns Escape into a cancel; the "confirm it's you" dialog can still open above it.
 */
export function EraseDialog(props: {
  query: PersonQuery;
  /** Cases the erasure will change, for the sentence that says how many. */
  caseCount: number;
  onCancel: () => void;
  onErased: (anonymised: number) => void;
  /** A case was opened again meanwhile: the server erased nothing. */
  onCasesOpen: (trackingNos: string[]) => void;
}) {
  const { t, lang } = useI18n();
  const { key, value } = personQueryParts(props.query);
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<MessageKey | null>(null);
  /** Kept as thrown, so that its message follows the reader's language. */
  const [failure, setFailure] = useState<unknown>(null);
  const [isBusy, setIsBusy] = useState(false);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    // React's autoFocus runs before the dialog is shown.
    inputRef.current?.focus();
  }, []);

  const onCancelEvent = (e: SyntheticEvent<HTMLDialogElement>) => {
    e.preventDefault();
    // Once sent, the answer decides what the page says; closing now would hide it.
    if (!isBusy) props.onCancel();
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (isBusy) return;
    if (!isLastFourMatch(value, typed)) {
      setProblem('privacy.erase.mismatch');
      inputRef.current?.focus();
      return;
    }
    setProblem(null);
    setFailure(null);
    setIsBusy(true);
    try {
      const { anonymised } = await erasePersonData(props.query);
      props.onErased(anonymised);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'privacy.cases_open') {
        props.onCasesOpen(openTrackingNosOf(err));
        return;
      }
      setFailure(err);
      setIsBusy(false);
    }
  };

  return (
    <dialog
      ref={dialogRef}
      className="privacy-dialog"
      aria-labelledby="privacy-erase-dialog-title"
      aria-describedby="privacy-erase-dialog-what privacy-erase-dialog-stays privacy-erase-dialog-final"
      onCancel={onCancelEvent}
      // The browser may close the dialog by itself (a second Escape): the page must know, or its button stays dead.
      onClose={() => {
        if (!isBusy) props.onCancel();
      }}
      data-testid="privacy-erase-dialog"
    >
      <h2 id="privacy-erase-dialog-title">{t('privacy.erase.dialogTitle')}</h2>
      <form className="form" onSubmit={(e) => void onSubmit(e)} noValidate>
        <p id="privacy-erase-dialog-what">
          {props.caseCount === 1 ? t('privacy.erase.whatOne') : t('privacy.erase.whatMany', { n: props.caseCount })}
        </p>
        <p id="privacy-erase-dialog-stays">{t('privacy.erase.stays')}</p>
        <p id="privacy-erase-dialog-final" className="privacy-final">
          {t('privacy.erase.final')}
        </p>
        <TextField
          id={CONFIRM_ID}
          label={key === 'phone' ? t('privacy.erase.confirmLabel.phone') : t('privacy.erase.confirmLabel.idNumber')}
          value={typed}
          onChange={(v) => {
            setTyped(v);
            setProblem(null);
          }}
          inputMode={key === 'phone' ? 'numeric' : 'text'}
          autoComplete="off"
          maxLength={8}
          inputRef={inputRef}
          error={problem ? t(problem) : undefined}
          testId="privacy-erase-last4"
        />
        <ErrorBox message={failure === null ? null : errorMessage(failure, lang)} testId="privacy-erase-error" />
        <div className="button-row">
          <button
            type="submit"
            className="button primary large danger"
            disabled={isBusy}
            aria-busy={isBusy}
            data-testid="privacy-erase-confirm"
          >
            {isBusy ? t('privacy.erase.erasing') : t('privacy.erase.confirm')}
          </button>
          <button type="button" className="button large" onClick={props.onCancel} disabled={isBusy} data-testid="privacy-erase-cancel">
            {t('privacy.erase.cancel')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
