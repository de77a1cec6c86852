import type { UserActor } from '../auth/actor.js';
import { performCaseAction } from '../case/perform-case-action.js';
import { fieldError } from '../shared/field-error.js';
import type { CallbackDeps, CallbackStore } from './callback.ports.js';
import { decideAfterAttempt, isUnreachableOutcome, shanghaiDay } from './callback-rules.js';
import type { AttemptOutcome, CallbackResult, CallbackTask } from './callback.types.js';
import type { CaseStore } from '../case/case.ports.js';
import { takeClaimOrThrow } from './claim-callback-task.js';
import { lockTaskInScopeOrThrow } from './task-access.js';

export type AttemptInput = { outcome: AttemptOutcome; note?: string; result?: CallbackResult };

/**
 * Appends a timeline event on the case for what the callback came to when it produced no result (unreachable,
 * refused). The case's callback fields stay empty: an unreachable requester is never counted as satisfied.
 */
export const recordCaseCallbackEnd = async (
  cases: CaseStore,
  input: { caseId: string; code: 'callback.unreachable' | 'callback.refused'; actorId: string | null; data: Record<string, unknown>; at: Date },
): Promise<void> => {
  const record = await cases.lockCase(input.caseId);
  if (!record) return;
  await cases.appendEvent('case', record.id, {
    actorKind: input.actorId ? 'user' : 'system',
    actorId: input.actorId,
    code: input.code,
    fromStatus: record.status,
    toStatus: record.status,
    isInternal: true,
    data: input.data,
    at: input.at,
  });
};

/**
 * One phone call. `reached` needs the result, which is recorded through the case's own `callback` action in
 * the same transaction (the case row and timeline stay the one source of the figures), and closes the task.
 * Other outcomes are counted; see decideAfterAttempt for when the task ends without a result.
 */
export const recordCallbackAttempt = async (
  deps: CallbackDeps,
  input: { actor: UserActor; taskId: string; attempt: AttemptInput },
): Promise<{ task: CallbackTask; closedAs: CallbackTask['status'] | null }> => {
  const now = deps.now();
  const settings = deps.settings();
  const { outcome, note, result } = input.attempt;
  if (outcome === 'reached' && !result) throw fieldError('result', 'a reached call needs the result (resolved, satisfaction)');
  if (outcome !== 'reached' && result) throw fieldError('result', 'only a reached call has a result');
  return deps.transaction(async ({ store, cases, caseDeps }) => {
    let task = await lockTaskInScopeOrThrow(store, input.actor, input.taskId);
    task = await takeClaimOrThrow(store, task, input.actor, now, settings);
    await store.insertAttempt(task.id, { actorId: input.actor.userId, channel: 'phone', outcome, note: note ?? null, at: now });
    const attemptCount = task.attemptCount + 1;
    if (outcome === 'reached' && result) {
      await performCaseAction(caseDeps, { caseId: task.caseId, action: 'callback', actor: input.actor, body: { resolved: result.resolved, satisfaction: result.satisfaction, comment: result.comment } });
      return finish(store, task, { attemptCount, status: 'done', closeReason: 'reached', actorId: input.actor.userId, now });
    }
    const attempts = await store.listAttempts(task.id);
    const decision = decideAfterAttempt(attempts, settings);
    const unreachableCount = task.unreachableCount + (isUnreachableOutcome(outcome) ? 1 : 0);
    if (decision.status === 'open') {
      await store.updateTask(task.id, { attemptCount, unreachableCount, nextAttemptAfter: decision.nextAttemptAfter, claimedBy: null, claimExpiresAt: null }, now);
      return { task: { ...task, attemptCount, unreachableCount, nextAttemptAfter: decision.nextAttemptAfter, claimedBy: null, claimExpiresAt: null }, closedAs: null };
    }
    await recordCaseCallbackEnd(cases, {
      caseId: task.caseId,
      code: decision.status === 'refused' ? 'callback.refused' : 'callback.unreachable',
      actorId: input.actor.userId,
      data: { reason: decision.closeReason, attempts: attemptCount, days: new Set(attempts.map((a) => shanghaiDay(a.at))).size },
      at: now,
    });
    return finish(store, { ...task, unreachableCount }, { attemptCount, status: decision.status, closeReason: decision.closeReason, actorId: input.actor.userId, now });
  });
};

const finish = async (
  store: CallbackStore,
  task: CallbackTask,
  end: { attemptCount: number; status: CallbackTask['status']; closeReason: string | null; actorId: string | null; now: Date },
): Promise<{ task: CallbackTask; closedAs: CallbackTask['status'] }> => {
  const patch = {
    attemptCount: end.attemptCount, unreachableCount: task.unreachableCount, status: end.status, closeReason: end.closeReason,
    closedAt: end.now, claimedBy: null, claimExpiresAt: null, nextAttemptAfter: null,
  };
  await store.updateTask(task.id, { ...patch, closedBy: end.actorId }, end.now);
  return { task: { ...task, ...patch }, closedAs: end.status };
};
