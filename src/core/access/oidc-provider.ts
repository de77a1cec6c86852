import { OidcFailure, type Jwk } from './id-token.js';
import type { OidcSettings } from './oidc-settings.js';

/*
 * The OpenID provider as seen from Bihuan: its discovery document and keys (fetched and cached), and the
 * token endpoint. Plain fetch: no OIDC library (no new dependency), the few calls are simple.
 */

export type ProviderMetadata = {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  jwksUri: string;
};

export type OidcProvider = {
  metadata: () => Promise<ProviderMetadata>;
  /** The signing keys; `isRefresh` asks again (a key we do not know yet: the provider may have rotated). */
  keys: (isRefresh: boolean) => Promise<Jwk[]>;
  /** Authorization code + PKCE verifier → the ID token (client_secret_basic). */
  exchangeCode: (code: string, codeVerifier: string) => Promise<{ idToken: string }>;
};

const METADATA_TTL_MS = 60 * 60_000;
const KEYS_TTL_MS = 10 * 60_000;
/** Unknown key ids make us fetch the keys again, at most this often (a flood of forged kids is not a flood of fetches). */
const KEYS_MIN_REFRESH_MS = 60_000;
const TIMEOUT_MS = 10_000;

type Fetch = typeof fetch;

const getJson = async (fetchFn: Fetch, url: string, init?: RequestInit): Promise<Record<string, unknown>> => {
  const response = await fetchFn(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' });
  const text = await response.text();
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status} ${text.slice(0, 200)}`);
  const value: unknown = JSON.parse(text);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${url}: not a JSON object`);
  return value as Record<string, unknown>;
};

const stringField = (doc: Record<string, unknown>, name: string): string => {
  const value = doc[name];
  if (typeof value !== 'string' || value === '') throw new Error(`discovery document: ${name} is missing`);
  return value;
};

export const createHttpOidcProvider = (settings: OidcSettings, options: { now: () => Date; fetch?: Fetch }): OidcProvider => {
  const fetchFn = options.fetch ?? fetch;
  let metadata: { value: ProviderMetadata; at: number } | null = null;
  let keys: { value: Jwk[]; at: number } | null = null;

  const loadMetadata = async (): Promise<ProviderMetadata> => {
    const now = options.now().getTime();
    if (metadata && now - metadata.at < METADATA_TTL_MS) return metadata.value;
    let doc: Record<string, unknown>;
    try {
      doc = await getJson(fetchFn, `${settings.issuer}/.well-known/openid-configuration`);
    } catch (error) {
      throw new OidcFailure('discovery_failed', `the provider's discovery document could not be read: ${(error as Error).message}`);
    }
    // OIDC Discovery 4.3: the issuer in the document must be exactly the one configured.
    if (doc.issuer !== settings.issuer) throw new OidcFailure('discovery_failed', `the discovery document names another issuer (${String(doc.issuer)})`);
    try {
      const value = {
        issuer: settings.issuer,
        authorizationEndpoint: stringField(doc, 'authorization_endpoint'),
        tokenEndpoint: stringField(doc, 'token_endpoint'),
        jwksUri: stringField(doc, 'jwks_uri'),
      };
      metadata = { value, at: now };
      return value;
    } catch (error) {
      throw new OidcFailure('discovery_failed', (error as Error).message);
    }
  };

  return {
    metadata: loadMetadata,
    keys: async (isRefresh) => {
      const now = options.now().getTime();
      const age = keys ? now - keys.at : Infinity;
      if (keys && age < KEYS_TTL_MS && (!isRefresh || age < KEYS_MIN_REFRESH_MS)) return keys.value;
      const { jwksUri } = await loadMetadata();
      try {
        const doc = await getJson(fetchFn, jwksUri);
        const value = Array.isArray(doc.keys) ? (doc.keys.filter((k) => k && typeof k === 'object') as Jwk[]) : [];
        keys = { value, at: now };
        return value;
      } catch (error) {
        if (keys) return keys.value;
        throw new OidcFailure('discovery_failed', `the provider's keys could not be read: ${(error as Error).message}`);
      }
    },
    exchangeCode: async (code, codeVerifier) => {
      const { tokenEndpoint } = await loadMetadata();
      const basic = Buffer.from(`${encodeURIComponent(settings.clientId)}:${encodeURIComponent(settings.clientSecret)}`).toString('base64');
      let doc: Record<string, unknown>;
      try {
        doc = await getJson(fetchFn, tokenEndpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}`, accept: 'application/json' },
          body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: settings.redirectUrl, code_verifier: codeVerifier }).toString(),
        });
      } catch (error) {
        throw new OidcFailure('token_exchange_failed', `the provider refused the code: ${(error as Error).message}`);
      }
      if (typeof doc.id_token !== 'string') throw new OidcFailure('token_exchange_failed', 'the provider sent no ID token');
      return { idToken: doc.id_token };
    },
  };
};
