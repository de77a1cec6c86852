import type { Channel, Kind, Language, ReplyOutcome } from '../case/case.types.js';
import { checkReply, FINDING_CODES, type FindingCode, type Severity } from './reply-quality.js';

// The reply quality check (reply-quality.ts) is advice at the moment of replying. Supervisors also need it after
// the fact: which replies of a period would it have flagged, for what, and in which unit (回复质量抽查).

export type ReplyForReview = {
  caseId: string;
  trackingNo: string;
  title: string;
  kind: Kind;
  channel: Channel;
  outcome: ReplyOutcome | null;
  language: Language;
  text: string;
  repliedAt: Date;
  unitId: string | null;
};

export type ReviewedReply = Omit<ReplyForReview, 'text'> & { findings: { code: FindingCode; severity: Severity }[] };

export type QualityReview = {
  checked: number;
  /** Replies with at least one warning (notices alone do not flag a reply, as at the moment of replying). */
  flagged: number;
  byCode: { code: FindingCode; count: number }[];
  byUnit: { unitId: string | null; checked: number; flagged: number }[];
  /** The flagged replies, newest first; with `code`, only those with that finding. */
  items: ReviewedReply[];
};

export const reviewReplies = (replies: readonly ReplyForReview[], filter: { code?: FindingCode | null } = {}): QualityReview => {
  const byCode = new Map<FindingCode, number>(FINDING_CODES.map((c) => [c, 0]));
  const byUnit = new Map<string | null, { checked: number; flagged: number }>();
  const items: ReviewedReply[] = [];
  let flagged = 0;
  for (const reply of replies) {
    const { findings } = checkReply({ text: reply.text, kind: reply.kind, channel: reply.channel, outcome: reply.outcome, language: reply.language });
    const unit = byUnit.get(reply.unitId) ?? { checked: 0, flagged: 0 };
    unit.checked += 1;
    for (const code of new Set(findings.map((f) => f.code))) byCode.set(code, (byCode.get(code) ?? 0) + 1);
    const isFlagged = findings.some((f) => f.severity === 'warning');
    if (isFlagged) {
      flagged += 1;
      unit.flagged += 1;
      if (!filter.code || findings.some((f) => f.code === filter.code)) {
        const { text: _text, ...rest } = reply;
        items.push({ ...rest, findings: findings.map((f) => ({ code: f.code, severity: f.severity })) });
      }
    }
    byUnit.set(reply.unitId, unit);
  }
  items.sort((a, b) => b.repliedAt.getTime() - a.repliedAt.getTime() || a.trackingNo.localeCompare(b.trackingNo));
  return {
    checked: replies.length,
    flagged,
    byCode: [...byCode].filter(([, count]) => count > 0).map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count),
    byUnit: [...byUnit].map(([unitId, c]) => ({ unitId, ...c })).sort((a, b) => b.flagged - a.flagged || b.checked - a.checked),
    items,
  };
};
