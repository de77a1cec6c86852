import { resumeEffect } from './actions/hold.js';
import type { CaseStore } from './case.ports.js';
import type { HoldTimerPayload } from './hold-deadlines.js';

/**
 * A hold's timer, in the job's own transaction. The reminder tells the requester again what is missing and until
 * when (`case.hold_reminded`, public: the notifier sends it). At the end of the wait the case resumes by itself
 * (`case.resumed {source: system, reason: hold_expired}`), its clocks running again, and the unit is told to go on
 * with what it has: closing without a reply would break "every case gets an answer". A timer of an earlier hold,
 * or of a hold already ended, finds nothing to do.
 */
export const applyHoldTimer = async (deps: { store: CaseStore; now: Date }, payload: HoldTimerPayload): Promise<'applied' | 'stale'> => {
  const { store, now } = deps;
  const record = await store.lockCase(payload.caseId);
  if (!record || record.status !== 'on_hold' || record.heldAt?.toISOString() !== payload.heldAt) return 'stale';
  const system = { actorKind: 'system' as const, actorId: null, isInternal: false, at: now };
  if (payload.timer === 'reminder') {
    // The date the requester was given, not the policy's today; a reminder run late, after it, has nothing to say.
    const endsAt = record.holdEndsAt;
    if (endsAt && now.getTime() >= endsAt.getTime()) return 'stale';
    await store.appendEvent('case', record.id, {
      ...system,
      code: 'case.hold_reminded',
      fromStatus: 'on_hold',
      toStatus: 'on_hold',
      data: { reason: record.holdReason, endsAt: endsAt?.toISOString() ?? null },
    });
    await store.updateCase(record.id, {}, now);
    return 'applied';
  }
  const effect = await resumeEffect({ store, record, now }, 'system');
  await store.updateCase(record.id, { ...effect.patch, status: effect.to }, now);
  await store.appendEvent('case', record.id, {
    ...system,
    code: 'case.resumed',
    fromStatus: 'on_hold',
    toStatus: effect.to,
    data: { ...effect.data, reason: 'hold_expired', heldFrom: record.holdFromStatus },
  });
  return 'applied';
};
