import type { RequesterKeyKind } from './requester-key.js';
import type { DuplicateSettings } from './duplicate-settings.js';

export type DuplicateReason =
  | { kind: 'same_requester'; via: RequesterKeyKind; daysApart: number }
  | { kind: 'similar_text'; similarity: number }
  | { kind: 'nearby'; distanceMetres: number };

/** What we know about one candidate before scoring it. */
export type DuplicateEvidence = {
  sameRequester: { via: RequesterKeyKind; daysApart: number } | null;
  textSimilarity: number | null;
  distanceMetres: number | null;
};

/**
 * How strongly each kind of evidence alone says "the same matter", combined as independent signals
 * (noisy-OR). Set on hand-labelled pairs of the teddy2020c hotspot messages (docs/search.md,
 * test/fixtures/duplicate-pairs.jsonl): a top suggestion by text alone was the same matter 83 % of the time
 * at a similarity of 0.24–0.32 and 94 % above, so text from 0.25 reaches the default threshold (0.4). The
 * same requester alone was the same matter only 11 % of the time (people write about several things), and
 * a nearby place alone says little: both stay under the threshold alone and strengthen text (from a
 * similarity of about 0.2 with the same requester).
 */
const textProbability = (similarity: number): number => Math.max(0, Math.min(0.98, 2 * similarity - 0.1));
const REQUESTER_PROBABILITY = 0.2;
const NEARBY_PROBABILITY = 0.25;

export const scoreDuplicate = (evidence: DuplicateEvidence, settings: DuplicateSettings): { score: number; reasons: DuplicateReason[] } => {
  const reasons: DuplicateReason[] = [];
  let keep = 1;
  if (evidence.textSimilarity !== null && evidence.textSimilarity > 0) {
    const p = textProbability(evidence.textSimilarity);
    if (p > 0) {
      keep *= 1 - p;
      reasons.push({ kind: 'similar_text', similarity: round(evidence.textSimilarity) });
    }
  }
  if (evidence.sameRequester) {
    const fade = 1 - 0.5 * Math.min(1, evidence.sameRequester.daysApart / settings.requesterWindowDays);
    keep *= 1 - REQUESTER_PROBABILITY * fade;
    reasons.push({ kind: 'same_requester', via: evidence.sameRequester.via, daysApart: Math.round(evidence.sameRequester.daysApart) });
  }
  if (evidence.distanceMetres !== null && evidence.distanceMetres <= settings.nearbyMetres) {
    keep *= 1 - NEARBY_PROBABILITY * (1 - 0.5 * (evidence.distanceMetres / settings.nearbyMetres));
    reasons.push({ kind: 'nearby', distanceMetres: Math.round(evidence.distanceMetres) });
  }
  return { score: round(1 - keep), reasons };
};

const round = (x: number): number => Math.round(x * 1000) / 1000;
