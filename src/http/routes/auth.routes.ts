import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { completeOidcLogin, signedInLandingOf, startOidcLogin, type OidcDeps } from '../../core/access/oidc-login.js';
import { createHttpOidcProvider } from '../../core/access/oidc-provider.js';
import { loadOidcSettings } from '../../core/access/oidc-settings.js';
import { endOtherOwnSessions, endOwnSession, listOwnSessions, type SessionDeps } from '../../core/access/sessions.js';
import { changePassword, login, logout, logoutEverywhere } from '../../core/auth/login.js';
import { reauthenticate } from '../../core/auth/recent-auth.js';
import { permissionsForRoles, ROLES } from '../../core/auth/roles.js';
import { AppError } from '../../core/shared/app-error.js';
import { sha256 } from '../../core/shared/secrets.js';
import { createOidcStore } from '../../db/access.repository.js';
import { appendAudit } from '../../db/audit.repository.js';
import { createSessionStore } from '../../db/sessions.repository.js';
import { actorOrThrow, SESSION_COOKIE, tokenOf } from '../auth.plugin.js';
import type { AppDeps } from '../context.js';
import { sessionOut, sessionSchema } from '../session.views.js';
import { requestContextOf } from '../request-context.js';

/** Binds an OIDC sign-in to the browser that started it (httpOnly; only sent to the OIDC routes). */
export const OIDC_COOKIE = 'bihuan_oidc';
const OIDC_COOKIE_PATH = '/api/v1/auth/oidc';

const meSchema = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.enum(ROLES)),
  unitId: z.uuid(),
  permissions: z.array(z.string()),
  /** The password was set by an administrator: only POST /auth/password (and me, logout) answer until it is changed. */
  mustChangePassword: z.boolean(),
  /** Why: an administrator set the password, or it is older than BIHUAN_PASSWORD_MAX_AGE_DAYS. Null when no change is due. */
  passwordChangeReason: z.enum(['administrator', 'expired']).nullable(),
  /** False for an account made without a password (a first single sign-on, a service account): it has none to change or confirm. */
  hasPassword: z.boolean(),
});

/** The new-device notice failed and was skipped (login.ts openSession): the sign-in went on, the operator should know. */
const logDeviceError = (request: FastifyRequest, error: Error | null): void => {
  if (error) request.log.error({ err: error }, 'sign-in: the device was not remembered and no new-device notice was written');
};

export const registerAuthRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  registerOidcRoutes(app, deps);

  api.post(
    '/auth/login',
    {
      config: { access: 'public', rateLimit: 'login' },
      schema: {
        tags: ['auth'],
        body: z
          .object({
            username: z.string().trim().min(1).max(64),
            password: z.string().min(1).max(200),
            /** Asked for (auth.totp_required) when the user has TOTP on: a 6-digit code or a recovery code. */
            totpCode: z.string().trim().min(1).max(32).optional(),
          })
          .strict(),
        response: { 200: z.object({ token: z.string(), expiresAt: z.string(), mustEnrollTotp: z.boolean(), user: meSchema }) },
      },
    },
    async (request, reply) => {
      const result = await login(deps.authDeps, {
        username: request.body.username,
        password: request.body.password,
        totpCode: request.body.totpCode ?? null,
        ip: request.ip,
        userAgent: request.headers['user-agent'] ?? null,
      });
      // The sign-in is the user's own step in the audit log, so that their unit's readers see it.
      request.auditActor = { id: result.user.id, username: result.user.username };
      logDeviceError(request, result.deviceError);
      reply.setCookie(SESSION_COOKIE, result.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: request.protocol === 'https',
        expires: result.expiresAt,
      });
      const u = result.user;
      return {
        token: result.token,
        expiresAt: result.expiresAt.toISOString(),
        mustEnrollTotp: result.mustEnrollTotp,
        user: {
          id: u.id, username: u.username, displayName: u.displayName, roles: u.roles, unitId: u.unitId, permissions: [...permissionsForRoles(u.roles)],
          mustChangePassword: result.mustChangePassword,
          passwordChangeReason: u.passwordChangeReason ?? null,
          hasPassword: u.hasPassword,
        },
      };
    },
  );

  api.post(
    '/auth/logout',
    { config: { access: 'authenticated' }, schema: { tags: ['auth'], response: { 204: z.null() } } },
    async (request, reply) => {
      const token = tokenOf(request);
      if (token) await logout(deps.authDeps, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  api.post(
    '/auth/logout-all',
    { config: { access: 'authenticated' }, schema: { tags: ['auth'], summary: 'Log out everywhere: end every session of this user', response: { 200: z.object({ endedSessions: z.number().int() }) } } },
    async (request, reply) => {
      const actor = actorOrThrow(request);
      const endedSessions = await logoutEverywhere(deps.authDeps, actor.userId);
      request.auditDetails = { endedSessions };
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { endedSessions };
    },
  );

  const sessions: SessionDeps = { store: createSessionStore(deps.db, deps.authDeps.sessionIdleMinutes), now: deps.now, idleMinutes: deps.authDeps.sessionIdleMinutes };
  const currentTokenHash = (request: FastifyRequest): string | null => {
    const token = tokenOf(request);
    return token ? sha256(token) : null;
  };

  api.get(
    '/auth/sessions',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'The devices this account is signed in on, the latest used first',
        querystring: z.object({ lang: z.string().max(10).optional() }).strict(),
        response: { 200: z.object({ items: z.array(sessionSchema), idleMinutes: z.number().int() }) },
      },
    },
    async (request) => ({
      items: (await listOwnSessions(sessions, actorOrThrow(request), currentTokenHash(request))).map(sessionOut),
      idleMinutes: sessions.idleMinutes,
    }),
  );

  api.delete(
    '/auth/sessions/:id',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['auth'], summary: 'Sign out one device; ending the current session is signing out', params: z.object({ id: z.uuid() }), response: { 204: z.null() } },
    },
    async (request, reply) => {
      const ended = await endOwnSession(sessions, actorOrThrow(request), { sessionId: request.params.id, currentTokenHash: currentTokenHash(request) });
      if (ended.wasCurrent) reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  api.post(
    '/auth/logout-others',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['auth'], summary: 'Sign out every other device; this one stays signed in', response: { 200: z.object({ endedSessions: z.number().int() }) } },
    },
    async (request) => {
      const hash = currentTokenHash(request);
      if (!hash) throw new AppError('auth.required', 'sign in first');
      const endedSessions = await endOtherOwnSessions(sessions, actorOrThrow(request), hash);
      request.auditDetails = { endedSessions };
      return { endedSessions };
    },
  );

  api.post(
    '/auth/reauth',
    {
      config: { access: 'authenticated', rateLimit: 'login' },
      schema: {
        tags: ['auth'],
        summary: 'Confirm the password (and a code when two-factor is on) before a sensitive step; holds for BIHUAN_REAUTH_MINUTES',
        body: z
          .object({
            password: z.string().min(1).max(200),
            /** A 6-digit code or a recovery code, when the user has TOTP on. */
            totpCode: z.string().trim().min(1).max(32).optional(),
          })
          .strict(),
        response: { 200: z.object({ verifiedUntil: z.string().nullable() }) },
      },
    },
    async (request) => {
      const actor = actorOrThrow(request);
      const token = tokenOf(request);
      if (!token) throw new AppError('auth.required', 'sign in first');
      const result = await reauthenticate(deps.authDeps, {
        username: actor.username,
        sessionToken: token,
        password: request.body.password,
        totpCode: request.body.totpCode ?? null,
        ip: request.ip,
      });
      return { verifiedUntil: result.verifiedUntil?.toISOString() ?? null };
    },
  );

  api.post(
    '/auth/password',
    {
      config: { access: 'authenticated', rateLimit: 'login' },
      schema: {
        tags: ['auth'],
        summary: 'Change the password; every session ends and the user signs in again',
        body: z.object({ currentPassword: z.string().min(1).max(200), newPassword: z.string().min(1).max(200) }).strict(),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const actor = actorOrThrow(request);
      await changePassword(deps.authDeps, {
        username: actor.username,
        currentPassword: request.body.currentPassword,
        newPassword: request.body.newPassword,
        context: requestContextOf(request),
        apiToken: actor.apiToken ?? null,
      });
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/auth/me',
    { config: { access: 'authenticated' }, schema: { tags: ['auth'], response: { 200: meSchema } } },
    async (request) => {
      const actor = actorOrThrow(request);
      return {
        id: actor.userId,
        username: actor.username,
        displayName: actor.displayName,
        roles: [...actor.roles],
        unitId: actor.unitId,
        permissions: [...actor.permissions],
        mustChangePassword: actor.mustChangePassword === true,
        passwordChangeReason: actor.passwordChangeReason ?? null,
        hasPassword: actor.hasPassword !== false,
      };
    },
  );
};

/**
 * OIDC single sign-on (docs/access.md), configured by BIHUAN_OIDC_* at start. The browser goes to /start, signs
 * in at the provider, comes back to /callback and lands on the web app signed in (or on the sign-in page with
 * `ssoError`). A client that asks for JSON (Accept: application/json) gets the usual error body instead.
 */
const registerOidcRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const settings = loadOidcSettings(process.env);
  const oidc: OidcDeps | null = settings
    ? { settings, provider: createHttpOidcProvider(settings, { now: deps.now }), store: createOidcStore(deps.db), auth: deps.authDeps, now: deps.now }
    : null;
  const oidcOrThrow = (): OidcDeps => {
    if (!oidc) throw new AppError('auth.sso_not_configured', 'single sign-on is not configured');
    return oidc;
  };
  const audit = async (request: FastifyRequest, entry: { actorId: string | null; actorName: string | null; outcome: string; data: Record<string, unknown> }) => {
    try {
      await appendAudit(deps.db, {
        at: deps.now(), ...entry, ip: request.ip, userAgent: request.headers['user-agent'] ?? null, action: 'auth.oidc_login', subjectKind: null, subjectId: null,
      });
    } catch (error) {
      request.log.error({ err: error }, 'audit write failed');
    }
  };
  const cookieOptions = (request: FastifyRequest) => ({ path: OIDC_COOKIE_PATH, httpOnly: true, sameSite: 'lax' as const, secure: request.protocol === 'https' });

  api.get(
    '/auth/oidc',
    {
      config: { access: 'public' },
      schema: { tags: ['auth'], summary: 'Whether single sign-on is on, and the provider name for the button', response: { 200: z.object({ isEnabled: z.boolean(), providerName: z.string().nullable() }) } },
    },
    async () => ({ isEnabled: oidc !== null, providerName: oidc?.settings.providerName ?? null }),
  );

  api.get(
    '/auth/oidc/start',
    {
      config: { access: 'public', rateLimit: 'login' },
      schema: {
        tags: ['auth'],
        summary: 'Start single sign-on: redirects to the provider',
        querystring: z
          .object({
            returnTo: z.string().max(500).optional(),
            /** `1`: a confirmation before a sensitive step; the provider is asked for the credentials again. */
            confirm: z.enum(['1']).optional(),
            lang: z.string().max(10).optional(),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const started = await startOidcLogin(oidcOrThrow(), { returnTo: request.query.returnTo ?? null, isConfirmation: request.query.confirm === '1' });
      reply.setCookie(OIDC_COOKIE, started.browserSecret, { ...cookieOptions(request), maxAge: 600 });
      void reply.header('cache-control', 'no-store');
      return reply.redirect(started.authorizationUrl, 302);
    },
  );

  api.get(
    '/auth/oidc/callback',
    {
      config: { access: 'public', rateLimit: 'login' },
      schema: {
        tags: ['auth'],
        summary: 'Where the provider sends the browser back; opens a session',
        querystring: z
          .object({
            code: z.string().max(2000).optional(),
            state: z.string().max(200).optional(),
            error: z.string().max(200).optional(),
            error_description: z.string().max(1000).optional(),
            iss: z.string().max(500).optional(),
            session_state: z.string().max(500).optional(),
          })
          .strict(),
      },
    },
    async (request, reply) => {
      const configured = oidcOrThrow();
      const wantsJson = request.headers.accept?.includes('application/json') ?? false;
      void reply.header('cache-control', 'no-store');
      reply.clearCookie(OIDC_COOKIE, cookieOptions(request));
      try {
        const result = await completeOidcLogin(configured, {
          code: request.query.code ?? null,
          state: request.query.state ?? null,
          providerError: request.query.error ?? null,
          browserSecret: request.cookies[OIDC_COOKIE] ?? null,
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
          previousSessionToken: request.cookies[SESSION_COOKIE] ?? null,
        });
        logDeviceError(request, result.deviceError);
        reply.setCookie(SESSION_COOKIE, result.token, { path: '/', httpOnly: true, sameSite: 'lax', secure: request.protocol === 'https', expires: result.expiresAt });
        await audit(request, { actorId: result.user.id, actorName: result.user.username, outcome: '302', data: { isNewUser: result.isNewUser } });
        const next = signedInLandingOf(result.returnTo);
        return reply.redirect(`/#${next}`, 302);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        await audit(request, { actorId: null, actorName: null, outcome: error.code, data: { reason: error.details.reason ?? null } });
        if (wantsJson) throw error;
        const reason = typeof error.details.reason === 'string' ? error.details.reason : '';
        return reply.redirect(`/#/login?ssoError=${encodeURIComponent(error.code)}&ssoReason=${encodeURIComponent(reason)}`, 302);
      }
    },
  );
};
