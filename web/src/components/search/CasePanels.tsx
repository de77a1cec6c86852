// The case page's text panels: undo merge, likely duplicates with merge/link actions, related cases, and
// dispatch suggestions with confidence.
import { useEffect, useState, type FormEvent } from 'react';
import { isAbortError, performAction } from '../../api/client';
import {
  duplicatesOfCase,
  linkCase,
  listLinks,
  suggestForCase,
  unlinkCase,
  unmergeCase,
  type DispatchSuggestions,
  type DuplicateItem,
  type LinkedCase,
} from '../../api/search';
import type { Case } from '../../api/types';
import { useI18n } from '../../i18n/context';
import { errorMessage } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { hrefFor } from '../../router';
import { useSession } from '../../session';
import { StatusBadge } from '../common';
import { ErrorBox, Notice, TextAreaField } from '../forms';
import { DuplicateList, SuggestionBox, textLang } from './parts';

const DISPATCHABLE = ['registered', 'returned'];

function UnmergeCard({ caseData, onUpdated }: { caseData: Case; onUpdated: (c: Case) => void }) {
  const { t, lang } = useI18n();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) {
      setFieldError(t('form.required'));
      document.getElementById('unmerge-reason')?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    setFieldError(undefined);
    try {
      onUpdated(await unmergeCase(caseData.id, reason.trim()));
    } catch (err) {
      setError(errorMessage(err, lang));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card attention" aria-labelledby="unmerge-title" data-testid="unmerge">
      <h2 id="unmerge-title">{t('search.unmerge.title')}</h2>
      <p>{t('search.unmerge.intro')}</p>
      <form onSubmit={(e) => void onSubmit(e)} noValidate>
        <TextAreaField
          id="unmerge-reason"
          label={t('search.unmerge.reason')}
          required
          rows={2}
          maxLength={2000}
          value={reason}
          onChange={(v) => {
            setReason(v);
            setFieldError(undefined);
          }}
          error={fieldError}
          testId="unmerge-reason"
        />
        <ErrorBox message={error} testId="unmerge-error" />
        <button type="submit" className="button primary" disabled={busy} data-testid="unmerge-submit">
          {t('search.unmerge.title')}
        </button>
      </form>
    </section>
  );
}

function DuplicatesAndLinks({ caseData, onUpdated, onChanged }: { caseData: Case; onUpdated: (c: Case) => void; onChanged: () => void }) {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const canMerge = user?.permissions.includes('case.merge') ?? false;
  const [duplicates, setDuplicates] = useState<DuplicateItem[] | null>(null);
  const [links, setLinks] = useState<LinkedCase[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [version, setVersion] = useState(0);
  const id = caseData.id;

  useEffect(() => {
    const ctrl = new AbortController();
    Promise.all([duplicatesOfCase(id, ctrl.signal), listLinks(id, ctrl.signal)])
      .then(([d, l]) => {
        setDuplicates(d);
        setLinks(l);
      })
      .catch((err: unknown) => {
        if (!isAbortError(err)) setError(errorMessage(err, lang));
      });
    return () => ctrl.abort();
  }, [id, lang, version, caseData.status]);

  // A notice of the last action belongs to the state it was made in (a merge, then its undoing).
  useEffect(() => setNotice(null), [caseData.status]);

  const run = async (work: () => Promise<void>, done: string) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      await work();
      setNotice(done);
      setVersion((n) => n + 1);
    } catch (err) {
      setError(errorMessage(err, lang));
    } finally {
      setBusy(false);
    }
  };

  const mergeThisInto = (other: DuplicateItem) =>
    window.confirm(t('search.dup.confirmMerge')) &&
    void run(async () => {
      onUpdated(await performAction(id, 'merge', { masterId: other.id }));
    }, t('search.dup.merged'));
  const mergeIntoThis = (other: DuplicateItem) =>
    window.confirm(t('search.dup.confirmMerge')) &&
    void run(async () => {
      await performAction(other.id, 'merge', { masterId: id });
      onChanged();
    }, t('search.dup.merged'));
  const link = (other: DuplicateItem) =>
    void run(async () => {
      setLinks(await linkCase(id, other.id));
      onChanged();
    }, t('search.dup.linkedDone'));
  const unlink = (other: LinkedCase) =>
    void run(async () => {
      await unlinkCase(id, other.id);
      onChanged();
    }, t('search.links.unlink'));

  const isMerged = caseData.status === 'merged';
  const mayMergeThis = caseData.allowedActions.includes('merge');

  return (
    <>
      {notice ? <Notice testId="text-panels-notice">{notice}</Notice> : null}
      <ErrorBox message={error} testId="text-panels-error" />
      {!isMerged ? (
        <section className="card" aria-labelledby="duplicates-title" data-testid="case-duplicates">
          <h2 id="duplicates-title">{t('search.dup.title')}</h2>
          {duplicates === null ? null : duplicates.length === 0 ? (
            <p className="muted">{t('search.dup.none')}</p>
          ) : (
            <DuplicateList
              items={duplicates}
              isIntake={false}
              actions={
                canMerge
                  ? (d) => (
                      <>
                        {mayMergeThis ? (
                          <button type="button" className="button" disabled={busy} onClick={() => mergeThisInto(d)} data-testid="dup-merge-into-that">
                            {t('search.dup.mergeIntoThat')}
                          </button>
                        ) : null}
                        <button type="button" className="button" disabled={busy} onClick={() => mergeIntoThis(d)} data-testid="dup-merge-into-this">
                          {t('search.dup.mergeIntoThis')}
                        </button>
                        {d.isLinked ? null : (
                          <button type="button" className="button subtle" disabled={busy} onClick={() => link(d)} data-testid="dup-link">
                            {t('search.dup.link')}
                          </button>
                        )}
                      </>
                    )
                  : undefined
              }
            />
          )}
        </section>
      ) : null}
      <section className="card" aria-labelledby="links-title" data-testid="case-links">
        <h2 id="links-title">{t('search.links.title')}</h2>
        {links === null ? null : links.length === 0 ? (
          <p className="muted">{t('search.links.none')}</p>
        ) : (
          <ul style={{ listStyle: 'none', padding: 0 }}>
            {links.map((l) => (
              <li key={l.id} data-testid="case-link-item" style={{ margin: '0.4em 0' }}>
                <a href={hrefFor(`/work/cases/${encodeURIComponent(l.id)}`)}>
                  <span lang="en" translate="no">
                    {l.trackingNo}
                  </span>{' '}
                  <span lang={textLang(l.title)}>{l.title}</span>
                </a>{' '}
                <StatusBadge status={l.status} /> <span className="muted">{formatDateTime(l.linkedAt)}</span>
                {l.note ? <span className="muted"> · {l.note}</span> : null}{' '}
                {canMerge ? (
                  <button type="button" className="button subtle" disabled={busy} onClick={() => unlink(l)} data-testid="link-remove">
                    {t('search.links.unlink')}
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function CaseSuggestions({ caseData, onUpdated }: { caseData: Case; onUpdated: (c: Case) => void }) {
  const { t, lang } = useI18n();
  const [data, setData] = useState<DispatchSuggestions | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const canDispatch = caseData.allowedActions.includes('dispatch');
  useEffect(() => {
    const ctrl = new AbortController();
    suggestForCase(caseData.id, ctrl.signal)
      .then(setData)
      .catch((err: unknown) => {
        if (!isAbortError(err)) setData(null);
      });
    return () => ctrl.abort();
  }, [caseData.id, lang]);
  if (!data) return null;
  const dispatch = async (unitId: string) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      onUpdated(await performAction(caseData.id, 'dispatch', { unitId }));
    } catch (err) {
      setError(errorMessage(err, lang));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="case-sugg-title" data-testid="case-suggestions">
      <h2 id="case-sugg-title">{t('search.sugg.title')}</h2>
      <SuggestionBox
        data={data}
        onApply={canDispatch ? (s) => void dispatch(s.unitId) : undefined}
        applyLabel={(s) => t('search.sugg.dispatchTo', { unit: s.unit?.name ?? '' })}
      />
      <ErrorBox message={error} testId="case-suggestions-error" />
    </section>
  );
}

/** Everything issue 4 adds to the case page, in one place for CaseView.tsx. */
export function CaseTextPanels({ caseData, onUpdated, onChanged }: { caseData: Case; onUpdated: (c: Case) => void; onChanged: () => void }) {
  const { user } = useSession();
  const canMerge = user?.permissions.includes('case.merge') ?? false;
  return (
    <>
      {caseData.status === 'merged' && canMerge ? <UnmergeCard caseData={caseData} onUpdated={onUpdated} /> : null}
      {DISPATCHABLE.includes(caseData.status) ? <CaseSuggestions caseData={caseData} onUpdated={onUpdated} /> : null}
      <DuplicatesAndLinks caseData={caseData} onUpdated={onUpdated} onChanged={onChanged} />
    </>
  );
}
