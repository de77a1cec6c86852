import ExcelJS from 'exceljs';
import type { Language } from '../case/case.types.js';
import type { LocalizedText } from '../directory/directory.types.js';
import type { ReportData } from './period-report.js';
import { REPORT_LABELS } from './report-labels.js';
import { categorySheet } from './workbook-sheets.js';
import type { Figures } from './stats-queries.js';
import type { RateName } from './stats.types.js';

const COUNT = '#,##0';
const MONEY = '#,##0.00';
const PERCENT = '0.0%';
const PERCENT_CHANGE = '+0.0%;-0.0%;0.0%';
const COUNT_CHANGE = '+#,##0;-#,##0;0';
const SCORE = '0.0';
const DATE_TIME = 'yyyy-mm-dd hh:mm';

// Excel has no time zones: write China wall-clock time, which is what every reader of the report expects.
const chinaWallClock = (at: Date): Date => new Date(at.getTime() + 8 * 3600_000);
const yuan = (fen: number | null): number | null => (fen === null ? null : fen / 100);

type CellValue = string | number | Date | null;

const addTable = (
  ws: ExcelJS.Worksheet,
  headers: string[],
  rows: CellValue[][],
  formats: (string | null)[],
  widths: number[],
): void => {
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
  ws.views = [{ state: 'frozen', ySplit: header.number }];
  ws.autoFilter = { from: { row: header.number, column: 1 }, to: { row: header.number, column: headers.length } };
};

const RATE_ROWS: RateName[] = ['responseRate', 'onTimeRate', 'replyRate', 'resolutionRate', 'satisfactionRate', 'settlementRate'];

/**
 * The report as an Excel workbook: every figure a real number with a number format (counts, percentages,
 * yuan, dates), never text, so that readers can sort, sum and chart it. Four sheets: summary with the period
 * before, by category, by unit, notable cases. Labels in the reader's language.
 */
export const buildReportWorkbook = async (data: ReportData, language: Language): Promise<Buffer> => {
  const L = REPORT_LABELS[language];
  const name = (text: LocalizedText | undefined): string => (text ? text[language] || text['zh-Hans'] : '');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Bihuan';
  wb.created = data.generatedAt;

  const summary = wb.addWorksheet(L.sheetSummary);
  const title = summary.addRow([L.title(name(data.unit.name), data.period.label)]);
  title.font = { bold: true, size: 14 };
  summary.addRow([L.periodFrom, `${data.period.from} – ${data.period.to}`]);
  const generated = summary.addRow([L.generatedAt, chinaWallClock(data.generatedAt)]);
  generated.getCell(2).numFmt = DATE_TIME;
  summary.addRow([]);
  const { counts } = data.summary;
  const before = data.previous.counts;
  const countRow = (label: string, value: number, previous: number): CellValue[] => [label, value, null, null, previous, value - previous];
  const rows: CellValue[][] = [
    countRow(L.measures.registered, counts.registered, before.registered),
    countRow(L.measures.replied, counts.replied, before.replied),
    countRow(L.measures.repliedOnIntake, counts.repliedOnIntake, before.repliedOnIntake),
    countRow(L.measures.rejected, counts.rejected, before.rejected),
    countRow(L.measures.merged, counts.merged, before.merged),
    countRow(L.measures.open, counts.open, before.open),
    countRow(L.measures.openOverdue, counts.openOverdue, before.openOverdue),
    countRow(L.measures.dispatched, counts.dispatched, before.dispatched),
    countRow(L.measures.evaluated, counts.evaluated, before.evaluated),
  ];
  const formats: (string | null)[][] = rows.map(() => [null, COUNT, null, null, COUNT, COUNT_CHANGE]);
  rows.push([L.measures.amountRecovered, yuan(counts.amountRecoveredFen), null, null, yuan(before.amountRecoveredFen), yuan(counts.amountRecoveredFen - before.amountRecoveredFen)]);
  formats.push([null, MONEY, null, null, MONEY, MONEY]);
  for (const rate of RATE_ROWS) {
    const now = data.summary.rates[rate];
    const then = data.previous.rates[rate].value;
    rows.push([L.measures[rate], now.value, now.numerator, now.denominator, then, now.value !== null && then !== null ? now.value - then : null]);
    formats.push([null, PERCENT, COUNT, COUNT, PERCENT, PERCENT_CHANGE]);
  }
  const score = (f: Figures) => f.score;
  rows.push([L.measures.score, score(data.summary), null, null, score(data.previous), data.summary.score !== null && data.previous.score !== null ? data.summary.score - data.previous.score : null]);
  formats.push([null, SCORE, null, null, SCORE, '+0.0;-0.0;0.0']);
  summary.columns = [{ width: 40 }, { width: 16 }, { width: 14 }, { width: 14 }, { width: 16 }, { width: 14 }];
  const header = summary.addRow([L.measure, L.value, L.numerator, L.denominator, L.previous, L.change]);
  header.font = { bold: true };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
  rows.forEach((values, i) => {
    const row = summary.addRow(values);
    (formats[i] ?? []).forEach((format, col) => {
      if (format) row.getCell(col + 1).numFmt = format;
    });
  });
  summary.addRow([]);
  summary.addRow([L.notes]).font = { italic: true, color: { argb: 'FF666666' } };

  const categories = categorySheet(L, name, data.byCategory);
  addTable(
    wb.addWorksheet(L.sheetCategory),
    categories.headers,
    categories.rows,
    categories.formats,
    categories.widths,
  );

  addTable(
    wb.addWorksheet(L.sheetUnit),
    [L.rank, L.unit, L.measures.registered, L.measures.responseRate, L.measures.onTimeRate, L.measures.replyRate, L.measures.resolutionRate, L.measures.satisfactionRate, L.measures.score, L.measures.amountRecovered, L.measures.open],
    data.byUnit.map((u) => [
      u.rank,
      name(u.unit.name),
      u.counts.registered,
      u.rates.responseRate.value,
      u.rates.onTimeRate.value,
      u.rates.replyRate.value,
      u.rates.resolutionRate.value,
      u.rates.satisfactionRate.value,
      u.score,
      yuan(u.counts.amountRecoveredFen),
      u.counts.open,
    ]),
    [COUNT, null, COUNT, PERCENT, PERCENT, PERCENT, PERCENT, PERCENT, SCORE, MONEY, COUNT],
    [8, 36, 12, 12, 12, 12, 12, 12, 12, 16, 12],
  );

  addTable(
    wb.addWorksheet(L.sheetNotable),
    [L.reason, L.trackingNo, L.caseTitle, L.category, L.unit, L.registeredAt, L.status, L.measures.amountRecovered, L.satisfaction],
    data.notable.map((n) => [
      L.reasons[n.reason],
      // Tracking numbers are identifiers: text, so Excel never shows them as 2.6E+12.
      n.trackingNo,
      n.title,
      n.category ? name(n.category.name) : L.noCategory,
      n.owner ? name(n.owner.name) : null,
      chinaWallClock(n.createdAt),
      L.statuses[n.status],
      yuan(n.amountRecoveredFen),
      n.satisfaction === 'satisfied' || n.satisfaction === 'fairly_satisfied' || n.satisfaction === 'dissatisfied' ? L.satisfactions[n.satisfaction] : null,
    ]),
    [null, '@', null, null, null, DATE_TIME, null, MONEY, null],
    [20, 16, 44, 20, 30, 18, 14, 16, 14],
  );

  return Buffer.from(await wb.xlsx.writeBuffer());
};
