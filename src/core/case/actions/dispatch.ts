import { stampUnit } from '../../directory/directory.types.js';
import { fieldError } from '../../shared/field-error.js';
import { activeUnitOrThrow, applySla, endAssignments, type ActionHandler } from './action-context.js';

export const dispatchCase: ActionHandler<'dispatch'> = async (ctx) => {
  const { store, record, actor, input, now } = ctx;
  const lead = await activeUnitOrThrow(store, input.unitId, 'unitId');
  const assistingIds = [...new Set(input.assistingUnitIds ?? [])];
  if (assistingIds.includes(lead.id)) throw fieldError('assistingUnitIds', 'the lead unit cannot also assist');
  const assisting = [];
  for (const [i, id] of assistingIds.entries()) assisting.push(await activeUnitOrThrow(store, id, `assistingUnitIds.${i}`));

  await endAssignments(ctx, 'done');
  await store.insertAssignment({ caseId: record.id, unitId: lead.id, role: 'lead', assignedBy: actor.userId, at: now });
  for (const unit of assisting) {
    await store.insertAssignment({ caseId: record.id, unitId: unit.id, role: 'assisting', assignedBy: actor.userId, at: now });
  }
  const sla = await applySla(ctx, lead.id, (policy) => ({
    accept: { start: now },
    // First-receiver rule: the requester's clock runs from registration and a re-dispatch does not reset it.
    ...(record.replyDueAt === null && policy.replyClock === 'registration' ? { reply: { start: record.createdAt } } : {}),
  }));
  return {
    patch: { ...sla, leadUnitId: lead.id, dispatchedAt: now, acceptedAt: null },
    eventData: { unit: stampUnit(lead), assistingUnits: assisting.map(stampUnit), note: input.note ?? null },
  };
};
