import { once } from 'node:events';
import { PassThrough, type Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { csvLine, UTF8_BOM, type ExportCell } from '../core/reports/case-export.js';

/** Pages of rows, produced lazily: only one page is in memory at a time. */
export type RowPages = AsyncIterable<ExportCell[][]>;

const DATE_TIME = 'yyyy-mm-dd hh:mm';
// Excel has no time zones: write China wall-clock time, as the statistics workbook does.
const chinaWallClock = (at: Date): Date => new Date(at.getTime() + 8 * 3600_000);

/** Waits when the reader is slower than the database, so a slow download never piles up a whole file in memory. */
const drained = async (out: PassThrough): Promise<void> => {
  // A client that goes away never drains: stop waiting when the stream closes too.
  if (out.writableNeedDrain && !out.destroyed) await Promise.race([once(out, 'drain'), once(out, 'close')]);
};

/**
 * Runs the producer into a stream; a failure half-way (database gone, client gone) destroys the stream, so the
 * client sees a truncated download rather than a file that looks complete. `onDone` runs in every case, before
 * the stream ends: a client that has the whole file finds the work behind it over (its transaction closed).
 */
const pump = (produce: (out: PassThrough) => Promise<void>, onDone: () => Promise<void>): Readable => {
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  void (async () => {
    let failure: Error | null = null;
    try {
      await produce(out);
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
    }
    await onDone().catch(() => undefined);
    if (failure) out.destroy(failure);
    else out.end();
  })();
  return out;
};

export const csvStream = (headers: string[], pages: RowPages, onDone: () => Promise<void>): Readable =>
  pump(async (out) => {
    out.write(UTF8_BOM + csvLine(headers));
    for await (const page of pages) {
      if (out.destroyed) return;
      out.write(page.map(csvLine).join(''));
      await drained(out);
    }
  }, onDone);

/**
 * xlsx written row by row with exceljs's streaming writer: committed rows leave memory at once (no shared
 * strings table, which would grow with the file). Dates are real date cells, the header row frozen and filtered.
 */
export const xlsxStream = (sheetName: string, headers: string[], dateColumns: readonly number[], pages: RowPages, onDone: () => Promise<void>): Readable =>
  pump(async (out) => {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
    const sheet = workbook.addWorksheet(sheetName.slice(0, 31), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = headers.map((header, i) => ({ header, width: dateColumns.includes(i) ? 17 : i === 4 ? 40 : 16 }));
    sheet.getRow(1).font = { bold: true };
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: headers.length } };
    sheet.getRow(1).commit();
    for await (const page of pages) {
      if (out.destroyed) return;
      for (const cells of page) {
        const row = sheet.addRow(cells.map((cell) => (cell instanceof Date ? chinaWallClock(cell) : cell)));
        for (const i of dateColumns) row.getCell(i + 1).numFmt = DATE_TIME;
        // Tracking numbers are identifiers: text, so Excel never shows them as 2.6E+12.
        row.getCell(1).numFmt = '@';
        row.commit();
      }
      await drained(out);
    }
    sheet.commit();
    await workbook.commit();
  }, onDone);
