import { addUserWords } from '../tokenize.js';
import { scoreLabels } from './metrics.js';
import type {
  Evaluation,
  LabelledText,
  RouterEvaluation,
  RouterModel,
  RouterPrediction,
} from './router.types.js';
import { ensembleProbabilities } from './train-router.js';
import { vectorize } from './vectorizer.js';

const readyModels = new WeakSet<RouterModel>();

/** A model's features were computed with its user words; text must be tokenised with them too. */
const ensureUserWords = (model: RouterModel): void => {
  if (readyModels.has(model)) return;
  addUserWords(model.userWords);
  readyModels.add(model);
};

/** The most probable label for a message, its confidence, and every label ranked by probability. */
export const predict = (model: RouterModel, text: string): RouterPrediction => {
  ensureUserWords(model);
  const probabilities = ensembleProbabilities(
    model.members,
    vectorize(model.vectorizer, text),
    model.labels.length,
  );
  const ranked = model.labels
    .map((label, i) => ({ label, score: probabilities[i] ?? 0 }))
    // Ties (e.g. an empty text) resolve to the first label in sorted order, so the answer is reproducible.
    .sort((a, b) => b.score - a.score || (a.label < b.label ? -1 : 1));
  const top = ranked[0] ?? { label: '', score: 0 };
  return { label: top.label, confidence: top.score, ranked };
};

/** Accuracy, macro-F1 and per-class figures of the model on labelled examples. */
export const evaluate = (model: RouterModel, examples: readonly LabelledText[]): Evaluation =>
  scoreLabels(
    examples.map((example) => example.label),
    examples.map((example) => predict(model, example.text).label),
  );

/** `evaluate` plus provenance and the mean prediction time, as stored in a model file. */
export const evaluateWithTiming = (
  model: RouterModel,
  examples: readonly LabelledText[],
  dataset: string,
): RouterEvaluation => {
  ensureUserWords(model);
  // Warm up first: the segmenter's dictionary load and the JIT's first compilations are paid once per
  // process, and would otherwise be billed to the first messages of a small set.
  for (const example of examples.slice(0, 50)) predict(model, example.text);
  const started = performance.now();
  const predicted = examples.map((example) => predict(model, example.text).label);
  const elapsed = performance.now() - started;
  return {
    ...scoreLabels(
      examples.map((example) => example.label),
      predicted,
    ),
    dataset,
    evaluatedAt: new Date().toISOString(),
    millisecondsPerMessage: examples.length === 0 ? 0 : elapsed / examples.length,
  };
};
