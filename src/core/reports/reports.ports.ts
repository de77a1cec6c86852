import type { UserActor } from '../auth/actor.js';
import type { Language } from '../case/case.types.js';
import type { StatsDeps } from '../stats/stats.ports.js';
import type { NotableSources, ReportData } from './report-data.js';
import type { ReportFormat, ReportKind, ReportRecord } from './reports.types.js';

export type NewReport = {
  userId: string;
  unitId: string;
  kind: ReportKind;
  from: string;
  to: string;
  format: ReportFormat;
  language: Language;
  at: Date;
};

/** What the reports need from storage. Creating a report queues its first job in the same transaction. */
export type ReportsStore = NotableSources & {
  createReport: (report: NewReport) => Promise<ReportRecord>;
  findReport: (id: string) => Promise<ReportRecord | null>;
  listReports: (userId: string, limit: number) => Promise<ReportRecord[]>;
  /** The finished file, if the report is done. */
  fileOf: (id: string) => Promise<{ file: Buffer; fileName: string; contentType: string } | null>;
  /** Step results; each also queues the next job (render, expiry) in the same transaction. */
  saveGathered: (id: string, data: ReportData, at: Date) => Promise<void>;
  gatheredOf: (id: string) => Promise<ReportData | null>;
  saveFile: (id: string, file: { file: Buffer; fileName: string; contentType: string }, at: Date, expiresAt: Date) => Promise<void>;
  markFailed: (id: string, code: string, message: string, at: Date) => Promise<void>;
  /** Drops the file of an expired report; its row stays for the list (status expired). */
  expire: (id: string, at: Date) => Promise<void>;
};

export type ReportRenderers = Record<ReportFormat, (data: ReportData, language: Language) => Promise<Buffer>>;

export type ReportsDeps = {
  store: ReportsStore;
  stats: StatsDeps;
  now: () => Date;
};

export type ReportJobDeps = ReportsDeps & {
  /** The report's owner as they are now (roles and unit may have changed since the request); null if gone. */
  loadActor: (userId: string) => Promise<UserActor | null>;
  renderers: ReportRenderers;
  retentionDays: number;
};
