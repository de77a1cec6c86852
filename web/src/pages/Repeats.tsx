import { useEffect, useMemo, useState } from 'react';
import { isAbortError, revealRequester } from '../api/client';
import { listRepeats, type RepeatRequester, type RepeatsResult } from '../api/search';
import type { CaseSummary, Requester } from '../api/types';
import { StatusBadge, usePageTitle } from '../components/common';
import { ErrorBox, Loading, SelectField, TextField } from '../components/forms';
import { percent, textLang } from '../components/search/parts';
import { useI18n } from '../i18n/context';
import { errorMessage } from '../lib/errors';
import { formatDate } from '../lib/format';
import { hrefFor, navigate, useRoute } from '../router';
import { useSession } from '../session';

type Kind = 'requesters' | 'matters';

function CaseLinks({ cases }: { cases: readonly CaseSummary[] }) {
  return (
    <ul className="repeat-cases">
      {cases.map((c) => (
        <li key={c.id}>
          <a href={hrefFor(`/work/cases/${encodeURIComponent(c.id)}`)}>
            <span lang="en" translate="no">
              {c.trackingNo}
            </span>{' '}
            <span lang={textLang(c.title)}>{c.title}</span>
          </a>{' '}
          <StatusBadge status={c.status} /> <span className="muted">{formatDate(c.createdAt)}</span>
        </li>
      ))}
    </ul>
  );
}

/**
 * One repeat requester. The list names everyone masked, as every list does; the full details are revealed one
 * person at a time through the case the masked values came from, so that each look is in the audit log.
 */
function RepeatPerson({ group }: { group: RepeatRequester }) {
  const { t, lang } = useI18n();
  const { user } = useSession();
  const canReveal = user?.permissions.includes('case.view_personal_data') ?? false;
  // Undefined until revealed; null when the case no longer holds a requester (erased since the list was read).
  const [full, setFull] = useState<Requester | null | undefined>(undefined);
  const [isRevealing, setIsRevealing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const person = group.requester;
  const isRevealed = full !== undefined;
  const shown = isRevealed ? full : person;
  const reveal = async (caseId: string) => {
    setIsRevealing(true);
    setError(null);
    try {
      setFull(await revealRequester(caseId));
    } catch (err) {
      setError(errorMessage(err, lang));
    } finally {
      setIsRevealing(false);
    }
  };
  return (
    <>
      <h3>
        <span data-testid="repeat-person" data-masked={isRevealed ? 'false' : 'true'}>
          {shown
            ? [shown.name, shown.phone, shown.idNumber].filter(Boolean).join(' · ')
            : t(isRevealed ? 'case.anonymous' : 'search.repeats.hidden')}
        </span>{' '}
        <span className="badge">{t(`search.repeats.via.${group.via}`)}</span>
      </h3>
      {person && canReveal && !isRevealed ? (
        <p>
          <button type="button" className="button" disabled={isRevealing} onClick={() => void reveal(person.caseId)} data-testid="repeat-reveal">
            {t('case.revealRequester')}
          </button>{' '}
          <span className="muted">{t('case.revealAudited')}</span>
        </p>
      ) : null}
      <ErrorBox message={error} testId="repeat-reveal-error" />
    </>
  );
}

/** Repeat requesters and repeat matters of a period, for supervisors (GET /duplicates/repeats). */
export function RepeatsPage() {
  const { t, lang } = useI18n();
  const route = useRoute();
  usePageTitle(t('search.repeats.title'));
  const kind: Kind = route.query.get('kind') === 'matters' ? 'matters' : 'requesters';
  const from = route.query.get('from') ?? '';
  const to = route.query.get('to') ?? '';
  const minCasesRaw = Number(route.query.get('minCases'));
  const minCases = Number.isInteger(minCasesRaw) && minCasesRaw >= 2 && minCasesRaw <= 100 ? minCasesRaw : 2;
  const key = useMemo(() => JSON.stringify({ kind, from, to, minCases }), [kind, from, to, minCases]);
  const [data, setData] = useState<RepeatsResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);

  useEffect(() => {
    const q = JSON.parse(key) as { kind: Kind; from: string; to: string; minCases: number };
    const ctrl = new AbortController();
    setLoading(true);
    setError(null);
    listRepeats({ kind: q.kind, from: q.from || undefined, to: q.to || undefined, minCases: q.minCases }, ctrl.signal)
      .then(setData)
      .catch((err: unknown) => {
        if (!isAbortError(err)) setError(errorMessage(err, lang));
      })
      .finally(() => {
        if (!ctrl.signal.aborted) setLoading(false);
      });
    return () => ctrl.abort();
  }, [key, lang]);

  const update = (patch: Record<string, string | number>) =>
    navigate('/work/repeats', { kind, from, to, minCases: minCases === 2 ? undefined : minCases, ...patch });

  return (
    <div className="repeats-page">
      <h1 tabIndex={-1}>{t('search.repeats.title')}</h1>
      <section className="filters card" aria-label={t('search.filters')}>
        <div className="filter-grid">
          <SelectField
            id="repeats-kind"
            label={t('search.repeats.kind')}
            value={kind}
            onChange={(v) => update({ kind: v })}
            options={[
              { value: 'requesters', label: t('search.repeats.requesters') },
              { value: 'matters', label: t('search.repeats.matters') },
            ]}
            testId="repeats-kind"
          />
          <TextField id="repeats-from" type="date" label={t('queue.from')} value={from} onChange={(v) => update({ from: v })} testId="repeats-from" />
          <TextField id="repeats-to" type="date" label={t('queue.to')} value={to} onChange={(v) => update({ to: v })} testId="repeats-to" />
          <SelectField
            id="repeats-min"
            label={t('search.repeats.minCases')}
            value={String(minCases)}
            onChange={(v) => update({ minCases: Number(v) })}
            options={[2, 3, 5, 10].map((n) => ({ value: String(n), label: String(n) }))}
            testId="repeats-min"
          />
        </div>
        {!from && !to ? <p className="hint">{t('search.repeats.defaultPeriod')}</p> : null}
      </section>
      <ErrorBox message={error} testId="repeats-error" />
      {loading && !data ? <Loading /> : null}
      {data ? (
        <section aria-labelledby="repeats-list-title" aria-busy={loading} data-testid="repeats-list" data-kind={data.kind}>
          <h2 id="repeats-list-title">{data.kind === 'requesters' ? t('search.repeats.requesters') : t('search.repeats.matters')}</h2>
          {data.items.length === 0 ? (
            <p className="muted" data-testid="repeats-empty">
              {t('search.repeats.empty')}
            </p>
          ) : data.kind === 'requesters' ? (
            data.items.map((g, i) => (
              // Keyed by person (a case has one key of each kind), so that details revealed for one are never shown
              // under another after a new search.
              <article key={`${g.via}:${g.requester?.caseId ?? g.cases[0]?.id ?? i}`} className="card" data-testid="repeat-group">
                <RepeatPerson group={g} />
                <p>
                  <strong>{t('search.repeats.counts', { cases: g.caseCount, open: g.openCount })}</strong> ·{' '}
                  {t('search.repeats.span', { first: formatDate(g.firstAt), last: formatDate(g.lastAt) })}
                </p>
                <CaseLinks cases={g.cases} />
              </article>
            ))
          ) : (
            data.items.map((m, i) => (
              <article key={i} className="card" data-testid="repeat-group">
                <h3 lang={textLang(m.cases[0]?.title ?? '')}>{m.cases[0]?.title ?? ''}</h3>
                <p>
                  <strong>{t('search.repeats.counts', { cases: m.caseCount, open: m.openCount })}</strong> ·{' '}
                  {t('search.repeats.requesterCount', { count: m.requesterCount })} ·{' '}
                  {t('search.repeats.similarity', { percent: percent(m.meanSimilarity) })} ·{' '}
                  {t('search.repeats.span', { first: formatDate(m.firstAt), last: formatDate(m.lastAt) })}
                </p>
                <CaseLinks cases={m.cases} />
              </article>
            ))
          )}
        </section>
      ) : null}
    </div>
  );
}
