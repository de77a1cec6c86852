/**
 * Plain-text tables for terminals. Chinese characters take two columns and combining marks (Tibetan vowel
 * signs, subjoined letters) none, so padding by string length would misalign every row with a label in it.
 */

const WIDE = /[\p{Script=Han}\u3000-\u303f\uff01-\uff60\uffe0-\uffe6]/u;
const ZERO_WIDTH = /[\p{M}\u200b-\u200d]/u;

export const displayWidth = (text: string): number => {
  let width = 0;
  for (const ch of text) {
    if (ZERO_WIDTH.test(ch)) continue;
    width += WIDE.test(ch) ? 2 : 1;
  }
  return width;
};

export type ColumnAlign = 'left' | 'right';

export const formatTable = (
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly ColumnAlign[] = [],
): string => {
  const widths = headers.map((header, c) =>
    Math.max(displayWidth(header), ...rows.map((row) => displayWidth(row[c] ?? ''))),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, c) => {
        const pad = ' '.repeat(Math.max(0, (widths[c] ?? 0) - displayWidth(cell)));
        return align[c] === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(headers), rule, ...rows.map(line)].join('\n');
};
