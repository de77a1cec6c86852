// The dispatch router's public surface; the modules behind it are free to change shape.
export { evaluate, evaluateWithTiming, predict } from './predict.js';
export { DEFAULT_ROUTER_OPTIONS, trainRouter } from './train-router.js';
export { ModelFormatError, parseRouterModel, serializeRouterModel, withEvaluation } from './model-io.js';
export { scoreLabels } from './metrics.js';
export type {
  ClassMetrics,
  Evaluation,
  LabelledText,
  RankedLabel,
  RouterEvaluation,
  RouterMemberKind,
  RouterModel,
  RouterPrediction,
  RouterTrainOptions,
} from './router.types.js';
