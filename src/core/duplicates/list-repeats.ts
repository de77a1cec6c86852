import type { Actor } from '../auth/actor.js';
import { canSeeRequester } from '../case/identity-protection.js';
import { groupMatters, type RepeatRequesterGroup, type SimilarityEdge } from './repeats.js';

/** A case's requester keys, and what identity protection needs to decide who may compare them. */
export type CaseRequesterKeys = { keys: string[]; isIdentityProtected: boolean; intakeUnitPath: string };

export type RepeatDeps = {
  requesterGroups: (actor: Actor, input: { from: Date; to: Date; minCases: number; limit: number }) => Promise<RepeatRequesterGroup[]>;
  similarityEdges: (actor: Actor, input: { from: Date; to: Date }) => Promise<SimilarityEdge[]>;
  requesterKeysOf: (caseIds: readonly string[]) => Promise<Map<string, CaseRequesterKeys>>;
};

export type RepeatQuery = { actor: Actor; from: Date; to: Date; minCases: number; limit: number };

/** Requesters with several cases in the period (重复信访), most cases first. */
export const listRepeatRequesters = (deps: RepeatDeps, q: RepeatQuery): Promise<RepeatRequesterGroup[]> =>
  deps.requesterGroups(q.actor, { from: q.from, to: q.to, minCases: q.minCases, limit: q.limit });

export type RepeatMatter = { caseIds: string[]; requesterCount: number; meanSimilarity: number };

/**
 * The key a case's requester is counted by, or null when the caller may not compare it with others. A protected
 * report's author, counted as the same person as an open complaint beside it, would be named by revealing the
 * complaint (SECURITY.md, identity protection); so is anyone whose identity the caller may not see at all.
 */
const countingKeyOf = (actor: Actor, entry: CaseRequesterKeys | undefined): string | null => {
  if (!entry || entry.keys.length === 0 || !canSeeRequester(actor, entry)) return null;
  return [...entry.keys].sort()[0] ?? null;
};

/** Matters reported again and again in the period, by one requester or many: groups of look-alike cases. */
export const listRepeatMatters = async (deps: RepeatDeps, q: RepeatQuery): Promise<RepeatMatter[]> => {
  const groups = groupMatters(await deps.similarityEdges(q.actor, { from: q.from, to: q.to }), q.minCases).slice(0, q.limit);
  const keys = await deps.requesterKeysOf(groups.flatMap((g) => g.caseIds));
  return groups.map((g) => {
    // Cases without a requester the caller may compare count as one requester each, as anonymous reports do.
    const people = new Set<string>();
    for (const id of g.caseIds) people.add(countingKeyOf(q.actor, keys.get(id)) ?? `case:${id}`);
    return { caseIds: g.caseIds, requesterCount: people.size, meanSimilarity: g.meanSimilarity };
  });
};
