import { shanghaiParts } from './render-template.js';

/** Minutes after local midnight in Asia/Shanghai; a window may wrap past midnight (21:00–08:00). */
export type QuietHours = { startMinute: number; endMinute: number };

export const DEFAULT_QUIET_HOURS: QuietHours = { startMinute: 21 * 60, endMinute: 8 * 60 };

/** Parses `21:00-08:00`; `off` or an empty string means no quiet hours. */
export const parseQuietHours = (value: string): QuietHours | null => {
  const trimmed = value.trim().toLowerCase();
  if (trimmed === '' || trimmed === 'off') return null;
  const m = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/.exec(trimmed);
  if (!m) throw new Error(`quiet hours must look like 21:00-08:00, not ${value}`);
  const [h1, m1, h2, m2] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
  if (h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59) throw new Error(`quiet hours out of range: ${value}`);
  return { startMinute: h1 * 60 + m1, endMinute: h2 * 60 + m2 };
};

const minuteOfDay = (at: Date): number => {
  const { hour, minute } = shanghaiParts(at);
  return hour * 60 + minute;
};

export const isQuiet = (at: Date, quiet: QuietHours | null): boolean => {
  if (!quiet || quiet.startMinute === quiet.endMinute) return false;
  const m = minuteOfDay(at);
  return quiet.startMinute < quiet.endMinute ? m >= quiet.startMinute && m < quiet.endMinute : m >= quiet.startMinute || m < quiet.endMinute;
};

/** The first moment at or after `at` outside the quiet window: an SMS at 23:10 is held until 08:00. */
export const nextSendableAt = (at: Date, quiet: QuietHours | null): Date => {
  if (!quiet || !isQuiet(at, quiet)) return at;
  const now = minuteOfDay(at);
  const wait = (quiet.endMinute - now + 24 * 60) % (24 * 60);
  const next = new Date(at.getTime() + wait * 60_000);
  // Land on the minute itself, not on the seconds `at` happened to carry.
  next.setUTCSeconds(0, 0);
  return next;
};
