import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PUBLICATION_CONSENTS } from '../../core/case/case.types.js';
import { erasePersonData } from '../../core/privacy/erase-person-data.js';
import { exportPersonData } from '../../core/privacy/export-person-data.js';
import type { PersonDataInput, PersonKey } from '../../core/privacy/person-data.ports.js';
import { createPersonDataDeps } from '../../db/privacy.repository.js';
import { actorOrThrow } from '../auth.plugin.js';
import type { AppDeps } from '../context.js';
import { requestContextOf } from '../request-context.js';

const personFields = { phone: z.string().trim().regex(/^\+?[0-9][0-9\- ]{4,19}$/).optional(), idNumber: z.string().trim().min(6).max(20).optional() };
// One key at a time: the two together would answer for two people as if they were one.
const isSomeoneNamed = (v: { phone?: string; idNumber?: string }) => (v.phone === undefined) !== (v.idNumber === undefined);
const someoneNamed = { message: 'give a phone number or an ID number, not both', path: ['phone'] };
const personQuery = z.object(personFields).strict().refine(isSomeoneNamed, someoneNamed);
/** The web client names its language in every query (`lang`), as it does for the other pages. */
const personLookupQuery = z.object({ ...personFields, lang: z.string().max(10).optional() }).strict().refine(isSomeoneNamed, someoneNamed);

const personKeyOf = (v: { phone?: string; idNumber?: string }): PersonKey =>
  v.phone !== undefined ? { kind: 'phone', value: v.phone } : { kind: 'id_number', value: v.idNumber ?? '' };

const inputOf = (request: FastifyRequest, who: { phone?: string; idNumber?: string }): PersonDataInput => ({
  actor: actorOrThrow(request),
  key: personKeyOf(who),
  context: requestContextOf(request),
});

/** A person's right to their data: what we hold about them, and its erasure once their cases are finished. */
export const registerPrivacyRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const personDeps = createPersonDataDeps(deps.db, deps.now);

  api.get(
    '/privacy/people',
    {
      config: { isReauthRequired: true, access: 'privacy.manage' },
      schema: {
        tags: ['privacy'],
        summary: "Export everything held about one person (by phone or ID number); audited",
        querystring: personLookupQuery,
        response: {
          200: z.object({
            cases: z.array(
              z.object({
                trackingNo: z.string(), status: z.string(), title: z.string(), description: z.string(), reply: z.string().nullable(),
                createdAt: z.string(), closedAt: z.string().nullable(), isAnonymised: z.boolean(),
                /** What the person said about anonymised publication: part of what is held about them. */
                publicationConsent: z.enum(PUBLICATION_CONSENTS),
                requester: z.object({ name: z.string().nullable(), phone: z.string().nullable(), idNumber: z.string().nullable(), email: z.string().nullable() }),
                caseId: z.uuid(),
                /** Where the matter is, as the person gave it. */
                address: z.string().nullable(),
                location: z.object({ lat: z.number(), lng: z.number() }).nullable(),
                /** The language the person asked to be answered in. */
                language: z.string(),
                /** The person's answer at the callback. */
                callbackAnswer: z.object({ resolved: z.string().nullable(), satisfaction: z.string().nullable(), comment: z.string().nullable(), at: z.string() }).nullable(),
                /** Whether the person said no to text messages or e-mail. */
                messagePreferences: z.object({ isSmsOptedOut: z.boolean(), isEmailOptedOut: z.boolean() }),
                /** Files the person sent; a deleted or erased one keeps its row, not its content. */
                files: z.array(z.object({ id: z.uuid(), fileName: z.string(), mediaType: z.string(), byteSize: z.number().int(), uploadedAt: z.string(), isDeleted: z.boolean() })),
                /** Messages sent to the person, without their text (it can hold an access code). */
                messages: z.array(z.object({ channel: z.string(), kind: z.string(), language: z.string(), recipientMasked: z.string(), status: z.string(), at: z.string() })),
              }),
            ),
            /** More than PERSON_CASES_LIMIT cases carry this number: it is likely shared, and only the first are listed. */
            isTruncated: z.boolean(),
          }),
        },
      },
    },
    async (request) => {
      const { lang: _lang, ...who } = request.query;
      const exported = await exportPersonData(personDeps, inputOf(request, who));
      return {
        cases: exported.cases.map(({ id, createdAt, closedAt, callbackAnswer, files, messages, ...c }) => ({
          ...c,
          caseId: id,
          createdAt: createdAt.toISOString(),
          closedAt: closedAt?.toISOString() ?? null,
          callbackAnswer: callbackAnswer ? { ...callbackAnswer, at: callbackAnswer.at.toISOString() } : null,
          files: files.map(({ caseId: _caseId, uploadedAt, ...f }) => ({ ...f, uploadedAt: uploadedAt.toISOString() })),
          messages: messages.map(({ caseId: _caseId, at, ...m }) => ({ ...m, at: at.toISOString() })),
        })),
        isTruncated: exported.isTruncated,
      };
    },
  );

  api.post(
    '/privacy/people/erase',
    {
      config: { isReauthRequired: true, access: 'privacy.manage' },
      schema: {
        tags: ['privacy'],
        summary: "Erase one person's data from all their finished cases; refused while any is still open",
        body: personQuery,
        response: { 200: z.object({ anonymised: z.number().int() }) },
      },
    },
    async (request) => erasePersonData(personDeps, inputOf(request, request.body)),
  );
};
