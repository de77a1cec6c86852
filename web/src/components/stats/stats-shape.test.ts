import { describe, expect, it } from 'vitest';
import type { StatsCounts, StatsRanking, StatsRates, StatsSeries, StatsSummary } from '../../api/stats';
import { STATS_COUNTERS, STATS_RATES } from '../../api/stats';
import { LHASA_DISTRICTS } from '../../geo';
import { translate, translateMaybe, type MessageKey } from '../../i18n';
import { breakdownOption, districtOption, rankingOption, trendOption, withPageFont } from './chart-options';
import {
  breakdownSlices,
  countTiles,
  districtValues,
  effectiveGrain,
  formatCount,
  formatPoints,
  formatRate,
  formatYuan,
  periodLabel,
  rankingBars,
  rateTiles,
  trendData,
  type Translate,
} from './stats-shape';

const counts = (over: Partial<StatsCounts> = {}): StatsCounts =>
  ({ ...Object.fromEntries(STATS_COUNTERS.map((c) => [c, 0])), ...over }) as StatsCounts;
const rates = (over: Partial<Record<keyof StatsRates, [number, number]>> = {}): StatsRates =>
  Object.fromEntries(
    STATS_RATES.map((r) => {
      const [n, d] = over[r] ?? [0, 0];
      return [r, { value: d === 0 ? null : n / d, numerator: n, denominator: d }];
    }),
  ) as StatsRates;
const scope = {
  unit: { id: 'u-lhasa', code: 'lhasa', name: '拉萨市' },
  withSubUnits: true,
  from: '2026-11-01',
  to: '2026-11-22',
  category: null,
  channel: null,
  kind: null,
  weights: {},
  asOf: '2026-11-22T04:00:00.000Z',
};
const summary = (c: Partial<StatsCounts>, r: Parameters<typeof rates>[0], score: number | null = null): StatsSummary => ({
  scope,
  counts: counts(c),
  rates: rates(r),
  score,
});
const tIn =
  (lang: 'zh-Hans' | 'bo' | 'en'): Translate =>
  (key, vars) =>
    translateMaybe(lang, key, vars) ?? key;

describe('tiles', () => {
  it('take each rate with its fraction and the change from the previous period', () => {
    const now = summary({ registered: 10 }, { replyRate: [9, 10], responseRate: [3, 4] });
    const before = summary({ registered: 8 }, { replyRate: [6, 8] });
    const tiles = rateTiles(now, before);
    expect(tiles.map((t) => t.rate)).toEqual(['responseRate', 'onTimeRate', 'replyRate', 'resolutionRate', 'satisfactionRate']);
    const reply = tiles.find((t) => t.rate === 'replyRate');
    expect(reply).toMatchObject({ value: 0.9, numerator: 9, denominator: 10, previous: 0.75 });
    expect(reply?.delta).toBeCloseTo(0.15, 10);
    // Nothing to measure before: no change to show, never a change from 0.
    expect(tiles.find((t) => t.rate === 'responseRate')).toMatchObject({ value: 0.75, previous: null, delta: null });
    expect(tiles.find((t) => t.rate === 'onTimeRate')).toMatchObject({ value: null, delta: null });
  });

  it('count cases, open, overdue and money, with the change', () => {
    const tiles = countTiles(summary({ registered: 12, open: 3, openOverdue: 1, amountRecoveredFen: 350050 }, {}), summary({ registered: 20 }, {}));
    expect(tiles).toEqual([
      { id: 'registered', value: 12, previous: 20, delta: -8 },
      { id: 'open', value: 3, previous: 0, delta: 3 },
      { id: 'openOverdue', value: 1, previous: 0, delta: 1 },
      { id: 'amountRecoveredFen', value: 350050, previous: 0, delta: 350050 },
    ]);
    expect(countTiles(summary({ registered: 1 }, {}), null)[0]).toEqual({ id: 'registered', value: 1, previous: null, delta: null });
  });
});

describe('formatting in the reader\'s language', () => {
  it('formats rates, counts, money and point changes', () => {
    expect(formatRate(0.995, 'zh-Hans')).toBe('99.5%');
    expect(formatRate(null, 'bo')).toBe('—');
    expect(formatCount(6691, 'en')).toBe('6,691');
    expect(formatYuan(1401234550, 'zh-Hans')).toBe('¥14,012,345.50');
    expect(formatYuan(1401234550, 'en')).toBe('CN¥14,012,345.50');
    expect(formatPoints(0.012, 'en')).toBe('+1.2');
    expect(formatPoints(-0.05, 'zh-Hans')).toBe('−5.0');
  });

  it('names periods in each language', () => {
    expect(periodLabel('2026-10', 'month', tIn('zh-Hans'))).toBe(`2026年${translate('zh-Hans', 'month.10' as MessageKey)}`);
    expect(periodLabel('2026-10', 'month', tIn('en'))).toBe('October 2026');
    expect(periodLabel('2026-W05', 'week', tIn('en'))).toBe('Week 5, 2026');
    expect(periodLabel('2026-Q4', 'quarter', tIn('zh-Hans'))).toBe('2026年第4季度');
    expect(periodLabel('2026', 'year', tIn('bo'))).toBe('ལོ་ 2026');
    expect(periodLabel('2026-11-05', 'day', tIn('bo'))).toBe('2026-11-05');
    expect(periodLabel('2026-10', 'month', tIn('bo'))).toContain('ཟླ་བ་བཅུ་པ');
  });
});

describe('chart data', () => {
  const series: StatsSeries = {
    scope,
    period: 'month',
    items: [
      { label: '2026-10', start: '2026-10-01', from: '2026-10-01', to: '2026-10-31', counts: counts({ registered: 4 }), rates: rates({ replyRate: [1, 3] }), score: null },
      { label: '2026-11', start: '2026-11-01', from: '2026-11-01', to: '2026-11-22', counts: counts({ registered: 0 }), rates: rates(), score: null },
    ],
  };

  it('turns a series into labels, ranges, counts and percentages with gaps', () => {
    const data = trendData(series, tIn('en'));
    expect(data.labels).toEqual(['October 2026', 'November 2026']);
    expect(data.ranges).toEqual([
      { from: '2026-10-01', to: '2026-10-31' },
      { from: '2026-11-01', to: '2026-11-22' },
    ]);
    expect(data.registered).toEqual([4, 0]);
    expect(data.rates.replyRate).toEqual([33.3, null]);
    const option = trendOption(data, { registered: 'Cases', rates: { responseRate: 'a', onTimeRate: 'b', replyRate: 'c', resolutionRate: 'd', satisfactionRate: 'e' } }, String);
    const s = option.series as { type: string; data: unknown[] }[];
    expect(s.map((x) => x.type)).toEqual(['bar', 'line', 'line', 'line', 'line', 'line']);
    expect(s[0]?.data).toEqual([4, 0]);
    expect(s[3]?.data).toEqual([33.3, null]);
  });

  it('ranks units as the API orders them; the chart puts the best at the top', () => {
    const ranking: StatsRanking = {
      scope,
      rate: 'replyRate',
      level: 'children',
      items: [
        { rank: 1, unit: { id: 'a', code: 'hrss', name: 'HRSS' }, value: 1, counts: counts({ registered: 3 }), rates: rates(), score: null },
        { rank: 2, unit: { id: 'b', code: 'chengguan', name: 'Chengguan' }, value: 0.5, counts: counts({ registered: 2 }), rates: rates(), score: null },
        { rank: null, unit: { id: 'c', code: 'union', name: 'Union' }, value: null, counts: counts(), rates: rates(), score: null },
      ],
    };
    const bars = rankingBars(ranking);
    expect(bars.map((b) => [b.name, b.value, b.rank])).toEqual([
      ['HRSS', 100, 1],
      ['Chengguan', 50, 2],
      ['Union', null, null],
    ]);
    const option = rankingOption(bars, 'Reply rate', true);
    expect((option.yAxis as { data: string[] }).data).toEqual(['Union', 'Chengguan', 'HRSS']);
    // Score rankings are already 0–100.
    expect(rankingBars({ ...ranking, rate: 'score', items: [{ ...ranking.items[0]!, value: 87.345 }] })[0]?.value).toBe(87.3);
  });

  it('keeps breakdown groups with cases, most first, and labels them', () => {
    const slices = breakdownSlices(
      [
        { key: 'phone', name: 'phone', parent: null, counts: counts({ registered: 2, open: 1 }), rates: rates({ replyRate: [1, 2] }), score: null },
        { key: 'web', name: 'web', parent: null, counts: counts({ registered: 5 }), rates: rates(), score: null },
        { key: 'letter', name: 'letter', parent: null, counts: counts({ dispatched: 1 }), rates: rates(), score: null },
      ],
      (i) => tIn('zh-Hans')(`channel.${i.key}`),
    );
    expect(slices.map((s) => [s.key, s.name, s.registered])).toEqual([
      ['web', '网上', 5],
      ['phone', '来电', 2],
    ]);
    expect(slices[1]).toMatchObject({ open: 1, replyRate: 0.5 });
    const option = breakdownOption(slices, 'Cases');
    expect((option.series as { data: unknown[] }[])[0]?.data).toEqual([
      { name: '网上', value: 5 },
      { name: '来电', value: 2 },
    ]);
  });

  it('puts district units on the map and leaves departments off it', () => {
    const values = districtValues([
      { unit: { id: 'c', code: 'chengguan' }, counts: counts({ registered: 7, openOverdue: 2 }) },
      { unit: { id: 'h', code: 'hrss' }, counts: counts({ registered: 9 }) },
      { unit: { id: 'd', code: 'doilungdeqen' }, counts: counts({ registered: 1 }) },
    ]);
    expect(values).toEqual([
      { name: '城关区', unitId: 'c', value: 7, openOverdue: 2 },
      { name: '堆龙德庆区', unitId: 'd', value: 1, openOverdue: 0 },
    ]);
    const option = districtOption(values, 'Cases', (n) => n);
    const data = (option.series as { data: { name: string; value: number }[] }[])[0]?.data ?? [];
    // Every feature is named once; only the two districts with a unit carry a value.
    expect(data.map((d) => d.name).sort()).toEqual(LHASA_DISTRICTS.features.map((f) => f.properties.name).sort());
    expect(data.filter((d) => !Number.isNaN(d.value))).toEqual([
      { name: '城关区', value: 7 },
      { name: '堆龙德庆区', value: 1 },
    ]);
  });

  it('coarsens the trend grain past the API\'s 400 periods', () => {
    expect(effectiveGrain('day', 31)).toBe('day');
    expect(effectiveGrain('day', 366)).toBe('day');
    expect(effectiveGrain('day', 800)).toBe('week');
    expect(effectiveGrain('month', 800)).toBe('month');
    expect(effectiveGrain('week', 365 * 10)).toBe('month');
  });

  it('gives every chart text the page\'s font and size, axes included', () => {
    const option = withPageFont(rankingOption([], 'Score', false), "'Noto Sans Tibetan', serif", 14);
    expect(option.textStyle).toEqual({ fontFamily: "'Noto Sans Tibetan', serif", fontSize: 14 });
    expect((option.yAxis as { axisLabel: object }).axisLabel).toMatchObject({ fontSize: 14, width: 220 });
    const trend = withPageFont(trendOption(trendData({ scope, period: 'day', items: [] }, tIn('bo')), { registered: 'x', rates: { responseRate: 'a', onTimeRate: 'b', replyRate: 'c', resolutionRate: 'd', satisfactionRate: 'e' } }, String), 'serif', 15);
    expect((trend.yAxis as { axisLabel: { fontSize: number } }[]).map((a) => a.axisLabel.fontSize)).toEqual([15, 15]);
    // A map has no axes: none are added.
    expect(withPageFont(districtOption([], 'Cases', String), 'serif', 15).xAxis).toBeUndefined();
  });
});
