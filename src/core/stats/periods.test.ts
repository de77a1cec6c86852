import { describe, expect, it } from 'vitest';
import { bucketLabel, bucketsBetween, chinaDayOf, chinaDayStart, parseReportPeriod, planRange, previousWindow } from './periods.js';
import { groupingFor, rollupDeltas, rollupKeysOf } from './rollup-keys.js';
import { zeroCounters } from './stats.types.js';

describe('China days and periods', () => {
  it('counts days in UTC+8', () => {
    expect(chinaDayOf(new Date('2026-10-31T15:59:59Z'))).toBe('2026-10-31');
    expect(chinaDayOf(new Date('2026-10-31T16:00:00Z'))).toBe('2026-11-01');
    expect(chinaDayStart('2026-11-01').toISOString()).toBe('2026-10-31T16:00:00.000Z');
  });

  it('labels periods; weeks start on Monday and belong to the ISO year of their Thursday', () => {
    expect(bucketLabel('2026-10-05', 'week')).toBe('2026-W41');
    expect(bucketLabel('2024-12-30', 'week')).toBe('2025-W01');
    expect(bucketLabel('2026-10-01', 'quarter')).toBe('2026-Q4');
    expect(bucketsBetween('2026-09-30', '2026-10-06', 'week').map((b) => [b.label, b.from, b.to])).toEqual([
      ['2026-W40', '2026-09-30', '2026-10-04'],
      ['2026-W41', '2026-10-05', '2026-10-06'],
    ]);
    expect(bucketsBetween('2026-01-15', '2026-12-31', 'quarter').map((b) => b.label)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
  });

  it('reads whole months from monthly rollups and the edges from daily ones', () => {
    expect(planRange('2026-01-15', '2026-04-10')).toEqual({
      months: { from: '2026-02-01', to: '2026-03-01' },
      days: [{ from: '2026-01-15', to: '2026-01-31' }, { from: '2026-04-01', to: '2026-04-10' }],
    });
    expect(planRange('2026-01-01', '2026-12-31')).toEqual({ months: { from: '2026-01-01', to: '2026-12-01' }, days: [] });
    expect(planRange('2026-02-03', '2026-02-20')).toEqual({ months: null, days: [{ from: '2026-02-03', to: '2026-02-20' }] });
    expect(planRange('2024-02-01', '2024-02-29')).toEqual({ months: { from: '2024-02-01', to: '2024-02-01' }, days: [] });
  });

  it('parses report periods and finds the window before', () => {
    expect(parseReportPeriod('2026-10')).toEqual({ period: 'month', label: '2026-10', from: '2026-10-01', to: '2026-10-31' });
    expect(parseReportPeriod('2026-Q1')).toEqual({ period: 'quarter', label: '2026-Q1', from: '2026-01-01', to: '2026-03-31' });
    expect(parseReportPeriod('2026')).toEqual({ period: 'year', label: '2026', from: '2026-01-01', to: '2026-12-31' });
    expect(parseReportPeriod('2026-13')).toBeNull();
    expect(previousWindow('2026-03-01', '2026-03-30')).toEqual({ from: '2026-01-30', to: '2026-02-28' });
  });
});

describe('rollup keys', () => {
  const row = { unitId: 'u', scopeUnitIds: ['root', 'u'], day: '2026-10-05', categoryId: null, channel: 'phone', kind: 'help' };

  it('writes each contribution for the unit and every unit above it, by day (four groupings) and month (five)', () => {
    const keys = rollupKeysOf(row);
    expect(keys).toHaveLength(18);
    expect(keys.filter((k) => k.grain === 'd' && k.dims === 'full')).toEqual([]);
    expect(keys.find((k) => k.grain === 'm' && k.dims === 'unit_channel' && k.subtreeUnitId === 'root')).toEqual({
      grain: 'm', dims: 'unit_channel', period: '2026-10-01', subtreeUnitId: 'root', categoryId: null, channel: 'phone', kind: null,
    });
  });

  it('turns a change of contribution into sorted, non-zero deltas', () => {
    const before = [{ ...row, counters: { ...zeroCounters(), registered: 1, open: 1 } }];
    const after = [{ ...row, counters: { ...zeroCounters(), registered: 1, replied: 1 } }];
    const deltas = rollupDeltas(before, after);
    expect(deltas).toHaveLength(18);
    expect(deltas.every((d) => d.counters.open === -1 && d.counters.replied === 1 && d.counters.registered === 0)).toBe(true);
    expect(rollupDeltas(before, before)).toEqual([]);
  });

  it('picks the smallest grouping that has the dimensions asked for', () => {
    expect(groupingFor(new Set())).toBe('unit');
    expect(groupingFor(new Set(['kind'] as const))).toBe('unit_kind');
    expect(groupingFor(new Set(['kind', 'channel'] as const))).toBe('full');
  });
});
