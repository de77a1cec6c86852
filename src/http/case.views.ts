import { z } from 'zod';
import { CASE_ACTIONS, CASE_STATUSES, CHANNELS, KINDS, LANGUAGES, OPEN_STATUSES, PUBLICATION_CONSENTS, REPLY_OUTCOMES, RESOLVED_ANSWERS, SATISFACTIONS } from '../core/case/case.types.js';
import type { CaseRecord } from '../core/case/case.record.js';
import type { CaseAction, Language } from '../core/case/case.types.js';
import type { LocalizedText } from '../core/directory/directory.types.js';
import type { CaseListRow, EventView } from '../db/case-query.repository.js';
import { localize } from './language.js';
import { maskRequester } from '../core/case/mask.js';
import { PUBLIC_STATUSES, publicStatusOf } from '../core/case/public-status.js';
import { isOpenToInformation } from '../core/case/public-case.js';
import { REOPEN_DECISIONS, REOPEN_SOURCES } from '../core/case/case.types.js';

const ref = z.object({ id: z.uuid(), code: z.string(), name: z.string() });
const iso = z.string();

export const caseSummarySchema = z.object({
  id: z.uuid(),
  trackingNo: z.string(),
  status: z.enum(CASE_STATUSES),
  channel: z.enum(CHANNELS),
  kind: z.enum(KINDS),
  title: z.string(),
  category: ref.nullable(),
  leadUnit: ref.nullable(),
  isSupervised: z.boolean(),
  isOverdue: z.boolean(),
  /** The requester is withheld from the handling units (identity protection). */
  isIdentityProtected: z.boolean(),
  slaState: z.enum(['ok', 'warning', 'overdue']),
  acceptDueAt: iso.nullable(),
  replyDueAt: iso.nullable(),
  createdAt: iso,
  updatedAt: iso,
});

export const eventSchema = z.object({
  id: z.string(),
  seq: z.number().int(),
  at: iso,
  code: z.string(),
  actorKind: z.enum(['user', 'requester', 'system']),
  actor: z.object({ id: z.uuid(), username: z.string(), displayName: z.string() }).nullable(),
  fromStatus: z.string().nullable(),
  toStatus: z.string().nullable(),
  isInternal: z.boolean(),
  data: z.record(z.string(), z.unknown()),
});

export const caseDetailSchema = caseSummarySchema.extend({
  description: z.string(),
  address: z.string().nullable(),
  lat: z.number().nullable(),
  lng: z.number().nullable(),
  language: z.enum(LANGUAGES),
  /** Masked (138****1234); the full values come from GET /cases/{id}/requester, which is audited. */
  requester: z
    .object({ name: z.string().nullable(), phone: z.string().nullable(), idNumber: z.string().nullable(), email: z.string().nullable(), isMasked: z.literal(true) })
    .nullable(),
  /**
   * Identity protection (举报人保护): `isWithheld` when the requester is kept from the reader's unit (then
   * `requester` is null whoever the requester is); `canProtect` when the reader may protect it now.
   */
  identityProtection: z.object({ isProtected: z.boolean(), isWithheld: z.boolean(), canProtect: z.boolean() }),
  assignments: z.array(
    z.object({
      unit: ref,
      role: z.enum(['lead', 'assisting']),
      status: z.enum(['pending', 'accepted', 'returned', 'transferred', 'done']),
      assignedAt: iso,
      acceptedAt: iso.nullable(),
    }),
  ),
  amountClaimedFen: z.number().nullable(),
  amountRecoveredFen: z.number().nullable(),
  reply: z.object({ text: z.string(), outcome: z.enum(REPLY_OUTCOMES), at: iso }).nullable(),
  /** The reply's internal summary, for staff only: never part of the public view, Open311 or open data. */
  replyInternalSummary: z.string().nullable(),
  callback: z
    .object({ resolved: z.enum(RESOLVED_ANSWERS), satisfaction: z.enum(SATISFACTIONS), comment: z.string().nullable(), at: iso })
    .nullable(),
  rating: z.object({ resolved: z.enum(RESOLVED_ANSWERS), satisfaction: z.enum(SATISFACTIONS), comment: z.string().nullable(), at: iso }).nullable(),
  supervision: z
    .object({ dueBy: iso, note: z.string(), at: iso, isAutomatic: z.boolean(), response: z.string().nullable(), outcome: z.enum(['resolved', 'unresolved']).nullable(), urgeCount: z.number().int() })
    .nullable(),
  pendingExtension: z.object({ days: z.number().int(), reason: z.string(), at: iso }).nullable(),
  rejection: z.object({ reason: z.string(), advice: z.string().nullable() }).nullable(),
  masterId: z.uuid().nullable(),
  reopenCount: z.number().int(),
  /** Waiting on the requester: what they were asked to add, since when, and the status it resumes to. */
  /** `endsAt`: when the wait ends by itself (the policy's hold limit), null when it does not. */
  hold: z.object({ reason: z.string(), at: iso, fromStatus: z.enum(CASE_STATUSES), endsAt: iso.nullable() }).nullable(),
  /** A request to reopen waiting for a dispatcher's or supervisor's decision, in the requester's words. */
  reopenRequest: z.object({ reason: z.string(), source: z.enum(REOPEN_SOURCES), at: iso }).nullable(),
  /** What became of the last request to reopen. */
  reopenDecision: z.object({ decision: z.enum(REOPEN_DECISIONS), note: z.string().nullable(), at: iso }).nullable(),
  /** Until when the requester may ask to reopen a closed case. */
  reopenWindowEndsAt: iso.nullable(),
  /** The requester's answer to "may this be published, anonymised, on the open-data portal?". */
  publicationConsent: z.enum(PUBLICATION_CONSENTS),
  publicStatus: z.enum(PUBLIC_STATUSES),
  allowedActions: z.array(z.enum(CASE_ACTIONS)),
  events: z.array(eventSchema),
});

export const registeredCaseSchema = caseDetailSchema.extend({ accessCode: z.string() });

export const caseListSchema = z.object({
  items: z.array(caseSummarySchema),
  /** Counted up to LIST_COUNT_LIMIT: with `isTotalExact` false there are more (shown as "1000+"). */
  total: z.number().int(),
  isTotalExact: z.boolean(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

export const publicCaseSchema = z.object({
  trackingNo: z.string(),
  status: z.enum(CASE_STATUSES),
  kind: z.enum(KINDS),
  title: z.string(),
  category: ref.nullable(),
  createdAt: iso,
  timeline: z.array(z.object({ at: iso, code: z.string() })),
  reply: z.object({ text: z.string(), outcome: z.enum(REPLY_OUTCOMES), at: iso }).nullable(),
  rating: z.object({ resolved: z.enum(RESOLVED_ANSWERS), satisfaction: z.enum(SATISFACTIONS), at: iso }).nullable(),
  canRate: z.boolean(),
  /** The honest status, for the requester (docs/notifications.md): never internal details. */
  publicStatus: z.enum(PUBLIC_STATUSES),
  /** On hold: what the requester is asked to add (staff write it for the requester). */
  waitingFor: z.string().nullable(),
  /** On hold: the day by which to add it; after that the case goes on with what is there. */
  waitingUntil: iso.nullable(),
  /** The last request to reopen: pending, approved, declined (with the reason given to the requester) or escalated. */
  reopen: z
    .object({ state: z.enum(['pending', ...REOPEN_DECISIONS]), at: iso, note: z.string().nullable() })
    .nullable(),
  canRequestReopen: z.boolean(),
  canAddInformation: z.boolean(),
  /** The requester's own answer, which they may change on the tracking page at any time. */
  publicationConsent: z.enum(PUBLICATION_CONSENTS),
  /** The requester is kept from the units that handle the case (举报人保护): the page tells them so. */
  isIdentityProtected: z.boolean(),
});

type NamedRef = { id: string; code: string; name: LocalizedText };
const toRef = (value: NamedRef | null | undefined, language: Language) =>
  value ? { id: value.id, code: value.code, name: localize(value.name, language) } : null;
const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);


export const isOverdue = (c: { status: string; replyDueAt: Date | null; acceptDueAt: Date | null }, now: Date): boolean =>
  (OPEN_STATUSES as readonly string[]).includes(c.status) &&
  ((c.replyDueAt !== null && c.replyDueAt < now) || (c.status === 'dispatched' && c.acceptDueAt !== null && c.acceptDueAt < now));

export const toSummaryView = (row: CaseListRow, language: Language, now: Date): z.infer<typeof caseSummarySchema> => ({
  id: row.id,
  trackingNo: row.trackingNo,
  status: row.status,
  channel: row.channel,
  kind: row.kind,
  title: row.title,
  category: toRef(row.category, language),
  leadUnit: toRef(row.leadUnit, language),
  isSupervised: row.supervisedAt !== null && row.supervisionOutcome === null,
  isOverdue: isOverdue(row, now),
  isIdentityProtected: row.isIdentityProtected,
  slaState: isOverdue(row, now) ? 'overdue' : row.slaState,
  acceptDueAt: isoOrNull(row.acceptDueAt),
  replyDueAt: isoOrNull(row.replyDueAt),
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});

export type DetailContext = {
  language: Language;
  now: Date;
  units: Map<string, NamedRef>;
  category: NamedRef | null;
  requester: { name: string | null; phone: string | null; id_number: string | null; email: string | null } | null;
  identityProtection: { isProtected: boolean; isWithheld: boolean; canProtect: boolean };
  events: EventView[];
  allowedActions: CaseAction[];
};

export const toDetailView = (record: CaseRecord, ctx: DetailContext): z.infer<typeof caseDetailSchema> => {
  const unitRef = (id: string | null) => (id ? toRef(ctx.units.get(id), ctx.language) : null);
  return {
    id: record.id,
    trackingNo: record.trackingNo,
    status: record.status,
    channel: record.channel,
    kind: record.kind,
    title: record.title,
    category: toRef(ctx.category, ctx.language),
    leadUnit: unitRef(record.leadUnitId),
    isSupervised: record.supervisedAt !== null && record.supervisionOutcome === null,
    isOverdue: isOverdue(record, ctx.now),
    isIdentityProtected: record.isIdentityProtected,
    slaState: isOverdue(record, ctx.now) ? 'overdue' : record.slaState,
    acceptDueAt: isoOrNull(record.acceptDueAt),
    replyDueAt: isoOrNull(record.replyDueAt),
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    description: record.description,
    address: record.address,
    lat: record.lat,
    lng: record.lng,
    language: record.language,
    requester: ctx.requester
      ? { ...maskRequester({ name: ctx.requester.name, phone: ctx.requester.phone, idNumber: ctx.requester.id_number, email: ctx.requester.email }), isMasked: true as const }
      : null,
    identityProtection: ctx.identityProtection,
    assignments: record.assignments.flatMap((a) => {
      const unit = unitRef(a.unitId);
      return unit ? [{ unit, role: a.role, status: a.status, assignedAt: a.assignedAt.toISOString(), acceptedAt: isoOrNull(a.acceptedAt) }] : [];
    }),
    amountClaimedFen: record.amountClaimedFen,
    amountRecoveredFen: record.amountRecoveredFen,
    reply: record.replyText && record.replyOutcome && record.repliedAt ? { text: record.replyText, outcome: record.replyOutcome, at: record.repliedAt.toISOString() } : null,
    replyInternalSummary: record.replyInternalSummary,
    callback:
      record.callbackResolved && record.callbackSatisfaction && record.callbackAt
        ? { resolved: record.callbackResolved, satisfaction: record.callbackSatisfaction, comment: record.callbackComment, at: record.callbackAt.toISOString() }
        : null,
    rating:
      record.ratingResolved && record.ratingSatisfaction && record.ratedAt
        ? { resolved: record.ratingResolved, satisfaction: record.ratingSatisfaction, comment: record.ratingComment, at: record.ratedAt.toISOString() }
        : null,
    supervision:
      record.supervisionDueBy && record.supervisionNote !== null && record.supervisedAt
        ? {
            dueBy: record.supervisionDueBy.toISOString(),
            // Automatic supervisions carry a reason code instead of a supervisor's words.
            note: record.supervisionNote,
            at: record.supervisedAt.toISOString(),
            isAutomatic: record.supervisionNote.startsWith('overdue:') || record.supervisionNote.startsWith('reopen_limit:'),
            response: record.supervisionResponse,
            outcome: record.supervisionOutcome === 'resolved' || record.supervisionOutcome === 'unresolved' ? record.supervisionOutcome : null,
            urgeCount: record.urgeCount,
          }
        : null,
    pendingExtension:
      record.extensionDays && record.extensionReason !== null && record.extensionRequestedAt
        ? { days: record.extensionDays, reason: record.extensionReason, at: record.extensionRequestedAt.toISOString() }
        : null,
    rejection: record.rejectReason ? { reason: record.rejectReason, advice: record.rejectAdvice } : null,
    masterId: record.masterId,
    reopenCount: record.reopenCount,
    hold: record.holdReason !== null && record.heldAt && record.holdFromStatus
      ? { reason: record.holdReason, at: record.heldAt.toISOString(), fromStatus: record.holdFromStatus, endsAt: isoOrNull(record.holdEndsAt) }
      : null,
    reopenRequest: record.reopenRequestedAt && record.reopenRequestSource
      ? { reason: record.reopenRequestReason ?? '', source: record.reopenRequestSource, at: record.reopenRequestedAt.toISOString() }
      : null,
    reopenDecision: record.reopenDecision && record.reopenDecidedAt
      ? { decision: record.reopenDecision, note: record.reopenDecisionNote, at: record.reopenDecidedAt.toISOString() }
      : null,
    reopenWindowEndsAt: isoOrNull(record.reopenWindowEndsAt),
    publicationConsent: record.publicationConsent,
    publicStatus: publicStatusOf(record),
    allowedActions: ctx.allowedActions,
    events: ctx.events.map((e) => ({
      id: e.id,
      seq: e.seq,
      at: e.at.toISOString(),
      code: e.code,
      actorKind: e.actorKind,
      actor: e.actor,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      isInternal: e.isInternal,
      data: e.data,
    })),
  };
};

/**
 * What the requester sees: status, the codes of public events with their times, the reply. Never event
 * data (it can carry staff names and internal text), never personal data, never internal notes.
 */
export const PUBLIC_EVENT_CODES: ReadonlySet<string> = new Set([
  'case.registered', 'case.dispatched', 'case.accepted', 'case.transferred', 'case.replied', 'case.resolved_on_intake',
  'case.callback_recorded', 'case.reopened', 'case.closed', 'case.rejected', 'case.extension_decided', 'case.merged', 'case.rated',
  'case.reopen_requested', 'case.reopen_decided', 'case.put_on_hold', 'case.resumed', 'case.information_added',
  'case.publication_consent_recorded', 'case.hold_reminded',
]);

export const toPublicView = (
  record: CaseRecord,
  ctx: { language: Language; category: NamedRef | null; events: EventView[]; canRate: boolean; canRequestReopen: boolean },
): z.infer<typeof publicCaseSchema> => ({
  trackingNo: record.trackingNo,
  status: record.status,
  kind: record.kind,
  title: record.title,
  category: toRef(ctx.category, ctx.language),
  createdAt: record.createdAt.toISOString(),
  timeline: ctx.events.filter((e) => !e.isInternal && PUBLIC_EVENT_CODES.has(e.code)).map((e) => ({ at: e.at.toISOString(), code: e.code })),
  reply:
    record.replyText && record.replyOutcome && record.repliedAt
      ? { text: record.replyText, outcome: record.replyOutcome, at: record.repliedAt.toISOString() }
      : record.status === 'rejected' && record.rejectReason && record.closedAt
        ? { text: [record.rejectReason, record.rejectAdvice].filter(Boolean).join('\n'), outcome: 'not_accepted', at: record.closedAt.toISOString() }
        : null,
  rating:
    record.ratingResolved && record.ratingSatisfaction && record.ratedAt
      ? { resolved: record.ratingResolved, satisfaction: record.ratingSatisfaction, at: record.ratedAt.toISOString() }
      : null,
  canRate: ctx.canRate,
  publicStatus: publicStatusOf(record),
  waitingFor: record.status === 'on_hold' ? record.holdReason : null,
  waitingUntil: record.status === 'on_hold' ? isoOrNull(record.holdEndsAt) : null,
  reopen: record.reopenRequestedAt
    ? { state: 'pending', at: record.reopenRequestedAt.toISOString(), note: null }
    : record.reopenDecision && record.reopenDecidedAt
      ? {
          state: record.reopenDecision,
          at: record.reopenDecidedAt.toISOString(),
          // Only a refusal's reason is written for the requester; an approval's note is internal.
          note: record.reopenDecision === 'declined' ? record.reopenDecisionNote : null,
        }
      : null,
  canRequestReopen: ctx.canRequestReopen,
  canAddInformation: isOpenToInformation(record.status),
  publicationConsent: record.publicationConsent,
  isIdentityProtected: record.isIdentityProtected,
});
