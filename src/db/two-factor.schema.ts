import type { ColumnType } from 'kysely';

/** Kysely table types of two-factor authentication; part of the Database type in schema.ts. */

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** One row per user who started or finished setting up TOTP. Secrets are sealed (AES-256-GCM), never plain. */
export type UserTotpTable = {
  user_id: string;
  secret_sealed: ColumnType<string | null, string | null | undefined, string | null>;
  enabled_at: NullableTimestamp;
  /** bigint: read as a string (pg's default in this code base), written as a number. */
  last_used_step: ColumnType<string | null, number | null | undefined, number | null>;
  pending_secret_sealed: ColumnType<string | null, string | null | undefined, string | null>;
  pending_created_at: NullableTimestamp;
  updated_at: Timestamp;
};

export type UserRecoveryCodeTable = {
  user_id: string;
  /** HMAC-SHA256 under a key kept outside the database. */
  code_hash: string;
  created_at: Timestamp;
  used_at: NullableTimestamp;
};

export type SecuritySettingTable = {
  key: string;
  value: ColumnType<unknown, string, string>;
  updated_by: string | null;
  updated_at: Timestamp;
};

export type TwoFactorTables = {
  user_totp: UserTotpTable;
  user_recovery_codes: UserRecoveryCodeTable;
  security_settings: SecuritySettingTable;
};
