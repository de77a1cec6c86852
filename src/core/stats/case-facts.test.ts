import { describe, expect, it } from 'vitest';
import { contributionsOf, foldCaseEvents, type StatsEvent } from './case-facts.js';
import { compositeScore, computeRates, parseWeights } from './rates.js';
import { DEFAULT_SCORE_WEIGHTS, isDisputeCase } from './stats-config.js';
import { addCounters, zeroCounters, type CaseDims, type Counters } from './stats.types.js';

// Hand-written timelines, as the workflow writes them, and the counters worked out by hand.
const T = (minutes: number) => new Date(Date.UTC(2025, 2, 10, 2, minutes));
let seq = 0;
const ev = (code: string, toStatus: string | null, data: Record<string, unknown> = {}, minutes = seq): StatsEvent => {
  seq += 1;
  return { seq, at: T(minutes), code, toStatus, data };
};
const unit = (id: string) => ({ id, code: id, name: { 'zh-Hans': id } });
const dims = (over: Partial<CaseDims> = {}): CaseDims => ({ day: '2025-03-10', intakeUnitId: 'desk', categoryId: 'wage', channel: 'phone', kind: 'complaint', isDispute: false, ...over });
const only = (c: Partial<Counters>): Counters => ({ ...zeroCounters(), ...c });

const timeline = (...events: ((s: number) => StatsEvent)[]) => {
  seq = 0;
  return events.map((e) => e(seq));
};
const registered = () => ev('case.registered', 'registered', { channel: 'phone', kind: 'complaint' });
const dispatched = (to: string) => () => ev('case.dispatched', 'dispatched', { unit: unit(to), assistingUnits: [] });
const accepted = (by: string, role = 'lead') => () => ev('case.accepted', role === 'lead' ? 'accepted' : 'dispatched', { unit: unit(by), role });
const replied = (outcome: string, amountRecoveredFen: number | null = null) => () => ev('case.replied', 'replied', { outcome, amountRecoveredFen });
const callback = (resolved: string, satisfaction: string) => () => ev('case.callback_recorded', 'callback_done', { resolved, satisfaction });
const overdue = (target: string, status: string) => () => ev('case.overdue', status, { target });

describe('folding a timeline into counters', () => {
  it('a case through the whole loop counts once everywhere, for the unit that handled it', () => {
    const events = timeline(registered, dispatched('hrss'), accepted('hrss'), replied('resolved', 300_000), callback('yes', 'satisfied'), () => ev('case.closed', 'closed'));
    expect(contributionsOf(foldCaseEvents(events), dims())).toEqual([
      {
        unitId: 'hrss',
        counters: only({
          registered: 1, replied: 1, repliedOnTime: 1, outcomeResolved: 1, evaluated: 1, callbackDone: 1, evalResolved: 1, satisfied: 1,
          amountRecoveredFen: 300_000, dispatched: 1, acceptedOnTime: 1,
        }),
      },
    ]);
  });

  it('an acceptance after the limit passed is late; a reply after the reply limit is not on time', () => {
    const events = timeline(registered, dispatched('hrss'), overdue('accept', 'dispatched'), accepted('hrss'), overdue('reply', 'accepted'), replied('explained'));
    const [row] = contributionsOf(foldCaseEvents(events), dims());
    expect(row?.counters).toEqual(only({ registered: 1, replied: 1, dispatched: 1, acceptLate: 1 }));
  });

  it('an approved extension past the overdue moment forgives it; one already past does not', () => {
    const extended = (due: string) => () => ev('case.extension_decided', 'accepted', { isApproved: true, days: 10, replyDueAt: due });
    const base = [registered, dispatched('hrss'), accepted('hrss'), overdue('reply', 'accepted')];
    const forgiven = timeline(...base, extended('2025-04-01T00:00:00.000Z'), replied('resolved'));
    expect(contributionsOf(foldCaseEvents(forgiven), dims())[0]?.counters.repliedOnTime).toBe(1);
    const notForgiven = timeline(...base, extended('2025-03-01T00:00:00.000Z'), replied('resolved'));
    expect(contributionsOf(foldCaseEvents(notForgiven), dims())[0]?.counters.repliedOnTime).toBe(0);
  });

  it('a transfer withdraws a dispatch not yet accepted (not judged) and moves the case to the new unit', () => {
    const events = timeline(registered, dispatched('city'), () => ev('case.transferred', 'dispatched', { fromUnit: unit('city'), toUnit: unit('hrss') }), accepted('hrss'));
    expect(contributionsOf(foldCaseEvents(events), dims())).toEqual([
      { unitId: 'city', counters: only({ dispatched: 1, dispatchWithdrawn: 1 }) },
      { unitId: 'hrss', counters: only({ registered: 1, open: 1, dispatched: 1, acceptedOnTime: 1 }) },
    ]);
  });

  it('a return by the lead unit hands the case back to the intake desk, still open', () => {
    const events = timeline(registered, dispatched('city'), () => ev('case.returned', 'returned', { unit: unit('city'), role: 'lead', reason: 'x' }));
    expect(contributionsOf(foldCaseEvents(events), dims())).toEqual([
      { unitId: 'city', counters: only({ dispatched: 1, dispatchReturned: 1 }) },
      { unitId: 'desk', counters: only({ registered: 1, open: 1 }) },
    ]);
  });

  it('assisting units do not change the lead dispatch', () => {
    const events = timeline(registered, () => ev('case.dispatched', 'dispatched', { unit: unit('hrss'), assistingUnits: [unit('union')] }), accepted('union', 'assisting'));
    expect(contributionsOf(foldCaseEvents(events), dims())).toEqual([{ unitId: 'hrss', counters: only({ registered: 1, open: 1, dispatched: 1, dispatchAwaiting: 1 }) }]);
  });

  it('a reopen withdraws the reply and its evaluations and starts a new dispatch', () => {
    const events = timeline(
      registered, dispatched('city'), accepted('city'), replied('resolved', 5_000), callback('no', 'dissatisfied'),
      () => ev('case.reopened', 'dispatched', { reason: 'x', round: 2, unit: unit('city') }),
    );
    expect(contributionsOf(foldCaseEvents(events), dims())).toEqual([
      { unitId: 'city', counters: only({ registered: 1, open: 1, reopened: 1, amountRecoveredFen: 5_000, dispatched: 2, acceptedOnTime: 1, dispatchAwaiting: 1 }) },
    ]);
  });

  it('the callback is the evaluation of record; the requester\'s own rating counts when there is no callback', () => {
    const rated = () => ev('case.rated', 'replied', { resolved: 'no', satisfaction: 'dissatisfied' });
    const both = timeline(registered, () => ev('case.resolved_on_intake', 'replied', { text: 'x', outcome: 'explained' }), rated, callback('yes', 'fairly_satisfied'));
    expect(contributionsOf(foldCaseEvents(both), dims())[0]?.counters).toEqual(
      only({ registered: 1, replied: 1, repliedOnIntake: 1, repliedOnTime: 1, evaluated: 1, callbackDone: 1, evalResolved: 1, fairlySatisfied: 1 }),
    );
    const ratingOnly = timeline(registered, () => ev('case.resolved_on_intake', 'replied', { text: 'x', outcome: 'explained' }), rated);
    expect(contributionsOf(foldCaseEvents(ratingOnly), dims())[0]?.counters).toEqual(
      only({ registered: 1, replied: 1, repliedOnIntake: 1, repliedOnTime: 1, evaluated: 1 }),
    );
  });

  it('rejected and merged cases count as such at the intake desk; a merge ends a pending dispatch', () => {
    const rejected = timeline(registered, () => ev('case.rejected', 'rejected', { reason: 'x' }));
    expect(contributionsOf(foldCaseEvents(rejected), dims())).toEqual([{ unitId: 'desk', counters: only({ registered: 1, rejected: 1 }) }]);
    const merged = timeline(registered, dispatched('hrss'), () => ev('case.merged', 'merged', { masterId: 'm' }));
    expect(contributionsOf(foldCaseEvents(merged), dims())).toEqual([{ unitId: 'hrss', counters: only({ registered: 1, merged: 1, dispatched: 1, dispatchWithdrawn: 1 }) }]);
  });

  it('an open case past its acceptance limit is overdue; unknown events change nothing but the status', () => {
    const events = timeline(registered, dispatched('hrss'), overdue('accept', 'dispatched'), () => ev('case.something_new', 'dispatched', { x: 1 }));
    expect(contributionsOf(foldCaseEvents(events), dims())[0]?.counters).toEqual(only({ registered: 1, open: 1, openOverdue: 1, dispatched: 1, acceptLate: 1 }));
  });

  it('counts a dispute replied, and settled when the outcome is resolved', () => {
    const settled = timeline(registered, dispatched('union'), accepted('union'), replied('resolved'));
    expect(contributionsOf(foldCaseEvents(settled), dims({ isDispute: true }))[0]?.counters).toMatchObject({ disputeReplied: 1, disputeSettled: 1 });
    const explained = timeline(registered, dispatched('union'), accepted('union'), replied('explained'));
    expect(contributionsOf(foldCaseEvents(explained), dims({ isDispute: true }))[0]?.counters).toMatchObject({ disputeReplied: 1, disputeSettled: 0 });
    expect(contributionsOf(foldCaseEvents(settled), dims())[0]?.counters).toMatchObject({ disputeReplied: 0, disputeSettled: 0 });
  });

  it('is the same whatever order the events arrive in (they are sorted by seq)', () => {
    const events = timeline(registered, dispatched('hrss'), accepted('hrss'), replied('resolved', 1), callback('yes', 'satisfied'));
    expect(foldCaseEvents([...events].reverse())).toEqual(foldCaseEvents(events));
  });
});

describe('rates on a hand-computed fixture', () => {
  // Twelve cases of the integration fixture (test/integration/stats.test.ts), summed by hand.
  const total = only({
    registered: 12, merged: 1, rejected: 1, replied: 6, repliedOnIntake: 1, repliedOnTime: 6, outcomeResolved: 2, open: 4,
    evaluated: 4, callbackDone: 3, evalResolved: 2, evalPartly: 1, satisfied: 2, fairlySatisfied: 1, amountRecoveredFen: 2_700_000,
    reopened: 1, dispatched: 11, dispatchAwaiting: 2, acceptedOnTime: 6, acceptLate: 1, dispatchReturned: 1, dispatchWithdrawn: 1,
    disputeReplied: 2, disputeSettled: 1,
  });

  it('computes each rate from its definition', () => {
    const rates = computeRates(total);
    expect(rates.responseRate).toEqual({ value: 0.75, numerator: 6, denominator: 8 });
    expect(rates.onTimeRate).toEqual({ value: 1, numerator: 6, denominator: 6 });
    expect(rates.replyRate).toEqual({ value: 7 / 11, numerator: 7, denominator: 11 });
    expect(rates.resolutionRate).toEqual({ value: 0.5, numerator: 2, denominator: 4 });
    expect(rates.satisfactionRate).toEqual({ value: 0.75, numerator: 3, denominator: 4 });
    expect(rates.settlementRate).toEqual({ value: 0.5, numerator: 1, denominator: 2 });
  });

  it('weights the composite score 30/35/35 and renormalises over measurable rates', () => {
    expect(compositeScore(computeRates(total), DEFAULT_SCORE_WEIGHTS)).toBeCloseTo(66.25, 10);
    const onlyResponse = computeRates(only({ registered: 2, dispatched: 2, acceptedOnTime: 2 }));
    expect(compositeScore(onlyResponse, DEFAULT_SCORE_WEIGHTS)).toBe(100);
    expect(compositeScore(computeRates(zeroCounters()), DEFAULT_SCORE_WEIGHTS)).toBeNull();
  });

  it('leaves a rate with nothing to measure empty rather than zero', () => {
    expect(computeRates(zeroCounters()).satisfactionRate).toEqual({ value: null, numerator: 0, denominator: 0 });
  });

  it('knows a dispute by its category (or an ancestor) and kind', () => {
    expect(isDisputeCase(['labour_dispute', 'labour'], 'complaint')).toBe(true);
    expect(isDisputeCase(['labour_dispute'], 'enquiry')).toBe(false);
    expect(isDisputeCase(['wage_arrears', 'labour'], 'help')).toBe(false);
  });

  it('parses weights', () => {
    expect(parseWeights('response:30,resolution:35,satisfaction:35')).toEqual(DEFAULT_SCORE_WEIGHTS);
    expect(parseWeights('onTimeRate:1, settlement:2')).toEqual({ onTimeRate: 1, settlementRate: 2 });
    expect(parseWeights('response:x')).toBeNull();
    expect(parseWeights('speed:3')).toBeNull();
    expect(parseWeights('response:0')).toBeNull();
  });

  it('adds counters', () => {
    expect(addCounters(only({ registered: 1 }), only({ registered: 2, open: 1 }))).toEqual(only({ registered: 3, open: 1 }));
  });
});
