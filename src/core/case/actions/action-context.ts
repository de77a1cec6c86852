import type { Actor } from '../../auth/actor.js';
import type { TransitionPlan } from '../../workflow/engine.js';
import type { CaseStore } from '../case.ports.js';
import type { CasePatch, CaseRecord } from '../case.record.js';
import type { ActionInput, ActionSchemas } from '../case.schemas.js';
import type { CaseAction, CaseStatus } from '../case.types.js';
import { fieldError } from '../../shared/field-error.js';
import { stampUnit, type UnitRef, type UnitStamp } from '../../directory/directory.types.js';
import { DEFAULT_LIMITS } from '../../sla/due-dates.js';

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
};

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

export const limitsOf = async (store: CaseStore, record: CaseRecord) => {
  const category = record.categoryId ? await store.findCategory(record.categoryId) : null;
  return category ? { acceptHours: category.acceptHours, replyDays: category.replyDays } : DEFAULT_LIMITS;
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
