import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PUBLICATION_CONSENTS, type PublicationConsent } from '../../core/case/case.types.js';
import { AppError } from '../../core/shared/app-error.js';
import { appendAudit } from '../../db/audit.repository.js';
import { anonymiseCase, findCasesOfPerson, findHeldAboutCases, isFinishedStatus, PERSON_CASES_LIMIT } from '../../db/privacy.repository.js';
import { actorOrThrow } from '../auth.plugin.js';
import type { AppDeps } from '../context.js';

const personFields = { phone: z.string().trim().regex(/^\+?[0-9][0-9\- ]{4,19}$/).optional(), idNumber: z.string().trim().min(6).max(20).optional() };
// One key at a time: the two together would answer for two people as if they were one.
const isSomeoneNamed = (v: { phone?: string; idNumber?: string }) => (v.phone === undefined) !== (v.idNumber === undefined);
const someoneNamed = { message: 'give a phone number or an ID number, not both', path: ['phone'] };
const personQuery = z.object(personFields).strict().refine(isSomeoneNamed, someoneNamed);
/** The web client names its language in every query (`lang`), as it does for the other pages. */
const personLookupQuery = z.object({ ...personFields, lang: z.string().max(10).optional() }).strict().refine(isSomeoneNamed, someoneNamed);

/** A person's right to their data: what we hold about them, and its erasure once their cases are finished. */
export const registerPrivacyRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const audit = (request: FastifyRequest, action: string, subjectId: string, data: Record<string, unknown>) => {
    const actor = actorOrThrow(request);
    return appendAudit(deps.db, {
      at: deps.now(), actorId: actor.userId, actorName: actor.username, ip: request.ip, userAgent: request.headers['user-agent'] ?? null,
      action, subjectKind: 'person', subjectId, outcome: 'done', data,
    });
  };

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
      const { phone, idNumber } = request.query;
      const found = await findCasesOfPerson(deps.db, actorOrThrow(request), { ...(phone === undefined ? {} : { phone }), ...(idNumber === undefined ? {} : { idNumber }) });
      const isTruncated = found.length > PERSON_CASES_LIMIT;
      const rows = found.slice(0, PERSON_CASES_LIMIT);
      const held = await findHeldAboutCases(deps.db, rows.map((r) => r.id));
      await audit(request, 'privacy export', request.query.phone ?? request.query.idNumber ?? '', { cases: rows.length, files: held.files.length });
      return {
        cases: rows.map((r) => ({
          caseId: r.id,
          address: r.address,
          location: r.lat !== null && r.lng !== null ? { lat: Number(r.lat), lng: Number(r.lng) } : null,
          language: r.language,
          callbackAnswer: r.callback_at ? { resolved: r.callback_resolved, satisfaction: r.callback_satisfaction, comment: r.callback_comment, at: r.callback_at.toISOString() } : null,
          messagePreferences: { isSmsOptedOut: r.is_sms_opted_out === true, isEmailOptedOut: r.is_email_opted_out === true },
          files: held.files
            .filter((f) => f.caseId === r.id)
            .map((f) => ({ id: f.id, fileName: f.fileName, mediaType: f.mediaType, byteSize: f.byteSize, uploadedAt: f.uploadedAt.toISOString(), isDeleted: f.isDeleted })),
          messages: held.messages
            .filter((m) => m.caseId === r.id)
            .map((m) => ({ channel: m.channel, kind: m.kind, language: m.language, recipientMasked: m.recipientMasked, status: m.status, at: m.at.toISOString() })),
          trackingNo: r.tracking_no, status: r.status, title: r.title, description: r.description, reply: r.reply_text,
          createdAt: r.created_at.toISOString(), closedAt: r.closed_at?.toISOString() ?? null, isAnonymised: r.anonymised_at !== null,
          publicationConsent: r.publication_consent as PublicationConsent,
          requester: { name: r.name, phone: r.phone, idNumber: r.id_number, email: r.email },
        })),
        isTruncated,
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
    async (request) => {
      const actor = actorOrThrow(request);
      let anonymised = 0;
      const now = deps.now();
      await deps.db.transaction().execute(async (trx) => {
        const rows = await findCasesOfPerson(trx, actor, request.body);
        if (rows.length > PERSON_CASES_LIMIT) {
          throw new AppError('validation.failed', 'this number belongs to too many cases to be one person: erase case by case', {
            issues: [{ path: 'body', message: 'too_many_cases' }],
          });
        }
        // Locked before the check: a case reopened meanwhile is either seen open here or waits until the erasure is done.
        const statuses = rows.length > 0 ? await trx.selectFrom('cases').select(['tracking_no', 'status']).where('id', 'in', rows.map((r) => r.id)).forUpdate().execute() : [];
        const open = statuses.filter((r) => !isFinishedStatus(r.status));
        // An open case still needs the person's contact details to be handled and answered.
        if (open.length > 0) {
          throw new AppError('privacy.cases_open', 'some cases of this person are still being handled', { trackingNos: open.map((r) => r.tracking_no) });
        }
        for (const r of rows) if (await anonymiseCase(trx, r.id, now)) anonymised += 1;
      });
      await audit(request, 'privacy erasure', request.body.phone ?? request.body.idNumber ?? '', { anonymised });
      return { anonymised };
    },
  );
};
