import { addWorkingDays } from '../../calendar/calendar.js';
import { AppError } from '../../shared/app-error.js';
import type { CasePolicy } from '../../sla/case-sla.js';
import { reopenTarget } from '../case-workflow.js';
import type { CaseStore } from '../case.ports.js';
import { policyKeyOf } from '../case.ports.js';
import { isReopenWindowOpen, toSnapshot, type CasePatch, type CaseRecord } from '../case.record.js';
import type { CaseStatus, ReopenSource } from '../case.types.js';
import { AUTO_SUPERVISION_WORKING_DAYS } from '../apply-sla-timer.js';
import { applySla, unitStampOf, type ActionEffect, type ActionHandler, type FollowUpEvent } from './action-context.js';

// The reopen policy (重办), docs/notifications.md: "not solved" never reopens a case by itself, nor is it lost.
// It becomes a pending request that a dispatcher or supervisor decides; the rounds are limited per policy, and a
// request beyond the limit goes to supervision (督办) instead.

type Ctx = { store: CaseStore; record: CaseRecord; now: Date };

const policyOf = (ctx: Ctx): Promise<CasePolicy> =>
  ctx.store.policyFor(policyKeyOf(ctx.record));

/** The handling round a reopening would start: the first handling is round 1. */
const nextRound = (record: CaseRecord): number => record.reopenCount + 2;

/** "Not solved" or "dissatisfied": the answers that ask for the case to be handled again. */
export const isNotSolved = (answer: { resolved: string; satisfaction: string }): boolean =>
  answer.resolved === 'no' || answer.satisfaction === 'dissatisfied';

/**
 * Can the requester's request to reopen be recorded now? Only for an answered case (replied, called back, or
 * closed within the policy's window), and one pending request at a time. Returns why not, or null.
 */
export const reopenRequestRefusal = (record: CaseRecord, now: Date): 'status' | 'pending' | 'window_closed' | null => {
  if (!(['replied', 'callback_done', 'closed'] as readonly CaseStatus[]).includes(record.status)) return 'status';
  if (record.reopenRequestedAt !== null) return 'pending';
  return isReopenWindowOpen(record, now) ? null : 'window_closed';
};

export type ReopenRequestPlan = { patch: CasePatch; eventData: Record<string, unknown>; followUps: FollowUpEvent[] };

/**
 * Records a request to reopen: pending for a decision, or, when the case has had all the rounds its policy
 * allows, escalated at once to the supervisors' list with a demanded date (as an overdue case is).
 */
export const planReopenRequest = async (ctx: Ctx, request: { reason: string; source: ReopenSource }): Promise<ReopenRequestPlan> => {
  const { store, record, now } = ctx;
  const policy = await policyOf(ctx);
  const isEscalated = record.reopenCount >= policy.maxReopenRounds;
  const eventData = { reason: request.reason, source: request.source, round: nextRound(record), maxRounds: policy.maxReopenRounds, isEscalated };
  const requestFields: CasePatch = { reopenRequestReason: request.reason, reopenRequestSource: request.source, reopenDecisionNote: null };
  if (!isEscalated) {
    return {
      patch: { ...requestFields, reopenRequestedAt: now, reopenDecision: null, reopenDecidedAt: null },
      eventData,
      followUps: [],
    };
  }
  const patch: CasePatch = { ...requestFields, reopenRequestedAt: null, reopenDecision: 'escalated', reopenDecidedAt: now };
  const followUps: FollowUpEvent[] = [];
  const isUnderSupervision = record.supervisedAt !== null && record.supervisionOutcome === null;
  if (!isUnderSupervision) {
    const calendar = await store.calendarFor(record.leadUnitId ?? record.intakeUnitId);
    const dueBy = addWorkingDays(calendar, now, AUTO_SUPERVISION_WORKING_DAYS);
    Object.assign(patch, {
      supervisionDueBy: dueBy, supervisionNote: 'reopen_limit:', supervisedAt: now, supervisionResponse: null, supervisionOutcome: null,
    } satisfies CasePatch);
    followUps.push({
      code: 'case.supervised',
      fromStatus: record.status,
      toStatus: record.status,
      actorKind: 'system',
      data: { dueBy: dueBy.toISOString(), note: null, isAutomatic: true, reason: 'reopen_limit_reached' },
    });
  }
  return { patch, eventData, followUps };
};

/** Refuses a reopening beyond the rounds the policy allows. */
const checkRoundsOrThrow = (record: CaseRecord, policy: CasePolicy): void => {
  if (record.reopenCount >= policy.maxReopenRounds) {
    throw new AppError('case.reopen_limit_reached', `this case was already reopened ${record.reopenCount} times (policy ${policy.code} allows ${policy.maxReopenRounds})`, {
      reopenCount: record.reopenCount,
      maxRounds: policy.maxReopenRounds,
    });
  }
};

/**
 * The effect of reopening: back to the lead unit that answered (a new round with its own time limits), or
 * to dispatch for a case answered at intake. The reply, callback and rating of the last round are cleared
 * (they stay on the timeline).
 */
export const reopenEffect = async (
  ctx: Ctx & { actorId: string | null },
  reason: string,
): Promise<{ to: CaseStatus; patch: CasePatch; data: Record<string, unknown> }> => {
  const { store, record, now } = ctx;
  checkRoundsOrThrow(record, await policyOf(ctx));
  const to = reopenTarget(toSnapshot(record));
  const previousLead = [...record.assignments].reverse().find((a) => a.role === 'lead' && a.status === 'done');
  let patch: CasePatch;
  if (to === 'dispatched' && previousLead) {
    await store.insertAssignment({ caseId: record.id, unitId: previousLead.unitId, role: 'lead', assignedBy: ctx.actorId, at: now });
    // A reopened case is a new round of handling with its own limits.
    const sla = await applySla(ctx, previousLead.unitId, () => ({ accept: { start: now }, reply: { start: now }, callback: null }));
    patch = { ...sla, leadUnitId: previousLead.unitId, dispatchedAt: now, acceptedAt: null };
  } else {
    patch = await applySla(ctx, null, () => ({ reply: null, callback: null }));
  }
  return {
    to,
    patch: {
      ...patch,
      replyText: null,
      replyOutcome: null,
      replyInternalSummary: null,
      repliedAt: null,
      callbackResolved: null,
      callbackSatisfaction: null,
      callbackComment: null,
      callbackAt: null,
      ratingResolved: null,
      ratingSatisfaction: null,
      ratingComment: null,
      ratedAt: null,
      closedAt: null,
      reopenWindowEndsAt: null,
      reopenCount: record.reopenCount + 1,
    },
    data: {
      reason,
      round: nextRound(record),
      unit: previousLead && to === 'dispatched' ? await unitStampOf(store, previousLead.unitId) : null,
    },
  };
};

/** Staff's own reopening; a pending request is thereby approved. */
export const reopenCase: ActionHandler<'reopen'> = async ({ store, record, actor, input, now }) => {
  const effect = await reopenEffect({ store, record, now, actorId: actor.userId }, input.reason);
  const request: CasePatch =
    record.reopenRequestedAt !== null ? { reopenRequestedAt: null, reopenDecision: 'approved', reopenDecidedAt: now, reopenDecisionNote: null } : {};
  return { patch: { ...effect.patch, ...request }, eventData: effect.data, to: effect.to };
};

export const requestReopen: ActionHandler<'request-reopen'> = async ({ store, record, input, now }) => {
  const plan = await planReopenRequest({ store, record, now }, { reason: input.reason, source: 'staff' });
  return { patch: plan.patch, eventData: plan.eventData, followUps: plan.followUps };
};

export const decideReopen: ActionHandler<'decide-reopen'> = async ({ store, record, actor, input, now, plan }): Promise<ActionEffect> => {
  const reason = record.reopenRequestReason ?? '';
  const decided: CasePatch = { reopenRequestedAt: null, reopenDecidedAt: now, reopenDecisionNote: input.note ?? null };
  const base = { isApproved: input.isApproved, note: input.note ?? null, reason, source: record.reopenRequestSource, round: nextRound(record) };
  if (!input.isApproved) {
    // The case stays where it was: a closed case stays closed, honestly marked "not resolved" on the tracking page.
    return { patch: { ...decided, reopenDecision: 'declined' }, eventData: base };
  }
  const effect = await reopenEffect({ store, record, now, actorId: actor.userId }, reason);
  return {
    patch: { ...effect.patch, ...decided, reopenDecision: 'approved' },
    eventData: { ...base, unit: effect.data.unit },
    to: effect.to,
    // The reopening itself, as when staff reopen directly: the unit and the requester are told by this event.
    followUps: [{ code: 'case.reopened', fromStatus: plan.from, toStatus: effect.to, data: { ...effect.data, source: record.reopenRequestSource } }],
  };
};
