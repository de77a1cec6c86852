import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ROLES } from '../../core/auth/roles.js';
import {
  disableTotp,
  enableTotp,
  getRequiredRoles,
  getTwoFactorStatus,
  resetTotpOfUser,
  sessionTokenHash,
  setRequiredRoles,
  startTotpSetup,
} from '../../core/auth/two-factor.js';
import { createTwoFactorDeps } from '../../db/two-factor.repository.js';
import { actorOrThrow, tokenOf } from '../auth.plugin.js';
import type { AppDeps } from '../context.js';
import { requestContextOf } from '../request-context.js';

/**
 * Routes a signed-in user may call while their role requires TOTP and they have not set it up: who am I,
 * sign out, and the set-up itself. Matched on the route pattern, not the raw URL, so `..` and encodings
 * cannot smuggle another route through.
 */
// The confirmation too: setting TOTP up asks for a recent sign-in, which such a session must be able to give.
const ENROLMENT_ROUTES = new Set(['/api/v1/auth/me', '/api/v1/auth/logout', '/api/v1/auth/logout-all', '/api/v1/auth/reauth']);

export const isAllowedBeforeTotpEnrolment = (routeUrl: string | undefined): boolean =>
  routeUrl !== undefined && (ENROLMENT_ROUTES.has(routeUrl) || routeUrl === '/api/v1/auth/totp' || routeUrl.startsWith('/api/v1/auth/totp/'));

/** Secrets and recovery codes must not stay in a browser or proxy cache. */
const noStore = (reply: FastifyReply): void => {
  void reply.header('cache-control', 'no-store');
};

const statusSchema = z.object({
  isEnabled: z.boolean(),
  enabledAt: z.string().nullable(),
  hasPendingSetup: z.boolean(),
  isRequired: z.boolean().describe('one of your roles requires two-factor authentication'),
  recoveryCodesLeft: z.number().int(),
});

const requiredRolesSchema = z.object({ roles: z.array(z.enum(ROLES)), updatedAt: z.string().nullable() });

/** A TOTP code (6 digits) or a recovery code (xxxxx-xxxxx). */
const codeSchema = z.string().trim().min(6).max(32);

export const registerTwoFactorRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const twoFactor = createTwoFactorDeps(deps.db, deps.now);

  api.get(
    '/auth/totp',
    { config: { access: 'authenticated' }, schema: { tags: ['auth'], summary: 'Two-factor authentication: on or off, required or not', response: { 200: statusSchema } } },
    async (request) => {
      const status = await getTwoFactorStatus(twoFactor, actorOrThrow(request));
      return { ...status, enabledAt: status.enabledAt?.toISOString() ?? null };
    },
  );

  // Recent sign-in: a stolen session that turned TOTP on would hold the second factor and shut its owner out.
  api.post(
    '/auth/totp/setup',
    {
      config: { access: 'authenticated', rateLimit: 'login', isReauthRequired: true },
      schema: {
        tags: ['auth'],
        summary: 'Start setting up TOTP: a new secret for the authenticator app (as text and as an otpauth:// URI for a QR code)',
        response: { 200: z.object({ secret: z.string(), otpauthUri: z.string() }) },
      },
    },
    async (request, reply) => {
      noStore(reply);
      return startTotpSetup(twoFactor, actorOrThrow(request));
    },
  );

  api.post(
    '/auth/totp/enable',
    {
      config: { access: 'authenticated', rateLimit: 'login', isReauthRequired: true },
      schema: {
        tags: ['auth'],
        summary: 'Turn TOTP on with a code from the new secret; returns the recovery codes, shown this once. Other sessions end.',
        body: z.object({ code: z.string().trim().min(6).max(16) }).strict(),
        response: { 200: z.object({ enabledAt: z.string(), recoveryCodes: z.array(z.string()), endedSessions: z.number().int() }) },
      },
    },
    async (request, reply) => {
      const result = await enableTotp(twoFactor, actorOrThrow(request), {
        code: request.body.code, keepSessionTokenHash: sessionTokenHash(tokenOf(request)), context: requestContextOf(request),
      });
      noStore(reply);
      return { ...result, enabledAt: result.enabledAt.toISOString() };
    },
  );

  api.post(
    '/auth/totp/disable',
    {
      config: { access: 'authenticated', rateLimit: 'login' },
      schema: {
        tags: ['auth'],
        summary: 'Turn TOTP off with the password and a current code (or a recovery code); refused while your role requires it',
        body: z.object({ password: z.string().min(1).max(200), code: codeSchema }).strict(),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      await disableTotp(twoFactor, actorOrThrow(request), { password: request.body.password, code: request.body.code, context: requestContextOf(request) });
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/admin/security/two-factor-roles',
    { config: { access: 'security.manage' }, schema: { tags: ['admin'], summary: 'Roles whose users must use two-factor authentication', response: { 200: requiredRolesSchema } } },
    async () => {
      const result = await getRequiredRoles(twoFactor);
      return { roles: result.roles, updatedAt: result.updatedAt?.toISOString() ?? null };
    },
  );

  api.put(
    '/admin/security/two-factor-roles',
    {
      config: { isReauthRequired: true, access: 'security.manage' },
      schema: {
        tags: ['admin'],
        summary: 'Set the roles whose users must use two-factor authentication; users of them who have not set it up may only set it up',
        body: z.object({ roles: z.array(z.enum(ROLES)).max(ROLES.length * 2) }).strict(),
        response: { 200: requiredRolesSchema },
      },
    },
    async (request) => {
      const result = await setRequiredRoles(twoFactor, actorOrThrow(request), { roles: request.body.roles, context: requestContextOf(request) });
      return { roles: result.roles, updatedAt: result.updatedAt?.toISOString() ?? null };
    },
  );

  api.delete(
    '/admin/security/users/:id/totp',
    {
      config: { isReauthRequired: true, access: 'security.manage' },
      schema: {
        tags: ['admin'],
        summary: "Reset a user's two-factor authentication (lost phone and recovery codes); every session of the user ends",
        params: z.object({ id: z.uuid() }),
        response: { 200: z.object({ endedSessions: z.number().int() }) },
      },
    },
    async (request) => resetTotpOfUser(twoFactor, actorOrThrow(request), { userId: request.params.id, context: requestContextOf(request) }),
  );
};
