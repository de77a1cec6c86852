import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type CaseAttachmentTable = {
  id: Generated<string>;
  case_id: string;
  file_name: string;
  media_type: string;
  byte_size: number;
  sha256: string;
  original_sha256: string;
  is_public: boolean;
  uploader_kind: string;
  uploaded_by: string | null;
  is_reencoded: boolean;
  width: number | null;
  height: number | null;
  /** NULL once deleted: the bytes go, the row stays for the record. */
  content: ColumnType<Buffer | null, Buffer, Buffer | null>;
  created_at: Timestamp;
  deleted_at: NullableTimestamp;
  deleted_by: string | null;
};

/** Kysely table types of the attachments module; part of the Database type in schema.ts. */
export type AttachmentsTables = {
  case_attachments: CaseAttachmentTable;
};
