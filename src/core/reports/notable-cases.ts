import type { CaseStatus } from '../case/case.types.js';
import type { NotableKind } from '../stats/stats.ports.js';

/** Why a case is in a report's "notable cases": the statistics' reasons plus supervision. */
export type NotableReason = NotableKind | 'supervised';

/**
 * The order in which reasons weigh for a leader: what is late now first (overdue, then reopened and supervised
 * cases), then the money recovered, then the long-open and dissatisfied ones.
 */
export const NOTABLE_REASON_ORDER: readonly NotableReason[] = ['overdue_reply', 'reopened', 'supervised', 'largest_recovery', 'longest_open', 'dissatisfied'];

/** One candidate as read from storage, already ranked within its reason (most overdue first, largest amount first...). */
export type NotableCandidate = {
  reason: NotableReason;
  id: string;
  trackingNo: string;
  title: string;
  status: CaseStatus;
  categoryId: string | null;
  amountRecoveredFen: number | null;
};

export type NotableCase = Omit<NotableCandidate, 'reason'> & { reasons: NotableReason[] };

/** A short list a leader can read in a minute. */
export const NOTABLE_CASES_LIMIT = 10;

/**
 * Picks up to `limit` cases from the ranked candidates: one of each reason in turn (in NOTABLE_REASON_ORDER),
 * then the second of each, and so on, so a year full of overdue cases still shows its reopened and supervised
 * ones. A case listed for several reasons appears once, with all of them (in the same order).
 */
export const selectNotableCases = (candidates: readonly NotableCandidate[], limit = NOTABLE_CASES_LIMIT): NotableCase[] => {
  const byReason = new Map<NotableReason, NotableCandidate[]>(NOTABLE_REASON_ORDER.map((r) => [r, []]));
  const reasonsOf = new Map<string, Set<NotableReason>>();
  for (const c of candidates) {
    byReason.get(c.reason)?.push(c);
    reasonsOf.set(c.id, (reasonsOf.get(c.id) ?? new Set()).add(c.reason));
  }
  const picked: NotableCandidate[] = [];
  const seen = new Set<string>();
  const longest = Math.max(0, ...[...byReason.values()].map((list) => list.length));
  for (let i = 0; i < longest && picked.length < limit; i += 1) {
    for (const reason of NOTABLE_REASON_ORDER) {
      const c = byReason.get(reason)?.[i];
      if (!c || seen.has(c.id)) continue;
      seen.add(c.id);
      picked.push(c);
      if (picked.length >= limit) break;
    }
  }
  return picked.map(({ reason: _reason, ...c }) => {
    const reasons = reasonsOf.get(c.id) ?? new Set<NotableReason>();
    return { ...c, reasons: NOTABLE_REASON_ORDER.filter((r) => reasons.has(r)) };
  });
};
