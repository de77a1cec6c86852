import type { Channel, Kind, Language, ReplyOutcome } from '../case/case.types.js';
import type { LanguageText } from '../notifications/notification.types.js';

/**
 * The reply quality check (答复质量检查): advice to the writer before a reply goes out, never a block. The
 * rules were designed against 2,816 real government replies (teddy2020c, see docs/notifications.md), where
 * the typical faults are a bare acknowledgement ("留言已收悉"), a mere forwarding ("已转相关部门处理"),
 * answers that say neither what was found nor what was done, and names of people next to their titles.
 */

export const FINDING_CODES = [
  'reply.too_short',
  'reply.forward_only',
  'reply.missing_findings',
  'reply.missing_actions',
  'reply.missing_legal_basis',
  'reply.missing_appeal_route',
  'reply.third_party_phone',
  'reply.third_party_id_number',
  'reply.third_party_name',
  'reply.third_party_plate',
  'reply.placeholder_left',
  'reply.language_mismatch',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];

export type Severity = 'warning' | 'notice';
export type Evidence = { text: string; start: number; end: number };
export type Finding = { code: FindingCode; severity: Severity; message: LanguageText; evidence: Evidence[] };

export type ReplyCheckInput = { text: string; kind: Kind; channel: Channel; outcome?: ReplyOutcome | null; language?: Language | null };
export type ReplyCheckResult = { findings: Finding[]; substanceLength: number; requiredParts: RequiredPart[] };

export type RequiredPart = 'findings' | 'actions' | 'legal_basis' | 'appeal_route';

/** Below this many units of substance (characters, Tibetan syllables, words) a reply says nothing. */
export const MIN_SUBSTANCE = 40;
/** A forwarding note longer than this usually also says what was done; shorter, it is only a forwarding. */
export const FORWARD_ONLY_MAX_SUBSTANCE = 80;

/** What each finding says, in every language (also the names of the findings in the review of a period). */
export const FINDING_MESSAGES: Record<FindingCode, LanguageText> = {
  'reply.too_short': {
    'zh-Hans': '答复过短，除问候和致谢外几乎没有实质内容。',
    bo: 'ལན་ཐུང་དྲགས་འདུག འཚམས་འདྲི་དང་ཐུགས་རྗེ་ཆེ་ཞུ་བ་མ་གཏོགས་ནང་དོན་དངོས་མེད།',
    en: 'The reply is too short: apart from greetings and thanks it says almost nothing.',
  },
  'reply.forward_only': {
    'zh-Hans': '答复只说明已转交其他部门，没有说明处理结果。转办不是答复。',
    bo: 'ལན་ནང་ལས་ཁུངས་གཞན་ལ་སྤྲད་ཟིན་ཞེས་པ་ཙམ་ལས་ཐག་གཅོད་མཇུག་འབྲས་མི་འདུག',
    en: 'The reply only says the matter was passed on; it gives no result. Forwarding is not an answer.',
  },
  'reply.missing_findings': {
    'zh-Hans': '未说明调查核实的情况（查明了什么）。',
    bo: 'ཞིབ་བཤེར་བྱས་ནས་གསལ་པོ་བྱུང་བའི་གནས་ཚུལ་བཀོད་མི་འདུག',
    en: 'The reply does not say what was found (what the investigation established).',
  },
  'reply.missing_actions': {
    'zh-Hans': '未说明采取了哪些处理措施或下一步安排。',
    bo: 'ལག་ལེན་བསྟར་བའི་ཐབས་ཇུས་སམ་རྗེས་མའི་འཆར་གཞི་བཀོད་མི་འདུག',
    en: 'The reply does not say what was done or what will be done next.',
  },
  'reply.missing_legal_basis': {
    'zh-Hans': '未引用法律、法规或政策依据。',
    bo: 'ཁྲིམས་དང་སྒྲིག་གཞི། སྲིད་ཇུས་ཀྱི་གཞི་རྩ་དྲངས་མི་འདུག',
    en: 'The reply cites no law, regulation or policy as its basis.',
  },
  'reply.missing_appeal_route': {
    'zh-Hans': '未告知不服答复时的救济途径（如申请复查、复核的机关和期限）。',
    bo: 'ལན་ལ་མི་མོས་ན་བསྐྱར་ཞིབ་ཞུ་ཐབས་དང་དུས་ཚད་བཀོད་མི་འདུག',
    en: 'The reply does not say how to appeal (where and within what time to ask for a review).',
  },
  'reply.third_party_phone': {
    'zh-Hans': '含有手机号码，可能是第三人的个人信息，请删除或脱敏。',
    bo: 'ལག་ཁྱེར་ཁ་པར་ཨང་གྲངས་འདུག མི་གཞན་གྱི་སྒེར་གྱི་ཆ་འཕྲིན་ཡིན་སྲིད།',
    en: 'Contains a mobile number, possibly a third party\'s personal data: remove or mask it.',
  },
  'reply.third_party_id_number': {
    'zh-Hans': '含有身份证号码，请删除或脱敏。',
    bo: 'ཐོབ་ཐང་ལག་ཁྱེར་ཨང་གྲངས་འདུག བསུབ་པའམ་སྦས་རོགས།',
    en: 'Contains an ID card number: remove or mask it.',
  },
  'reply.third_party_name': {
    'zh-Hans': '含有“姓名+称谓”（如某某经理），可能是第三人的个人信息，请确认是否需要写明。',
    bo: 'མིང་དང་གོ་གནས་མཉམ་དུ་འདུག མི་གཞན་གྱི་སྒེར་གྱི་ཆ་འཕྲིན་ཡིན་སྲིད།',
    en: 'Contains a name next to a title (e.g. "Manager Wang"), possibly a third party\'s personal data.',
  },
  'reply.third_party_plate': {
    'zh-Hans': '含有机动车号牌，可能是第三人的个人信息，请删除或脱敏。',
    bo: 'འཁོར་ལོའི་ཨང་བྱང་འདུག མི་གཞན་གྱི་སྒེར་གྱི་ཆ་འཕྲིན་ཡིན་སྲིད།',
    en: 'Contains a vehicle licence plate, possibly a third party\'s personal data.',
  },
  'reply.placeholder_left': {
    'zh-Hans': '含有未填写的模板占位符（如 {requesterName}、XXX）。',
    bo: 'མ་བཀང་བའི་དཔེ་གཞིའི་ས་སྟོང་འདུག',
    en: 'Contains unfilled template placeholders (such as {requesterName} or XXX).',
  },
  'reply.language_mismatch': {
    'zh-Hans': '答复语言与诉求人的语言不一致。',
    bo: 'ལན་གྱི་སྐད་ཡིག་དང་རེ་ཞུ་བའི་སྐད་ཡིག་མི་མཐུན།',
    en: 'The reply is not in the requester\'s language.',
  },
};

// Greetings, acknowledgements, thanks, dates and sign-offs: text that every reply has and that says nothing.
const BOILERPLATE: RegExp[] = [
  /网友\s*[“"「][^”"」]{0,30}[”"」]/g,
  /[“"][A-Za-z0-9]{2,20}[”"]/g,
  /网友[:：]?/g,
  /(?:尊敬的)?[您你]好[!！，,。.：:]?/g,
  /(?:[您你]的)?(?:留言|来信|来邮|网帖|帖子|信件|诉求|反映的(?:问题|情况))(?:已)?收悉[!！，,。.]?/g,
  /来信收悉|已收悉/g,
  /现(?:将|就|对)?(?:有关|相关)?(?:情况|问题)?(?:答复|回复|说明)如下[:：]?/g,
  /(?:再次)?感谢[您你]?对[^。！!]{0,40}(?:支持|关心|关注|监督|理解|信任|肯定)[^。！!]{0,20}[。！!]?/g,
  /(?:19|20)\d\d\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日/g,
  /谢谢[!！。]?|此致敬礼/g,
  /\b(?:dear|hello|thank you|thanks|regards|sincerely)\b[^.!\n]{0,60}[.!]?/gi,
  /བཀྲ་ཤིས་བདེ་ལེགས།?|ཐུགས་རྗེ་ཆེ།?/g,
];

/** Units of substance: Chinese characters, Tibetan syllables and Latin words or numbers. */
export const substanceLength = (text: string): number => {
  let rest = text;
  for (const pattern of BOILERPLATE) rest = rest.replace(pattern, ' ');
  const cjk = rest.match(/[\u3400-\u9fff]/g)?.length ?? 0;
  const tibetan = rest.match(/[\u0F40-\u0FBC]+/g)?.length ?? 0;
  const latin = rest.match(/[A-Za-z0-9]+/g)?.length ?? 0;
  return cjk + tibetan + latin;
};

const FORWARD = /(?:已|现|将)?(?:转交|转至|转给|转送|转办|转)(?:[^。，,；;]{0,20})(?:调查|处理|核处|处置|办理|核实|答复)|forwarded to|passed (?:it )?on to|ལས་ཁུངས་གཞན་ལ་སྤྲད/;

const FINDINGS = new RegExp(
  [
    '经[^。，,；;]{0,8}(?:调查|核实|核查|了解|查|检查|检测|勘察|走访|研究|联系|协调|确认|排查)',
    '调查(?:发现|了解|核实|显示)', '核实|查明|了解到|据了解|据查|发现', '(?:反映的?|所述)(?:问题|情况)?(?:属实|不属实|基本属实|部分属实)',
    '属实|不属实', '目前|截至|截止|现已|原因|由于|情况(?:是|为|如下)', '现场(?:查看|勘察|核查|检查)',
    '\\b(?:found|investigat\\w*|inspect\\w*|establish\\w*|confirm\\w*|checked)\\b',
    'ཞིབ་བཤེར|ཞིབ་དཔྱད|བརྟག་དཔྱད|གནས་ཚུལ',
  ].join('|'),
  'i',
);

const ACTIONS = new RegExp(
  [
    '已[\\u4e00-\\u9fff]{0,4}(?:进行|完成|安排|处理|落实|组织|开展|实施|启动|撤除|拆除|清理|修复|设置|改造|协调|解决|整改|查处|处罚|答复|告知|联系|约谈|督促|要求|责令|采纳|发放|补发|追回|支付|退还|恢复|调解)',
    '将[\\u4e00-\\u9fff]{0,6}(?:加强|进行|安排|组织|督促|协调|落实|推进|完成|实施|处理|研究|考虑|纳入|跟进|整改)',
    '责令|督促|限期|整改|下一步|立即|予以|依法(?:处理|查处|处罚)|罚款|处罚|立案|计划|拟|正在|采纳',
    '组织|协调|会商|推进|受理|受案|指令|部署|安排|督办|调解|处置|整治|清理|更换|安装|维修|改造|撤除',
    '\\b(?:we have|has been|have been|will|ordered|fined|repaired|removed|paid|recovered)\\b',
    'བྱས་ཟིན|ལག་བསྟར|བཀོད་སྒྲིག|བསྐྱར་བཅོས|བྱེད་རྒྱུ',
  ].join('|'),
  'i',
);

const LEGAL_BASIS = new RegExp(
  [
    '《[^》]{2,60}》', '根据|依据|依照|按照[^，。,]{0,30}(?:规定|要求|政策|标准|办法|文件|条例)', '规定|条例|办法|法律|法规|政策',
    '第[一二三四五六七八九十百零〇\\d]+条',
    '\\b(?:under|according to|pursuant to|article|regulation|law|act|policy)\\b',
    'ཁྲིམས|སྒྲིག་གཞི|སྲིད་ཇུས|དགོངས་དོན',
  ].join('|'),
  'i',
);

const APPEAL_ROUTE = new RegExp(
  [
    '复查|复核|行政复议|行政诉讼|提起诉讼|人民法院|不服|申诉|如有异议|如对[^。]{0,30}(?:不满意|有异议|不服)',
    '\\b(?:appeal|review|reconsideration|court|tribunal)\\b',
    'བསྐྱར་ཞིབ|ཞུ་གཏུག་བསྐྱར',
  ].join('|'),
  'i',
);

const MOBILE = /(?<![\d])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![\d])/g;
const ID_NUMBER = /(?<![\dA-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dA-Za-z])/g;
const PLATE = /[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][·•\s]?[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳]{1,2}(?![A-Za-z0-9])/g;
const PLACEHOLDER = /\{[A-Za-z][A-Za-z0-9]*\}|[XＸ]{3,}|x{3,}|【待填[^】]*】|_{3,}|＿{2,}/g;

// The common family names; single-character ones that double as everyday words (向, 任, 于, 方, 万, 石, 金,
// 武, 付, 高, 白, 常, 龙, 江, 文) are accepted only with a given name, or "向县长" would be a person.
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈姚卢姜崔钟谭陆汪范廖贾夏韦邹孟熊秦邱尹薛闫段雷侯史陶黎贺顾毛郝龚邵钱严覃戴莫孔汤向任于方万石金武付高白常龙江文';
const AMBIGUOUS_SURNAMES = '向任于方万石金武付高白常龙江文';
// Characters that never sit inside a given name but often between a surname-looking word and a title.
const NOT_IN_NAMES = '的或该店课学校公司村党委市县区镇乡局部办处所站院班和与及等各此其我你他她们位名个是在向对请由经被了为将已有某务过拨打台厂';
// Officials named in their public function are a notice; private persons (and contact persons) a warning.
const OFFICIAL_TITLES = '书记|局长|主任|科长|所长|队长|镇长|乡长|村长|院长|校长|区长|县长|市长|处长|站长|厂长|同志|警官';
const PRIVATE_TITLES = '先生|女士|老板|师傅|总经理|经理|董事长|老师|医生|律师|会计';
// An ambiguous surname right before another surname is a word ("向姚某同志": to comrade Yao): start at the second.
const NAME_START = `(?![${AMBIGUOUS_SURNAMES}][${SURNAMES}])([${SURNAMES}])`;
const NAME_WITH_TITLE = new RegExp(`${NAME_START}([^${NOT_IN_NAMES}\\s\\p{P}\\d]{0,2})(副)?(${OFFICIAL_TITLES}|${PRIVATE_TITLES})`, 'gu');
const PRIVATE_TITLE_AT_END = new RegExp(`(?:${PRIVATE_TITLES})$`);
const CONTACT_NAME = new RegExp(`(?:联系人|负责人|经办人)[:：\\s]*([${SURNAMES}][^${NOT_IN_NAMES}\\s\\p{P}\\d]{1,2})`, 'gu');

const isCjk = (s: string): boolean => /^[\u3400-\u9fff]*$/u.test(s);

/** GB 11643: the 18th character is a checksum, which keeps long numbers (amounts, file ids) from matching. */
export const isValidIdNumber = (id: string): boolean => {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(id[i]), 0);
  return '10X98765432'[sum % 11] === id[17]?.toUpperCase();
};

const matchesOf = (pattern: RegExp, text: string, keep: (m: RegExpMatchArray) => boolean = () => true): Evidence[] =>
  [...text.matchAll(pattern)].filter(keep).map((m) => ({ text: m[0], start: m.index ?? 0, end: (m.index ?? 0) + m[0].length }));

const namesIn = (text: string): (Evidence & { isPrivate: boolean })[] => {
  const byTitle = matchesOf(NAME_WITH_TITLE, text, (m) => {
    const [, surname = '', given = ''] = m;
    if (!isCjk(given)) return false;
    return given.length > 0 || !AMBIGUOUS_SURNAMES.includes(surname);
  });
  // Only the name itself, not the "联系人：" before it.
  const contacts = [...text.matchAll(CONTACT_NAME)].map((m) => {
    const name = m[1] ?? '';
    const start = (m.index ?? 0) + m[0].lastIndexOf(name);
    return { text: name, start, end: start + name.length, isPrivate: true };
  });
  return [...byTitle.map((e) => ({ ...e, isPrivate: PRIVATE_TITLE_AT_END.test(e.text) })), ...contacts].sort((a, b) => a.start - b.start);
};

/** Which parts a reply of this kind and channel must contain. Petitions: all four (信访答复意见书). */
export const requiredPartsFor = (input: Pick<ReplyCheckInput, 'kind' | 'channel' | 'outcome'>): RequiredPart[] => {
  const isPetition = input.channel === 'petition';
  const parts: RequiredPart[] = [];
  // A referral answers by pointing elsewhere; an enquiry or a suggestion has nothing to investigate.
  if (isPetition || (['complaint', 'report', 'help'] as Kind[]).includes(input.kind)) {
    if (input.outcome !== 'referred') parts.push('findings', 'actions');
  }
  // Explaining a policy or refusing must say on what basis.
  if (isPetition || input.outcome === 'explained' || input.outcome === 'not_accepted') parts.push('legal_basis');
  if (isPetition || input.outcome === 'not_accepted') parts.push('appeal_route');
  return parts;
};

const PART_RULES: Record<RequiredPart, { code: FindingCode; pattern: RegExp }> = {
  findings: { code: 'reply.missing_findings', pattern: FINDINGS },
  actions: { code: 'reply.missing_actions', pattern: ACTIONS },
  legal_basis: { code: 'reply.missing_legal_basis', pattern: LEGAL_BASIS },
  appeal_route: { code: 'reply.missing_appeal_route', pattern: APPEAL_ROUTE },
};

const finding = (code: FindingCode, evidence: Evidence[] = [], severity: Severity = 'warning'): Finding => ({ code, severity, message: FINDING_MESSAGES[code], evidence });

const languageMismatch = (text: string, language: Language | null | undefined): boolean => {
  if (language === 'bo') return !/[\u0F40-\u0FBC]/.test(text);
  if (language === 'zh-Hans') return !/[\u3400-\u9fff]/.test(text);
  return false;
};

export const checkReply = (input: ReplyCheckInput): ReplyCheckResult => {
  const text = input.text;
  const findings: Finding[] = [];
  const substance = substanceLength(text);
  if (substance < MIN_SUBSTANCE) findings.push(finding('reply.too_short'));
  const forward = FORWARD.exec(text);
  if (forward && substance < FORWARD_ONLY_MAX_SUBSTANCE) {
    findings.push(finding('reply.forward_only', [{ text: forward[0], start: forward.index, end: forward.index + forward[0].length }]));
  }
  const requiredParts = requiredPartsFor(input);
  for (const part of requiredParts) {
    const rule = PART_RULES[part];
    if (!rule.pattern.test(text)) findings.push(finding(rule.code));
  }
  const phones = matchesOf(MOBILE, text);
  if (phones.length > 0) findings.push(finding('reply.third_party_phone', phones));
  const ids = matchesOf(ID_NUMBER, text, (m) => isValidIdNumber(m[0]));
  if (ids.length > 0) findings.push(finding('reply.third_party_id_number', ids));
  const names = namesIn(text);
  if (names.length > 0) {
    const severity: Severity = names.some((n) => n.isPrivate) ? 'warning' : 'notice';
    findings.push(finding('reply.third_party_name', names.map(({ text: t, start, end }) => ({ text: t, start, end })), severity));
  }
  const plates = matchesOf(PLATE, text);
  if (plates.length > 0) findings.push(finding('reply.third_party_plate', plates));
  const placeholders = matchesOf(PLACEHOLDER, text);
  if (placeholders.length > 0) findings.push(finding('reply.placeholder_left', placeholders));
  if (languageMismatch(text, input.language)) findings.push(finding('reply.language_mismatch', [], 'notice'));
  return { findings, substanceLength: substance, requiredParts };
};
