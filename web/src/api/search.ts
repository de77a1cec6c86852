// Search, duplicates and repeats, related-case links, undoing a merge, dispatch suggestions (docs/search.md).
// The shared client's request helper is private to it; this module calls fetch the same way (same origin,
// cookie session, language on every call) and answers errors as the same ApiError.
import { apiRequest } from './client';
import type { Case, CaseSummary } from './types';

type QueryValue = string | number | boolean | undefined | null;

async function call<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  opts: { query?: Record<string, QueryValue>; body?: unknown; signal?: AbortSignal } = {},
): Promise<T> {
  return apiRequest<T>(method, path, opts);
}

// ---- search ----

/** UTF-16 offsets into `text`, end exclusive. */
export interface Mark {
  start: number;
  end: number;
}

export interface Highlight {
  field: 'title' | 'description' | 'reply' | 'note' | 'address';
  text: string;
  marks: Mark[];
}

export type SearchHit = CaseSummary & { score: number; highlights: Highlight[] };

export interface SearchResult {
  items: SearchHit[];
  total: number;
  /** False when there are more matches than `total` (shown as "200+"). */
  isTotalExact: boolean;
  page: number;
  pageSize: number;
}

export interface SearchQuery {
  q: string;
  status?: string;
  unitId?: string;
  categoryId?: string;
  channel?: string;
  kind?: string;
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

export function searchCases(query: SearchQuery, signal?: AbortSignal): Promise<SearchResult> {
  return call<SearchResult>('GET', '/search/cases', { query: { ...query }, signal });
}

// ---- duplicates ----

export type DuplicateReason =
  | { kind: 'same_requester'; via: 'phone' | 'id_number'; daysApart: number }
  | { kind: 'similar_text'; similarity: number }
  | { kind: 'nearby'; distanceMetres: number };

export type DuplicateItem = CaseSummary & { score: number; reasons: DuplicateReason[]; isLinked: boolean };

export interface IntakeProbe {
  title: string;
  description?: string;
  lat?: number;
  lng?: number;
  requester?: { phone?: string; idNumber?: string };
  excludeCaseId?: string;
}

export async function checkDuplicates(probe: IntakeProbe, signal?: AbortSignal): Promise<DuplicateItem[]> {
  return (await call<{ items: DuplicateItem[] }>('POST', '/duplicates/check', { body: probe, signal })).items;
}

export async function duplicatesOfCase(id: string, signal?: AbortSignal): Promise<DuplicateItem[]> {
  return (await call<{ items: DuplicateItem[] }>('GET', `/cases/${encodeURIComponent(id)}/duplicates`, { signal })).items;
}

export interface RepeatRequester {
  via: 'phone' | 'id_number';
  /**
   * Masked (138****1234), or null for readers without personal data. The full values come from revealRequester
   * on `caseId`, the case they were taken from, and each reveal is audited.
   */
  requester: { caseId: string; name: string | null; phone: string | null; idNumber: string | null; isMasked: true } | null;
  caseCount: number;
  openCount: number;
  firstAt: string;
  lastAt: string;
  cases: CaseSummary[];
}

export interface RepeatMatter {
  caseCount: number;
  requesterCount: number;
  openCount: number;
  meanSimilarity: number;
  firstAt: string;
  lastAt: string;
  cases: CaseSummary[];
}

export type RepeatsResult = { kind: 'requesters'; items: RepeatRequester[] } | { kind: 'matters'; items: RepeatMatter[] };

export function listRepeats(
  query: { kind: 'requesters' | 'matters'; from?: string; to?: string; minCases?: number },
  signal?: AbortSignal,
): Promise<RepeatsResult> {
  return call<RepeatsResult>('GET', '/duplicates/repeats', { query, signal });
}

// ---- links and undoing a merge ----

export type LinkedCase = CaseSummary & { note: string | null; linkedAt: string };

export async function listLinks(id: string, signal?: AbortSignal): Promise<LinkedCase[]> {
  return (await call<{ items: LinkedCase[] }>('GET', `/cases/${encodeURIComponent(id)}/links`, { signal })).items;
}

export async function linkCase(id: string, otherId: string, note?: string): Promise<LinkedCase[]> {
  const body = note ? { caseId: otherId, note } : { caseId: otherId };
  return (await call<{ items: LinkedCase[] }>('POST', `/cases/${encodeURIComponent(id)}/links`, { body })).items;
}

export async function unlinkCase(id: string, otherId: string): Promise<void> {
  await call<void>('DELETE', `/cases/${encodeURIComponent(id)}/links/${encodeURIComponent(otherId)}`);
}

export function unmergeCase(id: string, reason: string): Promise<Case> {
  return call<Case>('POST', `/cases/${encodeURIComponent(id)}/unmerge`, { body: { reason } });
}

// ---- dispatch suggestions ----

export interface NamedRef {
  id: string;
  code: string;
  name: string;
}

export interface DispatchSuggestions {
  items: { unitId: string; unit: NamedRef | null; categoryId?: string; category: NamedRef | null; confidence: number }[];
  categories: { categoryId: string; category: NamedRef | null; confidence: number }[];
  /** auto: may dispatch by itself; hint: shown to the dispatcher; none: no model yet. */
  mode: 'auto' | 'hint' | 'none';
  reason: string;
  autoThreshold: number;
  models: { unit: number | null; category: number | null };
}

export function suggestForText(text: string, categoryId?: string, signal?: AbortSignal): Promise<DispatchSuggestions> {
  return call<DispatchSuggestions>('POST', '/suggestions', { body: categoryId ? { text, categoryId } : { text }, signal });
}

export function suggestForCase(id: string, signal?: AbortSignal): Promise<DispatchSuggestions> {
  return call<DispatchSuggestions>('GET', `/cases/${encodeURIComponent(id)}/suggestions`, { signal });
}

// ---- settings and models (administrators) ----

export interface DuplicateSettings {
  requesterWindowDays: number;
  textWindowDays: number;
  nearbyMetres: number;
  nearbyWindowDays: number;
  minScore: number;
  sameMatterSimilarity: number;
  maxSuggestions: number;
}

export interface SuggestionSettings {
  autoThreshold: number;
  autoDispatchCategoryIds: string[];
  /** Also what citizens and integrations submit (off: the intake desk reads it first). */
  isAutoDispatchingSubmissions: boolean;
  minConfidence: number;
  maxSuggestions: number;
  minExamples: number;
  maxExamples: number;
  holdoutShare: number;
  retrainEveryDays: number;
}

export interface ModelEvaluationView {
  holdout?: { accuracy: number; macroF1: number; top2Accuracy?: number };
  holdoutExamples?: number;
  thresholds?: { threshold: number; coverage: number; accuracy: number | null }[];
}

export interface RouterModelRow {
  id: string;
  target: 'unit' | 'category';
  version: number;
  status: string;
  trigger: string;
  examples: number;
  labels: number;
  seconds: number;
  error: string | null;
  trainedAt: string;
  activatedAt: string | null;
  evaluation: ModelEvaluationView & Record<string, unknown>;
}

export const getDuplicateSettings = (): Promise<DuplicateSettings> => call<DuplicateSettings>('GET', '/duplicates/settings');
export const putDuplicateSettings = (patch: Partial<DuplicateSettings>): Promise<DuplicateSettings> =>
  call<DuplicateSettings>('PUT', '/duplicates/settings', { body: patch });
export const getSuggestionSettings = (): Promise<SuggestionSettings> => call<SuggestionSettings>('GET', '/suggestions/settings');
export const putSuggestionSettings = (patch: Partial<SuggestionSettings>): Promise<SuggestionSettings> =>
  call<SuggestionSettings>('PUT', '/suggestions/settings', { body: patch });
export async function listModels(limit = 20): Promise<RouterModelRow[]> {
  return (await call<{ items: RouterModelRow[] }>('GET', '/suggestions/models', { query: { limit } })).items;
}
export const retrainNow = (): Promise<{ isQueued: boolean }> => call<{ isQueued: boolean }>('POST', '/suggestions/retrain');
