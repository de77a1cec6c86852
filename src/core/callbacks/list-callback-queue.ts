import type { UserActor } from '../auth/actor.js';
import { AppError } from '../shared/app-error.js';
import type { CallbackDeps } from './callback.ports.js';
import type { CallbackAttempt, QueueItem, QueueView } from './callback.types.js';
import { canSeeTask } from './task-access.js';

/** The caller's queue: tasks of the units their own unit covers (never another unit's), by view. */
export const listCallbackQueue = async (
  deps: CallbackDeps,
  input: { actor: UserActor; view: QueueView; page: number; pageSize: number },
): Promise<{ items: QueueItem[]; total: number }> =>
  deps.transaction(({ store }) =>
    store.listQueue({ unitPath: input.actor.unitPath, userId: input.actor.userId, view: input.view, now: deps.now(), page: input.page, pageSize: input.pageSize }),
  );

export const getCallbackTask = async (deps: CallbackDeps, input: { actor: UserActor; taskId: string }): Promise<{ item: QueueItem; attempts: CallbackAttempt[] }> =>
  deps.transaction(async ({ store }) => {
    const item = await store.findQueueItem(input.taskId);
    if (!item || !canSeeTask(input.actor, item)) throw new AppError('resource.not_found', 'no such callback task', { id: input.taskId });
    return { item, attempts: await store.listAttempts(item.id) };
  });
