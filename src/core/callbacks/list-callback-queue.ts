import type { UserActor } from '../auth/actor.js';
import { canSeeRequester } from '../case/identity-protection.js';
import { maskName } from '../case/mask.js';
import { AppError } from '../shared/app-error.js';
import type { CallbackDeps } from './callback.ports.js';
import type { CallbackAttempt, QueueItem, QueueView } from './callback.types.js';
import { canSeeTask } from './task-access.js';

/**
 * A task as the queue and the task page show it: the name masked like the phone (王**, 138****1234), as in every
 * list, since a page of the queue holds up to 100 people. The full name and number are the audited reveal's
 * (docs/callbacks.md, "Personal data").
 */
export type MaskedQueueItem = Omit<QueueItem, 'requesterName'> & { nameMasked: string | null };

/**
 * A protected requester's name and number stay with the intake side. A callback team is placed at or above the
 * intake units (docs/callbacks.md), so this withholds only from a team set up below them.
 */
const asSeenBy = (actor: UserActor, item: QueueItem): MaskedQueueItem => {
  const { requesterName, ...rest } = item;
  if (!canSeeRequester(actor, item) && item.isIdentityProtected) return { ...rest, nameMasked: null, phoneMasked: null };
  return { ...rest, nameMasked: requesterName ? maskName(requesterName) : null };
};

/** The caller's queue: tasks of the units their own unit covers (never another unit's), by view. */
export const listCallbackQueue = async (
  deps: CallbackDeps,
  input: { actor: UserActor; view: QueueView; page: number; pageSize: number },
): Promise<{ items: MaskedQueueItem[]; total: number }> =>
  deps.transaction(async ({ store }) => {
    const found = await store.listQueue({ unitPath: input.actor.unitPath, userId: input.actor.userId, view: input.view, now: deps.now(), page: input.page, pageSize: input.pageSize });
    return { ...found, items: found.items.map((item) => asSeenBy(input.actor, item)) };
  });

export const getCallbackTask = async (deps: CallbackDeps, input: { actor: UserActor; taskId: string }): Promise<{ item: MaskedQueueItem; attempts: CallbackAttempt[] }> =>
  deps.transaction(async ({ store }) => {
    const item = await store.findQueueItem(input.taskId);
    if (!item || !canSeeTask(input.actor, item)) throw new AppError('resource.not_found', 'no such callback task', { id: input.taskId });
    return { item: asSeenBy(input.actor, item), attempts: await store.listAttempts(item.id) };
  });
