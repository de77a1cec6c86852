import { z } from 'zod';
import { RESOLVED_ANSWERS, SATISFACTIONS, type ResolvedAnswer, type Satisfaction } from '../case/case.types.js';
import { fieldError } from '../shared/field-error.js';
import { QUESTION_TYPES, type LanguageTexts, type Question } from './callback.types.js';

const texts = z.object({ 'zh-Hans': z.string().trim().min(1).max(500), bo: z.string().trim().min(1).max(500), en: z.string().trim().min(1).max(500) }).strict();

const questionSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
    type: z.enum(QUESTION_TYPES),
    text: texts,
    isRequired: z.boolean().default(false),
    options: z.array(z.object({ value: z.string().regex(/^[a-z0-9_]{1,40}$/), text: texts }).strict()).min(2).max(10).optional(),
    max: z.number().int().min(2).max(10).optional(),
    role: z.enum(['satisfaction', 'resolved']).optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.type === 'choice' && !q.options) ctx.addIssue({ code: 'custom', message: 'a choice question needs options', path: ['options'] });
    if (q.type === 'scale' && !q.max) ctx.addIssue({ code: 'custom', message: 'a scale question needs max', path: ['max'] });
    if (q.role) {
      const wanted: readonly string[] = q.role === 'satisfaction' ? SATISFACTIONS : RESOLVED_ANSWERS;
      const values = (q.options ?? []).map((o) => o.value);
      if (q.type !== 'choice' || values.length !== wanted.length || !wanted.every((v) => values.includes(v))) {
        ctx.addIssue({ code: 'custom', message: `a ${q.role} question is a choice of exactly ${wanted.join(', ')}`, path: ['options'] });
      }
    }
  });

export const questionnaireSchema = z
  .array(questionSchema)
  .min(1)
  .max(20)
  .refine((qs) => new Set(qs.map((q) => q.id)).size === qs.length, { message: 'question ids must be unique' })
  .refine((qs) => qs.filter((q) => q.role === 'satisfaction').length <= 1 && qs.filter((q) => q.role === 'resolved').length <= 1, {
    message: 'at most one satisfaction and one resolved question',
  });

const t = (zh: string, bo: string, en: string): LanguageTexts => ({ 'zh-Hans': zh, bo, en });

/** Used until an administrator saves one: "is it (still) solved?", satisfaction, a 1-5 score and a comment. */
export const DEFAULT_QUESTIONNAIRE: Question[] = [
  {
    id: 'resolved', type: 'choice', role: 'resolved', isRequired: true,
    text: t('您反映的问题现在解决了吗？', 'ཁྱེད་ཀྱིས་ཞུ་བའི་དཀའ་ངལ་ད་ལྟ་ཐག་ཆོད་སོང་ངམ།', 'Is your problem solved now?'),
    options: [
      { value: 'yes', text: t('已解决', 'ཐག་ཆོད་ཟིན།', 'Yes') },
      { value: 'partly', text: t('部分解决', 'ཆ་ཤས་ཐག་ཆོད།', 'Partly') },
      { value: 'no', text: t('没有解决', 'ཐག་མ་ཆོད།', 'No') },
    ],
  },
  {
    id: 'satisfaction', type: 'choice', role: 'satisfaction', isRequired: true,
    text: t('您对办理结果满意吗？', 'སྒྲུབ་འབྲས་ལ་ཡིད་ཚིམ་མམ།', 'Are you satisfied with the handling?'),
    options: [
      { value: 'satisfied', text: t('满意', 'ཡིད་ཚིམ།', 'Satisfied') },
      { value: 'fairly_satisfied', text: t('基本满意', 'ཕལ་ཆེར་ཡིད་ཚིམ།', 'Fairly satisfied') },
      { value: 'dissatisfied', text: t('不满意', 'ཡིད་མ་ཚིམ།', 'Dissatisfied') },
    ],
  },
  {
    id: 'attitude', type: 'scale', max: 5, isRequired: false,
    text: t('工作人员的服务态度（1-5分）', 'ལས་བྱེད་པའི་ཞབས་ཞུའི་ཨ་འདོད། (སྐར་མ་1-5)', "Staff's attitude (1-5)"),
  },
  {
    id: 'comment', type: 'text', isRequired: false,
    text: t('您还有什么意见或建议？', 'བསམ་འཆར་གཞན་ཡོད་དམ།', 'Anything else you would like to tell us?'),
  },
];

export type CheckedAnswers = {
  answers: Record<string, string | number>;
  satisfaction: Satisfaction | null;
  resolved: ResolvedAnswer | null;
};

/** Checks answers against the questions: every required one answered, choices among the options, scales in range. */
export const checkAnswersOrThrow = (questions: readonly Question[], raw: Record<string, unknown>): CheckedAnswers => {
  const answers: Record<string, string | number> = {};
  for (const key of Object.keys(raw)) {
    if (!questions.some((q) => q.id === key)) throw fieldError(`answers.${key}`, 'no such question');
  }
  let satisfaction: Satisfaction | null = null;
  let resolved: ResolvedAnswer | null = null;
  for (const q of questions) {
    const value = raw[q.id];
    const isEmpty = value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
    if (isEmpty) {
      if (q.isRequired) throw fieldError(`answers.${q.id}`, 'required');
      continue;
    }
    if (q.type === 'choice') {
      if (typeof value !== 'string' || !(q.options ?? []).some((o) => o.value === value)) throw fieldError(`answers.${q.id}`, 'not one of the options');
      answers[q.id] = value;
      if (q.role === 'satisfaction') satisfaction = value as Satisfaction;
      if (q.role === 'resolved') resolved = value as ResolvedAnswer;
    } else if (q.type === 'scale') {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > (q.max ?? 5)) throw fieldError(`answers.${q.id}`, `a whole number from 1 to ${q.max ?? 5}`);
      answers[q.id] = value;
    } else {
      if (typeof value !== 'string' || value.length > 2000) throw fieldError(`answers.${q.id}`, 'text of at most 2000 characters');
      answers[q.id] = value.trim();
    }
  }
  return { answers, satisfaction, resolved };
};
