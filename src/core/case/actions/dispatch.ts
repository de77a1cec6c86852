import { stampUnit } from '../../directory/directory.types.js';
import { fieldError } from '../../shared/field-error.js';
import { acceptDueAt, replyDueAt } from '../../sla/due-dates.js';
import { activeUnitOrThrow, endAssignments, limitsOf, type ActionHandler } from './action-context.js';

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
  const limits = await limitsOf(store, record);
  return {
    patch: {
      leadUnitId: lead.id,
      dispatchedAt: now,
      acceptedAt: null,
      acceptDueAt: acceptDueAt(now, limits.acceptHours),
      // First-receiver rule: the requester's clock runs from the first dispatch, not from a re-dispatch.
      replyDueAt: record.replyDueAt ?? replyDueAt(now, limits.replyDays),
    },
    eventData: { unit: stampUnit(lead), assistingUnits: assisting.map(stampUnit), note: input.note ?? null },
  };
};
