import type { ColumnType } from 'kysely';

/** Counts are integers (pg int4 → number); money is bigint fen (pg int8 → string, see database.ts). */
type Count = ColumnType<number, number | undefined, number>;
type Fen = ColumnType<string, number | string | undefined, number | string>;

/** The counter columns, in the order of COUNTERS in core/stats/stats.types.ts. */
export type CounterColumns = {
  registered: Count;
  merged: Count;
  rejected: Count;
  replied: Count;
  replied_on_intake: Count;
  replied_on_time: Count;
  outcome_resolved: Count;
  open: Count;
  open_overdue: Count;
  evaluated: Count;
  callback_done: Count;
  eval_resolved: Count;
  eval_partly: Count;
  satisfied: Count;
  fairly_satisfied: Count;
  amount_recovered_fen: Fen;
  reopened: Count;
  dispatched: Count;
  dispatch_awaiting: Count;
  accepted_on_time: Count;
  accept_late: Count;
  dispatch_returned: Count;
  dispatch_withdrawn: Count;
  dispute_replied: Count;
  dispute_settled: Count;
};

/** Per case: how far its timeline has been folded into the statistics; its row lock serialises the work on one case. */
export type StatsCaseFactsTable = {
  case_id: string;
  last_seq: number;
  refreshed_at: ColumnType<Date, Date | string | undefined, Date | string>;
};

/** What each case currently adds to the rollups, per unit: the rollups are exactly the sums of these rows. */
export type StatsCaseContributionsTable = CounterColumns & {
  case_id: string;
  unit_id: string;
  /** the unit and the units above it, root first, when the row was written */
  scope_unit_ids: string[];
  day: ColumnType<string, string, string>;
  category_id: string | null;
  channel: string;
  kind: string;
};

/**
 * The rollups: sums of the contributions of every unit in the subtree of `subtree_unit_id` (itself included), by
 * grain (`d` day, `m` month; `period` is the day or the first of the month) and by a grouping of dimensions
 * (`dims`; a dimension the grouping leaves out is NULL there).
 */
export type StatsRollupsTable = CounterColumns & {
  grain: 'd' | 'm';
  dims: 'unit' | 'unit_category' | 'unit_channel' | 'unit_kind' | 'full';
  period: ColumnType<string, string, string>;
  subtree_unit_id: string;
  category_id: string | null;
  channel: string | null;
  kind: string | null;
};

/** Kysely table types of the stats module; part of the Database type in schema.ts. */
export type StatsTables = {
  stats_case_facts: StatsCaseFactsTable;
  stats_case_contributions: StatsCaseContributionsTable;
  stats_rollups: StatsRollupsTable;
};
