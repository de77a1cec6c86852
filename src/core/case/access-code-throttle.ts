import { AppError } from '../shared/app-error.js';
import { secondsUntil, type FailureThrottle, type ThrottleRule } from '../shared/failure-throttle.js';
import { normaliseTrackingNo } from './tracking-number.js';

/**
 * Wrong access codes per tracking number, whatever address they come from (issue 8: limits per identity, not
 * only per address). The per-address limit alone lets a botnet of a thousand addresses try 60,000 codes a
 * minute on one case, and find its 8-digit code in about a day; with this rule one number takes 40 tries an
 * hour, about 140 years for even odds.
 *
 * An unknown number is counted and locked exactly like a known one, so the lock tells nothing about which
 * numbers exist. The price: someone who knows a requester's tracking number can lock its public page for a
 * quarter of an hour at a time; the requester can still call, and staff see the case as before.
 */
export const ACCESS_CODE_THROTTLE: ThrottleRule = { windowMs: 15 * 60_000, failures: 10, lockMs: 15 * 60_000 };

export const accessCodeThrottleKey = (rawTrackingNo: string): string => `code:${normaliseTrackingNo(rawTrackingNo)}`;

export const assertAccessCodeNotLockedOrThrow = async (throttle: FailureThrottle, rawTrackingNo: string, now: Date): Promise<void> => {
  const until = await throttle.lockedUntil([accessCodeThrottleKey(rawTrackingNo)], now);
  if (until) {
    throw new AppError('rate_limited', 'too many wrong access codes for this tracking number: try again later', {
      reason: 'access_code_attempts',
      retryAfterSeconds: secondsUntil(until, now),
    }, 'errors.rate_limited.access_code_attempts');
  }
};

/** Counts a wrong code (or an unknown number); true when this failure started the lock. */
export const recordWrongAccessCode = async (throttle: FailureThrottle, rawTrackingNo: string, now: Date, rule: ThrottleRule = ACCESS_CODE_THROTTLE): Promise<boolean> => {
  const { failures, lockedUntil } = await throttle.recordFailure(accessCodeThrottleKey(rawTrackingNo), now, rule);
  return lockedUntil !== null && failures === rule.failures;
};
