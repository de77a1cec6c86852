import type { Actor } from '../auth/actor.js';
import { featureTokens } from '../../text/tokenize.js';
import { addDays, chinaDayOf, chinaDayStart, previousWindow } from './periods.js';
import type { HotspotRow, StatsDeps } from './stats.ports.js';
import { resolveScope, scopeUnitIds, type StatsScope } from './stats-queries.js';

export type HotspotsInput = {
  unit?: string;
  withSubUnits: boolean;
  from?: string;
  to?: string;
  category?: string;
  by: 'place' | 'district';
  minCases: number;
  limit: number;
  /**
   * The first day of the window compared with, which ends the day before `from`: a report compares a month with
   * the calendar month before. Default: a window as long as the period, just before it.
   */
  previousFrom?: string;
};

export type Trend = 'new' | 'rising' | 'steady' | 'falling';

/** A quarter more or less than the window before is a change worth showing; less is noise at these counts. */
const TREND_THRESHOLD = 0.25;

export const trendOf = (count: number, previous: number): Trend => {
  if (previous === 0) return 'new';
  const growth = count / previous - 1;
  return growth >= TREND_THRESHOLD ? 'rising' : growth <= -TREND_THRESHOLD ? 'falling' : 'steady';
};

// Words every complaint uses: they say nothing about what this cluster is about.
const STOP_WORDS = new Set(['问题', '反映', '投诉', '举报', '要求', '希望', '请求', '咨询', '建议', '情况', '处理', '没有', '一直', '多次', '有关', '部门', '相关', '我们']);

const isKeyword = (token: string): boolean => {
  if (token.startsWith('#') || STOP_WORDS.has(token)) return false;
  if (/^\p{Script=Han}+$/u.test(token)) return token.length >= 2;
  if (/^[\u0f00-\u0fff]+$/u.test(token)) return token.replace(/[\u0f0b\u0f0d]/g, '').length >= 2;
  return /^[a-z]{3,}$/.test(token);
};

/** The words most titles of a cluster share (in at least two titles), most shared first: what people say the matter is. */
export const keywordsOf = (titles: readonly string[], max = 5): string[] => {
  const documentFrequency = new Map<string, number>();
  for (const title of titles) {
    for (const token of new Set(featureTokens(title).filter(isKeyword))) documentFrequency.set(token, (documentFrequency.get(token) ?? 0) + 1);
  }
  return [...documentFrequency.entries()]
    .filter(([, n]) => n >= 2)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, max)
    .map(([token]) => token);
};

export type Hotspot = Omit<HotspotRow, 'titles'> & { change: number; growth: number | null; trend: Trend; keywords: string[] };

/**
 * Clusters of cases about the same kind of matter (category) in the same place (the address up to its street,
 * or its district) registered within a window (default: the last 30 days), with the count of the window before
 * it for the trend. Read from the cases table through indexes, not from the rollups: places are open-ended.
 */
export const getHotspots = async (
  deps: StatsDeps,
  actor: Actor,
  input: HotspotsInput,
): Promise<{ scope: StatsScope; previous: { from: string; to: string }; items: Hotspot[] }> => {
  const to = input.to ?? chinaDayOf(deps.now());
  const scope = await resolveScope(deps, actor, { ...input, to, from: input.from ?? addDays(to, -29) });
  const previous = input.previousFrom ? { from: input.previousFrom, to: addDays(scope.from, -1) } : previousWindow(scope.from, scope.to);
  const rows = await deps.store.hotspots({
    unitIds: scopeUnitIds(scope),
    categoryIds: scope.categoryIds,
    from: chinaDayStart(scope.from),
    to: chinaDayStart(addDays(scope.to, 1)),
    previousFrom: chinaDayStart(previous.from),
    by: input.by,
    minCases: input.minCases,
    limit: input.limit,
  });
  const items = rows.map(({ titles, ...r }) => ({
    ...r,
    change: r.count - r.previousCount,
    growth: r.previousCount > 0 ? r.count / r.previousCount - 1 : null,
    trend: trendOf(r.count, r.previousCount),
    keywords: keywordsOf(titles),
  }));
  return { scope, previous, items };
};
