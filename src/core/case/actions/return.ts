import { assignmentOfActor } from '../case-workflow.js';
import { toSnapshot } from '../case.record.js';
import { endAssignments, unitStampOf, type ActionHandler } from './action-context.js';

export const returnCase: ActionHandler<'return'> = async (ctx) => {
  const { store, record, actor, input, now } = ctx;
  const assignment = assignmentOfActor(actor, toSnapshot(record));
  if (!assignment) throw new Error('return: no active assignment after the scope check passed');
  await store.updateAssignment(assignment.id, { status: 'returned', endedAt: now });
  const isLead = assignment.role === 'lead';
  if (isLead) {
    // Without a lead there is no joint handling left: the dispatcher starts over.
    await endAssignments(ctx, 'done', (a) => a.id !== assignment.id);
  }
  return {
    patch: isLead ? { leadUnitId: null, acceptDueAt: null, acceptedAt: null, extensionDays: null, extensionReason: null, extensionRequestedAt: null } : {},
    eventData: { unit: await unitStampOf(store, assignment.unitId), role: assignment.role, reason: input.reason },
  };
};
