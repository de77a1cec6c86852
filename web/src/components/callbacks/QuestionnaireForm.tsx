import { useState, type FormEvent } from 'react';
import type { Answers, Question } from '../../api/callbacks';
import type { Lang } from '../../api/types';
import { useI18n } from '../../i18n/context';
import { RadioGroup, TextAreaField } from '../forms';

/**
 * The questions of a questionnaire as large radio cards (choices and 1..max scales) and text areas, in the
 * reader's language. Used by the agent during the call and by the requester on the public link page.
 */
export function QuestionnaireForm(props: {
  questions: readonly Question[];
  lang: Lang;
  submitLabel: string;
  isBusy: boolean;
  onSubmit: (answers: Answers) => void;
  idPrefix: string;
}) {
  const { t } = useI18n();
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const set = (id: string, v: string) => setAnswers((a) => ({ ...a, [id]: v }));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const out: Answers = {};
    for (const q of props.questions) {
      const v = answers[q.id];
      if (v === undefined || v === '') continue;
      out[q.id] = q.type === 'scale' ? Number(v) : v;
    }
    props.onSubmit(out);
  };
  return (
    <form onSubmit={submit} aria-label={t('callbacks.questionnaire')}>
      {props.questions.map((q) => {
        const id = `${props.idPrefix}-${q.id}`;
        const label = q.text[props.lang] || q.text['zh-Hans'];
        if (q.type === 'text') {
          return <TextAreaField key={q.id} id={id} label={label} value={answers[q.id] ?? ''} onChange={(v) => set(q.id, v)} rows={3} maxLength={2000} optional={!q.isRequired} required={q.isRequired} testId={id} />;
        }
        const options =
          q.type === 'choice'
            ? (q.options ?? []).map((o) => ({ value: o.value, label: o.text[props.lang] || o.text['zh-Hans'] }))
            : Array.from({ length: q.max ?? 5 }, (_, i) => ({ value: String(i + 1), label: String(i + 1) }));
        return (
          <RadioGroup
            key={q.id}
            id={id}
            name={id}
            label={label}
            value={answers[q.id] ?? ''}
            onChange={(v) => set(q.id, v)}
            options={options}
            cards
            required={q.isRequired}
            optional={!q.isRequired}
            testIdPrefix={id}
          />
        );
      })}
      <div className="button-row">
        <button type="submit" className="button primary large" disabled={props.isBusy} data-testid={`${props.idPrefix}-submit`}>
          {props.submitLabel}
        </button>
      </div>
    </form>
  );
}
