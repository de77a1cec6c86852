import type { ColumnType, Generated } from 'kysely';

/** Kysely table types of the search module; part of the Database type in schema.ts. */

/** tsvector columns are written as literals (cast in SQL) and read only inside SQL expressions. */
type TsVector = ColumnType<string, string, string>;
type NullableTsVector = ColumnType<string | null, string | null, string | null>;

export type CaseSearchTable = {
  case_id: string;
  document: TsVector;
  document_with_internal: NullableTsVector;
  created_at: ColumnType<Date, Date | string, Date | string>;
  status: string;
  category_id: string | null;
  channel: string;
  kind: string;
  unit_ids: ColumnType<string[], string[] | undefined, string[]>;
  requester_keys: ColumnType<string[], string[] | undefined, string[]>;
  anchors: ColumnType<number[], number[] | undefined, number[]>;
  lat: number | null;
  lng: number | null;
  text_weight: ColumnType<number, number | undefined, number>;
  similar_to: string | null;
  similarity: number | null;
  indexed_seq: ColumnType<number, number | undefined, number>;
  indexed_at: ColumnType<Date, Date | string | undefined, Date | string>;
};

export type SearchTermTable = { lexeme: string; df: number };

/** One stored anchor of an indexed case, kept from case_search by a trigger (migration create_case_anchors). */
export type CaseAnchorTable = { anchor: number; created_at: ColumnType<Date, Date | string, Date | string>; case_id: string };

export type CaseLinkTable = {
  id: Generated<string>;
  /** The smaller id of the pair, so that a link exists once whichever side it was made from. */
  case_a: string;
  case_b: string;
  kind: string;
  note: string | null;
  created_by: string | null;
  created_at: ColumnType<Date, Date | string, Date | string>;
};

export type RouterModelTable = {
  id: Generated<string>;
  target: string;
  version: number;
  status: string;
  trigger: string;
  requested_by: string | null;
  examples: number;
  labels: ColumnType<string[], string[], string[]>;
  model: ColumnType<string | null, string | null, string | null>;
  evaluation: ColumnType<Record<string, unknown>, string, string>;
  seconds: ColumnType<number, number, number>;
  error: string | null;
  trained_at: ColumnType<Date, Date | string, Date | string>;
  activated_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
};

export type TextSettingTable = {
  key: string;
  value: ColumnType<Record<string, unknown>, string, string>;
  updated_by: string | null;
  updated_at: ColumnType<Date, Date | string, Date | string>;
};

export type SearchTables = {
  case_search: CaseSearchTable;
  case_anchors: CaseAnchorTable;
  search_terms: SearchTermTable;
  case_links: CaseLinkTable;
  router_models: RouterModelTable;
  text_settings: TextSettingTable;
};
