import { featureTokens } from '../tokenize.js';

/**
 * Feature extraction for the router. A feature is a string whose first character names its kind (w word,
 * b word bigram, c character n-gram, t title word) and so the block it is weighted in. Words carry the
 * meaning (拖欠工资, 学位); character n-grams rescue words jieba splits differently in different contexts
 * and stand in for Tibetan words (a Tibetan syllable counts as one "character" here).
 *
 * Prediction must take well under a millisecond, and building a thousand n-gram strings per message and
 * hashing them again in a Map costs more than the rest of the work together. So features are produced
 * through a sink: training collects strings (the model file keeps them readable), prediction feeds the
 * same characters into a 53-bit hash incrementally, sharing the work between an n-gram and its extensions.
 * `featureKey(string)` equals the incremental hash of the same feature by construction.
 */

export interface FeatureOptions {
  /** Longest word n-gram (1 or 2). */
  readonly wordNgramMax: number;
  /** Character n-grams from 1 up to this length (0 for none). */
  readonly charNgramMax: number;
  /**
   * Extra word features from the first line when the text has several: the title of a message says what
   * it is about in a few words, the body wanders.
   */
  readonly titleWords: boolean;
}

export type FeatureBlock = 'word' | 'char' | 'title';

export const FEATURE_BLOCKS: readonly FeatureBlock[] = ['word', 'char', 'title'];

const BLOCK_OF_PREFIX: Readonly<Record<string, FeatureBlock>> = {
  w: 'word',
  b: 'word',
  c: 'char',
  t: 'title',
};

export const blockOfFeature = (feature: string): FeatureBlock => BLOCK_OF_PREFIX[feature[0] ?? ''] ?? 'word';

interface FeatureSink {
  /** Starts a feature with its kind prefix. */
  start(prefix: string): void;
  /** Appends to the current feature. */
  add(part: string): void;
  /** Records the current feature; further `add` calls extend it. */
  emit(): void;
}

const HAN_WORD = /^\p{Script=Han}+$/u;

const walkFeatures = (text: string, options: FeatureOptions, sink: FeatureSink): void => {
  const tokens = featureTokens(text);
  for (const token of tokens) {
    sink.start('w');
    sink.add(token);
    sink.emit();
  }
  if (options.wordNgramMax >= 2) {
    for (let i = 1; i < tokens.length; i += 1) {
      sink.start('b');
      sink.add(tokens[i - 1] ?? '');
      sink.add(' ');
      sink.add(tokens[i] ?? '');
      sink.emit();
    }
  }
  if (options.charNgramMax > 0) {
    // A Chinese word contributes its characters; anything else (a syllable, a number) is one unit, and is
    // set off by a space inside an n-gram so that "ab"+"c" differs from "a"+"bc".
    const units: string[] = [];
    const isHan: boolean[] = [];
    for (const token of tokens) {
      if (HAN_WORD.test(token)) {
        for (const ch of token) {
          units.push(ch);
          isHan.push(true);
        }
      } else {
        units.push(token);
        isHan.push(false);
      }
    }
    for (let i = 0; i < units.length; i += 1) {
      sink.start('c');
      for (let n = 0; n < options.charNgramMax && i + n < units.length; n += 1) {
        if (n > 0 && !(isHan[i + n] ?? false)) sink.add(' ');
        sink.add(units[i + n] ?? '');
        sink.emit();
      }
    }
  }
  if (options.titleWords) {
    const newline = text.indexOf('\n');
    const title = newline > 0 ? text.slice(0, newline) : '';
    if (title.trim() !== '') {
      for (const token of featureTokens(title)) {
        sink.start('t');
        sink.add(token);
        sink.emit();
      }
    }
  }
};

/** Every feature occurrence of a text as a string; repeats are term frequency. */
export const extractFeatures = (text: string, options: FeatureOptions): string[] => {
  const features: string[] = [];
  let current = '';
  walkFeatures(text, options, {
    start: (prefix) => {
      current = prefix;
    },
    add: (part) => {
      current += part;
    },
    emit: () => {
      features.push(current);
    },
  });
  return features;
};

// Two 32-bit multiplicative hashes (FNV-1a and a Murmur-style mix) make a 53-bit key: with a few million
// distinct features the chance of any collision stays around one in a billion.
const H1_SEED = 0x811c9dc5;
const H2_SEED = 0x9747b28c;
const TOP_BITS = 0x200000;

class HashSink implements FeatureSink {
  readonly keys: number[] = [];
  protected h1 = H1_SEED;
  protected h2 = H2_SEED;

  start(prefix: string): void {
    this.h1 = H1_SEED;
    this.h2 = H2_SEED;
    this.add(prefix);
  }

  add(part: string): void {
    let h1 = this.h1;
    let h2 = this.h2;
    for (let i = 0; i < part.length; i += 1) {
      const code = part.charCodeAt(i);
      h1 = Math.imul(h1 ^ code, 0x01000193);
      h2 = Math.imul(h2 ^ code, 0x5bd1e995);
      h2 ^= h2 >>> 13;
    }
    this.h1 = h1;
    this.h2 = h2;
  }

  emit(): void {
    this.keys.push((this.h1 >>> 0) * TOP_BITS + ((this.h2 >>> 0) >>> 11));
  }
}

/** Every feature occurrence of a text as its 53-bit key. */
export const extractFeatureKeys = (text: string, options: FeatureOptions): number[] => {
  const sink = new HashSink();
  walkFeatures(text, options, sink);
  return sink.keys;
};

class StringAndHashSink extends HashSink {
  readonly features: string[] = [];
  private current = '';

  override start(prefix: string): void {
    super.start(prefix);
    this.current = prefix;
  }

  override add(part: string): void {
    super.add(part);
    this.current += part;
  }

  override emit(): void {
    super.emit();
    this.features.push(this.current);
  }
}

/** Both at once, for training: keys to count with, strings to name the vocabulary by. */
export const extractFeaturesWithKeys = (
  text: string,
  options: FeatureOptions,
): { features: string[]; keys: number[] } => {
  const sink = new StringAndHashSink();
  walkFeatures(text, options, sink);
  return { features: sink.features, keys: sink.keys };
};

/** The key of a feature string, as `extractFeatureKeys` computes it. */
export const featureKey = (feature: string): number => {
  const sink = new HashSink();
  sink.start('');
  sink.add(feature);
  sink.emit();
  return sink.keys[0] ?? 0;
};
