import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { AccessTables } from './access.schema.js';
import type { AttachmentsTables } from './attachments.schema.js';
import type { CallbacksTables } from './callbacks.schema.js';
import type { NotificationsTables } from './notifications.schema.js';
import type { OpenDataTables } from './open-data.schema.js';
import type { ReportsTables } from './reports.schema.js';
import type { Open311Tables } from './open311.schema.js';
import type { SearchTables } from './search.schema.js';
import type { StatsTables } from './stats.schema.js';
import type { TwoFactorTables } from './two-factor.schema.js';
import type { WorkflowTables } from './workflow.schema.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** bigint columns come back from pg as strings; we keep fen values as JS numbers (safe up to 9e15 fen). */
type Fen = ColumnType<string | null, number | null | undefined, number | null>;
export type LocalizedName = { 'zh-Hans': string; bo?: string; en?: string };

export type UnitTable = {
  id: Generated<string>;
  code: string;
  type: string;
  parent_id: string | null;
  path: string;
  name: ColumnType<LocalizedName, string, string>;
  is_active: Generated<boolean>;
  calendar_id: string | null;
  created_at: Generated<Date>;
};

export type UserTable = {
  id: Generated<string>;
  username: string;
  display_name: string;
  password_hash: string;
  roles: string[];
  unit_id: string;
  is_active: Generated<boolean>;
  is_demo: Generated<boolean>;
  password_changed_at: NullableTimestamp;
  created_at: Generated<Date>;
  must_change_password: Generated<boolean>;
  last_login_at: NullableTimestamp;
  created_by: string | null;
  password_expires_at: NullableTimestamp;
  disabled_at: NullableTimestamp;
  enabled_at: NullableTimestamp;
  password_change_reason: 'administrator' | 'expired' | null;
  disabled_reason: 'administrator' | 'operator' | 'dormant' | null;
  /** False for an account made without a password its owner could type (single sign-on, service accounts). */
  has_password: Generated<boolean>;
};

export type SessionTable = {
  id: Generated<string>;
  token_hash: string;
  user_id: string;
  created_at: Generated<Date>;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
  /** The last confirmation by password (or a new sign-in): null means the sign-in itself, created_at. */
  verified_at: NullableTimestamp;
};

export type CategoryTable = {
  id: Generated<string>;
  code: string;
  parent_id: string | null;
  name: ColumnType<LocalizedName, string, string>;
  default_unit_id: string | null;
  accept_hours: Generated<number>;
  reply_days: Generated<number>;
  sort_order: Generated<number>;
  is_active: Generated<boolean>;
};

export type RequesterTable = {
  id: Generated<string>;
  name: string | null;
  phone: string | null;
  id_number: string | null;
  email: string | null;
  /** Keyed hashes of the normalised identity fields (src/db/requester-crypto.ts): exact look-ups without decrypting. */
  name_bidx: ColumnType<string | null, string | null | undefined, string | null>;
  phone_bidx: ColumnType<string | null, string | null | undefined, string | null>;
  id_number_bidx: ColumnType<string | null, string | null | undefined, string | null>;
  email_bidx: ColumnType<string | null, string | null | undefined, string | null>;
  language: Generated<string>;
  anonymised_at: NullableTimestamp;
  created_at: Generated<Date>;
};

export type TrackingCounterTable = { day: string; last_value: number };

export type IdempotencyKeyTable = { scope: string; key: string; request_hash: string; case_id: string; access_code: string; created_at: Date };

export type CaseTable = {
  id: Generated<string>;
  tracking_no: string;
  access_code_hash: string;
  status: string;
  channel: string;
  kind: string;
  title: string;
  description: string;
  language: Generated<string>;
  category_id: string | null;
  requester_id: string | null;
  intake_unit_id: string;
  lead_unit_id: string | null;
  address: string | null;
  lat: number | null;
  lng: number | null;
  amount_claimed_fen: Fen;
  amount_recovered_fen: Fen;
  /** PublicationConsent: granted, refused or not_asked (the default). */
  publication_consent: Generated<string>;
  /** The requester is withheld from every unit but the intake unit and those above it (举报人保护). */
  is_identity_protected: Generated<boolean>;
  accept_due_at: NullableTimestamp;
  reply_due_at: NullableTimestamp;
  dispatched_at: NullableTimestamp;
  accepted_at: NullableTimestamp;
  reply_text: string | null;
  reply_outcome: string | null;
  reply_internal_summary: string | null;
  replied_at: NullableTimestamp;
  callback_resolved: string | null;
  callback_satisfaction: string | null;
  callback_comment: string | null;
  callback_at: NullableTimestamp;
  rating_resolved: string | null;
  rating_satisfaction: string | null;
  rating_comment: string | null;
  rated_at: NullableTimestamp;
  supervision_due_by: NullableTimestamp;
  supervision_note: string | null;
  supervised_at: NullableTimestamp;
  extension_days: number | null;
  extension_reason: string | null;
  extension_requested_at: NullableTimestamp;
  reject_reason: string | null;
  reject_advice: string | null;
  master_id: string | null;
  reopen_count: Generated<number>;
  closed_at: NullableTimestamp;
  sla_policy_code: string | null;
  sla: ColumnType<Record<string, unknown>, string | undefined, string>;
  sla_state: Generated<string>;
  supervision_response: string | null;
  supervision_outcome: string | null;
  urge_count: Generated<number>;
  anonymised_at: NullableTimestamp;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type CaseAssignmentTable = {
  id: Generated<string>;
  case_id: string;
  unit_id: string;
  role: string;
  status: string;
  assigned_by: string | null;
  assigned_at: Timestamp;
  accepted_at: NullableTimestamp;
  ended_at: NullableTimestamp;
};

export type WorkItemEventTable = {
  id: Generated<string>;
  item_kind: string;
  item_id: string;
  seq: number;
  at: Timestamp;
  actor_kind: string;
  actor_id: string | null;
  code: string;
  from_status: string | null;
  to_status: string | null;
  is_internal: Generated<boolean>;
  data: ColumnType<Record<string, unknown>, string, string>;
};

export type CalendarTable = {
  id: Generated<string>;
  code: string;
  name: ColumnType<LocalizedName, string, string>;
  base: string;
  options: ColumnType<Record<string, unknown>, string | undefined, string>;
  updated_at: Timestamp;
};

export type CalendarDayTable = {
  calendar_id: string;
  date: ColumnType<string, string, string>;
  is_workday: boolean;
  holiday_code: string | null;
  name: ColumnType<Record<string, string> | null, string | null, string | null>;
  note: string | null;
};

export type SlaPolicyTable = {
  id: Generated<string>;
  code: string;
  name: ColumnType<LocalizedName, string, string>;
  targets: ColumnType<Record<string, { amount: number; mode: string }>, string, string>;
  reply_clock: Generated<string>;
  warn_at_share: ColumnType<string, number | undefined, number>;
  max_extension_days: number | null;
  category_id: string | null;
  channel: string | null;
  kind: string | null;
  priority: Generated<number>;
  is_active: Generated<boolean>;
};

export type JobTable = {
  id: Generated<string>;
  kind: string;
  version: Generated<number>;
  run_at: Timestamp;
  payload: ColumnType<Record<string, unknown>, string, string>;
  dedupe_key: string | null;
  attempts: Generated<number>;
  last_error: string | null;
  done_at: NullableTimestamp;
  created_at: Generated<Date>;
};

export type EventConsumerTable = {
  name: string;
  item_kinds: ColumnType<string[], string[] | undefined, string[]>;
  /** The event codes queued for the consumer; null: all of them. */
  codes: ColumnType<string[] | null, string[] | null | undefined, string[] | null>;
  created_at: Generated<Date>;
};

export type EventOutboxTable = {
  id: Generated<string>;
  consumer: string;
  event_id: string;
  attempts: Generated<number>;
  not_before: Generated<Date>;
  last_error: string | null;
};

export type ThrottleCountersTable = { key: string; count: number; window_started_at: Timestamp; locked_until: NullableTimestamp };

export type AuditLogTable = {
  id: Generated<string>;
  at: Timestamp;
  actor_id: string | null;
  actor_name: string | null;
  ip: string | null;
  user_agent: string | null;
  action: string;
  subject_kind: string | null;
  subject_id: string | null;
  outcome: string;
  data: ColumnType<Record<string, unknown>, string | undefined, string>;
  chain_seq: string | null;
  prev_hash: string | null;
  hash: string | null;
};

export type CoreTables = {
  throttle_counters: ThrottleCountersTable;
  audit_log: AuditLogTable;
  event_consumers: EventConsumerTable;
  event_outbox: EventOutboxTable;
  calendars: CalendarTable;
  calendar_days: CalendarDayTable;
  sla_policies: SlaPolicyTable;
  jobs: JobTable;
  units: UnitTable;
  users: UserTable;
  sessions: SessionTable;
  categories: CategoryTable;
  requesters: RequesterTable;
  tracking_counters: TrackingCounterTable;
  idempotency_keys: IdempotencyKeyTable;
  cases: CaseTable;
  case_assignments: CaseAssignmentTable;
  work_item_events: WorkItemEventTable;
};

export type CaseRow = Selectable<CaseTable>;
export type NewCaseRow = Insertable<CaseTable>;
export type CaseUpdate = Updateable<CaseTable>;
export type UnitRow = Selectable<UnitTable>;
export type UserRow = Selectable<UserTable>;
export type CategoryRow = Selectable<CategoryTable>;
export type AssignmentRow = Selectable<CaseAssignmentTable>;
export type EventRow = Selectable<WorkItemEventTable>;

export type Database = CoreTables & StatsTables & NotificationsTables & Open311Tables & SearchTables & TwoFactorTables & CallbacksTables & OpenDataTables & ReportsTables & AccessTables & AttachmentsTables & WorkflowTables;
