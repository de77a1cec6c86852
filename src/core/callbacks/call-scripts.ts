import { z } from 'zod';
import type { Language } from '../case/case.types.js';
import type { LanguageTexts } from './callback.types.js';

/** Variables a call script may use; anything else in braces is refused on save. */
export const SCRIPT_VARIABLES = ['requesterName', 'trackingNo', 'title', 'replySummary', 'unitName', 'agentName'] as const;
export type ScriptVariable = (typeof SCRIPT_VARIABLES)[number];

const VARIABLE = /\{([A-Za-z]+)\}/g;

export const unknownVariablesOf = (text: string): string[] =>
  [...text.matchAll(VARIABLE)].map((m) => m[1] ?? '').filter((name) => !(SCRIPT_VARIABLES as readonly string[]).includes(name));

const scriptText = z
  .string()
  .trim()
  .min(1)
  .max(4000)
  .refine((t) => unknownVariablesOf(t).length === 0, { message: `unknown variable; known: ${SCRIPT_VARIABLES.join(', ')}` });

/** A script in every language: the agent reads it in the requester's language. */
export const scriptBodySchema = z.object({ 'zh-Hans': scriptText, bo: scriptText, en: scriptText }).strict();

/** When nothing fits: the general script. Tibetan wording needs a native speaker's review, like the catalogues. */
export const DEFAULT_SCRIPT: LanguageTexts = {
  'zh-Hans':
    '{requesterName}您好！我是拉萨12345热线的回访员{agentName}。您反映的“{title}”（受理编号{trackingNo}）已由{unitName}答复：{replySummary}。' +
    '请问您的问题解决了吗？是已解决、部分解决，还是没有解决？您对办理结果满意、基本满意，还是不满意？您还有什么意见或建议吗？感谢您的配合！',
  bo:
    '{requesterName} ལགས། བཀྲ་ཤིས་བདེ་ལེགས། ང་ནི་ལྷ་ས་12345 ཁ་པར་ལས་ཁུངས་ཀྱི་རྗེས་འདྲི་བ་{agentName} ཡིན། ' +
    'ཁྱེད་ཀྱིས་ཞུ་བའི་“{title}” (ཨང་གྲངས། {trackingNo}) ལ་{unitName} ནས་ལན་བཏབ་ཟིན། {replySummary}། ' +
    'ཁྱེད་ཀྱི་དཀའ་ངལ་ཐག་ཆོད་སོང་ངམ། ཡོངས་སུ་ཐག་ཆོད་དམ། ཆ་ཤས་ཐག་ཆོད་དམ། ཡང་ན་ཐག་མ་ཆོད། ' +
    'སྒྲུབ་འབྲས་ལ་ཡིད་ཚིམ་མམ། ཕལ་ཆེར་ཡིད་ཚིམ་མམ། ཡང་ན་ཡིད་མ་ཚིམ། བསམ་འཆར་གཞན་ཡོད་དམ། རོགས་རམ་གནང་བར་ཐུགས་རྗེ་ཆེ།',
  en:
    'Hello {requesterName}, this is {agentName} from the Lhasa 12345 hotline, calling back about your request "{title}" ' +
    '(tracking number {trackingNo}). {unitName} answered: {replySummary}. Has your problem been solved: fully, partly, or not? ' +
    'Are you satisfied, fairly satisfied or dissatisfied with the handling? Anything else you would like to tell us? Thank you.',
};

export type ScriptFacts = Partial<Record<ScriptVariable, string | null>>;

/** Who is addressed when the name is unknown or withheld: 群众, not an empty gap. */
const NO_NAME: LanguageTexts = { 'zh-Hans': '群众', bo: 'མི་མང་', en: 'Sir or Madam' };

/** Fills a script; an unknown fact leaves a visible "…" so the agent knows to say it in their own words. */
export const renderCallScript = (template: string, facts: ScriptFacts, language: Language): { text: string; missing: string[] } => {
  const missing: string[] = [];
  const text = template.replace(VARIABLE, (whole, name: string) => {
    if (!(SCRIPT_VARIABLES as readonly string[]).includes(name)) return whole;
    const value = facts[name as ScriptVariable];
    if (value) return value;
    if (name === 'requesterName') return NO_NAME[language];
    missing.push(name);
    return '…';
  });
  return { text, missing };
};

/**
 * A reply summary short enough to read out: the first sentence(s), at most ~120 characters, without the final
 * full stop (the script's own sentence ends it, in its own language's punctuation).
 */
export const summariseReply = (reply: string | null): string | null => {
  if (!reply) return null;
  const flat = reply.replace(/\s+/g, ' ').trim();
  const cut = flat.slice(0, 120);
  const stop = Math.max(cut.lastIndexOf('。'), cut.lastIndexOf('།'), cut.lastIndexOf('. '));
  const summary = flat.length <= 120 ? flat : stop >= 40 ? cut.slice(0, stop + 1) : `${cut}…`;
  return summary.replace(/[。．.།！!]+$/u, '');
};
