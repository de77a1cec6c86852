import { REDACTED, scrubText, type KnownPersonalData } from '../open311/scrub.js';

/**
 * Masks personal data in free text before it is published, in Chinese, Tibetan and English: what the
 * requester gave about themselves (via scrubText), then anything shaped like a phone number, an ID card
 * number, an e-mail address, a vehicle plate, a house or room number, or a name in a recognisable
 * context. Each match becomes `[***]`. Pure and deterministic: the same text always gives the same result.
 *
 * It cannot know every name (a neighbour's name typed with no context stays): that is why publication can
 * require a review, and why staff can edit the public text.
 */
export const MASK = REDACTED;

// Digits as people type them: ASCII, full width, and Tibetan numerals (༠-༩).
const D = '[0-9\\uFF10-\\uFF19\\u0F20-\\u0F29]';
const TIB_LETTER = '[\\u0F40-\\u0FBC]';

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const ID_CARD = new RegExp(`(?<!${D})${D}{17}(?:${D}|[Xx])(?!${D})`, 'gu');
// Seven or more digits, with the separators people use in phone numbers (including the Tibetan tsheg).
const DIGIT_RUN = new RegExp(`(?<!${D})\\+?${D}(?:[\\s\\-.()（）་/]{0,2}${D}){6,}(?!${D})`, 'gu');
const DATE_LIKE = new RegExp(`^${D}{4}[-./]${D}{1,2}[-./]${D}{1,2}$`, 'u');

// Chinese plates: a province's one-character abbreviation, a letter, then 5 (6 for new-energy) letters or digits.
const PLATE_PROVINCES = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const PLATE = new RegExp(`(?:[${PLATE_PROVINCES}]|བོད་?)\\s?[A-Za-z][\\s·•・.\\-]?(?:[A-Za-z0-9]{5,6})(?![A-Za-z0-9])`, 'gu');
// A plate quoted without its province ("车牌 A12345", "ཀ་ཨང་ A12345"), after a plate word.
const PLATE_AFTER_WORD = /(车牌号?码?|牌照|车号|number plate|licen[cs]e plate|plate|ཐེམ་ཨང་|རླངས་འཁོར་ཨང་)([\s:：]*)([A-Za-z0-9][A-Za-z0-9·\s-]{4,8}[A-Za-z0-9])/giu;

// House, building, unit and room numbers: the road name stays (it names a place, not a person), the number goes.
const CN_HOUSE = new RegExp(
  `${D}+(?:[-－—]${D}+)?\\s*(?:号院|号楼|号|栋|幢|单元|室|户|层|楼)(?:\\s*${D}+(?:[-－—]${D}+)?\\s*(?:号院|号楼|号|栋|幢|单元|室|户|层|楼))*`,
  'gu',
);
const CN_HOUSE_WORD = new RegExp(`(门牌号?|房号|住址|地址|家住)([\\s:：]*)([^，。；;,\\n]{2,30}?${D}+[^，。；;,\\n]{0,12}?)(?=[，。；;,\\n]|$)`, 'gu');
const BO_HOUSE = new RegExp(`(ཁྱིམ་ཨང|ཁང་ཨང|སྒོ་ཨང|ཁང་པའི་ཨང|ཁང་མིག་ཨང|ཨང་)([་\\s:：]*)(${D}+(?:[\\s\\-་/]*${D}+)*)`, 'gu');
const BO_HOUSE_AFTER = new RegExp(`(${D}+)(?=[་\\s]*(?:ཨང་|ཁང་མིག|ཐོག་ཁང|ཁང་པ))`, 'gu');
const EN_HOUSE = /\b(?:No\.?|Room|Rm\.?|Flat|Apt\.?|Apartment|Unit|Building|Bldg\.?)\s*#?\d+[A-Za-z]?(?:[-/]\d+)?\b|\b\d+[A-Za-z]?\s+(?=(?:[A-Z][a-z]+\s+){0,3}(?:Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Alley)\b)/g;

// Tibetan given-name elements, in Chinese transcription and in Tibetan script. A run of two or more is a
// name wherever it stands (次仁卓嘎, ཚེ་རིང་སྒྲོལ་མ); one alone only in a name context (我叫扎西, བཀྲ་ཤིས་ལགས).
const CN_TIBETAN_NAMES = [
  '扎西', '次仁', '卓嘎', '卓玛', '多吉', '索朗', '旺堆', '格桑', '平措', '尼玛', '普布', '达瓦', '拉姆', '央金', '德吉', '白玛',
  '洛桑', '丹增', '次旦', '罗布', '边巴', '强巴', '顿珠', '旦增', '曲珍', '拉巴', '巴桑', '米玛', '琼达', '益西', '贡嘎', '仁增',
  '加措', '嘉措', '嘎玛', '索南', '群培', '阿旺', '桑珠', '晋美', '玉珍', '措姆', '次珍', '仓决', '旺姆', '德庆', '白珍', '边珍',
  '拉珍', '央宗', '德央', '尼珍', '次央', '旺久', '旺杰', '多布杰', '欧珠', '土登', '次仁拉姆', '巴珠', '朗杰', '斯朗', '卓拉',
];
const BO_TIBETAN_NAMES = [
  'བཀྲ་ཤིས', 'ཚེ་རིང', 'སྒྲོལ་མ', 'སྒྲོལ་དཀར', 'རྡོ་རྗེ', 'བསོད་ནམས', 'དབང་འདུས', 'སྐལ་བཟང', 'ཕུན་ཚོགས', 'ཉི་མ', 'ཕུར་བུ', 'ཟླ་བ',
  'ལྷ་མོ', 'དབྱངས་ཅན', 'བདེ་སྐྱིད', 'པད་མ', 'བློ་བཟང', 'བསྟན་འཛིན', 'ཚེ་བརྟན', 'ནོར་བུ', 'སྤེན་པ', 'བྱམས་པ', 'དོན་གྲུབ', 'ཆོས་སྒྲོན',
  'ལྷག་པ', 'པ་སངས', 'མི་དམར', 'ཡེ་ཤེས', 'ཀུན་དགའ', 'རིག་འཛིན', 'རྒྱ་མཚོ', 'ཆོས་འཕེལ', 'ངག་དབང', 'བསམ་གྲུབ', 'འཇིགས་མེད',
  'དབང་མོ', 'མཚོ་མོ', 'ཚེ་སྒྲོན', 'དཔལ་སྒྲོན', 'དབྱངས་འཛོམས', 'ཆུང་མདའ', 'དབྱངས་སྒྲོན', 'དབང་ཕྱུག', 'ཐུབ་བསྟན', 'ཚེ་དབང',
  'ཆོས་ཀྱི', 'དབང་རྒྱལ', 'རྣམ་རྒྱལ', 'འོད་ཟེར', 'དྲི་མེད', 'གཡང་འཛོམས', 'ཚེ་ཡང',
];

const escape = (value: string): string => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const cnElement = `(?:${[...CN_TIBETAN_NAMES].sort((a, b) => b.length - a.length).map(escape).join('|')})`;
const boElement = `(?:${[...BO_TIBETAN_NAMES].sort((a, b) => b.length - a.length).map(escape).join('|')})`;

const CN_NAME_RUN = new RegExp(`${cnElement}(?:[·•・]?${cnElement})+`, 'gu');
// A Tibetan-script element must start and end on syllable boundaries; a case particle may follow (སྒྲོལ་མའི).
const boAt = (body: string): string => `(?<!${TIB_LETTER})${body}(?=(?:འི|ས|ར|འང)?(?!${TIB_LETTER}))`;
const BO_NAME_RUN = new RegExp(boAt(`${boElement}(?:[་\\s]+${boElement})+`), 'gu');
const BO_NAME_HONORIFIC = new RegExp(`${boAt(boElement)}(?=[་\\s]*ལགས)`, 'gu');
const BO_NAME_CONTEXT = new RegExp(`((?:ངའི་)?མིང་(?:ལ་)?(?:[།:：\\s]*)|མིང་གི་)(${boElement}(?:[་\\s]+${boElement})*)`, 'gu');

// Chinese name contexts: "我叫…", "姓名：…", "联系人…"; a Han name is two or three characters, stopping
// before the little words that usually follow one.
const HAN = '\\p{Script=Han}';
const NAME_STOP = '的是在想要和与跟说反住家从到向对了电手号请，。';
const CN_CONTEXT_NAME = new RegExp(
  `(我叫|我是|本人|姓名|名字叫|名字是|联系人|户主|举报人|投诉人|反映人|当事人|来电人)([\\s:：]*)(${cnElement}+|${HAN}(?:(?![${NAME_STOP}])${HAN}){1,2})`,
  'gu',
);
const CN_HONORIFIC = new RegExp(`(${cnElement}+|${HAN})(?=(?:先生|女士|小姐|师傅|阿姨|大爷|大妈|大姐|大哥|同志|老人|啦))`, 'gu');
const EN_NAME = /\b(?:(?<=(?:[Mm]y name is|I am|I'm|[Nn]ame:|[Cc]ontact:|[Cc]alled)\s+)|(?<=(?:Mr|Mrs|Ms|Miss|Dr)\.?\s+))[A-Z][a-z]+(?:\s+[A-Z][a-z]+){0,2}/g;

const maskGroup = (re: RegExp, text: string, keep: number[]): string =>
  text.replace(re, (...args: unknown[]) => {
    const groups = args.slice(1, -2).filter((g): g is string | undefined => typeof g === 'string' || g === undefined) as (string | undefined)[];
    return keep.map((i) => (i === -1 ? MASK : (groups[i] ?? ''))).join('');
  });

/**
 * The parts of a name the requester gave that people write on their own: the given name of a three-character
 * Han name (王建国 → 建国), each Tibetan element of a Tibetan name (次仁卓嘎 → 卓嘎, ཚེ་རིང་སྒྲོལ་མ → སྒྲོལ་མ).
 */
const namePartsOf = (name: string): string[] => {
  const compact = name.replace(/[\s·•・]/g, '');
  const parts = [
    ...(compact.match(new RegExp(cnElement, 'gu')) ?? []),
    ...(name.match(new RegExp(boElement, 'gu')) ?? []),
  ];
  if (/^\p{Script=Han}{3}$/u.test(compact) && parts.length === 0) parts.push(compact.slice(1));
  return parts;
};

export const maskPersonalData = (text: string, known: KnownPersonalData = {}): string => {
  const names = (known.names ?? []).filter((n): n is string => Boolean(n?.trim()));
  let out = scrubText(text, { ...known, names: [...names, ...names.flatMap(namePartsOf)] });
  out = out.replace(EMAIL, MASK).replace(ID_CARD, MASK);
  out = out.replace(PLATE, MASK);
  out = maskGroup(PLATE_AFTER_WORD, out, [0, 1, -1]);
  out = out.replace(DIGIT_RUN, (match) => (DATE_LIKE.test(match.trim()) ? match : MASK));
  // Names before addresses: a house-number pattern must not split a name context.
  out = out.replace(CN_NAME_RUN, MASK).replace(BO_NAME_RUN, MASK);
  out = maskGroup(CN_CONTEXT_NAME, out, [0, 1, -1]);
  out = out.replace(CN_HONORIFIC, MASK);
  out = maskGroup(BO_NAME_CONTEXT, out, [0, -1]);
  out = out.replace(BO_NAME_HONORIFIC, MASK);
  out = out.replace(EN_NAME, MASK);
  out = maskGroup(CN_HOUSE_WORD, out, [0, 1, -1]);
  out = out.replace(CN_HOUSE, MASK);
  out = maskGroup(BO_HOUSE, out, [0, 1, -1]);
  out = out.replace(BO_HOUSE_AFTER, MASK);
  out = out.replace(EN_HOUSE, (m) => (/^\d/.test(m) ? `${MASK} ` : MASK));
  // Neighbouring masks read as one.
  return out.replace(/\[\*\*\*\](?:[\s·•・-]*\[\*\*\*\])+/g, MASK);
};
