import { normalizeText } from '../../text/tokenize.js';
import { isTibetanSyllableChar } from '../../text/tibetan.js';
import type { QueryTerm } from './search-query.js';
import type { SearchField } from './search-document.js';

/** A highlighted range of `text`, in UTF-16 code units (JavaScript string indices), end exclusive. */
export type Mark = { start: number; end: number };

/** A piece of a case's text with the query's words marked; the client renders the marks, never HTML from us. */
export type Highlight = { field: SearchField; text: string; marks: Mark[] };

/**
 * Our own highlighter rather than ts_headline: PostgreSQL's parser does not segment Chinese and splits
 * Tibetan at every tsheg, so its headlines would mark the wrong spans. We find the query's lexemes in the
 * normalised text (the same normalisation the tokens went through) and map the spans back to the original.
 */
type NormalizedText = { text: string; startOf: number[]; endOf: number[] };

const normalizeWithOffsets = (original: string): NormalizedText => {
  let text = '';
  const startOf: number[] = [];
  const endOf: number[] = [];
  let index = 0;
  for (const ch of original) {
    const normalized = normalizeText(ch);
    for (let k = 0; k < normalized.length; k += 1) {
      startOf.push(index);
      endOf.push(index + ch.length);
    }
    text += normalized;
    index += ch.length;
  }
  return { text, startOf, endOf };
};

type Script = 'han' | 'tibetan' | 'alnum' | 'other';

const HAN_CHAR = /\p{Script=Han}/u;
const ALNUM_CHAR = /[0-9a-z]/;

const scriptOf = (lexeme: string): Script => {
  const first = [...lexeme][0] ?? '';
  if (HAN_CHAR.test(first)) return 'han';
  if (isTibetanSyllableChar(first)) return 'tibetan';
  if (ALNUM_CHAR.test(first)) return 'alnum';
  return 'other';
};

/** Does a character at this position continue a word of this script (so a match here is inside a word)? */
const continuesWord = (script: Script, ch: string | undefined): boolean => {
  if (ch === undefined) return false;
  if (script === 'tibetan') return isTibetanSyllableChar(ch);
  if (script === 'alnum') return ALNUM_CHAR.test(ch);
  return false;
};

type RawMark = Mark & { lexeme: string };

const findTerm = (norm: NormalizedText, term: QueryTerm, out: RawMark[]): void => {
  const { lexeme } = term;
  if (lexeme === '') return;
  const script = scriptOf(lexeme);
  for (let at = norm.text.indexOf(lexeme); at !== -1; at = norm.text.indexOf(lexeme, at + 1)) {
    let end = at + lexeme.length;
    if (continuesWord(script, norm.text[at - 1])) continue;
    if (continuesWord(script, norm.text[end])) {
      if (!term.isPrefix) continue;
      // A prefix marks the whole word it begins.
      while (continuesWord(script, norm.text[end])) end += 1;
    }
    const start = norm.startOf[at];
    const stop = norm.endOf[end - 1];
    if (start !== undefined && stop !== undefined) out.push({ start, end: stop, lexeme });
  }
};

const mergeMarks = (marks: readonly Mark[]): Mark[] => {
  const sorted = [...marks].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Mark[] = [];
  for (const m of sorted) {
    const last = merged[merged.length - 1];
    if (last && m.start <= last.end) last.end = Math.max(last.end, m.end);
    else merged.push({ start: m.start, end: m.end });
  }
  return merged;
};

const rawMarks = (text: string, terms: readonly QueryTerm[]): RawMark[] => {
  const norm = normalizeWithOffsets(text);
  const out: RawMark[] = [];
  for (const term of terms) findTerm(norm, term, out);
  return out;
};

/** Every occurrence of the query's words in `text`, merged into non-overlapping marks. */
export const markTerms = (text: string, terms: readonly QueryTerm[]): Mark[] => mergeMarks(rawMarks(text, terms));

const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** Moves an index off the middle of a surrogate pair. */
const safeIndex = (text: string, index: number): number =>
  index > 0 && index < text.length && isLowSurrogate(text.charCodeAt(index)) ? index - 1 : index;

const ELLIPSIS = '…';

/**
 * The part of `text` (at most `maxLength` characters) that holds the most distinct query words, with
 * their marks; null when no word occurs. Short texts come back whole.
 */
export const snippetOf = (field: SearchField, text: string, terms: readonly QueryTerm[], maxLength = 80): (Highlight & { hits: number }) | null => {
  const found = rawMarks(text, terms);
  if (found.length === 0) return null;
  if (text.length <= maxLength) {
    return { field, text, marks: mergeMarks(found), hits: new Set(found.map((m) => m.lexeme)).size };
  }
  // Try a window starting a little before each occurrence; keep the one covering the most distinct words.
  const lead = Math.floor(maxLength / 5);
  let best = { start: 0, hits: -1 };
  for (const m of found) {
    const start = Math.max(0, Math.min(m.start - lead, text.length - maxLength));
    const hits = new Set(found.filter((f) => f.start >= start && f.end <= start + maxLength).map((f) => f.lexeme)).size;
    if (hits > best.hits) best = { start, hits };
  }
  const start = safeIndex(text, best.start);
  const end = safeIndex(text, Math.min(text.length, start + maxLength));
  const prefix = start > 0 ? ELLIPSIS : '';
  const suffix = end < text.length ? ELLIPSIS : '';
  const marks = mergeMarks(found.filter((f) => f.start >= start && f.end <= end)).map((m) => ({
    start: m.start - start + prefix.length,
    end: m.end - start + prefix.length,
  }));
  return { field, text: `${prefix}${text.slice(start, end)}${suffix}`, marks, hits: best.hits };
};

export type HighlightSource = {
  title: string;
  description: string;
  address: string | null;
  replies: readonly string[];
  notes: readonly { text: string; isInternal: boolean }[];
};

/**
 * The title with its marks, then up to `max` snippets from the other fields, best first. Internal notes
 * are only looked at when the reader may see them: a snippet must never leak what the index hid.
 */
export const highlightCase = (
  source: HighlightSource,
  terms: readonly QueryTerm[],
  options: { includeInternal: boolean; max?: number },
): Highlight[] => {
  const title: Highlight = { field: 'title', text: source.title, marks: markTerms(source.title, terms) };
  const candidates = [
    snippetOf('description', source.description, terms),
    ...source.replies.map((text) => snippetOf('reply', text, terms)),
    ...source.notes.filter((n) => options.includeInternal || !n.isInternal).map((n) => snippetOf('note', n.text, terms)),
    source.address ? snippetOf('address', source.address, terms) : null,
  ].filter((c): c is Highlight & { hits: number } => c !== null);
  // Stable sort: among equals, the field order above (description before replies before notes) wins.
  const snippets = candidates
    .map((c, order) => ({ c, order }))
    .sort((a, b) => b.c.hits - a.c.hits || a.order - b.order)
    .slice(0, options.max ?? 2)
    .map(({ c }) => ({ field: c.field, text: c.text, marks: c.marks }));
  return [title, ...snippets];
};
