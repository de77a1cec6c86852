// Staff review of the open-data portal: edit the public text of a case, publish or withdraw it.
import { useEffect, useState } from 'react';
import { listReviewItems, saveReview, type ReviewBody, type ReviewItem } from '../../api/opendata';
import { useI18n } from '../../i18n/context';
import { errorMessage } from '../../lib/errors';
import { ErrorBox, Notice, SelectField, TextAreaField, TextField } from '../forms';

export function ReviewPanel({ onChanged }: { onChanged: () => void }) {
  const { t, lang } = useI18n();
  const [state, setState] = useState<ReviewItem['state'] | ''>('pending');
  const [items, setItems] = useState<ReviewItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<ReviewItem | null>(null);
  const [draft, setDraft] = useState({ title: '', text: '', reply: '' });
  const [notice, setNotice] = useState<string | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    const ctrl = new AbortController();
    listReviewItems(state, ctrl.signal)
      .then((r) => setItems(r.items))
      .catch((err: unknown) => {
        if (!ctrl.signal.aborted) setError(errorMessage(err, lang));
      });
    return () => ctrl.abort();
  }, [state, lang, reload]);

  const startEdit = (item: ReviewItem) => {
    setEditing(item);
    setNotice(null);
    setDraft({
      title: item.edited.title ?? item.served.title ?? item.auto.title,
      text: item.edited.text ?? item.served.text ?? item.auto.text,
      reply: item.edited.reply ?? item.served.reply ?? item.auto.reply ?? '',
    });
  };

  const submit = async (item: ReviewItem, action: ReviewBody['action']) => {
    setError(null);
    try {
      const body: ReviewBody =
        editing?.caseId === item.caseId && action !== 'withdraw'
          ? { action, title: draft.title, text: draft.text, reply: draft.reply === '' ? null : draft.reply }
          : { action };
      await saveReview(item.caseId, body);
      setEditing(null);
      setNotice(t('opendata.saved'));
      setReload((n) => n + 1);
      onChanged();
    } catch (err) {
      setError(errorMessage(err, lang));
    }
  };

  return (
    <section className="opendata-review" aria-labelledby="opendata-review-title" data-testid="opendata-review">
      <h2 id="opendata-review-title">{t('opendata.review')}</h2>
      <p>{t('opendata.reviewIntro')}</p>
      <SelectField
        id="opendata-review-state"
        label={t('opendata.reviewState')}
        value={state}
        onChange={(v) => setState(v as ReviewItem['state'] | '')}
        emptyLabel={t('opendata.all')}
        options={(['pending', 'published', 'withdrawn'] as const).map((s) => ({ value: s, label: t(`opendata.state.${s}`) }))}
      />
      <ErrorBox message={error} />
      {notice ? <Notice>{notice}</Notice> : null}
      {items && items.length === 0 ? <p>{t('opendata.reviewNone')}</p> : null}
      <ul className="opendata-list">
        {(items ?? []).map((item) => (
          <li key={item.caseId} className="opendata-item" data-testid="opendata-review-item">
            <h3>{item.served.title ?? item.auto.title}</h3>
            <p>
              {item.trackingNo} · {t(`opendata.state.${item.state}`)}
              {item.hasUnreviewedChanges ? ` · ${t('opendata.unreviewed')}` : ''}
            </p>
            {editing?.caseId === item.caseId ? (
              <form onSubmit={(e) => { e.preventDefault(); void submit(item, 'publish'); }}>
                <TextField id={`od-title-${item.caseId}`} label={t('opendata.publicTitle')} value={draft.title} onChange={(v) => setDraft({ ...draft, title: v })} maxLength={200} />
                <TextAreaField id={`od-text-${item.caseId}`} label={t('opendata.publicText')} value={draft.text} onChange={(v) => setDraft({ ...draft, text: v })} />
                <TextAreaField id={`od-reply-${item.caseId}`} label={t('opendata.publicReply')} value={draft.reply} onChange={(v) => setDraft({ ...draft, reply: v })} />
                <div className="button-row">
                  <button type="submit" className="primary">{t('opendata.publish')}</button>
                  <button type="button" onClick={() => void submit(item, 'save')}>{t('opendata.save')}</button>
                  <button type="button" onClick={() => setEditing(null)}>{t('opendata.cancel')}</button>
                </div>
              </form>
            ) : (
              <>
                <p>{item.served.text ?? item.auto.text}</p>
                <div className="button-row">
                  <button type="button" onClick={() => startEdit(item)}>{t('opendata.edit')}</button>
                  {item.state !== 'published' || item.hasUnreviewedChanges ? (
                    <button type="button" className="primary" onClick={() => void submit(item, 'publish')}>{t('opendata.publish')}</button>
                  ) : null}
                  {item.state === 'published' ? <button type="button" onClick={() => void submit(item, 'withdraw')}>{t('opendata.withdraw')}</button> : null}
                </div>
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
