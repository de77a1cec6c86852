import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // The access code exists in clear only here, between the registration and its message, and in the queued
  // message body until it is sent; both are cleared then (see docs/notifications.md).
  await sql`
    CREATE TABLE notification_access_codes (
      case_id uuid PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
      access_code text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  await sql`
    CREATE TABLE notification_preferences (
      requester_id uuid PRIMARY KEY REFERENCES requesters(id) ON DELETE CASCADE,
      is_sms_opted_out boolean NOT NULL DEFAULT false,
      is_email_opted_out boolean NOT NULL DEFAULT false,
      updated_by text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // One row per message to a requester. dedupe_key makes queueing idempotent (an event handled twice queues
  // once); the claim columns make sending at most once for providers without idempotency keys.
  await sql`
    CREATE TABLE notification_messages (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      dedupe_key text NOT NULL UNIQUE,
      case_id uuid NOT NULL REFERENCES cases(id),
      requester_id uuid REFERENCES requesters(id) ON DELETE SET NULL,
      source_event_id bigint REFERENCES work_item_events(id),
      kind text NOT NULL CHECK (kind IN ('registered','dispatched','extended','replied','callback','rejected','reopened')),
      channel text NOT NULL CHECK (channel IN ('sms','email')),
      language text NOT NULL CHECK (language IN ('zh-Hans','bo','en')),
      recipient text,
      recipient_masked text NOT NULL,
      subject text,
      body text NOT NULL,
      params jsonb NOT NULL DEFAULT '{}'::jsonb,
      has_secret boolean NOT NULL DEFAULT false,
      status text NOT NULL CHECK (status IN ('queued','sending','sent','failed','unknown','cancelled')),
      attempts integer NOT NULL DEFAULT 0,
      not_before timestamptz NOT NULL,
      claim_token uuid,
      claimed_at timestamptz,
      provider text,
      provider_message_id text,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz,
      CHECK ((status = 'sending') = (claim_token IS NOT NULL))
    )`.execute(db);
  await sql`CREATE INDEX notification_messages_due ON notification_messages (not_before, source_event_id) WHERE status = 'queued'`.execute(db);
  await sql`CREATE INDEX notification_messages_claimed ON notification_messages (claimed_at) WHERE status = 'sending'`.execute(db);
  await sql`CREATE INDEX notification_messages_case ON notification_messages (case_id, created_at)`.execute(db);

  await sql`
    CREATE TABLE staff_notifications (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      case_id uuid REFERENCES cases(id),
      source_event_id bigint NOT NULL REFERENCES work_item_events(id),
      code text NOT NULL,
      data jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now(),
      read_at timestamptz,
      UNIQUE (user_id, source_event_id)
    )`.execute(db);
  await sql`CREATE INDEX staff_notifications_user ON staff_notifications (user_id, created_at DESC, id DESC)`.execute(db);
  await sql`CREATE INDEX staff_notifications_unread ON staff_notifications (user_id) WHERE read_at IS NULL`.execute(db);

  await sql`
    CREATE TABLE reply_templates (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      code text NOT NULL CHECK (code ~ '^[a-z0-9_.-]{1,60}$'),
      category_id uuid REFERENCES categories(id),
      unit_id uuid REFERENCES units(id),
      kind text CHECK (kind IN ('enquiry','help','complaint','report','suggestion')),
      outcome text CHECK (outcome IN ('resolved','partly_resolved','explained','not_accepted','referred')),
      title jsonb NOT NULL CHECK (title ? 'zh-Hans' AND title ? 'bo'),
      body jsonb NOT NULL CHECK (body ? 'zh-Hans' AND body ? 'bo'),
      is_active boolean NOT NULL DEFAULT true,
      version integer NOT NULL DEFAULT 1,
      created_by uuid REFERENCES users(id),
      updated_by uuid REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  // One active template per code and scope; the nil uuid stands for "any" so that NULLs compare equal.
  await sql`
    CREATE UNIQUE INDEX reply_templates_active_code ON reply_templates
      (code, coalesce(category_id, '00000000-0000-0000-0000-000000000000'::uuid), coalesce(unit_id, '00000000-0000-0000-0000-000000000000'::uuid))
      WHERE is_active`.execute(db);
  await sql`CREATE INDEX reply_templates_scope ON reply_templates (category_id, unit_id) WHERE is_active`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  for (const table of ['reply_templates', 'staff_notifications', 'notification_messages', 'notification_preferences', 'notification_access_codes']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  }
};
