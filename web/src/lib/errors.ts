import { ApiError } from '../api/client';
import { translate, translateMaybe } from '../i18n';
import type { Lang } from '../api/types';

/**
 * The message to show for an error, in the reader's language: the catalogue's message for a
 * code of the contract, else the server's own (already localised) message, else a generic one.
 */
export function errorMessage(err: unknown, lang: Lang): string {
  if (err instanceof ApiError) {
    if (err.code === 'network') return translate(lang, 'errors.network');
    const byId = err.messageId ? translateMaybe(lang, err.messageId) : undefined;
    if (byId) return byId;
    const byCode = translateMaybe(lang, `errors.${err.code}`);
    if (byCode) return byCode;
    if (err.message) return err.message;
    if (err.code.endsWith('.not_found') || err.status === 404) return translate(lang, 'errors.not_found');
    if (err.status >= 500) return translate(lang, 'errors.internal');
    return translate(lang, 'errors.unknown', { status: err.status });
  }
  return translate(lang, 'errors.unknown', { status: '—' });
}

export interface MappedIssues {
  /** Field id → message. */
  fields: Record<string, string>;
  /** Messages of issues that match no field. */
  other: string[];
}

/**
 * Places the server's field messages (400 `validation.failed`) next to the form's fields.
 * `fieldFor` maps an issue path (`requester.phone`) to a field id; the last path segment is tried too.
 */
export function mapIssues(err: unknown, fieldFor: Record<string, string>, lang: Lang): MappedIssues {
  const out: MappedIssues = { fields: {}, other: [] };
  if (!(err instanceof ApiError)) return out;
  // The server's issue messages are English text for developers: other readers get a message of
  // their own language next to the field instead.
  const localise = lang !== 'en';
  for (const issue of err.issues) {
    const last = issue.path.split('.').pop() ?? '';
    const field = fieldFor[issue.path] ?? fieldFor[last];
    const message = localise || !issue.message ? translate(lang, 'form.invalidField') : issue.message;
    if (field && !out.fields[field]) out.fields[field] = message;
    else if (!field && !localise && issue.message) {
      out.other.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
    }
  }
  return out;
}

/** Moves focus to the first field (by id, in the given order) that has an error. */
export function focusFirstError(order: readonly string[], errors: Record<string, string | undefined>): void {
  const first = order.find((id) => errors[id]);
  if (!first) return;
  const el = document.getElementById(first);
  if (!el) return;
  const target = el instanceof HTMLFieldSetElement ? el.querySelector<HTMLElement>('input') : el;
  target?.focus();
}
