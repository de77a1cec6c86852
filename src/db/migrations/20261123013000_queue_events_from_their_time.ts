import { sql, type Kysely } from 'kysely';

/**
 * An event is due for its consumers from the time it happened (`work_item_events.at`, the application's clock),
 * never later than the database's now(). Before, a queue row was due from now() alone, which ties it to the
 * database's clock: a process whose clock is behind the database's (a test with a fixed time, a worker on a
 * host with a slow clock) found none of the new events due until its clock caught up.
 */
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`
    CREATE OR REPLACE FUNCTION fan_out_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO event_outbox (consumer, event_id, not_before)
      SELECT name, NEW.id, least(NEW.at, now()) FROM event_consumers
      WHERE NEW.item_kind = ANY (item_kinds) AND (codes IS NULL OR NEW.code = ANY (codes));
      RETURN NEW;
    END $$`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`
    CREATE OR REPLACE FUNCTION fan_out_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO event_outbox (consumer, event_id)
      SELECT name, NEW.id FROM event_consumers
      WHERE NEW.item_kind = ANY (item_kinds) AND (codes IS NULL OR NEW.code = ANY (codes));
      RETURN NEW;
    END $$`.execute(db);
};
