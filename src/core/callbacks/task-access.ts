import { isPathWithin, type Actor } from '../auth/actor.js';
import { AppError } from '../shared/app-error.js';
import type { CallbackStore } from './callback.ports.js';
import type { CallbackTask } from './callback.types.js';

/** A task is the business of the agents whose unit covers the task's unit. */
export const canSeeTask = (actor: Actor, task: Pick<CallbackTask, 'unitPath'>): boolean => isPathWithin(actor.unitPath, task.unitPath);

/** Locks a task the actor may see; another unit's task is "not found", so ids cannot be probed. */
export const lockTaskInScopeOrThrow = async (store: CallbackStore, actor: Actor, taskId: string): Promise<CallbackTask> => {
  const task = await store.lockTask(taskId);
  if (!task || !canSeeTask(actor, task)) throw new AppError('resource.not_found', 'no such callback task', { id: taskId });
  return task;
};

export const openTaskOrThrow = (task: CallbackTask): CallbackTask => {
  if (task.status !== 'open') throw new AppError('callback.task_closed', 'this callback task is already closed', { status: task.status });
  return task;
};
