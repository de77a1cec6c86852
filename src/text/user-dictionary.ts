import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { normalizeText } from './normalize.js';
import { isTibetanSyllableChar, TIBETAN_SYLLABLE_CLASS } from './tibetan.js';

/**
 * Domain words that must stay whole. Jieba's general dictionary splits office abbreviations (人社局 → 人/社局)
 * and place names it has never seen (那曲市色尼区), which then neither match a search for the office nor give
 * the classifier its most telling feature.
 */
export const DEFAULT_USER_WORDS: readonly string[] = [
  // Hotlines: the numbers are how citizens name the service.
  '12345',
  '12351',
  '12333',
  '12369',
  '12315',
  '12320',
  '12328',
  '12358',
  '12365',
  '12366',
  // Labour disputes, the commonest complaint to the trade unions.
  '欠薪',
  '拖欠工资',
  '讨薪',
  '农民工工资',
  // Units and their usual abbreviations.
  '自治区',
  '总工会',
  '人社局',
  '人社厅',
  '住建局',
  '住建厅',
  '市场监管局',
  '生态环境局',
  '卫健委',
  '信访局',
  '城管局',
  '交通运输局',
  '教育局',
  '医保局',
  '自然资源局',
  '应急管理局',
  '民政局',
  '文旅局',
  '公安局',
  '乡镇人民政府',
  '街道办事处',
  '居委会',
  '村委会',
  // Prefecture-level units of the region; counties are better added from the unit directory at start-up.
  '拉萨市',
  '日喀则市',
  '昌都市',
  '林芝市',
  '山南市',
  '那曲市',
  '阿里地区',
];

/**
 * Comparable to common dictionary words (自治区 is about 14 000): high enough that jieba prefers the user
 * word to any split of it, without swallowing neighbouring characters that form better words.
 */
const USER_WORD_FREQUENCY = 20_000;

const HAN_ONLY = /^\p{Script=Han}+$/u;
const WHITE_SPACE = /\s/u;
const ALNUM = /[0-9a-z]/;
const TRAILING_TIBETAN_PUNCTUATION = /[\u0f0b-\u0f14]+$/u;

const userWords = new Set<string>();
/** Words jieba cannot hold (digits, Latin, Tibetan): matched by a regular expression before segmentation. */
const protectedWords = new Set<string>();
let jieba: Jieba | null = null;
let protectedSource = '';
let protectedVersion = 0;

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

/** Boundaries so that a protected word never matches inside a longer number, Latin word or syllable. */
const guardFor = (ch: string, side: 'before' | 'after'): string => {
  let cls = '';
  if (ALNUM.test(ch)) cls = '0-9a-z';
  else if (isTibetanSyllableChar(ch)) cls = TIBETAN_SYLLABLE_CLASS;
  if (cls === '') return '';
  return side === 'before' ? `(?<![${cls}])` : `(?![${cls}])`;
};

const rebuildProtectedPattern = (): void => {
  // Longest first, so that 12345热线 wins over 12345 at the same position.
  const words = [...protectedWords].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  const alternatives = words.map((word) => {
    const chars = [...word];
    return `${guardFor(chars[0] ?? '', 'before')}${escapeRegExp(word)}${guardFor(chars[chars.length - 1] ?? '', 'after')}`;
  });
  protectedSource = alternatives.join('|');
  protectedVersion += 1;
};

const toDictLines = (words: readonly string[]): Buffer =>
  Buffer.from(words.map((word) => `${word} ${USER_WORD_FREQUENCY} n`).join('\n'));

const normalizeUserWord = (raw: string): string => {
  const word = normalizeText(raw).trim().replace(TRAILING_TIBETAN_PUNCTUATION, '');
  if (word === '') throw new RangeError('A user word must not be empty.');
  if (WHITE_SPACE.test(word))
    throw new RangeError(`A user word must not contain white space: ${JSON.stringify(raw)}`);
  return word;
};

/**
 * Adds domain words (unit names, hotlines, jargon) that tokenisation must keep whole, in Chinese, Tibetan,
 * digits or a mix. Idempotent; takes effect for every later call of the tokenisers in this process.
 * Throws a RangeError for an empty word or one with white space inside (jieba's dictionary format is
 * space-separated).
 */
export const addUserWords = (words: Iterable<string>): void => {
  // Validate all before adding any: a bad word in a list leaves the dictionary as it was.
  const normalized = [...words].map(normalizeUserWord);
  const newHan: string[] = [];
  let isProtectedChanged = false;
  for (const word of normalized) {
    if (userWords.has(word)) continue;
    userWords.add(word);
    if (HAN_ONLY.test(word)) newHan.push(word);
    else {
      protectedWords.add(word);
      isProtectedChanged = true;
    }
  }
  if (jieba !== null && newHan.length > 0) jieba.loadDict(toDictLines(newHan));
  if (isProtectedChanged) rebuildProtectedPattern();
};

/** Every user word in force, normalised, in the order added; a trained model records them. */
export const listUserWords = (): string[] => [...userWords];

/** The segmenter, built on first use: loading the dictionary takes about 150 ms. */
export const getJieba = (): Jieba => {
  if (jieba === null) {
    const instance = Jieba.withDict(dict);
    const han = [...userWords].filter((word) => HAN_ONLY.test(word));
    if (han.length > 0) instance.loadDict(toDictLines(han));
    jieba = instance;
  }
  return jieba;
};

/**
 * The regular-expression source (for the `u` flag) matching any protected user word, empty if there is none;
 * the version changes whenever the source does, so callers can cache what they compile from it.
 */
export const getProtectedWords = (): { source: string; version: number } => ({
  source: protectedSource,
  version: protectedVersion,
});

addUserWords(DEFAULT_USER_WORDS);
