import type { Actor } from '../auth/actor.js';
import { hasPermission } from '../auth/actor.js';
import type { CaseStatus, Channel, Kind } from '../case/case.types.js';
import type { LocalizedText } from '../directory/directory.types.js';
import { highlightCase, type Highlight, type HighlightSource } from './highlight.js';
import { parseSearchQuery, type QueryTerm } from './search-query.js';

export type SearchFilter = {
  statuses?: readonly CaseStatus[];
  unitId?: string;
  categoryId?: string;
  channel?: Channel;
  kind?: Kind;
  from?: Date;
  to?: Date;
};

/** A case as a search result lists it; the same fields as the case list. */
export type CaseSummaryRow = {
  id: string;
  trackingNo: string;
  status: CaseStatus;
  channel: Channel;
  kind: Kind;
  title: string;
  category: { id: string; code: string; name: LocalizedText } | null;
  leadUnit: { id: string; code: string; name: LocalizedText } | null;
  supervisedAt: Date | null;
  supervisionOutcome: string | null;
  /** The requester is withheld from the handling units (src/core/case/identity-protection.ts). */
  isIdentityProtected: boolean;
  slaState: 'ok' | 'warning' | 'overdue';
  acceptDueAt: Date | null;
  replyDueAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

export type RankedRow = CaseSummaryRow & { rank: number };

export type TextSearchInput = {
  tsquery: string;
  /** The query's clauses, for estimating how many documents match (see estimateMatches). */
  clauses: string[][][];
  /** Trigram matching of addresses, and of requester names for those who may see them; null: none. */
  fuzzyText: string | null;
  isNameSearchAllowed: boolean;
  includeInternal: boolean;
  filter: SearchFilter;
  limit: number;
  offset: number;
};

/** What search needs from storage (src/db/search.repository.ts); every query is limited to the actor's scope. */
export type SearchStore = {
  /** `sources`: the page's texts for highlighting, when the store read them with the page. */
  searchText: (actor: Actor, input: TextSearchInput) => Promise<{ rows: RankedRow[]; total: number; isTotalExact: boolean; sources?: Map<string, HighlightSource> }>;
  findByTrackingNo: (actor: Actor, trackingNo: string, filter: SearchFilter) => Promise<CaseSummaryRow[]>;
  highlightSources: (caseIds: readonly string[]) => Promise<Map<string, HighlightSource>>;
};

export type SearchHit = { row: CaseSummaryRow; score: number; highlights: Highlight[] };
export type SearchResult = { items: SearchHit[]; total: number; isTotalExact: boolean; terms: QueryTerm[] };

/**
 * Internal notes are for staff: every staff role may read them today, so this is `case.read`. Public and
 * requester-facing endpoints never call search with it. Kept in one place for when a role loses it.
 */
export const canSeeInternalNotes = (actor: Actor | null): boolean => actor !== null && hasPermission(actor, 'case.read');

/** Search of the cases the actor may see: by tracking number, or ranked by text with highlights. */
export const searchCases = async (
  store: SearchStore,
  input: { actor: Actor; q: string; filter: SearchFilter; page: number; pageSize: number },
): Promise<SearchResult> => {
  const parsed = parseSearchQuery(input.q);
  if (parsed.kind === 'empty') return { items: [], total: 0, isTotalExact: true, terms: [] };
  if (parsed.kind === 'tracking') {
    const rows = await store.findByTrackingNo(input.actor, parsed.trackingNo, input.filter);
    const page = rows.slice((input.page - 1) * input.pageSize, input.page * input.pageSize);
    return { items: page.map((row) => ({ row, score: 1, highlights: [] })), total: rows.length, isTotalExact: true, terms: [] };
  }
  const includeInternal = canSeeInternalNotes(input.actor);
  const run = (tsquery: string, clauses: string[][][]) =>
    store.searchText(input.actor, {
      tsquery,
      clauses,
      fuzzyText: [...parsed.fuzzyText].length >= 2 ? parsed.fuzzyText : null,
      isNameSearchAllowed: hasPermission(input.actor, 'case.view_personal_data'),
      includeInternal,
      filter: input.filter,
      limit: input.pageSize,
      offset: (input.page - 1) * input.pageSize,
    });
  let found = await run(parsed.tsquery, parsed.clauses);
  // The relaxed query's clauses are not tracked: no estimate, so the whole archive is searched (it is rare).
  if (found.total === 0 && parsed.relaxedTsquery !== null) found = await run(parsed.relaxedTsquery, []);
  const { rows, total, isTotalExact } = found;
  const sources = found.sources ?? (await store.highlightSources(rows.map((r) => r.id)));
  const items = rows.map((row) => {
    const source = sources.get(row.id);
    const { rank, ...summary } = row;
    return {
      row: summary,
      score: Math.round(rank * 10000) / 10000,
      highlights: source ? highlightCase(source, parsed.terms, { includeInternal }) : [],
    };
  });
  return { items, total, isTotalExact, terms: parsed.terms };
};
