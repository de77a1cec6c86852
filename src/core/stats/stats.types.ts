import type { Channel, Kind } from '../case/case.types.js';

/**
 * The additive counters every statistic is computed from. Each case contributes to them (see case-facts.ts);
 * rollups are plain sums of contributions, so any rate for any scope is a ratio of two sums and can be
 * recomputed from the event log. Money is in fen.
 */
export const COUNTERS = [
  /** cases registered (the cohort: attributed to the day of registration) */
  'registered',
  /** merged into another case as a duplicate (answered through the master) */
  'merged',
  /** formally declined at intake, with the reason and the right channel told to the requester */
  'rejected',
  /** cases that have a reply now (by a unit or on intake); a reopened case loses its reply until answered again */
  'replied',
  'repliedOnIntake',
  /** replied before the reply limit (as extended) passed */
  'repliedOnTime',
  /** replied with the outcome `resolved` (used for the settlement rate of disputes) */
  'outcomeResolved',
  /** still waiting for a reply: registered, dispatched, accepted or returned */
  'open',
  /** open and past its reply limit, or dispatched and past its acceptance limit */
  'openOverdue',
  /** cases with an evaluation: a callback, or else the requester's own rating */
  'evaluated',
  'callbackDone',
  /** the evaluation says resolved (`yes`) / partly resolved */
  'evalResolved',
  'evalPartly',
  'satisfied',
  'fairlySatisfied',
  'amountRecoveredFen',
  /** cases reopened at least once */
  'reopened',
  /** lead dispatches to the unit (dispatch, transfer in, reopen back to the unit) */
  'dispatched',
  /** dispatches still inside their acceptance window, not yet accepted: not judged yet */
  'dispatchAwaiting',
  /** dispatches the unit accepted before the acceptance limit passed */
  'acceptedOnTime',
  /** dispatches whose acceptance limit passed first (accepted late or never) */
  'acceptLate',
  /** dispatches the unit returned as not its own */
  'dispatchReturned',
  /** dispatches moved away (transferred, merged) before the unit accepted and before its limit passed: not judged */
  'dispatchWithdrawn',
  /** disputes (see SETTLEMENT_DEFINITION) that have a reply / whose reply has the outcome `resolved` */
  'disputeReplied',
  'disputeSettled',
] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counters = Record<Counter, number>;

export const zeroCounters = (): Counters => Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Counters;

export const addCounters = (into: Counters, add: Counters, sign: 1 | -1 = 1): Counters => {
  for (const c of COUNTERS) into[c] += sign * add[c];
  return into;
};

export const isZero = (c: Counters): boolean => COUNTERS.every((k) => c[k] === 0);

/** Column name of a counter in the rollup tables. */
export const counterColumn = (c: Counter): string => c.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);

/** What a case is counted under, besides the unit: fixed when the case is registered. */
export type CaseDims = {
  /** the day of registration in China (UTC+8), 'YYYY-MM-DD' */
  day: string;
  intakeUnitId: string;
  categoryId: string | null;
  channel: Channel;
  kind: Kind;
  /** whether the case is a dispute for the settlement rate (see SETTLEMENT_DEFINITION) */
  isDispute: boolean;
};

/** One case's contribution to one unit: the row it adds to the rollups. */
export type Contribution = { unitId: string; counters: Counters };

export const RATES = ['responseRate', 'onTimeRate', 'replyRate', 'resolutionRate', 'satisfactionRate', 'settlementRate'] as const;
export type RateName = (typeof RATES)[number];

/** A rate with what it is made of; `value` is null when nothing was there to measure. */
export type Ratio = { value: number | null; numerator: number; denominator: number };
export type Rates = Record<RateName, Ratio>;

export const PERIODS = ['day', 'week', 'month', 'quarter', 'year'] as const;
export type Period = (typeof PERIODS)[number];
