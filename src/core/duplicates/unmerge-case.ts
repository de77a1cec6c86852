import type { Actor } from '../auth/actor.js';
import { hasPermission } from '../auth/actor.js';
import { canSeeCase } from '../case/case-workflow.js';
import type { CaseStore } from '../case/case.ports.js';
import { toSnapshot, type CaseRecord } from '../case/case.record.js';
import type { CaseStatus } from '../case/case.types.js';
import { AppError } from '../shared/app-error.js';

/** The merge being undone, as the timeline recorded it. */
export type MergeRecord = { at: Date; fromStatus: CaseStatus; masterId: string };

export type UnmergeStore = CaseStore & {
  /** The latest `case.merged` event of the case, or null. */
  lastMerge: (caseId: string) => Promise<MergeRecord | null>;
};

export type UnmergeDeps = {
  transaction: <T>(fn: (store: UnmergeStore) => Promise<T>) => Promise<T>;
  now: () => Date;
};

/** Statuses a case can be merged from (the merge action's `from`); anything else in the record is corrupt. */
const MERGEABLE: readonly CaseStatus[] = ['registered', 'dispatched', 'accepted', 'returned'];

/**
 * Undoes a merge: the case goes back to the status it had, with the assignments the merge ended, and
 * stops following its master. Both timelines record it (`case.unmerged` on the case, `case.unmerged_from`
 * on the master). Lock order is the case, then its master, as in the merge, so the two cannot deadlock.
 *
 * Time limits: the case keeps its due dates, which the merge did not clear; their timers check the status
 * when they fire, so those still ahead work again, and one that fired while the case was merged did nothing.
 */
export const unmergeCase = async (deps: UnmergeDeps, input: { caseId: string; actor: Actor; reason: string }): Promise<CaseRecord> => {
  const now = deps.now();
  return deps.transaction(async (store) => {
    const record = await store.lockCase(input.caseId);
    if (!record || !canSeeCase(input.actor, toSnapshot(record))) throw new AppError('case.not_found', 'no such case', { id: input.caseId });
    if (!hasPermission(input.actor, 'case.merge')) throw new AppError('auth.forbidden', 'missing permission case.merge', { permission: 'case.merge' });
    if (record.status !== 'merged') {
      throw new AppError('case.invalid_transition', `only a merged case can be unmerged, this one is ${record.status}`, { action: 'unmerge', status: record.status });
    }
    const merge = await store.lastMerge(record.id);
    if (!merge || !MERGEABLE.includes(merge.fromStatus)) throw new Error(`case ${record.id} is merged but its timeline has no usable case.merged event`);
    const master = await store.lockCase(merge.masterId);

    // The merge ended the active assignments at its own instant; start them again as they were.
    const ended = record.assignments.filter((a) => a.status === 'done' && a.endedAt?.getTime() === merge.at.getTime());
    for (const a of ended) {
      await store.insertAssignment({ caseId: record.id, unitId: a.unitId, role: a.role, assignedBy: input.actor.userId, at: now });
    }
    if (ended.some((a) => a.acceptedAt !== null)) {
      const restarted = (await store.findCase(record.id))?.assignments ?? [];
      for (const a of ended.filter((e) => e.acceptedAt !== null)) {
        const fresh = restarted.find((r) => r.unitId === a.unitId && r.role === a.role && r.status === 'pending');
        if (fresh && a.acceptedAt) await store.updateAssignment(fresh.id, { status: 'accepted', acceptedAt: a.acceptedAt });
      }
    }
    await store.updateCase(record.id, { status: merge.fromStatus, masterId: null, closedAt: null }, now);
    await store.appendEvent('case', record.id, {
      actorKind: 'user',
      actorId: input.actor.userId,
      code: 'case.unmerged',
      fromStatus: 'merged',
      toStatus: merge.fromStatus,
      isInternal: false,
      data: { masterId: merge.masterId, masterTrackingNo: master?.trackingNo ?? null, reason: input.reason },
      at: now,
    });
    if (master) {
      await store.appendEvent('case', master.id, {
        actorKind: 'user',
        actorId: input.actor.userId,
        code: 'case.unmerged_from',
        fromStatus: master.status,
        toStatus: master.status,
        isInternal: false,
        data: { caseId: record.id, trackingNo: record.trackingNo, reason: input.reason },
        at: now,
      });
      await store.updateCase(master.id, {}, now);
    }
    const updated = await store.findCase(record.id);
    if (!updated) throw new Error('case vanished inside its own transaction');
    return updated;
  });
};
