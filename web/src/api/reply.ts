// The reply's internal summary (issue 7), until web/src/api/types.ts carries it: the request bodies of
// `reply` and `resolve-on-intake` take `internalSummary`, and the staff case view has `replyInternalSummary`.
import { apiRequest } from './client';
import type { ActionBodies, Case, Channel, Kind, Lang } from './types';

/** The longest internal summary the server accepts (src/core/case/case.schemas.ts). */
export const MAX_INTERNAL_SUMMARY = 2000;

export type ReplyBody = ActionBodies['reply'] & { internalSummary?: string };
export type ResolveOnIntakeBody = ActionBodies['resolve-on-intake'] & { internalSummary?: string };

/** For staff only: never in the public tracking view (PublicCase). */
export type CaseWithReplySummary = Case & { replyInternalSummary?: string | null };

/** A finding of the reply quality check (POST /replies/check): advice, never a block. */
export interface ReplyFinding {
  code: string;
  severity: 'warning' | 'notice';
  message: Record<Lang, string>;
  evidence: { text: string; start: number; end: number }[];
}

export function checkReplyDraft(
  body: { text: string; kind: Kind; channel: Channel; outcome?: string; language?: Lang },
  signal?: AbortSignal,
): Promise<{ isOk: boolean; findings: ReplyFinding[] }> {
  // Checked in the background while typing: an expired session must not take the writer to the login page and
  // lose the draft; the reply itself, when sent, does that.
  return apiRequest('POST', '/replies/check', { body, signal, notifyUnauthorized: false });
}
