import type { Language, ReplyOutcome, ResolvedAnswer, Satisfaction } from '../case/case.types.js';
import type { LocalizedText } from '../directory/directory.types.js';
import type { LanguageText, MessageChannel, MessageKind } from './notification.types.js';
import { fillTemplate, formatDate, placeholdersOf } from './render-template.js';

/**
 * A piece of a message. It is kept only when every placeholder in it has a value, and when its `when`
 * variable is set (or its `unless` variable is not): optional facts drop out without dangling words.
 */
type Segment = string | { text: string; when?: string; unless?: string };
type KindTemplates = { sms: Segment[]; subject: string; emailExtra?: Segment[] };

// Tibetan wording follows the terms of the web catalogues (web/src/i18n/bo.ts); a native speaker reviews
// every change before it ships, as for the catalogues.
export const MESSAGE_TEMPLATES: Record<MessageKind, Record<Language, KindTemplates>> = {
  callback_request: {
    'zh-Hans': {
      subject: '请评价诉求办理结果（受理编号{trackingNo}）',
      sms: ['您的诉求（受理编号{trackingNo}）已答复。请回复数字评价：1满意，2基本满意，3不满意，4问题没有解决。'],
    },
    bo: {
      subject: 'རེ་ཞུའི་ཐག་གཅོད་ལ་བསམ་འཆར་འབུལ་རོགས། ({trackingNo})',
      sms: ['ཁྱེད་ཀྱི་རེ་ཞུ་ (ཨང་གྲངས། {trackingNo}) ལ་ལན་བཏབ་ཟིན། ཨང་ཀི་ཞིག་ལན་དུ་སྐུར་རོགས། 1 ཡིད་ཚིམ། 2 ཕལ་ཆེར་ཡིད་ཚིམ། 3 ཡིད་མ་ཚིམ། 4 དཀའ་ངལ་ཐག་མ་ཆོད།'],
    },
    en: {
      subject: 'How did we do? ({trackingNo})',
      sms: ['Your request {trackingNo} has been answered. Reply with a number: 1 satisfied, 2 fairly satisfied, 3 not satisfied, 4 not solved.'],
    },
  },
  registered: {
    'zh-Hans': {
      subject: '诉求已受理（受理编号{trackingNo}）',
      sms: [
        '您的诉求已受理，受理编号{trackingNo}',
        '，查询码{accessCode}，请妥善保存',
        { unless: 'accessCode', text: '，查询码已在受理时告知您' },
        '。',
        '查询进度：{trackingUrl}',
      ],
    },
    bo: {
      subject: 'རེ་ཞུ་དང་ལེན་བྱས་ཟིན། ({trackingNo})',
      sms: [
        'ཁྱེད་ཀྱི་རེ་ཞུ་དང་ལེན་བྱས་ཟིན། ཐོ་འགོད་ཨང་གྲངས་ནི་ {trackingNo} ཡིན།',
        ' བཤེར་འདྲིའི་གསང་གྲངས་ནི་ {accessCode} ཡིན། ཉར་ཚགས་ཡག་པོ་གནང་རོགས།',
        { unless: 'accessCode', text: ' བཤེར་འདྲིའི་གསང་གྲངས་ཐོ་འགོད་སྐབས་ཁྱེད་ལ་བརྡ་ཁྱབ་ཟིན།' },
        ' ལས་རིམ་བཤེར་འདྲི། {trackingUrl}',
      ],
    },
    en: {
      subject: 'Your request is registered ({trackingNo})',
      sms: [
        'Your request has been registered. Tracking number: {trackingNo}',
        '. Access code: {accessCode} (keep it safe)',
        { unless: 'accessCode', text: '. You were given the access code at registration' },
        '.',
        ' Track it at {trackingUrl}',
      ],
    },
  },
  dispatched: {
    'zh-Hans': {
      subject: '诉求已交办（受理编号{trackingNo}）',
      sms: ['您的诉求（受理编号{trackingNo}）已交{unitName}办理', '，将于{replyDueDate}前答复您', '。'],
    },
    bo: {
      subject: 'རེ་ཞུ་བགོ་འགྲེམས་བྱས་ཟིན། ({trackingNo})',
      sms: ['ཁྱེད་ཀྱི་རེ་ཞུ་ (ཨང་གྲངས། {trackingNo}) {unitName} ལ་བགོ་འགྲེམས་བྱས་ཟིན།', ' {replyDueDate} ཡི་སྔོན་དུ་ལན་འདེབས་རྒྱུ་ཡིན།'],
    },
    en: {
      subject: 'Your request has been sent to the unit ({trackingNo})',
      sms: ['Your request {trackingNo} has been sent to {unitName}', ' for a reply by {replyDueDate}', '.'],
    },
  },
  extended: {
    'zh-Hans': {
      subject: '办理期限延长（受理编号{trackingNo}）',
      sms: ['您的诉求（受理编号{trackingNo}）办理期限延长{days}天，原因：{reason}', '。新的答复期限为{replyDueDate}', '。'],
    },
    bo: {
      subject: 'དུས་ཡུན་རྒྱ་བསྐྱེད། ({trackingNo})',
      sms: [
        'ཁྱེད་ཀྱི་རེ་ཞུ་ (ཨང་གྲངས། {trackingNo}) ཡི་ཐག་གཅོད་དུས་ཡུན་ཉིན་ {days} རྒྱ་བསྐྱེད་བྱས། རྒྱུ་མཚན། {reason}',
        ' ལན་འདེབས་དུས་ཚད་གསར་པ་ནི་ {replyDueDate} ཡིན།',
      ],
    },
    en: {
      subject: 'More time to handle your request ({trackingNo})',
      sms: ['The time limit of your request {trackingNo} has been extended by {days} days. Reason: {reason}.', ' New reply date: {replyDueDate}.'],
    },
  },
  replied: {
    'zh-Hans': {
      subject: '诉求已答复（受理编号{trackingNo}）',
      sms: [
        '您的诉求（受理编号{trackingNo}）',
        '已由{unitName}答复',
        { unless: 'unitName', text: '已答复' },
        '，办理结果：{outcome}。请凭查询码查看答复并评价',
        '：{trackingUrl}',
        '。',
      ],
      emailExtra: ['\n\n答复内容：\n{replyText}'],
    },
    bo: {
      subject: 'རེ་ཞུར་ལན་བཏབ་ཟིན། ({trackingNo})',
      sms: [
        'ཁྱེད་ཀྱི་རེ་ཞུ་ (ཨང་གྲངས། {trackingNo}) ལ་',
        '{unitName} ནས་',
        'ལན་བཏབ་ཟིན། (མཇུག་འབྲས། {outcome}) བཤེར་འདྲིའི་གསང་གྲངས་བཀོལ་ནས་ལན་ལ་གཟིགས་ཏེ་དཔྱད་བརྗོད་གནང་རོགས།',
        ' {trackingUrl}',
      ],
      emailExtra: ['\n\nལན་གྱི་ནང་དོན།\n{replyText}'],
    },
    en: {
      subject: 'Your request has been answered ({trackingNo})',
      sms: ['Your request {trackingNo} has been answered', ' by {unitName}', ' (outcome: {outcome}). Read the reply and rate it with your access code', ' at {trackingUrl}', '.'],
      emailExtra: ['\n\nThe reply:\n{replyText}'],
    },
  },
  callback: {
    'zh-Hans': {
      subject: '回访结果（受理编号{trackingNo}）',
      sms: ['感谢您对诉求（受理编号{trackingNo}）办理情况的评价（{satisfaction}）。', { when: 'notResolved', text: '我们将督促承办单位重新办理。' }],
    },
    bo: {
      subject: 'རྗེས་འདྲི། ({trackingNo})',
      sms: [
        'ཁྱེད་ཀྱིས་རེ་ཞུ་ (ཨང་གྲངས། {trackingNo}) ཡི་རྗེས་འདྲི་ལ་དཔྱད་བརྗོད་ ({satisfaction}) གནང་བར་ཐུགས་རྗེ་ཆེ།',
        { when: 'notResolved', text: ' ང་ཚོས་འགན་ལེན་ལས་ཁུངས་ལ་བསྐྱར་སྒྲུབ་བྱེད་དུ་སྐུལ་རྒྱུ་ཡིན།' },
      ],
    },
    en: {
      subject: 'Thank you for your feedback ({trackingNo})',
      sms: ['Thank you for rating the handling of your request {trackingNo} ({satisfaction}).', { when: 'notResolved', text: ' We will ask the unit to handle it again.' }],
    },
  },
  rejected: {
    'zh-Hans': {
      subject: '诉求不予受理（受理编号{trackingNo}）',
      sms: ['您的诉求（受理编号{trackingNo}）不予受理，原因：{reason}。', '建议：{advice}'],
    },
    bo: {
      subject: 'རེ་ཞུ་དང་ལེན་མ་བྱས། ({trackingNo})',
      sms: ['ཁྱེད་ཀྱི་རེ་ཞུ་ (ཨང་གྲངས། {trackingNo}) དང་ལེན་མ་བྱས། རྒྱུ་མཚན། {reason}', ' བསམ་འཆར། {advice}'],
    },
    en: {
      subject: 'Your request could not be accepted ({trackingNo})',
      sms: ['Your request {trackingNo} could not be accepted. Reason: {reason}.', ' Advice: {advice}'],
    },
  },
  reopened: {
    'zh-Hans': {
      subject: '诉求重新办理（受理编号{trackingNo}）',
      sms: ['您的诉求（受理编号{trackingNo}）', '已重新交{unitName}办理', { unless: 'unitName', text: '已重新受理' }, '，办理后将再次答复您。'],
    },
    bo: {
      subject: 'བསྐྱར་སྒྲུབ། ({trackingNo})',
      sms: ['ཁྱེད་ཀྱི་རེ་ཞུ་ (ཨང་གྲངས། {trackingNo}) བསྐྱར་སྒྲུབ་བྱེད་རྒྱུ་ཡིན།', ' {unitName} ལ་ཡང་བསྐྱར་བགོ་འགྲེམས་བྱས།', ' ལན་ཡང་བསྐྱར་འདེབས་རྒྱུ་ཡིན།'],
    },
    en: {
      subject: 'Your request has been reopened ({trackingNo})',
      sms: ['Your request {trackingNo} has been reopened', ' and sent back to {unitName}', '. You will receive a new reply.'],
    },
  },
  // The case waits on the requester (docs/time-limits.md): what to add, by when, and where.
  held: {
    'zh-Hans': {
      subject: '请补充材料（受理编号{trackingNo}）',
      sms: [
        '您的诉求（受理编号{trackingNo}）需要您补充：{reason}。',
        '请于{holdEndsDate}前补充，逾期将按现有材料继续办理。',
        { unless: 'holdEndsDate', text: '请尽快补充。' },
        '补充入口：{trackingUrl}',
      ],
    },
    bo: {
      subject: 'ཡིག་ཆ་ཁ་སྣོན་གནང་རོགས། ({trackingNo})',
      sms: [
        'ཁྱེད་ཀྱི་རེ་ཞུ་ (ཨང་གྲངས། {trackingNo}) ལ་ཁ་སྣོན་དགོས། {reason}',
        ' {holdEndsDate} གོང་ལ་ཁ་སྣོན་གནང་རོགས། དུས་ཡོལ་ན་ཡོད་པའི་ཡིག་ཆ་ལྟར་མུ་མཐུད་སྒྲུབ་རྒྱུ།',
        { unless: 'holdEndsDate', text: ' མྱུར་དུ་ཁ་སྣོན་གནང་རོགས།' },
        ' ཁ་སྣོན་བྱེད་ས། {trackingUrl}',
      ],
    },
    en: {
      subject: 'We need more information ({trackingNo})',
      sms: [
        'Your request {trackingNo} needs more from you: {reason}.',
        ' Please add it before {holdEndsDate}; after that we go on with what we have.',
        { unless: 'holdEndsDate', text: ' Please add it soon.' },
        ' Add it here: {trackingUrl}',
      ],
    },
  },
  hold_reminder: {
    'zh-Hans': {
      subject: '提醒：请补充材料（受理编号{trackingNo}）',
      sms: [
        '提醒：您的诉求（受理编号{trackingNo}）仍在等待您补充：{reason}。',
        '请于{holdEndsDate}前补充，逾期将按现有材料继续办理。',
        '补充入口：{trackingUrl}',
      ],
    },
    bo: {
      subject: 'དྲན་སྐུལ། ཡིག་ཆ་ཁ་སྣོན་གནང་རོགས། ({trackingNo})',
      sms: [
        'དྲན་སྐུལ། ཁྱེད་ཀྱི་རེ་ཞུ་ (ཨང་གྲངས། {trackingNo}) ད་དུང་ཁ་སྣོན་ལ་སྒུག་བཞིན་ཡོད། {reason}',
        ' {holdEndsDate} གོང་ལ་ཁ་སྣོན་གནང་རོགས། དུས་ཡོལ་ན་ཡོད་པའི་ཡིག་ཆ་ལྟར་མུ་མཐུད་སྒྲུབ་རྒྱུ།',
        ' ཁ་སྣོན་བྱེད་ས། {trackingUrl}',
      ],
    },
    en: {
      subject: 'Reminder: we still need information ({trackingNo})',
      sms: [
        'Reminder: your request {trackingNo} is still waiting for: {reason}.',
        ' Please add it before {holdEndsDate}; after that we go on with what we have.',
        ' Add it here: {trackingUrl}',
      ],
    },
  },
  // Rendered by the callbacks module (src/core/callbacks/follow-up.ts, same texts) with the one-time link;
  // without a link (this generic renderer) only the question remains.
  follow_up: {
    'zh-Hans': {
      subject: '您的问题仍然解决吗？（受理编号{trackingNo}）',
      sms: ['您的诉求（受理编号{trackingNo}）已办结一段时间。问题是否仍然解决？', '请通过链接告诉我们：{link}'],
    },
    bo: {
      subject: 'དཀའ་ངལ་ད་དུང་ཐག་ཆོད་ཡོད་དམ། ({trackingNo})',
      sms: ['ཁྱེད་ཀྱི་རེ་ཞུ་ (ཨང་གྲངས། {trackingNo}) མཇུག་སྒྲིལ་ནས་དུས་ཚོད་ཅུང་ཟད་སོང་། དཀའ་ངལ་ད་དུང་ཐག་ཆོད་ཡོད་དམ།', ' འབྲེལ་ཐག་འདི་བརྒྱུད་ནས་ང་ཚོར་བརྡ་ཁྱབ་གནང་རོགས། {link}'],
    },
    en: {
      subject: 'Is the problem still solved? ({trackingNo})',
      sms: ['Your request {trackingNo} was closed some weeks ago. Is the problem still solved?', ' Please tell us here: {link}'],
    },
  },
};

const EMAIL_GREETING: LanguageText = { 'zh-Hans': '您好！\n\n', bo: 'བཀྲ་ཤིས་བདེ་ལེགས།\n\n', en: 'Hello,\n\n' };
const EMAIL_FOOTER: LanguageText = {
  'zh-Hans': '\n\n此邮件由系统自动发送，请勿直接回复。',
  bo: '\n\nགློག་འཕྲིན་འདི་མ་ལག་གིས་རང་འགུལ་གྱིས་བསྐུར་བ་ཡིན། ཐད་ཀར་ལན་མ་འདེབས་རོགས།',
  en: '\n\nThis message was sent automatically; please do not reply to it.',
};

const OUTCOME_LABELS: Record<ReplyOutcome, LanguageText> = {
  resolved: { 'zh-Hans': '已解决', bo: 'ཐག་ཆོད་ཟིན།', en: 'resolved' },
  partly_resolved: { 'zh-Hans': '部分解决', bo: 'ཆ་ཤས་ཐག་ཆོད།', en: 'partly resolved' },
  explained: { 'zh-Hans': '已解释说明', bo: 'གསལ་བཤད་བྱས་ཟིན།', en: 'explained' },
  not_accepted: { 'zh-Hans': '不予支持', bo: 'རྒྱབ་སྐྱོར་མ་བྱས།', en: 'not upheld' },
  referred: { 'zh-Hans': '已告知其他途径', bo: 'ལམ་ཁ་གཞན་ལ་མཛུབ་སྟོན་བྱས།', en: 'referred elsewhere' },
};
const SATISFACTION_LABELS: Record<Satisfaction, LanguageText> = {
  satisfied: { 'zh-Hans': '满意', bo: 'ཡིད་ཚིམ།', en: 'satisfied' },
  fairly_satisfied: { 'zh-Hans': '基本满意', bo: 'ཕལ་ཆེར་ཡིད་ཚིམ།', en: 'fairly satisfied' },
  dissatisfied: { 'zh-Hans': '不满意', bo: 'ཡིད་མ་ཚིམ།', en: 'dissatisfied' },
};

/**
 * Variables of each kind, in the order providers with registered templates (Tencent's positional
 * TemplateParamSet) receive them. Register the provider templates with the variables in this order.
 */
export const SMS_TEMPLATE_PARAMS: Record<MessageKind, readonly string[]> = {
  registered: ['trackingNo', 'accessCode'],
  dispatched: ['trackingNo', 'unitName', 'replyDueDate'],
  extended: ['trackingNo', 'days', 'reason', 'replyDueDate'],
  replied: ['trackingNo', 'unitName', 'outcome'],
  callback: ['trackingNo', 'satisfaction'],
  rejected: ['trackingNo', 'reason'],
  reopened: ['trackingNo', 'unitName'],
  // The callback by SMS (src/core/callbacks/callback-sms.ts): the requester answers with a digit.
  callback_request: ['trackingNo'],
  // The follow-up questionnaire weeks after closure (src/core/callbacks/follow-up.ts): the one-time link.
  follow_up: ['trackingNo', 'link'],
  held: ['trackingNo', 'reason', 'holdEndsDate'],
  hold_reminder: ['trackingNo', 'reason', 'holdEndsDate'],
};

/** The facts a message may mention, language-neutral; rendering picks names and labels per language. */
export type MessageFacts = {
  trackingNo: string;
  accessCode?: string | null;
  unitName?: LocalizedText | null;
  replyDueAt?: Date | null;
  days?: number | null;
  reason?: string | null;
  advice?: string | null;
  replyText?: string | null;
  outcome?: ReplyOutcome | null;
  resolved?: ResolvedAnswer | null;
  satisfaction?: Satisfaction | null;
  trackingUrl?: string | null;
  /** The end of a hold's wait: the requester is asked to add information before it. */
  holdEndsAt?: Date | null;
};

const present = (value: string | null | undefined): string | undefined => (value === null || value === undefined || value.trim() === '' ? undefined : value);

/** The variables of a message in one language: names localised (falling back to Chinese), dates formatted. */
export const messageVariables = (facts: MessageFacts, language: Language): Record<string, string | undefined> => ({
  trackingNo: facts.trackingNo,
  accessCode: present(facts.accessCode),
  unitName: facts.unitName ? facts.unitName[language] || facts.unitName['zh-Hans'] : undefined,
  replyDueDate: facts.replyDueAt ? formatDate(facts.replyDueAt, language) : undefined,
  days: facts.days ? String(facts.days) : undefined,
  reason: present(facts.reason),
  advice: present(facts.advice),
  replyText: present(facts.replyText),
  outcome: facts.outcome ? OUTCOME_LABELS[facts.outcome][language] : undefined,
  satisfaction: facts.satisfaction ? SATISFACTION_LABELS[facts.satisfaction][language] : undefined,
  notResolved: facts.resolved === 'no' || facts.satisfaction === 'dissatisfied' ? 'yes' : undefined,
  trackingUrl: present(facts.trackingUrl),
  holdEndsDate: facts.holdEndsAt ? formatDate(facts.holdEndsAt, language) : undefined,
});

const renderSegments = (segments: Segment[], vars: Record<string, string | undefined>): string =>
  segments
    .map((segment) => {
      const s = typeof segment === 'string' ? { text: segment } : segment;
      if (s.when !== undefined && vars[s.when] === undefined) return '';
      if (s.unless !== undefined && vars[s.unless] !== undefined) return '';
      if (placeholdersOf(s.text).some((name) => vars[name] === undefined)) return '';
      return fillTemplate(s.text, vars).text;
    })
    .join('');

export type RenderedMessage = { subject: string | null; body: string; params: Record<string, string> };

/** One message in the requester's language: the SMS text, or the e-mail subject and body. */
export const renderRequesterMessage = (kind: MessageKind, channel: MessageChannel, language: Language, facts: MessageFacts): RenderedMessage => {
  const template = MESSAGE_TEMPLATES[kind][language];
  const vars = messageVariables(facts, language);
  const text = renderSegments(template.sms, vars);
  const params: Record<string, string> = {};
  for (const name of SMS_TEMPLATE_PARAMS[kind]) params[name] = vars[name] ?? '';
  if (channel === 'sms') return { subject: null, body: text, params };
  const body = `${EMAIL_GREETING[language]}${text}${renderSegments(template.emailExtra ?? [], vars)}${EMAIL_FOOTER[language]}`;
  return { subject: fillTemplate(template.subject, vars).text, body, params };
};
