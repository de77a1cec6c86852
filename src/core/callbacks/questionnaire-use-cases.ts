import { randomBytes } from 'node:crypto';
import { checkOrganisationWideOrThrow } from '../auth/organisation-wide.js';
import type { UserActor } from '../auth/actor.js';
import type { Kind } from '../case/case.types.js';
import { AppError } from '../shared/app-error.js';
import { sha256 } from '../shared/secrets.js';
import type { CallbackDeps, StoredQuestionnaire } from './callback.ports.js';
import type { Question } from './callback.types.js';
import { managerOrThrow } from './call-script-use-cases.js';
import { takeClaimOrThrow } from './claim-callback-task.js';
import { checkFollowUpAnswersOrThrow, FOLLOW_UP_QUESTIONS, isFollowUpOpen } from './follow-up.js';
import { checkAnswersOrThrow } from './questionnaire.js';
import { recordRequesterAnswer } from './requester-answer.js';
import { canSeeTask, lockTaskInScopeOrThrow } from './task-access.js';

export type AnswerOutcome = { answerId: string; satisfaction: string | null; resolved: string | null; isRatingRecorded: boolean };

/** The questionnaire of a task's case kind. */
export const getTaskQuestionnaire = async (deps: CallbackDeps, input: { actor: UserActor; taskId: string }): Promise<StoredQuestionnaire> =>
  deps.transaction(async ({ store }) => {
    const item = await store.findQueueItem(input.taskId);
    if (!item || !canSeeTask(input.actor, item)) throw new AppError('resource.not_found', 'no such callback task', { id: input.taskId });
    return store.questionnaireFor(item.kind);
  });

/**
 * Answers given during the call: stored apart (the agent then records the result, which the form pre-fills
 * from the satisfaction and resolved questions). The caller must hold the task.
 */
export const answerQuestionnaireInCall = async (
  deps: CallbackDeps,
  input: { actor: UserActor; taskId: string; answers: Record<string, unknown> },
): Promise<AnswerOutcome> => {
  const now = deps.now();
  return deps.transaction(async ({ store }) => {
    let task = await lockTaskInScopeOrThrow(store, input.actor, input.taskId);
    task = await takeClaimOrThrow(store, task, input.actor, now, deps.settings());
    const item = await store.findQueueItem(task.id);
    if (!item) throw new AppError('resource.not_found', 'no such callback task', { id: task.id });
    const questionnaire = await store.questionnaireFor(item.kind);
    const checked = checkAnswersOrThrow(questionnaire.questions, input.answers);
    const answerId = await store.insertAnswers({
      taskId: task.id, caseId: task.caseId, questionnaire, source: 'call', answers: checked.answers, satisfaction: checked.satisfaction, actorId: input.actor.userId, at: now,
    });
    return { answerId, satisfaction: checked.satisfaction, resolved: checked.resolved, isRatingRecorded: false };
  });
};

/**
 * A one-time link for the requester: the token is returned once and only its hash is kept. Sending it (SMS)
 * is the caller's business; it works while the task is open and until it expires or is used.
 */
export const createQuestionnaireLink = async (deps: CallbackDeps, input: { actor: UserActor; taskId: string }): Promise<{ token: string; expiresAt: Date }> => {
  const now = deps.now();
  return deps.transaction(async ({ store }) => {
    const task = await lockTaskInScopeOrThrow(store, input.actor, input.taskId);
    if (task.status !== 'open') throw new AppError('callback.task_closed', 'this callback task is already closed', { status: task.status });
    const token = randomBytes(24).toString('base64url');
    const expiresAt = new Date(now.getTime() + deps.settings().linkValidDays * 24 * 3600_000);
    await store.insertLink(sha256(token), task.id, expiresAt, now);
    return { token, expiresAt };
  });
};

const linkInvalid = () => new AppError('callback.link_invalid', 'this link is unknown, used or expired');

/** What the public page shows: the questions only (no personal data, not even the title). */
export const getPublicQuestionnaire = async (deps: CallbackDeps, input: { token: string }): Promise<{ trackingNo: string; questions: Question[] }> =>
  deps.transaction(async ({ store }) => {
    const link = await store.lockLink(sha256(input.token));
    if (!link) {
      // Not a callback link: perhaps the follow-up questionnaire weeks after closure (same page, own questions).
      const followUp = await store.lockFollowUpByToken(sha256(input.token));
      if (!followUp || !isFollowUpOpen(followUp, deps.now())) throw linkInvalid();
      return { trackingNo: followUp.trackingNo, questions: FOLLOW_UP_QUESTIONS };
    }
    if (link.usedAt || link.expiresAt.getTime() <= deps.now().getTime()) throw linkInvalid();
    const item = await store.findQueueItem(link.taskId);
    if (!item) throw linkInvalid();
    return { trackingNo: item.trackingNo, questions: (await store.questionnaireFor(item.kind)).questions };
  });

/**
 * The requester's answers through the link, once. With the satisfaction and resolved questions answered they
 * are also the case's rating (as on the tracking page) and the callback task is done.
 */
export const answerQuestionnaireByLink = async (deps: CallbackDeps, input: { token: string; answers: Record<string, unknown> }): Promise<AnswerOutcome> => {
  const now = deps.now();
  return deps.transaction(async ({ store, cases }) => {
    const hash = sha256(input.token);
    const link = await store.lockLink(hash);
    if (!link) {
      // A follow-up answer is stored on its own row: never the case's rating nor its callback result.
      const followUp = await store.lockFollowUpByToken(hash);
      if (!followUp || !isFollowUpOpen(followUp, now)) throw linkInvalid();
      const answer = checkFollowUpAnswersOrThrow(input.answers);
      await store.answerFollowUp(followUp.id, { ...answer, at: now });
      return { answerId: followUp.id, satisfaction: null, resolved: answer.resolved, isRatingRecorded: false };
    }
    if (link.usedAt || link.expiresAt.getTime() <= now.getTime()) throw linkInvalid();
    const task = await store.lockTask(link.taskId);
    const item = task ? await store.findQueueItem(task.id) : null;
    if (!task || !item) throw linkInvalid();
    const questionnaire = await store.questionnaireFor(item.kind);
    const checked = checkAnswersOrThrow(questionnaire.questions, input.answers);
    const answerId = await store.insertAnswers({
      taskId: task.id, caseId: task.caseId, questionnaire, source: 'link', answers: checked.answers, satisfaction: checked.satisfaction, actorId: null, at: now,
    });
    await store.markLinkUsed(hash, now);
    let isRatingRecorded = false;
    if (checked.satisfaction && checked.resolved) {
      const comment = typeof checked.answers.comment === 'string' && checked.answers.comment ? checked.answers.comment : null;
      isRatingRecorded = (await recordRequesterAnswer(cases, { caseId: task.caseId, resolved: checked.resolved, satisfaction: checked.satisfaction, comment, via: 'link', at: now })).isRecorded;
    }
    if (task.status === 'open' && isRatingRecorded) {
      await store.insertAttempt(task.id, { actorId: null, channel: 'link', outcome: 'reached', note: null, at: now });
      await store.updateTask(task.id, { status: 'done', closeReason: 'link_answer', closedAt: now, claimedBy: null, claimExpiresAt: null, nextAttemptAfter: null, closedBy: null }, now);
    }
    return { answerId, satisfaction: checked.satisfaction, resolved: checked.resolved, isRatingRecorded };
  });
};

export const listQuestionnaires = async (deps: CallbackDeps): Promise<StoredQuestionnaire[]> => deps.transaction(({ store }) => store.listQuestionnaires());

export const saveQuestionnaire = async (deps: CallbackDeps, input: { actor: UserActor; kind: Kind | null; questions: Question[] }): Promise<StoredQuestionnaire> => {
  managerOrThrow(input.actor);
  // The questions every unit's satisfaction is measured by are the organisation's.
  checkOrganisationWideOrThrow(input.actor, 'callback_questionnaires');
  return deps.transaction(({ store }) => store.saveQuestionnaire({ kind: input.kind, questions: input.questions, actorId: input.actor.userId, at: deps.now() }));
};
