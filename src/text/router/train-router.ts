import { addUserWords, listUserWords } from '../tokenize.js';
import {
  linearScores,
  nbLogCountRatios,
  seededRandom,
  shuffleInPlace,
  softmax,
  trainOneVsRestSvm,
  type LinearModel,
} from './linear.js';
import { fitTemperature, scoreLabels } from './metrics.js';
import { quantizeLinear } from './model-io.js';
import {
  ROUTER_MODEL_FORMAT,
  ROUTER_MODEL_VERSION,
  type LabelledText,
  type ResolvedRouterOptions,
  type RouterMember,
  type RouterMemberKind,
  type RouterModel,
  type RouterTrainOptions,
} from './router.types.js';
import { fitVectorizer, type SparseVector } from './vectorizer.js';

/**
 * Chosen by 5-fold cross-validation on teddy2020c's train.jsonl and checked on dev.jsonl (docs/router.md).
 * Most settings made no difference beyond noise; these are the smallest and fastest among the best: word
 * bigrams did not pay for their size once character trigrams were in, and 100 000 features did as well as
 * 360 000. Class-balanced weights helped the small departments.
 */
export const DEFAULT_ROUTER_OPTIONS: ResolvedRouterOptions = {
  seed: 20_200_423,
  features: { wordNgramMax: 1, charNgramMax: 3, titleWords: true },
  minDocumentFrequency: 2,
  maxFeatures: 100_000,
  blockWeights: { word: 1, char: 1.4, title: 0.5 },
  members: ['svm', 'nb-svm'],
  svmC: 1,
  nbSvmC: 0.3,
  nbAlpha: 1,
  balanced: true,
  calibrationFolds: 5,
};

export const resolveRouterOptions = (options: RouterTrainOptions = {}): ResolvedRouterOptions => {
  const d = DEFAULT_ROUTER_OPTIONS;
  const resolved: ResolvedRouterOptions = {
    seed: options.seed ?? d.seed,
    features: { ...d.features, ...options.features },
    minDocumentFrequency: options.minDocumentFrequency ?? d.minDocumentFrequency,
    maxFeatures: options.maxFeatures ?? d.maxFeatures,
    blockWeights: { ...d.blockWeights, ...options.blockWeights },
    members: options.members ?? d.members,
    svmC: options.svmC ?? d.svmC,
    nbSvmC: options.nbSvmC ?? d.nbSvmC,
    nbAlpha: options.nbAlpha ?? d.nbAlpha,
    balanced: options.balanced ?? d.balanced,
    calibrationFolds: options.calibrationFolds ?? d.calibrationFolds,
  };
  if (resolved.members.length === 0) throw new RangeError('A router needs at least one member model.');
  if (resolved.calibrationFolds === 1 || resolved.calibrationFolds < 0) {
    throw new RangeError('calibrationFolds must be 0 (none) or at least 2.');
  }
  return resolved;
};

const trainMember = (
  kind: RouterMemberKind,
  vectors: readonly SparseVector[],
  labels: readonly number[],
  classes: number,
  dimensions: number,
  options: ResolvedRouterOptions,
): LinearModel => {
  const svm = {
    maxEpochs: 50,
    tolerance: 0.1,
    seed: options.seed,
    biasFeature: 1,
    balanced: options.balanced,
  };
  if (kind === 'svm')
    return trainOneVsRestSvm(vectors, labels, classes, dimensions, { ...svm, c: options.svmC });
  const ratios = nbLogCountRatios(vectors, labels, classes, dimensions, options.nbAlpha);
  return trainOneVsRestSvm(vectors, labels, classes, dimensions, { ...svm, c: options.nbSvmC }, ratios);
};

/** Mean of the members' calibrated probabilities. */
export const ensembleProbabilities = (
  members: readonly { readonly temperature: number; readonly linear: LinearModel }[],
  vector: SparseVector,
  classes: number,
): Float64Array => {
  const mean = new Float64Array(classes);
  for (const member of members) {
    const p = softmax(linearScores(member.linear, vector), member.temperature);
    for (let c = 0; c < classes; c += 1) mean[c] = (mean[c] ?? 0) + (p[c] ?? 0) / members.length;
  }
  return mean;
};

const argmax = (values: ArrayLike<number>): number => {
  let best = 0;
  for (let i = 1; i < values.length; i += 1) if ((values[i] ?? 0) > (values[best] ?? 0)) best = i;
  return best;
};

const validateExamples = (examples: readonly LabelledText[]): void => {
  if (examples.length === 0) throw new RangeError('No training examples.');
  examples.forEach((example, i) => {
    if (example.label.trim() === '') throw new RangeError(`Example ${i + 1} has an empty label.`);
  });
  if (new Set(examples.map((example) => example.label)).size < 2) {
    throw new RangeError('Training needs at least two different labels.');
  }
};

/**
 * Trains the dispatch router: TF-IDF features, one linear model per member, each calibrated by k-fold
 * temperature scaling, combined by averaging probabilities. Deterministic for given examples, options and
 * user words (the wall-clock fields of the metadata aside).
 */
export const trainRouter = (
  examples: readonly LabelledText[],
  options: RouterTrainOptions = {},
): RouterModel => {
  const started = performance.now();
  validateExamples(examples);
  const resolved = resolveRouterOptions(options);
  if (options.userWords !== undefined) addUserWords(options.userWords);

  const labelSet = [...new Set(examples.map((example) => example.label))].sort();
  const classOf = new Map(labelSet.map((label, i) => [label, i]));
  const y = examples.map((example) => classOf.get(example.label) ?? 0);
  const k = labelSet.length;
  const { vectorizer, vectors } = fitVectorizer(
    examples.map((example) => example.text),
    {
      features: resolved.features,
      minDocumentFrequency: resolved.minDocumentFrequency,
      maxFeatures: resolved.maxFeatures,
      blockWeights: resolved.blockWeights,
    },
  );
  const dimensions = vectorizer.vocabulary.length;

  const linears = resolved.members.map((kind) => trainMember(kind, vectors, y, k, dimensions, resolved));
  let temperatures = resolved.members.map(() => 1);
  let crossValidation = null;
  const folds = Math.min(resolved.calibrationFolds, examples.length);
  if (folds >= 2) {
    // Seeded shuffle, then round-robin class by class: stratified folds.
    const order = shuffleInPlace(
      examples.map((_, i) => i),
      seededRandom(resolved.seed),
    );
    const foldOf = new Int32Array(examples.length);
    const byClass = labelSet.map((_, c) => order.filter((i) => y[i] === c));
    let next = 0;
    for (const members of byClass) {
      for (const i of members) {
        foldOf[i] = next % folds;
        next += 1;
      }
    }
    const outOfFold = resolved.members.map(() => new Array<Float64Array>(examples.length));
    for (let fold = 0; fold < folds; fold += 1) {
      const trainIdx = order.filter((i) => foldOf[i] !== fold).sort((a, b) => a - b);
      const heldOut = order.filter((i) => foldOf[i] === fold);
      const foldVectors = trainIdx.map((i) => vectors[i] as SparseVector);
      const foldLabels = trainIdx.map((i) => y[i] ?? 0);
      resolved.members.forEach((kind, m) => {
        const linear = trainMember(kind, foldVectors, foldLabels, k, dimensions, resolved);
        for (const i of heldOut)
          (outOfFold[m] as Float64Array[])[i] = linearScores(linear, vectors[i] as SparseVector);
      });
    }
    temperatures = outOfFold.map((scores) => fitTemperature(scores, y));
    const oofMembers = outOfFold.map((scores, m) => ({ scores, temperature: temperatures[m] ?? 1 }));
    const predicted = examples.map((_, i) => {
      const mean = new Float64Array(k);
      for (const member of oofMembers) {
        const p = softmax(member.scores[i] as Float64Array, member.temperature);
        for (let c = 0; c < k; c += 1) mean[c] = (mean[c] ?? 0) + (p[c] ?? 0);
      }
      return labelSet[argmax(mean)] ?? '';
    });
    crossValidation = scoreLabels(
      examples.map((example) => example.label),
      predicted,
    );
  }

  const members: RouterMember[] = resolved.members.map((kind, m) => {
    const linear = linears[m] as LinearModel;
    return { kind, temperature: temperatures[m] ?? 1, weightScale: quantizeLinear(linear), linear };
  });
  const classCounts: Record<string, number> = {};
  for (const example of examples) classCounts[example.label] = (classCounts[example.label] ?? 0) + 1;
  return {
    format: ROUTER_MODEL_FORMAT,
    version: ROUTER_MODEL_VERSION,
    labels: labelSet,
    userWords: listUserWords(),
    vectorizer,
    members,
    training: {
      examples: examples.length,
      classCounts,
      options: resolved,
      vocabularySize: dimensions,
      seconds: (performance.now() - started) / 1000,
      trainedAt: new Date().toISOString(),
      crossValidation,
    },
    evaluation: null,
  };
};
