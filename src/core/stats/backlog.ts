import type { Actor } from '../auth/actor.js';
import { DAY_MS } from '../calendar/iso-date.js';
import { BACKLOG_AGE_BANDS, DEFAULT_BACKLOG_MIN_AGE_DAYS } from './stats-config.js';
import type { BacklogRow, StatsDeps } from './stats.ports.js';
import { addDays, chinaDayOf, chinaDayStart, daysBetween } from './periods.js';
import { countersBy, resolveScope, scopeUnitIds, type StatsScope } from './stats-queries.js';

export type BacklogInput = { unit?: string; withSubUnits: boolean; minAgeDays?: number; page: number; pageSize: number };

/** `ageDays`: China days since registration (as the age bands count them). */
export type BacklogItem = BacklogRow & { ageDays: number; ownerDays: number; overdueDays: number | null };
export type AgeBand = { fromDays: number; toDays: number | null; count: number };

/** Lower bounds of the age bands from the threshold on: [30, 60, 90, 180, 365] or [45, 60, …] for 45. */
export const bandBounds = (minAgeDays: number): number[] => [minAgeDays, ...BACKLOG_AGE_BANDS.filter((b) => b > minAgeDays)];

/** From "older than each bound" counts to counts per band. */
export const toBands = (bounds: readonly number[], olderThanCounts: readonly number[]): AgeBand[] =>
  bounds.map((fromDays, i) => {
    const next = bounds[i + 1];
    return { fromDays, toDays: next === undefined ? null : next - 1, count: (olderThanCounts[i] ?? 0) - (olderThanCounts[i + 1] ?? 0) };
  });

const wholeDays = (ms: number): number => Math.floor(ms / DAY_MS);

/** Backlog counts reach back this far: cases registered earlier than 2000 do not exist in any deployment. */
const EARLIEST_DAY = '2000-01-01';

/**
 * The backlog (积案): open cases (no reply yet) registered at least `minAgeDays` days ago (China days), oldest
 * first, with the unit that owns each (its lead unit, or the intake desk while nobody leads it), since when, who
 * accepted it, and by how many days it is past its reply limit. The total, the overdue count and the age bands
 * come from the rollups (the `open` counters by day of registration), so they agree with every other figure;
 * only the page of cases reads the case table. Scoped like every statistic: by the owning unit.
 */
export const getBacklog = async (
  deps: StatsDeps,
  actor: Actor,
  input: BacklogInput,
): Promise<{ scope: StatsScope; minAgeDays: number; asOf: Date; total: number; overdue: number; bands: AgeBand[]; items: BacklogItem[] }> => {
  const scope = await resolveScope(deps, actor, input);
  const now = deps.now();
  const today = chinaDayOf(now);
  const minAgeDays = input.minAgeDays ?? DEFAULT_BACKLOG_MIN_AGE_DAYS;
  const lastDay = addDays(today, -minAgeDays);
  const bounds = bandBounds(minAgeDays);
  const [byDay, rows] = await Promise.all([
    countersBy(deps, scope, 'day', { from: EARLIEST_DAY, to: lastDay }),
    deps.store.backlog({ unitIds: scopeUnitIds(scope), registeredBefore: chinaDayStart(addDays(lastDay, 1)), page: input.page, pageSize: input.pageSize }),
  ]);
  let total = 0;
  let overdue = 0;
  const olderThan = bounds.map(() => 0);
  for (const [day, counters] of byDay) {
    const age = daysBetween(day, today) - 1;
    total += counters.open;
    overdue += counters.openOverdue;
    bounds.forEach((bound, i) => {
      if (age >= bound) olderThan[i] = (olderThan[i] ?? 0) + counters.open;
    });
  }
  const items = rows.map((row) => ({
    ...row,
    ageDays: daysBetween(chinaDayOf(row.createdAt), today) - 1,
    ownerDays: wholeDays(now.getTime() - row.ownerSince.getTime()),
    overdueDays: row.replyDueAt && row.replyDueAt.getTime() < now.getTime() ? wholeDays(now.getTime() - row.replyDueAt.getTime()) : null,
  }));
  return { scope, minAgeDays, asOf: now, total, overdue, bands: toBands(bounds, olderThan), items };
};
