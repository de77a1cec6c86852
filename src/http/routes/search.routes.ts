import type { FastifyInstance } from 'fastify';
import { patchSchemaOf } from '../../core/shared/patch-schema.js';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Actor } from '../../core/auth/actor.js';
import { checkOrganisationWideOrThrow } from '../../core/auth/organisation-wide.js';
import { CASE_STATUSES, CHANNELS, KINDS, type Language } from '../../core/case/case.types.js';
import { checkIntake, duplicatesOfCase, type VisibleSuggestion } from '../../core/duplicates/check-duplicates.js';
import { duplicateSettingsSchema, resolveDuplicateSettings } from '../../core/duplicates/duplicate-settings.js';
import { listRepeatMatters, listRepeatRequesters, type RepeatDeps } from '../../core/duplicates/list-repeats.js';
import { unmergeCase } from '../../core/duplicates/unmerge-case.js';
import { searchCases, type CaseSummaryRow } from '../../core/search/search-cases.js';
import { AppError } from '../../core/shared/app-error.js';
import { fieldError } from '../../core/shared/field-error.js';
import { ROUTER_RETRAIN_JOB } from '../../core/suggestions/retrain-job.js';
import { caseText, suggestDispatch, type DispatchSuggestions } from '../../core/suggestions/suggest-dispatch.js';
import { resolveSuggestionSettings, suggestionSettingsSchema } from '../../core/suggestions/suggestion-settings.js';
import { findNames } from '../../db/case-query.repository.js';
import {
  createDuplicateDeps, createUnmergeDeps, linkCases, listCaseLinks, loadTextSetting, maskedRequesterOfCase, repeatRequesterGroups,
  requesterKeysOf, saveTextSetting, similarityEdges, unlinkCases, visibleCaseIds,
} from '../../db/duplicates.repository.js';
import { enqueueJob } from '../../db/jobs.repository.js';
import { createSearchStore, loadCaseSummaries } from '../../db/search.repository.js';
import { createActiveModels, listRouterModels, loadSuggestionSettings } from '../../db/suggestions.repository.js';
import { actorOrThrow } from '../auth.plugin.js';
import { loadCaseDetail } from '../case-detail.js';
import { caseDetailSchema, caseSummarySchema, toSummaryView } from '../case.views.js';
import type { AppDeps } from '../context.js';
import { languageOf, localize } from '../language.js';

/**
 * Search, duplicates and repeats, related-case links, undoing a merge, and dispatch suggestions: the text
 * features of issue 4. Everything a caller gets is limited to the cases their unit may see.
 */

const dateOrDateTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
const lang = z.enum(['zh-Hans', 'bo', 'en']).optional();
const idParams = z.object({ id: z.uuid() });

/** A date alone means the whole day in China: `to=2026-11-22` includes that day (as in the case list). */
export const parseBound = (value: string | undefined, isUpper: boolean): Date | undefined => {
  if (!value) return undefined;
  if (value.length === 10) {
    const start = new Date(`${value}T00:00:00+08:00`);
    return isUpper ? new Date(start.getTime() + 24 * 3600_000) : start;
  }
  return new Date(value);
};

// ---------------------------------------------------------------------------------------------------------
// Schemas

export const searchQuerySchema = z
  .object({
    q: z.string().max(200).default(''),
    status: z
      .string()
      .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(z.enum(CASE_STATUSES)))
      .optional(),
    unitId: z.uuid().optional(),
    categoryId: z.uuid().optional(),
    channel: z.enum(CHANNELS).optional(),
    kind: z.enum(KINDS).optional(),
    from: dateOrDateTime.optional(),
    to: dateOrDateTime.optional(),
    page: z.coerce.number().int().min(1).max(50).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
    lang,
  })
  .strict();

export const highlightSchema = z.object({
  field: z.enum(['title', 'description', 'reply', 'note', 'address']),
  text: z.string(),
  /** UTF-16 offsets into `text`, end exclusive. */
  marks: z.array(z.object({ start: z.number().int(), end: z.number().int() })),
});

const searchResultSchema = z.object({
  items: z.array(caseSummarySchema.extend({ score: z.number(), highlights: z.array(highlightSchema) })),
  total: z.number().int(),
  /** False when there are more matches than `total`: counting stops at 300, and then the newest 300 are ranked. */
  isTotalExact: z.boolean(),
  page: z.number().int(),
  pageSize: z.number().int(),
});

const reasonSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('same_requester'), via: z.enum(['phone', 'id_number']), daysApart: z.number().int() }),
  z.object({ kind: z.literal('similar_text'), similarity: z.number() }),
  z.object({ kind: z.literal('nearby'), distanceMetres: z.number().int() }),
]);

const duplicateListSchema = z.object({
  items: z.array(caseSummarySchema.extend({ score: z.number(), reasons: z.array(reasonSchema), isLinked: z.boolean() })),
});

const duplicateCheckSchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    description: z.string().trim().max(10000).default(''),
    lat: z.number().min(-90).max(90).optional(),
    lng: z.number().min(-180).max(180).optional(),
    requester: z
      .object({ phone: z.string().trim().max(30).optional(), idNumber: z.string().trim().max(30).optional() })
      .strict()
      .optional(),
    excludeCaseId: z.uuid().optional(),
  })
  .strict()
  .refine((v) => (v.lat === undefined) === (v.lng === undefined), { message: 'lat and lng go together', path: ['lat'] });

const repeatsQuerySchema = z
  .object({
    kind: z.enum(['requesters', 'matters']).default('requesters'),
    from: dateOrDateTime.optional(),
    to: dateOrDateTime.optional(),
    minCases: z.coerce.number().int().min(2).max(100).default(2),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    lang,
  })
  .strict();

const repeatRequestersSchema = z.object({
  kind: z.literal('requesters'),
  items: z.array(
    z.object({
      via: z.enum(['phone', 'id_number']),
      /**
       * Who it is, masked (138****1234), for callers who may see personal data; null otherwise. The full values
       * are revealed one person at a time by GET /cases/{caseId}/requester, which is audited.
       */
      requester: z
        .object({
          /** The case the masked values come from (the latest of the group): the one to reveal. */
          caseId: z.uuid(),
          name: z.string().nullable(),
          phone: z.string().nullable(),
          idNumber: z.string().nullable(),
          isMasked: z.literal(true),
        })
        .nullable(),
      caseCount: z.number().int(),
      openCount: z.number().int(),
      firstAt: z.string(),
      lastAt: z.string(),
      /** The latest 20 at most. */
      cases: z.array(caseSummarySchema),
    }),
  ),
});

const repeatMattersSchema = z.object({
  kind: z.literal('matters'),
  items: z.array(
    z.object({
      caseCount: z.number().int(),
      requesterCount: z.number().int(),
      openCount: z.number().int(),
      meanSimilarity: z.number(),
      firstAt: z.string(),
      lastAt: z.string(),
      cases: z.array(caseSummarySchema),
    }),
  ),
});

const linkBodySchema = z.object({ caseId: z.uuid(), note: z.string().trim().max(500).optional() }).strict();
const linkListSchema = z.object({ items: z.array(caseSummarySchema.extend({ note: z.string().nullable(), linkedAt: z.string() })) });

const ref = z.object({ id: z.uuid(), code: z.string(), name: z.string() });
const suggestionResultSchema = z.object({
  items: z.array(z.object({ unitId: z.uuid(), unit: ref.nullable(), categoryId: z.uuid().optional(), category: ref.nullable(), confidence: z.number() })),
  categories: z.array(z.object({ categoryId: z.uuid(), category: ref.nullable(), confidence: z.number() })),
  /** auto: the case's category allows auto-dispatch and the top suggestion is confident enough; hint: show it; none: no model. */
  mode: z.enum(['auto', 'hint', 'none']),
  reason: z.string(),
  autoThreshold: z.number(),
  models: z.object({ unit: z.number().int().nullable(), category: z.number().int().nullable() }),
});
const suggestBodySchema = z.object({ text: z.string().trim().min(1).max(10000), categoryId: z.uuid().optional() }).strict();

// ---------------------------------------------------------------------------------------------------------

export const registerSearchRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const now = deps.now;

  const summariesInOrder = async (ids: readonly string[], language: Language) => {
    const rows = await loadCaseSummaries(deps.db, ids);
    return ids.flatMap((id) => {
      const row = rows.get(id);
      return row ? [toSummaryView(row, language, now())] : [];
    });
  };

  const duplicateItems = async (found: VisibleSuggestion[], language: Language) => {
    const rows = await loadCaseSummaries(deps.db, found.map((f) => f.caseId));
    return found.flatMap((f) => {
      const row: CaseSummaryRow | undefined = rows.get(f.caseId);
      return row ? [{ ...toSummaryView(row, language, now()), score: f.score, reasons: f.reasons, isLinked: f.isLinked }] : [];
    });
  };

  // --- Search ---------------------------------------------------------------------------------------------

  api.get(
    '/search/cases',
    {
      config: { access: 'case.read' },
      schema: {
        tags: ['search'],
        summary: 'Full-text search of the cases the caller may see (Chinese and Tibetan), ranked and highlighted',
        querystring: searchQuerySchema,
        response: { 200: searchResultSchema },
      },
    },
    async (request) => {
      const actor = actorOrThrow(request);
      const q = request.query;
      const result = await searchCases(createSearchStore(deps.db, now), {
        actor,
        q: q.q,
        filter: {
          statuses: q.status,
          unitId: q.unitId,
          categoryId: q.categoryId,
          channel: q.channel,
          kind: q.kind,
          from: parseBound(q.from, false),
          to: parseBound(q.to, true),
        },
        page: q.page,
        pageSize: q.pageSize,
      });
      const language = languageOf(request);
      return {
        items: result.items.map((hit) => ({ ...toSummaryView(hit.row, language, now()), score: hit.score, highlights: hit.highlights })),
        total: result.total,
        isTotalExact: result.isTotalExact,
        page: q.page,
        pageSize: q.pageSize,
      };
    },
  );

  // --- Duplicates and repeats -----------------------------------------------------------------------------

  api.post(
    '/duplicates/check',
    {
      config: { access: 'case.read' },
      schema: {
        tags: ['duplicates'],
        summary: 'Likely duplicates of a request being taken in, before it is registered',
        querystring: z.object({ lang }).strict(),
        body: duplicateCheckSchema,
        response: { 200: duplicateListSchema },
      },
    },
    async (request) => {
      const actor = actorOrThrow(request);
      const found = await checkIntake(createDuplicateDeps(deps.db, now), { actor, intake: request.body });
      return { items: await duplicateItems(found, languageOf(request)) };
    },
  );

  api.get(
    '/cases/:id/duplicates',
    {
      config: { access: 'case.read' },
      schema: { tags: ['duplicates'], summary: 'Likely duplicates of a case, with a score and the reasons', params: idParams, querystring: z.object({ lang }).strict(), response: { 200: duplicateListSchema } },
    },
    async (request) => {
      const actor = actorOrThrow(request);
      const found = await duplicatesOfCase(createDuplicateDeps(deps.db, now), { actor, caseId: request.params.id });
      return { items: await duplicateItems(found, languageOf(request)) };
    },
  );

  api.get(
    '/duplicates/repeats',
    {
      config: { access: 'case.supervise' },
      schema: {
        tags: ['duplicates'],
        summary: 'Repeat requesters (kind=requesters) or repeat matters (kind=matters) in a period, for supervisors',
        querystring: repeatsQuerySchema,
        response: { 200: z.union([repeatRequestersSchema, repeatMattersSchema]) },
      },
    },
    async (request) => {
      const actor = actorOrThrow(request);
      const q = request.query;
      const language = languageOf(request);
      const to = parseBound(q.to, true) ?? now();
      const from = parseBound(q.from, false) ?? new Date(to.getTime() - 90 * 86_400_000);
      const repeatDeps: RepeatDeps = {
        requesterGroups: (a, input) => repeatRequesterGroups(deps.db, a, input),
        similarityEdges: (a, input) => similarityEdges(deps.db, a, input),
        requesterKeysOf: (ids) => requesterKeysOf(deps.db, ids),
      };
      const query = { actor, from, to, minCases: q.minCases, limit: q.limit };
      if (q.kind === 'requesters') {
        const groups = await listRepeatRequesters(repeatDeps, query);
        const canSeePersonalData = actor.permissions.has('case.view_personal_data');
        const items = [];
        for (const g of groups) {
          const latest = g.caseIds[0];
          const person = canSeePersonalData && latest ? await maskedRequesterOfCase(deps.db, latest) : undefined;
          items.push({
            via: g.via,
            requester: person && latest ? { caseId: latest, ...person, isMasked: true as const } : null,
            caseCount: g.caseCount,
            openCount: g.openCount,
            firstAt: g.firstAt.toISOString(),
            lastAt: g.lastAt.toISOString(),
            cases: await summariesInOrder(g.caseIds, language),
          });
        }
        return { kind: 'requesters' as const, items };
      }
      const matters = await listRepeatMatters(repeatDeps, query);
      const items = [];
      for (const m of matters) {
        const cases = await summariesInOrder(m.caseIds, language);
        cases.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
        const times = cases.map((c) => c.createdAt).sort();
        items.push({
          caseCount: cases.length,
          requesterCount: m.requesterCount,
          openCount: cases.filter((c) => ['registered', 'dispatched', 'accepted', 'returned'].includes(c.status)).length,
          meanSimilarity: m.meanSimilarity,
          firstAt: times[0] ?? '',
          lastAt: times[times.length - 1] ?? '',
          cases: cases.slice(0, 20),
        });
      }
      return { kind: 'matters' as const, items };
    },
  );

  api.get(
    '/duplicates/settings',
    { config: { access: 'settings.manage' }, schema: { tags: ['duplicates'], summary: 'Duplicate detection settings (administrators)', response: { 200: duplicateSettingsSchema } } },
    async () => {
      return resolveDuplicateSettings(await loadTextSetting(deps.db, 'duplicates'));
    },
  );

  api.put(
    '/duplicates/settings',
    {
      config: { access: 'settings.manage' },
      schema: {
        tags: ['duplicates'],
        summary: 'Change duplicate detection settings (administrators of a top-level unit: 403 not_top_level_unit otherwise)',
        body: patchSchemaOf(duplicateSettingsSchema),
        response: { 200: duplicateSettingsSchema },
      },
    },
    async (request) => {
      const actor = actorOrThrow(request);
      // One setting for every unit's intake: not a unit's to change.
      checkOrganisationWideOrThrow(actor, 'duplicate_settings');
      const merged = resolveDuplicateSettings({ ...(await loadTextSetting(deps.db, 'duplicates')), ...request.body });
      await saveTextSetting(deps.db, 'duplicates', merged, actor.userId, now());
      return merged;
    },
  );

  // --- Related cases and undoing a merge ------------------------------------------------------------------

  const requireVisible = async (actor: Actor, ids: string[]): Promise<void> => {
    const visible = await visibleCaseIds(deps.db, actor, ids);
    for (const id of ids) if (!visible.has(id)) throw new AppError('case.not_found', 'no such case', { id });
  };

  api.get(
    '/cases/:id/links',
    {
      config: { access: 'case.read' },
      schema: { tags: ['duplicates'], summary: 'Cases linked to this one as related', params: idParams, querystring: z.object({ lang }).strict(), response: { 200: linkListSchema } },
    },
    async (request) => {
      const actor = actorOrThrow(request);
      await requireVisible(actor, [request.params.id]);
      const links = await listCaseLinks(deps.db, request.params.id);
      const visible = await visibleCaseIds(deps.db, actor, links.map((l) => l.caseId));
      const shown = links.filter((l) => visible.has(l.caseId));
      const summaries = await summariesInOrder(shown.map((l) => l.caseId), languageOf(request));
      return {
        items: summaries.map((s) => {
          const link = shown.find((l) => l.caseId === s.id);
          return { ...s, note: link?.note ?? null, linkedAt: (link?.createdAt ?? new Date(0)).toISOString() };
        }),
      };
    },
  );

  api.post(
    '/cases/:id/links',
    {
      config: { access: 'case.merge' },
      schema: { tags: ['duplicates'], summary: 'Link a case to this one as related (both timelines record it)', params: idParams, body: linkBodySchema, response: { 201: linkListSchema, 200: linkListSchema } },
    },
    async (request, reply) => {
      const actor = actorOrThrow(request);
      const { id } = request.params;
      if (request.body.caseId === id) throw fieldError('caseId', 'a case cannot be linked to itself');
      await requireVisible(actor, [id, request.body.caseId]);
      const isNew = await linkCases(deps.db, { caseId: id, otherId: request.body.caseId, note: request.body.note ?? null, actorId: actor.userId, at: now() });
      const links = await listCaseLinks(deps.db, id);
      const visible = await visibleCaseIds(deps.db, actor, links.map((l) => l.caseId));
      const summaries = await summariesInOrder(links.filter((l) => visible.has(l.caseId)).map((l) => l.caseId), languageOf(request));
      const items = summaries.map((s) => {
        const link = links.find((l) => l.caseId === s.id);
        return { ...s, note: link?.note ?? null, linkedAt: (link?.createdAt ?? new Date(0)).toISOString() };
      });
      return reply.status(isNew ? 201 : 200).send({ items });
    },
  );

  api.delete(
    '/cases/:id/links/:otherId',
    {
      config: { access: 'case.merge' },
      schema: { tags: ['duplicates'], summary: 'Remove a related-case link', params: z.object({ id: z.uuid(), otherId: z.uuid() }), response: { 204: z.null() } },
    },
    async (request, reply) => {
      const actor = actorOrThrow(request);
      await requireVisible(actor, [request.params.id, request.params.otherId]);
      const isRemoved = await unlinkCases(deps.db, { caseId: request.params.id, otherId: request.params.otherId, actorId: actor.userId, at: now() });
      if (!isRemoved) throw new AppError('resource.not_found', 'these cases are not linked');
      return reply.status(204).send(null);
    },
  );

  api.post(
    '/cases/:id/unmerge',
    {
      config: { access: 'case.merge' },
      schema: {
        tags: ['duplicates'],
        summary: 'Undo a merge: merged → the status it had before, with its assignments',
        params: idParams,
        querystring: z.object({ lang }).strict(),
        body: z.object({ reason: z.string().trim().min(1).max(2000) }).strict(),
        response: { 200: caseDetailSchema },
      },
    },
    async (request) => {
      const actor = actorOrThrow(request);
      const record = await unmergeCase(createUnmergeDeps(deps.db, now), { caseId: request.params.id, actor, reason: request.body.reason });
      return loadCaseDetail(deps.db, record, { actor, language: languageOf(request), now: now() });
    },
  );

  // --- Dispatch suggestions -------------------------------------------------------------------------------

  const suggestionView = async (s: DispatchSuggestions, language: Language, autoThreshold: number) => {
    const units = await findNames(deps.db, 'units', s.items.map((i) => i.unitId));
    const categories = await findNames(deps.db, 'categories', [...s.categories.map((c) => c.categoryId), ...s.items.flatMap((i) => (i.categoryId ? [i.categoryId] : []))]);
    const named = (row: { id: string; code: string; name: Parameters<typeof localize>[0] } | undefined) =>
      row ? { id: row.id, code: row.code, name: localize(row.name, language) } : null;
    return {
      items: s.items.map((i) => ({ ...i, unit: named(units.get(i.unitId)), category: i.categoryId ? named(categories.get(i.categoryId)) : null })),
      categories: s.categories.map((c) => ({ ...c, category: named(categories.get(c.categoryId)) })),
      mode: s.mode,
      reason: s.reason,
      autoThreshold,
      models: s.models,
    };
  };

  api.get(
    '/cases/:id/suggestions',
    {
      config: { access: 'case.read' },
      schema: { tags: ['suggestions'], summary: 'Suggested lead units (and categories) for a case, with confidence', params: idParams, querystring: z.object({ lang }).strict(), response: { 200: suggestionResultSchema } },
    },
    async (request) => {
      const actor = actorOrThrow(request);
      await requireVisible(actor, [request.params.id]);
      const row = await deps.db.selectFrom('cases').select(['title', 'description', 'category_id']).where('id', '=', request.params.id).executeTakeFirstOrThrow();
      const settings = await loadSuggestionSettings(deps.db);
      const s = await suggestDispatch({ models: createActiveModels(deps.db), settings }, { text: caseText(row.title, row.description), categoryId: row.category_id });
      return suggestionView(s, languageOf(request), settings.autoThreshold);
    },
  );

  api.post(
    '/suggestions',
    {
      config: { access: 'case.read' },
      schema: { tags: ['suggestions'], summary: 'Suggested lead units for a text (the intake form before registering)', querystring: z.object({ lang }).strict(), body: suggestBodySchema, response: { 200: suggestionResultSchema } },
    },
    async (request) => {
      const settings = await loadSuggestionSettings(deps.db);
      const s = await suggestDispatch({ models: createActiveModels(deps.db), settings }, { text: request.body.text, categoryId: request.body.categoryId ?? null });
      return suggestionView(s, languageOf(request), settings.autoThreshold);
    },
  );

  api.post(
    '/suggestions/retrain',
    {
      config: { access: 'settings.manage' },
      schema: { tags: ['suggestions'], summary: 'Retrain the suggestion models now, in the background (administrators)', response: { 202: z.object({ isQueued: z.boolean() }) } },
    },
    async (request, reply) => {
      const actor = actorOrThrow(request);
      const at = now();
      await enqueueJob(deps.db, {
        kind: ROUTER_RETRAIN_JOB,
        runAt: at,
        payload: { version: 1, trigger: 'manual', requestedBy: actor.userId },
        dedupeKey: `${ROUTER_RETRAIN_JOB}:manual:${at.toISOString()}`,
      });
      return reply.status(202).send({ isQueued: true });
    },
  );

  api.get(
    '/suggestions/models',
    {
      config: { access: 'settings.manage' },
      schema: {
        tags: ['suggestions'],
        summary: 'Trained model versions with their evaluation (administrators)',
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20), lang }).strict(),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.uuid(), target: z.enum(['unit', 'category']), version: z.number().int(), status: z.string(), trigger: z.string(), examples: z.number().int(),
                labels: z.number().int(), seconds: z.number(), error: z.string().nullable(), trainedAt: z.string(), activatedAt: z.string().nullable(),
                evaluation: z.record(z.string(), z.unknown()),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const rows = await listRouterModels(deps.db, request.query.limit);
      return {
        items: rows.map((r) => ({ ...r, target: r.target as 'unit' | 'category', trainedAt: r.trainedAt.toISOString(), activatedAt: r.activatedAt?.toISOString() ?? null })),
      };
    },
  );

  api.get(
    '/suggestions/settings',
    { config: { access: 'settings.manage' }, schema: { tags: ['suggestions'], summary: 'Suggestion and auto-dispatch settings (administrators)', response: { 200: suggestionSettingsSchema } } },
    async () => {
      return loadSuggestionSettings(deps.db);
    },
  );

  api.put(
    '/suggestions/settings',
    {
      config: { access: 'settings.manage' },
      schema: {
        tags: ['suggestions'],
        summary: 'Change suggestion settings, e.g. enable auto-dispatch for categories (administrators of a top-level unit: 403 not_top_level_unit otherwise)',
        body: patchSchemaOf(suggestionSettingsSchema),
        response: { 200: suggestionSettingsSchema },
      },
    },
    async (request) => {
      const actor = actorOrThrow(request);
      // Auto-dispatch sends every unit's cases without a dispatcher: not a unit's to switch on.
      checkOrganisationWideOrThrow(actor, 'suggestion_settings');
      const merged = resolveSuggestionSettings({ ...(await loadTextSetting(deps.db, 'suggestions')), ...request.body });
      await saveTextSetting(deps.db, 'suggestions', merged, actor.userId, now());
      return merged;
    },
  );
};
