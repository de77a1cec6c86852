import { normalizeText } from './normalize.js';

/**
 * Tibetan marks its syllable boundaries (tsheg) but not its word boundaries, and no segmenter we can ship
 * knows the vocabulary of local administration. Syllables plus adjacent-syllable bigrams recover most
 * two-syllable words (ལས་ཁུངས, office) without one, for search and for the classifier alike.
 */

/** Joins the two syllables of a bigram: the bigram then reads exactly as the written two-syllable word. */
export const TIBETAN_BIGRAM_JOINER = '\u0f0b';

/** The letters and combining signs of the Tibetan block (its `L` and `M` characters): the stuff of syllables. */
const SYLLABLE_RANGES: readonly (readonly [number, number])[] = [
  [0x0f00, 0x0f00],
  [0x0f18, 0x0f19],
  [0x0f35, 0x0f35],
  [0x0f37, 0x0f37],
  [0x0f39, 0x0f39],
  [0x0f3e, 0x0f6c],
  [0x0f71, 0x0f84],
  [0x0f86, 0x0fbc],
  [0x0fc6, 0x0fc6],
];

const escapeCode = (code: number): string => `\\u${code.toString(16).padStart(4, '0')}`;

/** The same characters as the body of a regular-expression class, for patterns built elsewhere. */
export const TIBETAN_SYLLABLE_CLASS = SYLLABLE_RANGES.map(([first, last]) =>
  first === last ? escapeCode(first) : `${escapeCode(first)}-${escapeCode(last)}`,
).join('');

const TIBETAN_FIRST = 0x0f00;
const TIBETAN_LAST = 0x0fff;
/**
 * tsheg, non-breaking tsheg, spaces and the hyphen the segmented corpora put before particles. A line break
 * is not among them: it ends a clause like a shad, since titles and list items often omit the shad.
 */
const SYLLABLE_SEPARATOR = /[\u0f0b\u0f0c \t\u00a0\u2010-]/u;

/** A letter or combining sign of the Tibetan block: part of a syllable, as opposed to its punctuation. */
export const isTibetanSyllableChar = (ch: string): boolean => {
  const code = ch.codePointAt(0) ?? 0;
  if (code < TIBETAN_FIRST || code > TIBETAN_LAST) return false;
  return SYLLABLE_RANGES.some(([first, last]) => code >= first && code <= last);
};

/**
 * Syllables of already normalised text, grouped by clause: shad (U+0F0D–U+0F12), gter tsheg (U+0F14),
 * head marks, line breaks and any non-Tibetan character end a clause, so that no bigram spans a sentence break.
 */
export const tibetanClausesOfNormalized = (normalized: string): string[][] => {
  const clauses: string[][] = [];
  let clause: string[] = [];
  let syllable = '';
  const endSyllable = (): void => {
    if (syllable !== '') clause.push(syllable);
    syllable = '';
  };
  const endClause = (): void => {
    endSyllable();
    if (clause.length > 0) clauses.push(clause);
    clause = [];
  };
  for (const ch of normalized) {
    if (isTibetanSyllableChar(ch)) syllable += ch;
    else if (SYLLABLE_SEPARATOR.test(ch)) endSyllable();
    else endClause();
  }
  endClause();
  return clauses;
};

/** Adjacent-syllable bigrams, joined with a tsheg. */
export const syllableBigrams = (syllables: readonly string[]): string[] => {
  const bigrams: string[] = [];
  for (let i = 1; i < syllables.length; i += 1)
    bigrams.push(`${syllables[i - 1]}${TIBETAN_BIGRAM_JOINER}${syllables[i]}`);
  return bigrams;
};

/** Tibetan syllables of any text, in order, punctuation dropped. */
export const tibetanSyllables = (text: string): string[] =>
  tibetanClausesOfNormalized(normalizeText(text)).flat();
