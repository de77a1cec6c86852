import { stampUnit } from '../../directory/directory.types.js';
import { fieldError } from '../../shared/field-error.js';
import { acceptDueAt } from '../../sla/due-dates.js';
import { leadAssignment } from '../case-workflow.js';
import { toSnapshot } from '../case.record.js';
import { activeUnitOrThrow, limitsOf, unitStampOf, type ActionHandler } from './action-context.js';

export const transferCase: ActionHandler<'transfer'> = async ({ store, record, actor, input, now }) => {
  const target = await activeUnitOrThrow(store, input.unitId, 'unitId');
  const current = leadAssignment(toSnapshot(record));
  if (current?.unitId === target.id) throw fieldError('unitId', 'the case is already with this unit');
  if (record.assignments.some((a) => a.role === 'assisting' && a.unitId === target.id && (a.status === 'pending' || a.status === 'accepted'))) {
    throw fieldError('unitId', 'this unit already assists on the case');
  }
  if (current) await store.updateAssignment(current.id, { status: 'transferred', endedAt: now });
  await store.insertAssignment({ caseId: record.id, unitId: target.id, role: 'lead', assignedBy: actor.userId, at: now });
  const limits = await limitsOf(store, record);
  return {
    // The reply limit is kept: a transfer does not reset the requester's clock (first-receiver rule).
    patch: { leadUnitId: target.id, acceptedAt: null, acceptDueAt: acceptDueAt(now, limits.acceptHours), extensionDays: null, extensionReason: null, extensionRequestedAt: null },
    eventData: { fromUnit: current ? await unitStampOf(store, current.unitId) : null, toUnit: stampUnit(target), reason: input.reason },
  };
};
