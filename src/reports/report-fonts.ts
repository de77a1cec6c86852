import { existsSync } from 'node:fs';
import { ReportFailure } from '../core/reports/reports.types.js';

export type ReportFonts = {
  /** Chinese, Latin and digits */
  cjk: { path: string; face: string | undefined };
  tibetan: { path: string; face: string | undefined };
};

// The usual Debian/Ubuntu places (fonts-noto-cjk, fonts-noto-extra / fonts-noto-core, fonts-tibetan-machine).
const CJK_CANDIDATES = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf',
  '/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc',
];
const TIBETAN_CANDIDATES = [
  '/usr/share/fonts/truetype/noto/NotoSerifTibetan-Regular.ttf',
  '/usr/share/fonts/opentype/noto/NotoSerifTibetan-Regular.otf',
  '/usr/share/fonts/truetype/tibetan-machine/TibetanMachineUni.ttf',
  '/usr/share/fonts/truetype/ttf-tibetan-machine-unicode/TibetanMachineUni.ttf',
];

/** A font collection (.ttc) holds several faces; pdfkit picks one by its PostScript name. */
const faceOf = (path: string, configured: string | undefined, collectionDefault: string): string | undefined =>
  configured ?? (path.toLowerCase().endsWith('.ttc') ? collectionDefault : undefined);

const pick = (configured: string | undefined, candidates: readonly string[], what: string, env: string): string => {
  // A configured path is meant: if it is wrong, say so instead of silently printing with another font.
  const tried = configured ? [configured] : candidates;
  const found = tried.find((p) => existsSync(p));
  if (!found) {
    throw new ReportFailure('report.font_missing', `no ${what} font: set ${env} to a font file (tried ${tried.join(', ')})`, { font: what, tried });
  }
  return found;
};

/**
 * The fonts of PDF reports: `BIHUAN_REPORT_FONT_CJK` (+ `BIHUAN_REPORT_FONT_CJK_FACE` for a .ttc, default
 * NotoSansCJKsc-Regular) and `BIHUAN_REPORT_FONT_TIBETAN` (+ `_FACE`), else the first of the usual Debian paths.
 * Missing fonts fail the report with `report.font_missing`: a PDF with empty boxes instead of Tibetan is worse
 * than no PDF.
 */
export const resolveReportFonts = (env: NodeJS.ProcessEnv = process.env): ReportFonts => {
  const cjk = pick(env.BIHUAN_REPORT_FONT_CJK || undefined, CJK_CANDIDATES, 'Chinese (CJK)', 'BIHUAN_REPORT_FONT_CJK');
  const tibetan = pick(env.BIHUAN_REPORT_FONT_TIBETAN || undefined, TIBETAN_CANDIDATES, 'Tibetan', 'BIHUAN_REPORT_FONT_TIBETAN');
  return {
    cjk: { path: cjk, face: faceOf(cjk, env.BIHUAN_REPORT_FONT_CJK_FACE || undefined, 'NotoSansCJKsc-Regular') },
    tibetan: { path: tibetan, face: faceOf(tibetan, env.BIHUAN_REPORT_FONT_TIBETAN_FACE || undefined, '') || undefined },
  };
};
