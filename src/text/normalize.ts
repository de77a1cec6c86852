/**
 * Normalisation shared by search and classification, so that the same request typed on a phone (full-width
 * digits, Tibetan digits, a non-NFC input method) and on a desktop keyboard produces the same tokens.
 */

const FULL_WIDTH_FIRST = 0xff01;
const FULL_WIDTH_LAST = 0xff5e;
const FULL_TO_HALF_OFFSET = 0xfee0;
const IDEOGRAPHIC_SPACE = 0x3000;
const TIBETAN_DIGIT_ZERO = 0x0f20;
const TIBETAN_DIGIT_NINE = 0x0f29;

/**
 * U+0F77 and U+0F79 only have compatibility decompositions, so NFC leaves them alone; Unicode deprecates
 * them and input methods still emit them, and a syllable typed either way must match. The non-breaking
 * tsheg (U+0F0C) differs from the tsheg only in line breaking, so a user word or query written with it
 * must still match.
 */
const TIBETAN_VARIANTS: ReadonlyMap<string, string> = new Map([
  ['\u0f77', '\u0fb2\u0f71\u0f80'],
  ['\u0f79', '\u0fb3\u0f71\u0f80'],
  ['\u0f0c', '\u0f0b'],
]);

/** Full-width ASCII forms (Ａ１，) to their ASCII counterparts and the ideographic space to a space. */
export const toHalfWidth = (text: string): string => {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= FULL_WIDTH_FIRST && code <= FULL_WIDTH_LAST)
      out += String.fromCodePoint(code - FULL_TO_HALF_OFFSET);
    else if (code === IDEOGRAPHIC_SPACE) out += ' ';
    else out += ch;
  }
  return out;
};

/**
 * NFC, full-width → half-width, Tibetan digits → ASCII digits (a phone number is the same number in either
 * script), deprecated Tibetan vowel signs expanded, non-breaking tsheg → tsheg, lower case. Idempotent.
 */
export const normalizeText = (text: string): string => {
  let out = '';
  for (const ch of toHalfWidth(text.normalize('NFC'))) {
    const code = ch.codePointAt(0) ?? 0;
    if (code >= TIBETAN_DIGIT_ZERO && code <= TIBETAN_DIGIT_NINE) out += String(code - TIBETAN_DIGIT_ZERO);
    else out += TIBETAN_VARIANTS.get(ch) ?? ch;
  }
  // Expanding a vowel can create a sequence NFC would reorder; normalise once more.
  return out.normalize('NFC').toLowerCase();
};
