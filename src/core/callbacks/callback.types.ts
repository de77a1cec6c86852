import type { Kind, Language, ResolvedAnswer, Satisfaction } from '../case/case.types.js';
import type { LocalizedText } from '../directory/directory.types.js';

export const TASK_STATUSES = ['open', 'done', 'unreachable', 'refused', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** What one phone call came to. Only `reached` leads to a result; the others are counted. */
export const ATTEMPT_OUTCOMES = ['reached', 'no_answer', 'busy', 'wrong_number', 'refused'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** Queue views: `due` (open, not yet overdue), `overdue`, `claimed` (by me, lease alive), `closed`. */
export const QUEUE_VIEWS = ['due', 'overdue', 'claimed', 'open', 'closed'] as const;
export type QueueView = (typeof QUEUE_VIEWS)[number];

/** The SMS reply codes, as printed in the outgoing callback SMS. */
export const SMS_REPLY_CODES = ['1', '2', '3', '4'] as const;
export type SmsReplyCode = (typeof SMS_REPLY_CODES)[number];

export const SMS_INBOUND_RESULTS = ['recorded', 'unknown_phone', 'no_pending_callback', 'unrecognised_code', 'already_answered'] as const;
export type SmsInboundResult = (typeof SMS_INBOUND_RESULTS)[number];

export type CallbackSettings = {
  /** Weeks after closure the follow-up questionnaire is sent; 0: no follow-up. */
  followUpWeeks: number;
  /** Unreachable calls (no answer, busy) before the task closes as unreachable. */
  maxUnreachableAttempts: number;
  /** …spread over at least this many different days (Asia/Shanghai). */
  minAttemptDays: number;
  /** Working days from the reply, used only when the case's own time limits have no callback target. */
  dueWorkingDays: number;
  /** A claim holds for this long, then anyone may take the task. */
  claimLeaseMinutes: number;
  /** Code of the unit whose agents make all callbacks (a callback team); null: the unit that took the case in. */
  callbackUnitCode: string | null;
  /** An SMS reply matches a callback created at most this many days before. */
  smsReplyWindowDays: number;
  /** Shared secret of the inbound SMS webhook; null: the webhook refuses everything. */
  smsInboundSecret: string | null;
  /** Validity of a public questionnaire link. */
  linkValidDays: number;
};

export type CallbackTask = {
  id: string;
  caseId: string;
  unitId: string;
  unitPath: string;
  status: TaskStatus;
  dueAt: Date;
  claimedBy: string | null;
  claimExpiresAt: Date | null;
  attemptCount: number;
  unreachableCount: number;
  nextAttemptAfter: Date | null;
  smsCode: string | null;
  smsAt: Date | null;
  closeReason: string | null;
  closedAt: Date | null;
  createdAt: Date;
};

export type CallbackAttempt = { id: string; actorId: string | null; channel: 'phone' | 'sms' | 'link'; outcome: AttemptOutcome; note: string | null; at: Date };

/**
 * A task with the case's facts needed for the call. The name is in full here, for the call script of the agent
 * holding the task; the queue and the task page get it masked (list-callback-queue.ts), the phone always masked.
 */
export type QueueItem = CallbackTask & {
  trackingNo: string;
  title: string;
  kind: Kind;
  categoryId: string | null;
  caseStatus: string;
  language: Language;
  requesterName: string | null;
  phoneMasked: string | null;
  hasPhone: boolean;
  replyText: string | null;
  replyOutcome: string | null;
  repliedAt: Date | null;
  claimedByName: string | null;
  leadUnitName: LocalizedText | null;
  /** Identity protection (src/core/case/identity-protection.ts): who may see the requester's name and number. */
  isIdentityProtected: boolean;
  intakeUnitPath: string;
};

export type CallbackResult = { resolved: ResolvedAnswer; satisfaction: Satisfaction; comment?: string };

export type LanguageTexts = Record<Language, string>;

export const QUESTION_TYPES = ['choice', 'scale', 'text'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

export type Question = {
  id: string;
  type: QuestionType;
  text: LanguageTexts;
  isRequired: boolean;
  /** Choice questions: the options. */
  options?: { value: string; text: LanguageTexts }[];
  /** Scale questions: 1..max. */
  max?: number;
  /**
   * `satisfaction`: a choice question with the options satisfied / fairly_satisfied / dissatisfied whose answer
   * is the requester's satisfaction; `resolved`: yes / partly / no.
   */
  role?: 'satisfaction' | 'resolved';
};
