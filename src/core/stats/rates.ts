import { RATES, type Counters, type RateName, type Rates, type Ratio } from './stats.types.js';

export const ratio = (numerator: number, denominator: number): Ratio => ({
  value: denominator > 0 ? numerator / denominator : null,
  numerator,
  denominator,
});

/**
 * The rates, each defined once (docs/statistics.md gives the same formulas in words):
 * - response rate    = dispatches accepted within the acceptance limit / dispatches judged (not those still
 *                      inside their acceptance window, nor those moved away before the unit could accept in time)
 * - on-time rate     = cases replied within the (extended) reply limit / cases replied
 * - reply rate       = cases answered (a reply, or a formal rejection with reasons) / cases registered,
 *                      duplicates merged into another case left out (their master answers them)
 * - resolution rate  = evaluations saying resolved / cases evaluated (callback, or else the requester's rating)
 * - satisfaction rate = (satisfied + fairly satisfied) / cases evaluated
 * - settlement rate  = disputes replied with the outcome `resolved` / disputes replied (which cases are
 *                      disputes: SETTLEMENT_DEFINITION in stats-config.ts)
 */
export const computeRates = (c: Counters): Rates => ({
  responseRate: ratio(c.acceptedOnTime, c.dispatched - c.dispatchAwaiting - c.dispatchWithdrawn),
  onTimeRate: ratio(c.repliedOnTime, c.replied),
  replyRate: ratio(c.replied + c.rejected, c.registered - c.merged),
  resolutionRate: ratio(c.evalResolved, c.evaluated),
  satisfactionRate: ratio(c.satisfied + c.fairlySatisfied, c.evaluated),
  settlementRate: ratio(c.disputeSettled, c.disputeReplied),
});

export type ScoreWeights = Partial<Record<RateName, number>>;

/**
 * Weighted composite score in points (0–100): Σ weight × rate / Σ weight, over the weighted rates that
 * have something to measure. A rate with nothing to measure drops out and the others are renormalised, so a
 * unit with no evaluations yet is judged on what it has rather than given zero. Null when none is measurable.
 */
export const compositeScore = (rates: Rates, weights: ScoreWeights): number | null => {
  let weighted = 0;
  let total = 0;
  for (const name of RATES) {
    const w = weights[name] ?? 0;
    const value = rates[name].value;
    if (w <= 0 || value === null) continue;
    weighted += w * value;
    total += w;
  }
  return total > 0 ? (100 * weighted) / total : null;
};

const SHORT_NAMES: Record<string, RateName> = {
  response: 'responseRate',
  ontime: 'onTimeRate',
  on_time: 'onTimeRate',
  reply: 'replyRate',
  resolution: 'resolutionRate',
  satisfaction: 'satisfactionRate',
  settlement: 'settlementRate',
};

/** Parses `response:30,resolution:35,satisfaction:35` (short or full rate names); null if malformed. */
export const parseWeights = (text: string): ScoreWeights | null => {
  const weights: ScoreWeights = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Za-z_]+):(\d+(?:\.\d+)?)$/.exec(part);
    if (!m) return null;
    const key = m[1] ?? '';
    const name = (RATES as readonly string[]).includes(key) ? (key as RateName) : SHORT_NAMES[key.toLowerCase()];
    if (!name) return null;
    weights[name] = Number(m[2]);
  }
  return Object.values(weights).some((w) => (w ?? 0) > 0) ? weights : null;
};
