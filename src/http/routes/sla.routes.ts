import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { dayInfo } from '../../core/calendar/calendar.js';
import { addDaysIso, dayNumberOfIso } from '../../core/calendar/iso-date.js';
import type { CaseRecord } from '../../core/case/case.record.js';
import { getCase } from '../../core/case/get-case.js';
import { AppError } from '../../core/shared/app-error.js';
import { isoDaySchema } from '../../core/shared/iso-day.js';
import { explanationText } from '../../core/sla/explain-text.js';
import { SLA_TARGETS, type SlaTarget } from '../../core/sla/sla-policy.js';
import { calendarForUnit, findSlaPolicy, listSlaPolicies, saveSlaPolicy } from '../../db/sla.repository.js';
import { findCategoryRow } from '../../db/case.repository.js';
import { appendAudit } from '../../db/audit.repository.js';
import { changeSlaPolicy } from '../../core/sla/change-sla-policy.js';
import { slaPolicyBodySchema, slaPolicyCodeSchema, slaPolicyViewSchema } from '../../core/sla/sla-policy.schemas.js';
import { overdueByUnit } from '../../db/case-query.repository.js';
import { actorOrThrow } from '../auth.plugin.js';
import type { AppDeps } from '../context.js';
import { languageOf, localize } from '../language.js';

const isMet = (record: CaseRecord, target: SlaTarget): boolean => {
  switch (target) {
    case 'accept':
      return record.acceptedAt !== null || record.status !== 'dispatched';
    case 'reply':
      return record.repliedAt !== null;
    case 'callback':
      return record.callbackAt !== null;
    default:
      return false;
  }
};

const MAX_DAYS = 400;

export const registerSlaRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/cases/:id/sla',
    {
      config: { access: 'case.read' },
      schema: {
        tags: ['time limits'],
        summary: 'The time limits of a case: which policy, which calendar, each due date and why',
        params: z.object({ id: z.uuid() }),
        querystring: z.object({ lang: z.enum(['zh-Hans', 'bo', 'en']).optional() }),
        response: {
          200: z.object({
            policy: z.object({ code: z.string(), name: z.string() }).nullable(),
            calendar: z.string().nullable(),
            state: z.enum(['ok', 'warning', 'overdue']),
            targets: z.array(
              z.object({
                target: z.enum(SLA_TARGETS),
                dueAt: z.string(),
                warnAt: z.string(),
                state: z.enum(['ok', 'warning', 'overdue', 'met']),
                text: z.string(),
                explanation: z.record(z.string(), z.unknown()),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const actor = actorOrThrow(request);
      const { record } = await getCase(deps.caseDeps, { caseId: request.params.id, actor });
      const language = languageOf(request);
      const now = deps.now();
      const targets = SLA_TARGETS.flatMap((target) => {
        const t = record.sla.targets?.[target];
        if (!t) return [];
        const state = isMet(record, target)
          ? ('met' as const)
          : now.getTime() >= new Date(t.dueAt).getTime()
            ? ('overdue' as const)
            : now.getTime() >= new Date(t.warnAt).getTime()
              ? ('warning' as const)
              : ('ok' as const);
        return [{ target, dueAt: t.dueAt, warnAt: t.warnAt, state, text: explanationText(t.explanation, language), explanation: t.explanation as unknown as Record<string, unknown> }];
      });
      const open = targets.filter((t) => t.state !== 'met');
      const state: 'ok' | 'warning' | 'overdue' = open.some((t) => t.state === 'overdue') ? 'overdue' : open.some((t) => t.state === 'warning') ? 'warning' : 'ok';
      return {
        policy: record.sla.policy ? { code: record.sla.policy.code, name: localize(record.sla.policy.name, language) } : null,
        calendar: record.sla.calendar ?? null,
        state,
        targets,
      };
    },
  );

  api.get(
    '/sla/overdue-by-unit',
    {
      config: { access: 'case.read' },
      schema: {
        tags: ['time limits'],
        summary: 'Open, overdue and warning case counts per lead unit, within what the caller may see',
        querystring: z.object({ lang: z.enum(['zh-Hans', 'bo', 'en']).optional() }),
        response: {
          200: z.object({
            items: z.array(z.object({ unit: z.object({ id: z.uuid(), code: z.string(), name: z.string() }), open: z.number().int(), overdue: z.number().int(), warning: z.number().int() })),
          }),
        },
      },
    },
    async (request) => {
      const language = languageOf(request);
      const rows = await overdueByUnit(deps.db, actorOrThrow(request), deps.now());
      return { items: rows.map((r) => ({ ...r, unit: { ...r.unit, name: localize(r.unit.name, language) } })) };
    },
  );

  api.get(
    '/calendar/days',
    {
      config: { access: 'public' },
      schema: {
        tags: ['time limits'],
        summary: 'Working days and holidays of a unit\'s calendar (default: the top unit\'s)',
        querystring: z.object({
          from: isoDaySchema,
          to: isoDaySchema,
          unit: z.uuid().optional(),
          lang: z.enum(['zh-Hans', 'bo', 'en']).optional(),
        }),
        response: {
          200: z.object({
            calendar: z.string(),
            items: z.array(
              z.object({ date: z.string(), isWorkday: z.boolean(), holiday: z.object({ code: z.string(), name: z.string() }).nullable() }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const { from, to, unit } = request.query;
      const span = dayNumberOfIso(to) - dayNumberOfIso(from);
      if (span < 0 || span >= MAX_DAYS) {
        throw new AppError('validation.failed', `from..to must be 1 to ${MAX_DAYS} days`, {
          issues: [{ path: 'querystring.to', message: `must be on or after from and within ${MAX_DAYS} days` }],
        });
      }
      if (unit && !(await deps.db.selectFrom('units').select('id').where('id', '=', unit).executeTakeFirst())) {
        throw new AppError('unit.not_found', 'no such unit', { id: unit });
      }
      const calendar = await calendarForUnit(deps.db, unit ?? null);
      const language = languageOf(request);
      const items = [];
      for (let i = 0; i <= span; i += 1) {
        const info = dayInfo(calendar, addDaysIso(from, i));
        items.push({
          date: info.date,
          isWorkday: info.isWorkday,
          holiday: info.holiday ? { code: info.holiday.code, name: info.holiday.name[language] } : null,
        });
      }
      return { calendar: calendar.id, items };
    },
  );

  // ---- time-limit policies (administrators) ------------------------------------------------------------------

  api.get(
    '/sla/policies',
    {
      config: { access: 'settings.manage' },
      schema: { tags: ['sla'], summary: 'Every time-limit policy, active or not, in the order they are tried', response: { 200: z.object({ items: z.array(slaPolicyViewSchema) }) } },
    },
    async () => ({ items: await listSlaPolicies(deps.db) }),
  );

  api.put(
    '/sla/policies/:code',
    {
      config: { access: 'settings.manage' },
      schema: {
        tags: ['sla'],
        summary: 'Create or change a time-limit policy (staff of a top-level unit: 403 not_top_level_unit otherwise); due dates already set do not move; audited',
        params: z.object({ code: slaPolicyCodeSchema }),
        body: slaPolicyBodySchema,
        response: { 200: slaPolicyViewSchema },
      },
    },
    async (request) => {
      const actor = actorOrThrow(request);
      const { code } = request.params;
      const body = request.body;
      // `If-None-Match: *` asks to create only: a new policy must not silently replace one with the same code.
      const isCreateOnly = request.headers['if-none-match'] === '*';
      return deps.db.transaction().execute((trx) =>
        changeSlaPolicy(
          {
            store: {
              hasCategory: async (id) => (await findCategoryRow(trx, id)) !== null,
              findForUpdate: (policyCode) => findSlaPolicy(trx, policyCode, { isForUpdate: true }),
              find: (policyCode) => findSlaPolicy(trx, policyCode),
              save: (policyCode, policy, options) => saveSlaPolicy(trx, policyCode, policy, options),
              audit: (entry) =>
                appendAudit(trx, {
                  at: deps.now(), actorId: actor.userId, actorName: actor.username, ip: request.ip, userAgent: request.headers['user-agent'] ?? null,
                  action: entry.action, subjectKind: 'sla_policy', subjectId: entry.code, outcome: 'ok', data: entry.data,
                }),
            },
          },
          { actor, code, policy: body, isCreateOnly },
        ),
      );
    },
  );
};
