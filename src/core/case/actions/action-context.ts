import type { Actor } from '../../auth/actor.js';
import type { TransitionPlan } from '../../workflow/engine.js';
import type { CaseStore } from '../case.ports.js';
import { policyKeyOf } from '../case.ports.js';
import type { CasePatch, CaseRecord } from '../case.record.js';
import type { ActionInput, ActionSchemas } from '../case.schemas.js';
import type { CaseAction, CaseStatus } from '../case.types.js';
import { fieldError } from '../../shared/field-error.js';
import { stampUnit, type UnitRef, type UnitStamp } from '../../directory/directory.types.js';
import { dueForTarget, extendTarget, type CasePolicy } from '../../sla/case-sla.js';
import type { SlaTarget } from '../../sla/sla-policy.js';

export type ActionContext<A extends CaseAction & keyof ActionSchemas> = {
  store: CaseStore;
  record: CaseRecord;
  actor: Actor;
  input: ActionInput<A>;
  now: Date;
  plan: TransitionPlan<CaseStatus>;
};

export type ActionEffect = {
  patch: CasePatch;
  eventData: Record<string, unknown>;
  isInternal?: boolean;
  /** The status the case ends in when the input decides it (an approved reopen request); default: the plan's. */
  to?: CaseStatus;
  /** Further timeline events of the same step, appended after the action's own (e.g. `case.reopened`). */
  followUps?: FollowUpEvent[];
  /** The action would change nothing (an answer recorded again): no update, no event. */
  isUnchanged?: boolean;
};

export type FollowUpEvent = { code: string; fromStatus: string; toStatus: string; data: Record<string, unknown>; actorKind?: 'user' | 'requester' | 'system'; isInternal?: boolean };

export type ActionHandler<A extends CaseAction & keyof ActionSchemas> = (ctx: ActionContext<A>) => Promise<ActionEffect>;

export const activeUnitOrThrow = async (store: CaseStore, unitId: string, field: string): Promise<UnitRef> => {
  const unit = await store.findUnit(unitId);
  if (!unit || !unit.isActive) throw fieldError(field, 'no active unit with this id');
  return unit;
};

export const unitStampOf = async (store: CaseStore, unitId: string): Promise<UnitStamp | null> => {
  const unit = await store.findUnit(unitId);
  return unit ? stampUnit(unit) : null;
};

export const SLA_TIMER_JOB = 'case.sla_timer';

type SlaTimerJob = Parameters<CaseStore['scheduleJobs']>[0][number];

/**
 * The warning and overdue timers of one due date. `round` makes the dedupe key new when the same due date must
 * be watched again (a hold whose time counts stopped the old timers: they found the case on hold).
 */
const slaTimerJobs = (caseId: string, target: SlaTarget, due: { dueAt: Date; warnAt: Date }, round?: string): SlaTimerJob[] =>
  ([['warning', due.warnAt], ['overdue', due.dueAt]] as const).map(([timer, at]) => ({
    kind: SLA_TIMER_JOB,
    runAt: at,
    payload: { version: 1, caseId, target, timer, dueAt: due.dueAt.toISOString() },
    dedupeKey: `sla:${caseId}:${target}:${timer}:${due.dueAt.toISOString()}${round ? `:${round}` : ''}`,
  }));

/** Persists the warning and overdue timers of one due date (see slaTimerJobs). */
export const scheduleSlaTimers = async (
  store: CaseStore,
  caseId: string,
  target: SlaTarget,
  due: { dueAt: Date; warnAt: Date },
  round?: string,
): Promise<void> => {
  await store.scheduleJobs(slaTimerJobs(caseId, target, due, round));
};

export type SlaChange = { start: Date } | { extendDays: number } | null;

/**
 * Computes the due dates of the given targets by the case's SLA policy on the responsible unit's calendar,
 * keeps each with its explanation on the case, and schedules its warning and overdue timers. Returns the
 * patch for the case row. Timers that a later change makes stale find a different due date and do nothing.
 */
export const applySla = async (
  ctx: { store: CaseStore; record: CaseRecord; now: Date },
  unitId: string | null,
  decide: (policy: CasePolicy) => Partial<Record<SlaTarget, SlaChange>>,
): Promise<CasePatch> => {
  const { store, record, now } = ctx;
  const policy = await store.policyFor(policyKeyOf(record));
  const calendar = await store.calendarFor(unitId ?? record.leadUnitId ?? record.intakeUnitId);
  const targets = { ...(record.sla.targets ?? {}) };
  const patch: CasePatch = {};
  const timers: SlaTimerJob[] = [];
  for (const [target, change] of Object.entries(decide(policy)) as [SlaTarget, SlaChange][]) {
    const previous = targets[target];
    const due =
      change === null
        ? null
        : 'start' in change
          ? dueForTarget(policy, target, calendar, change.start)
          : previous
            ? extendTarget(policy, target, calendar, new Date(previous.dueAt), change.extendDays)
            : null;
    if (due) {
      targets[target] = { dueAt: due.dueAt.toISOString(), warnAt: due.warnAt.toISOString(), explanation: due.explanation };
      timers.push(...slaTimerJobs(record.id, target, due));
    } else {
      delete targets[target];
    }
    if (target === 'accept') patch.acceptDueAt = due?.dueAt ?? null;
    if (target === 'reply') patch.replyDueAt = due?.dueAt ?? null;
  }
  // All timers of the step with one statement.
  if (timers.length > 0) await store.scheduleJobs(timers);
  const isLate = [patch.acceptDueAt, patch.replyDueAt].some((d) => d instanceof Date && d.getTime() <= now.getTime());
  return {
    ...patch,
    slaPolicyCode: policy.code,
    sla: { policy: { code: policy.code, name: policy.name }, calendar: calendar.id, targets },
    slaState: isLate ? 'overdue' : 'ok',
  };
};

/** Ends every active assignment of the case matching the filter, with the given final status. */
export const endAssignments = async (
  ctx: { store: CaseStore; record: CaseRecord; now: Date },
  status: 'returned' | 'transferred' | 'done',
  filter: (a: CaseRecord['assignments'][number]) => boolean = () => true,
): Promise<void> => {
  for (const a of ctx.record.assignments) {
    if ((a.status === 'pending' || a.status === 'accepted') && filter(a)) {
      await ctx.store.updateAssignment(a.id, { status, endedAt: ctx.now });
    }
  }
};
