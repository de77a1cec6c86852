import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // The timeline stays append-only, with one exception the law requires: retention and erasure may rewrite
  // the *data* of an event (never its code, time, actor or order), and only inside a transaction that has
  // declared itself an anonymisation (SET LOCAL bihuan.anonymising = 'on').
  await sql`
    CREATE OR REPLACE FUNCTION forbid_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'UPDATE' AND current_setting('bihuan.anonymising', true) = 'on'
         AND NEW.id = OLD.id AND NEW.item_kind = OLD.item_kind AND NEW.item_id = OLD.item_id AND NEW.seq = OLD.seq
         AND NEW.at = OLD.at AND NEW.code = OLD.code AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
         AND NEW.actor_kind = OLD.actor_kind THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'work_item_events is append-only';
    END $$`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`
    CREATE OR REPLACE FUNCTION forbid_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'work_item_events is append-only';
    END $$`.execute(db);
};
