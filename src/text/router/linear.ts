import type { SparseVector } from './vectorizer.js';

/**
 * Linear classifiers over sparse vectors. Weights are stored feature-major (`weights[feature * classes +
 * class]`), so scoring a document touches one contiguous run of memory per feature it contains.
 */
export interface LinearModel {
  readonly classes: number;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
}

/** Mulberry32: a small, fast generator; enough for shuffling, and the same sequence on every platform. */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
};

export const shuffleInPlace = <T>(items: T[], random: () => number): T[] => {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
};

const scaleVector = (vector: SparseVector, scale: Float32Array): SparseVector => {
  const values = new Float32Array(vector.values.length);
  for (let i = 0; i < values.length; i += 1)
    values[i] = (vector.values[i] ?? 0) * (scale[vector.indices[i] ?? 0] ?? 0);
  return { indices: vector.indices, values };
};

export const linearScores = (model: LinearModel, vector: SparseVector): Float64Array => {
  const k = model.classes;
  const scores = Float64Array.from(model.bias);
  const { indices, values } = vector;
  const w = model.weights;
  for (let i = 0; i < indices.length; i += 1) {
    const base = (indices[i] ?? 0) * k;
    const x = values[i] ?? 0;
    for (let c = 0; c < k; c += 1) scores[c] = (scores[c] ?? 0) + x * (w[base + c] ?? 0);
  }
  return scores;
};

/** Probabilities from scores; the temperature flattens (> 1) or sharpens (< 1) them. */
export const softmax = (scores: ArrayLike<number>, temperature = 1): Float64Array => {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i += 1) max = Math.max(max, scores[i] ?? 0);
  const out = new Float64Array(scores.length);
  let sum = 0;
  for (let i = 0; i < scores.length; i += 1) {
    const e = Math.exp(((scores[i] ?? 0) - max) / temperature);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < out.length; i += 1) out[i] = (out[i] ?? 0) / sum;
  return out;
};

export interface SvmOptions {
  /** Inverse regularisation strength, as in LIBLINEAR. */
  readonly c: number;
  readonly maxEpochs: number;
  /** Stop when no dual variable's projected gradient exceeds this. */
  readonly tolerance: number;
  readonly seed: number;
  /** Value of the constant feature that carries the bias. */
  readonly biasFeature: number;
  /**
   * Weigh each example inversely to the size of its class, so that small departments are not sacrificed
   * to large ones: macro-F1 counts every department alike, and so does a citizen.
   */
  readonly balanced: boolean;
}

/** Per-class feature scales (classes × dimensions, class-major), e.g. NB log-count ratios; null for none. */
export type ClassFeatureScales = readonly Float32Array[] | null;

/**
 * One-vs-rest linear SVM with squared hinge loss, by dual coordinate descent (Hsieh et al. 2008, the
 * LIBLINEAR solver): deterministic, no step size to tune, and converges in a few passes on text.
 */
export const trainOneVsRestSvm = (
  vectors: readonly SparseVector[],
  labels: readonly number[],
  classes: number,
  dimensions: number,
  options: SvmOptions,
  scales: ClassFeatureScales = null,
): LinearModel => {
  const k = classes;
  const weights = new Float32Array(dimensions * k);
  const bias = new Float32Array(k);
  const n = vectors.length;
  const classSizes = new Array<number>(k).fill(0);
  for (const label of labels) classSizes[label] = (classSizes[label] ?? 0) + 1;
  const diagonals = labels.map((label) =>
    options.balanced ? (k * (classSizes[label] ?? 1)) / (2 * options.c * n) : 1 / (2 * options.c),
  );
  const b2 = options.biasFeature * options.biasFeature;
  const w = new Float64Array(dimensions);
  const alpha = new Float64Array(n);
  const random = seededRandom(options.seed);
  const order = vectors.map((_, i) => i);
  for (let c = 0; c < k; c += 1) {
    const scale = scales?.[c];
    const classVectors = scale === undefined ? vectors : vectors.map((v) => scaleVector(v, scale));
    const qii = classVectors.map((v, i) => {
      let sum = b2;
      for (const x of v.values) sum += x * x;
      return sum + (diagonals[i] ?? 0);
    });
    w.fill(0);
    alpha.fill(0);
    let wb = 0;
    for (let epoch = 0; epoch < options.maxEpochs; epoch += 1) {
      shuffleInPlace(order, random);
      let maxViolation = 0;
      for (const i of order) {
        const vector = classVectors[i] as SparseVector;
        const y = labels[i] === c ? 1 : -1;
        let dot = wb * options.biasFeature;
        const { indices, values } = vector;
        for (let j = 0; j < indices.length; j += 1) dot += (w[indices[j] ?? 0] ?? 0) * (values[j] ?? 0);
        const a = alpha[i] ?? 0;
        const g = y * dot - 1 + (diagonals[i] ?? 0) * a;
        const pg = a === 0 ? Math.min(g, 0) : g;
        maxViolation = Math.max(maxViolation, Math.abs(pg));
        if (Math.abs(pg) > 1e-12) {
          const next = Math.max(a - g / (qii[i] ?? 1), 0);
          const delta = (next - a) * y;
          alpha[i] = next;
          for (let j = 0; j < indices.length; j += 1) {
            const at = indices[j] ?? 0;
            w[at] = (w[at] ?? 0) + delta * (values[j] ?? 0);
          }
          wb += delta * options.biasFeature;
        }
      }
      if (maxViolation < options.tolerance) break;
    }
    // Folding the scale into the weights keeps the model linear in the unscaled features.
    for (let f = 0; f < dimensions; f += 1) weights[f * k + c] = (w[f] ?? 0) * (scale?.[f] ?? 1);
    bias[c] = wb * options.biasFeature;
  }
  return { classes: k, weights, bias };
};

/**
 * For each class, log((p + α) / |p + α|₁) − log((q + α) / |q + α|₁), where p and q count the documents
 * of the class and of all other classes that contain each feature: how much a feature's presence speaks
 * for the class.
 */
export const nbLogCountRatios = (
  vectors: readonly SparseVector[],
  labels: readonly number[],
  classes: number,
  dimensions: number,
  alpha: number,
): Float32Array[] => {
  const inClass = Array.from({ length: classes }, () => new Float64Array(dimensions));
  const total = new Float64Array(dimensions);
  vectors.forEach((vector, i) => {
    const counts = inClass[labels[i] ?? 0] as Float64Array;
    for (const f of vector.indices) {
      counts[f] = (counts[f] ?? 0) + 1;
      total[f] = (total[f] ?? 0) + 1;
    }
  });
  return inClass.map((p) => {
    let pSum = 0;
    let qSum = 0;
    for (let f = 0; f < dimensions; f += 1) {
      pSum += (p[f] ?? 0) + alpha;
      qSum += (total[f] ?? 0) - (p[f] ?? 0) + alpha;
    }
    const ratios = new Float32Array(dimensions);
    for (let f = 0; f < dimensions; f += 1) {
      ratios[f] =
        Math.log(((p[f] ?? 0) + alpha) / pSum) - Math.log(((total[f] ?? 0) - (p[f] ?? 0) + alpha) / qSum);
    }
    return ratios;
  });
};
