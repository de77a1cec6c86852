import type { Actor } from '../auth/actor.js';
import { scoreDuplicate, type DuplicateReason } from './duplicate-score.js';
import type { DuplicateSettings } from './duplicate-settings.js';
import { keyKind } from './requester-key.js';
import { anchorHash, chooseAnchors, cosineSimilarity, weighLexemes, type AnchorOptions, type TermStats, DEFAULT_ANCHOR_OPTIONS } from './text-similarity.js';

/** A case sharing anchors with the probe, with its title and description lexemes for the full comparison. */
export type TextCandidate = { caseId: string; createdAt: Date; lexemes: string[]; textWeight: number };
export type RequesterCandidate = { caseId: string; createdAt: Date; keys: string[] };
export type NearbyCandidate = { caseId: string; createdAt: Date; distanceMetres: number };

/** Time limits of a look-up: open cases always qualify, others only if registered between these. */
export type CandidateWindow = { from: Date; to: Date };

/** What duplicate detection needs from storage (src/db/duplicates.repository.ts). */
export type DuplicateStore = {
  termStats: (lexemes: readonly string[]) => Promise<TermStats>;
  /** The `limit` cases sharing the most anchor weight (Σ weight of the shared anchor hashes), best first. */
  textCandidates: (input: {
    anchors: readonly { hash: number; weight: number }[];
    window: CandidateWindow;
    excludeIds: readonly string[];
    limit: number;
  }) => Promise<TextCandidate[]>;
  /**
   * `reader`: only cases whose requester that reader may learn about (a protected requester is withheld from the
   * handling units, src/core/case/identity-protection.ts); filtered in the look-up, so the limit counts only those.
   */
  requesterCandidates: (input: { keys: readonly string[]; window: CandidateWindow; excludeIds: readonly string[]; limit: number; reader?: Actor }) => Promise<RequesterCandidate[]>;
  nearbyCandidates: (input: { lat: number; lng: number; metres: number; window: CandidateWindow; excludeIds: readonly string[]; limit: number }) => Promise<NearbyCandidate[]>;
};

/** A new or existing case, as duplicate detection sees it. */
export type DuplicateProbe = {
  /** Distinct lexemes of title and description (requestLexemes). */
  lexemes: readonly string[];
  requesterKeys: readonly string[];
  location: { lat: number; lng: number } | null;
  /** When the probe was registered (now, for a new one). */
  at: Date;
  /** The case itself and anything else not to suggest. */
  excludeIds: readonly string[];
  /** Only cases registered before the probe (used when indexing, to point at the earlier of two). */
  isEarlierOnly?: boolean;
};

export type DuplicateSuggestion = { caseId: string; createdAt: Date; score: number; reasons: DuplicateReason[] };

const DAY_MS = 86_400_000;

const windowAround = (at: Date, days: number, isEarlierOnly: boolean): CandidateWindow => ({
  from: new Date(at.getTime() - days * DAY_MS),
  to: isEarlierOnly ? at : new Date(at.getTime() + days * DAY_MS),
});

/** How many of the cases sharing anchors to compare in full, and how many other candidates to read. */
const TEXT_COMPARED = 24;
const OTHER_CANDIDATES = 20;

/**
 * The cases sharing the most (IDF-weighted) anchors with the probe, compared in full: cosine over all
 * their title and description lexemes, which the look-up reads for these few only.
 */
const similarTexts = async (
  store: DuplicateStore,
  input: { lexemes: readonly string[]; stats: TermStats; anchors: readonly string[]; window: CandidateWindow; excludeIds: readonly string[] },
): Promise<Map<string, { createdAt: Date; similarity: number }>> => {
  const result = new Map<string, { createdAt: Date; similarity: number }>();
  if (input.anchors.length === 0) return result;
  const weighted = weighLexemes(input.lexemes, input.stats);
  const anchors = input.anchors.map((lexeme) => ({ hash: anchorHash(lexeme), weight: (weighted.weights.get(lexeme) ?? 0) ** 2 }));
  const candidates = await store.textCandidates({ anchors, window: input.window, excludeIds: input.excludeIds, limit: TEXT_COMPARED });
  for (const c of candidates) result.set(c.caseId, { createdAt: c.createdAt, similarity: cosineSimilarity(weighted, c.lexemes, c.textWeight) });
  return result;
};

/**
 * Likely duplicates of a probe, best first: candidates by text (rare shared words), by requester and by
 * place, each scored on all the evidence found for it. The three look-ups are independent and run together.
 */
export const findDuplicates = async (
  store: DuplicateStore,
  probe: DuplicateProbe,
  settings: DuplicateSettings,
  /** `reader`: the person the suggestions are for; the same requester is matched only where they may know it. */
  options: { anchors?: AnchorOptions; minScore?: number; limit?: number; reader?: Actor } = {},
): Promise<DuplicateSuggestion[]> => {
  const isEarlierOnly = probe.isEarlierOnly ?? false;
  // Requester and place need no word statistics: they start at once, alongside the text look-up.
  const requesterLookup = probe.requesterKeys.length > 0
    ? store.requesterCandidates({
        keys: probe.requesterKeys,
        window: windowAround(probe.at, settings.requesterWindowDays, isEarlierOnly),
        excludeIds: probe.excludeIds,
        limit: OTHER_CANDIDATES,
        ...(options.reader ? { reader: options.reader } : {}),
      })
    : Promise.resolve([]);
  const nearbyLookup = probe.location
    ? store.nearbyCandidates({ ...probe.location, metres: settings.nearbyMetres, window: windowAround(probe.at, settings.nearbyWindowDays, isEarlierOnly), excludeIds: probe.excludeIds, limit: OTHER_CANDIDATES })
    : Promise.resolve([]);
  const textLookup = (async () => {
    const stats = probe.lexemes.length > 0 ? await store.termStats(probe.lexemes) : { documents: 0, df: new Map<string, number>() };
    const anchors = chooseAnchors(probe.lexemes, stats, options.anchors ?? DEFAULT_ANCHOR_OPTIONS);
    return similarTexts(store, { lexemes: probe.lexemes, stats, anchors, window: windowAround(probe.at, settings.textWindowDays, isEarlierOnly), excludeIds: probe.excludeIds });
  })();
  const [text, requester, nearby] = await Promise.all([textLookup, requesterLookup, nearbyLookup]);

  type Evidence = { createdAt: Date; text: number | null; requester: RequesterCandidate | null; distance: number | null };
  const byCase = new Map<string, Evidence>();
  const evidenceOf = (caseId: string, createdAt: Date): Evidence => {
    let e = byCase.get(caseId);
    if (!e) {
      e = { createdAt, text: null, requester: null, distance: null };
      byCase.set(caseId, e);
    }
    return e;
  };
  for (const [caseId, t] of text) evidenceOf(caseId, t.createdAt).text = t.similarity;
  for (const c of requester) evidenceOf(c.caseId, c.createdAt).requester = c;
  for (const c of nearby) evidenceOf(c.caseId, c.createdAt).distance = c.distanceMetres;

  const probeKeys = new Set(probe.requesterKeys);
  const minScore = options.minScore ?? settings.minScore;
  const suggestions: DuplicateSuggestion[] = [];
  for (const [caseId, e] of byCase) {
    const shared = e.requester?.keys.find((k) => probeKeys.has(k));
    const { score, reasons } = scoreDuplicate(
      {
        textSimilarity: e.text,
        sameRequester: shared ? { via: keyKind(shared), daysApart: Math.abs(probe.at.getTime() - e.createdAt.getTime()) / DAY_MS } : null,
        distanceMetres: e.distance,
      },
      settings,
    );
    if (score >= minScore) suggestions.push({ caseId, createdAt: e.createdAt, score, reasons });
  }
  // The score saturates near 1; among equal scores the more similar text comes first (an identical copy
  // before a close paraphrase), then the earlier case, the one to merge into.
  const similarityOf = (x: DuplicateSuggestion): number => byCase.get(x.caseId)?.text ?? 0;
  suggestions.sort(
    (a, b) => b.score - a.score || similarityOf(b) - similarityOf(a) || a.createdAt.getTime() - b.createdAt.getTime() || (a.caseId < b.caseId ? -1 : 1),
  );
  return suggestions.slice(0, options.limit ?? settings.maxSuggestions);
};
