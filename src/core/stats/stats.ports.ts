import type { CaseStatus, Channel, Kind } from '../case/case.types.js';
import type { LocalizedText } from '../directory/directory.types.js';
import type { Counters, Period } from './stats.types.js';

export type StatsUnit = { id: string; code: string; name: LocalizedText; path: string; parentId: string | null };
export type StatsCategory = { id: string; code: string; name: LocalizedText; parentId: string | null };

/** What a rollup query groups by: nothing, a dimension, or a period (the key is the period's first day). */
export type StatsGroupBy = 'none' | 'unit' | 'category' | 'channel' | 'kind' | Period;

export type RollupQuery = {
  /** China dates, both included */
  from: string;
  to: string;
  /**
   * Whose subtrees to sum: each unit counts with everything below it. Units nested in one another are counted
   * twice unless grouped by unit (which gives each unit's own subtree sum).
   */
  unitIds: readonly string[];
  /** null: no filter */
  categoryIds: readonly string[] | null;
  channels: readonly Channel[] | null;
  kinds: readonly Kind[] | null;
  groupBy: StatsGroupBy;
};

export type HotspotQuery = {
  unitIds: readonly string[];
  categoryIds: readonly string[] | null;
  /** the window and the one before it, as instants [from, to) */
  from: Date;
  to: Date;
  previousFrom: Date;
  by: 'place' | 'district';
  minCases: number;
  limit: number;
};

export type HotspotRow = {
  categoryId: string | null;
  place: string;
  district: string | null;
  count: number;
  previousCount: number;
  latestAt: Date;
  titles: string[];
  caseIds: string[];
};

/** Open cases of the units registered before the instant, oldest first, one page. */
export type BacklogQuery = { unitIds: readonly string[]; registeredBefore: Date; page: number; pageSize: number };

export type BacklogRow = {
  id: string;
  trackingNo: string;
  title: string;
  status: CaseStatus;
  categoryId: string | null;
  ownerUnitId: string;
  ownerSince: Date;
  handler: { id: string; displayName: string } | null;
  createdAt: Date;
  replyDueAt: Date | null;
  isSupervised: boolean;
  reopenCount: number;
  urgeCount: number;
};

export type NotableKind = 'longest_open' | 'overdue_reply' | 'dissatisfied' | 'largest_recovery' | 'reopened';
export type NotableRow = {
  reason: NotableKind;
  id: string;
  trackingNo: string;
  title: string;
  status: CaseStatus;
  categoryId: string | null;
  ownerUnitId: string;
  createdAt: Date;
  amountRecoveredFen: number | null;
  satisfaction: string | null;
};

/** What the statistics need from storage: rollups for figures, indexed case reads for lists. */
export type StatsStore = {
  /** The unit and every unit below it, parents first; empty if there is no such unit. */
  subtreeOf: (unitId: string) => Promise<StatsUnit[]>;
  categories: () => Promise<StatsCategory[]>;
  /** Sums of the rollups by the requested grouping; the key of the whole is '' (groupBy none). */
  sumRollups: (query: RollupQuery) => Promise<Map<string, Counters>>;
  hotspots: (query: HotspotQuery) => Promise<HotspotRow[]>;
  backlog: (query: BacklogQuery) => Promise<BacklogRow[]>;
  /** Cases registered from..to (instants) worth a leader's attention, up to `perReason` of each reason. */
  notableCases: (query: { unitIds: readonly string[]; from: Date; to: Date; now: Date; perReason: number }) => Promise<NotableRow[]>;
};

export type StatsDeps = { store: StatsStore; now: () => Date };
