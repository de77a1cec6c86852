import type { ExportRequesterSource } from '../core/reports/case-export.js';
import type { UserActor } from '../core/auth/actor.js';
import { sql } from 'kysely';
import { isRole, permissionsForRoles } from '../core/auth/roles.js';
import type { CaseStatus, Language } from '../core/case/case.types.js';
import type { LocalizedText } from '../core/directory/directory.types.js';
import type { ReportData } from '../core/reports/report-data.js';
import type { ReportsStore } from '../core/reports/reports.ports.js';
import {
  REPORT_EXPIRE_JOB,
  REPORT_GATHER_JOB,
  REPORT_RENDER_JOB,
  type ReportFormat,
  type ReportKind,
  type ReportRecord,
  type ReportStatus,
} from '../core/reports/reports.types.js';
import type { Db, DbOrTrx, Trx } from './database.js';
import { enqueueJob } from './jobs.repository.js';
import { fieldCryptoFor } from './data-keys.js';
import { openField } from './requester-crypto.js';

const columns = [
  'reports.id', 'reports.user_id', 'reports.unit_id', 'reports.kind', 'reports.period_from', 'reports.period_to', 'reports.format',
  'reports.language', 'reports.status', 'reports.progress', 'reports.error_code', 'reports.error_message', 'reports.file_name',
  'reports.file_size', 'reports.created_at', 'reports.finished_at', 'reports.expires_at', 'units.code as unit_code', 'units.name as unit_name',
] as const;

type Row = {
  id: string; user_id: string; unit_id: string; kind: string; period_from: string; period_to: string; format: string; language: string;
  status: string; progress: number; error_code: string | null; error_message: string | null; file_name: string | null;
  file_size: number | null; created_at: Date; finished_at: Date | null; expires_at: Date | null; unit_code: string; unit_name: LocalizedText;
};

const selectReports = (db: DbOrTrx) => db.selectFrom('reports').innerJoin('units', 'units.id', 'reports.unit_id').select(columns);

const toRecord = (r: Row): ReportRecord => ({
  id: r.id,
  userId: r.user_id,
  unitId: r.unit_id,
  unit: { id: r.unit_id, code: r.unit_code, name: r.unit_name },
  kind: r.kind as ReportKind,
  from: r.period_from,
  to: r.period_to,
  format: r.format as ReportFormat,
  language: r.language as Language,
  status: r.status as ReportStatus,
  progress: r.progress,
  errorCode: r.error_code,
  errorMessage: r.error_message,
  fileName: r.file_name,
  fileSize: r.file_size,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
  expiresAt: r.expires_at,
});

/** Runs the work in the caller's transaction, or in a new one. */
const inTransaction = <T>(db: DbOrTrx, work: (trx: Trx) => Promise<T>): Promise<T> =>
  db.isTransaction ? work(db as Trx) : (db as Db).transaction().execute(work);

const jobKey = (kind: string, id: string) => `${kind}:${id}`;

export const createReportsStore = (db: DbOrTrx): ReportsStore => ({
  // Same scope rule as the statistics' notable cases (stats-cases.repository.ts): the owning unit (lead unit,
  // else intake unit) is in the report's subtree, registered in the period. Most recently supervised first.
  supervisedCases: async (q) => {
    if (q.unitIds.length === 0) return [];
    const rows = await db
      .selectFrom('cases')
      .select(['id', 'tracking_no', 'title', 'status', 'category_id', 'amount_recovered_fen'])
      .where(sql<boolean>`coalesce(cases.lead_unit_id, cases.intake_unit_id) = ANY(${[...q.unitIds]}::uuid[])`)
      .where('created_at', '>=', q.from)
      .where('created_at', '<', q.to)
      .where('supervised_at', 'is not', null)
      .orderBy('supervised_at', 'desc')
      .orderBy('id')
      .limit(q.limit)
      .execute();
    return rows.map((r) => ({
      reason: 'supervised' as const,
      id: r.id,
      trackingNo: r.tracking_no,
      title: r.title,
      status: r.status as CaseStatus,
      categoryId: r.category_id,
      amountRecoveredFen: r.amount_recovered_fen === null ? null : Number(r.amount_recovered_fen),
    }));
  },

  createReport: (r) =>
    inTransaction(db, async (trx) => {
      const row = await trx
        .insertInto('reports')
        .values({
          user_id: r.userId, unit_id: r.unitId, kind: r.kind, period_from: r.from, period_to: r.to, format: r.format,
          language: r.language, status: 'queued', created_at: r.at, updated_at: r.at, error_code: null, error_message: null,
          file: null, file_name: null, content_type: null, file_size: null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await enqueueJob(trx, { kind: REPORT_GATHER_JOB, runAt: r.at, payload: { reportId: row.id }, dedupeKey: jobKey(REPORT_GATHER_JOB, row.id) });
      return toRecord(await selectReports(trx).where('reports.id', '=', row.id).executeTakeFirstOrThrow());
    }),

  findReport: async (id) => {
    const row = await selectReports(db).where('reports.id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : null;
  },

  listReports: async (userId, limit) =>
    (await selectReports(db).where('reports.user_id', '=', userId).orderBy('reports.created_at', 'desc').orderBy('reports.id', 'desc').limit(limit).execute()).map(toRecord),

  fileOf: async (id) => {
    const row = await db.selectFrom('reports').select(['file', 'file_name', 'content_type']).where('id', '=', id).where('status', '=', 'done').executeTakeFirst();
    return row?.file && row.file_name && row.content_type ? { file: row.file, fileName: row.file_name, contentType: row.content_type } : null;
  },

  saveGathered: (id, data, at) =>
    inTransaction(db, async (trx) => {
      await trx.updateTable('reports').set({ data: JSON.stringify(data), status: 'running', progress: 50, updated_at: at }).where('id', '=', id).execute();
      await enqueueJob(trx, { kind: REPORT_RENDER_JOB, runAt: at, payload: { reportId: id }, dedupeKey: jobKey(REPORT_RENDER_JOB, id) });
    }),

  gatheredOf: async (id) => {
    const row = await db.selectFrom('reports').select('data').where('id', '=', id).executeTakeFirst();
    return (row?.data as ReportData | null | undefined) ?? null;
  },

  saveFile: (id, f, at, expiresAt) =>
    inTransaction(db, async (trx) => {
      await trx
        .updateTable('reports')
        .set({
          status: 'done', progress: 100, file: f.file, file_name: f.fileName, content_type: f.contentType, file_size: f.file.length,
          // The figures are in the file now; keeping them twice would only grow the table.
          data: null, updated_at: at, finished_at: at, expires_at: expiresAt,
        })
        .where('id', '=', id)
        .execute();
      await enqueueJob(trx, { kind: REPORT_EXPIRE_JOB, runAt: expiresAt, payload: { reportId: id }, dedupeKey: jobKey(REPORT_EXPIRE_JOB, id) });
    }),

  markFailed: async (id, code, message, at) => {
    await db
      .updateTable('reports')
      .set({ status: 'failed', error_code: code, error_message: message.slice(0, 2000), data: null, updated_at: at, finished_at: at })
      .where('id', '=', id)
      .execute();
  },

  expire: async (id, at) => {
    await db
      .updateTable('reports')
      .set({ status: 'expired', file: null, data: null, updated_at: at })
      .where('id', '=', id)
      .where('status', '=', 'done')
      .execute();
  },
});

/** The report owner as an actor, as they are now; null if the user is gone or inactive. */
export const loadReportActor = async (db: DbOrTrx, userId: string): Promise<UserActor | null> => {
  const row = await db
    .selectFrom('users')
    .innerJoin('units', 'units.id', 'users.unit_id')
    .select(['users.id', 'users.username', 'users.display_name', 'users.roles', 'users.unit_id', 'users.is_active', 'units.path'])
    .where('users.id', '=', userId)
    .executeTakeFirst();
  if (!row || !row.is_active) return null;
  const roles = row.roles.filter(isRole);
  return { kind: 'user', userId: row.id, username: row.username, displayName: row.display_name, roles, permissions: permissionsForRoles(roles), unitId: row.unit_id, unitPath: row.path };
};

/**
 * Requester name and phone of the cases, for an export page (the cases are already scoped by the list query),
 * with what identity protection needs to decide whether the reader may see them: every case has an entry, so
 * that a protected case reads alike whether or not its requester left a name.
 */
export type ExportRequester = ExportRequesterSource;

export const requestersOfCases = async (db: DbOrTrx, caseIds: readonly string[]): Promise<Map<string, ExportRequester>> => {
  if (caseIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('cases')
    .leftJoin('requesters', 'requesters.id', 'cases.requester_id')
    .innerJoin('units as intake', 'intake.id', 'cases.intake_unit_id')
    .select(['cases.id', 'cases.is_identity_protected', 'intake.path as intake_path', 'requesters.id as requester_id', 'requesters.name', 'requesters.phone'])
    .where('cases.id', 'in', caseIds)
    .execute();
  const crypto = fieldCryptoFor();
  return new Map(
    rows.map((r) => [
      r.id,
      {
        requester: r.requester_id
          ? { name: openField(crypto, r.requester_id, 'name', r.name), phone: openField(crypto, r.requester_id, 'phone', r.phone) }
          : null,
        isIdentityProtected: r.is_identity_protected,
        intakeUnitPath: r.intake_path,
      },
    ]),
  );
};
