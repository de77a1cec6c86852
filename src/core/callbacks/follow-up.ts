import type { Actor } from '../auth/actor.js';
import type { Language, ResolvedAnswer } from '../case/case.types.js';
import { fieldError } from '../shared/field-error.js';
import type { CallbackDeps } from './callback.ports.js';
import type { LanguageTexts, Question } from './callback.types.js';
import { checkAnswersOrThrow } from './questionnaire.js';

// The follow-up questionnaire, some weeks after closure: "is the problem still solved?". Its answer is kept
// apart from the case's rating and callback result (they measured the handling; this measures durability).

/** Job kind and payload version of the scheduled follow-up (src/jobs/callbacks.jobs.ts). */
export const FOLLOW_UP_JOB = 'callbacks.follow_up';
export const FOLLOW_UP_JOB_VERSION = 1;

/** The message kind in the notifications outbox. */
export const FOLLOW_UP_MESSAGE_KIND = 'follow_up';

const t = (zh: string, bo: string, en: string): LanguageTexts => ({ 'zh-Hans': zh, bo, en });

/** Fixed questions (not editable: the summary counts them as they are). */
export const FOLLOW_UP_QUESTIONS: Question[] = [
  {
    id: 'resolved', type: 'choice', role: 'resolved', isRequired: true,
    text: t('您反映的问题现在仍然解决吗？', 'ཁྱེད་ཀྱིས་ཞུ་བའི་དཀའ་ངལ་ད་དུང་ཐག་ཆོད་ཡོད་དམ།', 'Is the problem still solved?'),
    options: [
      { value: 'yes', text: t('仍然解决', 'ད་དུང་ཐག་ཆོད་ཡོད།', 'Yes') },
      { value: 'partly', text: t('部分解决', 'ཆ་ཤས་ཐག་ཆོད།', 'Partly') },
      { value: 'no', text: t('没有解决', 'ཐག་མ་ཆོད།', 'No') },
    ],
  },
  {
    id: 'comment', type: 'text', isRequired: false,
    text: t('您还有什么想告诉我们的？', 'ང་ཚོར་བརྡ་ཁྱབ་བྱ་རྒྱུ་གཞན་ཡོད་དམ།', 'Anything else you would like to tell us?'),
  },
];

const MESSAGE_TEXTS: LanguageTexts = {
  'zh-Hans': '您的诉求（受理编号{trackingNo}）已办结一段时间。问题是否仍然解决？请通过链接告诉我们：{link}',
  bo: 'ཁྱེད་ཀྱི་རེ་ཞུ་ (ཨང་གྲངས། {trackingNo}) མཇུག་སྒྲིལ་ནས་དུས་ཚོད་ཅུང་ཟད་སོང་། དཀའ་ངལ་ད་དུང་ཐག་ཆོད་ཡོད་དམ། འབྲེལ་ཐག་འདི་བརྒྱུད་ནས་ང་ཚོར་བརྡ་ཁྱབ་གནང་རོགས། {link}',
  en: 'Your request {trackingNo} was closed some weeks ago. Is the problem still solved? Please tell us here: {link}',
};
const SUBJECTS: LanguageTexts = {
  'zh-Hans': '您的问题仍然解决吗？（受理编号{trackingNo}）',
  bo: 'དཀའ་ངལ་ད་དུང་ཐག་ཆོད་ཡོད་དམ། ({trackingNo})',
  en: 'Is the problem still solved? ({trackingNo})',
};

/** The public page of a token: the web app's `#/feedback?t=`, on the origin of the public tracking page when known. */
export const followUpLink = (publicUrl: string | null, token: string): string => {
  let origin = '';
  if (publicUrl) {
    try {
      origin = new URL(publicUrl).origin;
    } catch {
      origin = '';
    }
  }
  return `${origin}/#/feedback?t=${token}`;
};

/** The follow-up message in the requester's language (same texts as MESSAGE_TEMPLATES.follow_up). */
export const renderFollowUpMessage = (language: Language, trackingNo: string, link: string): { subject: string; body: string; params: Record<string, string> } => {
  const fill = (s: string) => s.replace('{trackingNo}', trackingNo).replace('{link}', link);
  return { subject: fill(SUBJECTS[language]), body: fill(MESSAGE_TEXTS[language]), params: { trackingNo, link } };
};

/** When the follow-up of a closure is due; null when it is disabled (0 weeks). */
export const followUpDueAt = (closedAt: Date, weeks: number): Date | null => (weeks > 0 ? new Date(closedAt.getTime() + weeks * 7 * 24 * 3600_000) : null);

export type FollowUp = {
  id: string; caseId: string; trackingNo: string; unitId: string; unitPath: string; channel: 'sms' | 'email'; language: Language;
  sentAt: Date; expiresAt: Date; answeredAt: Date | null; resolved: ResolvedAnswer | null; comment: string | null;
};

export type FollowUpSummary = {
  sent: number; answered: number; stillSolved: Record<ResolvedAnswer, number>;
  /** "No" answers, for supervisors to look at: nothing is raised automatically. */
  flagged: { followUpId: string; caseId: string; trackingNo: string; answeredAt: Date; comment: string | null }[];
};

/** Checks a requester's follow-up answers: `resolved` required (yes/partly/no), a comment optional. */
export const checkFollowUpAnswersOrThrow = (raw: Record<string, unknown>): { resolved: ResolvedAnswer; comment: string | null } => {
  const checked = checkAnswersOrThrow(FOLLOW_UP_QUESTIONS, raw);
  if (!checked.resolved) throw fieldError('answers.resolved', 'required');
  const comment = typeof checked.answers.comment === 'string' && checked.answers.comment ? checked.answers.comment : null;
  return { resolved: checked.resolved, comment };
};

export const isFollowUpOpen = (f: Pick<FollowUp, 'answeredAt' | 'expiresAt'>, now: Date): boolean => f.answeredAt === null && f.expiresAt.getTime() > now.getTime();

/** Follow-ups of a case the caller's unit covers (another unit's: an empty list, as for a case without follow-ups). */
export const getCaseFollowUps = async (deps: CallbackDeps, input: { actor: Actor; caseId: string }): Promise<FollowUp[]> =>
  deps.transaction(async ({ store }) => store.listFollowUpsOfCase(input.caseId, input.actor.unitPath));

/** Sent, answered and "still solved" counts of follow-ups sent in [from, to), for the caller's units. */
export const getFollowUpSummary = async (deps: CallbackDeps, input: { actor: Actor; from: Date; to: Date }): Promise<FollowUpSummary> => {
  if (input.from.getTime() >= input.to.getTime()) throw fieldError('from', 'must be before to', 'querystring');
  return deps.transaction(({ store }) => store.followUpSummary({ unitPath: input.actor.unitPath, from: input.from, to: input.to }));
};
