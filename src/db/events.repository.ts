import { sql } from 'kysely';
import type { NewEvent } from '../core/case/case.ports.js';
import type { DbOrTrx } from './database.js';

/**
 * Appends to the shared, append-only timeline of any kind of work item. The caller holds a lock on the
 * item (its row FOR NO KEY UPDATE, or FOR UPDATE), so max(seq)+1 cannot race.
 */
export const appendWorkItemEvent = async (trx: DbOrTrx, itemKind: string, itemId: string, e: NewEvent): Promise<void> => {
  await trx
    .insertInto('work_item_events')
    .values({
      item_kind: itemKind,
      item_id: itemId,
      seq: sql<number>`(SELECT coalesce(max(seq), 0) + 1 FROM work_item_events WHERE item_kind = ${itemKind} AND item_id = ${itemId})`,
      at: e.at,
      actor_kind: e.actorKind,
      actor_id: e.actorId,
      code: e.code,
      from_status: e.fromStatus,
      to_status: e.toStatus,
      is_internal: e.isInternal,
      data: JSON.stringify(e.data),
    })
    .execute();
};
