// Time limits: reading the server's structured explanation of a due date and turning it into short,
// grouped facts ("2026-10-01 to 2026-10-08: National Day") that say *why* a due date is where it is.
import {
  DAY_CODES,
  SKIP_REASONS,
  SLA_MODES,
  isSlaTarget,
  type DayCode,
  type LocalDateTime,
  type SkipReason,
  type SlaExplanation,
  type SlaMode,
  type SlaTarget,
} from '../api/types';
import { dayNumber } from './calendar';

type Data = Record<string, unknown>;

function isRecord(v: unknown): v is Data {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function strOrNull(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function localOrNull(v: unknown): LocalDateTime | null {
  if (!isRecord(v)) return null;
  const date = v['date'];
  const time = v['time'];
  return typeof date === 'string' && ISO_DATE.test(date) && typeof time === 'string' ? { date, time } : null;
}

function records(v: unknown): Data[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

/** The explanation as sent (an open record), with only the well-formed fields kept. */
export function readExplanation(raw: unknown): SlaExplanation {
  const e = isRecord(raw) ? raw : {};
  const mode = e['mode'];
  const unit = e['unit'];
  const amount = e['amount'];
  return {
    policyId: strOrNull(e['policyId']),
    calendarId: strOrNull(e['calendarId']),
    mode:
      typeof mode === 'string' && (SLA_MODES as readonly string[]).includes(mode) ? (mode as SlaMode) : null,
    amount: typeof amount === 'number' && Number.isFinite(amount) ? amount : null,
    unit: unit === 'hours' || unit === 'days' ? unit : null,
    start: strOrNull(e['start']),
    startLocal: localOrNull(e['startLocal']),
    dueLocal: localOrNull(e['dueLocal']),
    skippedDays: records(e['skippedDays']).flatMap((d) => {
      const date = d['date'];
      const reason = d['reason'];
      return typeof date === 'string' && ISO_DATE.test(date) && typeof reason === 'string'
        ? [{ date, reason }]
        : [];
    }),
    swappedWorkdays: records(e['swappedWorkdays']).flatMap((d) => {
      const date = d['date'];
      return typeof date === 'string' && ISO_DATE.test(date)
        ? [{ date, bridges: strOrNull(d['bridges']) }]
        : [];
    }),
    pauses: records(e['pauses']).flatMap((p) => {
      const from = strOrNull(p['from']);
      const to = strOrNull(p['to']);
      return from && to ? [{ from, to }] : [];
    }),
    extends: strOrNull(e['extends']),
    rolledForwardFrom: strOrNull(e['rolledForwardFrom']),
    provisional: e['provisional'] === true,
  };
}

export interface DayRun {
  from: string;
  to: string;
  /** Number of days in the run. */
  days: number;
  reason: string;
}

/**
 * Consecutive days with the same reason, as one run: ten skipped days of National Day and a weekend
 * read as two lines, not ten.
 */
export function groupDayRuns(days: readonly { date: string; reason: string }[]): DayRun[] {
  const runs: (DayRun & { last: number })[] = [];
  const sorted = [...days].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  for (const d of sorted) {
    const n = dayNumber(d.date);
    if (n === null) continue;
    const prev = runs[runs.length - 1];
    if (prev && prev.reason === d.reason && prev.last === n - 1) {
      prev.to = d.date;
      prev.last = n;
      prev.days += 1;
    } else if (!(prev && prev.last === n && prev.reason === d.reason)) {
      runs.push({ from: d.date, to: d.date, days: 1, reason: d.reason, last: n });
    }
  }
  return runs.map(({ from, to, days: count, reason }) => ({ from, to, days: count, reason }));
}

export function isSkipReason(v: string): v is SkipReason {
  return (SKIP_REASONS as readonly string[]).includes(v);
}

export function isDayCode(v: string): v is DayCode {
  return (DAY_CODES as readonly string[]).includes(v);
}

/** The catalogue key naming why a day did not count, or undefined for a code the UI does not know. */
export function skipReasonKey(reason: string): `sla.skip.${SkipReason}` | `holiday.${DayCode}` | undefined {
  if (isSkipReason(reason)) return `sla.skip.${reason}`;
  if (isDayCode(reason)) return `holiday.${reason}`;
  return undefined;
}

/**
 * The target an automatic supervision was raised for: notes like `overdue:accept` (the case's
 * supervision) and reasons like `overdue_reply` (the event). Null for a supervisor's own words.
 */
export function automaticSupervisionTarget(code: string | null | undefined): SlaTarget | null {
  if (!code) return null;
  const m = /^overdue[:_]([A-Za-z]+)$/.exec(code.trim());
  const target = m?.[1];
  return isSlaTarget(target) ? target : null;
}

/** `2026-10-12 17:30` from the calendar's own local date and time (24:00 kept as the end of that day). */
export function formatLocal(local: LocalDateTime | null): string | null {
  if (!local) return null;
  return `${local.date} ${local.time.slice(0, 5)}`;
}
