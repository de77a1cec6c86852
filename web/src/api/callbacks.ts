// Callback tasks, call scripts and the follow-up questionnaire (docs/callbacks.md). Same fetch conventions as
// the shared client (same origin, cookie session, language on every call, errors as ApiError).
import { apiRequest } from './client';
import type { Lang } from './types';

type QueryValue = string | number | boolean | undefined | null;

async function call<T>(method: 'GET' | 'POST' | 'PUT', path: string, opts: { query?: Record<string, QueryValue>; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  return apiRequest<T>(method, path, opts);
}

export const QUEUE_VIEWS = ['due', 'overdue', 'claimed', 'closed'] as const;
export type QueueView = (typeof QUEUE_VIEWS)[number] | 'open';

export const ATTEMPT_OUTCOMES = ['reached', 'no_answer', 'busy', 'wrong_number', 'refused'] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

export type TaskStatus = 'open' | 'done' | 'unreachable' | 'refused' | 'cancelled';
export type Resolved = 'yes' | 'partly' | 'no';
export type Satisfaction = 'satisfied' | 'fairly_satisfied' | 'dissatisfied';

export interface CallbackTask {
  id: string;
  caseId: string;
  unitId: string;
  status: TaskStatus;
  dueAt: string;
  isOverdue: boolean;
  claimedBy: string | null;
  claimExpiresAt: string | null;
  attemptCount: number;
  unreachableCount: number;
  nextAttemptAfter: string | null;
  smsCode: string | null;
  closeReason: string | null;
  closedAt: string | null;
  createdAt: string;
}

export interface QueueItem extends CallbackTask {
  trackingNo: string;
  title: string;
  kind: string;
  caseStatus: string;
  language: Lang;
  /** Masked like the phone (王**); the full name comes from the audited reveal (revealRequester). */
  nameMasked: string | null;
  phoneMasked: string | null;
  hasPhone: boolean;
  replyText: string | null;
  replyOutcome: string | null;
  repliedAt: string | null;
  claimedByName: string | null;
  leadUnitName: { 'zh-Hans': string; bo?: string; en?: string } | null;
}

export interface Attempt {
  id: string;
  actorId: string | null;
  channel: 'phone' | 'sms' | 'link';
  outcome: AttemptOutcome;
  note: string | null;
  at: string;
}

export interface Script {
  language: Lang;
  text: string;
  missing: string[];
  scriptId: string | null;
  isNameWithheld: boolean;
  /** The full name is in the text: an audited reveal, for the agent holding the task. */
  isNameRevealed: boolean;
}

export type Texts = Record<Lang, string>;

export interface Question {
  id: string;
  type: 'choice' | 'scale' | 'text';
  text: Texts;
  isRequired: boolean;
  options?: { value: string; text: Texts }[];
  max?: number;
  role?: 'satisfaction' | 'resolved';
}

export interface Questionnaire {
  id: string;
  kind: string | null;
  version: number;
  questions: Question[];
}

export type Answers = Record<string, string | number | null>;

export interface AnswerOutcome {
  answerId: string;
  satisfaction: string | null;
  resolved: string | null;
  isRatingRecorded: boolean;
}

export function listCallbackTasks(view: QueueView, page = 1, signal?: AbortSignal) {
  return call<{ items: QueueItem[]; total: number; page: number; pageSize: number }>('GET', '/callbacks/tasks', { query: { view, page, pageSize: 50 }, signal });
}

export function getCallbackTask(id: string, signal?: AbortSignal) {
  return call<{ task: QueueItem; attempts: Attempt[] }>('GET', `/callbacks/tasks/${id}`, { signal });
}

export function claimCallbackTask(id: string) {
  return call<CallbackTask>('POST', `/callbacks/tasks/${id}/claim`);
}

export function releaseCallbackTask(id: string) {
  return call<CallbackTask>('POST', `/callbacks/tasks/${id}/release`);
}

export function recordAttempt(id: string, body: { outcome: AttemptOutcome; note?: string; result?: { resolved: Resolved; satisfaction: Satisfaction; comment?: string } }) {
  return call<{ task: CallbackTask; closedAs: TaskStatus | null }>('POST', `/callbacks/tasks/${id}/attempts`, { body });
}

/** `name: 'full'` is an audited reveal, answered only to the agent holding the task (409 callback.not_claimed). */
export function getCallScript(id: string, lang: Lang, name: 'masked' | 'full', signal?: AbortSignal) {
  return call<Script>('GET', `/callbacks/tasks/${id}/script`, { query: { language: lang, name }, signal });
}

export function getTaskQuestionnaire(id: string, signal?: AbortSignal) {
  return call<Questionnaire>('GET', `/callbacks/tasks/${id}/questionnaire`, { signal });
}

export function answerInCall(id: string, answers: Answers) {
  return call<AnswerOutcome>('POST', `/callbacks/tasks/${id}/answers`, { body: { answers } });
}

export function createFeedbackLink(id: string) {
  return call<{ token: string; path: string; expiresAt: string }>('POST', `/callbacks/tasks/${id}/link`);
}

export function getPublicQuestionnaire(token: string, signal?: AbortSignal) {
  return call<{ trackingNo: string; questions: Question[] }>('GET', `/public/callbacks/questionnaire/${encodeURIComponent(token)}`, { signal });
}

export function answerPublicQuestionnaire(token: string, answers: Answers) {
  return call<AnswerOutcome>('POST', `/public/callbacks/questionnaire/${encodeURIComponent(token)}`, { body: { answers } });
}

export interface StoredScript {
  id: string;
  categoryId: string | null;
  kind: string | null;
  body: Texts;
  version: number;
  updatedAt: string;
}

export function listCallScripts(signal?: AbortSignal) {
  return call<{ items: StoredScript[]; variables: string[] }>('GET', '/callbacks/scripts', { signal });
}

export function saveCallScript(body: { categoryId: string | null; kind: string | null; body: Texts }) {
  return call<StoredScript>('PUT', '/callbacks/scripts', { body });
}

// ---- the follow-up questionnaire weeks after closure ("is it still solved?") ----

export interface FollowUp {
  id: string;
  caseId: string;
  trackingNo: string;
  unitId: string;
  channel: 'sms' | 'email';
  language: Lang;
  sentAt: string;
  expiresAt: string;
  status: 'waiting' | 'answered' | 'expired';
  answeredAt: string | null;
  resolved: Resolved | null;
  comment: string | null;
}

export interface FollowUpSummary {
  from: string;
  to: string;
  sent: number;
  answered: number;
  stillSolved: Record<Resolved, number>;
  flagged: { followUpId: string; caseId: string; trackingNo: string; answeredAt: string; comment: string | null }[];
}

export function getCaseFollowUp(caseId: string, signal?: AbortSignal) {
  return call<{ followUp: FollowUp | null; items: FollowUp[] }>('GET', `/callbacks/cases/${caseId}/follow-up`, { signal });
}

export function getFollowUpSummary(from: string, to: string, signal?: AbortSignal) {
  return call<FollowUpSummary>('GET', '/callbacks/follow-up/summary', { query: { from, to }, signal });
}
