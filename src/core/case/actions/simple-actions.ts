import { policyKeyOf } from '../case.ports.js';
import { AppError } from '../../shared/app-error.js';
import { fieldError } from '../../shared/field-error.js';
import { assignmentOfActor, canSeeCase } from '../case-workflow.js';
import { toSnapshot } from '../case.record.js';
import type { CasePatch } from '../case.record.js';
import { applySla, endAssignments, unitStampOf, type ActionHandler } from './action-context.js';
import { isNotSolved, planReopenRequest, reopenRequestRefusal } from './reopen-policy.js';

// Actions whose effect is a few field changes. Each is its own use case; they share a file only
// because each is a handful of lines.

export const noteCase: ActionHandler<'note'> = async ({ input }) => ({
  patch: {},
  eventData: { text: input.text },
  // Staff notes stay internal unless the author says otherwise: safer for the requester's privacy.
  isInternal: input.isInternal ?? true,
});

/**
 * The requester's consent to publication, as told to staff. The case's public snapshot is rebuilt in the same
 * transaction (performCaseAction), so a withdrawal takes it off the portal when it commits. The event is public:
 * the requester sees their choice on the timeline.
 */
export const recordConsent: ActionHandler<'record-consent'> = async ({ record, input }) => ({
  patch: { publicationConsent: input.consent },
  eventData: { consent: input.consent, previous: record.publicationConsent, ...(input.note ? { note: input.note } : {}) },
  isInternal: false,
  // The same answer again would put a misleading "changed" entry on the requester's timeline.
  isUnchanged: record.publicationConsent === input.consent,
});

/**
 * No note: internal events are read by every unit that sees the case, and a note on why would be written in
 * the requester's words, naming them or when they called.
 */
export const protectIdentity: ActionHandler<'protect-identity'> = async () => ({
  patch: { isIdentityProtected: true },
  eventData: { reason: 'requested' },
  isInternal: true,
});

export const contributeToCase: ActionHandler<'contribute'> = async ({ store, record, actor, input }) => {
  const assignment = assignmentOfActor(actor, toSnapshot(record), (a) => a.role === 'assisting');
  return {
    patch: {},
    eventData: { unit: assignment ? await unitStampOf(store, assignment.unitId) : null, text: input.text },
    isInternal: true,
  };
};

/** Only present when given, so that replies without one keep their event data as before. */
const internalSummaryData = (summary: string | undefined): { internalSummary?: string } => (summary ? { internalSummary: summary } : {});

export const replyToCase: ActionHandler<'reply'> = async (ctx) => {
  const { input, now, store, record, actor } = ctx;
  const lead = assignmentOfActor(actor, toSnapshot(record), (a) => a.role === 'lead');
  await endAssignments(ctx, 'done');
  const sla = await applySla(ctx, lead?.unitId ?? null, () => ({ callback: { start: now } }));
  return {
    patch: {
      ...sla,
      replyDueAt: record.replyDueAt,
      replyText: input.text,
      replyOutcome: input.outcome,
      replyInternalSummary: input.internalSummary || null,
      repliedAt: now,
      amountRecoveredFen: input.amountRecoveredFen ?? record.amountRecoveredFen,
      extensionDays: null,
      extensionReason: null,
      extensionRequestedAt: null,
    },
    eventData: {
      unit: lead ? await unitStampOf(store, lead.unitId) : null,
      outcome: input.outcome,
      text: input.text,
      amountRecoveredFen: input.amountRecoveredFen ?? null,
      // Safe in the event: every public reader of case.replied (Open311 updates and webhooks, messages to the
      // requester, the tracking page) picks `text` and `outcome` by name and never passes the data on whole.
      ...internalSummaryData(input.internalSummary),
    },
  };
};

export const recordCallback: ActionHandler<'callback'> = async ({ store, record, input, now }) => {
  const patch: CasePatch = {
    callbackResolved: input.resolved,
    callbackSatisfaction: input.satisfaction,
    callbackComment: input.comment ?? null,
    callbackAt: now,
  };
  const eventData = { resolved: input.resolved, satisfaction: input.satisfaction, comment: input.comment ?? null };
  // "Not solved" at callback is a request to reopen, in the requester's words, for a dispatcher or supervisor to decide.
  if (!isNotSolved(input) || reopenRequestRefusal(record, now) !== null) return { patch, eventData };
  const request = await planReopenRequest({ store, record, now }, { reason: input.comment ?? '', source: 'callback' });
  return {
    patch: { ...patch, ...request.patch },
    eventData,
    followUps: [{ code: 'case.reopen_requested', fromStatus: record.status, toStatus: 'callback_done', data: request.eventData }, ...request.followUps.map((f) => ({ ...f, toStatus: 'callback_done', fromStatus: 'callback_done' }))],
  };
};

export const closeCase: ActionHandler<'close'> = async ({ store, record, now }) => {
  // The requester may still ask to reopen for a while after closing: the policy says how long.
  const policy = await store.policyFor(policyKeyOf(record));
  return { patch: { closedAt: now, reopenWindowEndsAt: new Date(now.getTime() + policy.reopenWindowDays * 86_400_000) }, eventData: {} };
};

export const rejectCase: ActionHandler<'reject'> = async ({ input, now }) => ({
  patch: { rejectReason: input.reason, rejectAdvice: input.advice ?? null, closedAt: now },
  eventData: { reason: input.reason, advice: input.advice ?? null },
});

export const resolveOnIntake: ActionHandler<'resolve-on-intake'> = async ({ store, record, input, now }) => {
  const outcome = input.outcome ?? 'explained';
  const sla = await applySla({ store, record, now }, null, () => ({ callback: { start: now } }));
  return {
    patch: { ...sla, replyText: input.text, replyOutcome: outcome, replyInternalSummary: input.internalSummary || null, repliedAt: now },
    eventData: { text: input.text, outcome, ...internalSummaryData(input.internalSummary) },
  };
};

export const requestExtension: ActionHandler<'request-extension'> = async ({ store, record, input, now }) => {
  const policy = await store.policyFor(policyKeyOf(record));
  if (policy.maxExtensionDays === null) throw fieldError('days', `the ${policy.code} time limits allow no extension`);
  if (input.days > policy.maxExtensionDays) throw fieldError('days', `at most ${policy.maxExtensionDays} days under the ${policy.code} time limits`);
  return {
    patch: { extensionDays: input.days, extensionReason: input.reason, extensionRequestedAt: now },
    eventData: { days: input.days, reason: input.reason },
  };
};

export const decideExtension: ActionHandler<'decide-extension'> = async ({ store, record, input, now }) => {
  const days = record.extensionDays ?? 0;
  const sla = input.isApproved ? await applySla({ store, record, now }, null, () => ({ reply: { extendDays: days } })) : {};
  const newDue = sla.replyDueAt ?? record.replyDueAt;
  return {
    patch: { ...sla, extensionDays: null, extensionReason: null, extensionRequestedAt: null },
    eventData: {
      isApproved: input.isApproved,
      days,
      reason: record.extensionReason,
      note: input.note ?? null,
      replyDueAt: newDue?.toISOString() ?? null,
    },
  };
};

export const superviseCase: ActionHandler<'supervise'> = async ({ input, now }) => {
  const dueBy = new Date(input.dueBy.length === 10 ? `${input.dueBy}T23:59:59+08:00` : input.dueBy);
  if (dueBy.getTime() <= now.getTime()) throw fieldError('dueBy', 'must be in the future');
  return {
    patch: { supervisionDueBy: dueBy, supervisionNote: input.note, supervisedAt: now, supervisionResponse: null, supervisionOutcome: null },
    eventData: { dueBy: dueBy.toISOString(), note: input.note },
  };
};

export const mergeCase: ActionHandler<'merge'> = async (ctx) => {
  const { store, record, actor, input, now } = ctx;
  if (input.masterId === record.id) throw fieldError('masterId', 'a case cannot be merged into itself');
  const master = await store.lockCase(input.masterId);
  if (!master || !canSeeCase(actor, toSnapshot(master))) throw fieldError('masterId', 'no such case');
  // As in the mature engines: never merge into a case that is itself merged away, or into a declined one.
  if (master.status === 'merged' || master.status === 'rejected') {
    throw new AppError('case.merge_target_invalid', `cannot merge into a case in status ${master.status}`, {
      masterId: master.id,
      masterStatus: master.status,
    });
  }
  await endAssignments(ctx, 'done');
  await store.appendEvent('case', master.id, {
    actorKind: 'user',
    actorId: actor.userId,
    code: 'case.merged_into',
    fromStatus: master.status,
    toStatus: master.status,
    isInternal: false,
    data: { caseId: record.id, trackingNo: record.trackingNo },
    at: now,
  });
  // A merge joins the two cases' protection (identity-protection.ts): each names the other, and duplicates are
  // often the same person's, so an unprotected side would show the handling unit who made the protected one.
  const isProtected = record.isIdentityProtected || master.isIdentityProtected;
  if (isProtected && !master.isIdentityProtected) {
    await store.appendEvent('case', master.id, {
      actorKind: 'user', actorId: actor.userId, code: 'case.identity_protected', fromStatus: master.status, toStatus: master.status,
      isInternal: true, data: { reason: 'merge' }, at: now,
    });
  }
  await store.updateCase(master.id, isProtected ? { isIdentityProtected: true } : {}, now);
  return {
    patch: { masterId: master.id, closedAt: now, ...(isProtected ? { isIdentityProtected: true } : {}) },
    eventData: { masterId: master.id, masterTrackingNo: master.trackingNo, ...(isProtected && !record.isIdentityProtected ? { isIdentityProtected: true } : {}) },
  };
};

export const urgeCase: ActionHandler<'urge'> = async ({ record, input }) => ({
  patch: { urgeCount: record.urgeCount + 1 },
  eventData: { message: input.message, count: record.urgeCount + 1 },
});

export const respondToSupervision: ActionHandler<'respond-supervision'> = async ({ store, record, actor, input }) => {
  const lead = assignmentOfActor(actor, toSnapshot(record), (a) => a.role === 'lead');
  return {
    patch: { supervisionResponse: input.text },
    eventData: { unit: lead ? await unitStampOf(store, lead.unitId) : null, text: input.text },
  };
};

export const concludeSupervision: ActionHandler<'conclude-supervision'> = async ({ input }) => ({
  patch: { supervisionOutcome: input.outcome },
  eventData: { outcome: input.outcome, note: input.note ?? null },
});
