import {
  CASE_STATUSES,
  OPEN_STATUSES,
  RESOLVED_ANSWERS,
  SATISFACTIONS,
  type CaseStatus,
  type ResolvedAnswer,
  type Satisfaction,
} from '../case/case.types.js';
import { zeroCounters, isZero, type CaseDims, type Contribution, type Counters } from './stats.types.js';

/** What the statistics read from one timeline event. */
export type StatsEvent = { seq: number; at: Date; code: string; toStatus: string | null; data: Record<string, unknown> };

/**
 * How a dispatch to a unit ended up, as far as its acceptance goes. `late` means the acceptance limit passed
 * first (the SLA timer wrote `case.overdue` with target `accept`), whether the unit accepted afterwards or not.
 * `not_accepted`: the unit returned it in time instead; `withdrawn`: it was moved away (transfer, merge) before
 * the unit accepted it and before its limit passed, so the unit never had its full chance and is not judged on it.
 */
export type DispatchState = 'awaiting' | 'on_time' | 'late' | 'not_accepted' | 'withdrawn';
export type DispatchFact = { unitId: string; state: DispatchState; isReturned: boolean };
export type Evaluation = { resolved: ResolvedAnswer; satisfaction: Satisfaction };

/** The state of one case as far as the statistics care, folded from its timeline alone. */
export type CaseFacts = {
  status: CaseStatus | null;
  leadUnitId: string | null;
  dispatches: DispatchFact[];
  reply: { outcome: string | null; isOnIntake: boolean; isLate: boolean } | null;
  /** the reply limit of the current round passed while the case waited (reset by a reopen or an approved extension) */
  isReplyOverdue: boolean;
  callback: Evaluation | null;
  rating: Evaluation | null;
  amountRecoveredFen: number | null;
  reopenCount: number;
};

export const emptyFacts = (): CaseFacts => ({
  status: null,
  leadUnitId: null,
  dispatches: [],
  reply: null,
  isReplyOverdue: false,
  callback: null,
  rating: null,
  amountRecoveredFen: null,
  reopenCount: 0,
});

// Event data is JSON written by older and newer versions of the code: read it defensively, never trust shapes.
const field = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null && key in value ? (value as Record<string, unknown>)[key] : undefined;
const textOf = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const idOf = (value: unknown): string | null => textOf(field(value, 'id'));
const isOneOf = <T extends string>(values: readonly T[], value: unknown): value is T => typeof value === 'string' && (values as readonly string[]).includes(value);

const evaluationOf = (data: Record<string, unknown>): Evaluation | null =>
  isOneOf(RESOLVED_ANSWERS, data.resolved) && isOneOf(SATISFACTIONS, data.satisfaction) ? { resolved: data.resolved, satisfaction: data.satisfaction } : null;

const withLastDispatch = (facts: CaseFacts, change: (d: DispatchFact) => DispatchFact): DispatchFact[] => {
  const last = facts.dispatches.at(-1);
  return last ? [...facts.dispatches.slice(0, -1), change(last)] : facts.dispatches;
};

/** A dispatch moved away (transfer, merge) while the unit could still accept it in time is withdrawn. */
const endAwaiting = (facts: CaseFacts): DispatchFact[] =>
  withLastDispatch(facts, (d) => (d.state === 'awaiting' ? { ...d, state: 'withdrawn' } : d));

const newDispatch = (facts: CaseFacts, unitId: string | null): Pick<CaseFacts, 'dispatches' | 'leadUnitId'> =>
  unitId ? { dispatches: [...endAwaiting(facts), { unitId, state: 'awaiting', isReturned: false }], leadUnitId: unitId } : { dispatches: facts.dispatches, leadUnitId: facts.leadUnitId };

/** One step of the fold. Unknown codes only move the status, so new kinds of events never break the statistics. */
export const applyEvent = (facts: CaseFacts, e: StatsEvent): CaseFacts => {
  const status = isOneOf(CASE_STATUSES, e.toStatus) ? e.toStatus : facts.status;
  const next: CaseFacts = { ...facts, status };
  const d = e.data;
  switch (e.code) {
    case 'case.dispatched':
      return { ...next, ...newDispatch(facts, idOf(d.unit)) };
    case 'case.transferred':
      return { ...next, ...newDispatch(facts, idOf(d.toUnit)) };
    case 'case.accepted':
      // An assisting unit's acceptance is its own business; the response rate judges the lead unit.
      if (d.role !== 'lead') return next;
      return { ...next, dispatches: withLastDispatch(facts, (x) => (x.state === 'awaiting' ? { ...x, state: 'on_time' } : x)) };
    case 'case.returned':
      if (d.role !== 'lead') return next;
      return {
        ...next,
        leadUnitId: null,
        dispatches: withLastDispatch(facts, (x) => ({ ...x, state: x.state === 'awaiting' ? 'not_accepted' : x.state, isReturned: true })),
      };
    case 'case.overdue':
      if (d.target === 'accept') return { ...next, dispatches: withLastDispatch(facts, (x) => (x.state === 'awaiting' ? { ...x, state: 'late' } : x)) };
      if (d.target === 'reply') return { ...next, isReplyOverdue: true };
      return next;
    case 'case.extension_decided': {
      // "Within the (extended) limit": an approved extension that moves the limit past now forgives the lateness so far.
      const due = textOf(d.replyDueAt);
      const isForgiven = d.isApproved === true && due !== null && new Date(due).getTime() > e.at.getTime();
      return isForgiven ? { ...next, isReplyOverdue: false } : next;
    }
    case 'case.replied':
    case 'case.resolved_on_intake': {
      const amount = typeof d.amountRecoveredFen === 'number' ? d.amountRecoveredFen : facts.amountRecoveredFen;
      return {
        ...next,
        reply: { outcome: textOf(d.outcome), isOnIntake: e.code === 'case.resolved_on_intake', isLate: facts.isReplyOverdue },
        amountRecoveredFen: amount,
      };
    }
    case 'case.callback_recorded':
      return { ...next, callback: evaluationOf(d) ?? facts.callback };
    case 'case.rated':
      return { ...next, rating: evaluationOf(d) ?? facts.rating };
    case 'case.reopened': {
      // A new round: the answer and its evaluations are withdrawn, as on the case itself, and the limits restart.
      const reopened: CaseFacts = { ...next, reply: null, callback: null, rating: null, isReplyOverdue: false, reopenCount: facts.reopenCount + 1 };
      return { ...reopened, ...newDispatch(facts, idOf(d.unit)) };
    }
    case 'case.merged':
      return { ...next, dispatches: endAwaiting(facts) };
    default:
      return next;
  }
};

/** Folds a case's timeline, oldest first. */
export const foldCaseEvents = (events: readonly StatsEvent[], from: CaseFacts = emptyFacts()): CaseFacts =>
  [...events].sort((a, b) => a.seq - b.seq).reduce(applyEvent, from);

const bit = (condition: boolean): number => (condition ? 1 : 0);

/**
 * What one case adds to the rollups: the case-level counters go to its responsible unit (the lead unit, or
 * the intake unit while nobody leads it), each dispatch's counters to the unit it was dispatched to. Rows
 * of the same unit are merged; rows that add nothing are left out. Sorted by unit, so writers lock rollup
 * rows in one order and cannot deadlock each other.
 */
export const contributionsOf = (facts: CaseFacts, dims: CaseDims): Contribution[] => {
  if (facts.status === null) return [];
  const byUnit = new Map<string, Counters>();
  const countersOf = (unitId: string): Counters => {
    const existing = byUnit.get(unitId);
    if (existing) return existing;
    const created = zeroCounters();
    byUnit.set(unitId, created);
    return created;
  };

  const own = countersOf(facts.leadUnitId ?? dims.intakeUnitId);
  const isOpen = OPEN_STATUSES.includes(facts.status);
  const lastDispatch = facts.dispatches.at(-1);
  const evaluation = facts.callback ?? facts.rating;
  own.registered += 1;
  own.merged += bit(facts.status === 'merged');
  own.rejected += bit(facts.status === 'rejected');
  own.replied += bit(facts.reply !== null);
  own.repliedOnIntake += bit(facts.reply?.isOnIntake === true);
  own.repliedOnTime += bit(facts.reply !== null && !facts.reply.isLate);
  own.outcomeResolved += bit(facts.reply?.outcome === 'resolved');
  own.open += bit(isOpen);
  own.openOverdue += bit(isOpen && (facts.isReplyOverdue || (facts.status === 'dispatched' && lastDispatch?.state === 'late')));
  own.evaluated += bit(evaluation !== null);
  own.callbackDone += bit(facts.callback !== null);
  own.evalResolved += bit(evaluation?.resolved === 'yes');
  own.evalPartly += bit(evaluation?.resolved === 'partly');
  own.satisfied += bit(evaluation?.satisfaction === 'satisfied');
  own.fairlySatisfied += bit(evaluation?.satisfaction === 'fairly_satisfied');
  own.amountRecoveredFen += facts.amountRecoveredFen ?? 0;
  own.reopened += bit(facts.reopenCount > 0);
  own.disputeReplied += bit(dims.isDispute && facts.reply !== null);
  own.disputeSettled += bit(dims.isDispute && facts.reply?.outcome === 'resolved');

  for (const d of facts.dispatches) {
    const c = countersOf(d.unitId);
    c.dispatched += 1;
    c.dispatchAwaiting += bit(d.state === 'awaiting');
    c.acceptedOnTime += bit(d.state === 'on_time');
    c.acceptLate += bit(d.state === 'late');
    c.dispatchReturned += bit(d.isReturned);
    c.dispatchWithdrawn += bit(d.state === 'withdrawn');
  }
  return [...byUnit.entries()]
    .filter(([, counters]) => !isZero(counters))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([unitId, counters]) => ({ unitId, counters }));
};
