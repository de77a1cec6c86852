import { normalizeText } from './normalize.js';
import { syllableBigrams, tibetanClausesOfNormalized } from './tibetan.js';
import { getJieba, getProtectedWords } from './user-dictionary.js';

export { addUserWords, DEFAULT_USER_WORDS, listUserWords } from './user-dictionary.js';
export { normalizeText } from './normalize.js';
export { TIBETAN_BIGRAM_JOINER } from './tibetan.js';

/**
 * `search` favours recall: jieba's search mode (拖欠工资 and 拖欠, 工资), Tibetan syllables and bigrams, a phone
 * number whole and in its groups. `feature` favours clean counts for the classifier: jieba's precise mode,
 * Tibetan syllables once, and long numbers reduced to their shape, since a caller's phone number says nothing
 * about the department.
 */
export type TokenMode = 'search' | 'feature';

const MOBILE = String.raw`(?:\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]{4}){2}`;
const LANDLINE = String.raw`0[0-9]{2,3}-[0-9]{7,8}`;
/** Numbers this long are identifiers (phone, ID card, account), not quantities. */
const IDENTIFIER_DIGITS = 7;

const SCANNER = new RegExp(
  [
    `(?<![0-9])(?<phone>${MOBILE}|${LANDLINE})(?![0-9])`,
    // A letter somewhere makes it a word (a3, 4s, covid19); otherwise a number, possibly with decimals.
    String.raw`(?<latin>[0-9]*[a-z][0-9a-z]*)`,
    String.raw`(?<num>[0-9]+(?:\.[0-9]+)?)`,
    String.raw`(?<han>\p{Script=Han}+)`,
    // Tibetan runs may contain spaces and hyphens: segmented text puts them between words of one clause.
    String.raw`(?<tibetan>[\u0f00-\u0fff](?:[\u0f00-\u0fff\s\-]*[\u0f00-\u0fff])?)`,
  ].join('|'),
  'gu',
);

let protectedPattern: RegExp | null = null;
let protectedVersion = -1;

const getProtectedPattern = (): RegExp | null => {
  const { source, version } = getProtectedWords();
  if (version !== protectedVersion) {
    protectedPattern = source === '' ? null : new RegExp(source, 'gu');
    protectedVersion = version;
  }
  return protectedPattern;
};

const phoneTokens = (raw: string, mode: TokenMode): string[] => {
  let digits = raw.replace(/[^0-9]/g, '');
  // +86 138 … and 138 … are the same telephone.
  if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  if (mode === 'feature') return [`#num${digits.length}`];
  const groups = raw.split(/[- ]/).filter((group) => /^[0-9]+$/.test(group) && group !== '86');
  return [digits, ...groups.filter((group) => group !== digits)];
};

const numberToken = (num: string, mode: TokenMode): string =>
  mode === 'feature' && num.length >= IDENTIFIER_DIGITS && !num.includes('.') ? `#num${num.length}` : num;

const tibetanTokens = (run: string, mode: TokenMode): string[] => {
  const tokens: string[] = [];
  for (const clause of tibetanClausesOfNormalized(run)) {
    tokens.push(...clause);
    if (mode === 'search') tokens.push(...syllableBigrams(clause));
  }
  return tokens;
};

/**
 * Scans non-Chinese tokens directly; a run of Chinese characters is left as its index in `hanRuns`, so that
 * all of a text's runs go to jieba in one call (see `resolveHan`).
 */
const scanTokens = (text: string, mode: TokenMode, out: (string | number)[], hanRuns: string[]): void => {
  for (const match of text.matchAll(SCANNER)) {
    const groups = match.groups ?? {};
    if (groups.phone !== undefined) out.push(...phoneTokens(groups.phone, mode));
    else if (groups.latin !== undefined) out.push(groups.latin);
    else if (groups.num !== undefined) out.push(numberToken(groups.num, mode));
    else if (groups.han !== undefined) {
      out.push(hanRuns.length);
      hanRuns.push(groups.han);
    } else if (groups.tibetan !== undefined) out.push(...tibetanTokens(groups.tibetan, mode));
  }
};

const cutRun = (run: string, mode: TokenMode): string[] =>
  mode === 'search' ? getJieba().cutForSearch(run, true) : getJieba().cut(run, true);

/**
 * Segments every Chinese run and puts the words in place of the run indices. The runs are joined by line
 * breaks into one jieba call: a message has some forty runs between its punctuation, and one native call
 * instead of forty saves a third of the tokenising time. Jieba never joins across a line break and returns
 * each one as a token of its own, which is where the runs are split apart again.
 */
const resolveHan = (
  out: readonly (string | number)[],
  hanRuns: readonly string[],
  mode: TokenMode,
): string[] => {
  if (hanRuns.length === 0) return out as string[];
  const words: string[][] = hanRuns.map(() => []);
  let run = 0;
  for (const token of cutRun(hanRuns.join('\n'), mode)) {
    if (token === '\n') run += 1;
    else words[run]?.push(token);
  }
  const tokens: string[] = [];
  const isSplitAsExpected = run === hanRuns.length - 1;
  for (const item of out) {
    if (typeof item === 'string') tokens.push(item);
    else tokens.push(...(isSplitAsExpected ? (words[item] ?? []) : cutRun(hanRuns[item] ?? '', mode)));
  }
  return tokens;
};

const plainTokens = (text: string, mode: TokenMode): string[] => {
  const out: (string | number)[] = [];
  const hanRuns: string[] = [];
  scanTokens(text, mode, out, hanRuns);
  return resolveHan(out, hanRuns, mode);
};

/**
 * User words that jieba cannot hold (with digits, Latin or Tibetan) are cut out first, so that no later rule
 * (a digit run, a Tibetan clause) can split them; the text between them is scanned as usual.
 */
const tokensOfNormalized = (text: string, mode: TokenMode): string[] => {
  const out: (string | number)[] = [];
  const hanRuns: string[] = [];
  const pattern = getProtectedPattern();
  let start = 0;
  if (pattern !== null) {
    for (const match of text.matchAll(pattern)) {
      scanTokens(text.slice(start, match.index), mode, out, hanRuns);
      const word = match[0];
      out.push(word);
      // A search for 热线 should still find 12345热线.
      if (mode === 'search') out.push(...plainTokens(word, mode).filter((part) => part !== word));
      start = match.index + word.length;
    }
  }
  scanTokens(text.slice(start), mode, out, hanRuns);
  return resolveHan(out, hanRuns, mode);
};

/**
 * Search tokens in text order, repeats kept (term frequencies): Chinese in jieba search mode, Tibetan
 * syllables and syllable bigrams, numbers and lower-cased Latin words; punctuation dropped.
 */
export const tokenize = (text: string): string[] => tokensOfNormalized(normalizeText(text), 'search');

/** The distinct search tokens in order of first occurrence: the lexemes of a tsvector (`array_to_tsvector`). */
export const searchTokens = (text: string): string[] => [...new Set(tokenize(text))];

/**
 * Word-level tokens for the classifier, in text order: Chinese in jieba precise mode, Tibetan syllables
 * (the classifier builds bigrams itself), numbers of seven or more digits as a shape such as `#num11`.
 */
export const featureTokens = (text: string): string[] => tokensOfNormalized(normalizeText(text), 'feature');
