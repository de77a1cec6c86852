import { createHash, createPublicKey, randomBytes, verify, type JsonWebKey, type KeyObject } from 'node:crypto';

/*
 * OpenID Connect ID tokens (JWS compact, RS256 or ES256) verified with node:crypto alone, and PKCE (RFC 7636).
 * Pure apart from randomness: the keys come in as a JWKS the caller fetched.
 */

export type OidcFailureReason =
  | 'state_invalid'
  | 'state_expired'
  | 'provider_error'
  | 'token_exchange_failed'
  | 'discovery_failed'
  | 'malformed_token'
  | 'unsupported_alg'
  | 'unknown_key'
  | 'bad_signature'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'expired'
  | 'not_yet_valid'
  | 'nonce_mismatch'
  | 'missing_username';

export class OidcFailure extends Error {
  constructor(readonly reason: OidcFailureReason, message: string) {
    super(message);
    this.name = 'OidcFailure';
  }
}

export type Jwk = JsonWebKey & { kid?: string; alg?: string; use?: string };
export type IdTokenClaims = Record<string, unknown> & { iss: string; sub: string; aud: string | string[]; exp: number; iat?: number; nonce?: string };

/** Algorithms we accept; "none" and HMAC (which would turn the client secret into a signing key) never. */
const ALGORITHMS = {
  RS256: { keyType: 'rsa', dsaEncoding: undefined },
  ES256: { keyType: 'ec', dsaEncoding: 'ieee-p1363' },
} as const;
type Algorithm = keyof typeof ALGORITHMS;

/** Clock drift allowed between us and the provider. */
export const CLOCK_SKEW_SECONDS = 60;

const decodeJson = (part: string): Record<string, unknown> => {
  const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a JSON object');
  return value as Record<string, unknown>;
};

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** The header of a token, without trusting anything in it yet: tells which key to look for. */
export const readIdTokenHeader = (token: string): { alg: string; kid: string | null } => {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => BASE64URL.test(p)) || !parts[0]) throw new OidcFailure('malformed_token', 'the ID token is not a signed JWT');
  let header: Record<string, unknown>;
  try {
    header = decodeJson(parts[0]);
  } catch {
    throw new OidcFailure('malformed_token', 'the ID token header is not JSON');
  }
  return { alg: typeof header.alg === 'string' ? header.alg : '', kid: typeof header.kid === 'string' ? header.kid : null };
};

const keyFor = (jwk: Jwk, algorithm: Algorithm): KeyObject | null => {
  try {
    const key = createPublicKey({ key: jwk, format: 'jwk' });
    if (key.asymmetricKeyType !== ALGORITHMS[algorithm].keyType) return null;
    if (algorithm === 'ES256' && key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return null;
    return key;
  } catch {
    return null;
  }
};

/** The keys that could have signed it: the one with its kid, or (no kid) every key of the right type. */
export const candidateKeys = (keys: readonly Jwk[], header: { alg: string; kid: string | null }): Jwk[] =>
  keys.filter((k) => (header.kid === null || k.kid === header.kid) && (k.use === undefined || k.use === 'sig') && (k.alg === undefined || k.alg === header.alg));

/**
 * Checks the signature with the provider's keys, then the claims (OIDC Core 3.1.3.7): iss is the issuer, aud
 * holds our client id (and azp is us when there are several audiences), exp is in the future, iat not in the
 * future, and the nonce is the one we sent. Throws OidcFailure with the first reason found.
 */
export const verifyIdToken = (
  token: string,
  keys: readonly Jwk[],
  expected: { issuer: string; clientId: string; nonce: string; now: Date },
): IdTokenClaims => {
  const header = readIdTokenHeader(token);
  if (!(header.alg in ALGORITHMS)) throw new OidcFailure('unsupported_alg', `ID tokens signed with ${header.alg || 'nothing'} are not accepted`);
  const algorithm = header.alg as Algorithm;
  const candidates = candidateKeys(keys, header);
  if (candidates.length === 0) throw new OidcFailure('unknown_key', 'no key of the provider matches the ID token');
  const [headerPart = '', payloadPart = '', signaturePart = ''] = token.split('.');
  const data = Buffer.from(`${headerPart}.${payloadPart}`, 'ascii');
  const signature = Buffer.from(signaturePart, 'base64url');
  const isSigned = candidates.some((jwk) => {
    const key = keyFor(jwk, algorithm);
    if (!key) return false;
    const dsaEncoding = ALGORITHMS[algorithm].dsaEncoding;
    return verify('sha256', data, dsaEncoding ? { key, dsaEncoding } : key, signature);
  });
  if (!isSigned) throw new OidcFailure('bad_signature', 'the ID token signature does not verify');
  let claims: Record<string, unknown>;
  try {
    claims = decodeJson(payloadPart);
  } catch {
    throw new OidcFailure('malformed_token', 'the ID token payload is not JSON');
  }
  if (claims.iss !== expected.issuer) throw new OidcFailure('wrong_issuer', 'the ID token comes from another issuer');
  const audiences = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
  if (!audiences.includes(expected.clientId)) throw new OidcFailure('wrong_audience', 'the ID token is not meant for this client');
  if (audiences.length > 1 && claims.azp !== expected.clientId) throw new OidcFailure('wrong_audience', 'the ID token was issued to another party');
  const nowSeconds = expected.now.getTime() / 1000;
  if (typeof claims.exp !== 'number' || claims.exp + CLOCK_SKEW_SECONDS <= nowSeconds) throw new OidcFailure('expired', 'the ID token has expired');
  if (typeof claims.iat === 'number' && claims.iat - CLOCK_SKEW_SECONDS > nowSeconds) throw new OidcFailure('not_yet_valid', 'the ID token was issued in the future');
  if (typeof claims.nbf === 'number' && claims.nbf - CLOCK_SKEW_SECONDS > nowSeconds) throw new OidcFailure('not_yet_valid', 'the ID token is not valid yet');
  if (typeof claims.nonce !== 'string' || claims.nonce !== expected.nonce) throw new OidcFailure('nonce_mismatch', 'the ID token nonce is not the one sent');
  if (typeof claims.sub !== 'string' || claims.sub === '') throw new OidcFailure('malformed_token', 'the ID token has no subject');
  return claims as IdTokenClaims;
};

/** 256 random bits, base64url: state, nonce, PKCE verifier, browser binding. */
export const randomToken = (): string => randomBytes(32).toString('base64url');

/** PKCE S256: BASE64URL(SHA256(verifier)). */
export const pkceChallenge = (verifier: string): string => createHash('sha256').update(verifier, 'ascii').digest('base64url');
