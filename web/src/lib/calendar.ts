// Calendar arithmetic on ISO dates (YYYY-MM-DD), in UTC so that the browser's time zone never shifts a day.

export interface YearMonth {
  year: number;
  /** 1–12 */
  month: number;
}

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Days since 1970-01-01 of an ISO date, or null when it is not one. */
export function dayNumber(iso: string): number | null {
  const m = ISO_DATE.exec(iso);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return Math.round(ms / DAY_MS);
}

export function isoOfDayNumber(n: number): string {
  const d = new Date(n * DAY_MS);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** ISO weekday: Monday 1 … Sunday 7. */
export function isoWeekday(iso: string): number | null {
  const n = dayNumber(iso);
  if (n === null) return null;
  // 1970-01-01 was a Thursday (4).
  return ((((n + 3) % 7) + 7) % 7) + 1;
}

/** `2026-10` → { year: 2026, month: 10 }; null for anything else. */
export function parseYearMonth(v: string | null | undefined): YearMonth | null {
  if (!v) return null;
  const m = /^(\d{4})-(\d{2})$/.exec(v.trim());
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  if (year < 1900 || year > 2200 || month < 1 || month > 12) return null;
  return { year, month };
}

export function formatYearMonth(ym: YearMonth): string {
  return `${ym.year}-${pad2(ym.month)}`;
}

export function shiftMonth(ym: YearMonth, delta: number): YearMonth {
  const index = ym.year * 12 + (ym.month - 1) + delta;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

export function daysInMonth(ym: YearMonth): number {
  return new Date(Date.UTC(ym.year, ym.month, 0)).getUTCDate();
}

/** The first and last dates of a month, for `GET /calendar/days?from=&to=`. */
export function monthRange(ym: YearMonth): { from: string; to: string } {
  const prefix = formatYearMonth(ym);
  return { from: `${prefix}-01`, to: `${prefix}-${pad2(daysInMonth(ym))}` };
}

/**
 * The weeks of a month, Monday first as on Chinese calendars: each week has seven slots, the dates of
 * the month or null before the 1st and after the last day.
 */
export function monthWeeks(ym: YearMonth): (string | null)[][] {
  const { from } = monthRange(ym);
  const first = dayNumber(from) ?? 0;
  const lead = (isoWeekday(from) ?? 1) - 1;
  const count = daysInMonth(ym);
  const slots: (string | null)[] = [
    ...Array.from({ length: lead }, () => null),
    ...Array.from({ length: count }, (_, i) => isoOfDayNumber(first + i)),
  ];
  while (slots.length % 7 !== 0) slots.push(null);
  const weeks: (string | null)[][] = [];
  for (let i = 0; i < slots.length; i += 7) weeks.push(slots.slice(i, i + 7));
  return weeks;
}

/** Today's date where the reader is. */
export function todayIso(now: Date = new Date()): string {
  return `${now.getFullYear()}-${pad2(now.getMonth() + 1)}-${pad2(now.getDate())}`;
}

export function currentYearMonth(now: Date = new Date()): YearMonth {
  return { year: now.getFullYear(), month: now.getMonth() + 1 };
}
