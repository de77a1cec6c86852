import { sql, type Kysely } from 'kysely';

// Migrations are frozen once landed: never edit this file, add a new one.
export const up = async (db: Kysely<unknown>): Promise<void> => {
  // Services are categories: these are only the Open311 settings of a category, kept apart from it.
  await sql`
    CREATE TABLE open311_services (
      category_id uuid PRIMARY KEY REFERENCES categories(id) ON DELETE CASCADE,
      description jsonb CHECK (description IS NULL OR description ? 'zh-Hans'),
      keywords text[] NOT NULL DEFAULT '{}',
      type text NOT NULL DEFAULT 'realtime' CHECK (type IN ('realtime','batch','blackbox')),
      case_kind text NOT NULL DEFAULT 'report' CHECK (case_kind IN ('enquiry','help','complaint','report','suggestion')),
      service_notice jsonb CHECK (service_notice IS NULL OR service_notice ? 'zh-Hans'),
      is_listed boolean NOT NULL DEFAULT true,
      is_public boolean NOT NULL DEFAULT false,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE open311_attributes (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      category_id uuid NOT NULL REFERENCES categories(id) ON DELETE CASCADE,
      code text NOT NULL CHECK (code ~ '^[A-Za-z0-9_-]{1,60}$'),
      datatype text NOT NULL CHECK (datatype IN ('string','number','datetime','text','singlevaluelist','multivaluelist')),
      is_variable boolean NOT NULL DEFAULT true,
      is_required boolean NOT NULL DEFAULT false,
      datatype_description jsonb,
      description jsonb NOT NULL CHECK (description ? 'zh-Hans'),
      sort_order integer NOT NULL CHECK (sort_order > 0),
      "values" jsonb NOT NULL DEFAULT '[]'::jsonb CHECK (jsonb_typeof("values") = 'array'),
      maps_to text CHECK (maps_to IN ('amount_claimed_yuan')),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (category_id, code),
      UNIQUE (category_id, sort_order),
      CHECK (is_variable OR NOT is_required),
      CHECK ((datatype IN ('singlevaluelist','multivaluelist')) = (jsonb_array_length("values") > 0))
    )`.execute(db);

  // Keys are stored as SHA-256 hashes; the key itself is shown once, when it is created.
  await sql`
    CREATE TABLE open311_api_keys (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      key_prefix text NOT NULL,
      key_hash text NOT NULL UNIQUE,
      intake_unit_id uuid NOT NULL REFERENCES units(id),
      service_codes text[],
      rate_limit_per_minute integer NOT NULL DEFAULT 60 CHECK (rate_limit_per_minute BETWEEN 1 AND 100000),
      webhook_url text CHECK (webhook_url ~ '^https?://'),
      webhook_secret text,
      webhook_events text[],
      is_active boolean NOT NULL DEFAULT true,
      created_by uuid REFERENCES users(id),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz,
      CHECK ((webhook_url IS NULL) = (webhook_secret IS NULL))
    )`.execute(db);
  // One fixed-window counter per key: one row, updated in place, so the table never grows.
  await sql`
    CREATE TABLE open311_rate_counters (
      api_key_id uuid PRIMARY KEY REFERENCES open311_api_keys(id) ON DELETE CASCADE,
      window_start timestamptz NOT NULL,
      count integer NOT NULL
    )`.execute(db);

  // What a partner posted besides the case itself; personal data goes to requesters, device ids only hashed.
  await sql`
    CREATE TABLE open311_requests (
      case_id uuid PRIMARY KEY REFERENCES cases(id),
      api_key_id uuid NOT NULL REFERENCES open311_api_keys(id),
      token text NOT NULL UNIQUE,
      service_code text NOT NULL,
      idempotency_key text,
      content_hash text NOT NULL,
      device_hash text,
      account_id text,
      address_id text,
      media_url text,
      is_description_given boolean NOT NULL,
      attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL,
      UNIQUE (api_key_id, idempotency_key)
    )`.execute(db);
  await sql`CREATE INDEX open311_requests_device ON open311_requests (api_key_id, device_hash, content_hash, created_at) WHERE device_hash IS NOT NULL`.execute(db);
  await sql`CREATE INDEX open311_requests_key ON open311_requests (api_key_id, created_at DESC)`.execute(db);

  // A case listed here never appears in any public Open311 answer, whatever its service.
  await sql`
    CREATE TABLE open311_private_cases (
      case_id uuid PRIMARY KEY REFERENCES cases(id),
      reason text,
      marked_by uuid REFERENCES users(id),
      marked_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);

  // Successful webhook deliveries; pending and failed ones are the module's rows in event_outbox.
  await sql`
    CREATE TABLE open311_webhook_deliveries (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      event_id bigint NOT NULL REFERENCES work_item_events(id),
      api_key_id uuid NOT NULL REFERENCES open311_api_keys(id) ON DELETE CASCADE,
      url text NOT NULL,
      status_code integer NOT NULL,
      attempts integer NOT NULL,
      delivered_at timestamptz NOT NULL,
      UNIQUE (event_id, api_key_id)
    )`.execute(db);

  // servicerequestupdates reads public case events by time; without this it would scan the whole timeline.
  await sql`CREATE INDEX open311_case_events_at ON work_item_events (at, id) WHERE item_kind = 'case' AND NOT is_internal`.execute(db);
};

export const down = async (db: Kysely<unknown>): Promise<void> => {
  await sql`DROP INDEX IF EXISTS open311_case_events_at`.execute(db);
  for (const table of ['open311_webhook_deliveries', 'open311_private_cases', 'open311_requests', 'open311_rate_counters', 'open311_api_keys', 'open311_attributes', 'open311_services']) {
    await sql`DROP TABLE IF EXISTS ${sql.table(table)}`.execute(db);
  }
};
