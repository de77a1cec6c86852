import { addWorkingHours, extendNaturalDays, toLocal, workingMillisBetween, type Pause, type WorkCalendar } from '../calendar/calendar.js';
import type { LocalizedText } from '../directory/directory.types.js';
import { computeDue, computeExtendedDue, type DueExplanation } from './compute-due.js';
import { defineSlaPolicy, type SlaMode, type SlaPolicy, type SlaTarget } from './sla-policy.js';

/** One target of a case policy: how much time, on which clock. Targets of one policy may use different clocks. */
export type TargetRule = { amount: number; mode: SlaMode };

export type CasePolicy = {
  code: string;
  name: LocalizedText;
  targets: Partial<Record<SlaTarget, TargetRule>> & { reply: TargetRule };
  /** Petitions count the handling limit from acceptance; hotlines from registration (first-receiver rule). */
  replyClock: 'registration' | 'acceptance';
  warnAtShare: number;
  maxExtensionDays: number | null;
  /** Case statuses in which the clocks stand still (e.g. `on_hold`, waiting on the requester). */
  pausedStatuses: readonly string[];
  /** How many times a case may be reopened; a request beyond goes to supervision instead. */
  maxReopenRounds: number;
  /** Days after closing in which the requester may still ask to reopen. */
  reopenWindowDays: number;
  /** Calendar days after a hold began when the requester is reminded; null: no reminder. */
  holdReminderDays: number | null;
  /** Calendar days after a hold began when the wait ends and handling goes on with what is there; null: never. */
  holdLimitDays: number | null;
};

/** Used when a policy row does not say otherwise (and for cases without a policy row). */
export const POLICY_DEFAULTS = { pausedStatuses: ['on_hold'], maxReopenRounds: 2, reopenWindowDays: 30, holdReminderDays: 3, holdLimitDays: 15 } as const;

/** Without a configured policy, the category's own limits apply: acceptance in working hours, reply in working days. */
export const policyFromCategory = (category: { code: string; name: LocalizedText; acceptHours: number; replyDays: number } | null): CasePolicy => ({
  code: category ? `category_${category.code}` : 'default',
  name: category?.name ?? { 'zh-Hans': '默认时限', bo: 'སྔོན་སྒྲིག་དུས་ཚད།', en: 'Default limits' },
  targets: {
    accept: { amount: category?.acceptHours ?? 24, mode: 'working_hours' },
    reply: { amount: category?.replyDays ?? 7, mode: 'working_days' },
    callback: { amount: 3, mode: 'working_days' },
  },
  replyClock: 'registration',
  warnAtShare: 0.8,
  maxExtensionDays: 30,
  ...POLICY_DEFAULTS,
});

const singleTargetPolicy = (policy: CasePolicy, target: SlaTarget, rule: TargetRule, extensionDays?: number): SlaPolicy =>
  defineSlaPolicy({
    id: policy.code,
    name: { 'zh-Hans': policy.name['zh-Hans'], bo: policy.name.bo ?? policy.name['zh-Hans'], en: policy.name.en ?? policy.name['zh-Hans'] },
    mode: rule.mode,
    targets: { reply: rule.amount, [target]: rule.amount },
    warnAtShare: policy.warnAtShare,
    ...(extensionDays !== undefined ? { maxExtension: extensionAmount(rule.mode, extensionDays) } : {}),
  });

/** Extensions are granted in days; on a working-hours clock a day is one standard 8-hour working day. */
const extensionAmount = (mode: SlaMode, days: number): number => (mode === 'working_hours' ? days * 8 : days);

export type TargetDue = { dueAt: Date; warnAt: Date; explanation: DueExplanation };

const withWarning = (policy: CasePolicy, start: Date, dueAt: Date, explanation: DueExplanation): TargetDue => ({
  dueAt,
  warnAt: new Date(start.getTime() + (dueAt.getTime() - start.getTime()) * policy.warnAtShare),
  explanation,
});

export const dueForTarget = (
  policy: CasePolicy,
  target: SlaTarget,
  calendar: WorkCalendar,
  start: Date,
  pauses: readonly Pause[] = [],
): TargetDue | null => {
  const rule = policy.targets[target];
  if (!rule) return null;
  const { dueAt, explanation } = computeDue(singleTargetPolicy(policy, target, rule), calendar, start, target, pauses);
  return withWarning(policy, start, dueAt, explanation);
};

/** An approved extension moves the due instant on by `days`, counted on the target's own clock. */
export const extendTarget = (
  policy: CasePolicy,
  target: SlaTarget,
  calendar: WorkCalendar,
  previousDue: Date,
  days: number,
): TargetDue | null => {
  const rule = policy.targets[target];
  if (!rule) return null;
  const { dueAt, explanation } = computeExtendedDue(
    singleTargetPolicy(policy, target, rule, days),
    calendar,
    previousDue,
    target,
    extensionAmount(rule.mode, days),
  );
  return withWarning(policy, new Date(explanation.start), dueAt, explanation);
};

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Local date and time of a due instant; an instant at midnight reads as 24:00 of the day it ends. */
const dueLocalOf = (calendar: WorkCalendar, dueAt: Date): { date: string; time: string } => {
  const local = toLocal(calendar, dueAt);
  if (local.time !== '00:00') return local;
  return { date: toLocal(calendar, new Date(dueAt.getTime() - 1)).date, time: '24:00' };
};

/**
 * A pause [from, to) applied to a due date already computed: the clock stood still, so the time the pause
 * took from it is given back after the old due instant, on the target's own clock (working time in the
 * working modes; whole days in natural-day mode, as the period always ends with a day). For the working
 * modes this is exactly what computing the due date with the pause from the start gives
 * (compute-due.test.ts), and it also holds for due dates that were extended. A due instant that had already
 * passed when the pause began stays: the case was late before it waited on anyone.
 */
export const pauseTarget = (
  policy: CasePolicy,
  target: SlaTarget,
  calendar: WorkCalendar,
  current: { dueAt: string; explanation: DueExplanation },
  pause: Pause,
): TargetDue | null => {
  const rule = policy.targets[target];
  const dueAt = new Date(current.dueAt);
  if (!rule || dueAt.getTime() <= pause.from.getTime() || pause.to.getTime() <= pause.from.getTime()) return null;
  let newDue: Date;
  let lostMillis: number;
  if (rule.mode === 'natural_days') {
    lostMillis = pause.to.getTime() - pause.from.getTime();
    newDue = extendNaturalDays(calendar, dueAt, Math.ceil(lostMillis / DAY_MS));
  } else {
    lostMillis = workingMillisBetween(calendar, pause.from, pause.to);
    newDue = lostMillis > 0 ? addWorkingHours(calendar, dueAt, lostMillis / HOUR_MS) : dueAt;
  }
  const explanation: DueExplanation = {
    ...current.explanation,
    dueAt: newDue.toISOString(),
    dueLocal: dueLocalOf(calendar, newDue),
    pauses: [...current.explanation.pauses, { from: pause.from.toISOString(), to: pause.to.toISOString(), lostMillis }],
    pausedSince: null,
  };
  return withWarning(policy, new Date(current.explanation.start), newDue, explanation);
};
