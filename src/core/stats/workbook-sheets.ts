import type { LocalizedText } from '../directory/directory.types.js';
import type { Labels } from './report-labels.js';
import type { Figures } from './stats-queries.js';

/** Number formats of the Excel reports: cells hold numbers, so readers can sort, sum and chart them. */
export const XLSX_FORMAT = {
  count: '#,##0',
  money: '#,##0.00',
  percent: '0.0%',
  score: '0.0',
  dateTime: 'yyyy-mm-dd hh:mm',
} as const;

export const yuanOfFen = (fen: number | null): number | null => (fen === null ? null : fen / 100);

type CategoryFigures = { category: { name: LocalizedText } | null; parent: { name: LocalizedText } | null } & Figures;

/**
 * The category sheet, the same in the statistics workbook (GET /stats/report.xlsx) and in generated reports:
 * headers, rows, number formats and column widths.
 */
export const categorySheet = (L: Labels, name: (text: LocalizedText | undefined) => string, categories: readonly CategoryFigures[]) => ({
  headers: [
    L.category, L.parentCategory, L.measures.registered, L.measures.replied, L.measures.replyRate, L.measures.onTimeRate,
    L.measures.resolutionRate, L.measures.satisfactionRate, L.measures.amountRecovered, L.measures.open, L.measures.openOverdue,
  ],
  rows: categories.map((c) => [
    c.category ? name(c.category.name) : L.noCategory,
    c.parent ? name(c.parent.name) : null,
    c.counts.registered,
    c.counts.replied,
    c.rates.replyRate.value,
    c.rates.onTimeRate.value,
    c.rates.resolutionRate.value,
    c.rates.satisfactionRate.value,
    yuanOfFen(c.counts.amountRecoveredFen),
    c.counts.open,
    c.counts.openOverdue,
  ]),
  formats: [
    null, null, XLSX_FORMAT.count, XLSX_FORMAT.count, XLSX_FORMAT.percent, XLSX_FORMAT.percent, XLSX_FORMAT.percent,
    XLSX_FORMAT.percent, XLSX_FORMAT.money, XLSX_FORMAT.count, XLSX_FORMAT.count,
  ],
  widths: [30, 22, 12, 12, 12, 12, 12, 12, 16, 12, 12],
});
