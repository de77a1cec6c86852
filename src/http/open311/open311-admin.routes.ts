import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isTopLevelUnitPath } from '../../core/audit/audit-log-rules.js';
import { KINDS } from '../../core/case/case.types.js';
import { newWebhookSecret } from '../../core/open311/api-key-secrets.js';
import { ATTRIBUTE_DATATYPES, ATTRIBUTE_TARGETS, CONSENT_ATTRIBUTE_KEYS, PROTECTION_ATTRIBUTE_KEYS, SERVICE_TYPES } from '../../core/open311/open311.types.js';
import { UPDATE_EVENT_CODES } from '../../core/open311/status-map.js';
import { WEBHOOK_MAX_ATTEMPTS } from '../../core/open311/webhook.js';
import { AppError } from '../../core/shared/app-error.js';
import { fieldError } from '../../core/shared/field-error.js';
import type { Trx } from '../../db/database.js';
import { appendWorkItemEvent } from '../../db/events.repository.js';
import { issueApiKey } from '../../db/open311-keys.js';
import {
  findServiceByCode,
  listApiKeys,
  listAttributeDefinitions,
  listServices,
  listWebhookDeliveries,
  listWebhookFailures,
  markCasePrivate,
  replaceAttributeDefinitions,
  replayWebhookFailure,
  unmarkCasePrivate,
  updateApiKey,
  upsertServiceSettings,
} from '../../db/open311.repository.js';
import { actorOrThrow } from '../auth.plugin.js';
import type { AppDeps, RouteAccess } from '../context.js';
import { languageOf, localize } from '../language.js';

/**
 * Who manages partner keys, services and webhooks. To become `integration.manage` once that permission
 * exists in core/auth/roles.ts; until then the admin-only permission closest in spirit.
 */
export const OPEN311_ADMIN_ACCESS: RouteAccess = 'integration.manage';

/**
 * Open311 administration is organisation-wide: a key takes cases in for whichever unit it names, services are
 * the whole organisation's categories, the feed and its webhooks answer for every unit. So it is done from a
 * top-level unit: an administrator of a unit below would otherwise issue a key that files cases into units above
 * theirs, read the webhook traffic of every unit, or hide (or publish again) cases of units they cannot see and
 * learn by the answer which case ids exist.
 */
const checkOrganisationWideOrThrow = (actor: { unitPath: string }): void => {
  if (!isTopLevelUnitPath(actor.unitPath)) {
    throw new AppError('auth.forbidden', 'Open311 is administered by an administrator of a top-level unit', { reason: 'not_top_level_unit' });
  }
};

/** On each route's own hook list, after the permission check of the app's hook: before the body is even read. */
const organisationWideOnly = async (request: FastifyRequest): Promise<void> => checkOrganisationWideOrThrow(actorOrThrow(request));

const localized = z.object({ 'zh-Hans': z.string().trim().min(1).max(2000), bo: z.string().trim().max(2000).optional(), en: z.string().trim().max(2000).optional() }).strict();
const serviceCodes = z.array(z.string().trim().regex(/^[a-z0-9_]{1,60}$/)).max(200);
const webhookUrl = z.url({ protocol: /^https?$/ }).max(2000);
const webhookEvents = z.array(z.enum(UPDATE_EVENT_CODES)).min(1).max(UPDATE_EVENT_CODES.length);

const createKeySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    intakeUnitId: z.uuid(),
    serviceCodes: serviceCodes.nullable().optional(),
    rateLimitPerMinute: z.number().int().min(1).max(100_000).optional(),
    webhookUrl: webhookUrl.optional(),
    webhookEvents: webhookEvents.nullable().optional(),
  })
  .strict();

const patchKeySchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    intakeUnitId: z.uuid().optional(),
    serviceCodes: serviceCodes.nullable().optional(),
    rateLimitPerMinute: z.number().int().min(1).max(100_000).optional(),
    isActive: z.boolean().optional(),
    webhookUrl: webhookUrl.nullable().optional(),
    webhookEvents: webhookEvents.nullable().optional(),
    rotateWebhookSecret: z.boolean().optional(),
  })
  .strict();

const keyView = z.object({
  id: z.uuid(),
  name: z.string(),
  keyPrefix: z.string(),
  intakeUnit: z.object({ id: z.uuid(), code: z.string(), name: z.string() }),
  serviceCodes: z.array(z.string()).nullable(),
  rateLimitPerMinute: z.number().int(),
  webhookUrl: z.string().nullable(),
  webhookEvents: z.array(z.string()).nullable(),
  isActive: z.boolean(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

const attributeSchema = z
  .object({
    code: z.string().regex(/^[A-Za-z0-9_-]{1,60}$/),
    datatype: z.enum(ATTRIBUTE_DATATYPES),
    variable: z.boolean().default(true),
    required: z.boolean().default(false),
    datatypeDescription: localized.nullable().optional(),
    description: localized,
    order: z.number().int().min(1).max(1000),
    values: z.array(z.object({ key: z.string().trim().min(1).max(100), name: localized }).strict()).max(200).default([]),
    mapsTo: z.enum(ATTRIBUTE_TARGETS).nullable().optional(),
  })
  .strict()
  .refine((a) => (a.datatype === 'singlevaluelist' || a.datatype === 'multivaluelist') === a.values.length > 0, {
    message: 'list datatypes need values, other datatypes take none',
    path: ['values'],
  })
  .refine((a) => a.variable || !a.required, { message: 'an attribute that takes no input cannot be required', path: ['required'] })
  .refine((a) => a.mapsTo !== 'amount_claimed_yuan' || a.datatype === 'number', { message: 'amount_claimed_yuan needs a number', path: ['mapsTo'] })
  // A consent question offers both answers, and only those: one answer alone would not be a choice.
  .refine(
    (a) =>
      a.mapsTo !== 'publication_consent' ||
      (a.datatype === 'singlevaluelist' && a.variable && a.values.length === CONSENT_ATTRIBUTE_KEYS.length && CONSENT_ATTRIBUTE_KEYS.every((k) => a.values.some((v) => v.key === k))),
    { message: `publication_consent needs a singlevaluelist that takes input, with exactly the keys ${CONSENT_ATTRIBUTE_KEYS.join(' and ')}`, path: ['mapsTo'] },
  )
  .refine(
    (a) =>
      a.mapsTo !== 'identity_protection' ||
      (a.datatype === 'singlevaluelist' && a.variable && a.values.length === PROTECTION_ATTRIBUTE_KEYS.length && PROTECTION_ATTRIBUTE_KEYS.every((k) => a.values.some((v) => v.key === k))),
    { message: `identity_protection needs a singlevaluelist that takes input, with exactly the keys ${PROTECTION_ATTRIBUTE_KEYS.join(' and ')}`, path: ['mapsTo'] },
  );

const serviceSchema = z
  .object({
    description: localized.nullable().optional(),
    keywords: z.array(z.string().trim().min(1).max(60)).max(30).default([]),
    type: z.enum(SERVICE_TYPES).default('realtime'),
    caseKind: z.enum(KINDS).default('report'),
    serviceNotice: localized.nullable().optional(),
    isListed: z.boolean().default(true),
    isPublic: z.boolean().default(false),
    attributes: z
      .array(attributeSchema)
      .max(50)
      .default([])
      .refine((list) => new Set(list.map((a) => a.code)).size === list.length, { message: 'attribute codes must be unique' })
      .refine((list) => new Set(list.map((a) => a.order)).size === list.length, { message: 'attribute orders must be unique' })
      // Two attributes feeding one case field could be answered two ways; the case can keep only one answer.
      .refine((list) => ATTRIBUTE_TARGETS.every((target) => list.filter((a) => a.mapsTo === target).length <= 1), { message: 'at most one attribute per case field (mapsTo) per service' }),
  })
  .strict();

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** Admin routes of the Open311 module, under /api/v1 (registered by the app next to the other modules). */
export const registerOpen311AdminRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const config = { access: OPEN311_ADMIN_ACCESS };
  const tags = ['open311'];

  const view = async (id: string, language: ReturnType<typeof languageOf>) => {
    const [row] = await listApiKeys(deps.db, id);
    if (!row) throw new AppError('resource.not_found', 'no such api key', { id });
    return {
      id: row.id, name: row.name, keyPrefix: row.key_prefix,
      intakeUnit: { id: row.intake_unit_id, code: row.unit_code, name: localize(row.unit_name, language) },
      serviceCodes: row.service_codes, rateLimitPerMinute: row.rate_limit_per_minute, webhookUrl: row.webhook_url, webhookEvents: row.webhook_events,
      isActive: row.is_active && row.revoked_at === null, createdAt: row.created_at.toISOString(), lastUsedAt: iso(row.last_used_at), revokedAt: iso(row.revoked_at),
    };
  };

  /** Key settings point at units and services that must exist; refused as field errors, like any bad input. */
  const checkRefs = async (trx: Trx, input: { intakeUnitId?: string; serviceCodes?: string[] | null }) => {
    if (input.intakeUnitId) {
      const unit = await trx.selectFrom('units').select(['id', 'is_active']).where('id', '=', input.intakeUnitId).executeTakeFirst();
      if (!unit?.is_active) throw fieldError('intakeUnitId', 'no active unit with this id');
    }
    for (const [i, code] of (input.serviceCodes ?? []).entries()) {
      const service = await findServiceByCode(trx, code);
      if (!service?.isListed) throw fieldError(`serviceCodes.${i}`, 'no listed Open311 service with this code');
    }
  };

  const audit = (trx: Trx, kind: string, id: string, actorId: string, code: string, data: Record<string, unknown>) =>
    appendWorkItemEvent(trx, kind, id, { actorKind: 'user', actorId, code, fromStatus: null, toStatus: null, isInternal: true, data, at: deps.now() });

  api.get(
    '/admin/api-keys',
    { onRequest: organisationWideOnly, config, schema: { tags, summary: 'Open311 API keys (never the keys themselves)', response: { 200: z.object({ items: z.array(keyView) }) } } },
    async (request) => {
      const language = languageOf(request);
      const rows = await listApiKeys(deps.db);
      return { items: await Promise.all(rows.map((r) => view(r.id, language))) };
    },
  );

  api.post(
    '/admin/api-keys',
    { onRequest: organisationWideOnly,
      // A partner key works without a person, and a new webhook address receives every case: recent sign-in.
      config: { ...config, isReauthRequired: true },
      schema: {
        tags,
        summary: 'Issue an Open311 API key; the key and webhook secret are shown in this answer only',
        body: createKeySchema,
        response: { 201: keyView.extend({ key: z.string(), webhookSecret: z.string().nullable() }) },
      },
    },
    async (request, reply) => {
      const actor = actorOrThrow(request);
      const body = request.body;
      const issued = await deps.db.transaction().execute(async (trx) => {
        await checkRefs(trx, body);
        const result = await issueApiKey(trx, {
          name: body.name, intakeUnitId: body.intakeUnitId, serviceCodes: body.serviceCodes ?? null, rateLimitPerMinute: body.rateLimitPerMinute ?? 60,
          webhookUrl: body.webhookUrl ?? null, webhookEvents: body.webhookEvents ?? null, createdBy: actor.userId, at: deps.now(),
        });
        await audit(trx, 'api_key', result.id, actor.userId, 'api_key.created', {
          name: body.name, intakeUnitId: body.intakeUnitId, serviceCodes: body.serviceCodes ?? null, keyPrefix: result.keyPrefix, hasWebhook: Boolean(body.webhookUrl),
        });
        return result;
      });
      return reply.status(201).send({ ...(await view(issued.id, languageOf(request))), key: issued.key, webhookSecret: issued.webhookSecret });
    },
  );

  api.patch(
    '/admin/api-keys/:id',
    { onRequest: organisationWideOnly,
      // A partner key works without a person, and a new webhook address receives every case: recent sign-in.
      config: { ...config, isReauthRequired: true },
      schema: {
        tags,
        summary: 'Change an API key: scope, unit, rate limit, webhook (a new webhook secret is shown once)',
        params: z.object({ id: z.uuid() }),
        body: patchKeySchema,
        response: { 200: keyView.extend({ webhookSecret: z.string().nullable() }) },
      },
    },
    async (request) => {
      const actor = actorOrThrow(request);
      const { id } = request.params;
      const body = request.body;
      const secret = await deps.db.transaction().execute(async (trx) => {
        const current = await trx.selectFrom('open311_api_keys').select(['id', 'webhook_url', 'revoked_at']).where('id', '=', id).forUpdate().executeTakeFirst();
        if (!current || current.revoked_at) throw new AppError('resource.not_found', 'no such api key (or it was revoked)', { id });
        await checkRefs(trx, body);
        const url = body.webhookUrl === undefined ? current.webhook_url : body.webhookUrl;
        // A secret exists exactly when a URL does; a new URL or an explicit rotation gets a new one.
        const newSecret = url && (body.rotateWebhookSecret || !current.webhook_url || body.webhookUrl !== undefined) ? newWebhookSecret() : null;
        await updateApiKey(
          trx,
          id,
          {
            name: body.name, intakeUnitId: body.intakeUnitId, serviceCodes: body.serviceCodes, rateLimitPerMinute: body.rateLimitPerMinute, isActive: body.isActive,
            webhookEvents: body.webhookEvents,
            ...(url === null ? { webhookUrl: null, webhookSecret: null } : {}),
            ...(url && newSecret ? { webhookUrl: url, webhookSecret: newSecret } : {}),
          },
          deps.now(),
        );
        const { rotateWebhookSecret: _rotate, ...changes } = body;
        await audit(trx, 'api_key', id, actor.userId, 'api_key.updated', { ...changes, isWebhookSecretRotated: newSecret !== null });
        return newSecret;
      });
      return { ...(await view(id, languageOf(request))), webhookSecret: secret };
    },
  );

  api.delete(
    '/admin/api-keys/:id',
    { onRequest: organisationWideOnly, config, schema: { tags, summary: 'Revoke an API key for good', params: z.object({ id: z.uuid() }), response: { 204: z.null() } } },
    async (request, reply) => {
      const actor = actorOrThrow(request);
      const { id } = request.params;
      await deps.db.transaction().execute(async (trx) => {
        if (!(await updateApiKey(trx, id, { revokedAt: deps.now() }, deps.now()))) throw new AppError('resource.not_found', 'no such api key (or it was revoked)', { id });
        await audit(trx, 'api_key', id, actor.userId, 'api_key.revoked', {});
      });
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/admin/open311/services',
    { onRequest: organisationWideOnly,
      config,
      schema: {
        tags,
        summary: 'Every category as an Open311 service, with its settings and attribute definitions',
        response: { 200: z.object({ items: z.array(z.object({ code: z.string(), name: z.string(), settings: serviceSchema.omit({ attributes: true }).partial(), attributeCount: z.number().int() })) }) },
      },
    },
    async (request) => {
      const language = languageOf(request);
      const services = await listServices(deps.db);
      return {
        items: await Promise.all(
          services.map(async (s) => ({
            code: s.code,
            name: localize(s.name, language),
            settings: { description: s.description, keywords: s.keywords, type: s.type, caseKind: s.caseKind, serviceNotice: s.serviceNotice, isListed: s.isListed, isPublic: s.isPublic },
            attributeCount: (await listAttributeDefinitions(deps.db, s.categoryId)).length,
          })),
        ),
      };
    },
  );

  api.put(
    '/admin/open311/services/:code',
    { onRequest: organisationWideOnly,
      config,
      schema: { tags, summary: 'Set a service: listing, publication, type, notice and its attribute definitions', params: z.object({ code: z.string().regex(/^[a-z0-9_]{1,60}$/) }), body: serviceSchema, response: { 204: z.null() } },
    },
    async (request, reply) => {
      const actor = actorOrThrow(request);
      const body = request.body;
      await deps.db.transaction().execute(async (trx) => {
        const service = await findServiceByCode(trx, request.params.code);
        if (!service) throw new AppError('resource.not_found', 'no service (leaf category) with this code', { code: request.params.code });
        const at = deps.now();
        await upsertServiceSettings(
          trx,
          service.categoryId,
          { description: body.description ?? null, keywords: body.keywords, type: body.type, caseKind: body.caseKind, serviceNotice: body.serviceNotice ?? null, isListed: body.isListed, isPublic: body.isPublic },
          at,
        );
        await replaceAttributeDefinitions(
          trx,
          service.categoryId,
          body.attributes.map((a) => ({
            code: a.code, datatype: a.datatype, isVariable: a.variable, isRequired: a.required, datatypeDescription: a.datatypeDescription ?? null,
            description: a.description, order: a.order, values: a.values, mapsTo: a.mapsTo ?? null,
          })),
          at,
        );
        await audit(trx, 'open311_service', service.categoryId, actor.userId, 'open311.service_set', { code: service.code, ...body });
      });
      return reply.status(204).send(null);
    },
  );

  api.put(
    '/admin/open311/private-cases/:caseId',
    { onRequest: organisationWideOnly,
      config,
      schema: { tags, summary: 'Keep a case out of every public Open311 answer', params: z.object({ caseId: z.uuid() }), body: z.object({ reason: z.string().trim().max(500).optional() }).strict(), response: { 204: z.null() } },
    },
    async (request, reply) => {
      const actor = actorOrThrow(request);
      const { caseId } = request.params;
      await deps.db.transaction().execute(async (trx) => {
        const found = await trx.selectFrom('cases').select('id').where('id', '=', caseId).forUpdate().executeTakeFirst();
        if (!found) throw new AppError('case.not_found', 'no such case', { id: caseId });
        await markCasePrivate(trx, { caseId, reason: request.body.reason ?? null, markedBy: actor.userId, at: deps.now() });
        await audit(trx, 'case', caseId, actor.userId, 'open311.marked_private', { reason: request.body.reason ?? null });
      });
      return reply.status(204).send(null);
    },
  );

  api.delete(
    '/admin/open311/private-cases/:caseId',
    { onRequest: organisationWideOnly, config, schema: { tags, summary: 'Let a case appear in public Open311 answers again (if its service is public)', params: z.object({ caseId: z.uuid() }), response: { 204: z.null() } } },
    async (request, reply) => {
      const actor = actorOrThrow(request);
      const { caseId } = request.params;
      await deps.db.transaction().execute(async (trx) => {
        const found = await trx.selectFrom('cases').select('id').where('id', '=', caseId).forUpdate().executeTakeFirst();
        if (!found || !(await unmarkCasePrivate(trx, caseId))) throw new AppError('resource.not_found', 'this case is not marked private', { id: caseId });
        await audit(trx, 'case', caseId, actor.userId, 'open311.unmarked_private', {});
      });
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/admin/open311/webhook-failures',
    { onRequest: organisationWideOnly,
      config,
      schema: {
        tags,
        summary: 'Webhook deliveries that failed: still retrying, or kept aside after the last attempt',
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(), eventId: z.string(), eventCode: z.string(), eventAt: z.string(), serviceRequestId: z.string(),
                apiKey: z.object({ id: z.uuid(), name: z.string() }), url: z.string().nullable(), attempts: z.number().int(),
                lastError: z.string().nullable(), nextAttemptAt: z.string().nullable(), isParked: z.boolean(),
              }),
            ),
          }),
        },
      },
    },
    async () => {
      const rows = await listWebhookFailures(deps.db);
      return {
        items: rows.map((r) => {
          const isParked = r.status === 'parked' || r.attempts >= WEBHOOK_MAX_ATTEMPTS;
          return {
            id: String(r.queue_id), eventId: String(r.event_id), eventCode: r.code, eventAt: r.at.toISOString(), serviceRequestId: r.tracking_no,
            apiKey: { id: r.api_key_id, name: r.api_key_name }, url: r.webhook_url, attempts: r.attempts, lastError: r.last_error,
            nextAttemptAt: isParked ? null : r.not_before.toISOString(), isParked,
          };
        }),
      };
    },
  );

  api.post(
    '/admin/open311/webhook-failures/:id/replay',
    { onRequest: organisationWideOnly, config, schema: { tags, summary: 'Try a failed delivery again now, with a fresh count of attempts', params: z.object({ id: z.string().regex(/^[0-9]{1,18}$/) }), response: { 204: z.null() } } },
    async (request, reply) => {
      if (!(await replayWebhookFailure(deps.db, request.params.id, deps.now()))) {
        throw new AppError('resource.not_found', 'no failed delivery with this id', { id: request.params.id });
      }
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/admin/open311/webhook-deliveries',
    { onRequest: organisationWideOnly,
      config,
      schema: {
        tags,
        summary: 'The latest successful webhook deliveries',
        querystring: z.object({ apiKeyId: z.uuid().optional() }),
        response: {
          200: z.object({
            items: z.array(z.object({ id: z.string(), eventId: z.string(), eventCode: z.string(), serviceRequestId: z.string(), apiKeyId: z.uuid(), url: z.string(), statusCode: z.number().int(), attempts: z.number().int(), deliveredAt: z.string() })),
          }),
        },
      },
    },
    async (request) => {
      const rows = await listWebhookDeliveries(deps.db, request.query.apiKeyId ?? null);
      return {
        items: rows.map((r) => ({
          id: String(r.id), eventId: String(r.event_id), eventCode: r.code, serviceRequestId: r.tracking_no, apiKeyId: r.api_key_id, url: r.url,
          statusCode: r.status_code, attempts: r.attempts, deliveredAt: r.delivered_at.toISOString(),
        })),
      };
    },
  );
};
