import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny OpenID provider for the tests (node:http, keys from node:crypto): discovery, JWKS, a token endpoint that
 * checks the client secret, the redirect URI and PKCE, and an authorization endpoint that signs the person in at
 * once and sends the browser back with a code, so a real browser can go through the whole flow. What the person
 * "typed" at the provider is decided by the test: the claims of the next sign-in.
 */

/** `none` is there to be refused: a provider that does not sign must never be believed. */
export type IdTokenAlg = 'RS256' | 'ES256' | 'none';

/** How an ID token is signed; by default with the provider's own key of that algorithm. */
export type Signing = { alg?: IdTokenAlg; key?: KeyObject; kid?: string };

/** What the relying party asked at /authorize, as the provider saw it. */
export type AuthorizationRequest = {
  clientId: string;
  redirectUri: string;
  responseType: string;
  scope: string;
  state: string;
  nonce: string;
  codeChallenge: string;
  codeChallengeMethod: string;
  /** `login` when the relying party wants the credentials asked again, whatever the provider's own session. */
  prompt: string | null;
  maxAge: string | null;
  /** The code sent back, or null when the request was refused. */
  code: string | null;
};

export type FakeOidcProvider = {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUrl: string;
  /** BIHUAN_OIDC_* that point Bihuan at this provider, with `extra` settings over them. */
  env: (extra?: Record<string, string>) => Record<string, string>;
  /**
   * Decides the next browser sign-in at /authorize: these claims over the defaults (iss, aud, sub, exp, iat, the
   * nonce asked for, and `auth_time` now, as if the person had just typed their credentials). A claim set to
   * `undefined` is left out of the token. Sign-ins are used in the order given; with none left, /authorize sends
   * the browser back with `error=login_required`, as a provider would that nobody signed in to.
   */
  nextSignIn: (claims: Record<string, unknown>, signing?: Signing) => void;
  /** A code for these exact claims, bound to a PKCE challenge, as if a sign-in had happened elsewhere. */
  issueCode: (input: { challenge: string; claims: Record<string, unknown>; redirectUri?: string } & Signing) => string;
  /** Every request to /authorize, oldest first. */
  readonly authorizations: readonly AuthorizationRequest[];
  /** Every request to the token endpoint, good or bad. */
  readonly tokenRequests: number;
  close: () => Promise<void>;
};

type Grant = { challenge: string; redirectUri: string; claims: Record<string, unknown>; alg: IdTokenAlg; key: KeyObject; kid: string };

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

const signJwt = (grant: Grant): string => {
  const head = b64({ alg: grant.alg, kid: grant.kid, typ: 'JWT' });
  const body = b64(grant.claims);
  if (grant.alg === 'none') return `${head}.${body}.`;
  const data = Buffer.from(`${head}.${body}`);
  const signature = grant.alg === 'ES256' ? sign('sha256', data, { key: grant.key, dsaEncoding: 'ieee-p1363' }) : sign('sha256', data, grant.key);
  return `${head}.${body}.${signature.toString('base64url')}`;
};

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString();
    });
    req.on('end', () => resolve(raw));
    req.on('error', reject);
  });

export const startFakeOidcProvider = async (options: { clientId?: string; clientSecret?: string; redirectUrl: string }): Promise<FakeOidcProvider> => {
  const clientId = options.clientId ?? 'bihuan-test';
  const clientSecret = options.clientSecret ?? 'client-secret-for-tests';
  const { redirectUrl } = options;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const grants = new Map<string, Grant>();
  const signIns: { claims: Record<string, unknown>; signing: Signing }[] = [];
  const authorizations: AuthorizationRequest[] = [];
  let tokenRequests = 0;
  let issuer = '';

  const makeGrant = (input: { challenge: string; claims: Record<string, unknown>; redirectUri?: string } & Signing): string => {
    const alg = input.alg ?? 'RS256';
    const code = randomBytes(16).toString('base64url');
    grants.set(code, {
      challenge: input.challenge,
      redirectUri: input.redirectUri ?? redirectUrl,
      claims: input.claims,
      alg,
      key: input.key ?? (alg === 'ES256' ? ec.privateKey : rsa.privateKey),
      kid: input.kid ?? (alg === 'ES256' ? 'ec-1' : 'rsa-1'),
    });
    return code;
  };

  const json = (res: ServerResponse, status: number, value: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };

  const authorize = (url: URL, res: ServerResponse) => {
    const p = url.searchParams;
    const asked: AuthorizationRequest = {
      clientId: p.get('client_id') ?? '', redirectUri: p.get('redirect_uri') ?? '', responseType: p.get('response_type') ?? '', scope: p.get('scope') ?? '',
      state: p.get('state') ?? '', nonce: p.get('nonce') ?? '', codeChallenge: p.get('code_challenge') ?? '', codeChallengeMethod: p.get('code_challenge_method') ?? '',
      prompt: p.get('prompt'), maxAge: p.get('max_age'), code: null,
    };
    authorizations.push(asked);
    // Never send a browser, let alone a code, to an address that was not registered (RFC 6749 3.1.2.4).
    if (asked.clientId !== clientId || asked.redirectUri !== redirectUrl) return json(res, 400, { error: 'invalid_request', error_description: 'unknown client or redirect_uri' });
    const back = new URL(redirectUrl);
    back.searchParams.set('state', asked.state);
    // A request the provider refuses uses up none of the sign-ins the test decided.
    const signIn = asked.responseType === 'code' && asked.codeChallengeMethod === 'S256' && asked.codeChallenge ? signIns.shift() : null;
    if (signIn === null) {
      back.searchParams.set('error', 'invalid_request');
    } else if (signIn === undefined) {
      back.searchParams.set('error', 'login_required');
    } else {
      const now = Math.floor(Date.now() / 1000);
      const username = signIn.claims.preferred_username;
      const claims: Record<string, unknown> = {
        iss: issuer, aud: clientId, sub: `subject-${typeof username === 'string' ? username.toLowerCase() : 'anonymous'}`, exp: now + 300, iat: now,
        auth_time: now, nonce: asked.nonce, ...signIn.claims,
      };
      asked.code = makeGrant({ challenge: asked.codeChallenge, redirectUri: asked.redirectUri, claims, ...signIn.signing });
      back.searchParams.set('code', asked.code);
    }
    res.writeHead(302, { location: back.toString(), 'cache-control': 'no-store' });
    res.end();
  };

  const token = async (req: IncomingMessage, res: ServerResponse) => {
    const form = new URLSearchParams(await readBody(req));
    tokenRequests += 1;
    const expectedAuth = `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`;
    if (req.headers.authorization !== expectedAuth) return json(res, 401, { error: 'invalid_client' });
    const code = form.get('code') ?? '';
    // A code is good for one exchange, whatever its outcome.
    const grant = grants.get(code);
    grants.delete(code);
    if (!grant || form.get('grant_type') !== 'authorization_code' || form.get('redirect_uri') !== grant.redirectUri) return json(res, 400, { error: 'invalid_grant' });
    const verifier = form.get('code_verifier') ?? '';
    if (createHash('sha256').update(verifier).digest('base64url') !== grant.challenge) return json(res, 400, { error: 'invalid_grant', error_description: 'PKCE' });
    return json(res, 200, { access_token: 'at', token_type: 'Bearer', expires_in: 300, id_token: signJwt(grant) });
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
      return json(res, 200, {
        issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'], id_token_signing_alg_values_supported: ['RS256', 'ES256'], code_challenge_methods_supported: ['S256'],
      });
    }
    if (req.method === 'GET' && url.pathname === '/jwks') {
      return json(res, 200, {
        keys: [
          { ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
          { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1', alg: 'ES256', use: 'sig' },
        ],
      });
    }
    if (req.method === 'GET' && url.pathname === '/authorize') return authorize(url, res);
    if (req.method === 'POST' && url.pathname === '/token') {
      token(req, res).catch(() => json(res, 500, { error: 'server_error' }));
      return undefined;
    }
    return json(res, 404, { error: 'not_found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    clientId,
    clientSecret,
    redirectUrl,
    env: (extra = {}) => ({
      BIHUAN_OIDC_ISSUER: issuer, BIHUAN_OIDC_CLIENT_ID: clientId, BIHUAN_OIDC_CLIENT_SECRET: clientSecret, BIHUAN_OIDC_REDIRECT_URL: redirectUrl, ...extra,
    }),
    nextSignIn: (claims, signing = {}) => {
      signIns.push({ claims, signing });
    },
    issueCode: (input) => makeGrant(input),
    get authorizations() {
      return authorizations;
    },
    get tokenRequests() {
      return tokenRequests;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
};
