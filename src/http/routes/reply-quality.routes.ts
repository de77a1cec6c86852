import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CHANNELS, KINDS, REPLY_OUTCOMES } from '../../core/case/case.types.js';
import { reviewRepliesPaced } from '../../core/replies/quality-review.js';
import { FINDING_CODES, FINDING_MESSAGES } from '../../core/replies/reply-quality.js';
import { fieldError } from '../../core/shared/field-error.js';
import { isoDaySchema } from '../../core/shared/iso-day.js';
import { findNames } from '../../db/case-query.repository.js';
import { listRepliesForReview } from '../../db/reply-quality.repository.js';
import { actorOrThrow } from '../auth.plugin.js';
import type { AppDeps } from '../context.js';
import { languageOf, localize } from '../language.js';

const DAY_MS = 86_400_000;
/** Replies checked per request: the check runs in the server (about 0.1 ms each). */
export const REVIEW_CAP = 5_000;
const startOfChinaDay = (value: string): Date => new Date(Date.parse(`${value}T00:00:00+08:00`));

const unitRef = z.object({ id: z.uuid(), name: z.string() }).nullable();

export const registerReplyQualityRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/replies/quality',
    {
      config: { access: 'case.supervise', isHeavy: true },
      schema: {
        tags: ['replies'],
        summary: 'Review every reply of a period (a reopened case\'s earlier ones too) with the reply quality check: counts by finding and unit, and the flagged replies',
        querystring: z
          .object({
            from: isoDaySchema,
            to: isoDaySchema,
            unitId: z.uuid().optional(),
            code: z.enum(FINDING_CODES).optional(),
            page: z.coerce.number().int().min(1).default(1),
            pageSize: z.coerce.number().int().min(1).max(100).default(20),
            lang: z.enum(['zh-Hans', 'bo', 'en']).optional(),
          })
          .strict(),
        response: {
          200: z.object({
            checked: z.number().int(),
            flagged: z.number().int(),
            isCapped: z.boolean(),
            /** `message`: what the finding means, in the reader's language. */
            byCode: z.array(z.object({ code: z.enum(FINDING_CODES), message: z.string(), count: z.number().int() })),
            byUnit: z.array(z.object({ unit: unitRef, checked: z.number().int(), flagged: z.number().int() })),
            items: z.array(
              z.object({
                /** The reply's own id: a case reopened and answered again has one per answer. */
                replyId: z.string(),
                caseId: z.uuid(),
                trackingNo: z.string(),
                title: z.string(),
                kind: z.enum(KINDS),
                channel: z.enum(CHANNELS),
                outcome: z.enum(REPLY_OUTCOMES).nullable(),
                repliedAt: z.string(),
                unit: unitRef,
                /** A later reply to the same case followed this one (the case was reopened). */
                isSuperseded: z.boolean(),
                findings: z.array(z.object({ code: z.enum(FINDING_CODES), severity: z.enum(['warning', 'notice']) })),
              }),
            ),
            total: z.number().int(),
            page: z.number().int(),
            pageSize: z.number().int(),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOrThrow(request);
      const q = request.query;
      const from = startOfChinaDay(q.from);
      const to = new Date(startOfChinaDay(q.to).getTime() + DAY_MS);
      if (to <= from) throw fieldError('to', 'the period ends before it starts', 'querystring');
      const { replies, isCapped } = await listRepliesForReview(deps.db, actor, { from, to, unitId: q.unitId ?? null }, REVIEW_CAP);
      // The check is synchronous: let the server answer other requests every 100 replies.
      const review = await reviewRepliesPaced(replies, { code: q.code ?? null }, { chunk: 100, pause: () => new Promise((resolve) => setImmediate(resolve)) });
      const unitIds = [...new Set([...review.byUnit.map((u) => u.unitId), ...review.items.map((i) => i.unitId)].filter((id): id is string => id !== null))];
      const names = await findNames(deps.db, 'units', unitIds);
      const language = languageOf(request);
      const unit = (id: string | null) => {
        const row = id ? names.get(id) : undefined;
        return id && row ? { id, name: localize(row.name, language) } : null;
      };
      const start = (q.page - 1) * q.pageSize;
      return {
        checked: review.checked,
        flagged: review.flagged,
        isCapped,
        byCode: review.byCode.map((c) => ({ ...c, message: FINDING_MESSAGES[c.code][language] })),
        byUnit: review.byUnit.map((u) => ({ unit: unit(u.unitId), checked: u.checked, flagged: u.flagged })),
        items: review.items.slice(start, start + q.pageSize).map((i) => ({
          replyId: i.replyId, caseId: i.caseId, trackingNo: i.trackingNo, title: i.title, kind: i.kind, channel: i.channel, outcome: i.outcome,
          repliedAt: i.repliedAt.toISOString(), unit: unit(i.unitId), isSuperseded: i.isSuperseded, findings: i.findings,
        })),
        total: review.items.length,
        page: q.page,
        pageSize: q.pageSize,
      };
    },
  );
};
