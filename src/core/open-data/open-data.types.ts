import type { LocalizedText } from '../directory/directory.types.js';

export type PublicationPolicy = 'never' | 'review' | 'auto';
export type RuleScope = 'channel' | 'kind' | 'category' | 'unit';
export type PublicationRule = { scope: RuleScope; code: string; policy: PublicationPolicy };
export type PublicationState = 'pending' | 'published' | 'withdrawn';
export type PublicStatus = 'open' | 'replied' | 'closed';

export type OpenDataSettings = {
  defaultPolicy: PublicationPolicy;
  isReviewRequired: boolean;
  /** Cells of a statistics table with fewer cases than this are shown as "<minCell". */
  minCell: number;
  gridMetres: number;
};

export type District = { code: string; name: LocalizedText; aliases: readonly string[]; lat: number; lng: number };

/** A job that refreshes every case, queued after a change of publication rules or settings. */
export const OPEN_DATA_REFRESH_ALL_JOB = 'open_data.refresh_all';
