import { softmax } from './linear.js';
import type { ClassMetrics, Evaluation } from './router.types.js';

/**
 * Accuracy, per-class precision/recall/F1 and macro-F1 of predicted against true labels. Macro-F1 averages
 * over every label seen as truth or prediction (as scikit-learn does), so a label the model invents counts.
 */
export const scoreLabels = (truth: readonly string[], predicted: readonly string[]): Evaluation => {
  if (truth.length !== predicted.length) throw new RangeError('truth and predicted differ in length');
  const tp = new Map<string, number>();
  const fp = new Map<string, number>();
  const fn = new Map<string, number>();
  const support = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string): void => {
    map.set(key, (map.get(key) ?? 0) + 1);
  };
  let correct = 0;
  truth.forEach((gold, i) => {
    const guess = predicted[i] ?? '';
    bump(support, gold);
    if (guess === gold) {
      correct += 1;
      bump(tp, gold);
    } else {
      bump(fp, guess);
      bump(fn, gold);
    }
  });
  const labels = [...new Set([...truth, ...predicted])].sort();
  const perClass: Record<string, ClassMetrics> = {};
  let f1Sum = 0;
  for (const label of labels) {
    const t = tp.get(label) ?? 0;
    const precisionBase = t + (fp.get(label) ?? 0);
    const recallBase = t + (fn.get(label) ?? 0);
    const f1Base = 2 * t + (fp.get(label) ?? 0) + (fn.get(label) ?? 0);
    const metrics: ClassMetrics = {
      precision: precisionBase === 0 ? 0 : t / precisionBase,
      recall: recallBase === 0 ? 0 : t / recallBase,
      f1: f1Base === 0 ? 0 : (2 * t) / f1Base,
      support: support.get(label) ?? 0,
    };
    perClass[label] = metrics;
    f1Sum += metrics.f1;
  }
  return {
    examples: truth.length,
    accuracy: truth.length === 0 ? 0 : correct / truth.length,
    macroF1: labels.length === 0 ? 0 : f1Sum / labels.length,
    perClass,
  };
};

const meanNegativeLogLikelihood = (
  scores: readonly Float64Array[],
  labels: readonly number[],
  temperature: number,
): number => {
  let sum = 0;
  scores.forEach((row, i) => {
    sum -= Math.log(Math.max(softmax(row, temperature)[labels[i] ?? 0] ?? 0, 1e-15));
  });
  return sum / Math.max(scores.length, 1);
};

/**
 * The softmax temperature that minimises the log-loss of held-out scores (temperature scaling, Guo et al.
 * 2017). The loss is convex in 1/T, hence unimodal in log(1/T), where a golden-section search finds the
 * optimum between T = 0.001 and T = 1000.
 */
export const fitTemperature = (scores: readonly Float64Array[], labels: readonly number[]): number => {
  if (scores.length === 0) return 1;
  const loss = (logInverse: number): number =>
    meanNegativeLogLikelihood(scores, labels, Math.exp(-logInverse));
  let lo = Math.log(1e-3);
  let hi = Math.log(1e3);
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = hi - ratio * (hi - lo);
  let b = lo + ratio * (hi - lo);
  let fa = loss(a);
  let fb = loss(b);
  while (hi - lo > 1e-4) {
    if (fa <= fb) {
      hi = b;
      b = a;
      fb = fa;
      a = hi - ratio * (hi - lo);
      fa = loss(a);
    } else {
      lo = a;
      a = b;
      fa = fb;
      b = lo + ratio * (hi - lo);
      fb = loss(b);
    }
  }
  return Math.exp(-(lo + hi) / 2);
};
