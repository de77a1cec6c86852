import { normalizeText, tokenize } from '../../text/tokenize.js';

/** Where a piece of a case's text comes from; it decides the weight of its words in the ranking. */
export type SearchField = 'title' | 'description' | 'reply' | 'note' | 'address';
export type SearchWeight = 'A' | 'B' | 'C' | 'D';

export const FIELD_WEIGHTS: Readonly<Record<SearchField, SearchWeight>> = {
  title: 'A',
  description: 'B',
  reply: 'C',
  note: 'C',
  address: 'D',
};

/** The searchable text of one case, as read from the case row and its timeline. */
/**
 * What a search can filter by, held in the documents as marker lexemes (`§sclosed`, `§c<category id>`,
 * `§u<unit id>` …) next to the week: the word index then applies status, category, channel, kind and the
 * unit scope together with the words, and only the final matches are read from the table.
 */
export type CaseFacets = { status: string; categoryId: string | null; channel: string; kind: string; unitIds: readonly string[] };

export const facetLexemes = (f: CaseFacets): string[] => [
  `§s${f.status}`,
  ...(f.categoryId ? [`§c${f.categoryId}`] : []),
  `§h${f.channel}`,
  `§k${f.kind}`,
  ...f.unitIds.map((id) => `§u${id}`),
];

export type CaseSearchSource = {
  createdAt: Date;
  facets: CaseFacets;
  title: string;
  description: string;
  address: string | null;
  /** Replies to the requester (current and earlier rounds). */
  replies: readonly string[];
  /** Notes, contributions and supervision answers; internal ones only ever reach staff. */
  notes: readonly { text: string; isInternal: boolean }[];
};

export type TokenizedField = { field: SearchField; tokens: readonly string[] };

export type CaseDocuments = {
  /** tsvector literal of everything a reader of the case may see, internal notes excepted. */
  document: string;
  /** The same plus internal notes; null when the case has none (most cases), to keep that index small. */
  documentWithInternal: string | null;
  /** Distinct lexemes of title and description: the vocabulary duplicate detection compares. */
  requestLexemes: string[];
};

/** PostgreSQL refuses positions above this; later tokens share it, which only blurs their proximity. */
const MAX_POSITION = 16383;
/**
 * Cover density ranking needs some positions, not all: a word said forty times in a long description
 * ranks no better for its fortieth. Keeping a few keeps most documents small enough to stay out of TOAST.
 */
const MAX_POSITIONS_PER_LEXEME = 8;
/** A gap between fields, so that a phrase cover never runs from the end of the title into the address. */
const FIELD_GAP = 8;
/** Longer tokens are noise (pasted URLs, base64); PostgreSQL's own limit is 2 KB per lexeme. */
const MAX_LEXEME_LENGTH = 64;

const quoteLexeme = (lexeme: string): string => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * A tsvector literal from tokens in text order, built here rather than by to_tsvector: PostgreSQL's text
 * parser would split our Tibetan bigrams at the tsheg and our joined phone numbers at their dashes.
 */
export const tsvectorLiteral = (fields: readonly TokenizedField[], markers: readonly string[] = []): string => {
  const positions = new Map<string, string[]>();
  let position = 1;
  for (const { field, tokens } of fields) {
    if (tokens.length === 0) continue;
    const weight = FIELD_WEIGHTS[field];
    for (const token of tokens) {
      if (token.length === 0 || token.length > MAX_LEXEME_LENGTH) continue;
      let list = positions.get(token);
      if (!list) {
        list = [];
        positions.set(token, list);
      }
      if (list.length < MAX_POSITIONS_PER_LEXEME) list.push(`${Math.min(position, MAX_POSITION)}${weight === 'D' ? '' : weight}`);
      position += 1;
    }
    position += FIELD_GAP;
  }
  const parts: string[] = [];
  for (const [lexeme, list] of positions) parts.push(`${quoteLexeme(lexeme)}:${list.join(',')}`);
  for (const marker of markers) if (!positions.has(marker)) parts.push(`${quoteLexeme(marker)}:${Math.min(position, MAX_POSITION)}`);
  return parts.join(' ');
};

const WEEK_MS = 7 * 86_400_000;
const CHINA_OFFSET_MS = 8 * 3600_000;

/** Weeks since 1970-01-01 (a Thursday) in China time: week numbers for period lexemes. */
export const weekNumber = (at: Date): number => Math.floor((at.getTime() + CHINA_OFFSET_MS) / WEEK_MS);

/**
 * The week a case was registered, as a lexeme of its documents: `§w2916`. A search for the newest matches
 * of a common word restricts itself to the last few weeks inside the index, so that only those weeks'
 * matches are read. No token can collide with it: tokens never contain `§`.
 */
export const periodLexeme = (at: Date): string => `§w${weekNumber(at)}`;

const quoteMarker = (lexeme: string): string => `'${lexeme}'`;

/**
 * The filters and the unit scope as a tsquery conjunction over the marker lexemes ('' when there are none):
 * each filter's values ORed, the filters ANDed.
 */
export const facetsQuery = (f: { statuses?: readonly string[]; categoryId?: string; channel?: string; kind?: string; unitIds?: readonly string[] }): string => {
  const parts: string[][] = [];
  if (f.statuses?.length) parts.push(f.statuses.map((s) => `§s${s}`));
  if (f.categoryId) parts.push([`§c${f.categoryId}`]);
  if (f.channel) parts.push([`§h${f.channel}`]);
  if (f.kind) parts.push([`§k${f.kind}`]);
  if (f.unitIds) parts.push(f.unitIds.length > 0 ? f.unitIds.map((id) => `§u${id}`) : ['§u-none']);
  return parts.map((values) => `( ${values.map(quoteMarker).join(' | ')} )`).join(' & ');
};

/** The period lexemes of the `weeks` most recent weeks up to `now`, as a tsquery disjunction. */
export const recentPeriodsQuery = (now: Date, weeks: number): string => {
  const last = weekNumber(now);
  return Array.from({ length: weeks }, (_, i) => `'§w${last - i}'`).join(' | ');
};

/** Distinct lexemes of a request's title and description, as the index holds them. */
export const requestLexemesOfTokens = (title: readonly string[], description: readonly string[]): string[] =>
  [...new Set([...title, ...description])].filter((t) => t.length > 0 && t.length <= MAX_LEXEME_LENGTH);

export type TokenizedCase = {
  createdAt: Date;
  facets: CaseFacets;
  title: readonly string[];
  description: readonly string[];
  address: readonly string[];
  replies: readonly (readonly string[])[];
  notes: readonly { tokens: readonly string[]; isInternal: boolean }[];
};

const HAN_RUN = /\p{Script=Han}+/gu;

/** Overlapping pairs of characters of each run of Chinese characters (羊八井镇 → 羊八, 八井, 井镇). */
export const hanBigrams = (text: string): string[] => {
  const bigrams: string[] = [];
  for (const [run] of normalizeText(text).matchAll(HAN_RUN)) {
    const chars = [...run];
    for (let i = 1; i < chars.length; i += 1) bigrams.push(`${chars[i - 1]}${chars[i]}`);
  }
  return bigrams;
};

/**
 * The search tokens of a text plus the character bigrams of its Chinese. Jieba cuts a name it does not
 * know differently in different sentences (孜珠村附近 → 孜 + 珠村, but 孜珠 alone stays whole), so a word
 * of the query may not be a token of the document; every two adjacent characters are, whatever the cut.
 * Bigrams that are also words are the same lexeme, so they cost nothing extra.
 */
export const indexTokens = (text: string): string[] => {
  const tokens = tokenize(text);
  const words = new Set(tokens);
  // A bigram that is already a word of the text adds nothing to the match and only a position to store.
  return [...tokens, ...hanBigrams(text).filter((b) => !words.has(b))];
};

export const requestLexemes = (title: string, description: string): string[] => requestLexemesOfTokens(indexTokens(title), indexTokens(description));

export const tokenizeCase = (source: CaseSearchSource): TokenizedCase => ({
  createdAt: source.createdAt,
  facets: source.facets,
  title: indexTokens(source.title),
  description: indexTokens(source.description),
  address: source.address ? indexTokens(source.address) : [],
  replies: source.replies.map((text) => indexTokens(text)),
  notes: source.notes.map((note) => ({ tokens: indexTokens(note.text), isInternal: note.isInternal })),
});

/** Both documents of a case from its tokens (the benchmark generator passes tokens it has cached). */
export const caseDocumentsOfTokens = (tokens: TokenizedCase): CaseDocuments => {
  const base: TokenizedField[] = [
    { field: 'title', tokens: tokens.title },
    { field: 'description', tokens: tokens.description },
    ...tokens.replies.map((t): TokenizedField => ({ field: 'reply', tokens: t })),
    ...tokens.notes.filter((n) => !n.isInternal).map((n): TokenizedField => ({ field: 'note', tokens: n.tokens })),
  ];
  const internal = tokens.notes.filter((n) => n.isInternal && n.tokens.length > 0);
  // The address goes last in both, so that positions of the shared fields agree between the two documents.
  const address: TokenizedField = { field: 'address', tokens: tokens.address };
  const requestLexemes = requestLexemesOfTokens(tokens.title, tokens.description);
  const markers = [periodLexeme(tokens.createdAt), ...facetLexemes(tokens.facets)];
  return {
    document: tsvectorLiteral([...base, address], markers),
    documentWithInternal:
      internal.length === 0 ? null : tsvectorLiteral([...base, ...internal.map((n): TokenizedField => ({ field: 'note', tokens: n.tokens })), address], markers),
    requestLexemes,
  };
};

export const caseDocuments = (source: CaseSearchSource): CaseDocuments => caseDocumentsOfTokens(tokenizeCase(source));
