import { stampUnit } from '../../directory/directory.types.js';
import { fieldError } from '../../shared/field-error.js';
import { leadAssignment } from '../case-workflow.js';
import { toSnapshot } from '../case.record.js';
import { activeUnitOrThrow, applySla, unitStampOf, type ActionHandler } from './action-context.js';

export const transferCase: ActionHandler<'transfer'> = async ({ store, record, actor, input, now }) => {
  const target = await activeUnitOrThrow(store, input.unitId, 'unitId');
  const current = leadAssignment(toSnapshot(record));
  if (current?.unitId === target.id) throw fieldError('unitId', 'the case is already with this unit');
  if (record.assignments.some((a) => a.role === 'assisting' && a.unitId === target.id && (a.status === 'pending' || a.status === 'accepted'))) {
    throw fieldError('unitId', 'this unit already assists on the case');
  }
  if (current) await store.updateAssignment(current.id, { status: 'transferred', endedAt: now });
  await store.insertAssignment({ caseId: record.id, unitId: target.id, role: 'lead', assignedBy: actor.userId, at: now });
  // Only the new unit's acceptance clock starts; the reply limit is kept (first-receiver rule).
  const sla = await applySla({ store, record, now }, target.id, () => ({ accept: { start: now } }));
  return {
    patch: { ...sla, leadUnitId: target.id, acceptedAt: null, extensionDays: null, extensionReason: null, extensionRequestedAt: null },
    eventData: { fromUnit: current ? await unitStampOf(store, current.unitId) : null, toUnit: stampUnit(target), reason: input.reason },
  };
};
