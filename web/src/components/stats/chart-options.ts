// ECharts options of the dashboard's charts, built from shaped data (stats-shape.ts). Types only from
// ECharts here, so these stay pure and testable in node; charts.tsx draws them.
import type { BarSeriesOption, LineSeriesOption, MapSeriesOption, PieSeriesOption } from 'echarts/charts';
import type {
  AriaComponentOption,
  GridComponentOption,
  LegendComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components';
import type { ComposeOption } from 'echarts/core';
import { LHASA_DISTRICTS, LHASA_MAP_NAME } from '../../geo';
import type { BreakdownSlice, DistrictValue, RankingBar, TrendData } from './stats-shape';
import { TILE_RATES } from './stats-shape';

export type DashboardOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | MapSeriesOption
  | PieSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
  | VisualMapComponentOption
  | AriaComponentOption
>;

/** Colours with enough contrast on white, one per rate, the same on every chart. */
export const RATE_COLOURS: Record<(typeof TILE_RATES)[number], string> = {
  responseRate: '#0b4f8a',
  onTimeRate: '#1e6b35',
  replyRate: '#7a3e9d',
  resolutionRate: '#b7591f',
  satisfactionRate: '#a4133c',
};
const BAR_COLOUR = '#9db8d3';

/** Cases registered as bars (left axis), the rates as lines in percent (right axis). */
export function trendOption(
  data: TrendData,
  labels: { registered: string; rates: Record<(typeof TILE_RATES)[number], string> },
  formatCount: (n: number) => string,
): DashboardOption {
  return {
    aria: { enabled: true },
    tooltip: { trigger: 'axis' },
    legend: { top: 0, type: 'scroll' },
    grid: { left: 48, right: 48, top: 48, bottom: 32, containLabel: true },
    xAxis: { type: 'category', data: data.labels },
    yAxis: [
      { type: 'value', name: labels.registered, minInterval: 1, axisLabel: { formatter: (v: number) => formatCount(v) } },
      { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' }, splitLine: { show: false } },
    ],
    series: [
      { type: 'bar', name: labels.registered, data: data.registered, itemStyle: { color: BAR_COLOUR }, cursor: 'pointer' },
      ...TILE_RATES.map(
        (rate): LineSeriesOption => ({
          type: 'line',
          name: labels.rates[rate],
          yAxisIndex: 1,
          data: data.rates[rate],
          connectNulls: false,
          itemStyle: { color: RATE_COLOURS[rate] },
          lineStyle: { color: RATE_COLOURS[rate], width: 2 },
          tooltip: { valueFormatter: (v) => (typeof v === 'number' ? `${v}%` : '—') },
        }),
      ),
    ],
  };
}

/** Horizontal bars, best first at the top; unranked units greyed. */
export function rankingOption(bars: readonly RankingBar[], valueName: string, isPercent: boolean): DashboardOption {
  const ordered = [...bars].reverse();
  return {
    aria: { enabled: true },
    tooltip: { trigger: 'item' },
    grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', name: valueName, max: isPercent ? 100 : undefined, axisLabel: { formatter: isPercent ? '{value}%' : '{value}' } },
    yAxis: { type: 'category', data: ordered.map((b) => b.name), axisLabel: { width: 220, overflow: 'truncate' } },
    series: [
      {
        type: 'bar',
        name: valueName,
        cursor: 'pointer',
        data: ordered.map((b) => ({ value: b.value ?? 0, itemStyle: { color: b.rank === null ? '#c4c9cf' : '#0b4f8a' } })),
        label: { show: true, position: 'right', formatter: (p) => {
          const bar = ordered[p.dataIndex];
          return bar?.value === null || bar === undefined ? '—' : isPercent ? `${bar.value}%` : String(bar.value);
        } },
      },
    ],
  };
}

/** A ring of the groups by cases registered. */
export function breakdownOption(slices: readonly BreakdownSlice[], seriesName: string): DashboardOption {
  return {
    aria: { enabled: true },
    tooltip: { trigger: 'item' },
    legend: { type: 'scroll', bottom: 0 },
    series: [
      {
        type: 'pie',
        name: seriesName,
        radius: ['35%', '65%'],
        center: ['50%', '45%'],
        cursor: 'pointer',
        label: { formatter: '{b}: {c}' },
        data: slices.map((s) => ({ name: s.name, value: s.registered })),
      },
    ],
  };
}

/** The district map coloured by cases registered; districts without a unit stay grey. */
export function districtOption(
  values: readonly DistrictValue[],
  seriesName: string,
  nameOf: (featureName: string) => string,
): DashboardOption {
  const max = Math.max(1, ...values.map((v) => v.value));
  return {
    aria: { enabled: true },
    tooltip: {
      trigger: 'item',
      formatter: (p) => {
        const item = Array.isArray(p) ? p[0] : p;
        const name = nameOf(String(item?.name ?? ''));
        const value = typeof item?.value === 'number' && !Number.isNaN(item.value) ? String(item.value) : '—';
        return `${name}<br/>${seriesName}: ${value}`;
      },
    },
    visualMap: {
      min: 0,
      max,
      calculable: false,
      left: 8,
      bottom: 8,
      inRange: { color: ['#e6eff8', '#0b4f8a'] },
      text: [String(max), '0'],
    },
    series: [
      {
        type: 'map',
        map: LHASA_MAP_NAME,
        name: seriesName,
        roam: false,
        cursor: 'pointer',
        // A light halo keeps the name readable on the darkest fill.
        label: { show: true, formatter: (p) => nameOf(p.name), textBorderColor: '#fff', textBorderWidth: 3 },
        emphasis: { label: { show: true } },
        itemStyle: { borderColor: '#4a5058', areaColor: '#f3f5f7' },
        data: [
          ...values.map((v) => ({ name: v.name, value: v.value })),
          // Every other district too, so its name shows (no value: no colour).
          ...LHASA_DISTRICTS.features
            .filter((f) => !values.some((v) => v.name === f.properties.name))
            .map((f) => ({ name: f.properties.name, value: Number.NaN })),
        ],
      },
    ],
  };
}

type AxisLike = { axisLabel?: object; nameTextStyle?: object };
const sizedAxes = (axes: unknown, fontSize: number): unknown => {
  const one = (a: AxisLike): AxisLike => ({
    ...a,
    axisLabel: { fontSize, ...a.axisLabel },
    nameTextStyle: { fontSize, ...a.nameTextStyle },
  });
  if (Array.isArray(axes)) return axes.map((a: AxisLike) => one(a));
  return axes && typeof axes === 'object' ? one(axes as AxisLike) : axes;
};

/**
 * The page's font and size for every text of a chart. ECharts draws axis labels at 12px whatever the global
 * text style says; Tibetan (and the large-text mode) needs the page's larger size to stay readable.
 */
export function withPageFont(option: DashboardOption, fontFamily: string, fontSize: number): DashboardOption {
  return {
    ...option,
    textStyle: { fontFamily, fontSize },
    ...(option.xAxis === undefined ? {} : { xAxis: sizedAxes(option.xAxis, fontSize) as DashboardOption['xAxis'] }),
    ...(option.yAxis === undefined ? {} : { yAxis: sizedAxes(option.yAxis, fontSize) as DashboardOption['yAxis'] }),
  };
}
