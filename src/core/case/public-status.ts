import type { CaseRecord } from './case.record.js';

/**
 * What the requester is told about their case (issue 7, "honest statuses"). It is not the internal status:
 * a returned case is simply "received" (which unit refused it is the administration's business), and
 * "closed" never pretends to be "solved": only the requester's own answer (rating, or callback) says so.
 */
export const PUBLIC_STATUSES = [
  'received',
  'in_progress',
  'waiting_for_you',
  'reopen_requested',
  'reopened',
  'replied_awaiting_feedback',
  'resolved_confirmed',
  'partly_resolved',
  'not_resolved',
  'reopen_escalated',
  'closed_unconfirmed',
  'not_accepted',
  'merged',
] as const;
export type PublicStatus = (typeof PUBLIC_STATUSES)[number];

type StatusFacts = Pick<
  CaseRecord,
  | 'status' | 'reopenCount' | 'reopenRequestedAt' | 'reopenDecision' | 'reopenDecidedAt' | 'repliedAt'
  | 'callbackResolved' | 'ratingResolved'
>;

export const publicStatusOf = (c: StatusFacts): PublicStatus => {
  switch (c.status) {
    case 'rejected':
      return 'not_accepted';
    case 'merged':
      return 'merged';
    case 'on_hold':
      return 'waiting_for_you';
    default:
      break;
  }
  if (c.reopenRequestedAt !== null) return 'reopen_requested';
  if (c.status === 'registered' || c.status === 'returned') return c.reopenCount > 0 ? 'reopened' : 'received';
  if (c.status === 'dispatched' || c.status === 'accepted') return c.reopenCount > 0 ? 'reopened' : 'in_progress';
  // Answered: replied, callback_done or closed. A request beyond the rounds allowed is with the supervisors.
  if (c.reopenDecision === 'escalated' && c.reopenDecidedAt !== null && (c.repliedAt === null || c.reopenDecidedAt >= c.repliedAt)) {
    return 'reopen_escalated';
  }
  // The requester asked to reopen and it was declined: not solved, in their view, whatever was recorded before.
  if (c.reopenDecision === 'declined' && c.reopenDecidedAt !== null && (c.repliedAt === null || c.reopenDecidedAt >= c.repliedAt)) {
    return 'not_resolved';
  }
  // The requester's own rating speaks for them before what the callback recorded.
  const answer = c.ratingResolved ?? c.callbackResolved;
  if (answer === 'yes') return 'resolved_confirmed';
  if (answer === 'partly') return 'partly_resolved';
  if (answer === 'no') return 'not_resolved';
  return c.status === 'closed' ? 'closed_unconfirmed' : 'replied_awaiting_feedback';
};
