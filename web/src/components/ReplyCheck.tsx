// The reply quality check while the reply is written: the server's rules (too short, forwarding only, missing
// parts, other people's data) as advice under the text, in the writer's language. It never stops a reply.
import { useEffect, useState } from 'react';
import { checkReplyDraft, type ReplyFinding } from '../api/reply';
import type { Channel, Kind, Lang } from '../api/types';
import { useI18n } from '../i18n/context';

const DEBOUNCE_MS = 600;

export function ReplyCheck(props: { text: string; kind: Kind; channel: Channel; outcome?: string; language: Lang }) {
  const { t, lang } = useI18n();
  const [findings, setFindings] = useState<ReplyFinding[] | null>(null);
  const [isChecking, setIsChecking] = useState(false);
  const text = props.text.trim();

  useEffect(() => {
    if (!text) {
      setFindings(null);
      return;
    }
    const ctrl = new AbortController();
    setIsChecking(true);
    const timer = window.setTimeout(() => {
      checkReplyDraft({ text, kind: props.kind, channel: props.channel, language: props.language, ...(props.outcome ? { outcome: props.outcome } : {}) }, ctrl.signal)
        .then((r) => setFindings(r.findings))
        // Advice only: a failed check shows nothing rather than stopping the reply.
        .catch(() => {
          if (!ctrl.signal.aborted) setFindings(null);
        })
        .finally(() => {
          if (!ctrl.signal.aborted) setIsChecking(false);
        });
    }, DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      ctrl.abort();
    };
  }, [text, props.kind, props.channel, props.outcome, props.language]);

  if (!text) return null;
  return (
    <section className="reply-check notice" aria-live="polite" aria-busy={isChecking} data-testid="reply-check">
      <h4>{t('reply.check.title')}</h4>
      <p className="hint">{t('reply.check.hint')}</p>
      {findings === null ? <p className="hint">{t('reply.check.checking')}</p> : null}
      {findings && findings.length === 0 ? <p data-testid="reply-check-ok">{t('reply.check.ok')}</p> : null}
      {findings && findings.length > 0 ? (
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
