import { z } from 'zod';
import type { LinearModel } from './linear.js';
import {
  ROUTER_MODEL_FORMAT,
  ROUTER_MODEL_VERSION,
  type RouterEvaluation,
  type RouterModel,
} from './router.types.js';

/**
 * One JSON file per model: metadata stays readable (`jq .training model.json`), bulky numbers travel as
 * base64 little-endian arrays. Weights are 16-bit integers with one scale per member; `quantizeLinear`
 * applies the same rounding at training time, so a model predicts identically before and after a round
 * trip through its file.
 */

const INT16_MAX = 32_767;

/** Rounds weights to the 16-bit grid the file stores; returns the scale. */
export const quantizeLinear = (linear: LinearModel): number => {
  let max = 0;
  for (const w of linear.weights) max = Math.max(max, Math.abs(w));
  const scale = max === 0 ? 1 : max / INT16_MAX;
  for (let i = 0; i < linear.weights.length; i += 1) {
    // `+ 0` turns −0 into 0, which is what the file will hold.
    linear.weights[i] = Math.fround((Math.round((linear.weights[i] ?? 0) / scale) + 0) * scale);
  }
  return scale;
};

const encodeFloat32 = (values: Float32Array): string => {
  const buffer = Buffer.alloc(values.length * 4);
  values.forEach((value, i) => buffer.writeFloatLE(value, i * 4));
  return buffer.toString('base64');
};

const decodeFloat32 = (base64: string, expectedLength: number, what: string): Float32Array => {
  const buffer = Buffer.from(base64, 'base64');
  if (buffer.length !== expectedLength * 4)
    throw new ModelFormatError(`${what}: expected ${expectedLength} values`);
  const values = new Float32Array(expectedLength);
  for (let i = 0; i < expectedLength; i += 1) values[i] = buffer.readFloatLE(i * 4);
  return values;
};

const encodeInt16 = (weights: Float32Array, scale: number): string => {
  const buffer = Buffer.alloc(weights.length * 2);
  weights.forEach((w, i) =>
    buffer.writeInt16LE(Math.max(-INT16_MAX, Math.min(INT16_MAX, Math.round(w / scale))), i * 2),
  );
  return buffer.toString('base64');
};

const decodeInt16 = (base64: string, scale: number, expectedLength: number, what: string): Float32Array => {
  const buffer = Buffer.from(base64, 'base64');
  if (buffer.length !== expectedLength * 2)
    throw new ModelFormatError(`${what}: expected ${expectedLength} weights`);
  const weights = new Float32Array(expectedLength);
  for (let i = 0; i < expectedLength; i += 1) weights[i] = Math.fround(buffer.readInt16LE(i * 2) * scale);
  return weights;
};

export class ModelFormatError extends Error {
  constructor(message: string) {
    super(`Not a usable router model: ${message}`);
    this.name = 'ModelFormatError';
  }
}

const unit = z.number().min(0).max(1);
const classMetricsSchema = z.object({
  precision: unit,
  recall: unit,
  f1: unit,
  support: z.number().int().min(0),
});
const evaluationSchema = z.object({
  examples: z.number().int().min(0),
  accuracy: unit,
  macroF1: unit,
  perClass: z.record(z.string(), classMetricsSchema),
});
const routerEvaluationSchema = evaluationSchema.extend({
  dataset: z.string(),
  evaluatedAt: z.string(),
  millisecondsPerMessage: z.number().min(0),
});
const blockWeightsSchema = z.object({
  word: z.number().min(0),
  char: z.number().min(0),
  title: z.number().min(0),
});
const featureOptionsSchema = z.object({
  wordNgramMax: z.number().int().min(1).max(2),
  charNgramMax: z.number().int().min(0).max(8),
  titleWords: z.boolean(),
});
const memberKindSchema = z.enum(['svm', 'nb-svm']);
const optionsSchema = z.object({
  seed: z.number().int(),
  features: featureOptionsSchema,
  minDocumentFrequency: z.number().int().min(1),
  maxFeatures: z.number().int().min(1),
  blockWeights: blockWeightsSchema,
  members: z.array(memberKindSchema).min(1),
  svmC: z.number().positive(),
  nbSvmC: z.number().positive(),
  nbAlpha: z.number().positive(),
  balanced: z.boolean(),
  calibrationFolds: z.number().int().min(0),
});
const fileSchema = z.object({
  format: z.literal(ROUTER_MODEL_FORMAT),
  version: z.literal(ROUTER_MODEL_VERSION),
  labels: z.array(z.string().min(1)).min(2),
  userWords: z.array(z.string().min(1)),
  vectorizer: z.object({
    options: z.object({
      features: featureOptionsSchema,
      minDocumentFrequency: z.number().int().min(1),
      maxFeatures: z.number().int().min(1),
      blockWeights: blockWeightsSchema,
    }),
    vocabulary: z.array(z.string()),
    idf: z.string(),
  }),
  members: z
    .array(
      z.object({
        kind: memberKindSchema,
        temperature: z.number().positive(),
        bias: z.array(z.number()),
        weightScale: z.number().positive(),
        weights: z.string(),
      }),
    )
    .min(1),
  training: z.object({
    examples: z.number().int().min(1),
    classCounts: z.record(z.string(), z.number().int().min(0)),
    options: optionsSchema,
    vocabularySize: z.number().int().min(0),
    seconds: z.number().min(0),
    trainedAt: z.string(),
    crossValidation: evaluationSchema.nullable(),
  }),
  evaluation: routerEvaluationSchema.nullable(),
});

type ModelFile = z.infer<typeof fileSchema>;

export const serializeRouterModel = (model: RouterModel): string => {
  const file: ModelFile = {
    format: model.format,
    version: model.version,
    labels: [...model.labels],
    userWords: [...model.userWords],
    vectorizer: {
      options: model.vectorizer.options,
      vocabulary: [...model.vectorizer.vocabulary],
      idf: encodeFloat32(model.vectorizer.idf),
    },
    members: model.members.map((member) => ({
      kind: member.kind,
      temperature: member.temperature,
      bias: Array.from(member.linear.bias),
      weightScale: member.weightScale,
      weights: encodeInt16(member.linear.weights, member.weightScale),
    })),
    training: {
      ...model.training,
      options: { ...model.training.options, members: [...model.training.options.members] },
    },
    evaluation: model.evaluation,
  };
  return JSON.stringify(file);
};

export const parseRouterModel = (json: string): RouterModel => {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new ModelFormatError(`invalid JSON (${(error as Error).message})`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelFormatError(`${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const file = parsed.data;
  const k = file.labels.length;
  const dimensions = file.vectorizer.vocabulary.length;
  return {
    format: file.format,
    version: file.version,
    labels: file.labels,
    userWords: file.userWords,
    vectorizer: {
      options: file.vectorizer.options,
      vocabulary: file.vectorizer.vocabulary,
      idf: decodeFloat32(file.vectorizer.idf, dimensions, 'vectorizer.idf'),
    },
    members: file.members.map((member, m) => {
      if (member.bias.length !== k) throw new ModelFormatError(`members.${m}.bias: expected ${k} values`);
      return {
        kind: member.kind,
        temperature: member.temperature,
        weightScale: member.weightScale,
        linear: {
          classes: k,
          bias: Float32Array.from(member.bias),
          weights: decodeInt16(member.weights, member.weightScale, dimensions * k, `members.${m}.weights`),
        },
      };
    }),
    training: file.training,
    evaluation: file.evaluation,
  };
};

/** The model with an evaluation attached (replacing any earlier one). */
export const withEvaluation = (model: RouterModel, evaluation: RouterEvaluation): RouterModel => ({
  ...model,
  evaluation,
});
