// Charts of the open-data page; loaded lazily with ECharts (web/src/components/stats/charts.tsx).
import { useMemo } from 'react';
import type { OpenDataStats } from '../../api/opendata';
import { DISTRICT_FEATURE_BY_UNIT_CODE, LHASA_DISTRICTS } from '../../geo';
import { districtOption, rankingOption } from '../stats/chart-options';
import { EChart } from '../stats/charts';

const numeric = (v: number | string): number | null => (typeof v === 'number' ? v : null);

/** The district map (cases per district; suppressed cells stay grey) and a bar chart per category. */
export function OpenDataCharts({ stats, labels, lang }: { stats: OpenDataStats; labels: { map: string; bars: string; cases: string }; lang: 'zh-Hans' | 'bo' | 'en' }) {
  const map = useMemo(() => {
    const values = stats.byDistrict
      .filter((d) => d.district && DISTRICT_FEATURE_BY_UNIT_CODE[d.district.code] && numeric(d.cases) !== null)
      .map((d) => ({ name: DISTRICT_FEATURE_BY_UNIT_CODE[d.district?.code ?? ''] as string, unitId: d.district?.code ?? '', value: numeric(d.cases) ?? 0, openOverdue: 0 }));
    const nameOf = (featureName: string) => stats.byDistrict.find((d) => d.district && DISTRICT_FEATURE_BY_UNIT_CODE[d.district.code] === featureName)?.district?.name
      ?? LHASA_DISTRICTS.features.find((f) => f.properties.name === featureName)?.properties.names[lang] ?? featureName;
    return districtOption(values, labels.cases, nameOf);
  }, [stats, labels.cases, lang]);
  const bars = useMemo(
    () =>
      rankingOption(
        stats.byCategory.map((c, i) => ({ unitId: c.category?.id ?? String(i), unitCode: c.category?.code ?? '', name: c.category?.name ?? '—', rank: numeric(c.cases) === null ? null : i + 1, value: numeric(c.cases), registered: numeric(c.cases) ?? 0 })),
        labels.cases,
        false,
      ),
    [stats, labels.cases],
  );
  return (
    <div className="opendata-charts">
      <EChart option={map} label={labels.map} height={420} testId="opendata-map" />
      <EChart option={bars} label={labels.bars} height={Math.max(200, 48 * stats.byCategory.length)} testId="opendata-bars" />
    </div>
  );
}
