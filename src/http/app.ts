import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TrustProxy } from '../config.js';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../core/shared/app-error.js';
import { registerAuth } from './auth.plugin.js';
import { registerSecurity } from './security.plugin.js';
import { registerHeavyWorkGate } from './heavy-work.js';
import { redactUrlForLog } from './log-redaction.js';
import type { AppDeps } from './context.js';
import { sendError, toAppError } from './error-mapping.js';
import { registerAuthRoutes } from './routes/auth.routes.js';
import { registerCaseRoutes } from './routes/case.routes.js';
import { registerDirectoryRoutes } from './routes/directory.routes.js';
import { registerHealthRoutes } from './routes/health.routes.js';
import { registerPublicCaseRoutes } from './routes/public-case.routes.js';
import { registerSlaRoutes } from './routes/sla.routes.js';
import { registerReplyQualityRoutes } from './routes/reply-quality.routes.js';
import { registerCalendarRoutes } from './routes/calendar.routes.js';
import { registerPrivacyRoutes } from './routes/privacy.routes.js';
import { registerOpen311AdminRoutes } from './open311/open311-admin.routes.js';
import { registerNotificationsRoutes } from './routes/notifications.routes.js';
import { formatOfUrl, registerOpen311Routes, sendGeoReportError, toGeoReportError } from './routes/open311.routes.js';
import { registerSearchRoutes } from './routes/search.routes.js';
import { registerStatsRoutes } from './routes/stats.routes.js';
import { registerTwoFactorRoutes } from './routes/two-factor.routes.js';
import { registerTwoFactorImpactRoutes } from './routes/two-factor-impact.routes.js';
import { registerAccessRoutes } from './routes/access.routes.js';
import { registerAttachmentsRoutes } from './routes/attachments.routes.js';
import { registerCallbacksRoutes } from './routes/callbacks.routes.js';
import { registerOpenDataRoutes } from './routes/open-data.routes.js';
import { registerReportsRoutes } from './routes/reports.routes.js';
import { registerAuditLogRoutes } from './routes/audit-log.routes.js';
import { registerUserAdminRoutes } from './routes/user-admin.routes.js';

/** A number of proxies becomes "the hops nearest to us": the client's own entries in the header are never believed. */
const fastifyTrustOf = (trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) =>
  typeof trust === 'number' ? (_address, hop) => hop < trust : trust;

export const buildApp = async (deps: AppDeps, options: { logLevel?: string } = {}): Promise<FastifyInstance> => {
  const app = Fastify({
    logger: {
      level: options.logLevel ?? 'info',
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      serializers: {
        // Older clients send the access code in the query string, the personal data look-up a phone or ID number,
        // and a search a requester's name: never write them to the logs.
        req: (req: { method: string; url: string; ip: string }) => ({
          method: req.method,
          url: redactUrlForLog(req.url),
          remoteAddress: req.ip,
        }),
      },
    },
    trustProxy: fastifyTrustOf(deps.config.trustProxy),
    bodyLimit: 1024 * 1024,
    // Errors raised by the router itself (bad percent-encoding, over-long parameters) get our error format too.
    frameworkErrors: (error, request, reply) => {
      if (request.url.startsWith('/open311/')) {
        void sendGeoReportError(reply, toGeoReportError(error, request), formatOfUrl(request.url));
        return;
      }
      void sendError(reply, toAppError(error, request));
    },
  }).withTypeProvider<ZodTypeProvider>();
  const hasWeb = deps.webRoot !== undefined && existsSync(path.join(deps.webRoot, 'index.html'));

  // JSON only: a text/plain body must not reach validation as a string, it is the wrong media type.
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => sendError(reply, toAppError(error, request)));
  app.setNotFoundHandler((request, reply) => {
    if (request.url.startsWith('/api/') || !hasWeb || request.method !== 'GET') {
      return sendError(reply, new AppError('resource.not_found', `no route ${request.method} ${request.url.split('?')[0]}`));
    }
    // Client-side routes of the single-page app.
    return reply.sendFile('index.html');
  });

  await app.register(fastifyCookie);
  await registerSecurity(app, deps);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Bihuan API',
        version: '1.0.0',
        description: 'Receive, dispatch, handle, reply to and call back on requests, complaints and petitions.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'bihuan_session' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  registerAuth(app, deps);
  registerHeavyWorkGate(app, deps);

  registerHealthRoutes(app, deps);
  await app.register(
    async (api) => {
      registerAuthRoutes(api, deps);
      registerTwoFactorRoutes(api, deps);
      registerTwoFactorImpactRoutes(api, deps);
      registerDirectoryRoutes(api, deps);
      registerCaseRoutes(api, deps);
      registerPublicCaseRoutes(api, deps);
      registerSlaRoutes(api, deps);
      registerReplyQualityRoutes(api, deps);
      registerCalendarRoutes(api, deps);
      registerPrivacyRoutes(api, deps);
      registerStatsRoutes(api, deps);
      registerNotificationsRoutes(api, deps);
      registerSearchRoutes(api, deps);
      registerOpen311AdminRoutes(api, deps);
      registerCallbacksRoutes(api, deps);
      registerOpenDataRoutes(api, deps);
      registerReportsRoutes(api, deps);
      registerAccessRoutes(api, deps);
      registerAttachmentsRoutes(api, deps);
      registerUserAdminRoutes(api, deps);
      registerAuditLogRoutes(api, deps);
      api.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: '/api/v1' },
  );
  // Open311 GeoReport v2 lives at its own standard path, with its own API-key authentication.
  await app.register(async (open311) => registerOpen311Routes(open311, deps), { prefix: '/open311/v2' });

  if (hasWeb && deps.webRoot) {
    // Wildcard, so files of a rebuilt app are served without a restart; misses fall through to index.html.
    await app.register(fastifyStatic, { root: deps.webRoot, wildcard: true });
  }
  return app;
};
