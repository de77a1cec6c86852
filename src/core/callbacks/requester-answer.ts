import type { CaseStore } from '../case/case.ports.js';
import type { ResolvedAnswer, Satisfaction } from '../case/case.types.js';
import { isNotSolved, planReopenRequest, reopenRequestRefusal } from '../case/actions/reopen-policy.js';
import { canRate } from '../case/public-case.js';

export type RequesterAnswerOutcome = { isRecorded: boolean; isReopenRequested: boolean };

/**
 * Records the requester's own answer (SMS reply code, public questionnaire) as the case's rating, exactly as
 * the tracking page does (rateCase: the same fields, the same rule `canRate`, event `case.rated`, and for "not
 * solved" or "dissatisfied" a reopen request in the requester's words under the reopen policy). The statistics
 * take it as the evaluation when no callback was recorded. Not recorded when the case cannot be rated any more
 * (already rated, reopened): the answer is then kept on the callback side only.
 */
export const recordRequesterAnswer = async (
  cases: CaseStore,
  input: { caseId: string; resolved: ResolvedAnswer; satisfaction: Satisfaction; comment: string | null; via: 'sms' | 'link'; at: Date },
): Promise<RequesterAnswerOutcome> => {
  const now = input.at;
  const record = await cases.lockCase(input.caseId);
  if (!record || !canRate(record)) return { isRecorded: false, isReopenRequested: false };
  const request =
    isNotSolved(input) && reopenRequestRefusal(record, now) === null
      ? await planReopenRequest({ store: cases, record, now }, { reason: input.comment ?? '', source: 'rating' })
      : null;
  await cases.updateCase(
    record.id,
    { ratingResolved: input.resolved, ratingSatisfaction: input.satisfaction, ratingComment: input.comment, ratedAt: now, ...request?.patch },
    now,
  );
  const event = (code: string, data: Record<string, unknown>, fromStatus: string = record.status, toStatus: string = record.status) => ({
    actorKind: 'requester' as const, actorId: null, code, fromStatus, toStatus, isInternal: false, data, at: now,
  });
  await cases.appendEvent('case', record.id, event('case.rated', { resolved: input.resolved, satisfaction: input.satisfaction, comment: input.comment, via: input.via }));
  if (request) {
    await cases.appendEvent('case', record.id, event('case.reopen_requested', request.eventData));
    for (const f of request.followUps) {
      await cases.appendEvent('case', record.id, { ...event(f.code, f.data, f.fromStatus, f.toStatus), actorKind: f.actorKind ?? 'system' });
    }
  }
  return { isRecorded: true, isReopenRequested: request !== null };
};
