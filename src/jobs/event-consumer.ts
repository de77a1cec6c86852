import { sql } from 'kysely';
import type { Db, Trx } from '../db/database.js';
import type { EventView } from '../db/case-query.repository.js';

export type ConsumedEvent = Omit<EventView, 'actor'> & { itemKind: string; itemId: string; actorId: string | null };

export type EventHandler = (trx: Trx, event: ConsumedEvent) => Promise<void>;

/**
 * A whole batch at once, in queue order, for consumers whose per-event work is mostly fixed cost (statements,
 * settings, locks) that many events can share, or that only need the latest state of each item. It must do
 * what the event handler would do for each event in turn; when it fails, the events are handled one at a time
 * by the event handler, which isolates the failing one.
 */
export type EventBatchHandler = (trx: Trx, events: readonly ConsumedEvent[]) => Promise<void>;

/**
 * Registers a consumer; from then on every new event of its item kinds (and of its codes, when it names
 * them) is queued for it. Idempotent; the spec in the code wins over what an earlier version registered.
 */
export const registerEventConsumer = async (db: Db, name: string, itemKinds: string[] = ['case'], codes: readonly string[] | null = null): Promise<void> => {
  const values = { name, item_kinds: itemKinds, codes: codes === null ? null : [...codes].sort() };
  await db
    .insertInto('event_consumers')
    .values(values)
    .onConflict((oc) => oc.column('name').doUpdateSet({ item_kinds: values.item_kinds, codes: values.codes }))
    .execute();
};

const MAX_ATTEMPTS = 10;
/**
 * Events handled in one transaction. One transaction per event made the background cost more than the
 * request that caused it (a claim, a delete and a flushed commit for each of 8 consumers per event); a batch
 * pays for the claim, the delete and the commit once.
 */
const BATCH_SIZE = 50;

type OutboxRow = {
  outbox_id: string; attempts: number; id: string; item_kind: string; item_id: string; seq: number; at: Date; code: string;
  actor_kind: string; actor_id: string | null; from_status: string | null; to_status: string | null; is_internal: boolean; data: unknown;
};

const MAX_TRANSIENT_RETRIES = 5;
/** Deadlock detected, serialization failure: the transaction lost a race and may simply run again. */
const isTransientError = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && 'code' in error && (error.code === '40P01' || error.code === '40001');

/** A handler's own failure, as opposed to the queue's statements failing (the database is gone, say). */
class HandlerFailed extends Error {}

const claimEvents = (trx: Trx, consumer: string, at: Date, size: number): Promise<OutboxRow[]> =>
  trx
    .selectFrom('event_outbox as o')
    .innerJoin('work_item_events as e', 'e.id', 'o.event_id')
    .select([
      'o.id as outbox_id', 'o.attempts', 'e.id', 'e.item_kind', 'e.item_id', 'e.seq', 'e.at', 'e.code', 'e.actor_kind',
      'e.actor_id', 'e.from_status', 'e.to_status', 'e.is_internal', 'e.data',
    ])
    .where('o.consumer', '=', consumer)
    .where('o.not_before', '<=', at)
    .where('o.attempts', '<', MAX_ATTEMPTS)
    .orderBy('o.id')
    .limit(size)
    .forUpdate('o')
    .skipLocked()
    .execute() as Promise<OutboxRow[]>;

const toConsumedEvent = (row: OutboxRow): ConsumedEvent => ({
  id: String(row.id), itemKind: row.item_kind, itemId: row.item_id, seq: row.seq, at: row.at, code: row.code,
  actorKind: row.actor_kind as ConsumedEvent['actorKind'], actorId: row.actor_id, fromStatus: row.from_status,
  toStatus: row.to_status, isInternal: row.is_internal, data: row.data as ConsumedEvent['data'],
});

/**
 * Up to `size` events in one transaction: the handlers' writes and the removal of their queue rows commit
 * together. Any handler failing rolls the whole batch back (null), and the caller handles those events one
 * at a time, which isolates the failing one.
 */
const consumeBatch = async (
  db: Db,
  consumer: string,
  handler: EventHandler,
  batchHandler: EventBatchHandler | undefined,
  size: number,
  at: Date,
  options: { log?: (message: string) => void; signal?: AbortSignal },
): Promise<{ handled: number; claimed: number } | null> => {
  const { signal } = options;
  try {
    return await db.transaction().execute(async (trx) => {
      const rows = await claimEvents(trx, consumer, at, size);
      const done: string[] = [];
      const run = async (work: () => Promise<void>) => {
        try {
          await work();
        } catch (error) {
          throw new HandlerFailed(error instanceof Error ? error.message : String(error));
        }
      };
      if (batchHandler) {
        if (rows.length > 0) await run(() => batchHandler(trx, rows.map(toConsumedEvent)));
        done.push(...rows.map((row) => String(row.outbox_id)));
      } else {
        for (const row of rows) {
          if (signal?.aborted) break;
          await run(() => handler(trx, toConsumedEvent(row)));
          done.push(String(row.outbox_id));
        }
      }
      if (done.length > 0) await trx.deleteFrom('event_outbox').where('id', 'in', done).execute();
      return { handled: done.length, claimed: rows.length };
    });
  } catch (error) {
    if (error instanceof HandlerFailed) {
      // Said once here: the one-by-one pass that follows logs only the events that fail on their own.
      if (batchHandler) options.log?.(`event consumer ${consumer}: a batch failed (${error.message}); handling its events one at a time`);
      return null;
    }
    throw error;
  }
};

/**
 * One event per transaction, up to `limit`: after a batch failed. A failing event is retried later with
 * backoff and, after MAX_ATTEMPTS, kept aside; the ones behind it go on.
 */
const consumeOneByOne = async (db: Db, consumer: string, handler: EventHandler, limit: number, now: () => Date, options: { log?: (message: string) => void; signal?: AbortSignal }): Promise<{ handled: number; seen: number }> => {
  let handled = 0;
  let seen = 0;
  let retries = 0;
  for (let i = 0; i < limit && !options.signal?.aborted; i += 1) {
    let failure: { id: string; attempts: number; message: string; isTransient: boolean } | null = null;
    const didWork = await db
      .transaction()
      .execute(async (trx) => {
        const [row] = await claimEvents(trx, consumer, now(), 1);
        if (!row) return false;
        try {
          await handler(trx, toConsumedEvent(row));
        } catch (error) {
          failure = { id: String(row.outbox_id), attempts: row.attempts, message: error instanceof Error ? error.message : String(error), isTransient: isTransientError(error) };
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
    seen += 1;
    if (failure) {
      const f = failure as { id: string; attempts: number; message: string; isTransient: boolean };
      // A deadlock or serialization failure with another worker says nothing about the event: at once again.
      if (f.isTransient && retries < MAX_TRANSIENT_RETRIES) {
        retries += 1;
        i -= 1;
        continue;
      }
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
  return { handled, seen };
};

/**
 * Handles up to `limit` queued events of one consumer, in queue order, in batches (see BATCH_SIZE): exactly
 * once, because the handler's writes and the removal of the queue row commit together. SKIP LOCKED lets
 * several workers share a consumer. With `batchHandler`, each batch goes to it in one call.
 */
export const consumeEvents = async (
  db: Db,
  consumer: string,
  handler: EventHandler,
  options: { limit?: number; now?: () => Date; log?: (message: string) => void; signal?: AbortSignal; batchHandler?: EventBatchHandler } = {},
): Promise<number> => {
  const now = options.now ?? (() => new Date());
  const limit = options.limit ?? 1000;
  let handled = 0;
  let seen = 0;
  while (seen < limit && !options.signal?.aborted) {
    const size = Math.min(BATCH_SIZE, limit - seen);
    const batch = await consumeBatch(db, consumer, handler, options.batchHandler, size, now(), options);
    if (batch === null) {
      const single = await consumeOneByOne(db, consumer, handler, size, now, options);
      handled += single.handled;
      seen += single.seen;
      if (single.seen === 0) break;
      continue;
    }
    handled += batch.handled;
    seen += batch.handled;
    if (batch.claimed < size || batch.handled < batch.claimed) break;
  }
  return handled;
};
