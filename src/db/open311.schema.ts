import type { ColumnType, Generated } from 'kysely';
import type { LocalizedName } from './schema.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null | undefined, string | null>;

/** Open311 settings of a category; a category without a row is a listed, non-public, realtime service. */
export type Open311ServiceTable = {
  category_id: string;
  description: NullableJson<LocalizedName>;
  keywords: ColumnType<string[], string[] | undefined, string[]>;
  type: Generated<string>;
  case_kind: Generated<string>;
  service_notice: NullableJson<LocalizedName>;
  is_listed: Generated<boolean>;
  is_public: Generated<boolean>;
  updated_at: Timestamp;
};

export type Open311AttributeTable = {
  id: Generated<string>;
  category_id: string;
  code: string;
  datatype: string;
  is_variable: Generated<boolean>;
  is_required: Generated<boolean>;
  datatype_description: NullableJson<LocalizedName>;
  description: Json<LocalizedName>;
  sort_order: number;
  values: ColumnType<{ key: string; name: LocalizedName }[], string | undefined, string>;
  maps_to: string | null;
  updated_at: Timestamp;
};

export type Open311ApiKeyTable = {
  id: Generated<string>;
  name: string;
  key_prefix: string;
  key_hash: string;
  intake_unit_id: string;
  service_codes: string[] | null;
  rate_limit_per_minute: Generated<number>;
  webhook_url: string | null;
  webhook_secret: string | null;
  webhook_events: string[] | null;
  is_active: Generated<boolean>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
};

export type Open311RateCounterTable = { api_key_id: string; window_start: Timestamp; count: number };

export type Open311RequestTable = {
  case_id: string;
  api_key_id: string;
  token: string;
  service_code: string;
  idempotency_key: string | null;
  content_hash: string;
  device_hash: string | null;
  account_id: string | null;
  address_id: string | null;
  media_url: string | null;
  is_description_given: boolean;
  attributes: Json<Record<string, unknown>>;
  created_at: Timestamp;
};

export type Open311PrivateCaseTable = { case_id: string; reason: string | null; marked_by: string | null; marked_at: Timestamp };

export type Open311WebhookDeliveryTable = {
  id: Generated<string>;
  event_id: string;
  api_key_id: string;
  url: string;
  status_code: number;
  attempts: number;
  delivered_at: Timestamp;
};

/** Webhook deliveries waiting, in flight (claimed with a lease), delivered or parked; see open311.consumers.ts. */
export type Open311WebhookQueueTable = {
  id: Generated<string>;
  event_id: string;
  api_key_id: string;
  event_code: string;
  body: string;
  status: Generated<string>;
  attempts: Generated<number>;
  not_before: Timestamp;
  claim_token: string | null;
  lease_until: NullableTimestamp;
  last_error: string | null;
  last_status_code: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

/** Kysely table types of the open311 module; part of the Database type in schema.ts. */
export type Open311Tables = {
  open311_services: Open311ServiceTable;
  open311_attributes: Open311AttributeTable;
  open311_api_keys: Open311ApiKeyTable;
  open311_rate_counters: Open311RateCounterTable;
  open311_requests: Open311RequestTable;
  open311_private_cases: Open311PrivateCaseTable;
  open311_webhook_deliveries: Open311WebhookDeliveryTable;
  open311_webhook_queue: Open311WebhookQueueTable;
};
