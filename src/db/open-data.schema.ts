import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type OpenDataPolicy = 'never' | 'review' | 'auto';

export type OpenDataRuleTable = { scope: string; code: string; policy: string; updated_at: Timestamp };

export type OpenDataSettingsTable = {
  id: number;
  default_policy: string;
  is_review_required: boolean;
  min_cell: number;
  grid_metres: number;
  updated_at: Timestamp;
};

/** The public snapshot of a case; it has no requester column and no exact place by construction. */
export type OpenDataCaseTable = {
  case_id: string;
  public_id: string;
  policy: string;
  state: string;
  category_id: string | null;
  kind: string;
  district_code: string | null;
  grid_lat: number | null;
  grid_lng: number | null;
  status: string;
  registered_at: Timestamp;
  replied_at: NullableTimestamp;
  reply_due_at: NullableTimestamp;
  auto_title: string;
  auto_text: string;
  auto_reply: string | null;
  edited_title: string | null;
  edited_text: string | null;
  edited_reply: string | null;
  served_title: string | null;
  served_text: string | null;
  served_reply: string | null;
  has_unreviewed_changes: ColumnType<boolean, boolean | undefined, boolean>;
  reviewed_by: string | null;
  reviewed_at: NullableTimestamp;
  published_at: NullableTimestamp;
  updated_at: Timestamp;
};

/** Kysely table types of the open-data module; part of the Database type in schema.ts. */
export type OpenDataTables = {
  open_data_rules: OpenDataRuleTable;
  open_data_settings: OpenDataSettingsTable;
  open_data_cases: OpenDataCaseTable;
};
