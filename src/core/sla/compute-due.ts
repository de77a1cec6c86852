/**
 * Due dates with their reasons. `computeDue` returns the due instant and a structured explanation: every
 * day that did not count and why, every swapped working day that did, every pause and the time it stopped.
 * The explanation is data, not prose, so the UI can say in Chinese, Tibetan or English
 * "due 2025-10-11 17:30: National Day 10-01..10-08 skipped, 10-11 (Saturday) is a swapped working day".
 */

import {
  addNaturalDays,
  addWorkingDays,
  addWorkingHours,
  toLocal,
  traceNaturalDays,
  traceWorkingDays,
  traceWorkingHours,
  type ClockTrace,
  type CountedSwappedWorkday,
  type Pause,
  type SkippedDay,
  type WorkCalendar,
} from '../calendar/calendar.js';
import type { IsoDate } from '../calendar/iso-date.js';
import { unitOf, type SlaMode, type SlaPolicy, type SlaTarget, type SlaUnit } from './sla-policy.js';

export type LocalDateTime = { readonly date: IsoDate; readonly time: string };

export type AppliedPause = {
  readonly from: string;
  readonly to: string;
  /** Clock time the pause stopped: working ms in the working modes, wall-clock ms for natural days. */
  readonly lostMillis: number;
};

export type DueExplanation = {
  readonly policyId: string;
  readonly calendarId: string;
  readonly mode: SlaMode;
  readonly target: SlaTarget;
  readonly amount: number;
  readonly unit: SlaUnit;
  /** Set when this is an extension of an earlier due instant. */
  readonly extends: string | null;
  readonly utcOffsetMinutes: number;
  readonly start: string;
  readonly startLocal: LocalDateTime;
  /** When the clock first ran: the start (hours) or the midnight after the start day (days). */
  readonly clockStartsAt: string;
  readonly dueAt: string;
  /** Local date and time of the due instant; an instant at midnight reads as 24:00 of the last day. */
  readonly dueLocal: LocalDateTime;
  readonly skippedDays: readonly SkippedDay[];
  readonly swappedWorkdays: readonly CountedSwappedWorkday[];
  readonly pauses: readonly AppliedPause[];
  /** Natural days: the last day before it was moved past non-working days, or null. */
  readonly rolledForwardFrom: IsoDate | null;
  /** The period reaches days for which the calendar has no holiday notice yet: the due date may change. */
  readonly provisional: boolean;
  /**
   * Set while the case waits in a paused status (e.g. on hold for the requester): the clock stands still
   * since then and the due date will move when it runs again. Absent in explanations stored before.
   */
  readonly pausedSince?: string | null;
};

export type DueResult = { readonly dueAt: Date; readonly explanation: DueExplanation };

const targetAmount = (policy: SlaPolicy, target: SlaTarget): number => {
  const amount = policy.targets[target];
  if (amount === undefined) throw new RangeError(`SLA policy ${policy.id} has no ${target} target`);
  return amount;
};

const naturalOptions = (policy: SlaPolicy, pauses: readonly Pause[]) => ({ pauses, rollForwardToWorkday: policy.rollForwardToWorkday ?? true });

/** The due instant only: the fast path for lists and batch recomputation. */
export const computeDueAt = (policy: SlaPolicy, calendar: WorkCalendar, start: Date, target: SlaTarget, pauses: readonly Pause[] = []): Date => {
  const amount = targetAmount(policy, target);
  switch (policy.mode) {
    case 'working_hours':
      return addWorkingHours(calendar, start, amount, pauses);
    case 'working_days':
      return addWorkingDays(calendar, start, amount, pauses);
    case 'natural_days':
      return addNaturalDays(calendar, start, amount, naturalOptions(policy, pauses));
  }
};

const traceOf = (policy: SlaPolicy, calendar: WorkCalendar, start: Date, amount: number, pauses: readonly Pause[]): ClockTrace => {
  switch (policy.mode) {
    case 'working_hours':
      return traceWorkingHours(calendar, start, amount, pauses);
    case 'working_days':
      return traceWorkingDays(calendar, start, amount, pauses);
    case 'natural_days':
      return traceNaturalDays(calendar, start, amount, naturalOptions(policy, pauses));
  }
};

const dueLocalOf = (calendar: WorkCalendar, trace: ClockTrace): LocalDateTime => {
  const local = toLocal(calendar, trace.dueAt);
  return local.date !== trace.lastDay && local.time === '00:00' ? { date: trace.lastDay, time: '24:00' } : local;
};

const isProvisional = (calendar: WorkCalendar, start: Date, lastDay: IsoDate): boolean => {
  const coverage = calendar.coverage;
  if (!coverage) return false;
  return toLocal(calendar, start).date < coverage.firstDay || lastDay > coverage.lastDay;
};

const explain = (
  policy: SlaPolicy, calendar: WorkCalendar, target: SlaTarget, amount: number, start: Date, trace: ClockTrace, extendsDue: Date | null,
): DueResult => ({
  dueAt: trace.dueAt,
  explanation: {
    policyId: policy.id,
    calendarId: calendar.id,
    mode: policy.mode,
    target,
    amount,
    unit: unitOf(policy.mode),
    extends: extendsDue ? extendsDue.toISOString() : null,
    utcOffsetMinutes: calendar.utcOffsetMinutes,
    start: start.toISOString(),
    startLocal: toLocal(calendar, start),
    clockStartsAt: trace.clockStartsAt.toISOString(),
    dueAt: trace.dueAt.toISOString(),
    dueLocal: dueLocalOf(calendar, trace),
    skippedDays: trace.skippedDays,
    swappedWorkdays: trace.swappedWorkdays,
    pauses: trace.pauses.map((p) => ({ from: p.from.toISOString(), to: p.to.toISOString(), lostMillis: p.lostMillis })),
    rolledForwardFrom: trace.rolledForwardFrom,
    provisional: isProvisional(calendar, start, trace.lastDay),
  },
});

/** The due instant of `target` for a case whose clock starts at `start`, and why it is that instant. */
export const computeDue = (policy: SlaPolicy, calendar: WorkCalendar, start: Date, target: SlaTarget, pauses: readonly Pause[] = []): DueResult => {
  const amount = targetAmount(policy, target);
  return explain(policy, calendar, target, amount, start, traceOf(policy, calendar, start, amount, pauses), null);
};

/**
 * An extension (延期) of `amount` more, continuing from the previous due instant: working hours from that
 * instant, working days after its day, natural days after its last day.
 */
export const computeExtendedDue = (
  policy: SlaPolicy, calendar: WorkCalendar, previousDue: Date, target: SlaTarget, amount: number, pauses: readonly Pause[] = [],
): DueResult => {
  if (policy.maxExtension === undefined) throw new RangeError(`SLA policy ${policy.id} allows no extension`);
  if (amount > policy.maxExtension) throw new RangeError(`SLA policy ${policy.id} allows at most ${policy.maxExtension} ${unitOf(policy.mode)} of extension`);
  // A natural-day due instant is 24:00, which belongs to the last day of the period: count from that day.
  const from = policy.mode === 'natural_days' ? new Date(previousDue.getTime() - 1) : previousDue;
  return explain(policy, calendar, target, amount, previousDue, traceOf(policy, calendar, from, amount, pauses), previousDue);
};

export type SlaState = 'ok' | 'warning' | 'overdue';

/**
 * Where a case stands at `now`: overdue from the due instant on, warning once `warnAtShare` of the time
 * from start to due has passed (wall-clock time, which is what a person watching the list sees).
 */
export const slaState = (due: Date, start: Date, now: Date, warnAtShare: number): SlaState => {
  const [dueMs, startMs, nowMs] = [due.getTime(), start.getTime(), now.getTime()];
  if (nowMs >= dueMs) return 'overdue';
  return nowMs - startMs >= warnAtShare * (dueMs - startMs) ? 'warning' : 'ok';
};
