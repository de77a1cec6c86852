import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Permission } from '../../core/auth/roles.js';
import { caseWorkflow } from '../../core/case/case-workflow.js';
import { actionSchemas, registerCaseSchema } from '../../core/case/case.schemas.js';
import { CASE_ACTIONS, CASE_STATUSES, CHANNELS, KINDS, type CaseAction } from '../../core/case/case.types.js';
import { getCase } from '../../core/case/get-case.js';
import { performCaseAction } from '../../core/case/perform-case-action.js';
import { registerCase } from '../../core/case/register-case.js';
import { findRequester, listCases } from '../../db/case-query.repository.js';
import { appendAudit } from '../../db/audit.repository.js';
import { revealRequesterOrThrow } from '../../core/case/reveal-requester.js';
import { actorOrThrow } from '../auth.plugin.js';
import { knownOfRegistration, loadCaseDetail } from '../case-detail.js';
import { caseDetailSchema, caseListSchema, registeredCaseSchema, toSummaryView } from '../case.views.js';
import type { AppDeps } from '../context.js';
import { idempotencyHeaders, idempotencyOf, REPLAYED_HEADER } from '../idempotency.js';
import { languageOf } from '../language.js';
import { requestContextOf } from '../request-context.js';

const dateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

export const listQuerySchema = z
  .object({
    status: z
      .string()
      .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(z.enum(CASE_STATUSES)))
      .optional(),
    unitId: z.uuid().optional(),
    categoryId: z.uuid().optional(),
    channel: z.enum(CHANNELS).optional(),
    kind: z.enum(KINDS).optional(),
    overdue: flag.optional(),
    supervised: flag.optional(),
    mine: flag.optional(),
    from: dateOrDateTime.optional(),
    to: dateOrDateTime.optional(),
    q: z.string().trim().max(200).optional(),
    sort: z.enum(['createdAt', '-createdAt', 'replyDueAt', '-replyDueAt', 'updatedAt', '-updatedAt']).default('-createdAt'),
    page: z.coerce.number().int().min(1).max(100000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
    lang: z.enum(['zh-Hans', 'bo', 'en']).optional(),
  })
  .strict();

/** A date alone means the whole day in China: `to=2026-11-22` includes that day. */
const parseBound = (value: string | undefined, isUpper: boolean): Date | undefined => {
  if (!value) return undefined;
  if (value.length === 10) {
    const start = new Date(`${value}T00:00:00+08:00`);
    return isUpper ? new Date(start.getTime() + 24 * 3600_000) : start;
  }
  return new Date(value);
};

/** The list's filters from its query string; the export (reports.routes.ts) applies exactly the same. */
export const caseListFilterOf = (q: Omit<z.infer<typeof listQuerySchema>, 'page' | 'pageSize'>) => ({
  statuses: q.status,
  unitId: q.unitId,
  categoryId: q.categoryId,
  channel: q.channel,
  kind: q.kind,
  isOverdue: q.overdue,
  isSupervised: q.supervised,
  isMine: q.mine,
  from: parseBound(q.from, false),
  to: parseBound(q.to, true),
  q: q.q || undefined,
  sort: q.sort,
});

const idParams = z.object({ id: z.uuid() });

/**
 * Lists count their matches up to here ("1000+" beyond): a count looks at every matching case, which at a
 * region's scale costs more than the page itself, and nobody pages through a thousand cases.
 */
export const LIST_COUNT_LIMIT = 1000;

export const registerCaseRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post(
    '/cases',
    {
      config: { access: 'case.create' },
      schema: {
        tags: ['cases'],
        summary: 'Register a case (intake desk)',
        headers: idempotencyHeaders,
        body: registerCaseSchema,
        response: { 201: registeredCaseSchema },
      },
    },
    async (request, reply) => {
      const actor = actorOrThrow(request);
      const idempotency = idempotencyOf(request, `user:${actor.userId}`);
      const { record, accessCode, isReplay, created } = await registerCase(deps.caseDeps, { actor, body: request.body, idempotency });
      // The answer is built from what registration wrote (its event, the requester as given), not read back.
      const view = await loadCaseDetail(deps.db, record, { actor, language: languageOf(request), now: deps.now() }, knownOfRegistration(created, actor));
      if (isReplay) void reply.header(REPLAYED_HEADER, 'true');
      return reply.status(201).send({ ...view, accessCode });
    },
  );

  api.get(
    '/cases',
    {
      config: { access: 'case.read' },
      schema: { tags: ['cases'], summary: 'List the cases the caller may see', querystring: listQuerySchema, response: { 200: caseListSchema } },
    },
    async (request) => {
      const actor = actorOrThrow(request);
      const q = request.query;
      const now = deps.now();
      const { items, total, isTotalExact } = await listCases(
        deps.db,
        actor,
        { ...caseListFilterOf(q), page: q.page, pageSize: q.pageSize, countLimit: LIST_COUNT_LIMIT },
        now,
      );
      const language = languageOf(request);
      return { items: items.map((row) => toSummaryView(row, language, now)), total, isTotalExact, page: q.page, pageSize: q.pageSize };
    },
  );

  api.get(
    '/cases/:id',
    {
      config: { access: 'case.read' },
      schema: { tags: ['cases'], summary: 'One case with its timeline', params: idParams, response: { 200: caseDetailSchema } },
    },
    async (request) => {
      const actor = actorOrThrow(request);
      const { record, allowedActions } = await getCase(deps.caseDeps, { caseId: request.params.id, actor });
      return loadCaseDetail(deps.db, record, { actor, language: languageOf(request), now: deps.now(), allowedActions });
    },
  );

  api.get(
    '/cases/:id/requester',
    {
      config: { access: 'case.view_personal_data' },
      schema: {
        tags: ['cases'],
        summary: "Reveal the requester's full personal data (every reveal is audited; a protected requester only to the intake unit and above)",
        params: idParams,
        response: {
          200: z.object({ name: z.string().nullable(), phone: z.string().nullable(), idNumber: z.string().nullable(), email: z.string().nullable(), language: z.string() }).nullable(),
        },
      },
    },
    async (request) =>
      revealRequesterOrThrow(
        {
          caseDeps: deps.caseDeps,
          findRequester: async (id) => {
            const r = await findRequester(deps.db, id);
            return r ? { name: r.name, phone: r.phone, idNumber: r.id_number, email: r.email, language: r.language } : undefined;
          },
          audit: ({ caseId, ...e }) => appendAudit(deps.db, { ...e, action: 'reveal personal data', subjectKind: 'cases', subjectId: caseId }),
          now: deps.now,
        },
        { caseId: request.params.id, actor: actorOrThrow(request), context: requestContextOf(request) },
      ),
  );

  for (const action of CASE_ACTIONS) registerActionRoute(app, deps, action);
};

const registerActionRoute = (app: FastifyInstance, deps: AppDeps, action: CaseAction): void => {
  const rule = caseWorkflow.actions[action];
  app.withTypeProvider<ZodTypeProvider>().post(
    `/cases/:id/${action}`,
    {
      config: { access: rule.permission as Permission },
      schema: {
        tags: ['case actions'],
        summary: `${action}: ${rule.from.join(', ')} → ${typeof rule.to === 'string' ? rule.to : 'depends on the actor'}`,
        params: idParams,
        body: actionSchemas[action],
        response: { 200: caseDetailSchema },
      },
    },
    async (request) => {
      const actor = actorOrThrow(request);
      const record = await performCaseAction(deps.caseDeps, {
        caseId: request.params.id,
        action,
        actor,
        body: request.body as never,
      });
      return loadCaseDetail(deps.db, record, { actor, language: languageOf(request), now: deps.now() });
    },
  );
};
