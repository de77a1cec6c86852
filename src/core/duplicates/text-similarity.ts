/**
 * Similar text for duplicate detection: cosine similarity of the IDF-weighted lexeme sets of title and
 * description (the search-mode tokens and character bigrams, so a long word also shares its parts).
 *
 * Candidates come from anchors: each indexed request keeps hashes of its rarest lexemes, and a new request
 * looks up the cases sharing any of its own. A true duplicate shares its rare words (the place, the
 * company, the estate); their posting lists are short, so the look-up stays fast however large the
 * archive grows, and never reads a document. Rarity is bucketed (powers of two of the document frequency)
 * and ties are broken by a hash of the lexeme, so two texts with the same words pick the same anchors even
 * when the frequencies moved a little between their indexing: a bottom-k sketch within rarity bands.
 */

/** Document frequencies of some lexemes and the number of documents they were counted over. */
export type TermStats = { documents: number; df: ReadonlyMap<string, number> };

/** Smoothed IDF, as in scikit-learn: a lexeme in every document still weighs 1, an unseen one the most. */
export const idf = (df: number, documents: number): number => Math.log((documents + 1) / (df + 1)) + 1;

export type WeightedLexemes = { weights: ReadonlyMap<string, number>; norm: number };

/** Each lexeme with its IDF, and the squared norm of the binary vector (Σ idf²). */
export const weighLexemes = (lexemes: readonly string[], stats: TermStats): WeightedLexemes => {
  const weights = new Map<string, number>();
  let norm = 0;
  for (const lexeme of lexemes) {
    if (weights.has(lexeme)) continue;
    const w = idf(stats.df.get(lexeme) ?? 0, stats.documents);
    weights.set(lexeme, w);
    norm += w * w;
  }
  return { weights, norm };
};

/**
 * Cosine of two binary lexeme vectors under IDF weights. The other document's norm was stored when it was
 * indexed, with the frequencies of that day; they drift slowly, so the result is clamped to [0, 1].
 */
export const cosineSimilarity = (a: WeightedLexemes, otherLexemes: readonly string[], otherNorm: number): number => {
  if (a.norm <= 0 || otherNorm <= 0) return 0;
  let dot = 0;
  for (const lexeme of otherLexemes) {
    const w = a.weights.get(lexeme);
    if (w !== undefined) dot += w * w;
  }
  return Math.max(0, Math.min(1, dot / Math.sqrt(a.norm * otherNorm)));
};

/** FNV-1a of the lexeme, as a signed 32-bit integer (the anchors column is integer[]). */
export const anchorHash = (lexeme: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < lexeme.length; i += 1) h = Math.imul(h ^ lexeme.charCodeAt(i), 0x01000193);
  return h | 0;
};

/** Anchors stored per indexed request. */
export const STORED_ANCHORS = 24;

export type AnchorOptions = {
  /** At most this many lexemes of a probe go into the candidate look-up. */
  maxAnchors: number;
  /** Stop adding anchors once their document frequencies add up to this: it bounds the candidates read. */
  postingBudget: number;
};

export const DEFAULT_ANCHOR_OPTIONS: AnchorOptions = { maxAnchors: 16, postingBudget: 5000 };

type Ranked = { lexeme: string; df: number; band: number; hash: number };

/** Single characters are too common in Chinese to say anything; longer lexemes only. */
const rankByRarity = (lexemes: readonly string[], stats: TermStats, minDf: number): Ranked[] =>
  [...new Set(lexemes)]
    .filter((lexeme) => [...lexeme].length > 1)
    .map((lexeme) => {
      const df = stats.df.get(lexeme) ?? 0;
      return { lexeme, df, band: Math.floor(Math.log2(df + 1)), hash: anchorHash(lexeme) };
    })
    .filter((x) => x.df >= minDf)
    .sort((a, b) => a.band - b.band || a.hash - b.hash);

/** The anchors an indexed request keeps: its rarest lexemes (as of indexing, itself counted), hashed. */
export const storedAnchors = (lexemes: readonly string[], stats: TermStats): number[] =>
  [...new Set(rankByRarity(lexemes, stats, 1).slice(0, STORED_ANCHORS).map((x) => x.hash))];

/**
 * The lexemes a probe looks its candidates up by: the rarest that occur elsewhere (df ≥ 1), within the
 * posting budget. Empty when the text has nothing distinctive enough (it is then compared by requester and
 * place only).
 */
export const chooseAnchors = (lexemes: readonly string[], stats: TermStats, options: AnchorOptions = DEFAULT_ANCHOR_OPTIONS): string[] => {
  const anchors: string[] = [];
  let budget = 0;
  for (const { lexeme, df } of rankByRarity(lexemes, stats, 1)) {
    if (anchors.length >= options.maxAnchors) break;
    if (budget + df > options.postingBudget) continue;
    anchors.push(lexeme);
    budget += df;
  }
  return anchors;
};
