// API of the open-data portal (docs/open-data.md): public lists, statistics and exports; the staff review.
import { apiRequest, buildUrl } from './client';

export type OpenDataStatus = 'open' | 'replied' | 'closed';
export const OPEN_DATA_STATUSES: readonly OpenDataStatus[] = ['open', 'replied', 'closed'];
type Named = { code: string; name: string };

export interface OpenDataCase {
  id: string;
  title: string;
  text: string;
  reply: string | null;
  category: (Named & { id: string }) | null;
  district: Named | null;
  status: OpenDataStatus;
  registeredOn: string;
  repliedOn: string | null;
  location: { lat: number; lng: number } | null;
}

export type SuppressedCount = number | string;
export interface OpenDataStatsRow {
  cases: SuppressedCount;
  replied: SuppressedCount;
  replyRate: number | null;
  onTimeRate: number | null;
}
export interface OpenDataStats {
  from: string;
  to: string;
  minCell: number;
  total: OpenDataStatsRow;
  byDistrict: (OpenDataStatsRow & { district: Named | null })[];
  byCategory: (OpenDataStatsRow & { category: (Named & { id: string }) | null })[];
  cells: (OpenDataStatsRow & { district: Named | null; category: (Named & { id: string }) | null })[];
}
export interface OpenDataMeta {
  districts: (Named & { lat: number; lng: number })[];
  categories: (Named & { id: string; parentId: string | null })[];
}

export interface OpenDataFilter {
  from?: string;
  to?: string;
  district?: string;
  category?: string;
  status?: OpenDataStatus | '';
  q?: string;
}

export interface ReviewItem {
  caseId: string;
  publicId: string;
  trackingNo: string;
  policy: 'review' | 'auto';
  state: 'pending' | 'published' | 'withdrawn';
  hasUnreviewedChanges: boolean;
  category: Named | null;
  district: Named | null;
  status: OpenDataStatus;
  registeredOn: string;
  auto: { title: string; text: string; reply: string | null };
  edited: { title: string | null; text: string | null; reply: string | null };
  served: { title: string | null; text: string | null; reply: string | null };
}

export interface ReviewBody {
  action: 'save' | 'publish' | 'withdraw';
  title?: string | null;
  text?: string | null;
  reply?: string | null;
}

async function call<T>(method: 'GET' | 'PUT', path: string, query: Record<string, string | number | undefined>, body?: unknown, signal?: AbortSignal): Promise<T> {
  return apiRequest<T>(method, path, { query, body, signal });
}

const filterQuery = (f: OpenDataFilter) => ({ from: f.from, to: f.to, district: f.district, category: f.category, status: f.status || undefined, q: f.q?.trim() || undefined });

export function getOpenDataCases(f: OpenDataFilter, page: number, pageSize: number, signal?: AbortSignal) {
  return call<{ items: OpenDataCase[]; total: number; page: number; pageSize: number }>('GET', '/public/open-data/cases', { ...filterQuery(f), page, pageSize }, undefined, signal);
}

export function getOpenDataStats(f: Pick<OpenDataFilter, 'from' | 'to'>, signal?: AbortSignal) {
  return call<OpenDataStats>('GET', '/public/open-data/stats', { from: f.from, to: f.to }, undefined, signal);
}

export function getOpenDataMeta(signal?: AbortSignal) {
  return call<OpenDataMeta>('GET', '/public/open-data/meta', {}, undefined, signal);
}

/** A download link (the browser fetches it: no script, works with the keyboard and with a screen reader). */
export function openDataExportUrl(what: 'cases' | 'stats', format: 'csv' | 'json', f: OpenDataFilter): string {
  return buildUrl(`/public/open-data/${what}.${format}`, what === 'cases' ? filterQuery(f) : { from: f.from, to: f.to });
}

export function listReviewItems(state: ReviewItem['state'] | '', signal?: AbortSignal) {
  return call<{ items: ReviewItem[] }>('GET', '/open-data/review', { state: state || undefined }, undefined, signal);
}

export function saveReview(caseId: string, body: ReviewBody) {
  return call<void>('PUT', `/open-data/review/${encodeURIComponent(caseId)}`, {}, body);
}

export type PublicationPolicy = 'auto' | 'review' | 'never';
export const PUBLICATION_POLICIES: readonly PublicationPolicy[] = ['auto', 'review', 'never'];
export type RuleScope = 'channel' | 'kind' | 'category' | 'unit';
export const RULE_SCOPES: readonly RuleScope[] = ['channel', 'kind', 'category', 'unit'];

/** Publication settings and rules (GET/PUT /open-data/settings, `opendata.manage`). */
export interface OpenDataSettings {
  defaultPolicy: PublicationPolicy;
  isReviewRequired: boolean;
  minCell: number;
  gridMetres: number;
  rules: { scope: RuleScope; code: string; policy: PublicationPolicy }[];
}

export function getOpenDataSettings(signal?: AbortSignal) {
  return call<OpenDataSettings>('GET', '/open-data/settings', {}, undefined, signal);
}

/** Every case is refreshed in the background afterwards; the change is audited. */
export function saveOpenDataSettings(settings: OpenDataSettings) {
  return call<void>('PUT', '/open-data/settings', {}, settings);
}
