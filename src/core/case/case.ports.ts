import type { CountedAttempt } from '../shared/throttle.js';
import type { WorkCalendar } from '../calendar/calendar.js';
import type { CategoryRef, UnitRef } from '../directory/directory.types.js';
import type { CasePolicy } from '../sla/case-sla.js';
import type { AssignmentRole, AssignmentStatus, Channel, Kind, Language, PublicationConsent } from './case.types.js';
import type { CasePatch, CaseRecord } from './case.record.js';

export type NewEvent = {
  actorKind: 'user' | 'requester' | 'system';
  actorId: string | null;
  code: string;
  fromStatus: string | null;
  toStatus: string | null;
  isInternal: boolean;
  data: Record<string, unknown>;
  at: Date;
};

export type NewRequester = {
  name: string | null;
  phone: string | null;
  idNumber: string | null;
  email: string | null;
  language: Language;
};

export type NewCase = {
  trackingNo: string;
  accessCodeHash: string;
  channel: Channel;
  kind: Kind;
  title: string;
  description: string;
  language: Language;
  categoryId: string | null;
  requesterId: string | null;
  intakeUnitId: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  amountClaimedFen: number | null;
  publicationConsent: PublicationConsent;
  isIdentityProtected: boolean;
  createdBy: string | null;
  at: Date;
};

/**
 * A new case as registration writes it: its requester when there is one, the case, its first event and, for a
 * requester who can be reached, the access code kept for the registration message (the case keeps only its
 * hash; the notifier deletes the code once the message is queued and redacts it once sent).
 */
export type CaseRegistration = { requester: NewRequester | null; case: Omit<NewCase, 'requesterId'>; firstEvent: NewEvent; stashedAccessCode: string | null };

/** The case as inserted, with the database's defaults, and the id of its first event. */
export type RegisteredRows = { record: CaseRecord; firstEvent: { id: string; seq: number } };

/**
 * What the case use cases need from storage, inside one transaction. Implemented in src/db; the use
 * cases never see SQL, and tests of the rules need no database.
 */
export type PolicyKey = { categoryId: string | null; channel: string; kind: string; pinnedCode?: string | null };

/** How a case finds its policy: by what it is about, and by the policy it started under. */
export const policyKeyOf = (record: { categoryId: string | null; channel: string; kind: string; slaPolicyCode: string | null }): PolicyKey => ({
  categoryId: record.categoryId,
  channel: record.channel,
  kind: record.kind,
  pinnedCode: record.slaPolicyCode,
});

export type CaseStore = {
  lockCase: (id: string) => Promise<CaseRecord | null>;
  /**
   * Rebuilds the case's public (open-data) snapshot now, in this transaction: a withdrawn consent must take the
   * case off the portal when the change commits, not when the background refresh gets to it.
   */
  refreshPublication: (caseId: string, now: Date) => Promise<void>;
  findCase: (id: string) => Promise<CaseRecord | null>;
  findCaseByTrackingNo: (trackingNo: string) => Promise<CaseRecord | null>;
  lockCaseByTrackingNo: (trackingNo: string) => Promise<CaseRecord | null>;
  findUnit: (id: string) => Promise<UnitRef | null>;
  findRootUnit: () => Promise<UnitRef>;
  findCategory: (id: string) => Promise<CategoryRef | null>;
  /**
   * Counts a public submission with this phone number (on its blind index) in the phone's current window; null
   * when the phone has no index (too short to be one).
   */
  countPublicSubmission: (phone: string, now: Date, windowMs: number) => Promise<CountedAttempt | null>;
  refundPublicSubmission: (attempt: CountedAttempt) => Promise<void>;
  nextTrackingSequence: (day: string) => Promise<number>;
  /** A live idempotency key (created at or after `since`): its case, the request it was used for, the code given. */
  findIdempotencyKey: (scope: string, key: string, since: Date) => Promise<{ caseId: string; requestHash: string; accessCode: string } | null>;
  /**
   * Records the key for a case just inserted; false when a live key of another request is there (that
   * request committed first, or this call waited for it to). An expired key is taken over.
   */
  claimIdempotencyKey: (input: {
    scope: string;
    key: string;
    requestHash: string;
    caseId: string;
    accessCode: string;
    at: Date;
    expiredBefore: Date;
  }) => Promise<boolean>;
  /** Registers a new case in one go (see CaseRegistration). */
  createCase: (registration: CaseRegistration) => Promise<RegisteredRows>;
  updateCase: (id: string, patch: CasePatch, at: Date) => Promise<void>;
  insertAssignment: (input: { caseId: string; unitId: string; role: AssignmentRole; assignedBy: string | null; at: Date }) => Promise<void>;
  updateAssignment: (id: string, patch: { status: AssignmentStatus; acceptedAt?: Date; endedAt?: Date }) => Promise<void>;
  appendEvent: (itemKind: string, itemId: string, event: NewEvent) => Promise<void>;
  /**
   * The case's time-limit policy. `pinnedCode`: the policy its due dates already came from, kept for the rest of
   * the case (even if switched off or no longer matching since); without one, the policy that matches now.
   */
  policyFor: (input: PolicyKey) => Promise<CasePolicy>;
  /** The working calendar of a unit (inherited down the tree); null: the deployment's top unit. */
  calendarFor: (unitId: string | null) => Promise<WorkCalendar>;
  /** Persists timers; the same dedupe key twice schedules it once. */
  scheduleJobs: (jobs: { kind: string; runAt: Date; payload: Record<string, unknown>; dedupeKey: string }[]) => Promise<void>;
};

export type CaseDeps = {
  /** Runs the function in one database transaction; everything it writes commits or nothing does. */
  transaction: <T>(fn: (store: CaseStore) => Promise<T>) => Promise<T>;
  /**
   * Runs the function without a transaction of its own: for a single statement, which is consistent by itself (a
   * read, or a counter's upsert that commits on its own).
   */
  read?: <T>(fn: (store: CaseStore) => Promise<T>) => Promise<T>;
  now: () => Date;
  /**
   * Takes the next number of a day's tracking sequence in its own short transaction, before the case's
   * transaction opens, so that the counter is not held locked across that transaction and its commit (which
   * made every intake wait for the one before). A number is skipped if the case's transaction then fails.
   * Without it, the number is taken inside the case's transaction (gapless, one intake at a time).
   */
  reserveTrackingSequence?: (day: string) => Promise<number>;
  /**
   * Registers a case in a statement of its own, outside any transaction of the caller's, shared with the
   * registrations that arrive at the same moment: one statement and one commit for all of them, as a database's
   * group commit. Resolves once that statement has committed. Refuses a category that is missing or inactive.
   * Used only with `reserveTrackingSequence`; without it, a registration runs in a transaction of its own.
   */
  registerCase?: (registration: CaseRegistration) => Promise<RegisteredRows | { refusal: 'category_inactive' }>;
};
