import type { PublicationConsent } from '../case/case.types.js';
import type { PublicationPolicy, PublicationRule, PublicationState } from './open-data.types.js';

const STRICTNESS: Record<PublicationPolicy, number> = { auto: 0, review: 1, never: 2 };

/**
 * Whether and how a case may be published: the strictest of the rules that match its channel, kind,
 * category (or any parent category) or any unit it belongs to (intake or lead unit, or a unit above them),
 * else the default. A case marked private (Open311 private cases), or whose requester refused publication, is
 * never published, whatever the rules say. Consent never loosens a rule: the rules are the office's judgement
 * of what is safe to publish at all.
 */
export const decidePolicy = (
  rules: readonly PublicationRule[],
  subject: {
    channel: string;
    kind: string;
    categoryCodes: readonly string[];
    unitCodes: readonly string[];
    isPrivate: boolean;
    consent: PublicationConsent;
  },
  defaultPolicy: PublicationPolicy,
): PublicationPolicy => {
  if (subject.isPrivate || subject.consent === 'refused') return 'never';
  const matching = rules.filter(
    (r) =>
      (r.scope === 'channel' && r.code === subject.channel) ||
      (r.scope === 'kind' && r.code === subject.kind) ||
      (r.scope === 'category' && subject.categoryCodes.includes(r.code)) ||
      (r.scope === 'unit' && subject.unitCodes.includes(r.code)),
  );
  if (matching.length === 0) return defaultPolicy;
  return matching.reduce<PublicationPolicy>((worst, r) => (STRICTNESS[r.policy] > STRICTNESS[worst] ? r.policy : worst), 'auto');
};

export type ServedText = { title: string; text: string; reply: string | null };

/**
 * What the public sees after the automatic refresh of a case. Without review, the latest anonymised (or
 * staff-edited) text is served at once. With review (the case's policy, or the global setting), what was
 * served stays as it was reviewed, and newer text waits, flagged, for a member of staff to publish it:
 * the public API never serves text no one has reviewed.
 */
export const afterRefresh = (input: {
  policy: Exclude<PublicationPolicy, 'never'>;
  isReviewRequired: boolean;
  state: PublicationState | null;
  candidate: ServedText;
  served: ServedText | null;
}): { state: PublicationState; served: ServedText | null; hasUnreviewedChanges: boolean } => {
  const needsReview = input.policy === 'review' || input.isReviewRequired;
  if (input.state === 'withdrawn') return { state: 'withdrawn', served: input.served, hasUnreviewedChanges: false };
  if (!needsReview) return { state: 'published', served: input.candidate, hasUnreviewedChanges: false };
  const isSame = input.served !== null && JSON.stringify(input.served) === JSON.stringify(input.candidate);
  return { state: input.state ?? 'pending', served: input.served, hasUnreviewedChanges: !isSame };
};
