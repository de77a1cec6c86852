import { sql, type Kysely } from 'kysely';

/**
 * A consumer may name the event codes it handles: the fan-out then queues nothing for the others. Three of
 * the eight consumers act on a few codes only (auto-dispatch on registration, callbacks on replies and
 * closings, the requester's messages on their events), and each queue row costs an insert in the request's
 * transaction and a claim and a delete in the background. NULL: every code.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`ALTER TABLE event_consumers ADD COLUMN codes text[]`.execute(db);
  await sql`
    CREATE OR REPLACE FUNCTION fan_out_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO event_outbox (consumer, event_id)
      SELECT name, NEW.id FROM event_consumers
      WHERE NEW.item_kind = ANY (item_kinds) AND (codes IS NULL OR NEW.code = ANY (codes));
      RETURN NEW;
    END $$`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`
    CREATE OR REPLACE FUNCTION fan_out_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO event_outbox (consumer, event_id)
      SELECT name, NEW.id FROM event_consumers WHERE NEW.item_kind = ANY (item_kinds);
      RETURN NEW;
    END $$`.execute(db);
  await sql`ALTER TABLE event_consumers DROP COLUMN codes`.execute(db);
};
