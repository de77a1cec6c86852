import type { Channel, Kind, Language, ReplyOutcome } from '../case/case.types.js';
import { checkReply, FINDING_CODES, type FindingCode, type Severity } from './reply-quality.js';

// The reply quality check (reply-quality.ts) is advice at the moment of replying. Supervisors also need it after
// the fact: which replies of a period would it have flagged, for what, and in which unit (回复质量抽查).

export type ReplyForReview = {
  /** The reply's own id (its timeline event): a case reopened and answered again has one per answer. */
  replyId: string;
  caseId: string;
  trackingNo: string;
  title: string;
  kind: Kind;
  channel: Channel;
  outcome: ReplyOutcome | null;
  language: Language;
  text: string;
  repliedAt: Date;
  /** The unit that replied, as it was then. */
  unitId: string | null;
  /** A later reply to the same case followed this one (the case was reopened): kept, as the answer the requester was given. */
  isSuperseded: boolean;
};

export type ReviewedReply = Omit<ReplyForReview, 'text'> & { findings: { code: FindingCode; severity: Severity }[] };

export type QualityReview = {
  checked: number;
  /** Replies with at least one warning (notices alone do not flag a reply, as at the moment of replying). */
  flagged: number;
  /** How many flagged replies have each finding (notices included, on flagged replies only). */
  byCode: { code: FindingCode; count: number }[];
  byUnit: { unitId: string | null; checked: number; flagged: number }[];
  /** The flagged replies, newest first; with `code`, only those with that finding. */
  items: ReviewedReply[];
};

/**
 * Reviews the replies; `pause`, when given, is awaited every `chunk` replies, so that a server reviewing thousands
 * of long replies still answers its other requests in between (the check is synchronous work).
 */
export const reviewRepliesPaced = async (
  replies: readonly ReplyForReview[],
  filter: { code?: FindingCode | null },
  pace: { chunk: number; pause: () => Promise<void> },
): Promise<QualityReview> => {
  const acc = newAccumulator();
  for (let i = 0; i < replies.length; i += pace.chunk) {
    for (const reply of replies.slice(i, i + pace.chunk)) addReply(acc, reply, filter);
    if (i + pace.chunk < replies.length) await pace.pause();
  }
  return finish(acc, replies.length);
};

export const reviewReplies = (replies: readonly ReplyForReview[], filter: { code?: FindingCode | null } = {}): QualityReview => {
  const acc = newAccumulator();
  for (const reply of replies) addReply(acc, reply, filter);
  return finish(acc, replies.length);
};

type Accumulator = {
  byCode: Map<FindingCode, number>;
  byUnit: Map<string | null, { checked: number; flagged: number }>;
  items: ReviewedReply[];
  flagged: number;
};

const newAccumulator = (): Accumulator => ({ byCode: new Map(FINDING_CODES.map((c) => [c, 0])), byUnit: new Map(), items: [], flagged: 0 });

const addReply = (acc: Accumulator, reply: ReplyForReview, filter: { code?: FindingCode | null }): void => {
  const { findings } = checkReply({ text: reply.text, kind: reply.kind, channel: reply.channel, outcome: reply.outcome, language: reply.language });
  const unit = acc.byUnit.get(reply.unitId) ?? { checked: 0, flagged: 0 };
  unit.checked += 1;
  acc.byUnit.set(reply.unitId, unit);
  if (!findings.some((f) => f.severity === 'warning')) return;
  acc.flagged += 1;
  unit.flagged += 1;
  // Counted over flagged replies only, so that each count is what the list shows when filtered by that finding.
  for (const code of new Set(findings.map((f) => f.code))) acc.byCode.set(code, (acc.byCode.get(code) ?? 0) + 1);
  if (!filter.code || findings.some((f) => f.code === filter.code)) {
    const { text: _text, ...rest } = reply;
    acc.items.push({ ...rest, findings: findings.map((f) => ({ code: f.code, severity: f.severity })) });
  }
};

const finish = (acc: Accumulator, checked: number): QualityReview => {
  const { byCode, byUnit, items, flagged } = acc;
  items.sort((a, b) => b.repliedAt.getTime() - a.repliedAt.getTime() || a.trackingNo.localeCompare(b.trackingNo) || a.replyId.localeCompare(b.replyId));
  return {
    checked,
    flagged,
    byCode: [...byCode].filter(([, count]) => count > 0).map(([code, count]) => ({ code, count })).sort((a, b) => b.count - a.count),
    byUnit: [...byUnit].map(([unitId, c]) => ({ unitId, ...c })).sort((a, b) => b.flagged - a.flagged || b.checked - a.checked),
    items,
  };
};
