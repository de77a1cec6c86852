import type { Kind } from '../case/case.types.js';
import type { ScoreWeights } from './rates.js';

/** The 30/35/35 response/resolution/satisfaction weighting some regions score their units by. */
export const DEFAULT_SCORE_WEIGHTS: ScoreWeights = { responseRate: 30, resolutionRate: 35, satisfactionRate: 35 };

/**
 * Which cases are disputes for the settlement rate (化解率). There is no mediation record yet, so a dispute is
 * a complaint or request for help in a dispute category (or a category below one), and it counts as settled
 * when its reply has the outcome `resolved`. It is applied when a case is folded into the rollups: after
 * changing it, run `bihuan stats rebuild`.
 */
export const SETTLEMENT_DEFINITION: { categoryCodes: readonly string[]; kinds: readonly Kind[] } = {
  categoryCodes: ['labour_dispute'],
  kinds: ['complaint', 'help'],
};

/** Is a case of this kind, filed under a category with these codes (the category's and its ancestors'), a dispute? */
export const isDisputeCase = (categoryPathCodes: readonly string[], kind: Kind): boolean =>
  SETTLEMENT_DEFINITION.kinds.includes(kind) && categoryPathCodes.some((code) => SETTLEMENT_DEFINITION.categoryCodes.includes(code));

/** An open case older than this many days is a backlog case (积案) unless the caller asks otherwise. */
export const DEFAULT_BACKLOG_MIN_AGE_DAYS = 30;

/** Age bands of the backlog summary, in days (lower bounds). */
export const BACKLOG_AGE_BANDS: readonly number[] = [30, 60, 90, 180, 365];
