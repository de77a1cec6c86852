import { timingSafeEqual } from 'node:crypto';

/**
 * Device cookies (OWASP, "Slow down online guessing attacks with device cookies"). The limit of wrong access
 * codes per tracking number (access-code-throttle.ts) lets whoever knows a number keep its public page refused.
 * A browser that once opened the case with the right code gets a cookie bound to that number; its attempts are
 * counted in a window of their own, so the requester's own phone or computer is not shut out by a stranger's
 * guessing, while a stolen cookie still gets no more than the limit.
 *
 * The cookie is `<nonce>.<mac>`: a random nonce, and a keyed MAC of the number and the nonce, so it cannot be
 * made up or moved to another case. It grants nothing else: the access code is still checked every time.
 */
export const DEVICE_COOKIE_NAME = 'bh_device';
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 180 * 86_400;

/** Sent only with the requests of that one case (the public routes under its number). */
export const deviceCookiePath = (trackingNo: string): string => `/api/v1/public/cases/${trackingNo}`;

type Mac = (text: string) => string;

const NONCE = /^[A-Za-z0-9_-]{16,64}$/;

export const newDeviceCookie = (mac: Mac, trackingNo: string, nonce: string): string => `${nonce}.${mac(`${trackingNo}.${nonce}`)}`;

/** The cookie's nonce when it was made for this number by this server; null for anything else. */
export const verifiedDeviceNonce = (mac: Mac, trackingNo: string, value: string | undefined): string | null => {
  if (!value || value.length > 200) return null;
  const [nonce, given, ...rest] = value.split('.');
  if (!nonce || !given || rest.length > 0 || !NONCE.test(nonce)) return null;
  const expected = Buffer.from(mac(`${trackingNo}.${nonce}`));
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? nonce : null;
};
