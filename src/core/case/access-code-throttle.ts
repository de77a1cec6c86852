import { AppError } from '../shared/app-error.js';
import { secondsUntil, windowEndOf, type CountedAttempt, type ThrottleCounters, type WindowRule } from '../shared/throttle.js';
import { isValidTrackingNo, normaliseTrackingNo } from './tracking-number.js';

/**
 * Access-code attempts per tracking number, whatever address they come from (issue 8: limits per identity, not
 * only per address). The per-address limit alone lets a botnet of a thousand addresses try 60,000 codes a
 * minute on one case and find its 8-digit code in about a day; with this rule one number takes at most 40
 * wrong codes an hour, about 140 years for even odds.
 *
 * Every attempt is counted before its code is checked, so that attempts sent all at once cannot all slip past
 * the count; an attempt that turns out right (or is refused, or fails for another reason) is given back, so
 * only wrong codes fill the window.
 * An unknown number is counted exactly like a known one, so a refusal tells nothing about which numbers exist.
 *
 * The price: someone who knows a requester's tracking number can keep its public page refused by sending wrong
 * codes, ten every quarter of an hour, from addresses within their own per-address limit. A browser that has
 * opened the case before keeps a window of its own (device-cookie.ts), so the requester's own phone is not
 * shut out; on a new device they can still call, staff see the case as before, and each lock is audited with
 * the address that set it.
 */
export const ACCESS_CODE_LIMIT: WindowRule = { limit: 10, windowMs: 15 * 60_000 };

/**
 * The number a public route's `trackingNo` parameter names, normalised as the case look-up normalises it (the
 * parameter's schema trims it; spaces, dashes and full-width digits are dropped); null for a malformed number,
 * which is refused before a code is checked.
 */
export const checkedTrackingNo = (raw: string): string | null => {
  const trackingNo = normaliseTrackingNo(raw.trim());
  return isValidTrackingNo(trackingNo) ? trackingNo : null;
};

export type AccessCodeAttempt =
  | { outcome: 'admitted'; attempt: CountedAttempt }
  /** `isLockStart`: the first refusal of the window, to be audited once. */
  | { outcome: 'refused'; retryAfterSeconds: number; isLockStart: boolean };

/** `deviceNonce`: the verified nonce of the browser's device cookie, whose attempts have a window of their own. */
export const countAccessCodeAttempt = async (
  counters: ThrottleCounters,
  trackingNo: string,
  now: Date,
  rule: WindowRule = ACCESS_CODE_LIMIT,
  deviceNonce: string | null = null,
): Promise<AccessCodeAttempt> => {
  const key = deviceNonce === null ? `code:${trackingNo}` : `code:${trackingNo}:device:${deviceNonce}`;
  const attempt = await counters.countAttempt(key, now, rule.windowMs);
  if (attempt.count <= rule.limit) return { outcome: 'admitted', attempt };
  // Given back at once: only wrong codes keep the window full, so a requester's right code sent twice at the
  // limit's edge does not shut them out for the rest of the window.
  const windowEnd = windowEndOf(attempt, rule);
  const isLockStart = await counters.refuseAttempt(attempt, windowEnd);
  return { outcome: 'refused', retryAfterSeconds: secondsUntil(windowEnd, now), isLockStart };
};

export const accessCodeLockedError = (retryAfterSeconds: number): AppError =>
  new AppError(
    'rate_limited',
    'too many wrong access codes for this tracking number: try again later',
    { reason: 'access_code_attempts', retryAfterSeconds },
    'errors.rate_limited.access_code_attempts',
  );
