import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { takeHeavyWorkEnd } from '../heavy-work.js';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Actor } from '../../core/auth/actor.js';
import type { Language } from '../../core/case/case.types.js';
import { canExportPersonalData, EXPORT_FORMATS, EXPORT_LABELS, exportCells, exportHeaders, exportRequesterOf, type ExportCase, type ExportCell } from '../../core/reports/case-export.js';
import { downloadReportOrThrow, getReportOrThrow, listMyReports } from '../../core/reports/read-reports.js';
import type { ReportsDeps } from '../../core/reports/reports.ports.js';
import { createReportBodySchema, reportIdParamsSchema, reportListSchema, reportViewSchema } from '../../core/reports/reports.schemas.js';
import type { ReportRecord } from '../../core/reports/reports.types.js';
import { requestReport } from '../../core/reports/request-report.js';
import { AppError } from '../../core/shared/app-error.js';
import { appendAudit } from '../../db/audit.repository.js';
import { listCases, type CaseListFilter } from '../../db/case-query.repository.js';
import type { DbOrTrx } from '../../db/database.js';
import { createReportsStore, requestersOfCases } from '../../db/reports.repository.js';
import { createStatsStore } from '../../db/stats-query.repository.js';
import { csvStream, xlsxStream, type RowPages } from '../../reports/case-export-writers.js';
import { actorOrThrow } from '../auth.plugin.js';
import { toSummaryView } from '../case.views.js';
import type { AppDeps, RouteAccess } from '../context.js';
import { languageOf, localize } from '../language.js';
import { caseListFilterOf, listQuerySchema } from './case.routes.js';

/** Reports show figures of the caller's unit and below, like the statistics; the export shows the caller's case list. */
const REPORTS_ACCESS: RouteAccess = 'case.read';
const TAGS = ['reports'];

/** The list's own filters and sort (GET /cases), without paging: the export is the whole list. */
const exportQuerySchema = listQuerySchema.omit({ page: true, pageSize: true }).extend({ format: z.enum(EXPORT_FORMATS) }).strict();

/**
 * Rows per database round trip. `listCases` counts and sorts the whole match on every page (OFFSET paging), so
 * fewer, larger pages are much faster (100,000 cases: 50 pages of 2,000 take ~55 s, 10 pages of 10,000 ~13 s);
 * one page of 10,000 rows is a few MB in memory.
 */
const DEFAULT_EXPORT_PAGE_SIZE = 10_000;
/** `BIHUAN_EXPORT_PAGE_SIZE` overrides it (the tests use tiny pages to cross page boundaries). */
const exportPageSize = (): number => {
  const size = Number(process.env.BIHUAN_EXPORT_PAGE_SIZE);
  return Number.isInteger(size) && size > 0 ? size : DEFAULT_EXPORT_PAGE_SIZE;
};
/** A larger export is a data dump, not a list: narrow the filters (or ask an administrator for a backup). */
const EXPORT_MAX_ROWS = 500_000;


const CONTENT_TYPE = { csv: 'text/csv; charset=utf-8', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } as const;
// Columns holding instants (see EXPORT_COLUMNS): acceptDueAt, replyDueAt, createdAt, updatedAt.
const DATE_COLUMNS = [9, 10, 11, 12];

const reportView = (r: ReportRecord, language: Language): z.infer<typeof reportViewSchema> => ({
  id: r.id,
  kind: r.kind,
  from: r.from,
  to: r.to,
  unit: { id: r.unit.id, code: r.unit.code, name: localize(r.unit.name, language) },
  format: r.format,
  language: r.language,
  status: r.status,
  progress: r.progress,
  error: r.errorCode ? { code: r.errorCode, message: r.errorMessage ?? '' } : null,
  fileName: r.fileName,
  fileSize: r.fileSize,
  createdAt: r.createdAt.toISOString(),
  finishedAt: r.finishedAt?.toISOString() ?? null,
  expiresAt: r.expiresAt?.toISOString() ?? null,
  downloadUrl: r.status === 'done' ? `/api/v1/reports/${r.id}/download` : null,
});

/** RFC 6266: an ASCII fallback and the UTF-8 name. */
const attachment = (fileName: string): string => `attachment; filename="${fileName.replace(/[^\x20-\x7e]|"/g, '_')}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;

/** One page of the list as the list API shows it, plus the requester, in export cells. */
const toCells = async (
  db: DbOrTrx, rows: Awaited<ReturnType<typeof listCases>>['items'], actor: Actor, language: Language, now: Date, showPersonalData: boolean,
): Promise<ExportCell[][]> => {
  const requesters = await requestersOfCases(db, rows.map((r) => r.id));
  return rows.map((row) => {
    const view = toSummaryView(row, language, now);
    const c: ExportCase = {
      trackingNo: view.trackingNo,
      status: view.status,
      kind: view.kind,
      channel: view.channel,
      title: view.title,
      category: view.category?.name ?? null,
      leadUnit: view.leadUnit?.name ?? null,
      isSupervised: view.isSupervised,
      isOverdue: view.isOverdue,
      acceptDueAt: row.acceptDueAt,
      replyDueAt: row.replyDueAt,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      requester: exportRequesterOf(requesters.get(row.id), actor),
    };
    return exportCells(c, language, showPersonalData);
  });
};

export const registerReportsRoutes = (app: FastifyInstance, deps: AppDeps): void => {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const reportsDeps = (): ReportsDeps => ({ store: createReportsStore(deps.db), stats: { store: createStatsStore(deps.db), now: deps.now }, now: deps.now });

  /** The case list as a file; `showPersonalData` is the route's: names and phones in full, or the lists' masks. */
  const exportCases = async (request: FastifyRequest, query: z.output<typeof exportQuerySchema>, reply: FastifyReply, showPersonalData: boolean) => {
    const actor = actorOrThrow(request);
    // The route decides: its permission is checked before the handler runs; the check here keeps it so if a
    // route is ever declared with a weaker one.
    if (showPersonalData && !canExportPersonalData(actor)) {
      throw new AppError('auth.forbidden', 'missing permission case.export_personal_data', { permission: 'case.export_personal_data' });
    }
    const language = languageOf(request);
    const { format, lang: _lang, ...q } = query;
    const now = deps.now();
    const pageSize = exportPageSize();
    const filter: Omit<CaseListFilter, 'page' | 'pageSize'> = caseListFilterOf(q);
    // One snapshot for the whole file: cases changing while it streams cannot appear twice or go missing
    // between pages. Read only, so holding it costs the database nothing but the connection.
    const trx = await deps.db.startTransaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute();
    // A client that stops reading without closing would hold the snapshot and a connection for ever: the
    // server ends the transaction after five idle minutes, the next page fails and the stream is cut.
    await sql`SET LOCAL idle_in_transaction_session_timeout = '5min'`.execute(trx);
    // The list query's scope subqueries make the planner's cost estimate high enough to JIT-compile it, which
    // costs about a second per query and saves nothing at these sizes (measured: 2.4 s → 0.9 s per page).
    await sql`SET LOCAL jit = off`.execute(trx);
    // The export's slot among the heavy requests is held until its transaction is closed, not until its client
    // goes away (the pages being read go on for a moment after that).
    const endHeavyWork = takeHeavyWorkEnd(request);
    const release = async () => {
      try {
        await trx.rollback().execute();
      } finally {
        endHeavyWork();
      }
    };
    let first: Awaited<ReturnType<typeof listCases>>;
    let firstCells: ExportCell[][];
    try {
      first = await listCases(trx, actor, { ...filter, page: 1, pageSize }, now);
      if (first.total > EXPORT_MAX_ROWS) {
        throw new AppError('validation.failed', `at most ${EXPORT_MAX_ROWS} cases per export: narrow the filters`, {
          issues: [{ path: 'querystring', message: `${first.total} cases match; at most ${EXPORT_MAX_ROWS}` }],
        });
      }
      firstCells = await toCells(trx, first.items, actor, language, now, showPersonalData);
      await appendAudit(deps.db, {
        at: now, actorId: actor.userId, actorName: actor.username, ip: request.ip, userAgent: request.headers['user-agent'] ?? null,
        action: 'export cases', subjectKind: 'cases', subjectId: null, outcome: 'exported',
        data: { format, rows: first.total, personalData: showPersonalData ? 'full' : 'masked', filters: q, language },
      });
    } catch (error) {
      await release();
      throw error;
    }
    const total = first.total;
    const pages: RowPages = (async function* () {
      yield firstCells;
      for (let page = 2; (page - 1) * pageSize < total; page += 1) {
        const { items } = await listCases(trx, actor, { ...filter, page, pageSize }, now);
        if (items.length === 0) return;
        yield await toCells(trx, items, actor, language, now, showPersonalData);
      }
    })();
    const headers = exportHeaders(language);
    const body = format === 'csv' ? csvStream(headers, pages, release) : xlsxStream(EXPORT_LABELS[language].sheet, headers, DATE_COLUMNS, pages, release);
    const stamp = new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
    return reply
      .header('content-type', CONTENT_TYPE[format])
      .header('content-disposition', attachment(`bihuan-cases-${stamp}.${format}`))
      .header('x-total-count', String(total))
      .header('cache-control', 'no-store')
      .send(body);
  };

  api.get(
    '/cases/export',
    {
      config: { access: 'case.read', isHeavy: true },
      schema: {
        tags: TAGS,
        summary: 'The case list (same filters, sort and scope as GET /cases) as CSV or xlsx, streamed; names and phone numbers masked as in the lists; audited',
        querystring: exportQuerySchema,
      },
    },
    async (request, reply) => exportCases(request, request.query, reply, false),
  );

  // A file of a whole list's names and numbers leaves the system for good: its own permission, a recent sign-in
  // (so a session left open cannot take it), never an API token, and its own audit entry like every export.
  api.get(
    '/cases/export/with-personal-data',
    {
      config: { access: 'case.export_personal_data', isHeavy: true, isReauthRequired: true },
      schema: {
        tags: TAGS,
        summary: 'As GET /cases/export, with requester names and phone numbers in full (protected requesters still withheld); needs case.export_personal_data and a recent sign-in; audited',
        querystring: exportQuerySchema,
      },
    },
    async (request, reply) => exportCases(request, request.query, reply, true),
  );

  api.post(
    '/reports',
    {
      config: { access: REPORTS_ACCESS },
      schema: {
        tags: TAGS,
        summary: 'Queue a monthly, quarterly, yearly or custom report of a unit (with its sub-units) as PDF or xlsx; poll GET /reports/{id} for progress',
        body: createReportBodySchema,
        response: { 202: reportViewSchema },
      },
    },
    async (request, reply) => {
      const language = languageOf(request);
      const { lang, ...body } = request.body;
      const report = await requestReport(reportsDeps(), actorOrThrow(request), { ...body, lang: lang ?? language });
      return reply.status(202).send(reportView(report, language));
    },
  );

  api.get(
    '/reports',
    {
      config: { access: REPORTS_ACCESS },
      schema: { tags: TAGS, summary: "The caller's reports, newest first (the last 50)", response: { 200: reportListSchema } },
    },
    async (request) => {
      const language = languageOf(request);
      const items = await listMyReports(reportsDeps(), actorOrThrow(request));
      return { items: items.map((r) => reportView(r, language)) };
    },
  );

  api.get(
    '/reports/:id',
    {
      config: { access: REPORTS_ACCESS },
      schema: { tags: TAGS, summary: 'One of the caller\'s reports: status, progress (0–100) and error', params: reportIdParamsSchema, response: { 200: reportViewSchema } },
    },
    async (request) => reportView(await getReportOrThrow(reportsDeps(), actorOrThrow(request), request.params.id), languageOf(request)),
  );

  api.get(
    '/reports/:id/download',
    {
      config: { access: REPORTS_ACCESS },
      schema: { tags: TAGS, summary: 'The finished file of one of the caller\'s reports (404 until done, after expiry, or for anyone else)', params: reportIdParamsSchema },
    },
    async (request, reply) => {
      const { file, fileName, contentType } = await downloadReportOrThrow(reportsDeps(), actorOrThrow(request), request.params.id);
      return reply.header('content-type', contentType).header('content-disposition', attachment(fileName)).header('cache-control', 'private, no-store').send(file);
    },
  );
};
