/**
 * CSV for spreadsheets: UTF-8 with a byte-order mark (so Excel reads Chinese and Tibetan right), CRLF line
 * ends, every field quoted. A field starting with = + - @ or a tab/CR would be run as a formula by a
 * spreadsheet: it gets a leading apostrophe (OWASP's advice), so "=HYPERLINK(...)" stays text.
 */
export const CSV_BOM = '\uFEFF';

const FORMULA_START = /^[=+\-@\t\r]/;

export const csvField = (value: string | number | boolean | null | undefined): string => {
  if (value === null || value === undefined) return '""';
  let text = String(value);
  // Numbers are data, not formulas: a negative number keeps its sign.
  if (typeof value !== 'number' && FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replace(/"/g, '""')}"`;
};

export const toCsv = (header: readonly string[], rows: readonly (readonly (string | number | boolean | null | undefined)[])[]): string =>
  CSV_BOM + [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
