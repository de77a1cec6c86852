import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { publicConsentSchema, publicInformationSchema, publicReopenSchema, publicSubmitSchema, ratingSchema } from '../../core/case/case.schemas.js';
import type { CaseRecord } from '../../core/case/case.record.js';
import { scrubText } from '../../core/open311/scrub.js';
import { AppError } from '../../core/shared/app-error.js';
import {
  addInformationPublic, canRate, canRequestReopen, rateCase, requestReopenPublic, setPublicationConsentPublic, submitPublicCase, trackPublicCase,
} from '../../core/case/public-case.js';
import { findCaseRecord } from '../../db/case.repository.js';
import { findNames, findRequester, listEvents } from '../../db/case-query.repository.js';
import type { AppDeps } from '../context.js';
import { idempotencyHeaders, idempotencyOf, REPLAYED_HEADER } from '../idempotency.js';
import { languageOf } from '../language.js';
import { setDeviceCookie } from '../device-cookie.js';
import { publicCaseSchema, toPublicView } from '../case.views.js';
import type { FastifyRequest } from 'fastify';

const trackingParams = z.object({ trackingNo: z.string().trim().min(6).max(40) });

export const registerPublicCaseRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();

  const publicView = async (record: CaseRecord, request: FastifyRequest) => {
    // A merged case is answered by its master's reply: the requester still gets an answer. That reply was written
    // to another person and may greet them by name or quote their number, so what it says of them is taken out
    // first, as the Open311 view does.
    const master = record.masterId ? await findCaseRecord(deps.db, { id: record.masterId }) : null;
    const masterRequester = master?.replyText && master.requesterId ? await findRequester(deps.db, master.requesterId) : undefined;
    const source =
      master && master.replyText
        ? {
            ...record,
            replyText: scrubText(master.replyText, {
              names: [masterRequester?.name], phones: [masterRequester?.phone], emails: [masterRequester?.email], idNumbers: [masterRequester?.id_number],
            }),
            replyOutcome: master.replyOutcome,
            repliedAt: master.repliedAt,
          }
        : record;
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
      // From its first answer: tracking numbers are predictable, and a stranger could lock a number before the
      // requester ever opens it (src/core/case/device-cookie.ts).
      setDeviceCookie(app, request, reply, trackingNo);
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
        description:
          'The access code goes in the `X-Access-Code` header, which proxies do not write to their access logs. The ' +
          '`accessCode` query parameter of older clients is still accepted; the header wins when both are sent.',
        headers: z.object({ 'x-access-code': z.string().trim().min(1).max(20).optional() }),
        querystring: z.object({ accessCode: z.string().trim().min(1).max(20).optional(), lang: z.enum(['zh-Hans', 'bo', 'en']).optional() }),
        response: { 200: publicCaseSchema },
      },
    },
    async (request) => {
      const accessCode = request.headers['x-access-code'] ?? request.query.accessCode;
      if (accessCode === undefined) {
        throw new AppError('validation.failed', 'the access code is missing: send it in the X-Access-Code header', {
          issues: [{ path: 'headers.x-access-code', message: 'required' }],
        });
      }
      const record = await trackPublicCase(deps.caseDeps, { trackingNo: request.params.trackingNo, accessCode });
      return publicView(record, request);
    },
  );

  /**
   * The requester's actions on the tracking page. Each is found by tracking number and access code (checked by
   * the use case, with the same answer for a wrong number and a wrong code), and answers the page as it now is.
   */
  const trackedAction = <Body extends z.ZodType>(
    action: string,
    summary: string,
    body: Body,
    act: (caseDeps: AppDeps['caseDeps'], input: { trackingNo: string; body: z.output<Body> }) => Promise<CaseRecord>,
  ): void => {
    api.post(
      `/public/cases/:trackingNo/${action}`,
      {
        config: { access: 'public', rateLimit: 'public_track' },
        schema: { tags: ['public'], summary, params: trackingParams, body, response: { 200: publicCaseSchema } },
      },
      // The body was parsed by `body` itself; the type provider cannot carry a generic schema's output type through.
      async (request) => publicView(await act(deps.caseDeps, { trackingNo: request.params.trackingNo, body: request.body as z.output<Body> }), request),
    );
  };

  trackedAction('rating', 'The requester rates the reply and says whether it was resolved', ratingSchema, rateCase);
  trackedAction(
    'reopen-request',
    'The requester says the reply did not solve it and asks to reopen (decided by staff, within the policy)',
    publicReopenSchema,
    requestReopenPublic,
  );
  trackedAction('information', 'The requester adds information; a case waiting for it resumes', publicInformationSchema, addInformationPublic);
  trackedAction(
    'publication-consent',
    'The requester grants or withdraws consent to anonymised publication on the open-data portal',
    publicConsentSchema,
    setPublicationConsentPublic,
  );
};
