import { evaluate, predict, serializeRouterModel, trainRouter, type Evaluation, type LabelledText, type RouterModel } from '../../text/router/router.js';
import type { SuggestionSettings } from './suggestion-settings.js';

/** What a model suggests: the lead unit of a new case, or its category. */
export type RouterTarget = 'unit' | 'category';
export const ROUTER_TARGETS: readonly RouterTarget[] = ['unit', 'category'];
export type RetrainTrigger = 'schedule' | 'manual';

/** A case from the organisation's own history: its text, where it went and what it was filed under. */
export type HistoryCase = { caseId: string; text: string; at: Date; unitId: string | null; categoryId: string | null };

export type ThresholdFigures = { threshold: number; coverage: number; accuracy: number | null };

/** Stored with every model (router_models.evaluation): how it did on the newest cases it never saw. */
export type ModelEvaluation = {
  holdout: (Evaluation & { top2Accuracy: number }) | null;
  /** Per confidence threshold: the share of hold-out cases at or above it, and how many of those were right. */
  thresholds: ThresholdFigures[];
  trainExamples: number;
  holdoutExamples: number;
  /** Cases registered from this instant on were held out. */
  holdoutFrom: string | null;
  classCounts: Record<string, number>;
  crossValidation: Evaluation | null;
  /** For the category model: the unit each category's cases mostly went to, to pair suggestions up. */
  categoryUnits?: Record<string, string>;
};

export type NewModelRow = {
  target: RouterTarget;
  status: 'active' | 'rejected' | 'failed';
  trigger: RetrainTrigger;
  requestedBy: string | null;
  examples: number;
  labels: string[];
  model: string | null;
  evaluation: ModelEvaluation | Record<string, never>;
  seconds: number;
  error: string | null;
  trainedAt: Date;
};

export type ActiveModelInfo = { id: string; version: number; evaluation: ModelEvaluation | null };

export type RouterModelStore = {
  /** The newest `limit` cases with a dispatch or a category, oldest first. */
  history: (limit: number) => Promise<HistoryCase[]>;
  /** Labels still in use: active units and categories. */
  activeLabels: (target: RouterTarget) => Promise<Set<string>>;
  activeModel: (target: RouterTarget) => Promise<ActiveModelInfo | null>;
  /** Saves the model under the next version; an 'active' one retires the previous active one. */
  saveModel: (row: NewModelRow) => Promise<{ id: string; version: number }>;
};

export type RetrainOutcome = { target: RouterTarget; status: NewModelRow['status']; version: number; examples: number; evaluation: ModelEvaluation | null; error: string | null };

const THRESHOLDS = [0.5, 0.7, 0.8, 0.9, 0.95];
/** A new model replaces the active one unless it is clearly worse on its hold-out (a broken retrain). */
const MAX_MACRO_F1_DROP = 0.05;
/** A department with fewer cases than this cannot be learnt; its cases are left out of training. */
const MIN_PER_LABEL = 3;

const round = (x: number): number => Math.round(x * 10000) / 10000;

const labelOf = (c: HistoryCase, target: RouterTarget): string | null => (target === 'unit' ? c.unitId : c.categoryId);

const thresholdFigures = (model: RouterModel, holdout: readonly LabelledText[]): { thresholds: ThresholdFigures[]; top2Accuracy: number } => {
  const predictions = holdout.map((e) => ({ truth: e.label, p: predict(model, e.text) }));
  const thresholds = THRESHOLDS.map((threshold) => {
    const covered = predictions.filter((x) => x.p.confidence >= threshold);
    return {
      threshold,
      coverage: predictions.length === 0 ? 0 : round(covered.length / predictions.length),
      accuracy: covered.length === 0 ? null : round(covered.filter((x) => x.p.label === x.truth).length / covered.length),
    };
  });
  const top2 = predictions.filter((x) => x.p.ranked.slice(0, 2).some((r) => r.label === x.truth)).length;
  return { thresholds, top2Accuracy: predictions.length === 0 ? 0 : round(top2 / predictions.length) };
};

const categoryUnitsOf = (history: readonly HistoryCase[]): Record<string, string> => {
  const counts = new Map<string, Map<string, number>>();
  for (const c of history) {
    if (!c.categoryId || !c.unitId) continue;
    const byUnit = counts.get(c.categoryId) ?? new Map<string, number>();
    byUnit.set(c.unitId, (byUnit.get(c.unitId) ?? 0) + 1);
    counts.set(c.categoryId, byUnit);
  }
  const result: Record<string, string> = {};
  for (const [category, byUnit] of counts) {
    const best = [...byUnit].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    if (best) result[category] = best[0];
  }
  return result;
};

/**
 * Trains one target's model on the organisation's own history, in two steps: a model on all but the newest
 * cases is evaluated on those newest ones (time order, as it will be used), then the model that is kept is
 * trained on everything. It becomes active unless it is clearly worse than the one in use. Too little
 * history is recorded as a failed version, so the attempt and its reason can be seen.
 */
export const retrainRouter = async (
  deps: { store: RouterModelStore; now: () => Date; settings: SuggestionSettings },
  input: { target: RouterTarget; trigger: RetrainTrigger; requestedBy: string | null },
): Promise<RetrainOutcome> => {
  const started = performance.now();
  const { store, settings } = deps;
  const history = await store.history(settings.maxExamples);
  const active = await store.activeLabels(input.target);
  const labelled = history.flatMap((c) => {
    const label = labelOf(c, input.target);
    return label && active.has(label) ? [{ ...c, label }] : [];
  });
  const counts = new Map<string, number>();
  for (const c of labelled) counts.set(c.label, (counts.get(c.label) ?? 0) + 1);
  const examples = labelled.filter((c) => (counts.get(c.label) ?? 0) >= MIN_PER_LABEL);
  const labels = [...new Set(examples.map((e) => e.label))].sort();

  const fail = async (error: string): Promise<RetrainOutcome> => {
    const saved = await store.saveModel({
      target: input.target, status: 'failed', trigger: input.trigger, requestedBy: input.requestedBy, examples: examples.length, labels,
      model: null, evaluation: {}, seconds: (performance.now() - started) / 1000, error, trainedAt: deps.now(),
    });
    return { target: input.target, status: 'failed', version: saved.version, examples: examples.length, evaluation: null, error };
  };
  if (examples.length < settings.minExamples) return fail(`not enough history: ${examples.length} usable cases, at least ${settings.minExamples} needed`);
  if (labels.length < 2) return fail('the history has cases of only one label');

  // Hold out the newest cases (examples are oldest first).
  const holdoutSize = Math.max(1, Math.floor(examples.length * settings.holdoutShare));
  const trainPart = examples.slice(0, examples.length - holdoutSize);
  const holdoutPart = examples.slice(examples.length - holdoutSize);
  const toText = (e: { text: string; label: string }): LabelledText => ({ text: e.text, label: e.label });
  let holdout: ModelEvaluation['holdout'] = null;
  let thresholds: ThresholdFigures[] = [];
  if (new Set(trainPart.map((e) => e.label)).size >= 2) {
    const trial = trainRouter(trainPart.map(toText));
    const figures = thresholdFigures(trial, holdoutPart.map(toText));
    holdout = { ...evaluate(trial, holdoutPart.map(toText)), top2Accuracy: figures.top2Accuracy };
    thresholds = figures.thresholds;
  }
  const model = trainRouter(examples.map(toText));
  const evaluation: ModelEvaluation = {
    holdout,
    thresholds,
    trainExamples: trainPart.length,
    holdoutExamples: holdoutPart.length,
    holdoutFrom: holdoutPart[0]?.at.toISOString() ?? null,
    classCounts: Object.fromEntries(labels.map((l) => [l, counts.get(l) ?? 0])),
    crossValidation: model.training.crossValidation,
    ...(input.target === 'category' ? { categoryUnits: categoryUnitsOf(history) } : {}),
  };
  const current = await store.activeModel(input.target);
  const currentF1 = current?.evaluation?.holdout?.macroF1 ?? null;
  const isWorse = currentF1 !== null && holdout !== null && holdout.macroF1 < currentF1 - MAX_MACRO_F1_DROP;
  const status = isWorse ? 'rejected' : 'active';
  const saved = await store.saveModel({
    target: input.target, status, trigger: input.trigger, requestedBy: input.requestedBy, examples: examples.length, labels,
    model: serializeRouterModel(model), evaluation, seconds: (performance.now() - started) / 1000,
    error: isWorse ? `hold-out macro-F1 ${holdout?.macroF1.toFixed(3)} is below the active model's ${currentF1?.toFixed(3)}` : null,
    trainedAt: deps.now(),
  });
  return { target: input.target, status, version: saved.version, examples: examples.length, evaluation, error: null };
};
