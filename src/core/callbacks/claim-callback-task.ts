import type { UserActor } from '../auth/actor.js';
import { AppError } from '../shared/app-error.js';
import type { CallbackDeps, CallbackStore } from './callback.ports.js';
import { isClaimedByOther } from './callback-rules.js';
import type { CallbackSettings, CallbackTask } from './callback.types.js';
import { lockTaskInScopeOrThrow, openTaskOrThrow } from './task-access.js';

/**
 * Takes (or renews) the caller's claim on an open task for the lease time, so that two agents never phone
 * the same person. Another agent's live claim is refused; an expired one is simply taken over.
 */
export const takeClaimOrThrow = async (
  store: CallbackStore,
  task: CallbackTask,
  actor: UserActor,
  now: Date,
  settings: Pick<CallbackSettings, 'claimLeaseMinutes'>,
): Promise<CallbackTask> => {
  openTaskOrThrow(task);
  if (isClaimedByOther(task, actor.userId, now)) {
    throw new AppError('callback.claimed_by_other', 'another agent is calling this requester', { claimExpiresAt: task.claimExpiresAt?.toISOString() });
  }
  const claimExpiresAt = new Date(now.getTime() + settings.claimLeaseMinutes * 60_000);
  await store.updateTask(task.id, { claimedBy: actor.userId, claimExpiresAt }, now);
  return { ...task, claimedBy: actor.userId, claimExpiresAt };
};

export const claimCallbackTask = async (deps: CallbackDeps, input: { actor: UserActor; taskId: string }): Promise<CallbackTask> => {
  const now = deps.now();
  return deps.transaction(async ({ store }) => {
    const task = await lockTaskInScopeOrThrow(store, input.actor, input.taskId);
    return takeClaimOrThrow(store, task, input.actor, now, deps.settings());
  });
};

/** Gives a claim back (the agent will not call now). Only the holder's own claim; anything else is a no-op. */
export const releaseCallbackTask = async (deps: CallbackDeps, input: { actor: UserActor; taskId: string }): Promise<CallbackTask> => {
  const now = deps.now();
  return deps.transaction(async ({ store }) => {
    const task = await lockTaskInScopeOrThrow(store, input.actor, input.taskId);
    if (task.claimedBy !== input.actor.userId) return task;
    await store.updateTask(task.id, { claimedBy: null, claimExpiresAt: null }, now);
    return { ...task, claimedBy: null, claimExpiresAt: null };
  });
};
