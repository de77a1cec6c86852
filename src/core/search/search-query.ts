import { isValidTrackingNo, normaliseTrackingNo } from '../case/tracking-number.js';
import { normalizeText, tokenize } from '../../text/tokenize.js';
import { isTibetanSyllableChar } from '../../text/tibetan.js';

/** A word to highlight; a prefix term also marks the rest of the word it begins. */
export type QueryTerm = { lexeme: string; isPrefix: boolean };

export type ParsedQuery =
  | { kind: 'empty' }
  | { kind: 'tracking'; trackingNo: string }
  | {
      kind: 'text';
      /** A tsquery literal, cast with `::tsquery`: every word of the query, ANDed. */
      tsquery: string;
      /**
       * For a query with Tibetan phrases: the same with their syllables ANDed in any order, tried when the
       * phrases match nothing (a user may type two words without a space between). Null otherwise.
       */
      relaxedTsquery: string | null;
      terms: QueryTerm[];
      /**
       * For estimating how many documents match: per ANDed clause, its alternatives, each the lexemes it
       * needs together (a prefix counted as its word alone).
       */
      clauses: string[][][];
      /** The trimmed query for trigram matching of addresses and names (typos, partial names). */
      fuzzyText: string;
    };

/**
 * Function words that nearly every message contains: ANDing them adds no precision and costs a long
 * posting list. Dropped from a query unless it consists of nothing else.
 */
const STOP_WORDS: ReadonlySet<string> = new Set([
  '的', '了', '是', '在', '和', '与', '及', '或', '也', '就', '都', '而', '之', '把', '被', '我', '你', '他', '她', '它',
  '我们', '你们', '他们', '这', '那', '这个', '那个', '吗', '呢', '吧', '啊', '呀', '有', '请', '对', '为', '从', '给',
  '让', '着', '过', '得', '地', '个', '一', '不', '没', '没有', '已', '已经', '要', '会', '能', '说',
  // Tibetan case particles and connectives.
  'གི', 'ཀྱི', 'གྱི', 'འི', 'ཡི', 'གིས', 'ཀྱིས', 'གྱིས', 'ཡིས', 'ནས', 'དང', 'ལ', 'ར', 'སུ', 'ཏུ', 'དུ', 'ན', 'རུ', 'ཡང', 'འང',
  'ཀྱང', 'ནི', 'པ', 'བ', 'མ', 'དེ', 'འདི', 'ཡིན', 'རེད', 'འདུག', 'ཡོད', 'མེད', 'བྱས',
]);

export const isStopWord = (token: string): boolean => STOP_WORDS.has(token);

/**
 * An estimate of the documents matching a parsed query, from document frequencies. A clause matches at
 * most the sum over its alternatives of the rarest lexeme each needs (a prefix counted as its word alone).
 * Clauses are ANDed: the rarest clause, scaled by the square root of each other clause's share of the
 * documents, halfway between "the words always come together" and "independently". Infinity when nothing
 * is known. Frequencies count titles and descriptions; callers allow for replies and notes.
 */
export const estimateMatches = (clauses: readonly (readonly (readonly string[])[])[], df: (lexeme: string) => number, documents: number): number => {
  const estimates: number[] = [];
  for (const alternatives of clauses) {
    let clauseBound = 0;
    for (const lexemes of alternatives) {
      if (lexemes.length === 0) {
        clauseBound = Number.POSITIVE_INFINITY;
        break;
      }
      clauseBound += Math.min(...lexemes.map(df));
    }
    if (Number.isFinite(clauseBound)) estimates.push(clauseBound);
  }
  if (estimates.length === 0) return Number.POSITIVE_INFINITY;
  estimates.sort((a, b) => a - b);
  const [rarest = 0, ...others] = estimates;
  return others.reduce((estimate, e) => estimate * Math.sqrt(Math.min(1, e / Math.max(1, documents))), rarest);
};

/** A query of more clauses than this is a pasted text: ANDing all of them would find nothing. */
const MAX_CLAUSES = 12;
/** Bigrams of a longer run make a query too long to be useful as a phrase; its words still match. */
const MAX_RUN_BIGRAMS = 16;
const HAN = /\p{Script=Han}/u;
const HAN_RUN = /\p{Script=Han}+/gu;
/** The user is still typing the last word unless the query ends in a space or punctuation. */
const ENDS_WORD = /[\s\p{P}\u0f0d-\u0f14]$/u;

const quote = (lexeme: string): string => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

const chars = (text: string): string[] => [...text];
const bigramsOf = (run: string): string[] => {
  const c = chars(run);
  const out: string[] = [];
  for (let i = 1; i < c.length; i += 1) out.push(`${c[i - 1]}${c[i]}`);
  return out;
};

/** Keeps the longest tokens: a shorter one inside a longer one is implied (拖欠 by 拖欠工资, a syllable by its bigram). */
const longestOf = (tokens: readonly string[]): string[] =>
  tokens.filter((t) => !tokens.some((other) => other !== t && other.length > t.length && other.includes(t)));

/**
 * Splits a long Chinese word into the shorter words the search-mode tokens found inside it (农民工工资 →
 * 农民工 + 工资), longest first from the left, so that 农民工的工资 matches too.
 */
const coverOf = (word: string, parts: readonly string[]): string[] => {
  const inside = parts.filter((p) => p !== word && chars(p).length >= 2 && word.includes(p));
  const cover: string[] = [];
  let i = 0;
  while (i < word.length) {
    let best = '';
    for (const p of inside) if (p.length > best.length && word.startsWith(p, i)) best = p;
    if (best === '') i += 1;
    else {
      cover.push(best);
      i += best.length;
    }
  }
  return cover;
};

/** A clause of the query, the items it contributes to the relaxed query (ANDed, duplicates dropped), its alternatives' lexemes. */
type Clause = { strict: string; relaxed: string[]; alternatives: string[][] };

const isTibetanToken = (token: string): boolean => isTibetanSyllableChar(chars(token)[0] ?? '');

/** A Chinese run: its words ANDed (in any order, any distance), or its characters adjacent as typed. */
const hanClause = (run: string, tokens: readonly string[], isTyping: boolean): Clause | null => {
  const inRun = tokens.filter((t) => HAN.test(t) && run.includes(t));
  const meaningful = inRun.filter((t) => !isStopWord(t));
  if (meaningful.length === 0 && isStopWord(run)) return null;
  const words = longestOf([...new Set(meaningful.length > 0 ? meaningful : inRun)]);
  /** The words, whose frequencies estimate the matches. */
  const plainWords: string[] = [];
  const wordParts = words.map((word, index) => {
    // A Chinese word is never matched as a prefix: every text holding a word's characters holds their
    // bigrams, so a word still being typed is found through them (拖欠工 → 欠工), and a prefix would make
    // the index merge the posting lists of every longer word first (four times slower on common words).
    const cover = chars(word).length >= 3 ? coverOf(word, inRun) : [];
    // The word's own frequency stands for the estimate: its parts apart add a few matches, not their own
    // frequency (common parts would make a rare word look common).
    plainWords.push(word);
    if (cover.length >= 2) return `( ${quote(word)} | ${cover.map(quote).join(' & ')} )`;
    const typed = isTyping && index === words.length - 1 && chars(word).length >= 3 ? [...new Set(bigramsOf(word))] : [];
    if (typed.length >= 2) return `( ${quote(word)} | ${typed.map(quote).join(' & ')} )`;
    return quote(word);
  });
  const bigrams = bigramsOf(run);
  const alternatives: string[] = [];
  if (wordParts.length > 0) alternatives.push(wordParts.join(' & '));
  if (bigrams.length >= 2 && bigrams.length <= MAX_RUN_BIGRAMS) alternatives.push([...new Set(bigrams)].map(quote).join(' & '));
  if (alternatives.length === 0) alternatives.push(quote(run));
  const strict = alternatives.length === 1 ? (alternatives[0] ?? '') : `( ${alternatives.map((a) => `( ${a} )`).join(' | ')} )`;
  const lexemeSets: string[][] = [];
  if (wordParts.length > 0) lexemeSets.push(plainWords);
  if (bigrams.length >= 2 && bigrams.length <= MAX_RUN_BIGRAMS) lexemeSets.push([...new Set(bigrams)]);
  if (lexemeSets.length === 0) lexemeSets.push([run]);
  return { strict, relaxed: [strict], alternatives: lexemeSets };
};

/**
 * Parses what a user typed into a search box. A valid tracking number (spaces and dashes allowed) is
 * looked up directly. Otherwise every space-separated part contributes clauses, all ANDed: a run of
 * Chinese its words or its characters (see hanClause), a Tibetan phrase its syllable bigrams, a number or
 * Latin word itself. The last word, if it is not Chinese, matches as a prefix while the user is still typing
 * it (a Chinese word is matched through its bigrams, see hanClause).
 */
export const parseSearchQuery = (raw: string): ParsedQuery => {
  const text = raw.trim();
  if (text === '') return { kind: 'empty' };
  const digits = normaliseTrackingNo(text);
  if (isValidTrackingNo(digits)) return { kind: 'tracking', trackingNo: digits };

  const isTyping = !ENDS_WORD.test(normalizeText(raw));
  const parts = text.split(/\s+/u).filter(Boolean);
  const clauses: Clause[] = [];
  const terms = new Map<string, QueryTerm>();
  let hasTibetanPhrase = false;
  for (const [partIndex, part] of parts.entries()) {
    const isLastPart = partIndex === parts.length - 1;
    const tokens = tokenize(part);
    const runs = [...normalizeText(part).matchAll(HAN_RUN)].map((m) => m[0]);
    const meaningfulOthers = tokens.filter((t) => !HAN.test(t) && !isStopWord(t));
    const others = longestOf([...new Set(meaningfulOthers.length > 0 ? meaningfulOthers : tokens.filter((t) => !HAN.test(t)))]);
    for (const t of tokens) if (!isStopWord(t) || tokens.every(isStopWord)) terms.set(t, { lexeme: t, isPrefix: false });
    for (const run of runs) for (const b of bigramsOf(run)) if (!terms.has(b)) terms.set(b, { lexeme: b, isPrefix: false });

    // Which token is typed last decides where the prefix goes: the part's last Chinese run or other token.
    const normalized = normalizeText(part);
    const lastRun = runs[runs.length - 1];
    const lastOther = others[others.length - 1];
    const isRunLast = lastRun !== undefined && (lastOther === undefined || normalized.lastIndexOf(lastRun) > normalized.lastIndexOf(lastOther.split('་')[0] ?? lastOther));
    for (const [i, run] of runs.entries()) {
      const clause = hanClause(run, tokens, isTyping && isLastPart && isRunLast && i === runs.length - 1);
      if (clause) clauses.push(clause);
    }
    for (const [i, token] of others.entries()) {
      const isPrefix = isTyping && isLastPart && !isRunLast && i === others.length - 1;
      const prefix = isPrefix ? ':*' : '';
      if (isPrefix) terms.set(token, { lexeme: token, isPrefix: true });
      let relaxed = [`${quote(token)}${prefix}`];
      if (isTibetanToken(token) && token.includes('་')) {
        hasTibetanPhrase = true;
        const syllables = token.split('་').filter((syllable) => !isStopWord(syllable)).map(quote);
        if (syllables.length > 0) relaxed = syllables.map((q, k) => (k === syllables.length - 1 ? `${q}${prefix}` : q));
      }
      clauses.push({ strict: `${quote(token)}${prefix}`, relaxed, alternatives: [[token]] });
    }
  }
  if (clauses.length === 0) return { kind: 'empty' };
  const kept = clauses.slice(0, MAX_CLAUSES);
  const strict = kept.map((c) => c.strict).join(' & ');
  const relaxed = hasTibetanPhrase ? [...new Set(kept.flatMap((c) => c.relaxed))].join(' & ') : null;
  return {
    kind: 'text',
    tsquery: strict,
    relaxedTsquery: relaxed === strict ? null : relaxed,
    terms: [...terms.values()],
    clauses: kept.map((c) => c.alternatives),
    fuzzyText: text.slice(0, 100),
  };
};
