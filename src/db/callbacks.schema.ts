import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

export type CallbackTaskTable = {
  id: Generated<string>;
  case_id: string;
  source_event_id: string;
  unit_id: string;
  status: string;
  due_at: Timestamp;
  claimed_by: string | null;
  claim_expires_at: NullableTimestamp;
  attempt_count: Generated<number>;
  unreachable_count: Generated<number>;
  next_attempt_after: NullableTimestamp;
  sms_code: string | null;
  sms_at: NullableTimestamp;
  close_reason: string | null;
  closed_by: string | null;
  closed_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
};

export type CallbackAttemptTable = {
  id: Generated<string>;
  task_id: string;
  actor_id: string | null;
  channel: string;
  outcome: string;
  note: string | null;
  at: Timestamp;
};

export type CallbackScriptTable = {
  id: Generated<string>;
  category_id: string | null;
  kind: string | null;
  body: Json<Record<string, string>>;
  version: Generated<number>;
  updated_by: string | null;
  updated_at: Timestamp;
};

export type CallbackQuestionnaireTable = {
  id: Generated<string>;
  kind: string | null;
  questions: Json<unknown>;
  version: Generated<number>;
  updated_by: string | null;
  updated_at: Timestamp;
};

export type CallbackAnswerTable = {
  id: Generated<string>;
  task_id: string;
  case_id: string;
  questionnaire_id: string;
  questionnaire_version: number;
  source: string;
  answers: Json<Record<string, unknown>>;
  satisfaction: string | null;
  actor_id: string | null;
  at: Timestamp;
};

export type CallbackLinkTable = { token_hash: string; task_id: string; expires_at: Timestamp; used_at: NullableTimestamp; created_at: Timestamp };

export type CallbackSmsInboundTable = {
  provider_message_id: string;
  from_masked: string;
  code: string | null;
  result: string;
  task_id: string | null;
  received_at: Timestamp;
};

export type CallbackFollowUpTable = {
  id: Generated<string>;
  case_id: string;
  close_event_id: string;
  unit_id: string;
  token_hash: string;
  channel: string;
  language: string;
  sent_at: Timestamp;
  expires_at: Timestamp;
  answered_at: NullableTimestamp;
  resolved: string | null;
  comment: string | null;
};

/** Kysely table types of the callbacks module; part of the Database type in schema.ts. */
export type CallbacksTables = {
  callback_tasks: CallbackTaskTable;
  callback_attempts: CallbackAttemptTable;
  callback_scripts: CallbackScriptTable;
  callback_questionnaires: CallbackQuestionnaireTable;
  callback_answers: CallbackAnswerTable;
  callback_links: CallbackLinkTable;
  callback_sms_inbound: CallbackSmsInboundTable;
  callback_follow_ups: CallbackFollowUpTable;
};
