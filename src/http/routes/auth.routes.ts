import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { changePassword, login, logout, logoutEverywhere } from '../../core/auth/login.js';
import { permissionsForRoles, ROLES } from '../../core/auth/roles.js';
import { actorOrThrow, SESSION_COOKIE, tokenOf } from '../auth.plugin.js';
import type { AppDeps } from '../context.js';

const meSchema = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(z.enum(ROLES)),
  unitId: z.uuid(),
  permissions: z.array(z.string()),
});

export const registerAuthRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();

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
        user: { id: u.id, username: u.username, displayName: u.displayName, roles: u.roles, unitId: u.unitId, permissions: [...permissionsForRoles(u.roles)] },
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
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { endedSessions };
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
      await changePassword(deps.authDeps, { username: actor.username, currentPassword: request.body.currentPassword, newPassword: request.body.newPassword });
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
      };
    },
  );
};
