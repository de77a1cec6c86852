// Formatting helpers. Dates are shown as YYYY-MM-DD HH:mm in the reader's local time, the
// usual form in Chinese public service and unambiguous in Tibetan and English too.

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function parse(iso: string): Date | null {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = parse(iso);
  if (!d) return iso;
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = parse(iso);
  if (!d) return iso;
  return `${formatDate(iso)} ${pad2(d.getHours())}:${pad2(d.getMinutes())}`;
}

/** 350050 → "3500.50" */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  return `${sign}${yuan}.${pad2(cents)}`;
}

/**
 * Parses an amount of yuan typed by a person ("3500", "3500.5", "3,500.50", "３５００") into an integer
 * number of fen without going through floating point. Returns null when it is not an amount.
 */
export function cnyToFen(input: string): number | null {
  const normalised = input
    .trim()
    .replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 0x30))
    .replace(/[．。]/g, '.')
    .replace(/[,，\s]/g, '');
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(normalised);
  if (!m || m[1] === undefined) return null;
  const yuan = Number(m[1]);
  const cents = m[2] === undefined ? 0 : Number(m[2].padEnd(2, '0'));
  const fen = yuan * 100 + cents;
  return Number.isSafeInteger(fen) ? fen : null;
}

/** "2025-06-30" → "2025-06-30T23:59:59+08:00" (the end of that day in the browser's time zone). */
export function endOfDayIso(date: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59);
  if (Number.isNaN(d.getTime())) return null;
  const offsetMin = -d.getTimezoneOffset();
  const sign = offsetMin >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMin);
  return `${m[1]}-${m[2]}-${m[3]}T23:59:59${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

export interface TreeItem {
  id: string;
  parentId: string | null;
}

/** Depth of each item of a flat, parents-first list (units, categories), for indented pickers. */
export function depths<T extends TreeItem>(items: readonly T[]): Map<string, number> {
  const byId = new Map(items.map((i) => [i.id, i]));
  const out = new Map<string, number>();
  const depthOf = (item: T, guard: number): number => {
    const known = out.get(item.id);
    if (known !== undefined) return known;
    const parent = item.parentId ? byId.get(item.parentId) : undefined;
    const d = parent && guard < 32 ? depthOf(parent, guard + 1) + 1 : 0;
    out.set(item.id, d);
    return d;
  };
  for (const item of items) depthOf(item, 0);
  return out;
}

/** An option label indented by depth with em spaces (ASCII spaces collapse inside <option>). */
export function indent(label: string, depth: number): string {
  return `${'\u2003'.repeat(depth)}${label}`;
}
