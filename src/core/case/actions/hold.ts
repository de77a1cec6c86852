import { pauseTarget, type CasePolicy } from '../../sla/case-sla.js';
import { SLA_TARGETS, type SlaTarget } from '../../sla/sla-policy.js';
import type { CaseStore } from '../case.ports.js';
import { policyKeyOf } from '../case.ports.js';
import type { CasePatch, CaseRecord, CaseSla, SlaTargetRecord } from '../case.record.js';
import type { CaseStatus } from '../case.types.js';
import { holdDeadlines, holdTimerJobs } from '../hold-deadlines.js';
import { scheduleSlaTimers, type ActionHandler } from './action-context.js';

// Holding a case while it waits on the requester (待群众补充 / 补充材料), docs/time-limits.md. Whether the
// clocks stand still is the policy's `pausedStatuses` (configured per category, channel and kind), never a
// rule here: a status counts as paused only if the case's policy lists it.

type Ctx = { store: CaseStore; record: CaseRecord; now: Date };

const policyOf = (ctx: Ctx): Promise<CasePolicy> =>
  ctx.store.policyFor(policyKeyOf(ctx.record));

export const isPausedStatus = (policy: CasePolicy, status: CaseStatus): boolean => policy.pausedStatuses.includes(status);

/** A target whose step is done no longer runs, so a pause does not move it. */
const isTargetOpen = (record: CaseRecord, target: SlaTarget): boolean => {
  switch (target) {
    case 'accept':
      return record.acceptedAt === null && record.dispatchedAt !== null;
    case 'reply':
      return record.repliedAt === null;
    case 'callback':
      return record.callbackAt === null && record.repliedAt !== null;
    default:
      return false;
  }
};

const openTargets = (record: CaseRecord): [SlaTarget, SlaTargetRecord][] =>
  SLA_TARGETS.flatMap((target) => {
    const t = record.sla.targets?.[target];
    return t && isTargetOpen(record, target) ? [[target, t] as [SlaTarget, SlaTargetRecord]] : [];
  });

export const holdCase: ActionHandler<'hold'> = async ({ store, record, input, now, plan }) => {
  const policy = await policyOf({ store, record, now });
  const isClockPaused = isPausedStatus(policy, 'on_hold');
  // The stored explanation says the clock stands still, so "why is it due then" is true while the case waits.
  const targets = { ...(record.sla.targets ?? {}) };
  if (isClockPaused) {
    for (const [target, t] of openTargets(record)) targets[target] = { ...t, explanation: { ...t.explanation, pausedSince: now.toISOString() } };
  }
  // The wait has an end the requester is told of (the message and the tracking page), and timers that keep it.
  const deadlines = holdDeadlines(now, policy);
  await store.scheduleJobs(holdTimerJobs(record.id, now, deadlines));
  return {
    patch: { holdFromStatus: plan.from, holdReason: input.reason, heldAt: now, holdEndsAt: deadlines.endsAt, sla: { ...record.sla, targets } },
    eventData: { reason: input.reason, isClockPaused, endsAt: deadlines.endsAt?.toISOString() ?? null },
  };
};

export type ResumeEffect = { to: CaseStatus; patch: CasePatch; data: Record<string, unknown> };

/**
 * Ends a hold: back to the status the case came from. If the policy counts the hold as paused, every open due
 * date moves on by the time the pause took from it (the pause is kept in its explanation); in any case the
 * warning and overdue timers are set again, as the old ones found the case on hold and did nothing.
 */
export const resumeEffect = async (ctx: Ctx, source: 'staff' | 'requester' | 'system'): Promise<ResumeEffect> => {
  const { store, record, now } = ctx;
  const policy = await policyOf(ctx);
  const heldAt = record.heldAt ?? now;
  const isClockPaused = isPausedStatus(policy, 'on_hold');
  const calendar = await store.calendarFor(record.leadUnitId ?? record.intakeUnitId);
  const targets = { ...(record.sla.targets ?? {}) };
  const patch: CasePatch = {};
  const moved: Partial<Record<SlaTarget, string>> = {};
  for (const [target, t] of openTargets(record)) {
    const paused = isClockPaused ? pauseTarget(policy, target, calendar, t, { from: heldAt, to: now }) : null;
    const next: SlaTargetRecord = paused
      ? { dueAt: paused.dueAt.toISOString(), warnAt: paused.warnAt.toISOString(), explanation: paused.explanation }
      : { ...t, explanation: { ...t.explanation, pausedSince: null } };
    targets[target] = next;
    if (paused) moved[target] = next.dueAt;
    if (target === 'accept') patch.acceptDueAt = new Date(next.dueAt);
    if (target === 'reply') patch.replyDueAt = new Date(next.dueAt);
    await scheduleSlaTimers(store, record.id, target, { dueAt: new Date(next.dueAt), warnAt: new Date(next.warnAt) }, `resumed:${now.toISOString()}`);
  }
  const sla: CaseSla = { ...record.sla, targets };
  const isLate = [patch.acceptDueAt, patch.replyDueAt].some((d) => d instanceof Date && d.getTime() <= now.getTime());
  return {
    to: record.holdFromStatus ?? 'registered',
    patch: { ...patch, sla, slaState: isLate ? 'overdue' : Object.keys(moved).length > 0 ? 'ok' : record.slaState, holdFromStatus: null, holdReason: null, heldAt: null, holdEndsAt: null },
    data: {
      source,
      heldAt: heldAt.toISOString(),
      isClockPaused,
      pausedMillis: now.getTime() - heldAt.getTime(),
      replyDueAt: (patch.replyDueAt ?? record.replyDueAt)?.toISOString() ?? null,
      movedTargets: moved,
    },
  };
};

export const resumeCase: ActionHandler<'resume'> = async ({ store, record, input, now }) => {
  const effect = await resumeEffect({ store, record, now }, 'staff');
  return { patch: effect.patch, eventData: { ...effect.data, note: input.note ?? null }, to: effect.to };
};
