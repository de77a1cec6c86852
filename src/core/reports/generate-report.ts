import { AppError } from '../shared/app-error.js';
import { gatherReportData, quarterLabelOf } from './report-data.js';
import type { ReportJobDeps } from './reports.ports.js';
import { CONTENT_TYPES, ReportFailure, type ReportRecord } from './reports.types.js';

const DAY_MS = 86_400_000;

const isPending = (r: ReportRecord | null): r is ReportRecord => r !== null && (r.status === 'queued' || r.status === 'running');

/**
 * Step 1: gather the figures as the owner sees them now. A unit that left the owner's scope fails the report
 * (report.scope_lost) instead of leaking figures; database errors propagate so the job is retried.
 */
export const runGatherStep = async (deps: ReportJobDeps, reportId: string): Promise<void> => {
  const report = await deps.store.findReport(reportId);
  if (!isPending(report)) return;
  const actor = await deps.loadActor(report.userId);
  try {
    if (!actor) throw new ReportFailure('report.scope_lost', 'the owner of the report no longer exists or is inactive');
    const data = await gatherReportData(deps.stats, actor, { unitId: report.unitId, from: report.from, to: report.to, kind: report.kind }, deps.store);
    await deps.store.saveGathered(reportId, data, deps.now());
  } catch (error) {
    if (error instanceof AppError && (error.code === 'unit.not_found' || error.code === 'category.not_found')) {
      await deps.store.markFailed(reportId, 'report.scope_lost', 'the unit is no longer within the owner\'s scope', deps.now());
      return;
    }
    if (error instanceof ReportFailure) {
      await deps.store.markFailed(reportId, error.code, error.message, deps.now());
      return;
    }
    throw error;
  }
};

const periodInFileName = (r: Pick<ReportRecord, 'from' | 'to' | 'kind'>): string => {
  switch (r.kind) {
    case 'monthly':
      return r.from.slice(0, 7);
    case 'quarterly':
      return quarterLabelOf(r.from);
    case 'yearly':
      return r.from.slice(0, 4);
    case 'custom':
      return `${r.from}_${r.to}`;
  }
};

/** The file name a reader sees: unit code, period (YYYY-MM, YYYY-Qn, YYYY or from_to), format. */
export const reportFileName = (r: Pick<ReportRecord, 'from' | 'to' | 'format' | 'kind'>, unitCode: string): string =>
  `bihuan-report-${unitCode}-${periodInFileName(r)}.${r.format}`;

/** Step 2: render the file from the gathered figures; a missing font or a rendering error fails the report for good. */
export const runRenderStep = async (deps: ReportJobDeps, reportId: string): Promise<void> => {
  const report = await deps.store.findReport(reportId);
  if (!isPending(report)) return;
  const data = await deps.store.gatheredOf(reportId);
  if (!data) {
    await deps.store.markFailed(reportId, 'report.render_failed', 'the gathered figures are missing', deps.now());
    return;
  }
  let file: Buffer;
  try {
    file = await deps.renderers[report.format](data, report.language);
  } catch (error) {
    const failure =
      error instanceof ReportFailure ? error : new ReportFailure('report.render_failed', error instanceof Error ? error.message : String(error));
    await deps.store.markFailed(reportId, failure.code, failure.message, deps.now());
    return;
  }
  const now = deps.now();
  await deps.store.saveFile(
    reportId,
    { file, fileName: reportFileName(report, data.unit.code), contentType: CONTENT_TYPES[report.format] },
    now,
    new Date(now.getTime() + deps.retentionDays * DAY_MS),
  );
};
