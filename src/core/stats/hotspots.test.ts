import { describe, expect, it } from 'vitest';
import type { Actor } from '../auth/actor.js';
import { getHotspots } from './hotspots.js';
import type { HotspotQuery, StatsStore } from './stats.ports.js';

const UNIT = { id: 'u1', code: 'lhasa', name: { 'zh-Hans': '拉萨市' }, path: 'lhasa', parentId: null };
const actor: Actor = {
  kind: 'user', userId: 'user-1', username: 'leader', displayName: '领导', roles: ['supervisor'], permissions: new Set(), unitId: UNIT.id, unitPath: UNIT.path,
};

/** A store that answers the scope and records the window the hotspots were asked for. */
const recordingStore = () => {
  const queries: HotspotQuery[] = [];
  const unused = () => Promise.reject(new Error('not used by getHotspots'));
  const store: StatsStore = {
    subtreeOf: async () => [UNIT],
    categories: async () => [],
    sumRollups: unused,
    hotspots: async (query) => {
      queries.push(query);
      return [];
    },
    backlog: unused,
    notableCases: unused,
  } as StatsStore;
  return { store, queries };
};

const input = { unit: UNIT.id, withSubUnits: true, from: '2026-03-01', to: '2026-03-31', by: 'place' as const, minCases: 2, limit: 10 };

describe('getHotspots: the window compared with', () => {
  it('is as long as the period and just before it, by default', async () => {
    const { store, queries } = recordingStore();
    const result = await getHotspots({ store, now: () => new Date('2026-11-23T00:00:00Z') }, actor, input);
    expect(result.previous).toEqual({ from: '2026-01-29', to: '2026-02-28' });
    expect(queries[0]?.previousFrom).toEqual(new Date('2026-01-28T16:00:00Z'));
  });

  it('starts where the caller says (a report: the calendar month before) and ends the day before the period', async () => {
    const { store, queries } = recordingStore();
    const result = await getHotspots({ store, now: () => new Date('2026-11-23T00:00:00Z') }, actor, { ...input, previousFrom: '2026-02-01' });
    expect(result.previous).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(queries[0]?.previousFrom).toEqual(new Date('2026-01-31T16:00:00Z'));
    expect(queries[0]?.from).toEqual(new Date('2026-02-28T16:00:00Z'));
  });
});
