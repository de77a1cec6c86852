import type { ResolvedAnswer, Satisfaction } from '../case/case.types.js';
import { fieldError } from '../shared/field-error.js';
import type { AttemptOutcome, CallbackAttempt, CallbackSettings, CallbackTask, SmsReplyCode, TaskStatus } from './callback.types.js';

// Pure rules of the callback queue: no I/O, tested without a database.

const SHANGHAI_OFFSET_MS = 8 * 3600_000;

/** The calendar day of an instant in Asia/Shanghai, `YYYY-MM-DD`: "spread over two days" counts these. */
export const shanghaiDay = (at: Date): string => new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);

/** Midnight starting the next Shanghai day: when a further attempt is worth making. */
export const nextShanghaiMidnight = (at: Date): Date => {
  const day = shanghaiDay(at);
  return new Date(new Date(`${day}T00:00:00+08:00`).getTime() + 24 * 3600_000);
};

export const isClaimLive = (task: Pick<CallbackTask, 'claimedBy' | 'claimExpiresAt'>, now: Date): boolean =>
  task.claimedBy !== null && task.claimExpiresAt !== null && task.claimExpiresAt.getTime() > now.getTime();

/** Someone else holds a live claim: the caller must not phone the same person. */
export const isClaimedByOther = (task: Pick<CallbackTask, 'claimedBy' | 'claimExpiresAt'>, userId: string, now: Date): boolean =>
  isClaimLive(task, now) && task.claimedBy !== userId;

/** Outcomes that mean "try again later" and count towards unreachable. */
export const isUnreachableOutcome = (outcome: AttemptOutcome): boolean => outcome === 'no_answer' || outcome === 'busy';

export type AttemptDecision = { status: TaskStatus; closeReason: string | null; nextAttemptAfter: Date | null };

/**
 * What the task becomes after an attempt that did not reach a result. A wrong number ends the task at once
 * (calling it again reaches the same stranger); a refusal ends it as refused; no answer or busy count, and
 * after `maxUnreachableAttempts` of them on at least `minAttemptDays` different days the task is unreachable.
 * Until then, once the count is reached on too few days, the next try waits for the next day.
 */
export const decideAfterAttempt = (
  attempts: readonly Pick<CallbackAttempt, 'outcome' | 'at'>[],
  settings: Pick<CallbackSettings, 'maxUnreachableAttempts' | 'minAttemptDays'>,
): AttemptDecision => {
  const last = attempts.at(-1);
  if (!last) return { status: 'open', closeReason: null, nextAttemptAfter: null };
  if (last.outcome === 'wrong_number') return { status: 'unreachable', closeReason: 'wrong_number', nextAttemptAfter: null };
  if (last.outcome === 'refused') return { status: 'refused', closeReason: 'refused', nextAttemptAfter: null };
  const unreachable = attempts.filter((a) => isUnreachableOutcome(a.outcome));
  const days = new Set(unreachable.map((a) => shanghaiDay(a.at)));
  if (unreachable.length >= settings.maxUnreachableAttempts && days.size >= settings.minAttemptDays) {
    return { status: 'unreachable', closeReason: 'max_attempts', nextAttemptAfter: null };
  }
  const needsAnotherDay = unreachable.length >= settings.maxUnreachableAttempts - 1 && days.size < settings.minAttemptDays;
  return { status: 'open', closeReason: null, nextAttemptAfter: needsAnotherDay ? nextShanghaiMidnight(last.at) : null };
};

const FULL_WIDTH_DIGITS: Record<string, string> = { '１': '1', '２': '2', '３': '3', '４': '4' };

/**
 * The code in an SMS reply: the first character that is a digit 1-4 (full-width digits too), provided the
 * reply says nothing else that is a digit; "1", " 1 ", "１", "1 谢谢" are 1; "12" or "5" are not recognised.
 */
export const parseSmsReplyCode = (text: string): SmsReplyCode | null => {
  const digits = [...text.normalize('NFKC')].map((c) => FULL_WIDTH_DIGITS[c] ?? c).filter((c) => /[0-9]/.test(c));
  if (digits.length !== 1) return null;
  const d = digits[0];
  return d === '1' || d === '2' || d === '3' || d === '4' ? d : null;
};

/** 1 satisfied, 2 basically satisfied, 3 not satisfied, 4 not solved: as the outgoing SMS says. */
export const SMS_CODE_RESULTS: Record<SmsReplyCode, { resolved: ResolvedAnswer; satisfaction: Satisfaction }> = {
  '1': { resolved: 'yes', satisfaction: 'satisfied' },
  '2': { resolved: 'yes', satisfaction: 'fairly_satisfied' },
  '3': { resolved: 'partly', satisfaction: 'dissatisfied' },
  '4': { resolved: 'no', satisfaction: 'dissatisfied' },
};

const intOf = (env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer from ${min} to ${max}`);
  return value;
};

/** Reads the callback settings from the environment (see docs/callbacks.md). Throws on a bad value. */
export const loadCallbackSettings = (env: Record<string, string | undefined>): CallbackSettings => ({
  maxUnreachableAttempts: intOf(env, 'BIHUAN_CALLBACK_MAX_ATTEMPTS', 3, 1, 20),
  minAttemptDays: intOf(env, 'BIHUAN_CALLBACK_MIN_ATTEMPT_DAYS', 2, 1, 10),
  dueWorkingDays: intOf(env, 'BIHUAN_CALLBACK_DUE_WORKING_DAYS', 3, 1, 60),
  claimLeaseMinutes: intOf(env, 'BIHUAN_CALLBACK_CLAIM_MINUTES', 15, 1, 240),
  callbackUnitCode: env.BIHUAN_CALLBACK_UNIT?.trim() || null,
  smsReplyWindowDays: intOf(env, 'BIHUAN_CALLBACK_SMS_WINDOW_DAYS', 14, 1, 90),
  smsInboundSecret: env.BIHUAN_CALLBACK_SMS_SECRET?.trim() || null,
  linkValidDays: intOf(env, 'BIHUAN_CALLBACK_LINK_DAYS', 30, 1, 365),
  followUpWeeks: intOf(env, 'BIHUAN_FOLLOW_UP_WEEKS', 4, 0, 52),
});

/** A note or comment: trimmed, and refused if only blanks were sent where text is required. */
export const textOrThrow = (value: string | undefined, field: string): string => {
  const text = value?.trim() ?? '';
  if (!text) throw fieldError(field, 'required');
  return text;
};
