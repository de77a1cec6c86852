/*
 * "A new device signed in to your account" (docs/access.md, "New device notice"): the rule, kept pure.
 *
 * A device is its browser family and system family as the sessions page names them ("Chrome on Windows"), not the
 * full User-Agent text: a browser updates itself every few weeks and must not look new each time. The price is that
 * a second computer with the same browser and system is not told apart; the notice is a hint to the owner, the
 * signed-in devices page remains the full list.
 *
 * The key is a plain SHA-256 of the user id and the two names. A secret key would add nothing: the names are a few
 * dozen values that a reader of the table could hash through anyway, and the sessions table beside it holds the
 * whole User-Agent already. Hashing keeps the table to fixed-size keys with no text of the browser in it; and with no
 * secret to rotate, no rotation can make every device of every account look new at once.
 */
import { sha256 } from '../shared/secrets.js';
import type { DeviceDescription } from '../access/user-agent.js';

export const NEW_DEVICE_NOTICE_CODE = 'auth.new_device_sign_in';

export type SignInDeviceVerdict = 'first_sign_in' | 'known_device' | 'new_device';

/** The key a device of this account is remembered by; the same for every version of a browser on a system. */
export const deviceKeyOf = (userId: string, device: Pick<DeviceDescription, 'browser' | 'os'>): string =>
  // Separated by a character none of the parts can hold, so that no two different triples join into one text.
  sha256(['known-device', userId, device.browser ?? '', device.os ?? ''].join('\u0000'));

/**
 * Whether this sign-in comes from a device new to the account. With no device remembered there is nothing to
 * compare with (the account's first sign-in, or the first since devices were remembered): no notice then.
 */
export const judgeSignInDevice = (knownKeys: readonly string[], key: string): SignInDeviceVerdict => {
  if (knownKeys.length === 0) return 'first_sign_in';
  return knownKeys.includes(key) ? 'known_device' : 'new_device';
};

/** What the notice keeps: names of products and the address, never the raw User-Agent. */
export type NewDeviceNoticeData = { browser: string | null; os: string | null; kind: DeviceDescription['kind']; ip: string | null; at: string };

export const newDeviceNoticeData = (device: DeviceDescription, ip: string | null, at: Date): NewDeviceNoticeData => ({
  browser: device.browser,
  os: device.os,
  kind: device.kind,
  ip,
  at: at.toISOString(),
});

/** One notice per sign-in, whatever retries the store makes. */
export const signInNoticeKey = (sessionId: string): string => `sign-in:${sessionId}`;
