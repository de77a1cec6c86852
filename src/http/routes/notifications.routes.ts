import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CHANNELS, KINDS, LANGUAGES, REPLY_OUTCOMES, type Language } from '../../core/case/case.types.js';
import { getCase } from '../../core/case/get-case.js';
import { trackPublicCase } from '../../core/case/public-case.js';
import { MESSAGE_CHANNELS, MESSAGE_KINDS, MESSAGE_STATUSES } from '../../core/notifications/notification.types.js';
import { noticeText } from '../../core/notifications/staff-notices.js';
import { checkReply, FINDING_CODES } from '../../core/replies/reply-quality.js';
import {
  canManageReplyTemplates, renderReplyTemplate, replyTemplateInputSchema, REPLY_TEMPLATE_VARIABLES,
} from '../../core/replies/reply-templates.js';
import { addReplyTemplate, replaceReplyTemplate, retireReplyTemplate, type ReplyTemplateStore } from '../../core/replies/manage-reply-templates.js';
import { AppError } from '../../core/shared/app-error.js';
import { placeholdersOf } from '../../core/notifications/render-template.js';
import { appendAudit } from '../../db/audit.repository.js';
import { findNames, findRequester } from '../../db/case-query.repository.js';
import {
  findPreferences, listCaseMessages, listStaffNotifications, markStaffNotificationsRead, savePreferences,
} from '../../db/notifications.repository.js';
import {
  createReplyTemplate, deactivateReplyTemplate, findReplyTemplate, findReplyTemplateForUpdate, listReplyTemplates, updateReplyTemplate, type ReplyTemplateView,
} from '../../db/notifications-templates.repository.js';
import { findCategoryRow, findUnitRef } from '../../db/case.repository.js';
import type { Trx } from '../../db/database.js';
import { actorOrThrow } from '../auth.plugin.js';
import type { AppDeps } from '../context.js';
import { languageOf, localize } from '../language.js';

const langQuery = { lang: z.enum(LANGUAGES).optional() };
const idParams = z.object({ id: z.uuid() });
const iso = z.string();
const languageText = z.object({ 'zh-Hans': z.string(), bo: z.string(), en: z.string() });

const noticeSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  caseId: z.uuid().nullable(),
  trackingNo: z.string().nullable(),
  text: z.string(),
  data: z.record(z.string(), z.unknown()),
  at: iso,
  readAt: iso.nullable(),
});

/** What the delivery log says instead of the address to a unit a protected requester is kept from. */
const WITHHELD_RECIPIENT = '***';

const messageSchema = z.object({
  id: z.uuid(),
  kind: z.enum(MESSAGE_KINDS),
  channel: z.enum(MESSAGE_CHANNELS),
  language: z.enum(LANGUAGES),
  status: z.enum(MESSAGE_STATUSES),
  recipient: z.string(),
  attempts: z.number().int(),
  provider: z.string().nullable(),
  lastError: z.string().nullable(),
  notBefore: iso,
  createdAt: iso,
  finishedAt: iso.nullable(),
});

const preferencesBody = z.object({ smsOptOut: z.boolean().optional(), emailOptOut: z.boolean().optional() }).strict();
const preferencesSchema = z.object({ smsOptOut: z.boolean(), emailOptOut: z.boolean() });

const findingSchema = z.object({
  code: z.enum(FINDING_CODES),
  severity: z.enum(['warning', 'notice']),
  message: languageText,
  evidence: z.array(z.object({ text: z.string(), start: z.number().int(), end: z.number().int() })),
});

const templateTexts = z.object({ 'zh-Hans': z.string(), bo: z.string(), en: z.string().optional() });
const templateSchema = z.object({
  id: z.uuid(),
  code: z.string(),
  categoryId: z.uuid().nullable(),
  unitId: z.uuid().nullable(),
  kind: z.enum(KINDS).nullable(),
  outcome: z.enum(REPLY_OUTCOMES).nullable(),
  title: templateTexts,
  body: templateTexts,
  isActive: z.boolean(),
  version: z.number().int(),
  updatedAt: iso,
});

const toTemplateView = (t: ReplyTemplateView) => ({ ...t, updatedAt: t.updatedAt.toISOString() });

export const registerNotificationsRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();

  // ---- in-app notifications of the signed-in user ------------------------------------------------------

  api.get(
    '/notifications',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['notifications'],
        summary: 'My in-app notifications, newest first, in my language',
        querystring: z.object({
          unread: z.enum(['true', 'false']).optional(),
          page: z.coerce.number().int().min(1).default(1),
          pageSize: z.coerce.number().int().min(1).max(100).default(20),
          ...langQuery,
        }),
        response: { 200: z.object({ items: z.array(noticeSchema), total: z.number().int(), unread: z.number().int(), page: z.number().int(), pageSize: z.number().int() }) },
      },
    },
    async (request) => {
      const actor = actorOrThrow(request);
      const { page, pageSize } = request.query;
      const language = languageOf(request);
      const result = await listStaffNotifications(deps.db, actor.userId, { isUnreadOnly: request.query.unread === 'true', page, pageSize });
      return {
        items: result.items.map((n) => ({
          id: n.id,
          code: n.code,
          caseId: n.caseId,
          trackingNo: n.trackingNo,
          text: noticeText(n.code, language, { trackingNo: n.trackingNo ?? '', title: n.title ?? '', data: n.data }),
          data: n.data,
          at: n.createdAt.toISOString(),
          readAt: n.readAt?.toISOString() ?? null,
        })),
        total: result.total,
        unread: result.unread,
        page,
        pageSize,
      };
    },
  );

  api.post(
    '/notifications/:id/read',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['notifications'], summary: 'Mark one of my notifications read', params: idParams, response: { 200: z.object({ updated: z.number().int() }) } },
    },
    async (request) => ({ updated: await markStaffNotificationsRead(deps.db, actorOrThrow(request).userId, deps.now(), [request.params.id]) }),
  );

  api.post(
    '/notifications/read-all',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['notifications'], summary: 'Mark all my notifications read', response: { 200: z.object({ updated: z.number().int() }) } },
    },
    async (request) => ({ updated: await markStaffNotificationsRead(deps.db, actorOrThrow(request).userId, deps.now()) }),
  );

  // ---- messages to the requester of a case -------------------------------------------------------------

  api.get(
    '/cases/:id/notifications',
    {
      config: { access: 'case.read' },
      schema: {
        tags: ['notifications'],
        summary: "The requester's messages of a case and their delivery (addresses masked; withheld from units a protected requester is kept from)",
        params: idParams,
        response: { 200: z.object({ items: z.array(messageSchema) }) },
      },
    },
    async (request) => {
      const { record, canSeePersonalData } = await getCase(deps.caseDeps, { caseId: request.params.id, actor: actorOrThrow(request) });
      // Even masked, a number's seven digits tie a protected report to the same person's other cases.
      const isWithheld = record.isIdentityProtected && !canSeePersonalData;
      const rows = await listCaseMessages(deps.db, request.params.id);
      return {
        items: rows.map((m) => ({
          ...m,
          recipient: isWithheld ? WITHHELD_RECIPIENT : m.recipient,
          notBefore: m.notBefore.toISOString(),
          createdAt: m.createdAt.toISOString(),
          finishedAt: m.finishedAt?.toISOString() ?? null,
        })),
      };
    },
  );

  const requesterOfCaseOrThrow = async (caseId: string, request: FastifyRequest): Promise<string> => {
    const { record, canSeePersonalData } = await getCase(deps.caseDeps, { caseId, actor: actorOrThrow(request) });
    // Refused before "no requester", so that the answer does not tell whether a protected report is anonymous.
    if (!canSeePersonalData) throw new AppError('case.identity_protected', "the requester's identity is protected from this unit", { id: caseId });
    if (!record.requesterId) throw new AppError('resource.not_found', 'this case has no requester', { id: caseId });
    return record.requesterId;
  };

  api.get(
    '/cases/:id/notification-preferences',
    {
      config: { access: 'case.view_personal_data' },
      schema: { tags: ['notifications'], summary: "The requester's opt-outs", params: idParams, response: { 200: preferencesSchema } },
    },
    async (request) => {
      const p = await findPreferences(deps.db, await requesterOfCaseOrThrow(request.params.id, request));
      return { smsOptOut: p.isSmsOptedOut, emailOptOut: p.isEmailOptedOut };
    },
  );

  api.put(
    '/cases/:id/notification-preferences',
    {
      config: { access: 'case.view_personal_data' },
      schema: {
        tags: ['notifications'],
        summary: 'Record the requester\'s opt-out (e.g. said on the phone); waiting messages on that channel are cancelled',
        params: idParams,
        body: preferencesBody,
        response: { 200: preferencesSchema },
      },
    },
    async (request) => {
      const requesterId = await requesterOfCaseOrThrow(request.params.id, request);
      const p = await savePreferences(deps.db, {
        requesterId,
        changes: { isSmsOptedOut: request.body.smsOptOut, isEmailOptedOut: request.body.emailOptOut },
        updatedBy: `user:${actorOrThrow(request).userId}`,
        at: deps.now(),
      });
      return { smsOptOut: p.isSmsOptedOut, emailOptOut: p.isEmailOptedOut };
    },
  );

  api.post(
    '/public/cases/:trackingNo/notification-preferences',
    {
      config: { access: 'public', rateLimit: 'public_track' },
      schema: {
        tags: ['public'],
        summary: 'The requester stops (or resumes) SMS or e-mail messages about their requests',
        params: z.object({ trackingNo: z.string().trim().min(6).max(40) }),
        body: preferencesBody.extend({ accessCode: z.string().trim().min(4).max(20) }).strict(),
        response: { 200: preferencesSchema },
      },
    },
    async (request) => {
      const record = await trackPublicCase(deps.caseDeps, { trackingNo: request.params.trackingNo, accessCode: request.body.accessCode });
      if (!record.requesterId) throw new AppError('resource.not_found', 'this request has no contact details');
      const p = await savePreferences(deps.db, {
        requesterId: record.requesterId,
        changes: { isSmsOptedOut: request.body.smsOptOut, isEmailOptedOut: request.body.emailOptOut },
        updatedBy: 'requester',
        at: deps.now(),
      });
      return { smsOptOut: p.isSmsOptedOut, emailOptOut: p.isEmailOptedOut };
    },
  );

  // ---- reply quality check -------------------------------------------------------------------------------

  api.post(
    '/replies/check',
    {
      config: { access: 'case.read' },
      schema: {
        tags: ['replies'],
        summary: 'Check a draft reply: too short, missing parts, third parties\' personal data (advice, never a block)',
        body: z
          .object({
            text: z.string().max(20_000),
            kind: z.enum(KINDS),
            channel: z.enum(CHANNELS),
            outcome: z.enum(REPLY_OUTCOMES).optional(),
            language: z.enum(LANGUAGES).optional(),
          })
          .strict(),
        response: {
          200: z.object({
            isOk: z.boolean(),
            findings: z.array(findingSchema),
            substanceLength: z.number().int(),
            requiredParts: z.array(z.enum(['findings', 'actions', 'legal_basis', 'appeal_route'])),
          }),
        },
      },
    },
    async (request) => {
      const result = checkReply(request.body);
      return { isOk: !result.findings.some((f) => f.severity === 'warning'), ...result };
    },
  );

  // ---- reply templates (canned replies) -------------------------------------------------------------------

  const managerOrThrow = (request: FastifyRequest) => {
    const actor = actorOrThrow(request);
    if (!canManageReplyTemplates(actor)) throw new AppError('auth.forbidden', 'missing permission reply_template.manage', { permission: 'reply_template.manage' });
    return actor;
  };

  /** The use case's store over one transaction: the check of whose template it is and the change see the same row. */
  const templateStoreOf = (trx: Trx, actorId: string): ReplyTemplateStore<ReplyTemplateView> => {
    const context = { actorId, at: deps.now() };
    const found = (t: ReplyTemplateView | null, id: string): ReplyTemplateView => {
      if (!t) throw new AppError('resource.not_found', 'no such reply template', { id });
      return t;
    };
    return {
      hasCategory: async (id) => (await findCategoryRow(trx, id)) !== null,
      unitPathOf: async (id) => (await findUnitRef(trx, id))?.path ?? null,
      findForUpdate: (id) => findReplyTemplateForUpdate(trx, id),
      create: (input) => createReplyTemplate(trx, input, context),
      update: async (id, input) => found(await updateReplyTemplate(trx, id, input, context), id),
      retire: async (id) => found(await deactivateReplyTemplate(trx, id, context), id),
    };
  };

  api.get(
    '/reply-templates',
    {
      config: { access: 'case.read' },
      schema: {
        tags: ['replies'],
        summary: 'Canned replies; with categoryId/unitId, those that fit (their own, their parent category\'s, and general ones), most specific first',
        querystring: z.object({
          categoryId: z.uuid().optional(),
          unitId: z.uuid().optional(),
          kind: z.enum(KINDS).optional(),
          includeInactive: z.enum(['true', 'false']).optional(),
        }),
        response: { 200: z.object({ items: z.array(templateSchema), variables: z.array(z.string()) }) },
      },
    },
    async (request) => {
      const q = request.query;
      const items = await listReplyTemplates(deps.db, { categoryId: q.categoryId ?? null, unitId: q.unitId ?? null, kind: q.kind ?? null, isInactiveIncluded: q.includeInactive === 'true' });
      return { items: items.map(toTemplateView), variables: [...REPLY_TEMPLATE_VARIABLES] };
    },
  );

  api.get(
    '/reply-templates/:id',
    {
      config: { access: 'case.read' },
      schema: { tags: ['replies'], summary: 'One canned reply', params: idParams, response: { 200: templateSchema } },
    },
    async (request) => {
      const t = await findReplyTemplate(deps.db, request.params.id);
      if (!t) throw new AppError('resource.not_found', 'no such reply template', { id: request.params.id });
      return toTemplateView(t);
    },
  );

  api.post(
    '/reply-templates',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['replies'], summary: 'Create a canned reply (Chinese and Tibetan required); for the writer\'s units, general ones from a top-level unit only (403 not_top_level_unit; another unit: 400 outside_scope)', body: replyTemplateInputSchema, response: { 201: templateSchema } },
    },
    async (request, reply) => {
      const actor = managerOrThrow(request);
      const t = await deps.db.transaction().execute((trx) => addReplyTemplate({ store: templateStoreOf(trx, actor.userId) }, { actor, template: request.body }));
      return reply.status(201).send(toTemplateView(t));
    },
  );

  api.put(
    '/reply-templates/:id',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['replies'], summary: 'Replace a canned reply (its version goes up; the change is on its timeline); another unit\'s: 403 outside_scope, a general one below the top: 403 not_top_level_unit', params: idParams, body: replyTemplateInputSchema, response: { 200: templateSchema } },
    },
    async (request) => {
      const actor = managerOrThrow(request);
      const t = await deps.db
        .transaction()
        .execute((trx) => replaceReplyTemplate({ store: templateStoreOf(trx, actor.userId) }, { actor, id: request.params.id, template: request.body }));
      return toTemplateView(t);
    },
  );

  api.delete(
    '/reply-templates/:id',
    {
      config: { access: 'authenticated' },
      schema: { tags: ['replies'], summary: 'Retire a canned reply (kept, inactive, for the record); same rule of who as replacing it', params: idParams, response: { 200: templateSchema } },
    },
    async (request) => {
      const actor = managerOrThrow(request);
      const t = await deps.db.transaction().execute((trx) => retireReplyTemplate({ store: templateStoreOf(trx, actor.userId) }, { actor, id: request.params.id }));
      return toTemplateView(t);
    },
  );

  api.post(
    '/reply-templates/:id/render',
    {
      config: { access: 'case.read' },
      schema: {
        tags: ['replies'],
        summary:
          "Fill a canned reply with a case's facts, in the requester's language unless told otherwise; the requester's name is filled in only " +
          'for a reader allowed to see it (case.view_personal_data, identity protection), each time audited as `reveal personal data`',
        params: idParams,
        body: z.object({ caseId: z.uuid(), language: z.enum(LANGUAGES).optional() }).strict(),
        response: { 200: z.object({ language: z.enum(LANGUAGES), title: z.string(), text: z.string(), missing: z.array(z.string()), isNameWithheld: z.boolean() }) },
      },
    },
    async (request) => {
      const actor = actorOrThrow(request);
      const template = await findReplyTemplate(deps.db, request.params.id);
      if (!template || !template.isActive) throw new AppError('resource.not_found', 'no such reply template', { id: request.params.id });
      const { record, canSeePersonalData } = await getCase(deps.caseDeps, { caseId: request.body.caseId, actor });
      const wanted: Language = request.body.language ?? record.language;
      const language: Language = template.body[wanted] ? wanted : 'zh-Hans';
      const texts = [template.body[language] ?? template.body['zh-Hans'], template.title[language] ?? template.title['zh-Hans']];
      const usesName = texts.some((text) => placeholdersOf(text).includes('requesterName'));
      // A reply greets the requester by name: filling it in is a reveal of the case, audited as GET /cases/{id}/requester is.
      const requester = usesName && canSeePersonalData && record.requesterId ? await findRequester(deps.db, record.requesterId) : undefined;
      if (requester?.name) {
        await appendAudit(deps.db, {
          at: deps.now(), actorId: actor.userId, actorName: actor.username, ip: request.ip, userAgent: request.headers['user-agent'] ?? null,
          action: 'reveal personal data', subjectKind: 'cases', subjectId: record.id, outcome: 'revealed',
          data: { trackingNo: record.trackingNo, via: 'reply_template', templateId: template.id, language },
        });
      }
      const [units, categories] = await Promise.all([
        findNames(deps.db, 'units', record.leadUnitId ? [record.leadUnitId] : []),
        findNames(deps.db, 'categories', record.categoryId ? [record.categoryId] : []),
      ]);
      const unit = record.leadUnitId ? units.get(record.leadUnitId) : undefined;
      const category = record.categoryId ? categories.get(record.categoryId) : undefined;
      const facts = {
        requesterName: requester?.name ?? null,
        trackingNo: record.trackingNo,
        title: record.title,
        registeredAt: record.createdAt,
        replyDueAt: record.replyDueAt,
        today: deps.now(),
        unitName: unit ? localize(unit.name, language) : null,
        categoryName: category ? localize(category.name, language) : null,
      };
      const body = renderReplyTemplate(template.body[language] ?? template.body['zh-Hans'], facts, language);
      const title = renderReplyTemplate(template.title[language] ?? template.title['zh-Hans'], facts, language);
      return { language, title: title.text, text: body.text, missing: [...new Set([...title.missing, ...body.missing])], isNameWithheld: !canSeePersonalData };
    },
  );
};
