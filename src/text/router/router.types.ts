import type { FeatureBlock, FeatureOptions } from './features.js';
import type { LinearModel } from './linear.js';
import type { Vectorizer } from './vectorizer.js';

/** A message and the unit or category it was routed to. */
export interface LabelledText {
  readonly text: string;
  readonly label: string;
}

export interface RankedLabel {
  readonly label: string;
  /** Calibrated probability in [0, 1]; the scores of all labels sum to 1. */
  readonly score: number;
}

export interface RouterPrediction {
  readonly label: string;
  /** The probability of `label`, in [0, 1]. */
  readonly confidence: number;
  /** Every label, most probable first. */
  readonly ranked: readonly RankedLabel[];
}

export interface ClassMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Number of examples whose true label this is. */
  readonly support: number;
}

export interface Evaluation {
  readonly examples: number;
  readonly accuracy: number;
  /** Unweighted mean of the per-class F1 over every label that occurs as truth or prediction. */
  readonly macroF1: number;
  readonly perClass: Readonly<Record<string, ClassMetrics>>;
}

/**
 * `svm`: one-vs-rest linear SVM on TF-IDF. `nb-svm`: the same with each class's features scaled by their
 * naive-Bayes log-count ratio (Wang & Manning 2012), which favours words peculiar to a department.
 */
export type RouterMemberKind = 'svm' | 'nb-svm';

export interface RouterTrainOptions {
  readonly seed?: number;
  readonly features?: Partial<FeatureOptions>;
  readonly minDocumentFrequency?: number;
  readonly maxFeatures?: number;
  readonly blockWeights?: Partial<Record<FeatureBlock, number>>;
  readonly members?: readonly RouterMemberKind[];
  /** SVM regularisation (LIBLINEAR's C) of the `svm` member. */
  readonly svmC?: number;
  /** SVM regularisation of the `nb-svm` member; its scaled features want a smaller C. */
  readonly nbSvmC?: number;
  /** Additive smoothing of the naive-Bayes ratios. */
  readonly nbAlpha?: number;
  /** Weigh examples inversely to their class size. */
  readonly balanced?: boolean;
  /**
   * Folds of the internal cross-validation that calibrates confidences (and estimates accuracy);
   * 0 skips it and leaves the members uncalibrated.
   */
  readonly calibrationFolds?: number;
  /** Domain words added to the tokeniser before training; the model records every user word in force. */
  readonly userWords?: readonly string[];
}

export type ResolvedRouterOptions = Required<
  Omit<RouterTrainOptions, 'features' | 'blockWeights' | 'userWords'>
> & {
  readonly features: FeatureOptions;
  readonly blockWeights: Readonly<Record<FeatureBlock, number>>;
};

export interface RouterMember {
  readonly kind: RouterMemberKind;
  /** Softmax temperature fitted on out-of-fold scores, so that confidences mean what they say. */
  readonly temperature: number;
  /** Step of the 16-bit grid the weights were rounded to, so that the model file stores them exactly. */
  readonly weightScale: number;
  readonly linear: LinearModel;
}

export interface RouterTraining {
  readonly examples: number;
  readonly classCounts: Readonly<Record<string, number>>;
  readonly options: ResolvedRouterOptions;
  readonly vocabularySize: number;
  readonly seconds: number;
  readonly trainedAt: string;
  /** Out-of-fold estimate on the training set itself; null when calibration was skipped. */
  readonly crossValidation: Evaluation | null;
}

export interface RouterEvaluation extends Evaluation {
  /** Where the examples came from, e.g. a file name. */
  readonly dataset: string;
  readonly evaluatedAt: string;
  /** Mean wall-clock time per prediction, tokenisation included. */
  readonly millisecondsPerMessage: number;
}

export const ROUTER_MODEL_FORMAT = 'bihuan.router';
export const ROUTER_MODEL_VERSION = 1;

export interface RouterModel {
  readonly format: typeof ROUTER_MODEL_FORMAT;
  readonly version: typeof ROUTER_MODEL_VERSION;
  /** Sorted; a member's classes are indices into it. */
  readonly labels: readonly string[];
  /** The tokeniser's user words at training time; predicting adds them to the process's tokeniser. */
  readonly userWords: readonly string[];
  readonly vectorizer: Vectorizer;
  readonly members: readonly RouterMember[];
  readonly training: RouterTraining;
  readonly evaluation: RouterEvaluation | null;
}
