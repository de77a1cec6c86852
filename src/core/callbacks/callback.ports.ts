import type { CaseDeps, CaseStore } from '../case/case.ports.js';
import type { Kind, ResolvedAnswer } from '../case/case.types.js';
import type {
  CallbackAttempt, CallbackSettings, CallbackTask, LanguageTexts, Question, QueueItem, QueueView, SmsInboundResult, TaskStatus,
} from './callback.types.js';
import type { FollowUp, FollowUpSummary } from './follow-up.js';

export type TaskPatch = Partial<
  Pick<CallbackTask, 'status' | 'claimedBy' | 'claimExpiresAt' | 'attemptCount' | 'unreachableCount' | 'nextAttemptAfter' | 'smsCode' | 'smsAt' | 'closeReason' | 'closedAt'>
> & { closedBy?: string | null };

export type QueueFilter = { unitPath: string; userId: string; view: QueueView; now: Date; page: number; pageSize: number };

export type StoredQuestionnaire = { id: string; kind: Kind | null; version: number; questions: Question[] };
export type StoredScript = { id: string; categoryId: string | null; kind: Kind | null; body: LanguageTexts; version: number; updatedAt: Date };

/** What the callback use cases need from storage, inside one transaction. */
export type CallbackStore = {
  lockTask: (id: string) => Promise<CallbackTask | null>;
  updateTask: (id: string, patch: TaskPatch, at: Date) => Promise<void>;
  listAttempts: (taskId: string) => Promise<CallbackAttempt[]>;
  insertAttempt: (taskId: string, attempt: Omit<CallbackAttempt, 'id'>) => Promise<void>;
  listQueue: (filter: QueueFilter) => Promise<{ items: QueueItem[]; total: number }>;
  findQueueItem: (taskId: string) => Promise<QueueItem | null>;
  /** The most recent open task whose requester has this mobile number (11 digits), created since `since`. */
  lockOpenTaskByPhone: (nationalNumber: string, since: Date) => Promise<CallbackTask | null>;
  hasRecentTaskForPhone: (nationalNumber: string, since: Date) => Promise<boolean>;
  /** Idempotent on the provider's message id: false when it was already there. */
  insertSmsInbound: (row: { providerMessageId: string; fromMasked: string; code: string | null; result: SmsInboundResult; taskId: string | null; at: Date }) => Promise<boolean>;
  findSmsInbound: (providerMessageId: string) => Promise<{ result: SmsInboundResult; taskId: string | null } | null>;
  updateSmsInbound: (providerMessageId: string, outcome: { result: SmsInboundResult; taskId: string | null }) => Promise<void>;
  findScriptFor: (categoryIds: readonly string[], kind: Kind) => Promise<StoredScript | null>;
  listScripts: () => Promise<StoredScript[]>;
  saveScript: (input: { categoryId: string | null; kind: Kind | null; body: LanguageTexts; actorId: string; at: Date }) => Promise<StoredScript>;
  categoryChainOf: (categoryId: string | null) => Promise<string[]>;
  /** The questionnaire of a kind, else the general one, else the built-in default stored as the general one. */
  questionnaireFor: (kind: Kind) => Promise<StoredQuestionnaire>;
  listQuestionnaires: () => Promise<StoredQuestionnaire[]>;
  saveQuestionnaire: (input: { kind: Kind | null; questions: Question[]; actorId: string; at: Date }) => Promise<StoredQuestionnaire>;
  insertAnswers: (row: {
    taskId: string; caseId: string; questionnaire: StoredQuestionnaire; source: 'call' | 'link'; answers: Record<string, string | number>;
    satisfaction: string | null; actorId: string | null; at: Date;
  }) => Promise<string>;
  insertLink: (tokenHash: string, taskId: string, expiresAt: Date, at: Date) => Promise<void>;
  lockLink: (tokenHash: string) => Promise<{ taskId: string; expiresAt: Date; usedAt: Date | null } | null>;
  markLinkUsed: (tokenHash: string, at: Date) => Promise<void>;
  closeOpenTasksOfCase: (caseId: string, status: TaskStatus, reason: string, at: Date) => Promise<number>;
  /** The follow-up behind a link token's hash, locked. */
  lockFollowUpByToken: (tokenHash: string) => Promise<FollowUp | null>;
  answerFollowUp: (id: string, answer: { resolved: ResolvedAnswer; comment: string | null; at: Date }) => Promise<void>;
  /** Follow-ups of a case whose unit is within `unitPath`, newest first. */
  listFollowUpsOfCase: (caseId: string, unitPath: string) => Promise<FollowUp[]>;
  followUpSummary: (filter: { unitPath: string; from: Date; to: Date }) => Promise<FollowUpSummary>;
};

export type CallbackTx = { store: CallbackStore; cases: CaseStore; caseDeps: CaseDeps };

export type CallbackDeps = {
  now: () => Date;
  settings: () => CallbackSettings;
  /** One transaction; `caseDeps` runs the case use cases inside it, so a callback and its task commit together. */
  transaction: <T>(fn: (tx: CallbackTx) => Promise<T>) => Promise<T>;
};
