import { sql } from 'kysely';
import type { Db, Trx } from '../db/database.js';
import type { EventView } from '../db/case-query.repository.js';

export type ConsumedEvent = Omit<EventView, 'actor'> & { itemKind: string; itemId: string; actorId: string | null };

export type EventHandler = (trx: Trx, event: ConsumedEvent) => Promise<void>;

/** Registers a consumer; from then on every new event of its item kinds is queued for it. Idempotent. */
export const registerEventConsumer = async (db: Db, name: string, itemKinds: string[] = ['case']): Promise<void> => {
  await db.insertInto('event_consumers').values({ name, item_kinds: itemKinds }).onConflict((oc) => oc.column('name').doNothing()).execute();
};

const MAX_ATTEMPTS = 10;

/**
 * Handles up to `limit` queued events of one consumer, in queue order, one transaction each: the handler's
 * writes and the removal of the queue row commit together (exactly once). SKIP LOCKED lets several workers
 * share a consumer. A failing event is retried later with backoff and, after MAX_ATTEMPTS, kept aside.
 */
export const consumeEvents = async (
  db: Db,
  consumer: string,
  handler: EventHandler,
  options: { limit?: number; now?: () => Date; log?: (message: string) => void; signal?: AbortSignal } = {},
): Promise<number> => {
  const now = options.now ?? (() => new Date());
  let handled = 0;
  for (let i = 0; i < (options.limit ?? 1000) && !options.signal?.aborted; i += 1) {
    let failure: { id: string; attempts: number; message: string } | null = null;
    const didWork = await db
      .transaction()
      .execute(async (trx) => {
        const row = await trx
          .selectFrom('event_outbox as o')
          .innerJoin('work_item_events as e', 'e.id', 'o.event_id')
          .select([
            'o.id as outbox_id', 'o.attempts', 'e.id', 'e.item_kind', 'e.item_id', 'e.seq', 'e.at', 'e.code', 'e.actor_kind',
            'e.actor_id', 'e.from_status', 'e.to_status', 'e.is_internal', 'e.data',
          ])
          .where('o.consumer', '=', consumer)
          .where('o.not_before', '<=', now())
          .where('o.attempts', '<', MAX_ATTEMPTS)
          .orderBy('o.id')
          .limit(1)
          .forUpdate('o')
          .skipLocked()
          .executeTakeFirst();
        if (!row) return false;
        try {
          await handler(trx, {
            id: String(row.id), itemKind: row.item_kind, itemId: row.item_id, seq: row.seq, at: row.at, code: row.code,
            actorKind: row.actor_kind as ConsumedEvent['actorKind'], actorId: row.actor_id, fromStatus: row.from_status,
            toStatus: row.to_status, isInternal: row.is_internal, data: row.data,
          });
        } catch (error) {
          failure = { id: String(row.outbox_id), attempts: row.attempts, message: error instanceof Error ? error.message : String(error) };
          throw error;
        }
        await trx.deleteFrom('event_outbox').where('id', '=', String(row.outbox_id)).execute();
        return true;
      })
      .catch((error: unknown) => {
        if (failure) return true;
        throw error;
      });
    if (!didWork) break;
    if (failure) {
      const f = failure as { id: string; attempts: number; message: string };
      options.log?.(`event consumer ${consumer}: ${f.message}`);
      await db
        .updateTable('event_outbox')
        .set({ attempts: sql`attempts + 1`, last_error: f.message.slice(0, 2000), not_before: new Date(now().getTime() + Math.min(3600_000, 5_000 * 2 ** f.attempts)) })
        .where('id', '=', f.id)
        .execute();
      continue;
    }
    handled += 1;
  }
  return handled;
};
