import type { Pause, WorkCalendar } from '../calendar/calendar.js';
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
};

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
