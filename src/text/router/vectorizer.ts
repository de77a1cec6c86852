import {
  blockOfFeature,
  extractFeatureKeys,
  extractFeaturesWithKeys,
  FEATURE_BLOCKS,
  featureKey,
  type FeatureBlock,
  type FeatureOptions,
} from './features.js';

/** A document as parallel arrays of feature columns and weights. */
export interface SparseVector {
  readonly indices: Int32Array;
  readonly values: Float32Array;
}

export interface VectorizerOptions {
  readonly features: FeatureOptions;
  /** Features seen in fewer training documents are dropped: they cannot generalise and bloat the model. */
  readonly minDocumentFrequency: number;
  /** Upper bound on the vocabulary, the most widespread features kept. */
  readonly maxFeatures: number;
  /**
   * Each block is TF-IDF weighted and L2-normalised on its own, then scaled by its weight, so that the
   * thousand character n-grams of a text do not drown its hundred words.
   */
  readonly blockWeights: Readonly<Record<FeatureBlock, number>>;
}

/** What a trained model needs to turn text into vectors. */
export interface Vectorizer {
  readonly options: VectorizerOptions;
  readonly vocabulary: readonly string[];
  readonly idf: Float32Array;
}

const BLOCK_INDEX: Readonly<Record<FeatureBlock, number>> = { word: 0, char: 1, title: 2 };

interface CountedDocument {
  readonly ids: Int32Array;
  readonly counts: Int32Array;
}

const countIds = (ids: Int32Array): CountedDocument => {
  ids.sort();
  let distinct = 0;
  for (let i = 0; i < ids.length; i += 1) if (i === 0 || ids[i] !== ids[i - 1]) distinct += 1;
  const unique = new Int32Array(distinct);
  const counts = new Int32Array(distinct);
  let k = -1;
  for (let i = 0; i < ids.length; i += 1) {
    if (i === 0 || ids[i] !== ids[i - 1]) {
      k += 1;
      unique[k] = ids[i] ?? 0;
    }
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return { ids: unique, counts };
};

/** Sublinear TF × IDF, normalised per block and scaled by the block weights. */
const weigh = (
  doc: CountedDocument,
  idf: Float32Array,
  blockOf: Uint8Array,
  blockWeights: readonly number[],
): SparseVector => {
  const values = new Float32Array(doc.ids.length);
  const squares = [0, 0, 0];
  for (let i = 0; i < doc.ids.length; i += 1) {
    const id = doc.ids[i] ?? 0;
    const value = (1 + Math.log(doc.counts[i] ?? 1)) * (idf[id] ?? 0);
    values[i] = value;
    const block = blockOf[id] ?? 0;
    squares[block] = (squares[block] ?? 0) + value * value;
  }
  const scale = squares.map((sum, block) => (sum > 0 ? (blockWeights[block] ?? 0) / Math.sqrt(sum) : 0));
  for (let i = 0; i < values.length; i += 1)
    values[i] = (values[i] ?? 0) * (scale[blockOf[doc.ids[i] ?? 0] ?? 0] ?? 0);
  return { indices: doc.ids, values };
};

const blockWeightList = (options: VectorizerOptions): number[] =>
  FEATURE_BLOCKS.map((block) => options.blockWeights[block]);

const blocksOf = (vocabulary: readonly string[]): Uint8Array => {
  const blockOf = new Uint8Array(vocabulary.length);
  vocabulary.forEach((feature, id) => {
    blockOf[id] = BLOCK_INDEX[blockOfFeature(feature)];
  });
  return blockOf;
};

/** Learns vocabulary and IDF from the training texts and returns their vectors with it. */
export const fitVectorizer = (
  texts: readonly string[],
  options: VectorizerOptions,
): { vectorizer: Vectorizer; vectors: SparseVector[] } => {
  const seen = new Map<number, number>();
  const names: string[] = [];
  let df = new Int32Array(1 << 16);
  const counted: CountedDocument[] = [];
  for (const text of texts) {
    const { features, keys } = extractFeaturesWithKeys(text, options.features);
    const ids = new Int32Array(keys.length);
    keys.forEach((key, i) => {
      let id = seen.get(key);
      if (id === undefined) {
        id = names.length;
        seen.set(key, id);
        names.push(features[i] ?? '');
      }
      ids[i] = id;
    });
    const doc = countIds(ids);
    if (names.length > df.length) {
      const grown = new Int32Array(Math.max(names.length, df.length * 2));
      grown.set(df);
      df = grown;
    }
    for (const id of doc.ids) df[id] = (df[id] ?? 0) + 1;
    counted.push(doc);
  }
  seen.clear();

  // Most widespread first; ties in order of first appearance, so the result depends only on the input.
  const kept: number[] = [];
  for (let id = 0; id < names.length; id += 1)
    if ((df[id] ?? 0) >= options.minDocumentFrequency) kept.push(id);
  if (kept.length > options.maxFeatures) {
    kept.sort((a, b) => (df[b] ?? 0) - (df[a] ?? 0) || a - b);
    kept.length = options.maxFeatures;
    kept.sort((a, b) => a - b);
  }
  const column = new Int32Array(names.length).fill(-1);
  const vocabulary: string[] = [];
  const idf = new Float32Array(kept.length);
  const n = texts.length;
  kept.forEach((id, col) => {
    column[id] = col;
    vocabulary.push(names[id] ?? '');
    idf[col] = Math.log((1 + n) / (1 + (df[id] ?? 0))) + 1;
  });

  const blockOf = blocksOf(vocabulary);
  const weights = blockWeightList(options);
  const vectors = counted.map((doc) => {
    const ids: number[] = [];
    const counts: number[] = [];
    doc.ids.forEach((id, i) => {
      const col = column[id] ?? -1;
      if (col >= 0) {
        ids.push(col);
        counts.push(doc.counts[i] ?? 1);
      }
    });
    return weigh({ ids: Int32Array.from(ids), counts: Int32Array.from(counts) }, idf, blockOf, weights);
  });
  return { vectorizer: { options, vocabulary, idf }, vectors };
};

/**
 * Open-addressing table from feature key to column. A Map with 53-bit number keys boxes every key; typed
 * arrays do not, and this look-up runs a thousand times per message.
 */
class ColumnTable {
  private readonly keys: Float64Array;
  private readonly columns: Int32Array;
  private readonly mask: number;

  constructor(featureKeys: readonly number[]) {
    let size = 1024;
    while (size < featureKeys.length * 2) size *= 2;
    this.keys = new Float64Array(size);
    this.columns = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    featureKeys.forEach((key, col) => {
      let slot = this.slotOf(key);
      while ((this.columns[slot] ?? -1) !== -1 && this.keys[slot] !== key) slot = (slot + 1) & this.mask;
      this.keys[slot] = key;
      this.columns[slot] = col;
    });
  }

  private slotOf(key: number): number {
    // The key is h1·2²¹ + h2's top 21 bits; mix both halves.
    return (Math.floor(key / 0x200000) ^ Math.imul(key % 0x200000, 0x9e3779b1)) & this.mask;
  }

  get(key: number): number {
    let slot = this.slotOf(key);
    for (;;) {
      const col = this.columns[slot] ?? -1;
      if (col === -1 || this.keys[slot] === key) return col;
      slot = (slot + 1) & this.mask;
    }
  }
}

interface PreparedVectorizer {
  readonly table: ColumnTable;
  readonly blockOf: Uint8Array;
  readonly weights: number[];
  /** Scratch term counts, all zero between calls; vectorize is synchronous, so one per vectorizer will do. */
  readonly counts: Int32Array;
}

// Derived look-up tables, built once per vectorizer rather than stored in the model file.
const prepared = new WeakMap<Vectorizer, PreparedVectorizer>();

const prepare = (vectorizer: Vectorizer): PreparedVectorizer => {
  let ready = prepared.get(vectorizer);
  if (ready === undefined) {
    ready = {
      table: new ColumnTable(vectorizer.vocabulary.map(featureKey)),
      blockOf: blocksOf(vectorizer.vocabulary),
      weights: blockWeightList(vectorizer.options),
      counts: new Int32Array(vectorizer.vocabulary.length),
    };
    prepared.set(vectorizer, ready);
  }
  return ready;
};

/** The vector of a new text; features outside the vocabulary are ignored. */
export const vectorize = (vectorizer: Vectorizer, text: string): SparseVector => {
  const { table, blockOf, weights, counts } = prepare(vectorizer);
  const touched: number[] = [];
  for (const key of extractFeatureKeys(text, vectorizer.options.features)) {
    const col = table.get(key);
    if (col === -1) continue;
    if (counts[col] === 0) touched.push(col);
    counts[col] = (counts[col] ?? 0) + 1;
  }
  const ids = Int32Array.from(touched);
  const docCounts = new Int32Array(ids.length);
  ids.forEach((col, i) => {
    docCounts[i] = counts[col] ?? 0;
    counts[col] = 0;
  });
  return weigh({ ids, counts: docCounts }, vectorizer.idf, blockOf, weights);
};
