import type { CaseStatus, ReplyOutcome } from '../case/case.types.js';
import type { ExtendedStatus, OpenClosed } from './open311.types.js';

/**
 * GeoReport v2 knows `open` (reported) and `closed` (resolved). A case is closed for the public once the
 * responsible unit has answered, or when it was refused or merged; a reopened case is open again.
 */
const CLOSED: readonly CaseStatus[] = ['replied', 'callback_done', 'closed', 'rejected', 'merged'];

export const openClosedOf = (status: CaseStatus): OpenClosed => (CLOSED.includes(status) ? 'closed' : 'open');

/** Case statuses behind each public status, for filtering in SQL. */
export const caseStatusesOf = (status: OpenClosed): CaseStatus[] =>
  status === 'closed' ? [...CLOSED] : (['registered', 'dispatched', 'accepted', 'returned', 'on_hold'] satisfies CaseStatus[]);

/** "Closed is not fixed": only a reply that says the problem was resolved reads as FIXED. */
export const statusOfOutcome = (outcome: ReplyOutcome | null | undefined): ExtendedStatus => {
  switch (outcome) {
    case 'resolved':
      return 'FIXED';
    case 'not_accepted':
      return 'NO_FURTHER_ACTION';
    case 'referred':
      return 'NOT_COUNCILS_RESPONSIBILITY';
    default:
      return 'CLOSED';
  }
};

/** Timeline events that change what the public sees, with the extended status each one means. */
export const UPDATE_EVENT_CODES = [
  'case.registered', 'case.dispatched', 'case.transferred', 'case.accepted', 'case.returned', 'case.replied',
  'case.resolved_on_intake', 'case.reopened', 'case.closed', 'case.rejected', 'case.merged',
] as const;
export type UpdateEventCode = (typeof UPDATE_EVENT_CODES)[number];

export const isUpdateEventCode = (code: string): code is UpdateEventCode => (UPDATE_EVENT_CODES as readonly string[]).includes(code);

/**
 * The extended status after an event. `outcome` is the reply's outcome: from the event itself for a reply,
 * or the case's current one for a close (closing does not change what the answer said).
 */
export const extendedStatusOf = (code: UpdateEventCode, outcome: ReplyOutcome | null | undefined): ExtendedStatus => {
  switch (code) {
    case 'case.registered':
    case 'case.returned':
      return 'OPEN';
    case 'case.dispatched':
      return 'INVESTIGATING';
    case 'case.transferred':
      return 'INTERNAL_REFERRAL';
    case 'case.accepted':
      return 'IN_PROGRESS';
    case 'case.replied':
    case 'case.resolved_on_intake':
    case 'case.closed':
      return statusOfOutcome(outcome);
    case 'case.reopened':
      return 'REOPEN';
    case 'case.rejected':
      return 'NOT_COUNCILS_RESPONSIBILITY';
    case 'case.merged':
      return 'DUPLICATE';
  }
};

const OPEN_EXTENDED: readonly ExtendedStatus[] = ['OPEN', 'INVESTIGATING', 'IN_PROGRESS', 'ACTION_SCHEDULED', 'INTERNAL_REFERRAL', 'REOPEN'];

export const openClosedOfExtended = (status: ExtendedStatus): OpenClosed => (OPEN_EXTENDED.includes(status) ? 'open' : 'closed');
