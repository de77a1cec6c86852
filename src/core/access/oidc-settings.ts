/**
 * OIDC single sign-on settings, from the environment (docs/access.md). Off unless BIHUAN_OIDC_ISSUER is set;
 * once it is, every required setting must be there too, or start-up fails with every problem listed.
 */
export type OidcSettings = {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Our callback, as registered at the provider: https://<host>/api/v1/auth/oidc/callback. */
  redirectUrl: string;
  /** The ID token claim that holds the Bihuan username (lower-cased). */
  usernameClaim: string;
  /** Unknown usernames: refused, or created with no roles (an administrator then gives them roles). */
  unknownUsers: 'refuse' | 'create';
  /** Unit code of users created on first sign-in. */
  newUserUnitCode: string | null;
  /** Shown on the sign-in button. */
  providerName: string;
};

export class OidcConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid OIDC configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'OidcConfigError';
  }
}

const isLoopback = (host: string): boolean => host === 'localhost' || host === '127.0.0.1' || host === '[::1]';

/** https only, except on the loopback interface (tests, a provider on the same machine). */
const checkUrl = (name: string, value: string, problems: string[]): void => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push(`${name}: not a URL`);
    return;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) problems.push(`${name}: must be https:// (http:// only on localhost)`);
  if (url.hash) problems.push(`${name}: must not have a #fragment`);
};

export const loadOidcSettings = (env: NodeJS.ProcessEnv): OidcSettings | null => {
  const read = (name: string): string => env[name]?.trim() ?? '';
  const issuer = read('BIHUAN_OIDC_ISSUER').replace(/\/+$/, '');
  if (!issuer) return null;
  const problems: string[] = [];
  checkUrl('BIHUAN_OIDC_ISSUER', issuer, problems);
  const clientId = read('BIHUAN_OIDC_CLIENT_ID');
  const clientSecret = read('BIHUAN_OIDC_CLIENT_SECRET');
  const redirectUrl = read('BIHUAN_OIDC_REDIRECT_URL');
  if (!clientId) problems.push('BIHUAN_OIDC_CLIENT_ID: required when BIHUAN_OIDC_ISSUER is set');
  if (!clientSecret) problems.push('BIHUAN_OIDC_CLIENT_SECRET: required when BIHUAN_OIDC_ISSUER is set');
  if (!redirectUrl) problems.push('BIHUAN_OIDC_REDIRECT_URL: required when BIHUAN_OIDC_ISSUER is set');
  else checkUrl('BIHUAN_OIDC_REDIRECT_URL', redirectUrl, problems);
  const usernameClaim = read('BIHUAN_OIDC_USERNAME_CLAIM') || 'preferred_username';
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(usernameClaim)) problems.push('BIHUAN_OIDC_USERNAME_CLAIM: a claim name');
  const unknownText = read('BIHUAN_OIDC_UNKNOWN_USERS') || 'refuse';
  if (unknownText !== 'refuse' && unknownText !== 'create') problems.push('BIHUAN_OIDC_UNKNOWN_USERS: refuse or create');
  const unknownUsers = unknownText === 'create' ? 'create' : 'refuse';
  const newUserUnitCode = read('BIHUAN_OIDC_NEW_USER_UNIT') || null;
  if (unknownUsers === 'create' && !newUserUnitCode) problems.push('BIHUAN_OIDC_NEW_USER_UNIT: the unit code of created users is required with BIHUAN_OIDC_UNKNOWN_USERS=create');
  const providerName = (read('BIHUAN_OIDC_PROVIDER_NAME') || 'SSO').slice(0, 60);
  if (problems.length > 0) throw new OidcConfigError(problems);
  return { issuer, clientId, clientSecret, redirectUrl, usernameClaim, unknownUsers, newUserUnitCode, providerName };
};
