import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { KINDS, LANGUAGES, RESOLVED_ANSWERS, SATISFACTIONS } from '../../core/case/case.types.js';
import { getCallScript, listCallScripts, managerOrThrow, saveCallScript } from '../../core/callbacks/call-script-use-cases.js';
import { scriptBodySchema, SCRIPT_VARIABLES } from '../../core/callbacks/call-scripts.js';
import { ATTEMPT_OUTCOMES, QUEUE_VIEWS, SMS_INBOUND_RESULTS, TASK_STATUSES, type CallbackAttempt, type CallbackTask } from '../../core/callbacks/callback.types.js';
import { claimCallbackTask, releaseCallbackTask } from '../../core/callbacks/claim-callback-task.js';
import { getCaseFollowUps, getFollowUpSummary, type FollowUp } from '../../core/callbacks/follow-up.js';
import { getCallbackTask, listCallbackQueue, type MaskedQueueItem } from '../../core/callbacks/list-callback-queue.js';
import {
  answerQuestionnaireByLink, answerQuestionnaireInCall, createQuestionnaireLink, getPublicQuestionnaire, getTaskQuestionnaire, listQuestionnaires, saveQuestionnaire,
} from '../../core/callbacks/questionnaire-use-cases.js';
import { questionnaireSchema } from '../../core/callbacks/questionnaire.js';
import { receiveSmsReply } from '../../core/callbacks/receive-sms-reply.js';
import { recordCallbackAttempt } from '../../core/callbacks/record-callback-attempt.js';
import { AppError } from '../../core/shared/app-error.js';
import { appendAudit } from '../../db/audit.repository.js';
import { createCallbackDeps } from '../../db/callbacks.repository.js';
import { findNames } from '../../db/case-query.repository.js';
import { currentCallbackSettings } from '../../jobs/callbacks.jobs.js';
import { actorOrThrow } from '../auth.plugin.js';
import type { AppDeps } from '../context.js';
import { requestContextOf } from '../request-context.js';

const iso = z.string();
const idParams = z.object({ id: z.uuid() });
const texts = z.object({ 'zh-Hans': z.string(), bo: z.string(), en: z.string() });
const localized = z.object({ 'zh-Hans': z.string(), bo: z.string().optional(), en: z.string().optional() });

const taskFields = {
  id: z.uuid(),
  caseId: z.uuid(),
  unitId: z.uuid(),
  status: z.enum(TASK_STATUSES),
  dueAt: iso,
  isOverdue: z.boolean(),
  claimedBy: z.uuid().nullable(),
  claimExpiresAt: iso.nullable(),
  attemptCount: z.number().int(),
  unreachableCount: z.number().int(),
  nextAttemptAfter: iso.nullable(),
  smsCode: z.string().nullable(),
  closeReason: z.string().nullable(),
  closedAt: iso.nullable(),
  createdAt: iso,
};
const taskSchema = z.object(taskFields);
const queueItemSchema = z.object({
  ...taskFields,
  trackingNo: z.string(),
  title: z.string(),
  kind: z.enum(KINDS),
  caseStatus: z.string(),
  language: z.enum(LANGUAGES),
  nameMasked: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  hasPhone: z.boolean(),
  replyText: z.string().nullable(),
  replyOutcome: z.string().nullable(),
  repliedAt: iso.nullable(),
  claimedByName: z.string().nullable(),
  leadUnitName: localized.nullable(),
});
const attemptSchema = z.object({ id: z.uuid(), actorId: z.uuid().nullable(), channel: z.enum(['phone', 'sms', 'link']), outcome: z.enum(ATTEMPT_OUTCOMES), note: z.string().nullable(), at: iso });

const questionSchema = z.object({
  id: z.string(),
  type: z.enum(['choice', 'scale', 'text']),
  text: texts,
  isRequired: z.boolean(),
  options: z.array(z.object({ value: z.string(), text: texts })).optional(),
  max: z.number().int().optional(),
  role: z.enum(['satisfaction', 'resolved']).optional(),
});
const questionnaireView = z.object({ id: z.uuid(), kind: z.enum(KINDS).nullable(), version: z.number().int(), questions: z.array(questionSchema) });
const scriptView = z.object({ id: z.uuid(), categoryId: z.uuid().nullable(), kind: z.enum(KINDS).nullable(), body: texts, version: z.number().int(), updatedAt: iso });
const answersBody = z.object({ answers: z.record(z.string().max(40), z.union([z.string().max(2000), z.number(), z.null()])) }).strict();
const answerOutcome = z.object({ answerId: z.uuid(), satisfaction: z.string().nullable(), resolved: z.string().nullable(), isRatingRecorded: z.boolean() });

const isoOrNull = (d: Date | null) => d?.toISOString() ?? null;

const toTaskView = (t: CallbackTask, now: Date) => ({
  id: t.id, caseId: t.caseId, unitId: t.unitId, status: t.status, dueAt: t.dueAt.toISOString(), isOverdue: t.status === 'open' && t.dueAt.getTime() < now.getTime(),
  claimedBy: t.claimedBy, claimExpiresAt: isoOrNull(t.claimExpiresAt), attemptCount: t.attemptCount, unreachableCount: t.unreachableCount,
  nextAttemptAfter: isoOrNull(t.nextAttemptAfter), smsCode: t.smsCode, closeReason: t.closeReason, closedAt: isoOrNull(t.closedAt), createdAt: t.createdAt.toISOString(),
});

const toQueueItemView = (i: MaskedQueueItem, now: Date) => ({
  ...toTaskView(i, now),
  trackingNo: i.trackingNo, title: i.title, kind: i.kind, caseStatus: i.caseStatus, language: i.language, nameMasked: i.nameMasked,
  phoneMasked: i.phoneMasked, hasPhone: i.hasPhone, replyText: i.replyText, replyOutcome: i.replyOutcome, repliedAt: isoOrNull(i.repliedAt),
  claimedByName: i.claimedByName, leadUnitName: i.leadUnitName,
});

const toAttemptView = (a: CallbackAttempt) => ({ ...a, at: a.at.toISOString() });

const followUpSchema = z.object({
  id: z.uuid(), caseId: z.uuid(), trackingNo: z.string(), unitId: z.uuid(), channel: z.enum(['sms', 'email']), language: z.enum(LANGUAGES), sentAt: iso, expiresAt: iso,
  status: z.enum(['waiting', 'answered', 'expired']), answeredAt: iso.nullable(), resolved: z.enum(RESOLVED_ANSWERS).nullable(), comment: z.string().nullable(),
});
const toFollowUpView = (f: FollowUp, now: Date) => ({
  id: f.id, caseId: f.caseId, trackingNo: f.trackingNo, unitId: f.unitId, channel: f.channel, language: f.language, sentAt: f.sentAt.toISOString(),
  expiresAt: f.expiresAt.toISOString(), status: f.answeredAt ? ('answered' as const) : f.expiresAt.getTime() <= now.getTime() ? ('expired' as const) : ('waiting' as const),
  answeredAt: isoOrNull(f.answeredAt), resolved: f.resolved, comment: f.comment,
});

export const registerCallbacksRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const callbackDeps = createCallbackDeps(deps.db, deps.now, currentCallbackSettings);

  // ---- the agent's queue ------------------------------------------------------------------------------------

  api.get(
    '/callbacks/tasks',
    {
      config: { access: 'case.callback' },
      schema: {
        tags: ['callbacks'],
        summary: "Callback tasks of the caller's units: due, overdue, claimed by me, all open, or closed",
        querystring: z.object({
          view: z.enum(QUEUE_VIEWS).default('open'),
          page: z.coerce.number().int().min(1).max(100000).default(1),
          pageSize: z.coerce.number().int().min(1).max(100).default(20),
          lang: z.enum(LANGUAGES).optional(),
        }).strict(),
        response: { 200: z.object({ items: z.array(queueItemSchema), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() }) },
      },
    },
    async (request) => {
      const { view, page, pageSize } = request.query;
      const result = await listCallbackQueue(callbackDeps, { actor: actorOrThrow(request), view, page, pageSize });
      const now = deps.now();
      return { items: result.items.map((i) => toQueueItemView(i, now)), total: result.total, page, pageSize };
    },
  );

  api.get(
    '/callbacks/tasks/:id',
    {
      config: { access: 'case.callback' },
      schema: { tags: ['callbacks'], summary: 'One callback task with its attempts', params: idParams, response: { 200: z.object({ task: queueItemSchema, attempts: z.array(attemptSchema) }) } },
    },
    async (request) => {
      const { item, attempts } = await getCallbackTask(callbackDeps, { actor: actorOrThrow(request), taskId: request.params.id });
      return { task: toQueueItemView(item, deps.now()), attempts: attempts.map(toAttemptView) };
    },
  );

  api.post(
    '/callbacks/tasks/:id/claim',
    {
      config: { access: 'case.callback' },
      schema: { tags: ['callbacks'], summary: 'Take the task for the lease time (409 callback.claimed_by_other while another agent holds it)', params: idParams, response: { 200: taskSchema } },
    },
    async (request) => toTaskView(await claimCallbackTask(callbackDeps, { actor: actorOrThrow(request), taskId: request.params.id }), deps.now()),
  );

  api.post(
    '/callbacks/tasks/:id/release',
    {
      config: { access: 'case.callback' },
      schema: { tags: ['callbacks'], summary: 'Give my claim back', params: idParams, response: { 200: taskSchema } },
    },
    async (request) => toTaskView(await releaseCallbackTask(callbackDeps, { actor: actorOrThrow(request), taskId: request.params.id }), deps.now()),
  );

  api.post(
    '/callbacks/tasks/:id/attempts',
    {
      config: { access: 'case.callback' },
      schema: {
        tags: ['callbacks'],
        summary: "Record a call; `reached` with the result records the case's callback in the same transaction",
        params: idParams,
        body: z
          .object({
            outcome: z.enum(ATTEMPT_OUTCOMES),
            note: z.string().trim().max(2000).optional().transform((v) => (v ? v : undefined)),
            result: z
              .object({ resolved: z.enum(RESOLVED_ANSWERS), satisfaction: z.enum(SATISFACTIONS), comment: z.string().trim().max(2000).optional().transform((v) => (v ? v : undefined)) })
              .strict()
              .optional(),
          })
          .strict(),
        response: { 200: z.object({ task: taskSchema, closedAs: z.enum(TASK_STATUSES).nullable() }) },
      },
    },
    async (request) => {
      const { task, closedAs } = await recordCallbackAttempt(callbackDeps, { actor: actorOrThrow(request), taskId: request.params.id, attempt: request.body });
      return { task: toTaskView(task, deps.now()), closedAs };
    },
  );

  api.get(
    '/callbacks/tasks/:id/script',
    {
      config: { access: 'case.callback' },
      schema: {
        tags: ['callbacks'],
        summary:
          "The call script filled with the case's facts, in the requester's language unless `language` says otherwise (`lang` is the reader's). " +
          'The name is masked; `name=full` gives it in full to the agent holding the task, with case.view_personal_data, as an audited reveal ' +
          '(409 callback.not_claimed without the claim, 403 case.identity_protected outside the intake line)',
        params: idParams,
        querystring: z.object({ language: z.enum(LANGUAGES).optional(), name: z.enum(['masked', 'full']).default('masked'), lang: z.enum(LANGUAGES).optional() }),
        response: {
          200: z.object({
            language: z.enum(LANGUAGES), text: z.string(), missing: z.array(z.string()), scriptId: z.uuid().nullable(), isNameWithheld: z.boolean(), isNameRevealed: z.boolean(),
          }),
        },
      },
    },
    async (request) =>
      getCallScript(
        { ...callbackDeps, audit: ({ caseId, ...e }) => appendAudit(deps.db, { ...e, action: 'reveal personal data', subjectKind: 'cases', subjectId: caseId }) },
        {
          actor: actorOrThrow(request),
          taskId: request.params.id,
          language: request.query.language,
          isFullNameAsked: request.query.name === 'full',
          context: requestContextOf(request),
        },
      ),
  );

  api.get(
    '/callbacks/tasks/:id/questionnaire',
    {
      config: { access: 'case.callback' },
      schema: { tags: ['callbacks'], summary: "The follow-up questionnaire of the task's case kind", params: idParams, response: { 200: questionnaireView } },
    },
    async (request) => getTaskQuestionnaire(callbackDeps, { actor: actorOrThrow(request), taskId: request.params.id }),
  );

  api.post(
    '/callbacks/tasks/:id/answers',
    {
      config: { access: 'case.callback' },
      schema: { tags: ['callbacks'], summary: 'Answers to the questionnaire given during the call', params: idParams, body: answersBody, response: { 201: answerOutcome } },
    },
    async (request, reply) =>
      reply.status(201).send(await answerQuestionnaireInCall(callbackDeps, { actor: actorOrThrow(request), taskId: request.params.id, answers: request.body.answers })),
  );

  api.post(
    '/callbacks/tasks/:id/link',
    {
      config: { access: 'case.callback' },
      schema: {
        tags: ['callbacks'],
        summary: 'A one-time public questionnaire link for the requester (the token is shown once)',
        params: idParams,
        response: { 201: z.object({ token: z.string(), path: z.string(), expiresAt: iso }) },
      },
    },
    async (request, reply) => {
      const { token, expiresAt } = await createQuestionnaireLink(callbackDeps, { actor: actorOrThrow(request), taskId: request.params.id });
      return reply.status(201).send({ token, path: `/#/feedback?t=${token}`, expiresAt: expiresAt.toISOString() });
    },
  );

  // ---- follow-up questionnaire weeks after closure ----------------------------------------------------------

  api.get(
    '/callbacks/cases/:id/follow-up',
    {
      config: { access: 'case.callback' },
      schema: {
        tags: ['callbacks'],
        summary: "The follow-up questionnaires of a case (\"is it still solved?\"), kept apart from its rating; the caller's units only",
        params: idParams,
        response: { 200: z.object({ followUp: followUpSchema.nullable(), items: z.array(followUpSchema) }) },
      },
    },
    async (request) => {
      const now = deps.now();
      const items = (await getCaseFollowUps(callbackDeps, { actor: actorOrThrow(request), caseId: request.params.id })).map((f) => toFollowUpView(f, now));
      return { followUp: items[0] ?? null, items };
    },
  );

  api.get(
    '/callbacks/follow-up/summary',
    {
      config: { access: 'case.callback' },
      schema: {
        tags: ['callbacks'],
        summary: 'Follow-ups sent in [from, to) for the caller\'s units: sent, answered, still solved yes/partly/no, and the "no" answers for supervisors',
        querystring: z.object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }), lang: z.enum(LANGUAGES).optional() }).strict(),
        response: {
          200: z.object({
            from: iso, to: iso, sent: z.number().int(), answered: z.number().int(),
            stillSolved: z.object({ yes: z.number().int(), partly: z.number().int(), no: z.number().int() }),
            flagged: z.array(z.object({ followUpId: z.uuid(), caseId: z.uuid(), trackingNo: z.string(), answeredAt: iso, comment: z.string().nullable() })),
          }),
        },
      },
    },
    async (request) => {
      const from = new Date(request.query.from);
      const to = new Date(request.query.to);
      const summary = await getFollowUpSummary(callbackDeps, { actor: actorOrThrow(request), from, to });
      return {
        from: from.toISOString(), to: to.toISOString(), sent: summary.sent, answered: summary.answered, stillSolved: summary.stillSolved,
        flagged: summary.flagged.map((f) => ({ ...f, answeredAt: f.answeredAt.toISOString() })),
      };
    },
  );

  // ---- administration: scripts and questionnaires ---------------------------------------------------------

  api.get(
    '/callbacks/scripts',
    {
      config: { access: 'case.callback' },
      schema: { tags: ['callbacks'], summary: 'Call scripts and the variables they may use', response: { 200: z.object({ items: z.array(scriptView), variables: z.array(z.string()) }) } },
    },
    async () => ({ items: (await listCallScripts(callbackDeps)).map((s) => ({ ...s, updatedAt: s.updatedAt.toISOString() })), variables: [...SCRIPT_VARIABLES] }),
  );

  api.put(
    '/callbacks/scripts',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['callbacks'],
        summary: 'Create or replace the script of a category and/or kind (reply_template.manage or settings.manage)',
        body: z.object({ categoryId: z.uuid().nullable().default(null), kind: z.enum(KINDS).nullable().default(null), body: scriptBodySchema }).strict(),
        response: { 200: scriptView },
      },
    },
    async (request) => {
      const actor = managerOrThrow(actorOrThrow(request));
      if (request.body.categoryId && (await findNames(deps.db, 'categories', [request.body.categoryId])).size === 0) {
        throw new AppError('validation.failed', 'body.categoryId: no such category', { issues: [{ path: 'body.categoryId', message: 'no such category' }] });
      }
      const s = await saveCallScript(callbackDeps, { actor, ...request.body });
      return { ...s, updatedAt: s.updatedAt.toISOString() };
    },
  );

  api.get(
    '/callbacks/questionnaires',
    {
      config: { access: 'case.callback' },
      schema: { tags: ['callbacks'], summary: 'Questionnaires per kind (kind null: the general one)', response: { 200: z.object({ items: z.array(questionnaireView) }) } },
    },
    async () => ({ items: await listQuestionnaires(callbackDeps) }),
  );

  api.put(
    '/callbacks/questionnaires',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['callbacks'],
        summary: 'Create or replace the questionnaire of a kind (reply_template.manage or settings.manage); its version goes up',
        body: z.object({ kind: z.enum(KINDS).nullable().default(null), questions: questionnaireSchema }).strict(),
        response: { 200: questionnaireView },
      },
    },
    async (request) => {
      const actor = managerOrThrow(actorOrThrow(request));
      return saveQuestionnaire(callbackDeps, { actor, kind: request.body.kind, questions: request.body.questions });
    },
  );

  // ---- public: SMS gateway and the requester's link ---------------------------------------------------------

  api.post(
    '/callbacks/sms-inbound',
    {
      config: { access: 'public', rateLimit: 'public_track' },
      schema: {
        tags: ['callbacks'],
        summary: 'Inbound SMS reply from the gateway, signed with HMAC-SHA256 (header x-bihuan-signature, or body.signature); idempotent on messageId',
        headers: z.object({ 'x-bihuan-signature': z.string().max(200).optional() }),
        body: z
          .object({
            messageId: z.string().trim().min(1).max(200),
            from: z.string().trim().min(3).max(40),
            text: z.string().max(1000),
            timestamp: z.number().int().min(0),
            // For gateways that cannot set headers: the same signature in the body (not part of what is signed).
            signature: z.string().max(200).optional(),
          })
          .strict(),
        response: {
          200: z.object({ result: z.enum(SMS_INBOUND_RESULTS), code: z.string().nullable(), isDuplicate: z.boolean(), taskId: z.uuid().nullable(), isReopenRequested: z.boolean() }),
        },
      },
    },
    async (request) => {
      const { signature, ...sms } = request.body;
      return receiveSmsReply(callbackDeps, sms, request.headers['x-bihuan-signature'] ?? signature);
    },
  );

  const tokenParams = z.object({ token: z.string().trim().min(20).max(100).regex(/^[A-Za-z0-9_-]+$/) });

  api.get(
    '/public/callbacks/questionnaire/:token',
    {
      config: { access: 'public', rateLimit: 'public_track' },
      schema: {
        tags: ['public'],
        summary: 'The questions behind a one-time link (404 callback.link_invalid when unknown, used or expired)',
        params: tokenParams,
        response: { 200: z.object({ trackingNo: z.string(), questions: z.array(questionSchema) }) },
      },
    },
    async (request) => getPublicQuestionnaire(callbackDeps, { token: request.params.token }),
  );

  api.post(
    '/public/callbacks/questionnaire/:token',
    {
      config: { access: 'public', rateLimit: 'public_submit' },
      schema: { tags: ['public'], summary: 'The requester answers, once', params: tokenParams, body: answersBody, response: { 201: answerOutcome } },
    },
    async (request, reply) => reply.status(201).send(await answerQuestionnaireByLink(callbackDeps, { token: request.params.token, answers: request.body.answers })),
  );
};
