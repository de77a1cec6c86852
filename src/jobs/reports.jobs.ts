import { z } from 'zod';
import { runGatherStep, runRenderStep } from '../core/reports/generate-report.js';
import type { ReportJobDeps } from '../core/reports/reports.ports.js';
import { DEFAULT_REPORT_RETENTION_DAYS, REPORT_EXPIRE_JOB, REPORT_GATHER_JOB, REPORT_RENDER_JOB } from '../core/reports/reports.types.js';
import type { Trx } from '../db/database.js';
import { createReportsStore, loadReportActor } from '../db/reports.repository.js';
import { createStatsStore } from '../db/stats-query.repository.js';
import { renderReportPdf } from '../reports/report-pdf.js';
import { renderReportXlsx } from '../reports/report-xlsx.js';
import type { EventConsumerSpec } from './background.js';
import type { JobHandlers } from './job-runner.js';

const payloadSchema = z.object({ reportId: z.uuid() });

/** Days a finished report stays downloadable (`BIHUAN_REPORT_RETENTION_DAYS`, default 30). */
export const reportRetentionDays = (env: NodeJS.ProcessEnv = process.env): number => {
  const days = Number(env.BIHUAN_REPORT_RETENTION_DAYS);
  return Number.isInteger(days) && days > 0 ? days : DEFAULT_REPORT_RETENTION_DAYS;
};

const jobDeps = (trx: Trx, now: Date): ReportJobDeps => ({
  store: createReportsStore(trx),
  stats: { store: createStatsStore(trx), now: () => now },
  now: () => now,
  loadActor: (userId) => loadReportActor(trx, userId),
  // The PDF renderer resolves its fonts on each run, so fixing a font path needs no restart.
  renderers: { pdf: (data, language) => renderReportPdf(data, language), xlsx: renderReportXlsx },
  retentionDays: reportRetentionDays(),
});

/** Event consumers and job handlers of the reports module (wiring point; merged in consumers.ts and handlers.ts). */
export const reportsConsumers: EventConsumerSpec[] = [];
export const reportsJobHandlers: JobHandlers = {
  [REPORT_GATHER_JOB]: (trx, job, now) => runGatherStep(jobDeps(trx, now), payloadSchema.parse(job.payload).reportId),
  [REPORT_RENDER_JOB]: (trx, job, now) => runRenderStep(jobDeps(trx, now), payloadSchema.parse(job.payload).reportId),
  [REPORT_EXPIRE_JOB]: (trx, job, now) => createReportsStore(trx).expire(payloadSchema.parse(job.payload).reportId, now),
};
