import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { getBacklog } from '../../core/stats/backlog.js';
import { getHotspots } from '../../core/stats/hotspots.js';
import { gatherCalendarReport } from '../../core/reports/report-data.js';
import type { StatsCategory, StatsDeps, StatsUnit } from '../../core/stats/stats.ports.js';
import { getBreakdown, getRanking, getSeries, getSummary, type StatsScope } from '../../core/stats/stats-queries.js';
import {
  backlogQuerySchema,
  backlogResponseSchema,
  breakdownQuerySchema,
  breakdownResponseSchema,
  hotspotsQuerySchema,
  hotspotsResponseSchema,
  rankingQuerySchema,
  rankingResponseSchema,
  reportQuerySchema,
  seriesQuerySchema,
  seriesResponseSchema,
  summaryQuerySchema,
  summaryResponseSchema,
} from '../../core/stats/stats.schemas.js';
import type { Language } from '../../core/case/case.types.js';
import { createReportsStore } from '../../db/reports.repository.js';
import { createStatsStore } from '../../db/stats-query.repository.js';
import { renderReportXlsx } from '../../reports/report-xlsx.js';
import { actorOrThrow } from '../auth.plugin.js';
import type { AppDeps, RouteAccess } from '../context.js';
import { languageOf, localize } from '../language.js';

/**
 * Who may read statistics. Every figure is already limited to the caller's own unit and the units below it,
 * so reading cases is enough for now; a dedicated `stats.read` permission (supervisors, unit leaders, admin)
 * can replace it here once it exists in roles.ts.
 */
const STATS_ACCESS: RouteAccess = 'case.read';
const TAGS = ['statistics'];
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const refOf = (x: StatsUnit | StatsCategory, language: Language) => ({ id: x.id, code: x.code, name: localize(x.name, language) });

const scopeView = (scope: StatsScope, language: Language, asOf: Date) => ({
  unit: refOf(scope.unit, language),
  withSubUnits: scope.withSubUnits,
  from: scope.from,
  to: scope.to,
  category: scope.category ? refOf(scope.category, language) : null,
  channel: scope.channel,
  kind: scope.kind,
  weights: Object.fromEntries(Object.entries(scope.weights).filter((e): e is [string, number] => typeof e[1] === 'number')),
  asOf: asOf.toISOString(),
});

export const registerStatsRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const statsDeps = (): StatsDeps => ({ store: createStatsStore(deps.db), now: deps.now });

  api.get(
    '/stats/summary',
    {
      config: { access: STATS_ACCESS },
      schema: {
        tags: TAGS,
        summary: 'Counts, rates and the composite score of a unit (with or without its sub-units) over a period, from the rollups',
        querystring: summaryQuerySchema,
        response: { 200: summaryResponseSchema },
      },
    },
    async (request) => {
      const language = languageOf(request);
      const { scope, ...figures } = await getSummary(statsDeps(), actorOrThrow(request), request.query);
      return { scope: scopeView(scope, language, deps.now()), ...figures };
    },
  );

  api.get(
    '/stats/series',
    {
      config: { access: STATS_ACCESS },
      schema: {
        tags: TAGS,
        summary: 'The same figures per day, week, month, quarter or year (China time), empty periods included',
        querystring: seriesQuerySchema,
        response: { 200: seriesResponseSchema },
      },
    },
    async (request) => {
      const language = languageOf(request);
      const result = await getSeries(statsDeps(), actorOrThrow(request), request.query);
      return { scope: scopeView(result.scope, language, deps.now()), period: result.period, items: result.items };
    },
  );

  api.get(
    '/stats/ranking',
    {
      config: { access: STATS_ACCESS },
      schema: {
        tags: TAGS,
        summary: 'Units ranked by a rate or the composite score (children: each sub-unit with everything below it; units: every unit on its own)',
        querystring: rankingQuerySchema,
        response: { 200: rankingResponseSchema },
      },
    },
    async (request) => {
      const language = languageOf(request);
      const result = await getRanking(statsDeps(), actorOrThrow(request), { ...request.query, withSubUnits: true });
      return {
        scope: scopeView(result.scope, language, deps.now()),
        rate: result.rate,
        level: result.level,
        items: result.items.map((item) => ({ ...item, unit: refOf(item.unit, language) })),
      };
    },
  );

  api.get(
    '/stats/breakdown',
    {
      config: { access: STATS_ACCESS },
      schema: {
        tags: TAGS,
        summary: 'The figures per category, channel or kind',
        querystring: breakdownQuerySchema,
        response: { 200: breakdownResponseSchema },
      },
    },
    async (request) => {
      const language = languageOf(request);
      const result = await getBreakdown(statsDeps(), actorOrThrow(request), request.query);
      const categories = new Map(result.scope.categories.map((c) => [c.id, c]));
      return {
        scope: scopeView(result.scope, language, deps.now()),
        by: result.by,
        items: result.items.map((item) => {
          const category = result.by === 'category' ? categories.get(item.key) : undefined;
          const parent = category?.parentId ? categories.get(category.parentId) : undefined;
          return { ...item, name: category ? localize(category.name, language) : item.key, parent: parent ? refOf(parent, language) : null };
        }),
      };
    },
  );

  api.get(
    '/stats/hotspots',
    {
      config: { access: STATS_ACCESS },
      schema: {
        tags: TAGS,
        summary: 'Clusters of cases by category and place over a window (default the last 30 days), with the trend against the window before',
        querystring: hotspotsQuerySchema,
        response: { 200: hotspotsResponseSchema },
      },
    },
    async (request) => {
      const language = languageOf(request);
      const result = await getHotspots(statsDeps(), actorOrThrow(request), request.query);
      const categories = new Map(result.scope.categories.map((c) => [c.id, c]));
      return {
        scope: scopeView(result.scope, language, deps.now()),
        previous: result.previous,
        items: result.items.map(({ categoryId, latestAt, ...item }) => {
          const category = categoryId ? categories.get(categoryId) : undefined;
          return { ...item, category: category ? refOf(category, language) : null, latestAt: latestAt.toISOString() };
        }),
      };
    },
  );

  api.get(
    '/stats/backlog',
    {
      config: { access: STATS_ACCESS },
      schema: {
        tags: TAGS,
        summary: 'Long-unresolved open cases (积案), oldest first, with their owning unit, handler, ages and age bands',
        querystring: backlogQuerySchema,
        response: { 200: backlogResponseSchema },
      },
    },
    async (request) => {
      const language = languageOf(request);
      const result = await getBacklog(statsDeps(), actorOrThrow(request), request.query);
      const categories = new Map(result.scope.categories.map((c) => [c.id, c]));
      const units = new Map(result.scope.subtree.map((u) => [u.id, u]));
      return {
        scope: scopeView(result.scope, language, result.asOf),
        minAgeDays: result.minAgeDays,
        asOf: result.asOf.toISOString(),
        total: result.total,
        overdue: result.overdue,
        bands: result.bands,
        page: request.query.page,
        pageSize: request.query.pageSize,
        items: result.items.map(({ categoryId, ownerUnitId, ...item }) => {
          const category = categoryId ? categories.get(categoryId) : undefined;
          const owner = units.get(ownerUnitId);
          return {
            ...item,
            category: category ? refOf(category, language) : null,
            owner: owner ? refOf(owner, language) : null,
            ownerSince: item.ownerSince.toISOString(),
            createdAt: item.createdAt.toISOString(),
            replyDueAt: item.replyDueAt?.toISOString() ?? null,
          };
        }),
      };
    },
  );

  api.get(
    '/stats/report.xlsx',
    {
      config: { access: STATS_ACCESS, isHeavy: true },
      schema: {
        tags: TAGS,
        summary: 'Monthly (YYYY-MM), quarterly (YYYY-Qn) or yearly (YYYY) report of a unit as an Excel workbook',
        querystring: reportQuerySchema,
      },
    },
    async (request, reply) => {
      const { label, data } = await gatherCalendarReport(statsDeps(), actorOrThrow(request), request.query, createReportsStore(deps.db));
      const workbook = await renderReportXlsx(data, languageOf(request));
      return reply
        .header('content-type', XLSX)
        .header('content-disposition', `attachment; filename="bihuan-report-${data.unit.code}-${label}.xlsx"`)
        .send(workbook);
    },
  );
};
