import type { AuthDeps, UserForAuth } from '../auth/auth.ports.js';
import { openSession } from '../auth/login.js';
import { AppError } from '../shared/app-error.js';
import { sha256 } from '../shared/secrets.js';
import { candidateKeys, CLOCK_SKEW_SECONDS, OidcFailure, pkceChallenge, randomToken, readIdTokenHeader, verifyIdToken, type OidcFailureReason } from './id-token.js';
import type { OidcProvider } from './oidc-provider.js';
import type { OidcSettings } from './oidc-settings.js';

/*
 * Single sign-on with an OpenID provider: authorization code flow with PKCE (S256), scope `openid profile email`.
 * The state, nonce and PKCE verifier stay on the server; a cookie binds the flow to the browser that started it.
 * On success an ordinary Bihuan session is opened (the same as after a password sign-in).
 */

export const OIDC_SCOPE = 'openid profile email';
/** Time to sign in at the provider. */
export const OIDC_STATE_TTL_MS = 10 * 60_000;
/** The confirmation time of a single sign-on session whose ID token said nothing of when the person signed in. */
const NEVER_VERIFIED = new Date(0);

/**
 * When the person last gave the provider their credentials (`auth_time`, seconds), or null when the token does not
 * say so believably: a time later than now or than the token itself (beyond the clock skew), or one in milliseconds,
 * would otherwise count as a sign-in that has not happened yet.
 */
export const authTimeOf = (claims: Record<string, unknown>, now: Date): Date | null => {
  const value = claims.auth_time;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return null;
  const latest = Math.min(now.getTime() / 1000, typeof claims.iat === 'number' ? claims.iat : Infinity) + CLOCK_SKEW_SECONDS;
  if (value > latest) return null;
  return new Date(Math.min(value * 1000, now.getTime()));
};
/** `amr` values (RFC 8176) that say the provider itself used more than a password. */
const MFA_METHODS = ['mfa', 'otp', 'hwk', 'swk', 'sc', 'fpt', 'face', 'iris', 'retina', 'vbm'];

export type OidcStateRow = {
  stateHash: string;
  browserHash: string;
  nonce: string;
  codeVerifier: string;
  returnTo: string | null;
  createdAt: Date;
  expiresAt: Date;
  /** Started as the confirmation before a sensitive step: the provider must have asked for the credentials again. */
  isConfirmation: boolean;
};

export type OidcStore = {
  saveState: (row: OidcStateRow) => Promise<void>;
  /** Removes and returns the row: a state is good for one callback, so a replayed one finds nothing. */
  takeState: (stateHash: string) => Promise<OidcStateRow | null>;
  deleteExpiredStates: (now: Date) => Promise<void>;
  isServiceAccount: (userId: string) => Promise<boolean>;
  /**
   * A user with no roles in the unit of that code, and its audit entry in the same transaction (by the person
   * signing in, from the request's address and browser); null when the unit does not exist.
   */
  createUserWithoutRoles: (input: {
    username: string; displayName: string; unitCode: string; at: Date; context: { ip: string | null; userAgent: string | null };
  }) => Promise<UserForAuth | null>;
  isTotpEnabled: (userId: string) => Promise<boolean>;
};

export type OidcDeps = {
  settings: OidcSettings;
  provider: OidcProvider;
  store: OidcStore;
  auth: AuthDeps;
  now: () => Date;
};

export type OidcRefusalReason =
  | OidcFailureReason | 'unknown_user' | 'inactive_user' | 'service_account' | 'second_factor_required' | 'unit_missing' | 'not_asked_again';

export const oidcError = (reason: OidcRefusalReason, message: string): AppError => {
  const isUserRefusal = ['unknown_user', 'inactive_user', 'service_account', 'second_factor_required', 'unit_missing', 'not_asked_again'].includes(reason);
  return new AppError(isUserRefusal ? 'auth.sso_user_refused' : 'auth.sso_failed', message, { reason });
};

/** Only a path of this site: an absolute URL or `//host` would make the sign-in an open redirect. */
export const safeReturnTo = (value: string | null | undefined): string | null =>
  value && /^\/(?![/\\])[^\s]*$/.test(value) && value.length <= 500 ? value : null;

/**
 * Where a signed-in person lands after single sign-on: the staff pages (`/work…`) and their own account's pages
 * (`/account…`, where a confirmation asked for on the two-step or devices page must bring them back). Anything
 * else stored as a return address (the public pages, the sign-in page) lands on the workbench.
 */
export const signedInLandingOf = (returnTo: string | null | undefined): string =>
  returnTo && safeReturnTo(returnTo) !== null && /^\/(work|account)(?:[/?]|$)/.test(returnTo) ? returnTo : '/work';

/** Step 1: where to send the browser, and the secret for its cookie. */
export const startOidcLogin = async (
  deps: OidcDeps,
  input: { returnTo: string | null; isConfirmation?: boolean },
): Promise<{ authorizationUrl: string; browserSecret: string }> => {
  const now = deps.now();
  const metadata = await deps.provider.metadata();
  const state = randomToken();
  const nonce = randomToken();
  const codeVerifier = randomToken();
  const browserSecret = randomToken();
  await deps.store.deleteExpiredStates(now);
  await deps.store.saveState({
    stateHash: sha256(state), browserHash: sha256(browserSecret), nonce, codeVerifier, returnTo: safeReturnTo(input.returnTo),
    createdAt: now, expiresAt: new Date(now.getTime() + OIDC_STATE_TTL_MS), isConfirmation: input.isConfirmation === true,
  });
  const url = new URL(metadata.authorizationEndpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', deps.settings.clientId);
  url.searchParams.set('redirect_uri', deps.settings.redirectUrl);
  url.searchParams.set('scope', OIDC_SCOPE);
  url.searchParams.set('state', state);
  url.searchParams.set('nonce', nonce);
  url.searchParams.set('code_challenge', pkceChallenge(codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  // A confirmation before a sensitive step (recent-auth.ts): the provider must ask for the credentials again, not
  // reuse its own session at an unattended desk, and then says when it did (auth_time, required with max_age).
  if (input.isConfirmation) {
    url.searchParams.set('prompt', 'login');
    url.searchParams.set('max_age', '0');
  }
  return { authorizationUrl: url.toString(), browserSecret };
};

export type OidcLoginResult = {
  token: string; expiresAt: Date; user: UserForAuth; returnTo: string | null; isNewUser: boolean;
  /** Why the device was not remembered nor a new-device notice written (to log); the sign-in succeeded all the same. */
  deviceError: Error | null;
};

/**
 * Step 2, the callback: the state is taken (once), the code exchanged with the verifier, the ID token verified,
 * the user found (or created with no roles, if so configured), then a session opened. Throws a coded AppError
 * (auth.sso_failed / auth.sso_user_refused, `details.reason`) and opens nothing on any failure.
 */
export const completeOidcLogin = async (
  deps: OidcDeps,
  input: {
    code: string | null; state: string | null; providerError: string | null; browserSecret: string | null; ip: string | null; userAgent: string | null;
    /** The session this browser already holds: replaced by the new one when it is the same person's. */
    previousSessionToken?: string | null;
  },
): Promise<OidcLoginResult> => {
  const now = deps.now();
  if (!input.state) throw oidcError('state_invalid', 'the sign-in has no state');
  // Taken before anything else: whatever happens next, this state cannot be used again.
  const saved = await deps.store.takeState(sha256(input.state));
  if (!saved) throw oidcError('state_invalid', 'unknown or already used sign-in state: start again');
  if (saved.expiresAt.getTime() <= now.getTime()) throw oidcError('state_expired', 'the sign-in took too long: start again');
  if (!input.browserSecret || sha256(input.browserSecret) !== saved.browserHash) {
    throw oidcError('state_invalid', 'this sign-in was started in another browser');
  }
  if (input.providerError) throw oidcError('provider_error', `the provider answered: ${input.providerError.slice(0, 100)}`);
  if (!input.code) throw oidcError('provider_error', 'the provider sent no code');
  let claims: Record<string, unknown>;
  try {
    const { idToken } = await deps.provider.exchangeCode(input.code, saved.codeVerifier);
    const header = readIdTokenHeader(idToken);
    let keys = await deps.provider.keys(false);
    if (candidateKeys(keys, header).length === 0) keys = await deps.provider.keys(true);
    claims = verifyIdToken(idToken, keys, { issuer: deps.settings.issuer, clientId: deps.settings.clientId, nonce: saved.nonce, now });
  } catch (error) {
    if (error instanceof OidcFailure) throw oidcError(error.reason, error.message);
    throw error;
  }
  const claimed = claims[deps.settings.usernameClaim];
  const username = typeof claimed === 'string' ? claimed.trim().toLowerCase() : '';
  if (username.length < 2 || username.length > 64) throw oidcError('missing_username', `the ID token has no usable ${deps.settings.usernameClaim} (2 to 64 characters)`);
  let user = await deps.auth.store.findUserByUsername(username);
  let isNewUser = false;
  if (!user) {
    if (deps.settings.unknownUsers === 'refuse' || !deps.settings.newUserUnitCode) throw oidcError('unknown_user', 'no Bihuan account for this person');
    const displayName = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 100) : username;
    user = await deps.store.createUserWithoutRoles({
      username, displayName, unitCode: deps.settings.newUserUnitCode, at: now, context: { ip: input.ip, userAgent: input.userAgent },
    });
    if (!user) throw oidcError('unit_missing', `the unit ${deps.settings.newUserUnitCode} for new users does not exist`);
    isNewUser = true;
  }
  if (!user.isActive) throw oidcError('inactive_user', 'this account is disabled');
  if (await deps.store.isServiceAccount(user.id)) throw oidcError('service_account', 'service accounts cannot sign in');
  // Bihuan's own second factor is not skipped on the provider's word alone: only when the provider says it used
  // more than a password itself (amr, RFC 8176). Otherwise such users sign in with password and code.
  const amr = Array.isArray(claims.amr) ? claims.amr.filter((v): v is string => typeof v === 'string') : [];
  if ((await deps.store.isTotpEnabled(user.id)) && !amr.some((m) => MFA_METHODS.includes(m))) {
    throw oidcError('second_factor_required', 'your account uses two-factor authentication: sign in with your password and code');
  }
  // The session counts as a recent sign-in from when the person last gave the provider their credentials
  // (auth_time), not from this redirect, which a provider's own session can answer with nobody at the desk.
  // Without auth_time it never counts: a sensitive step then asks for a confirmation, which requests it.
  const authTime = authTimeOf(claims, now);
  // A provider that ignored prompt=login and max_age answered from its own session: no confirmation happened.
  if (saved.isConfirmation && (authTime === null || authTime.getTime() < saved.createdAt.getTime() - CLOCK_SKEW_SECONDS * 1000)) {
    throw oidcError('not_asked_again', 'the provider did not ask for your credentials again: confirm with your password, or ask your administrator');
  }
  const session = await openSession(deps.auth, user, { ip: input.ip, userAgent: input.userAgent, verifiedAt: authTime ?? NEVER_VERIFIED });
  // The same person signing in again in this browser (a confirmation): the session it replaces ends, rather than
  // staying open unconfirmed beside the new one.
  if (input.previousSessionToken) {
    const previous = await deps.auth.store.findUserBySessionTokenHash(sha256(input.previousSessionToken), now);
    if (previous?.id === user.id) await deps.auth.store.deleteSessionByTokenHash(sha256(input.previousSessionToken));
  }
  return { ...session, user, returnTo: saved.returnTo, isNewUser };
};
