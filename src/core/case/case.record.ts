import type {
  AssignmentRole,
  AssignmentSnapshot,
  AssignmentStatus,
  CaseSnapshot,
  CaseStatus,
  Channel,
  Kind,
  Language,
  PublicationConsent,
  ReopenDecision,
  ReopenSource,
  ReplyOutcome,
  ResolvedAnswer,
  Satisfaction,
} from './case.types.js';
import type { LocalizedText } from '../directory/directory.types.js';
import type { DueExplanation } from '../sla/compute-due.js';
import type { SlaTarget } from '../sla/sla-policy.js';

/** Due dates with their explanations, kept on the case so that what was promised can always be shown. */
export type SlaTargetRecord = { dueAt: string; warnAt: string; explanation: DueExplanation };
export type CaseSla = {
  policy?: { code: string; name: LocalizedText };
  calendar?: string;
  targets?: Partial<Record<SlaTarget, SlaTargetRecord>>;
};

export type AssignmentRecord = {
  id: string;
  unitId: string;
  unitPath: string;
  role: AssignmentRole;
  status: AssignmentStatus;
  assignedAt: Date;
  acceptedAt: Date | null;
  endedAt: Date | null;
};

/** A case as the use cases see it: camelCase, typed, no personal data (that stays with the requester). */
export type CaseRecord = {
  id: string;
  trackingNo: string;
  accessCodeHash: string;
  status: CaseStatus;
  channel: Channel;
  kind: Kind;
  title: string;
  description: string;
  language: Language;
  categoryId: string | null;
  requesterId: string | null;
  intakeUnitId: string;
  intakeUnitPath: string;
  leadUnitId: string | null;
  address: string | null;
  lat: number | null;
  lng: number | null;
  amountClaimedFen: number | null;
  amountRecoveredFen: number | null;
  /** May the case be published, anonymised, on the open-data portal (the requester's answer). */
  publicationConsent: PublicationConsent;
  /** The requester is withheld from units other than the intake unit and those above it (identity-protection.ts). */
  isIdentityProtected: boolean;
  acceptDueAt: Date | null;
  replyDueAt: Date | null;
  dispatchedAt: Date | null;
  acceptedAt: Date | null;
  replyText: string | null;
  replyOutcome: ReplyOutcome | null;
  /** For staff only (issue 7): never in any public output, Open311, open data or message to the requester. */
  replyInternalSummary: string | null;
  repliedAt: Date | null;
  callbackResolved: ResolvedAnswer | null;
  callbackSatisfaction: Satisfaction | null;
  callbackComment: string | null;
  callbackAt: Date | null;
  ratingResolved: ResolvedAnswer | null;
  ratingSatisfaction: Satisfaction | null;
  ratingComment: string | null;
  ratedAt: Date | null;
  supervisionDueBy: Date | null;
  supervisionNote: string | null;
  supervisedAt: Date | null;
  extensionDays: number | null;
  extensionReason: string | null;
  extensionRequestedAt: Date | null;
  rejectReason: string | null;
  rejectAdvice: string | null;
  masterId: string | null;
  reopenCount: number;
  closedAt: Date | null;
  slaPolicyCode: string | null;
  sla: CaseSla;
  slaState: 'ok' | 'warning' | 'overdue';
  supervisionResponse: string | null;
  supervisionOutcome: string | null;
  urgeCount: number;
  holdFromStatus: CaseStatus | null;
  holdReason: string | null;
  heldAt: Date | null;
  /** When the current hold's wait ends by itself (fixed when the case was put on hold); null: no end. */
  holdEndsAt: Date | null;
  reopenRequestedAt: Date | null;
  reopenRequestReason: string | null;
  reopenRequestSource: ReopenSource | null;
  reopenDecision: ReopenDecision | null;
  reopenDecisionNote: string | null;
  reopenDecidedAt: Date | null;
  /** Until when a closed case may be reopened on request (set at closing from the policy). */
  reopenWindowEndsAt: Date | null;
  createdBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  assignments: AssignmentRecord[];
};

/** Fields an action may change on the case row. */
export type CasePatch = Partial<
  Omit<CaseRecord, 'id' | 'trackingNo' | 'accessCodeHash' | 'intakeUnitId' | 'intakeUnitPath' | 'createdAt' | 'updatedAt' | 'assignments' | 'createdBy'>
>;

export const toSnapshot = (record: CaseRecord): CaseSnapshot => ({
  id: record.id,
  status: record.status,
  kind: record.kind,
  intakeUnitPath: record.intakeUnitPath,
  assignments: record.assignments.map(
    (a): AssignmentSnapshot => ({ id: a.id, unitId: a.unitId, unitPath: a.unitPath, role: a.role, status: a.status }),
  ),
  hasPendingExtension: record.extensionRequestedAt !== null,
  isUnderSupervision: record.supervisedAt !== null && record.supervisionOutcome === null,
  masterId: record.masterId,
  holdFromStatus: record.holdFromStatus,
  hasPendingReopen: record.reopenRequestedAt !== null,
  isIdentityProtected: record.isIdentityProtected,
});

/** Days a closed case may be reopened on request when the case has no window of its own (closed before it existed). */
export const DEFAULT_REOPEN_WINDOW_DAYS = 30;

/** A closed case may still be reopened at the requester's request until its window ends. */
export const isReopenWindowOpen = (record: CaseRecord, now: Date): boolean => {
  if (record.status !== 'closed') return true;
  const ends = record.reopenWindowEndsAt ?? (record.closedAt ? new Date(record.closedAt.getTime() + DEFAULT_REOPEN_WINDOW_DAYS * 86_400_000) : null);
  return ends !== null && now.getTime() < ends.getTime();
};
