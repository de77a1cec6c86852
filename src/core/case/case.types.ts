export const CASE_STATUSES = [
  'registered', 'dispatched', 'accepted', 'replied', 'callback_done', 'closed', 'returned', 'rejected', 'merged',
  // Waiting on the requester to add information (待群众补充): whether its time counts is configured per policy.
  'on_hold',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

/** Statuses in which the case still waits on someone before a reply: they count towards overdue. */
export const OPEN_STATUSES: readonly CaseStatus[] = ['registered', 'dispatched', 'accepted', 'returned'];

export const CHANNELS = ['phone', 'visit', 'letter', 'web', 'app', 'miniprogram', 'api', 'import', 'petition'] as const;
export type Channel = (typeof CHANNELS)[number];

export const KINDS = ['enquiry', 'help', 'complaint', 'report', 'suggestion'] as const;
export type Kind = (typeof KINDS)[number];

export const REPLY_OUTCOMES = ['resolved', 'partly_resolved', 'explained', 'not_accepted', 'referred'] as const;
export type ReplyOutcome = (typeof REPLY_OUTCOMES)[number];

export const RESOLVED_ANSWERS = ['yes', 'partly', 'no'] as const;
export type ResolvedAnswer = (typeof RESOLVED_ANSWERS)[number];

export const SATISFACTIONS = ['satisfied', 'fairly_satisfied', 'dissatisfied'] as const;
export type Satisfaction = (typeof SATISFACTIONS)[number];

export const LANGUAGES = ['zh-Hans', 'bo', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/**
 * Whether the requester agreed that the case may be published, anonymised, on the open-data portal (是否同意公开).
 * `not_asked`: cases from before the question, and intakes that did not ask (API, import): the publication rules
 * alone decide. `refused` keeps the case off the portal whatever the rules say; `granted` never overrides a rule
 * that keeps a case private.
 */
export const PUBLICATION_CONSENTS = ['granted', 'refused', 'not_asked'] as const;
export type PublicationConsent = (typeof PUBLICATION_CONSENTS)[number];

export const CASE_ACTIONS = [
  'dispatch', 'accept', 'return', 'transfer', 'note', 'contribute', 'reply', 'callback', 'reopen', 'close',
  'reject', 'resolve-on-intake', 'request-extension', 'decide-extension', 'supervise', 'merge',
  'urge', 'respond-supervision', 'conclude-supervision', 'request-reopen', 'decide-reopen', 'hold', 'resume',
  'record-consent', 'protect-identity',
] as const;
export type CaseAction = (typeof CASE_ACTIONS)[number];

export type AssignmentRole = 'lead' | 'assisting';
export type AssignmentStatus = 'pending' | 'accepted' | 'returned' | 'transferred' | 'done';

export type AssignmentSnapshot = {
  id: string;
  unitId: string;
  unitPath: string;
  role: AssignmentRole;
  status: AssignmentStatus;
};

/** What the case rules need to know about a case: no I/O, no HTTP, easy to build in tests. */
export type CaseSnapshot = {
  id: string;
  status: CaseStatus;
  kind: Kind;
  intakeUnitPath: string;
  assignments: readonly AssignmentSnapshot[];
  hasPendingExtension: boolean;
  /** A supervision (督办) is open: flagged and not yet concluded. */
  isUnderSupervision: boolean;
  masterId: string | null;
  /** On hold: the status the case was in before and returns to on resume. */
  holdFromStatus: CaseStatus | null;
  /** The requester (or staff on their behalf) asked to reopen and nobody has decided yet. */
  hasPendingReopen: boolean;
  /** The requester is withheld from the units that handle the case (identity-protection.ts). */
  isIdentityProtected: boolean;
};

/** Where a request to reopen came from. */
export const REOPEN_SOURCES = ['requester', 'callback', 'rating', 'staff'] as const;
export type ReopenSource = (typeof REOPEN_SOURCES)[number];

/** What became of a request to reopen. Escalated: beyond the rounds allowed, it went to supervision. */
export const REOPEN_DECISIONS = ['approved', 'declined', 'escalated'] as const;
export type ReopenDecision = (typeof REOPEN_DECISIONS)[number];

export const isActiveAssignment = (a: AssignmentSnapshot): boolean => a.status === 'pending' || a.status === 'accepted';
