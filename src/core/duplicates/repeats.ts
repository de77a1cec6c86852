import type { RequesterKeyKind } from './requester-key.js';

/**
 * Repeats for supervisors: requesters who come back again and again (重复信访), and matters many people
 * report. The first are cases sharing a requester key; the second are chains of "most similar earlier
 * case" links, which the index records when a case is registered, joined into groups.
 */

export type RepeatRequesterGroup = {
  key: string;
  via: RequesterKeyKind;
  caseIds: string[];
  caseCount: number;
  openCount: number;
  firstAt: Date;
  lastAt: Date;
};

/** One link of the chain: a case and the earlier case most similar to it. */
export type SimilarityEdge = { caseId: string; similarTo: string; similarity: number };

export type MatterGroup = { caseIds: string[]; meanSimilarity: number };

/** Groups linked cases (union-find); groups smaller than `minCases` are dropped, the largest come first. */
export const groupMatters = (edges: readonly SimilarityEdge[], minCases: number): MatterGroup[] => {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.get(root) !== root && parent.has(root)) root = parent.get(root) ?? root;
    // Path compression keeps later look-ups short.
    let node = x;
    while (node !== root) {
      const next = parent.get(node) ?? root;
      parent.set(node, root);
      node = next;
    }
    return root;
  };
  const add = (x: string): void => {
    if (!parent.has(x)) parent.set(x, x);
  };
  for (const e of edges) {
    add(e.caseId);
    add(e.similarTo);
    const a = find(e.caseId);
    const b = find(e.similarTo);
    if (a !== b) parent.set(a < b ? b : a, a < b ? a : b);
  }
  const members = new Map<string, string[]>();
  for (const x of parent.keys()) {
    const root = find(x);
    const list = members.get(root) ?? [];
    list.push(x);
    members.set(root, list);
  }
  const similarities = new Map<string, number[]>();
  for (const e of edges) {
    const root = find(e.caseId);
    const list = similarities.get(root) ?? [];
    list.push(e.similarity);
    similarities.set(root, list);
  }
  return [...members.entries()]
    .filter(([, ids]) => ids.length >= minCases)
    .map(([root, ids]) => {
      const s = similarities.get(root) ?? [];
      return { caseIds: ids.sort(), meanSimilarity: s.length === 0 ? 0 : Math.round((1000 * s.reduce((a, b) => a + b, 0)) / s.length) / 1000 };
    })
    .sort((a, b) => b.caseIds.length - a.caseIds.length || b.meanSimilarity - a.meanSimilarity);
};

/**
 * The same person under two keys (phone and ID number) shows up as two groups of the same cases; keep
 * the first (phone groups sort first among equals) so that the list does not repeat them.
 */
export const dropDuplicateGroups = (groups: readonly RepeatRequesterGroup[]): RepeatRequesterGroup[] => {
  const seen = new Set<string>();
  const kept: RepeatRequesterGroup[] = [];
  for (const g of groups) {
    const signature = [...g.caseIds].sort().join(',');
    if (seen.has(signature)) continue;
    seen.add(signature);
    kept.push(g);
  }
  return kept;
};
