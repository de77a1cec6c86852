/**
 * SLA policies: which clock a kind of case runs on and how much time each step gets. Amounts are hours in
 * `working_hours` mode and whole days in the two day modes.
 */

import type { LocalizedName } from '../calendar/holiday-names.js';

export const SLA_MODES = ['working_hours', 'working_days', 'natural_days'] as const;
export type SlaMode = (typeof SLA_MODES)[number];

/** The steps with a time limit: accept (签收), first contact with the requester, reply (答复), callback (回访). */
export const SLA_TARGETS = ['accept', 'firstContact', 'reply', 'callback'] as const;
export type SlaTarget = (typeof SLA_TARGETS)[number];

export type SlaTargets = {
  readonly accept?: number;
  readonly firstContact?: number;
  readonly reply: number;
  readonly callback?: number;
};

export type SlaPolicy = {
  readonly id: string;
  readonly name: LocalizedName;
  readonly mode: SlaMode;
  readonly targets: SlaTargets;
  /** Share of the allowed time after which a case is shown as `warning`. */
  readonly warnAtShare: number;
  /** The longest extension (延期) a supervisor may grant, in the policy's unit; absent: none. */
  readonly maxExtension?: number;
  /** Natural days only: a period whose last day is not a working day runs to the next one. Default true. */
  readonly rollForwardToWorkday?: boolean;
};

export type SlaUnit = 'hours' | 'days';
export const unitOf = (mode: SlaMode): SlaUnit => (mode === 'working_hours' ? 'hours' : 'days');

const checkAmount = (policyId: string, what: string, amount: number, mode: SlaMode): void => {
  const whole = mode !== 'working_hours';
  if (!Number.isFinite(amount) || amount <= 0 || (whole && !Number.isInteger(amount))) {
    throw new RangeError(`SLA policy ${policyId}: ${what} must be a positive ${whole ? 'whole number of days' : 'number of hours'}: ${amount}`);
  }
};

/** Checks a policy once, where it is defined, so that due-date code can trust it. */
export const defineSlaPolicy = (policy: SlaPolicy): SlaPolicy => {
  if (!SLA_MODES.includes(policy.mode)) throw new RangeError(`SLA policy ${policy.id}: unknown mode ${String(policy.mode)}`);
  for (const target of SLA_TARGETS) {
    const amount = policy.targets[target];
    if (amount !== undefined) checkAmount(policy.id, target, amount, policy.mode);
  }
  if (!(policy.warnAtShare > 0 && policy.warnAtShare < 1)) throw new RangeError(`SLA policy ${policy.id}: warnAtShare must be between 0 and 1`);
  if (policy.maxExtension !== undefined) checkAmount(policy.id, 'maxExtension', policy.maxExtension, policy.mode);
  return Object.freeze({ ...policy, targets: Object.freeze({ ...policy.targets }) });
};

/**
 * Petitions (信访工作条例 2022): decide whether to accept within 15 days of receipt, handle within 60 days of
 * acceptance, extendable by at most 30. Natural days.
 */
export const PETITION_POLICY = defineSlaPolicy({
  id: 'petition',
  name: { 'zh-Hans': '信访事项', bo: 'ཞུ་སྙན་གྱི་དོན་དག', en: 'Petition' },
  mode: 'natural_days',
  targets: { accept: 15, reply: 60 },
  warnAtShare: 0.8,
  maxExtension: 30,
});

/** Review (复查) and re-review (复核) of a petition reply: 30 days each. */
export const PETITION_REVIEW_POLICY = defineSlaPolicy({
  id: 'petition-review',
  name: { 'zh-Hans': '信访复查', bo: 'ཞུ་སྙན་བསྐྱར་ཞིབ།', en: 'Petition review' },
  mode: 'natural_days',
  targets: { reply: 30 },
  warnAtShare: 0.8,
});

export const PETITION_RE_REVIEW_POLICY = defineSlaPolicy({
  id: 'petition-re-review',
  name: { 'zh-Hans': '信访复核', bo: 'ཞུ་སྙན་ཡང་བསྐྱར་ཞིབ་བཤེར།', en: 'Petition re-review' },
  mode: 'natural_days',
  targets: { reply: 30 },
  warnAtShare: 0.8,
});
