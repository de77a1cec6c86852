import type { UserActor } from '../auth/actor.js';
import { AppError } from '../shared/app-error.js';
import type { ReportsDeps } from './reports.ports.js';
import type { ReportRecord } from './reports.types.js';

/** A finished report past its retention reads as expired even before the expiry job has dropped its file. */
const withExpiry = (r: ReportRecord, now: Date): ReportRecord =>
  r.status === 'done' && r.expiresAt !== null && r.expiresAt <= now ? { ...r, status: 'expired' } : r;

/** Someone else's report answers as missing, so that report ids cannot be probed. */
export const getReportOrThrow = async (deps: ReportsDeps, actor: UserActor, id: string): Promise<ReportRecord> => {
  const report = await deps.store.findReport(id);
  if (!report || report.userId !== actor.userId) throw new AppError('resource.not_found', 'no such report', { id });
  return withExpiry(report, deps.now());
};

export const listMyReports = async (deps: ReportsDeps, actor: UserActor, limit = 50): Promise<ReportRecord[]> =>
  (await deps.store.listReports(actor.userId, limit)).map((r) => withExpiry(r, deps.now()));

export const downloadReportOrThrow = async (deps: ReportsDeps, actor: UserActor, id: string) => {
  const report = await getReportOrThrow(deps, actor, id);
  const file = report.status === 'done' ? await deps.store.fileOf(id) : null;
  if (!file) throw new AppError('resource.not_found', report.status === 'expired' ? 'the report has expired' : 'the report is not ready', { id, status: report.status });
  return { report, ...file };
};
