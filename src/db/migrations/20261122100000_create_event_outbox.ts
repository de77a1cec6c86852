import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // Consumers of the timeline (statistics rollups, notifications, webhooks) each get every event exactly once.
  // A trigger copies each new event id into a queue row per consumer in the same transaction, so a consumer
  // can never miss an event that commits late, which a high-water mark on ids could.
  await sql`
    CREATE TABLE event_consumers (
      name text PRIMARY KEY CHECK (name ~ '^[a-z0-9_.]{1,60}$'),
      item_kinds text[] NOT NULL DEFAULT ARRAY['case']::text[],
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE event_outbox (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      consumer text NOT NULL REFERENCES event_consumers(name) ON DELETE CASCADE,
      event_id bigint NOT NULL REFERENCES work_item_events(id),
      attempts integer NOT NULL DEFAULT 0,
      not_before timestamptz NOT NULL DEFAULT now(),
      last_error text
    )`.execute(db);
  await sql`CREATE INDEX event_outbox_consumer ON event_outbox (consumer, id)`.execute(db);
  await sql`
    CREATE FUNCTION fan_out_event() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO event_outbox (consumer, event_id)
      SELECT name, NEW.id FROM event_consumers WHERE NEW.item_kind = ANY (item_kinds);
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER work_item_events_fan_out AFTER INSERT ON work_item_events
    FOR EACH ROW EXECUTE FUNCTION fan_out_event()`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DROP TRIGGER IF EXISTS work_item_events_fan_out ON work_item_events`.execute(db);
  await sql`DROP FUNCTION IF EXISTS fan_out_event()`.execute(db);
  await sql`DROP TABLE IF EXISTS event_outbox`.execute(db);
  await sql`DROP TABLE IF EXISTS event_consumers`.execute(db);
};
