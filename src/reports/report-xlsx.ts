import ExcelJS from 'exceljs';
import type { Language } from '../core/case/case.types.js';
import type { LocalizedText } from '../core/directory/directory.types.js';
import type { ReportData } from '../core/reports/report-data.js';
import { notableReasonText, REPORT_TEXT, reportTitleOf } from '../core/reports/report-text.js';
import { REPORT_LABELS } from '../core/stats/report-labels.js';
import { categorySheet } from '../core/stats/workbook-sheets.js';
import type { RateName } from '../core/stats/stats.types.js';

const COUNT = '#,##0';
const MONEY = '#,##0.00';
const PERCENT = '0.0%';
const SCORE = '0.0';
const DATE_TIME = 'yyyy-mm-dd hh:mm';
const RATES: RateName[] = ['responseRate', 'onTimeRate', 'replyRate', 'resolutionRate', 'satisfactionRate', 'settlementRate'];

type Cell = string | number | Date | null;
const yuan = (fen: number): number => fen / 100;
const chinaWallClock = (iso: string): Date => new Date(new Date(iso).getTime() + 8 * 3600_000);

/** A sheet with a bold, frozen, filterable header row and a number format per column. */
const addTable = (wb: ExcelJS.Workbook, name: string, headers: string[], rows: Cell[][], formats: (string | null)[], widths: number[]): void => {
  const ws = wb.addWorksheet(name.slice(0, 31));
  ws.columns = widths.map((width) => ({ width }));
  const header = ws.addRow(headers);
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
  for (const values of rows) {
    const row = ws.addRow(values);
    formats.forEach((format, i) => {
      if (format) row.getCell(i + 1).numFmt = format;
    });
  }
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: headers.length } };
};

/**
 * The same figures as the PDF, one sheet per section, every figure a real number with a number format
 * (counts, percentages, yuan, dates) so readers can sort, sum and chart them.
 */
export const renderReportXlsx = async (data: ReportData, language: Language): Promise<Buffer> => {
  const T = REPORT_TEXT[language];
  const L = REPORT_LABELS[language];
  const name = (text: LocalizedText | undefined | null): string => (text ? text[language] || text['zh-Hans'] : '');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Bihuan';
  wb.created = new Date(data.generatedAt);

  const summary = wb.addWorksheet(L.sheetSummary.slice(0, 31));
  summary.columns = [{ width: 44 }, { width: 16 }, { width: 14 }, { width: 14 }, { width: 16 }, { width: 14 }];
  summary.addRow([`${name(data.unit.name)} · ${reportTitleOf(data.kind, language)}`]).font = { bold: true, size: 14 };
  summary.addRow([T.period, `${data.from} – ${data.to}`]);
  summary.addRow([T.previousPeriod, `${data.previous.from} – ${data.previous.to}`]);
  summary.addRow([T.unit, `${name(data.unit.name)} (${data.unit.code})`]);
  summary.addRow([T.generatedAt, chinaWallClock(data.generatedAt)]).getCell(2).numFmt = DATE_TIME;
  summary.addRow([]);
  const header = summary.addRow([L.measure, L.value, L.numerator, L.denominator, L.previous, L.change]);
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
  const add = (values: Cell[], formats: (string | null)[]) => {
    const row = summary.addRow(values);
    formats.forEach((format, i) => {
      if (format) row.getCell(i + 1).numFmt = format;
    });
  };
  for (const rate of RATES) {
    const r = data.summary.rates[rate];
    const p = data.previousSummary.rates[rate].value;
    add([L.measures[rate], r.value, r.numerator, r.denominator, p, r.value !== null && p !== null ? r.value - p : null], [null, PERCENT, COUNT, COUNT, PERCENT, '+0.0%;-0.0%;0.0%']);
  }
  const s = data.summary.score;
  const ps = data.previousSummary.score;
  add([L.measures.score, s, null, null, ps, s !== null && ps !== null ? s - ps : null], [null, SCORE, null, null, SCORE, '+0.0;-0.0;0.0']);
  for (const c of ['registered', 'replied', 'rejected', 'merged', 'open', 'openOverdue', 'dispatched', 'evaluated'] as const) {
    const now = data.summary.counts[c];
    const then = data.previousSummary.counts[c];
    add([L.measures[c], now, null, null, then, now - then], [null, COUNT, null, null, COUNT, '+#,##0;-#,##0;0']);
  }
  const fen = data.summary.counts.amountRecoveredFen;
  const previousFen = data.previousSummary.counts.amountRecoveredFen;
  add([L.measures.amountRecovered, yuan(fen), null, null, yuan(previousFen), yuan(fen - previousFen)], [null, MONEY, null, null, MONEY, MONEY]);
  summary.addRow([]);
  summary.addRow([T.sections.definitions]).font = { bold: true };
  for (const rate of RATES) summary.addRow([T.rateDefinitions[rate]]);
  summary.addRow([T.scoreDefinition]);
  summary.addRow([T.cohortNote]).font = { italic: true, color: { argb: 'FF666666' } };

  addTable(
    wb,
    T.sheetTrend,
    [T.periodLabel, L.measures.registered, L.measures.replied, L.measures.replyRate, L.measures.onTimeRate, L.measures.satisfactionRate, L.measures.score, L.measures.amountRecovered],
    data.series.items.map((b) => [b.label, b.counts.registered, b.counts.replied, b.rates.replyRate.value, b.rates.onTimeRate.value, b.rates.satisfactionRate.value, b.score, yuan(b.counts.amountRecoveredFen)]),
    [null, COUNT, COUNT, PERCENT, PERCENT, PERCENT, SCORE, MONEY],
    [12, 12, 12, 12, 12, 12, 12, 16],
  );
  addTable(
    wb,
    L.sheetUnit,
    [L.rank, L.unit, L.measures.registered, ...RATES.map((r) => L.measures[r]), L.measures.score, L.measures.amountRecovered, L.measures.open],
    data.ranking.map((u) => [u.rank, name(u.unit.name), u.counts.registered, ...RATES.map((r) => u.rates[r].value), u.score, yuan(u.counts.amountRecoveredFen), u.counts.open]),
    [COUNT, null, COUNT, ...RATES.map(() => PERCENT), SCORE, MONEY, COUNT],
    [8, 36, 12, 12, 12, 12, 12, 12, 12, 12, 16, 12],
  );
  const categories = categorySheet(L, name, data.categories);
  addTable(
    wb,
    L.sheetCategory,
    categories.headers,
    categories.rows,
    categories.formats,
    categories.widths,
  );
  addTable(
    wb,
    T.sheetHotspots,
    [L.category, T.place, T.cases, T.previousCases, T.trend, T.keywords],
    data.hotspots.map((h) => [h.category ? name(h.category.name) : L.noCategory, h.place, h.count, h.previousCount, T.trends[h.trend] ?? h.trend, h.keywords.join(' ')]),
    [null, null, COUNT, COUNT, null, null],
    [24, 36, 10, 10, 12, 30],
  );
  const statuses: Partial<Record<string, string>> = L.statuses;
  addTable(
    wb,
    T.sheetBacklog,
    [L.trackingNo, L.caseTitle, T.owner, L.status, T.ageDays, T.overdueDays],
    data.backlog.oldest.map((b) => [b.trackingNo, b.title, b.owner ? name(b.owner.name) : null, statuses[b.status] ?? b.status, b.ageDays, b.overdueDays]),
    ['@', null, null, null, COUNT, COUNT],
    [16, 44, 30, 14, 12, 12],
  );
  const backlog = wb.getWorksheet(T.sheetBacklog.slice(0, 31));
  if (backlog) {
    backlog.addRow([]);
    backlog.addRow([T.backlogTotal(data.backlog.minAgeDays), data.backlog.total]).getCell(2).numFmt = COUNT;
    backlog.addRow([T.backlogOverdue, data.backlog.overdue]).getCell(2).numFmt = COUNT;
    for (const b of data.backlog.bands) backlog.addRow([`${b.fromDays}${b.toDays === null ? '+' : `–${b.toDays}`} ${T.days}`, b.count]).getCell(2).numFmt = COUNT;
  }
  // Notable cases: tracking number as text, no requester data.
  addTable(
    wb,
    T.sheetNotable,
    [L.trackingNo, L.caseTitle, L.category, L.status, T.notableReasons, L.measures.amountRecovered],
    (data.notable ?? []).map((n) => [
      n.trackingNo,
      n.title,
      n.category ? name(n.category.name) : L.noCategory,
      statuses[n.status] ?? n.status,
      notableReasonText(n, language),
      n.amountRecoveredFen === null || n.amountRecoveredFen === 0 ? null : yuan(n.amountRecoveredFen),
    ]),
    ['@', null, null, null, null, MONEY],
    [16, 44, 24, 14, 36, 16],
  );
  return Buffer.from(await wb.xlsx.writeBuffer());
};
