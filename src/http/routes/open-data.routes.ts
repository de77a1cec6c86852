import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { LANGUAGES, type Language } from '../../core/case/case.types.js';
import { toCsv } from '../../core/open-data/csv.js';
import { LHASA_DISTRICTS } from '../../core/open-data/districts.js';
import { changeOpenDataSettings } from '../../core/open-data/change-open-data-settings.js';
import { OPEN_DATA_REFRESH_ALL_JOB } from '../../core/open-data/open-data.types.js';
import { reviewPublicCase, type OpenDataReviewStore } from '../../core/open-data/review-public-case.js';
import { publicStatsRow, type StatsCell } from '../../core/open-data/statistics.js';
import { AppError } from '../../core/shared/app-error.js';
import { appendAudit } from '../../db/audit.repository.js';
import { enqueueJob } from '../../db/jobs.repository.js';
import {
  findCaseUnitPaths, findOpenDataCaseForUpdate, listForReview, listPublishedCases, loadOpenDataSettings, loadPublicationRules, publicStatistics,
  replacePublicationRules, saveOpenDataSettings, updateOpenDataCase, type PublicCaseFilter, type PublicCaseRow,
} from '../../db/open-data.repository.js';
import { actorOrThrow } from '../auth.plugin.js';
import type { AppDeps } from '../context.js';
import { languageOf, localize } from '../language.js';

const tags = ['open-data'];
const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3600_000;
/** An export holds at most this many cases; narrow the filters for more. */
const EXPORT_MAX = 10_000;
const STATS_MAX_DAYS = 3 * 366;

/** A day in China time: published cases carry dates, not times, which are one more clue to who wrote. */
const chinaDay = (at: Date | null): string | null => (at ? new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10) : null);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD');
const startOfChinaDay = (value: string): Date => new Date(Date.parse(`${value}T00:00:00+08:00`));

const listQuery = z.object({
  from: day.optional(),
  to: day.optional(),
  district: z.string().regex(/^[a-z_]{1,40}$/).optional(),
  category: z.uuid().optional(),
  status: z.enum(['open', 'replied', 'closed']).optional(),
  q: z.string().trim().min(1).max(100).optional(),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
  lang: z.enum(LANGUAGES).optional(),
});
type ListQuery = z.infer<typeof listQuery>;

const named = z.object({ code: z.string(), name: z.string() });
const publicCase = z.object({
  id: z.string(),
  title: z.string(),
  text: z.string(),
  reply: z.string().nullable(),
  category: named.extend({ id: z.uuid() }).nullable(),
  district: named.nullable(),
  status: z.enum(['open', 'replied', 'closed']),
  registeredOn: z.string(),
  repliedOn: z.string().nullable(),
  location: z.object({ lat: z.number(), lng: z.number() }).nullable(),
});
type PublicCase = z.infer<typeof publicCase>;

const count = z.union([z.number().int(), z.string().regex(/^<\d+$/)]);
const statsRow = z.object({ cases: count, replied: count, replyRate: z.number().nullable(), onTimeRate: z.number().nullable() });
const statsResponse = z.object({
  from: z.string(),
  to: z.string(),
  minCell: z.number().int(),
  total: statsRow,
  byDistrict: z.array(statsRow.extend({ district: named.nullable() })),
  byCategory: z.array(statsRow.extend({ category: named.extend({ id: z.uuid() }).nullable() })),
  cells: z.array(statsRow.extend({ district: named.nullable(), category: named.extend({ id: z.uuid() }).nullable() })),
});
type StatsResponse = z.infer<typeof statsResponse>;

const policy = z.enum(['never', 'review', 'auto']);
const settingsBody = z
  .object({
    defaultPolicy: policy,
    isReviewRequired: z.boolean(),
    minCell: z.number().int().min(1).max(100),
    gridMetres: z.number().int().min(50).max(5000),
    rules: z
      .array(z.object({ scope: z.enum(['channel', 'kind', 'category', 'unit']), code: z.string().regex(/^[a-z0-9_]{1,60}$/), policy }))
      .max(500)
      // One rule per value (the table's key): a repeat would otherwise fail the insert after validation.
      .superRefine((rules, ctx) => {
        const seen = new Set<string>();
        rules.forEach((r, i) => {
          const key = `${r.scope}:${r.code}`;
          if (seen.has(key)) ctx.addIssue({ code: 'custom', message: `a rule for ${key} is already given`, path: [i, 'code'] });
          seen.add(key);
        });
      }),
  })
  .strict();

const reviewItem = z.object({
  caseId: z.uuid(),
  publicId: z.string(),
  trackingNo: z.string(),
  policy: z.enum(['review', 'auto']),
  state: z.enum(['pending', 'published', 'withdrawn']),
  hasUnreviewedChanges: z.boolean(),
  category: named.extend({ id: z.uuid() }).nullable(),
  district: named.nullable(),
  status: z.enum(['open', 'replied', 'closed']),
  registeredOn: z.string(),
  auto: z.object({ title: z.string(), text: z.string(), reply: z.string().nullable() }),
  edited: z.object({ title: z.string().nullable(), text: z.string().nullable(), reply: z.string().nullable() }),
  served: z.object({ title: z.string().nullable(), text: z.string().nullable(), reply: z.string().nullable() }),
  reviewedAt: z.string().nullable(),
  publishedAt: z.string().nullable(),
});

const reviewBody = z
  .object({
    action: z.enum(['save', 'publish', 'withdraw']),
    title: z.string().max(200).nullable().optional(),
    text: z.string().max(4000).nullable().optional(),
    reply: z.string().max(4000).nullable().optional(),
  })
  .strict();

type CategoryInfo = { id: string; code: string; name: { 'zh-Hans': string; bo?: string; en?: string } };

export const registerOpenDataRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();

  const categoriesById = async (): Promise<Map<string, CategoryInfo>> => {
    const rows = await deps.db.selectFrom('categories').select(['id', 'code', 'name']).execute();
    return new Map(rows.map((r) => [r.id, r]));
  };
  const districtNamed = (code: string | null, language: Language) => {
    const d = LHASA_DISTRICTS.find((x) => x.code === code);
    return d ? { code: d.code, name: localize(d.name, language) } : null;
  };
  const categoryNamed = (id: string | null, categories: Map<string, CategoryInfo>, language: Language) => {
    const c = id ? categories.get(id) : undefined;
    return c ? { id: c.id, code: c.code, name: localize(c.name, language) } : null;
  };
  const filterOf = (q: ListQuery): PublicCaseFilter => ({
    from: q.from ? startOfChinaDay(q.from) : null,
    to: q.to ? new Date(startOfChinaDay(q.to).getTime() + DAY_MS) : null,
    districtCode: q.district ?? null,
    categoryId: q.category ?? null,
    status: q.status ?? null,
    q: q.q ?? null,
  });
  const toPublic = (r: PublicCaseRow, categories: Map<string, CategoryInfo>, language: Language): PublicCase => ({
    id: r.public_id,
    title: r.title,
    text: r.text,
    reply: r.reply,
    category: categoryNamed(r.category_id, categories, language),
    district: districtNamed(r.district_code, language),
    status: r.status as PublicCase['status'],
    registeredOn: chinaDay(r.registered_at) as string,
    repliedOn: chinaDay(r.replied_at),
    location: r.grid_lat !== null && r.grid_lng !== null ? { lat: r.grid_lat, lng: r.grid_lng } : null,
  });
  // Open data: anyone may read it from anywhere, and caches may keep it a little.
  const openHeaders = (reply: FastifyReply) => reply.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=60');

  api.get(
    '/public/open-data/cases',
    {
      config: { access: 'public', rateLimit: 'public_read' },
      schema: {
        tags, summary: 'Published cases, anonymised: public text and reply, category, district, status, dates and a coarse location', querystring: listQuery,
        response: { 200: z.object({ items: z.array(publicCase), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() }) },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const language = languageOf(request);
      const { rows, total } = await listPublishedCases(deps.db, filterOf(q), { limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
      const categories = await categoriesById();
      openHeaders(reply);
      return { items: rows.map((r) => toPublic(r, categories, language)), total, page: q.page, pageSize: q.pageSize };
    },
  );

  const exportColumns = (language: Language): string[] =>
    ({
      'zh-Hans': ['编号', '标题', '内容', '答复', '类别', '区县', '状态', '登记日期', '答复日期', '纬度', '经度'],
      bo: ['ཨང་རྟགས།', 'ཁ་བྱང་།', 'ནང་དོན།', 'ལན།', 'རིགས།', 'ཆུས་རྫོང་།', 'གནས་སྟངས།', 'ཐོ་འགོད་ཚེས་གྲངས།', 'ལན་བཏབ་ཚེས་གྲངས།', 'འཕྲེད་ཐིག', 'གཞུང་ཐིག'],
      en: ['id', 'title', 'text', 'reply', 'category', 'district', 'status', 'registered_on', 'replied_on', 'lat', 'lng'],
    })[language];

  const allPublished = async (q: ListQuery, language: Language): Promise<PublicCase[]> => {
    const { rows } = await listPublishedCases(deps.db, filterOf(q), { limit: EXPORT_MAX, offset: 0 });
    const categories = await categoriesById();
    return rows.map((r) => toPublic(r, categories, language));
  };

  for (const format of ['csv', 'json'] as const) {
    api.get(
      `/public/open-data/cases.${format}`,
      {
        config: { access: 'public', rateLimit: 'public_read', isHeavy: true },
        schema: {
          tags, summary: `The published cases as ${format.toUpperCase()} (same filters and fields as the list; at most ${EXPORT_MAX})`,
          querystring: listQuery.omit({ page: true, pageSize: true }),
          produces: [format === 'csv' ? 'text/csv' : 'application/json'],
        },
      },
      async (request, reply) => {
        const language = languageOf(request);
        const items = await allPublished({ ...request.query, page: 1, pageSize: EXPORT_MAX }, language);
        openHeaders(reply).header('content-disposition', `attachment; filename="bihuan-open-data-cases.${format}"`);
        if (format === 'json') return reply.header('content-type', 'application/json; charset=utf-8').send(JSON.stringify({ items, total: items.length }));
        const rows = items.map((i) => [i.id, i.title, i.text, i.reply, i.category?.name ?? null, i.district?.name ?? null, i.status, i.registeredOn, i.repliedOn, i.location?.lat ?? null, i.location?.lng ?? null]);
        return reply.header('content-type', 'text/csv; charset=utf-8').send(toCsv(exportColumns(language), rows));
      },
    );
  }

  const statsQuery = z.object({ from: day.optional(), to: day.optional(), lang: z.enum(LANGUAGES).optional() });
  const statistics = async (q: z.infer<typeof statsQuery>, language: Language): Promise<StatsResponse> => {
    const toDay = q.to ?? (chinaDay(deps.now()) as string);
    const to = new Date(startOfChinaDay(toDay).getTime() + DAY_MS);
    const from = q.from ? startOfChinaDay(q.from) : new Date(to.getTime() - 365 * DAY_MS);
    if (from >= to) throw new AppError('validation.failed', 'from must be before to', { issues: [{ path: ['from'], message: 'from must be on or before to' }] });
    if (to.getTime() - from.getTime() > STATS_MAX_DAYS * DAY_MS) {
      throw new AppError('validation.failed', `the period may be at most ${STATS_MAX_DAYS} days`, { issues: [{ path: ['from'], message: 'period too long' }] });
    }
    const settings = await loadOpenDataSettings(deps.db);
    const rows = await publicStatistics(deps.db, from, to);
    const categories = await categoriesById();
    const sum = (cells: StatsCell[]): StatsCell => cells.reduce((a, c) => ({ cases: a.cases + c.cases, replied: a.replied + c.replied, repliedOnTime: a.repliedOnTime + c.repliedOnTime }), { cases: 0, replied: 0, repliedOnTime: 0 });
    const cellOf = (r: (typeof rows)[number]): StatsCell => ({ cases: r.cases, replied: r.replied, repliedOnTime: r.replied_on_time });
    const group = <K extends string | null>(keyOf: (r: (typeof rows)[number]) => K) => {
      const map = new Map<K, StatsCell[]>();
      for (const r of rows) map.set(keyOf(r), [...(map.get(keyOf(r)) ?? []), cellOf(r)]);
      return [...map.entries()].map(([key, cells]) => ({ key, cell: sum(cells) })).sort((a, b) => b.cell.cases - a.cell.cases);
    };
    return {
      from: chinaDay(from) as string,
      to: toDay,
      minCell: settings.minCell,
      total: publicStatsRow(sum(rows.map(cellOf)), settings.minCell),
      byDistrict: group((r) => r.district_code).map(({ key, cell }) => ({ district: districtNamed(key, language), ...publicStatsRow(cell, settings.minCell) })),
      byCategory: group((r) => r.category_id).map(({ key, cell }) => ({ category: categoryNamed(key, categories, language), ...publicStatsRow(cell, settings.minCell) })),
      cells: rows
        .sort((a, b) => b.cases - a.cases)
        .map((r) => ({ district: districtNamed(r.district_code, language), category: categoryNamed(r.category_id, categories, language), ...publicStatsRow(cellOf(r), settings.minCell) })),
    };
  };

  api.get(
    '/public/open-data/stats',
    {
      config: { access: 'public', rateLimit: 'public_read' },
      schema: {
        tags, summary: 'Counts, reply rate and on-time rate per district and category over a period (default: the last 365 days); small cells shown as "<k"',
        querystring: statsQuery, response: { 200: statsResponse },
      },
    },
    async (request, reply) => {
      const result = await statistics(request.query, languageOf(request));
      openHeaders(reply);
      return result;
    },
  );

  for (const format of ['csv', 'json'] as const) {
    api.get(
      `/public/open-data/stats.${format}`,
      { config: { access: 'public', rateLimit: 'public_read', isHeavy: true }, schema: { tags, summary: `The statistics per district and category as ${format.toUpperCase()}`, querystring: statsQuery } },
      async (request, reply) => {
        const language = languageOf(request);
        const stats = await statistics(request.query, language);
        openHeaders(reply).header('content-disposition', `attachment; filename="bihuan-open-data-stats-${stats.from}-${stats.to}.${format}"`);
        if (format === 'json') return reply.header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(stats));
        const header = ({
          'zh-Hans': ['区县', '类别', '件数', '已答复', '答复率', '按时答复率'],
          bo: ['ཆུས་རྫོང་།', 'རིགས།', 'གྲངས།', 'ལན་བཏབ་ཟིན།', 'ལན་འདེབས་ཚད།', 'དུས་ཐོག་ལན་འདེབས་ཚད།'],
          en: ['district', 'category', 'cases', 'replied', 'reply_rate', 'on_time_rate'],
        } as const)[language];
        const rows = stats.cells.map((c) => [c.district?.name ?? null, c.category?.name ?? null, c.cases, c.replied, c.replyRate, c.onTimeRate]);
        return reply.header('content-type', 'text/csv; charset=utf-8').send(toCsv(header, rows));
      },
    );
  }

  api.get(
    '/public/open-data/meta',
    {
      config: { access: 'public', rateLimit: 'public_read' },
      schema: {
        tags, summary: 'What the filters offer: districts (with their centre) and categories', querystring: z.object({ lang: z.enum(LANGUAGES).optional() }),
        response: {
          200: z.object({
            districts: z.array(named.extend({ lat: z.number(), lng: z.number() })),
            categories: z.array(named.extend({ id: z.uuid(), parentId: z.uuid().nullable() })),
          }),
        },
      },
    },
    async (request, reply) => {
      const language = languageOf(request);
      const rules = await loadPublicationRules(deps.db);
      const hidden = new Set(rules.filter((r) => r.scope === 'category' && r.policy === 'never').map((r) => r.code));
      const categories = await deps.db.selectFrom('categories').select(['id', 'code', 'name', 'parent_id']).where('is_active', '=', true).orderBy('sort_order').orderBy('code').execute();
      openHeaders(reply);
      return {
        districts: LHASA_DISTRICTS.map((d) => ({ code: d.code, name: localize(d.name, language), lat: d.lat, lng: d.lng })),
        categories: categories.filter((c) => !hidden.has(c.code)).map((c) => ({ id: c.id, code: c.code, name: localize(c.name, language), parentId: c.parent_id })),
      };
    },
  );

  // ------------------------------------------------------------------------------------------- staff

  api.get(
    '/open-data/review',
    {
      config: { access: 'opendata.manage' },
      schema: {
        tags, summary: 'Cases on or waiting for the portal, with their automatic, edited and served text',
        querystring: z.object({ state: z.enum(['pending', 'published', 'withdrawn']).optional(), unreviewed: z.enum(['true', 'false']).optional(), lang: z.enum(LANGUAGES).optional() }),
        response: { 200: z.object({ items: z.array(reviewItem) }) },
      },
    },
    async (request) => {
      const actor = actorOrThrow(request);
      const language = languageOf(request);
      const rows = await listForReview(deps.db, actor.unitPath, { state: request.query.state ?? null, hasUnreviewedChanges: request.query.unreviewed === undefined ? null : request.query.unreviewed === 'true' }, 500);
      const categories = await categoriesById();
      return {
        items: rows.map((r) => ({
          caseId: r.case_id, publicId: r.public_id, trackingNo: r.tracking_no, policy: r.policy as 'review' | 'auto', state: r.state as 'pending' | 'published' | 'withdrawn',
          hasUnreviewedChanges: r.has_unreviewed_changes, category: categoryNamed(r.category_id, categories, language), district: districtNamed(r.district_code, language),
          status: r.status as PublicCase['status'], registeredOn: chinaDay(r.registered_at) as string,
          auto: { title: r.auto_title, text: r.auto_text, reply: r.auto_reply },
          edited: { title: r.edited_title, text: r.edited_text, reply: r.edited_reply },
          served: { title: r.served_title, text: r.served_text, reply: r.served_reply },
          reviewedAt: r.reviewed_at?.toISOString() ?? null, publishedAt: r.published_at?.toISOString() ?? null,
        })),
      };
    },
  );

  api.put(
    '/open-data/review/:caseId',
    {
      config: { access: 'opendata.manage' },
      schema: {
        tags, summary: 'Edit the public title, text or reply of a case (null: back to the automatic text), publish or withdraw it; audited with before and after',
        params: z.object({ caseId: z.uuid() }), body: reviewBody, response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const actor = actorOrThrow(request);
      await deps.db.transaction().execute(async (trx) => {
        const store: OpenDataReviewStore = {
          findCaseUnitPaths: (caseId) => findCaseUnitPaths(trx, caseId),
          findSnapshotForUpdate: (caseId) => findOpenDataCaseForUpdate(trx, caseId),
          updateSnapshot: (caseId, patch) => updateOpenDataCase(trx, caseId, patch),
          audit: (entry) =>
            appendAudit(trx, {
              at: deps.now(), actorId: actor.userId, actorName: actor.username, ip: request.ip, userAgent: request.headers['user-agent'] ?? null,
              action: entry.action, subjectKind: 'case', subjectId: entry.caseId, outcome: 'ok', data: entry.data,
            }),
        };
        await reviewPublicCase({ store, now: deps.now }, { actor, caseId: request.params.caseId, review: request.body });
      });
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/open-data/settings',
    {
      config: { access: 'opendata.manage' },
      schema: { tags, summary: 'Publication settings and rules per channel, kind, category and unit', response: { 200: settingsBody } },
    },
    async () => ({ ...(await loadOpenDataSettings(deps.db)), rules: await loadPublicationRules(deps.db) }),
  );

  api.put(
    '/open-data/settings',
    {
      config: { access: 'opendata.manage' },
      schema: {
        tags,
        summary: 'Change the publication settings and rules (staff of a top-level unit: 403 not_top_level_unit otherwise); every case is refreshed in the background; audited',
        body: settingsBody,
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const actor = actorOrThrow(request);
      await deps.db.transaction().execute((trx) =>
        changeOpenDataSettings(
          {
            store: {
              load: async () => ({ ...(await loadOpenDataSettings(trx, { isForUpdate: true })), rules: await loadPublicationRules(trx) }),
              save: async (settings, rules) => {
                await saveOpenDataSettings(trx, settings, deps.now());
                await replacePublicationRules(trx, rules, deps.now());
              },
              queueRefreshOfAll: async () => {
                await enqueueJob(trx, { kind: OPEN_DATA_REFRESH_ALL_JOB, runAt: deps.now(), payload: {} });
              },
              audit: (entry) =>
                appendAudit(trx, {
                  at: deps.now(), actorId: actor.userId, actorName: actor.username, ip: request.ip, userAgent: request.headers['user-agent'] ?? null,
                  action: entry.action, subjectKind: 'open_data_settings', subjectId: null, outcome: 'ok', data: entry.data,
                }),
            },
          },
          { actor, configuration: request.body },
        ),
      );
      return reply.status(204).send(null);
    },
  );
};
