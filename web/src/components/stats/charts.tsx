// The one module that loads ECharts: imported lazily by the dashboard (React.lazy), so the rest of the app
// does not download it. Only the chart types and components the dashboard uses are registered.
import { BarChart, LineChart, MapChart, PieChart } from 'echarts/charts';
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import { init, registerMap, use, type ECharts } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { LHASA_DISTRICTS, LHASA_MAP_NAME } from '../../geo';
import { withPageFont, type DashboardOption } from './chart-options';

use([BarChart, LineChart, MapChart, PieChart, AriaComponent, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent, SVGRenderer]);
registerMap(LHASA_MAP_NAME, LHASA_DISTRICTS as unknown as Parameters<typeof registerMap>[1]);

/** What a click on a chart element tells: the series' data index and the element's name. */
export interface ChartClick {
  dataIndex: number;
  name: string;
  seriesIndex: number;
}

export interface EChartProps {
  option: DashboardOption;
  /** Accessible name; the data itself is in the table next to the chart. */
  label: string;
  height: number;
  onClick?: (click: ChartClick) => void;
  testId?: string;
}

/**
 * An ECharts chart drawn as SVG (text stays text: Tibetan is shaped by the browser with the page's fonts).
 * The font comes from the element's computed style, so the :lang() font stacks of styles.css apply.
 */
export function EChart({ option, label, height, onClick, testId }: EChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<ECharts | null>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;

  useEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const chart = init(el, undefined, { renderer: 'svg' });
    chartRef.current = chart;
    chart.on('click', (p) => {
      clickRef.current?.({ dataIndex: p.dataIndex, name: p.name, seriesIndex: p.seriesIndex ?? 0 });
    });
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => chart.resize());
    observer?.observe(el);
    return () => {
      observer?.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  const optionRef = useRef(option);
  optionRef.current = option;

  useEffect(() => {
    apply(ref.current, chartRef.current, option);
  }, [option]);

  // The large-text switch and the language change the page's font without changing the option: redraw then.
  useEffect(() => {
    const observer = new MutationObserver(() => apply(ref.current, chartRef.current, optionRef.current));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'lang'] });
    return () => observer.disconnect();
  }, []);

  return (
    <div
      ref={ref}
      className="stats-chart"
      role="img"
      aria-label={label}
      style={{ height }}
      data-testid={testId}
    />
  );
}

function apply(el: HTMLElement | null, chart: ECharts | null, option: DashboardOption): void {
  if (!el || !chart) return;
  const style = getComputedStyle(el);
  // 12px at the normal 16px size (ECharts' own default), larger for Tibetan and in large-text mode.
  const fontSize = Math.round((parseFloat(style.fontSize) || 16) * 0.75);
  chart.setOption({ animation: false, ...withPageFont(option, style.fontFamily, fontSize) }, { notMerge: true });
}
