import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | null | undefined, string | null>;

/** A requested report (PDF or Excel): its request, its progress, and once done, the file itself. */
export type ReportTable = {
  id: Generated<string>;
  user_id: string;
  unit_id: string;
  kind: string;
  /** China dates (YYYY-MM-DD), both included */
  period_from: ColumnType<string, string, string>;
  period_to: ColumnType<string, string, string>;
  format: string;
  language: string;
  status: string;
  progress: Generated<number>;
  error_code: string | null;
  error_message: string | null;
  data: Json<unknown>;
  file: Buffer | null;
  file_name: string | null;
  content_type: string | null;
  file_size: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  finished_at: NullableTimestamp;
  expires_at: NullableTimestamp;
};

/** Kysely table types of the reports module; part of the Database type in schema.ts. */
export type ReportsTables = { reports: ReportTable };
