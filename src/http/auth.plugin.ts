import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateApiToken } from '../core/access/api-tokens.js';
import { isApiTokenShape, isRouteAllowedForApiToken } from '../core/access/api-token-rules.js';
import { loadOidcSettings } from '../core/access/oidc-settings.js';
import { authenticate } from '../core/auth/login.js';
import { assertRecentlyVerifiedOrThrow, DEFAULT_REAUTH_MINUTES } from '../core/auth/recent-auth.js';
import { assertTotpEnrolled } from '../core/auth/two-factor.js';
import { AppError } from '../core/shared/app-error.js';
import { createAccessDeps } from '../db/access.repository.js';
import { appendAudit } from '../db/audit.repository.js';
import type { AppDeps } from './context.js';
import { isAllowedBeforeTotpEnrolment } from './routes/two-factor.routes.js';

export const SESSION_COOKIE = 'bihuan_session';

/** What a session whose password must be changed may do (matched on the route pattern, not the raw URL). */
const PASSWORD_CHANGE_ROUTES = new Set(['/api/v1/auth/me', '/api/v1/auth/logout', '/api/v1/auth/logout-all', '/api/v1/auth/password']);

export const tokenOf = (request: FastifyRequest): string | null => {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim() || null;
  return request.cookies[SESSION_COOKIE] ?? null;
};

/**
 * Resolves the caller once per request and enforces the access each route declares. A route under
 * /api without a declaration fails at start-up, so no route can be public by accident.
 */
export const registerAuth = (app: FastifyInstance, deps: AppDeps): void => {
  app.decorateRequest('actor', null);
  const accessDeps = createAccessDeps(deps.db, deps.now);
  // A fresh sign-in through the provider also counts as a confirmation: the client offers it beside the password.
  const isSsoConfigured = loadOidcSettings(process.env) !== null;

  /** Refusals of API tokens are audited whatever the method (the audit hook covers only changes). */
  const refuseToken = async (request: FastifyRequest, error: AppError, entry: { ownerId: string | null; tokenPrefix: string | null; reason: string }): Promise<never> => {
    try {
      await appendAudit(deps.db, {
        at: deps.now(),
        actorId: entry.ownerId,
        actorName: null,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
        action: `api_token.refused`,
        subjectKind: 'api_tokens',
        subjectId: null,
        outcome: String(error.code),
        data: { reason: entry.reason, tokenPrefix: entry.tokenPrefix, route: `${request.method} ${request.routeOptions.url ?? ''}` },
      });
    } catch (auditError) {
      request.log.error({ err: auditError }, 'audit write failed');
    }
    throw error;
  };

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/') && !route.config?.access && route.method !== 'HEAD') {
      throw new Error(`route ${String(route.method)} ${route.url} declares no access`);
    }
  });

  // onRequest, before the body is parsed and validated: an anonymous caller learns nothing about the schema.
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (!access || access === 'public') return;
    // API tokens come only in the Authorization header (never a cookie) and carry their own limits.
    const bearer = request.headers.authorization?.startsWith('Bearer ') ? request.headers.authorization.slice(7).trim() : '';
    if (isApiTokenShape(bearer)) {
      const result = await authenticateApiToken(accessDeps, bearer, request.ip);
      if (result.outcome === 'refused') return refuseToken(request, result.error, result);
      const actor = result.actor;
      request.actor = actor;
      const tokenPrefix = actor.apiToken?.prefix ?? null;
      // A step that needs a person's recent password is never a token's: a token has no password to confirm.
      if (!isRouteAllowedForApiToken(request.routeOptions.url ?? '') || request.routeOptions.config.isReauthRequired === true) {
        const error = new AppError('auth.token_forbidden', 'API tokens cannot call this route', { reason: 'route_not_allowed', tokenPrefix });
        return refuseToken(request, error, { ownerId: actor.userId, tokenPrefix, reason: 'route_not_allowed' });
      }
      // No TOTP enrolment check: the token is its own credential, made by a person who passed it.
      if (access !== 'authenticated' && !actor.permissions.has(access)) {
        const error = new AppError('auth.forbidden', `missing permission ${access}`, { permission: access, reason: 'token_scope', tokenPrefix });
        return refuseToken(request, error, { ownerId: actor.userId, tokenPrefix, reason: 'missing_permission' });
      }
      return;
    }
    const token = tokenOf(request);
    const resolved = token ? await authenticate(deps.authDeps, token) : null;
    if (!resolved) throw new AppError('auth.required', 'sign in first');
    request.actor = resolved.actor;
    const routeUrl = request.routeOptions.url ?? '';
    const mustChangePassword = resolved.user.mustChangePassword === true;
    // A password an administrator set (a new account, a reset): nothing else until its owner has replaced it.
    if (mustChangePassword && !PASSWORD_CHANGE_ROUTES.has(routeUrl)) {
      throw new AppError('auth.password_change_required', 'choose a new password first: this one was set by an administrator');
    }
    // A role that requires TOTP, not set up yet: the session may only set it up (and see who it is, sign out).
    // The one exception is the change of an administrator's password, which comes first: the owner then signs
    // in with their own password and sets TOTP up.
    const isFirstPasswordChange = mustChangePassword && routeUrl === '/api/v1/auth/password';
    if (!isAllowedBeforeTotpEnrolment(routeUrl) && !isFirstPasswordChange) await assertTotpEnrolled(deps.authDeps.twoFactor, resolved.actor, resolved.user.twoFactor);
    if (access !== 'authenticated' && !resolved.actor.permissions.has(access)) {
      throw new AppError('auth.forbidden', `missing permission ${access}`, { permission: access });
    }
    // After the permission: someone who may not take the step at all is told so, not asked for a password.
    if (request.routeOptions.config.isReauthRequired) {
      const session = { verifiedAt: resolved.user.verifiedAt, hasTotp: resolved.user.twoFactor?.isEnabled === true, hasPassword: resolved.user.hasPassword };
      assertRecentlyVerifiedOrThrow(session, deps.authDeps.now(), {
        reauthMinutes: deps.authDeps.reauthMinutes ?? DEFAULT_REAUTH_MINUTES,
        canUseSso: isSsoConfigured,
      });
    }
  });
};

export const actorOrThrow = (request: FastifyRequest) => {
  if (!request.actor) throw new AppError('auth.required', 'sign in first');
  return request.actor;
};
