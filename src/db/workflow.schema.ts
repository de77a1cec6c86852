import type { ColumnType } from 'kysely';

type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/**
 * Columns the workflow module (reopen policy, holds) adds to `cases` and `sla_policies`. Repositories of the
 * module read them through `db.withTables<WorkflowTables>()`, which intersects them with the core table types.
 */
export type WorkflowCaseColumns = {
  hold_from_status: string | null;
  hold_reason: string | null;
  held_at: NullableTimestamp;
  hold_ends_at: NullableTimestamp;
  reopen_requested_at: NullableTimestamp;
  reopen_request_reason: string | null;
  reopen_request_source: string | null;
  reopen_decision: string | null;
  reopen_decision_note: string | null;
  reopen_decided_at: NullableTimestamp;
  reopen_window_ends_at: NullableTimestamp;
};

export type WorkflowSlaPolicyColumns = {
  paused_statuses: ColumnType<string[], string[] | undefined, string[]>;
  max_reopen_rounds: ColumnType<number, number | undefined, number>;
  reopen_window_days: ColumnType<number, number | undefined, number>;
  hold_reminder_days: ColumnType<number | null, number | null | undefined, number | null>;
  hold_limit_days: ColumnType<number | null, number | null | undefined, number | null>;
};

export type WorkflowTables = { cases: WorkflowCaseColumns; sla_policies: WorkflowSlaPolicyColumns };
