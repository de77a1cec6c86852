import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticate } from '../core/auth/login.js';
import { assertTotpEnrolled } from '../core/auth/two-factor.js';
import { AppError } from '../core/shared/app-error.js';
import type { AppDeps } from './context.js';
import { isAllowedBeforeTotpEnrolment } from './routes/two-factor.routes.js';

export const SESSION_COOKIE = 'bihuan_session';

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

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/api/') && !route.config?.access && route.method !== 'HEAD') {
      throw new Error(`route ${String(route.method)} ${route.url} declares no access`);
    }
  });

  // onRequest, before the body is parsed and validated: an anonymous caller learns nothing about the schema.
  app.addHook('onRequest', async (request) => {
    const access = request.routeOptions.config.access;
    if (!access || access === 'public') return;
    const token = tokenOf(request);
    const resolved = token ? await authenticate(deps.authDeps, token) : null;
    if (!resolved) throw new AppError('auth.required', 'sign in first');
    request.actor = resolved.actor;
    // A role that requires TOTP, not set up yet: the session may only set it up (and see who it is, sign out).
    if (!isAllowedBeforeTotpEnrolment(request.routeOptions.url)) await assertTotpEnrolled(deps.authDeps.twoFactor, resolved.actor);
    if (access !== 'authenticated' && !resolved.actor.permissions.has(access)) {
      throw new AppError('auth.forbidden', `missing permission ${access}`, { permission: access });
    }
  });
};

export const actorOrThrow = (request: FastifyRequest) => {
  if (!request.actor) throw new AppError('auth.required', 'sign in first');
  return request.actor;
};
