import type { ReauthDetails } from '../api/client';

/**
 * How the "confirm it's you" dialog asks: for the password (with single sign-on offered beside it where it is set
 * up), for a new single sign-on only, or, for an account with neither, not at all: it sends the person to an
 * administrator rather than show a box no answer can satisfy.
 */
export type ReauthWay = 'password' | 'sso' | 'administrator';

export function reauthWayOf(details: Pick<ReauthDetails, 'hasPassword' | 'canUseSso'>): ReauthWay {
  if (details.hasPassword) return 'password';
  return details.canUseSso ? 'sso' : 'administrator';
}
