import { assignmentOfActor } from '../case-workflow.js';
import { toSnapshot } from '../case.record.js';
import { applySla, unitStampOf, type ActionHandler } from './action-context.js';

export const acceptCase: ActionHandler<'accept'> = async ({ store, record, actor, input, now }) => {
  // The workflow guard has already ensured the actor's unit holds a pending assignment.
  const assignment = assignmentOfActor(actor, toSnapshot(record), (a) => a.status === 'pending');
  if (!assignment) throw new Error('accept: no pending assignment after the guard passed');
  await store.updateAssignment(assignment.id, { status: 'accepted', acceptedAt: now });
  const isLead = assignment.role === 'lead';
  // Petitions count the handling limit from acceptance, not from receipt.
  const sla = isLead
    ? await applySla({ store, record, now }, assignment.unitId, (policy) =>
        record.replyDueAt === null && policy.replyClock === 'acceptance' ? { reply: { start: now } } : {},
      )
    : {};
  return {
    patch: isLead ? { ...sla, acceptedAt: now, acceptDueAt: null } : {},
    eventData: { unit: await unitStampOf(store, assignment.unitId), role: assignment.role, note: input.note ?? null },
  };
};
