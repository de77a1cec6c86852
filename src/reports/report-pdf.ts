import PDFDocument from 'pdfkit';
import type { Language } from '../core/case/case.types.js';
import type { LocalizedText } from '../core/directory/directory.types.js';
import type { ReportData } from '../core/reports/report-data.js';
import { notableReasonText, REPORT_TEXT, reportTitleOf } from '../core/reports/report-text.js';
import { ReportFailure } from '../core/reports/reports.types.js';
import { REPORT_LABELS } from '../core/stats/report-labels.js';
import type { RateName } from '../core/stats/stats.types.js';
import { resolveReportFonts, type ReportFonts } from './report-fonts.js';
import { scriptRuns } from './script-runs.js';

type Doc = PDFKit.PDFDocument;

const MARGIN = 50;
const PAGE_W = 595.28;
const PAGE_H = 841.89;
const CONTENT_W = PAGE_W - 2 * MARGIN;
const ACCENT = '#1f5fa8';
const MUTED = '#666666';
const RATES: RateName[] = ['responseRate', 'onTimeRate', 'replyRate', 'resolutionRate', 'satisfactionRate', 'settlementRate'];

const percent = (v: number | null): string => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
const count = (v: number): string => v.toLocaleString('en-US');
const yuan = (fen: number): string => (fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const score = (v: number | null): string => (v === null ? '–' : v.toFixed(1));
const chinaTime = (iso: string): string => new Date(new Date(iso).getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');

const FONT_OF = { tibetan: 'tibetan', other: 'cjk' } as const;
// Tibetan Machine Uni draws smaller than Noto CJK at the same size; this evens out the two on one line.
const SIZE_OF = { tibetan: 1.15, other: 1 } as const;

class Writer {
  constructor(
    readonly doc: Doc,
    readonly language: Language,
  ) {}

  name(text: LocalizedText | undefined | null): string {
    return text ? text[this.language] || text['zh-Hans'] : '';
  }

  /** Width of a mixed-script string at a size. */
  width(text: string, size: number): number {
    let w = 0;
    for (const run of scriptRuns(text)) w += this.doc.font(FONT_OF[run.script]).fontSize(size * SIZE_OF[run.script]).widthOfString(run.text);
    return w;
  }

  /** Cuts a string to a width on grapheme boundaries (never inside a Tibetan stack), with an ellipsis. */
  fit(text: string, width: number, size: number): string {
    if (this.width(text, size) <= width) return text;
    const graphemes = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);
    while (graphemes.length > 0 && this.width(`${graphemes.join('')}…`, size) > width) graphemes.pop();
    return `${graphemes.join('')}…`;
  }

  /**
   * Text with a font per run of script (pdfkit's `continued` keeps the runs on one flow, so wrapping works
   * across them). Returns the y below the text.
   */
  text(text: string, x: number, y: number, options: { size?: number; width?: number; color?: string; isOneLine?: boolean; align?: 'left' | 'right' | 'center' } = {}): number {
    const size = options.size ?? 10;
    const runs = scriptRuns(text.length > 0 ? text : ' ');
    const value = options.isOneLine && options.width ? this.fit(text, options.width, size) : text;
    const fitted = options.isOneLine ? scriptRuns(value.length > 0 ? value : ' ') : runs;
    this.doc.fillColor(options.color ?? '#000000');
    fitted.forEach((run, i) => {
      const isLast = i === fitted.length - 1;
      this.doc.font(FONT_OF[run.script]).fontSize(size * SIZE_OF[run.script]);
      const common = { continued: !isLast, lineBreak: !options.isOneLine, align: options.align };
      if (i === 0) this.doc.text(run.text, x, y, { ...common, width: options.width ?? CONTENT_W - (x - MARGIN) });
      else this.doc.text(run.text, common);
    });
    return this.doc.y;
  }
}

type Column = { header: string; width: number; align?: 'left' | 'right' };

const ROW_H = 17;

/** Starts a new page when the block would not fit; returns where to draw. */
const room = (doc: Doc, y: number, needed: number): number => {
  if (y + needed <= PAGE_H - MARGIN) return y;
  doc.addPage();
  return MARGIN;
};

const table = (w: Writer, y0: number, columns: Column[], rows: string[][], size = 8.5): number => {
  const { doc } = w;
  let y = room(doc, y0, ROW_H * Math.min(rows.length + 1, 4));
  const header = () => {
    doc.rect(MARGIN, y, CONTENT_W, ROW_H).fill('#e8eef7');
    let x = MARGIN;
    for (const c of columns) {
      w.text(c.header, x + 3, y + 3, { size, width: c.width - 6, isOneLine: true, align: c.align });
      x += c.width;
    }
    y += ROW_H;
  };
  header();
  rows.forEach((cells, r) => {
    if (y + ROW_H > PAGE_H - MARGIN) {
      doc.addPage();
      y = MARGIN;
      header();
    }
    if (r % 2 === 1) doc.rect(MARGIN, y, CONTENT_W, ROW_H).fill('#f7f7f7');
    let x = MARGIN;
    cells.forEach((cell, i) => {
      const c = columns[i];
      if (!c) return;
      w.text(cell, x + 3, y + 3, { size, width: c.width - 6, isOneLine: true, align: c.align });
      x += c.width;
    });
    y += ROW_H;
  });
  return y + 6;
};

const heading = (w: Writer, y0: number, title: string, needed = 60): number => {
  const y = room(w.doc, y0 + 8, needed);
  w.text(title, MARGIN, y, { size: 13, color: ACCENT });
  w.doc.moveTo(MARGIN, w.doc.y + 1).lineTo(PAGE_W - MARGIN, w.doc.y + 1).lineWidth(0.6).strokeColor(ACCENT).stroke();
  return w.doc.y + 6;
};

/** A "nice" axis maximum of four equal whole steps (1, 2 or 5 times a power of ten each), at least the value. */
const niceMax = (value: number): number => {
  const raw = Math.max(1, value / 4);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((m) => m >= raw) ?? 10 * power;
  return Math.max(4, Math.ceil(step) * 4);
};

/**
 * The trend chart, drawn with pdfkit's own primitives so that every label goes through the same
 * script-aware text path as the rest of the report: bars of cases registered per period (left axis) and
 * the reply rate as a line (right axis, 0–100%).
 */
const trendChart = (w: Writer, y0: number, data: ReportData): number => {
  const { doc } = w;
  const T = REPORT_TEXT[w.language];
  const height = 200;
  let y = room(doc, y0, height + 40);
  // Legend.
  doc.rect(MARGIN, y + 3, 10, 8).fill('#8fb3e0');
  let x = MARGIN + 14;
  w.text(T.trendLegendCases, x, y, { size: 8.5, isOneLine: true, width: 200 });
  x += w.width(T.trendLegendCases, 8.5) + 20;
  doc.moveTo(x, y + 7).lineTo(x + 14, y + 7).lineWidth(2).strokeColor('#c0392b').stroke();
  w.text(T.trendLegendRate, x + 18, y, { size: 8.5, isOneLine: true, width: 200 });
  y += 20;
  const items = data.series.items;
  const left = MARGIN + 34;
  const right = PAGE_W - MARGIN - 34;
  const top = y;
  const bottom = y + height - 30;
  const plotW = right - left;
  const plotH = bottom - top;
  const max = niceMax(Math.max(0, ...items.map((i) => i.counts.registered)));
  // Grid and axes.
  doc.lineWidth(0.4).strokeColor('#cccccc');
  for (let k = 0; k <= 4; k += 1) {
    const gy = bottom - (plotH * k) / 4;
    doc.moveTo(left, gy).lineTo(right, gy).stroke();
    w.text(count(Math.round((max * k) / 4)), MARGIN, gy - 5, { size: 7, width: 30, isOneLine: true, align: 'right', color: MUTED });
    w.text(`${25 * k}%`, right + 4, gy - 5, { size: 7, width: 30, isOneLine: true, color: MUTED });
  }
  const slot = plotW / Math.max(1, items.length);
  const labelEvery = Math.max(1, Math.ceil(items.length / 12));
  items.forEach((item, i) => {
    const barH = (plotH * item.counts.registered) / max;
    doc.rect(left + slot * i + slot * 0.2, bottom - barH, slot * 0.6, barH).fill('#8fb3e0');
    if (i % labelEvery === 0) {
      const label = data.series.period === 'day' ? item.label.slice(5) : item.label;
      w.text(label, left + slot * i - 10, bottom + 4, { size: 7, width: slot * labelEvery + 20 > 60 ? 60 : slot + 20, isOneLine: true, align: 'center', color: MUTED });
    }
  });
  // Reply rate line, broken where a period has nothing to measure.
  doc.lineWidth(1.6).strokeColor('#c0392b');
  let isDrawing = false;
  items.forEach((item, i) => {
    const v = item.rates.replyRate.value;
    const px = left + slot * i + slot / 2;
    if (v === null) {
      if (isDrawing) doc.stroke();
      isDrawing = false;
      return;
    }
    const py = bottom - plotH * Math.min(1, v);
    if (isDrawing) doc.lineTo(px, py);
    else doc.moveTo(px, py);
    isDrawing = true;
  });
  if (isDrawing) doc.stroke();
  items.forEach((item, i) => {
    const v = item.rates.replyRate.value;
    if (v !== null) doc.circle(left + slot * i + slot / 2, bottom - plotH * Math.min(1, v), 1.8).fill('#c0392b');
  });
  return bottom + 24;
};

const buildPdf = (doc: Doc, data: ReportData, language: Language): void => {
  const w = new Writer(doc, language);
  const T = REPORT_TEXT[language];
  const L = REPORT_LABELS[language];
  const { counts } = data.summary;
  const before = data.previousSummary.counts;

  // Title block.
  let y = w.text(`${w.name(data.unit.name)} · ${reportTitleOf(data.kind, language)}`, MARGIN, MARGIN, { size: 18, color: ACCENT });
  y = w.text(`${T.period}: ${data.from} – ${data.to}    ${T.previousPeriod}: ${data.previous.from} – ${data.previous.to}`, MARGIN, y + 4, { size: 10 });
  y = w.text(`${T.unit}: ${w.name(data.unit.name)} (${data.unit.code})    ${T.generatedAt}: ${chinaTime(data.generatedAt)}`, MARGIN, y + 2, { size: 10 });
  y = w.text(T.cohortNote, MARGIN, y + 4, { size: 8.5, color: MUTED });

  // Headline rates and counts.
  y = heading(w, y, T.sections.headline);
  const changeOf = (now: number | null, then: number | null, unit: 'rate' | 'score' | 'count') => {
    if (now === null || then === null) return '–';
    const d = now - then;
    return `${d >= 0 ? '+' : ''}${unit === 'rate' ? `${(d * 100).toFixed(1)} pt` : unit === 'score' ? d.toFixed(1) : count(d)}`;
  };
  y = table(
    w,
    y,
    [
      { header: L.measure, width: 195 },
      { header: L.value, width: 70, align: 'right' },
      { header: `${L.numerator} / ${L.denominator}`, width: 90, align: 'right' },
      { header: L.previous, width: 70, align: 'right' },
      { header: L.change, width: 70, align: 'right' },
    ],
    [
      ...RATES.map((rate) => {
        const r = data.summary.rates[rate];
        const p = data.previousSummary.rates[rate].value;
        return [L.measures[rate], percent(r.value), `${count(r.numerator)} / ${count(r.denominator)}`, percent(p), changeOf(r.value, p, 'rate')];
      }),
      [L.measures.score, score(data.summary.score), '', score(data.previousSummary.score), changeOf(data.summary.score, data.previousSummary.score, 'score')],
      ...(['registered', 'replied', 'rejected', 'open', 'openOverdue', 'evaluated'] as const).map((c) => [L.measures[c], count(counts[c]), '', count(before[c]), changeOf(counts[c], before[c], 'count')]),
      [L.measures.amountRecovered, yuan(counts.amountRecoveredFen), '', yuan(before.amountRecoveredFen), ''],
    ],
  );

  // Definitions.
  y = heading(w, y, T.sections.definitions);
  for (const rate of RATES) y = w.text(`• ${T.rateDefinitions[rate]}`, MARGIN, room(doc, y, 30), { size: 8.5 }) + 2;
  y = w.text(`• ${T.scoreDefinition}`, MARGIN, room(doc, y, 30), { size: 8.5 }) + 2;

  // Trend.
  y = heading(w, y, T.sections.trend, 260);
  y = trendChart(w, y, data);

  // Ranking.
  y = heading(w, y, T.sections.ranking);
  const best = Math.max(1, ...data.ranking.map((r) => r.score ?? 0));
  const rankingTop = y;
  y = table(
    w,
    y,
    [
      { header: L.rank, width: 35, align: 'right' },
      { header: L.unit, width: 170 },
      { header: L.measures.score, width: 90 },
      { header: L.measures.registered, width: 65, align: 'right' },
      { header: L.measures.replyRate, width: 67, align: 'right' },
      { header: L.measures.satisfactionRate, width: 68, align: 'right' },
    ],
    data.ranking.map((r) => [r.rank === null ? '–' : String(r.rank), w.name(r.unit.name), score(r.score), count(r.counts.registered), percent(r.rates.replyRate.value), percent(r.rates.satisfactionRate.value)]),
  );
  // Score bars beside the numbers, when the table stayed on one page.
  if (y > rankingTop) {
    data.ranking.forEach((r, i) => {
      const rowY = rankingTop + ROW_H * (i + 1);
      if (r.score !== null && rowY + ROW_H < y) doc.rect(MARGIN + 205 + 30, rowY + 5, (55 * r.score) / best, 7).fill('#8fb3e0');
    });
  }

  // Categories.
  y = heading(w, y, T.sections.categories);
  y = table(
    w,
    y,
    [
      { header: L.category, width: 160 },
      { header: L.measures.registered, width: 60, align: 'right' },
      { header: L.measures.replyRate, width: 65, align: 'right' },
      { header: L.measures.resolutionRate, width: 65, align: 'right' },
      { header: L.measures.satisfactionRate, width: 65, align: 'right' },
      { header: L.measures.amountRecovered, width: 80, align: 'right' },
    ],
    data.categories.length === 0
      ? [[T.noData, '', '', '', '', '']]
      : data.categories.map((c) => [
          c.category ? w.name(c.category.name) : L.noCategory,
          count(c.counts.registered),
          percent(c.rates.replyRate.value),
          percent(c.rates.resolutionRate.value),
          percent(c.rates.satisfactionRate.value),
          yuan(c.counts.amountRecoveredFen),
        ]),
  );

  // Hotspots.
  y = heading(w, y, T.sections.hotspots);
  y = table(
    w,
    y,
    [
      { header: L.category, width: 100 },
      { header: T.place, width: 150 },
      { header: T.cases, width: 45, align: 'right' },
      { header: T.previousCases, width: 50, align: 'right' },
      { header: T.trend, width: 55 },
      { header: T.keywords, width: 95 },
    ],
    data.hotspots.length === 0
      ? [[T.noData, '', '', '', '', '']]
      : data.hotspots.map((h) => [h.category ? w.name(h.category.name) : L.noCategory, h.place, count(h.count), count(h.previousCount), T.trends[h.trend] ?? h.trend, h.keywords.join(' ')]),
  );

  // Backlog and overdue.
  y = heading(w, y, T.sections.backlog);
  y = w.text(`${T.backlogTotal(data.backlog.minAgeDays)}: ${count(data.backlog.total)}    ${T.backlogOverdue}: ${count(data.backlog.overdue)}`, MARGIN, y, { size: 10 }) + 2;
  y = w.text(`${L.measures.openOverdue} (${T.period}): ${count(counts.openOverdue)} / ${L.measures.open}: ${count(counts.open)}`, MARGIN, y, { size: 10 }) + 4;
  y = table(
    w,
    y,
    [
      { header: T.ageBand, width: 200 },
      { header: T.cases, width: 80, align: 'right' },
      { header: '', width: CONTENT_W - 280 },
    ],
    data.backlog.bands.map((b) => [`${b.fromDays}${b.toDays === null ? '+' : `–${b.toDays}`} ${T.days}`, count(b.count), '']),
  );
  if (data.backlog.oldest.length > 0) {
    const statuses: Partial<Record<string, string>> = L.statuses;
    y = table(
      w,
      y,
      [
        { header: L.trackingNo, width: 80 },
        { header: L.caseTitle, width: 150 },
        { header: T.owner, width: 100 },
        { header: L.status, width: 65 },
        { header: T.ageDays, width: 50, align: 'right' },
        { header: T.overdueDays, width: 50, align: 'right' },
      ],
      data.backlog.oldest.map((b) => [b.trackingNo, b.title, b.owner ? w.name(b.owner.name) : '', statuses[b.status] ?? b.status, String(b.ageDays), b.overdueDays === null ? '' : String(b.overdueDays)]),
    );
  }

  // Notable cases: what a leader should look at, and why.
  y = heading(w, y, T.notableTitle);
  y = w.text(T.notableIntro, MARGIN, y, { size: 8.5, color: MUTED }) + 4;
  const notable = data.notable ?? [];
  if (notable.length === 0) {
    y = w.text(T.noData, MARGIN, y, { size: 10 }) + 4;
  } else {
    const statuses: Partial<Record<string, string>> = L.statuses;
    y = table(
      w,
      y,
      [
        { header: L.trackingNo, width: 80 },
        { header: L.caseTitle, width: 140 },
        { header: L.category, width: 85 },
        { header: L.status, width: 55 },
        { header: T.notableReasons, width: CONTENT_W - 360 },
      ],
      notable.map((n) => [n.trackingNo, n.title, n.category ? w.name(n.category.name) : L.noCategory, statuses[n.status] ?? n.status, notableReasonText(n, language)]),
    );
  }

  // Amounts recovered.
  y = heading(w, y, T.sections.recovered);
  y = w.text(`${T.recoveredTotal}: ${yuan(counts.amountRecoveredFen)}    ${T.previousPeriod}: ${yuan(before.amountRecoveredFen)}`, MARGIN, y, { size: 10 }) + 4;
  const topRecovered = data.categories.filter((c) => c.counts.amountRecoveredFen > 0).sort((a, b) => b.counts.amountRecoveredFen - a.counts.amountRecoveredFen).slice(0, 5);
  if (topRecovered.length > 0) {
    y = w.text(T.recoveredTopCategories, MARGIN, y, { size: 9, color: MUTED }) + 2;
    table(
      w,
      y,
      [
        { header: L.category, width: 300 },
        { header: L.measures.amountRecovered, width: CONTENT_W - 300, align: 'right' },
      ],
      topRecovered.map((c) => [c.category ? w.name(c.category.name) : L.noCategory, yuan(c.counts.amountRecoveredFen)]),
    );
  }
};

/**
 * The report as a PDF (A4), in the reader's language, Chinese and Tibetan set in their own fonts with
 * OpenType shaping (fontkit), so Tibetan stacks and vowel signs come out right. Fonts are resolved on
 * every call: a missing font fails with report.font_missing.
 */
export const renderReportPdf = async (data: ReportData, language: Language, fonts: ReportFonts = resolveReportFonts()): Promise<Buffer> => {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: `${data.unit.name[language] || data.unit.name['zh-Hans']} ${reportTitleOf(data.kind, language)} ${data.from} – ${data.to}`, Author: 'Bihuan', Producer: 'Bihuan' },
    lang: language === 'zh-Hans' ? 'zh-CN' : language,
  } as PDFKit.PDFDocumentOptions);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', () => resolve());
    doc.on('error', reject);
  });
  try {
    doc.registerFont('cjk', fonts.cjk.path, fonts.cjk.face);
    doc.registerFont('tibetan', fonts.tibetan.path, fonts.tibetan.face);
    doc.font('cjk');
  } catch (error) {
    throw new ReportFailure('report.font_missing', `the report fonts could not be loaded: ${error instanceof Error ? error.message : String(error)}`, {
      cjk: fonts.cjk.path,
      tibetan: fonts.tibetan.path,
    });
  }
  buildPdf(doc, data, language);
  // Page numbers, once every page exists.
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i += 1) {
    doc.switchToPage(i);
    // The footer sits in the bottom margin: without this pdfkit would start a new page for it.
    doc.page.margins.bottom = 0;
    doc.font('cjk').fontSize(8).fillColor(MUTED).text(`${i + 1} / ${range.count}`, MARGIN, PAGE_H - MARGIN + 16, { width: CONTENT_W, align: 'center', lineBreak: false });
  }
  doc.end();
  await ended;
  return Buffer.concat(chunks);
};
