import type { Actor } from '../auth/actor.js';
import { groupMatters, type RepeatRequesterGroup, type SimilarityEdge } from './repeats.js';

export type RepeatDeps = {
  requesterGroups: (actor: Actor, input: { from: Date; to: Date; minCases: number; limit: number }) => Promise<RepeatRequesterGroup[]>;
  similarityEdges: (actor: Actor, input: { from: Date; to: Date }) => Promise<SimilarityEdge[]>;
  requesterKeysOf: (caseIds: readonly string[]) => Promise<Map<string, string[]>>;
};

export type RepeatQuery = { actor: Actor; from: Date; to: Date; minCases: number; limit: number };

/** Requesters with several cases in the period (重复信访), most cases first. */
export const listRepeatRequesters = (deps: RepeatDeps, q: RepeatQuery): Promise<RepeatRequesterGroup[]> =>
  deps.requesterGroups(q.actor, { from: q.from, to: q.to, minCases: q.minCases, limit: q.limit });

export type RepeatMatter = { caseIds: string[]; requesterCount: number; meanSimilarity: number };

/** Matters reported again and again in the period, by one requester or many: groups of look-alike cases. */
export const listRepeatMatters = async (deps: RepeatDeps, q: RepeatQuery): Promise<RepeatMatter[]> => {
  const groups = groupMatters(await deps.similarityEdges(q.actor, { from: q.from, to: q.to }), q.minCases).slice(0, q.limit);
  const keys = await deps.requesterKeysOf(groups.flatMap((g) => g.caseIds));
  return groups.map((g) => {
    // Cases without a known requester count as one requester each: anonymous reports are separate people.
    const people = new Set<string>();
    for (const id of g.caseIds) {
      const k = keys.get(id) ?? [];
      people.add(k.length > 0 ? [...k].sort()[0] ?? id : id);
    }
    return { caseIds: g.caseIds, requesterCount: people.size, meanSimilarity: g.meanSimilarity };
  });
};
