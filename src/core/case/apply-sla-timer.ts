import { z } from 'zod';
import { addWorkingDays } from '../calendar/calendar.js';
import { SLA_TARGETS } from '../sla/sla-policy.js';
import type { CaseStore } from './case.ports.js';
import type { CasePatch, CaseRecord } from './case.record.js';
import { OPEN_STATUSES } from './case.types.js';

/** Job payloads are a boundary too: validated and versioned. */
export const slaTimerPayloadSchema = z.object({
  version: z.literal(1),
  caseId: z.uuid(),
  target: z.enum(SLA_TARGETS),
  timer: z.enum(['warning', 'overdue']),
  dueAt: z.iso.datetime({ offset: true }),
});
export type SlaTimerPayload = z.infer<typeof slaTimerPayloadSchema>;

/** Working days a unit gets to answer an automatic supervision of an overdue case. */
export const AUTO_SUPERVISION_WORKING_DAYS = 2;

/** Is the target this timer was set for still waiting, with the same due date? Otherwise it is stale. */
const isStillPending = (record: CaseRecord, p: SlaTimerPayload): boolean => {
  const due = new Date(p.dueAt).getTime();
  switch (p.target) {
    case 'accept':
      return record.status === 'dispatched' && record.acceptDueAt?.getTime() === due;
    case 'reply':
      return OPEN_STATUSES.includes(record.status) && record.replyDueAt?.getTime() === due;
    case 'callback':
      return record.status === 'replied' && record.sla.targets?.callback?.dueAt === new Date(due).toISOString();
    default:
      return false;
  }
};

/**
 * Runs inside the job's own transaction, so the timeline entry, the escalation and the job being marked
 * done commit together: a timer fires once, even across crashes and restarts.
 */
export const applySlaTimer = async (
  deps: { store: CaseStore; now: Date },
  payload: SlaTimerPayload,
): Promise<'applied' | 'stale'> => {
  const { store, now } = deps;
  const record = await store.lockCase(payload.caseId);
  if (!record || !isStillPending(record, payload)) return 'stale';
  const isOverdue = payload.timer === 'overdue';
  const patch: CasePatch = { slaState: isOverdue ? 'overdue' : record.slaState === 'overdue' ? 'overdue' : 'warning' };
  await store.appendEvent('case', record.id, {
    actorKind: 'system',
    actorId: null,
    code: isOverdue ? 'case.overdue' : 'case.sla_warning',
    fromStatus: record.status,
    toStatus: record.status,
    isInternal: false,
    data: { target: payload.target, dueAt: payload.dueAt, unitId: record.leadUnitId },
    at: now,
  });
  // Escalation: an overdue acceptance or reply is put on the supervisors' list with a demanded date.
  if (isOverdue && payload.target !== 'callback' && record.supervisedAt === null) {
    const calendar = await store.calendarFor(record.leadUnitId ?? record.intakeUnitId);
    const dueBy = addWorkingDays(calendar, now, AUTO_SUPERVISION_WORKING_DAYS);
    Object.assign(patch, { supervisionDueBy: dueBy, supervisionNote: `overdue:${payload.target}`, supervisedAt: now });
    await store.appendEvent('case', record.id, {
      actorKind: 'system',
      actorId: null,
      code: 'case.supervised',
      fromStatus: record.status,
      toStatus: record.status,
      isInternal: false,
      data: { dueBy: dueBy.toISOString(), note: null, isAutomatic: true, reason: `overdue_${payload.target}` },
      at: now,
    });
  }
  await store.updateCase(record.id, patch, now);
  return 'applied';
};
