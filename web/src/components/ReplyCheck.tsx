// The reply quality check while the reply is written: the server's rules (too short, forwarding only, missing
// parts, other people's data) as advice under the text, in the writer's language. It never stops a reply.
import { useEffect, useState } from 'react';
import { checkReplyDraft, type ReplyFinding } from '../api/reply';
import type { Channel, Kind, Lang } from '../api/types';
import { useI18n } from '../i18n/context';

const DEBOUNCE_MS = 600;

type State = { status: 'idle' | 'checking' | 'failed' } | { status: 'done'; findings: ReplyFinding[] };

export function ReplyCheck(props: { id: string; text: string; kind: Kind; channel: Channel; outcome?: string; language: Lang }) {
  const { t, lang } = useI18n();
  const [state, setState] = useState<State>({ status: 'idle' });
  const text = props.text.trim();

  useEffect(() => {
    if (!text) {
      setState({ status: 'idle' });
      return;
    }
    const ctrl = new AbortController();
    const timer = window.setTimeout(() => {
      setState((s) => (s.status === 'done' ? s : { status: 'checking' }));
      checkReplyDraft({ text, kind: props.kind, channel: props.channel, language: props.language, ...(props.outcome ? { outcome: props.outcome } : {}) }, ctrl.signal)
        .then((r) => {
          if (!ctrl.signal.aborted) setState({ status: 'done', findings: r.findings });
        })
        // Advice only: a failed check (too long a draft, the network) shows nothing rather than stopping the reply.
        .catch(() => {
          if (!ctrl.signal.aborted) setState({ status: 'failed' });
        });
    }, DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      ctrl.abort();
    };
  }, [text, props.kind, props.channel, props.outcome, props.language]);

  if (!text || state.status === 'idle' || state.status === 'failed') return <div id={props.id} hidden />;
  const findings = state.status === 'done' ? state.findings : [];
  const warnings = findings.filter((f) => f.severity === 'warning').length;
  return (
    <section className="reply-check notice" id={props.id} aria-labelledby={`${props.id}-title`} data-testid="reply-check">
      <h4 id={`${props.id}-title`}>{t('reply.check.title')}</h4>
      <p className="hint">{t('reply.check.hint')}</p>
      {/* Only the outcome is announced, once it changes: the list itself would be read out at every pause. */}
      <p className="visually-hidden" role="status" aria-atomic="true">
        {state.status === 'checking' ? '' : findings.length === 0 ? t('reply.check.ok') : t('reply.check.count', { n: findings.length, warnings })}
      </p>
      {state.status === 'checking' ? <p className="hint">{t('reply.check.checking')}</p> : null}
      {state.status === 'done' && findings.length === 0 ? <p data-testid="reply-check-ok">{t('reply.check.ok')}</p> : null}
      {findings.length > 0 ? (
        <ul>
          {findings.map((f) => (
            <li key={f.code} className={f.severity === 'warning' ? 'field-error' : 'hint'} data-testid="reply-check-finding" data-code={f.code} data-severity={f.severity}>
              {f.message[lang]}
              {f.evidence.length > 0 ? (
                <span className="muted">
                  {' '}
                  {t('reply.check.evidence')} {f.evidence.map((e) => `「${e.text}」`).join(' ')}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
