import type { ColumnType, Generated } from 'kysely';
import type { LocalizedText } from '../core/directory/directory.types.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

/** The access code between the registration and the registration message; deleted when the message is queued. */
export type NotificationAccessCodeTable = { case_id: string; access_code: string; created_at: Generated<Date> };

export type NotificationPreferenceTable = {
  requester_id: string;
  is_sms_opted_out: Generated<boolean>;
  is_email_opted_out: Generated<boolean>;
  updated_by: string;
  updated_at: Timestamp;
};

export type NotificationMessageTable = {
  id: Generated<string>;
  dedupe_key: string;
  case_id: string;
  requester_id: string | null;
  source_event_id: string | null;
  kind: string;
  channel: string;
  language: string;
  recipient: string | null;
  recipient_masked: string;
  subject: string | null;
  body: string;
  params: Json<Record<string, string>>;
  has_secret: Generated<boolean>;
  status: string;
  attempts: Generated<number>;
  not_before: Timestamp;
  claim_token: string | null;
  claimed_at: NullableTimestamp;
  provider: string | null;
  provider_message_id: string | null;
  last_error: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  finished_at: NullableTimestamp;
};

export type StaffNotificationTable = {
  id: Generated<string>;
  user_id: string;
  case_id: string | null;
  /** The case event behind the notice; null for a notice of no event, which `source_key` names instead. */
  source_event_id: string | null;
  /** E.g. `sign-in:<session id>`: unique per user like the event, so a notice is written once. */
  source_key: ColumnType<string | null, string | null | undefined, string | null>;
  code: string;
  data: Json<Record<string, unknown>>;
  created_at: Timestamp;
  read_at: NullableTimestamp;
};

export type LanguageTexts = LocalizedText & { bo: string };

export type ReplyTemplateTable = {
  id: Generated<string>;
  code: string;
  category_id: string | null;
  unit_id: string | null;
  kind: string | null;
  outcome: string | null;
  title: Json<LanguageTexts>;
  body: Json<LanguageTexts>;
  is_active: Generated<boolean>;
  version: Generated<number>;
  created_by: string | null;
  updated_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

/** Kysely table types of the notifications module; part of the Database type in schema.ts. */
export type NotificationsTables = {
  notification_access_codes: NotificationAccessCodeTable;
  notification_preferences: NotificationPreferenceTable;
  notification_messages: NotificationMessageTable;
  staff_notifications: StaffNotificationTable;
  reply_templates: ReplyTemplateTable;
};
