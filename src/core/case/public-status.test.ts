import { describe, expect, it } from 'vitest';
import { publicStatusOf, type PublicStatus } from './public-status.js';
import type { CaseRecord } from './case.record.js';

type Facts = Parameters<typeof publicStatusOf>[0];
const replied = new Date('2026-11-23T02:00:00Z');
const later = new Date('2026-11-24T02:00:00Z');
const base: Facts = {
  status: 'registered', reopenCount: 0, reopenRequestedAt: null, reopenDecision: null, reopenDecidedAt: null, repliedAt: null,
  callbackResolved: null, ratingResolved: null,
};
const of = (f: Partial<CaseRecord>): Facts => ({ ...base, ...f });

// Written from issue 7 ("closed never pretends to be fixed"), not from the function.
const TABLE: [string, Facts, PublicStatus][] = [
  ['registered', of({}), 'received'],
  ['returned by the unit: the requester is not told who refused', of({ status: 'returned' }), 'received'],
  ['dispatched', of({ status: 'dispatched' }), 'in_progress'],
  ['accepted', of({ status: 'accepted' }), 'in_progress'],
  ['on hold', of({ status: 'on_hold' }), 'waiting_for_you'],
  ['reopened, with the unit again', of({ status: 'dispatched', reopenCount: 1 }), 'reopened'],
  ['reopened at intake', of({ status: 'registered', reopenCount: 1 }), 'reopened'],
  ['replied, nobody asked the requester yet', of({ status: 'replied', repliedAt: replied }), 'replied_awaiting_feedback'],
  ['callback: solved', of({ status: 'callback_done', repliedAt: replied, callbackResolved: 'yes' }), 'resolved_confirmed'],
  ['callback: partly', of({ status: 'callback_done', repliedAt: replied, callbackResolved: 'partly' }), 'partly_resolved'],
  ['the requester\'s rating speaks before the callback', of({ status: 'callback_done', repliedAt: replied, callbackResolved: 'yes', ratingResolved: 'no' }), 'not_resolved'],
  ['closed without anyone confirming', of({ status: 'closed', repliedAt: replied }), 'closed_unconfirmed'],
  ['closed, confirmed', of({ status: 'closed', repliedAt: replied, ratingResolved: 'yes' }), 'resolved_confirmed'],
  ['a pending request', of({ status: 'closed', repliedAt: replied, reopenRequestedAt: later }), 'reopen_requested'],
  ['a declined request', of({ status: 'closed', repliedAt: replied, callbackResolved: 'yes', reopenDecision: 'declined', reopenDecidedAt: later }), 'not_resolved'],
  ['a request beyond the rounds', of({ status: 'replied', repliedAt: replied, reopenDecision: 'escalated', reopenDecidedAt: later }), 'reopen_escalated'],
  ['an old decision before a new reply no longer counts', of({ status: 'replied', repliedAt: later, reopenDecision: 'declined', reopenDecidedAt: replied }), 'replied_awaiting_feedback'],
  ['rejected', of({ status: 'rejected' }), 'not_accepted'],
  ['merged', of({ status: 'merged' }), 'merged'],
];

describe('publicStatusOf', () => {
  it.each(TABLE)('%s', (_name, facts, expected) => {
    expect(publicStatusOf(facts)).toBe(expected);
  });
});
