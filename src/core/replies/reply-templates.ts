import { z } from 'zod';
import type { Actor } from '../auth/actor.js';
import { KINDS, REPLY_OUTCOMES, type Language } from '../case/case.types.js';
import { fillTemplate, formatDate, placeholdersOf } from '../notifications/render-template.js';

/**
 * Canned replies (答复模板): per category and unit, in Chinese and Tibetan, with variables. Handlers start from
 * one, edit it, run the quality check, and send it as the reply text.
 */
export const REPLY_TEMPLATE_VARIABLES = [
  'requesterName', 'trackingNo', 'title', 'registeredDate', 'replyDueDate', 'today', 'unitName', 'categoryName',
] as const;
export type ReplyTemplateVariable = (typeof REPLY_TEMPLATE_VARIABLES)[number];

const knownVariables = (text: string): boolean => placeholdersOf(text).every((p) => (REPLY_TEMPLATE_VARIABLES as readonly string[]).includes(p));

const templateText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine(knownVariables, { message: `unknown variable; use ${REPLY_TEMPLATE_VARIABLES.map((v) => `{${v}}`).join(', ')}` });

// Chinese and Tibetan are both required: a template a Tibetan-speaking requester cannot read is half a template.
const texts = (max: number) => z.object({ 'zh-Hans': templateText(max), bo: templateText(max), en: templateText(max).optional() }).strict();

export const replyTemplateInputSchema = z
  .object({
    code: z.string().trim().regex(/^[a-z0-9_.-]{1,60}$/, 'lowercase letters, digits, _ . -'),
    categoryId: z.uuid().nullable().default(null),
    unitId: z.uuid().nullable().default(null),
    kind: z.enum(KINDS).nullable().default(null),
    outcome: z.enum(REPLY_OUTCOMES).nullable().default(null),
    title: texts(200),
    body: texts(10000),
    isActive: z.boolean().default(true),
  })
  .strict();
export type ReplyTemplateInput = z.infer<typeof replyTemplateInputSchema>;

/** Who may edit canned replies. `reply_template.manage` is proposed for roles.ts; until then, admins. */
export const canManageReplyTemplates = (actor: Actor): boolean =>
  (actor.permissions as ReadonlySet<string>).has('reply_template.manage') || actor.roles.includes('admin');

export type ReplyTemplateFacts = {
  requesterName: string | null;
  trackingNo: string;
  title: string;
  registeredAt: Date;
  replyDueAt: Date | null;
  today: Date;
  unitName: string | null;
  categoryName: string | null;
};

/** Said instead of a name the reader may not see, or that the requester did not give. */
const NO_NAME: Record<Language, string> = { 'zh-Hans': '群众', bo: 'མི་མང་', en: 'Sir or Madam' };

export const renderReplyTemplate = (
  text: string,
  facts: ReplyTemplateFacts,
  language: Language,
): { text: string; missing: string[] } =>
  fillTemplate(text, {
    requesterName: facts.requesterName ?? NO_NAME[language],
    trackingNo: facts.trackingNo,
    title: facts.title,
    registeredDate: formatDate(facts.registeredAt, language),
    replyDueDate: facts.replyDueAt ? formatDate(facts.replyDueAt, language) : undefined,
    today: formatDate(facts.today, language),
    unitName: facts.unitName ?? undefined,
    categoryName: facts.categoryName ?? undefined,
  });
