// Types of the Bihuan HTTP API v1, as described in docs/API.md.
// The arrays below are the closed sets of the contract; the UI and its tests use them
// to check that every value has a label in every language.

export const LANGS = ['zh-Hans', 'bo', 'en'] as const;
export type Lang = (typeof LANGS)[number];

export const STATUSES = [
  'registered',
  'dispatched',
  'accepted',
  'replied',
  'callback_done',
  'closed',
  'returned',
  'rejected',
  'merged',
  'on_hold',
] as const;
export type Status = (typeof STATUSES)[number];

export const CHANNELS = [
  'phone',
  'visit',
  'letter',
  'web',
  'app',
  'miniprogram',
  'api',
  'import',
  'petition',
] as const;
export type Channel = (typeof CHANNELS)[number];

export const KINDS = ['enquiry', 'help', 'complaint', 'report', 'suggestion'] as const;
export type Kind = (typeof KINDS)[number];

export const OUTCOMES = ['resolved', 'partly_resolved', 'explained', 'not_accepted', 'referred'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const RESOLVED_VALUES = ['yes', 'partly', 'no'] as const;
export type Resolved = (typeof RESOLVED_VALUES)[number];

export const SATISFACTIONS = ['satisfied', 'fairly_satisfied', 'dissatisfied'] as const;
export type Satisfaction = (typeof SATISFACTIONS)[number];

export const ASSIGNMENT_ROLES = ['lead', 'assisting'] as const;
export type AssignmentRole = (typeof ASSIGNMENT_ROLES)[number];

export const ASSIGNMENT_STATUSES = ['pending', 'accepted', 'returned', 'transferred', 'done'] as const;
export type AssignmentStatus = (typeof ASSIGNMENT_STATUSES)[number];

export const ACTIONS = [
  'dispatch',
  'accept',
  'return',
  'transfer',
  'note',
  'contribute',
  'reply',
  'callback',
  'reopen',
  'close',
  'reject',
  'resolve-on-intake',
  'request-extension',
  'decide-extension',
  'supervise',
  'merge',
  'urge',
  'respond-supervision',
  'conclude-supervision',
  'request-reopen',
  'decide-reopen',
  'hold',
  'resume',
  'record-consent',
  'protect-identity',
] as const;
export type ActionName = (typeof ACTIONS)[number];

export const EVENT_CODES = [
  'case.registered',
  'case.dispatched',
  'case.accepted',
  'case.returned',
  'case.transferred',
  'case.noted',
  'case.contributed',
  'case.replied',
  'case.callback_recorded',
  'case.reopened',
  'case.closed',
  'case.rejected',
  'case.resolved_on_intake',
  'case.extension_requested',
  'case.extension_decided',
  'case.supervised',
  'case.merged',
  'case.merged_into',
  'case.rated',
  'case.sla_warning',
  'case.overdue',
  'case.urged',
  'case.supervision_responded',
  'case.supervision_concluded',
  'case.linked',
  'case.unlinked',
  'case.unmerged',
  'case.unmerged_from',
  'case.attachment_added',
  'case.attachment_removed',
  'callback.unreachable',
  'callback.refused',
  'case.reopen_requested',
  'case.reopen_decided',
  'case.put_on_hold',
  'case.resumed',
  'case.information_added',
  'case.publication_consent_recorded',
  'case.identity_protected',
  'case.hold_reminded',
] as const;
export type EventCode = (typeof EVENT_CODES)[number];

/**
 * Error codes of the contract (`*.not_found` stands for the resources the server has) and the other
 * conflicts the server answers with; the UI has a message in every language for each.
 */
export const ERROR_CODES = [
  'validation.failed',
  'auth.required',
  'auth.invalid_credentials',
  'auth.forbidden',
  'auth.inactive_user',
  'auth.password_change_required',
  'auth.password_expired',
  'auth.reauth_required',
  'user.self_change_refused',
  'case.not_found',
  'unit.not_found',
  'category.not_found',
  'resource.not_found',
  'case.invalid_transition',
  'case.not_assigned',
  'case.merge_target_invalid',
  'case.extension_pending',
  'case.no_pending_extension',
  'case.access_code_invalid',
  'case.rating_not_allowed',
  'case.reopen_limit_reached',
  'case.reopen_not_allowed',
  'case.information_not_allowed',
  'case.identity_protected',
  'request.unsupported_media_type',
  'request.too_large',
  'rate_limited',
  'server.busy',
  'auth.locked',
  'auth.totp_required',
  'auth.totp_invalid',
  'auth.totp_setup_required',
  'privacy.cases_open',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const SORTS = [
  'createdAt',
  '-createdAt',
  'replyDueAt',
  '-replyDueAt',
  'updatedAt',
  '-updatedAt',
] as const;
export type Sort = (typeof SORTS)[number];

/** The steps with a time limit (issue 3): accept (签收), first contact, reply (答复), callback (回访). */
export const SLA_TARGETS = ['accept', 'firstContact', 'reply', 'callback'] as const;
export type SlaTarget = (typeof SLA_TARGETS)[number];

/** Where a case stands against its time limits. */
export const SLA_STATES = ['ok', 'warning', 'overdue'] as const;
export type SlaState = (typeof SLA_STATES)[number];

/** Where one target stands: as a case, or already done (`met`). */
export const SLA_TARGET_STATES = ['ok', 'warning', 'overdue', 'met'] as const;
export type SlaTargetState = (typeof SLA_TARGET_STATES)[number];

export const SLA_MODES = ['working_hours', 'working_days', 'natural_days'] as const;
export type SlaMode = (typeof SLA_MODES)[number];

/** Codes of the days a calendar labels: holidays, and weekend days declared working days (调休上班). */
export const HOLIDAY_CODES = [
  'new_year',
  'spring_festival',
  'qingming',
  'labour_day',
  'dragon_boat',
  'mid_autumn',
  'national_day',
  'losar',
  'shoton',
  'regional_holiday',
] as const;
export type HolidayCode = (typeof HOLIDAY_CODES)[number];
export const DAY_CODES = [...HOLIDAY_CODES, 'swapped_workday'] as const;
export type DayCode = (typeof DAY_CODES)[number];

/** Why a day did not count towards a time limit: a holiday code, or one of these. */
export const SKIP_REASONS = ['weekend', 'outside_working_hours', 'paused'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

/** Where a request to reopen came from, and what became of it (docs/notifications.md, reopen policy). */
export const REOPEN_SOURCES = ['requester', 'callback', 'rating', 'staff'] as const;
export type ReopenSource = (typeof REOPEN_SOURCES)[number];
export const REOPEN_DECISIONS = ['approved', 'declined', 'escalated'] as const;
export type ReopenDecision = (typeof REOPEN_DECISIONS)[number];

/** The honest status the requester sees (never the internal one): src/core/case/public-status.ts. */
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

export const SUPERVISION_OUTCOMES = ['resolved', 'unresolved'] as const;
export type SupervisionOutcome = (typeof SUPERVISION_OUTCOMES)[number];

export interface Ref {
  id: string;
  code: string;
  name: string;
}

export interface Unit {
  id: string;
  code: string;
  name: string;
  parentId: string | null;
  type: string;
}

export interface Category {
  id: string;
  code: string;
  name: string;
  parentId: string | null;
  defaultUnitId: string | null;
  acceptHours: number | null;
  replyDays: number | null;
}

export interface Me {
  id: string;
  username: string;
  displayName: string;
  roles: string[];
  unitId: string | null;
  permissions: string[];
  /** The password must be replaced first: the account may do nothing else until its owner has chosen one. */
  mustChangePassword?: boolean;
  /** Why: an administrator set it, or it is older than the deployment allows. */
  passwordChangeReason?: 'administrator' | 'expired' | null;
  /** False for an account made by single sign-on: there is no password to change until an administrator sets one. */
  hasPassword?: boolean;
}

export interface LoginResult {
  token: string;
  user: Me;
}

export interface CaseSummary {
  id: string;
  trackingNo: string;
  status: Status;
  channel: Channel;
  kind: Kind;
  title: string;
  category: Ref | null;
  leadUnit: Ref | null;
  isSupervised: boolean;
  isOverdue: boolean;
  /** The requester is withheld from the handling units (identity protection); absent from older servers. */
  isIdentityProtected?: boolean;
  /** Where the case stands against its time limits (overdue whenever `isOverdue`). */
  slaState: SlaState;
  acceptDueAt: string | null;
  replyDueAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Requester {
  name: string | null;
  phone: string | null;
  idNumber: string | null;
  email: string | null;
  /** Case pages carry masked values (138****1234); the full ones come from revealRequester, which is audited. */
  isMasked?: boolean;
}

export interface Assignment {
  unit: Ref;
  role: AssignmentRole;
  status: AssignmentStatus;
  /** Not in docs/API.md; sent by the server. */
  assignedAt?: string;
  acceptedAt: string | null;
}

export interface Reply {
  text: string;
  outcome: string;
  at: string;
}

export interface Callback {
  resolved: Resolved;
  satisfaction: string;
  comment: string | null;
  at: string;
}

export interface Supervision {
  dueBy: string;
  /** The supervisor's words; for an automatic supervision a reason code such as `overdue:accept`. */
  note: string;
  at: string;
  isAutomatic: boolean;
  /** The lead unit's written answer, if any. */
  response: string | null;
  /** Set once a supervisor concluded it; the supervision is open while null. */
  outcome: SupervisionOutcome | null;
  urgeCount: number;
}

export interface PendingExtension {
  days: number;
  reason: string;
  at: string;
}

export interface Actor {
  id: string;
  username: string;
  displayName: string;
}

export interface CaseEvent {
  id: string;
  seq: number;
  at: string;
  code: string;
  /** Who acted: a staff user, the requester themself, or the system. */
  actorKind: 'user' | 'requester' | 'system';
  actor: Actor | null;
  fromStatus: Status | null;
  toStatus: Status | null;
  isInternal: boolean;
  data: Record<string, unknown>;
}

export interface Case extends CaseSummary {
  description: string;
  address: string | null;
  lat: number | null;
  lng: number | null;
  language: Lang;
  requester: Requester | null;
  assignments: Assignment[];
  amountClaimedFen: number | null;
  amountRecoveredFen: number | null;
  reply: Reply | null;
  callback: Callback | null;
  supervision: Supervision | null;
  pendingExtension: PendingExtension | null;
  /** Not in docs/API.md; sent by the server: the requester's own rating and the reason for a rejection. */
  rating?: { resolved: string; satisfaction: string; comment: string | null; at: string } | null;
  rejection?: { reason: string; advice: string | null } | null;
  masterId: string | null;
  reopenCount: number;
  /** Waiting on the requester: what they were asked to add, since when, and the status it resumes to. */
  hold?: { reason: string; at: string; fromStatus: Status; endsAt?: string | null } | null;
  /** A request to reopen waiting for a decision, in the requester's words. */
  reopenRequest?: { reason: string; source: ReopenSource; at: string } | null;
  reopenDecision?: { decision: ReopenDecision; note: string | null; at: string } | null;
  reopenWindowEndsAt?: string | null;
  publicationConsent?: PublicationConsent;
  /**
   * 举报人保护: `isWithheld` when the requester is kept from the reader's unit (then `requester` is null);
   * `canProtect` when the reader may protect it now. Absent from servers before it existed.
   */
  identityProtection?: { isProtected: boolean; isWithheld: boolean; canProtect: boolean };
  publicStatus?: PublicStatus;
  allowedActions: string[];
  events: CaseEvent[];
}

/** `POST /api/v1/cases` answers with the Case and its access code (shown once). */
export interface RegisteredCase extends Case {
  accessCode: string;
}

export interface PublicTimelineItem {
  at: string;
  code: string;
}

export interface PublicRating {
  resolved: string;
  satisfaction: string;
  at: string;
}

export interface PublicCase {
  trackingNo: string;
  status: Status;
  kind: Kind;
  title: string;
  category: Ref | null;
  createdAt: string;
  timeline: PublicTimelineItem[];
  reply: Reply | null;
  rating: PublicRating | null;
  canRate: boolean;
  /** The honest status for the requester; absent from servers before it existed. */
  publicStatus?: PublicStatus;
  /** On hold: what the requester is asked to add. */
  waitingFor?: string | null;
  /** On hold: the day by which to add it. */
  waitingUntil?: string | null;
  /** The last request to reopen; `note` is the reason of a refusal. */
  reopen?: { state: 'pending' | ReopenDecision; at: string; note: string | null } | null;
  canRequestReopen?: boolean;
  canAddInformation?: boolean;
  /** The requester's answer to "may this be published, anonymised?"; absent from servers before it existed. */
  publicationConsent?: PublicationConsent;
  /** The requester is kept from the units that handle the case (举报人保护). */
  isIdentityProtected?: boolean;
}

/** The requester's consent to anonymised publication on the open-data portal (是否同意公开). */
export type PublicationConsent = 'granted' | 'refused' | 'not_asked';

// ---- time limits (GET /cases/{id}/sla, GET /calendar/days) ----

export interface LocalDateTime {
  date: string;
  time: string;
}

/**
 * The structured explanation of one due date. The server types it as an open record; the UI reads it
 * through `readExplanation` (lib/sla.ts), which keeps only well-formed fields.
 */
export interface SlaExplanation {
  policyId: string | null;
  calendarId: string | null;
  mode: SlaMode | null;
  amount: number | null;
  unit: 'hours' | 'days' | null;
  start: string | null;
  startLocal: LocalDateTime | null;
  dueLocal: LocalDateTime | null;
  skippedDays: { date: string; reason: string }[];
  swappedWorkdays: { date: string; bridges: string | null }[];
  pauses: { from: string; to: string }[];
  extends: string | null;
  rolledForwardFrom: string | null;
  provisional: boolean;
}

export interface SlaTargetView {
  target: SlaTarget;
  dueAt: string;
  warnAt: string;
  state: SlaTargetState;
  /** The explanation as one paragraph, already in the requested language. */
  text: string;
  explanation: Record<string, unknown>;
}

export interface CaseSla {
  policy: { code: string; name: string } | null;
  /** The calendar's code (e.g. `xizang`), not a display name. */
  calendar: string | null;
  state: SlaState;
  targets: SlaTargetView[];
}

export interface CalendarDay {
  date: string;
  isWorkday: boolean;
  /** A holiday, or `swapped_workday` for a weekend day worked in exchange; the name is in the requested language. */
  holiday: { code: string; name: string } | null;
}

/** `GET /calendars` (public): the configured calendars, named in the requested language. */
export interface CalendarInfo {
  id: string;
  code: string;
  name: string;
}

export interface CalendarDays {
  calendar: string;
  items: CalendarDay[];
}

export interface Page<T> {
  items: T[];
  total: number;
  /** False when the server stopped counting at `total` (a case list shows "1000+"). */
  isTotalExact?: boolean;
  page: number;
  pageSize: number;
}

export interface ListResult<T> {
  items: T[];
}

// ---- request bodies ----

export interface PublicSubmitBody {
  kind: Kind;
  title: string;
  description: string;
  categoryId?: string;
  address?: string;
  requester: { name?: string; phone?: string; language?: Lang };
  publicationConsent?: 'granted' | 'refused';
  /** "Keep my identity from the unit that handles this"; a report is protected anyway. */
  isIdentityProtected?: boolean;
}

export interface PublicSubmitResult {
  trackingNo: string;
  accessCode: string;
}

/**
 * Body of `POST /api/v1/cases`. docs/API.md gives no body for this endpoint; this follows the Case
 * shape and the server's schema (the requester's language goes inside `requester`).
 */
export interface RegisterCaseBody {
  kind: Kind;
  channel: Channel;
  title: string;
  description: string;
  categoryId?: string;
  address?: string;
  requester: { name?: string; phone?: string; idNumber?: string; language: Lang };
  amountClaimedFen?: number;
  publicationConsent?: PublicationConsent;
  /** The requester asks that the handling units not learn who they are; a report is protected anyway. */
  isIdentityProtected?: boolean;
}

export interface RatingBody {
  accessCode: string;
  resolved: Resolved;
  satisfaction: Satisfaction;
  comment?: string;
}

export interface CaseListQuery {
  status?: string;
  unitId?: string;
  categoryId?: string;
  channel?: string;
  kind?: string;
  overdue?: boolean;
  supervised?: boolean;
  from?: string;
  to?: string;
  q?: string;
  mine?: boolean;
  sort?: Sort;
  page?: number;
  pageSize?: number;
}

export interface ActionBodies {
  dispatch: { unitId: string; assistingUnitIds?: string[]; note?: string };
  accept: { note?: string };
  return: { reason: string };
  transfer: { unitId: string; reason: string };
  note: { text: string; isInternal?: boolean };
  contribute: { text: string };
  reply: { text: string; outcome: Outcome; amountRecoveredFen?: number };
  callback: { resolved: Resolved; satisfaction: Satisfaction; comment?: string };
  reopen: { reason: string };
  close: Record<string, never>;
  reject: { reason: string; advice?: string };
  /** `outcome` is not in docs/API.md; the server accepts it (default: explained). */
  'resolve-on-intake': { text: string; outcome?: Outcome };
  'request-extension': { days: number; reason: string };
  'decide-extension': { isApproved: boolean; note?: string };
  supervise: { dueBy: string; note: string };
  merge: { masterId: string };
  urge: { message: string };
  'respond-supervision': { text: string };
  'conclude-supervision': { outcome: SupervisionOutcome; note?: string };
  'request-reopen': { reason: string };
  /** A declined request needs a `note`: it is sent to the requester. */
  'decide-reopen': { isApproved: boolean; note?: string };
  /** `reason` is what the requester must add; it is shown to them. */
  hold: { reason: string };
  resume: { note?: string };
  /** The requester's answer, told to staff: grants or withdraws consent to anonymised publication. */
  'record-consent': { consent: 'granted' | 'refused'; note?: string };
  /** The requester asked that the handling units not learn who they are (no note: see the server's action). */
  'protect-identity': Record<string, never>;
}

export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    messageId?: string;
    details?: Record<string, unknown>;
  };
}

export interface ValidationIssue {
  path: string;
  message: string;
}

/** The server's formats (also checked here, to answer in the reader's language before sending). */
export const PHONE_PATTERN = /^\+?[0-9][0-9\- ]{4,19}$/;
export const ID_NUMBER_PATTERN = /^[0-9]{17}[0-9Xx]$|^[A-Za-z0-9]{6,20}$/;

export function isStatus(v: unknown): v is Status {
  return typeof v === 'string' && (STATUSES as readonly string[]).includes(v);
}
export function isKind(v: unknown): v is Kind {
  return typeof v === 'string' && (KINDS as readonly string[]).includes(v);
}
export function isChannel(v: unknown): v is Channel {
  return typeof v === 'string' && (CHANNELS as readonly string[]).includes(v);
}
export function isActionName(v: unknown): v is ActionName {
  return typeof v === 'string' && (ACTIONS as readonly string[]).includes(v);
}
export function isSlaTarget(v: unknown): v is SlaTarget {
  return typeof v === 'string' && (SLA_TARGETS as readonly string[]).includes(v);
}
export function isLang(v: unknown): v is Lang {
  return typeof v === 'string' && (LANGS as readonly string[]).includes(v);
}
