import { z } from 'zod';
import { LANGUAGES } from '../case/case.types.js';
import { isoDaySchema } from '../shared/iso-day.js';
import { REPORT_FORMATS, REPORT_KINDS, REPORT_STATUSES } from './reports.types.js';

/**
 * A report request. `monthly`, `quarterly`, `yearly`: `from` is the first day of the calendar month, quarter or
 * year (`to` may be left out: its last day; checked by requestReport). `custom`: both ends, China dates, both
 * included. `lang` defaults to the reader's language.
 */
export const createReportBodySchema = z
  .object({
    kind: z.enum(REPORT_KINDS),
    from: isoDaySchema,
    to: isoDaySchema.optional(),
    unitId: z.uuid().optional(),
    format: z.enum(REPORT_FORMATS),
    lang: z.enum(LANGUAGES).optional(),
  })
  .strict();

export const reportIdParamsSchema = z.object({ id: z.uuid() });

export const reportViewSchema = z.object({
  id: z.uuid(),
  kind: z.enum(REPORT_KINDS),
  from: z.string(),
  to: z.string(),
  unit: z.object({ id: z.uuid(), code: z.string(), name: z.string() }),
  format: z.enum(REPORT_FORMATS),
  language: z.enum(LANGUAGES),
  status: z.enum(REPORT_STATUSES),
  /** 0–100: 0 queued, 50 figures gathered, 100 done */
  progress: z.number().int(),
  /** why the report failed: `report.font_missing`, `report.scope_lost`, `report.render_failed` */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  fileName: z.string().nullable(),
  fileSize: z.number().int().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  /** present while the file can be downloaded */
  downloadUrl: z.string().nullable(),
});

export const reportListSchema = z.object({ items: z.array(reportViewSchema) });
