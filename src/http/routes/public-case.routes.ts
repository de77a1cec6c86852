import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { publicConsentSchema, publicInformationSchema, publicReopenSchema, publicSubmitSchema, ratingSchema } from '../../core/case/case.schemas.js';
import type { CaseRecord } from '../../core/case/case.record.js';
import {
  addInformationPublic, canRate, canRequestReopen, rateCase, requestReopenPublic, setPublicationConsentPublic, submitPublicCase, trackPublicCase,
} from '../../core/case/public-case.js';
import { findCaseRecord } from '../../db/case.repository.js';
import { findNames, listEvents } from '../../db/case-query.repository.js';
import type { AppDeps } from '../context.js';
import { idempotencyHeaders, idempotencyOf, REPLAYED_HEADER } from '../idempotency.js';
import { languageOf } from '../language.js';
import { publicCaseSchema, toPublicView } from '../case.views.js';
import type { FastifyRequest } from 'fastify';

const trackingParams = z.object({ trackingNo: z.string().trim().min(6).max(40) });

export const registerPublicCaseRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();

  const publicView = async (record: CaseRecord, request: FastifyRequest) => {
    // A merged case is answered by its master's reply: the requester still gets an answer.
    const master = record.masterId ? await findCaseRecord(deps.db, { id: record.masterId }) : null;
    const source = master && master.replyText ? { ...record, replyText: master.replyText, replyOutcome: master.replyOutcome, repliedAt: master.repliedAt } : record;
    const [categories, events] = await Promise.all([
      findNames(deps.db, 'categories', record.categoryId ? [record.categoryId] : []),
      listEvents(deps.db, 'case', record.id),
    ]);
    return toPublicView(source, {
      language: languageOf(request),
      category: record.categoryId ? (categories.get(record.categoryId) ?? null) : null,
      events,
      canRate: canRate(record),
      canRequestReopen: canRequestReopen(record, deps.now()),
    });
  };

  api.post(
    '/public/cases',
    {
      config: { access: 'public', rateLimit: 'public_submit' },
      schema: {
        tags: ['public'],
        summary: 'Submit a request as a member of the public',
        headers: idempotencyHeaders,
        body: publicSubmitSchema,
        response: { 201: z.object({ trackingNo: z.string(), accessCode: z.string() }) },
      },
    },
    async (request, reply) => {
      const { trackingNo, accessCode, isReplay } = await submitPublicCase(deps.caseDeps, request.body, idempotencyOf(request, 'public'));
      if (isReplay) void reply.header(REPLAYED_HEADER, 'true');
      return reply.status(201).send({ trackingNo, accessCode });
    },
  );

  api.get(
    '/public/cases/:trackingNo',
    {
      config: { access: 'public', rateLimit: 'public_track' },
      schema: {
        tags: ['public'],
        summary: 'Track a request with its access code',
        params: trackingParams,
        querystring: z.object({ accessCode: z.string().trim().min(1).max(20), lang: z.enum(['zh-Hans', 'bo', 'en']).optional() }),
        response: { 200: publicCaseSchema },
      },
    },
    async (request) => {
      const record = await trackPublicCase(deps.caseDeps, { trackingNo: request.params.trackingNo, accessCode: request.query.accessCode });
      return publicView(record, request);
    },
  );

  api.post(
    '/public/cases/:trackingNo/rating',
    {
      config: { access: 'public', rateLimit: 'public_track' },
      schema: {
        tags: ['public'],
        summary: 'The requester rates the reply and says whether it was resolved',
        params: trackingParams,
        body: ratingSchema,
        response: { 200: publicCaseSchema },
      },
    },
    async (request) => {
      const record = await rateCase(deps.caseDeps, { trackingNo: request.params.trackingNo, body: request.body });
      return publicView(record, request);
    },
  );

  api.post(
    '/public/cases/:trackingNo/reopen-request',
    {
      config: { access: 'public', rateLimit: 'public_track' },
      schema: {
        tags: ['public'],
        summary: 'The requester says the reply did not solve it and asks to reopen (decided by staff, within the policy)',
        params: trackingParams,
        body: publicReopenSchema,
        response: { 200: publicCaseSchema },
      },
    },
    async (request) => {
      const record = await requestReopenPublic(deps.caseDeps, { trackingNo: request.params.trackingNo, body: request.body });
      return publicView(record, request);
    },
  );

  api.post(
    '/public/cases/:trackingNo/information',
    {
      config: { access: 'public', rateLimit: 'public_track' },
      schema: {
        tags: ['public'],
        summary: 'The requester adds information; a case waiting for it resumes',
        params: trackingParams,
        body: publicInformationSchema,
        response: { 200: publicCaseSchema },
      },
    },
    async (request) => {
      const record = await addInformationPublic(deps.caseDeps, { trackingNo: request.params.trackingNo, body: request.body });
      return publicView(record, request);
    },
  );

  api.post(
    '/public/cases/:trackingNo/publication-consent',
    {
      config: { access: 'public', rateLimit: 'public_track' },
      schema: {
        tags: ['public'],
        summary: 'The requester grants or withdraws consent to anonymised publication on the open-data portal',
        params: trackingParams,
        body: publicConsentSchema,
        response: { 200: publicCaseSchema },
      },
    },
    async (request) => {
      const record = await setPublicationConsentPublic(deps.caseDeps, { trackingNo: request.params.trackingNo, body: request.body });
      return publicView(record, request);
    },
  );
};
