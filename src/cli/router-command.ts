import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  evaluateWithTiming,
  parseRouterModel,
  predict,
  serializeRouterModel,
  trainRouter,
  withEvaluation,
  type Evaluation,
  type RouterEvaluation,
  type RouterModel,
} from '../text/router/router.js';
import type { CliIo } from './cli-io.js';
import { formatTable } from './format-table.js';
import { InputError, readJsonLines } from './jsonl.js';
import { labelledMessageRecordSchema, messageRecordSchema } from './router-records.js';

export const ROUTER_HELP = `Usage: bihuan router <command> [options]

Suggests the unit or category for a citizen's message (the dispatch router).

Commands:
  train     train a model on labelled messages
  predict   label messages with a trained model
  eval      measure a model on labelled messages

Run "bihuan router <command> --help" for a command's options.`;

const TRAIN_HELP = `Usage: bihuan router train --input FILE.jsonl --out MODEL.json [options]

Trains a router on JSON Lines records {"message_id", "text", "label"} ("title" plus
"body" or "detail" stand in for a missing "text"). Every line is validated; a bad
line stops training with its line number (exit status 2).

Options:
  --input FILE        labelled training messages (required)
  --out FILE          where to write the model, one JSON file (required)
  --eval FILE         labelled messages to evaluate on; the figures are stored in the model
  --user-words FILE   domain words to keep whole, one per line (# starts a comment)
  --seed N            random seed (default: the built-in one; training is deterministic)
  --folds N           cross-validation folds for calibrating confidences (default 5, 0 = none)
  -h, --help          show this help`;

const PREDICT_HELP = `Usage: bihuan router predict --model MODEL.json --input FILE.jsonl [--out FILE.jsonl]

Writes one JSON line per input record: {"message_id", "label", "confidence"}, where
confidence is the calibrated probability of the label, in [0, 1].

Options:
  --model FILE   a model written by "bihuan router train" (required)
  --input FILE   JSON Lines records {"message_id", "text"} (required)
  --out FILE     output file (default: standard output)
  -h, --help     show this help`;

const EVAL_HELP = `Usage: bihuan router eval --model MODEL.json --input FILE.jsonl

Prints accuracy, macro-F1 and per-class precision, recall and F1 of the model on
labelled JSON Lines records {"message_id", "text", "label"}.

Options:
  --model FILE   a model written by "bihuan router train" (required)
  --input FILE   labelled messages (required)
  -h, --help     show this help`;

const fixed = (value: number, digits = 4): string => value.toFixed(digits);

/** Per-class precision, recall, F1 and support, then accuracy and macro-F1. */
export const formatEvaluation = (evaluation: Evaluation): string => {
  const rows = Object.entries(evaluation.perClass).map(([label, m]) => [
    label,
    fixed(m.precision),
    fixed(m.recall),
    fixed(m.f1),
    String(m.support),
  ]);
  const table = formatTable(['label', 'precision', 'recall', 'F1', 'support'], rows, [
    'left',
    'right',
    'right',
    'right',
    'right',
  ]);
  return `${table}\n\naccuracy  ${fixed(evaluation.accuracy)}\nmacro-F1  ${fixed(evaluation.macroF1)}  (${evaluation.examples} messages)`;
};

const formatTimedEvaluation = (evaluation: RouterEvaluation): string =>
  `${formatEvaluation(evaluation)}\nprediction time ${evaluation.millisecondsPerMessage.toFixed(3)} ms per message`;

const requireOption = (value: string | undefined, name: string): string => {
  if (value === undefined || value === '') throw new InputError(`--${name} is required (see --help)`);
  return value;
};

const parseInteger = (value: string | undefined, name: string, min: number): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new InputError(`--${name} must be an integer of at least ${min}, not ${JSON.stringify(value)}`);
  return n;
};

const loadModel = async (file: string): Promise<RouterModel> => {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    return parseRouterModel(content);
  } catch (error) {
    throw new InputError(`${file}: ${(error as Error).message}`);
  }
};

const readUserWords = async (file: string): Promise<string[]> => {
  let content: string;
  try {
    content = await readFile(file, 'utf8');
  } catch (error) {
    throw new InputError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return content
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '');
};

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

const train = async (args: readonly string[], io: CliIo): Promise<number> => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      input: { type: 'string' },
      out: { type: 'string' },
      eval: { type: 'string' },
      'user-words': { type: 'string' },
      seed: { type: 'string' },
      folds: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) {
    io.stdout(TRAIN_HELP);
    return 0;
  }
  const input = requireOption(values.input, 'input');
  const out = requireOption(values.out, 'out');
  const seed = parseInteger(values.seed, 'seed', 0);
  const folds = parseInteger(values.folds, 'folds', 0);
  if (folds === 1) throw new InputError('--folds must be 0 or at least 2');

  const records = await readJsonLines(input, labelledMessageRecordSchema);
  // Validate the evaluation file before spending time on training.
  const evalRecords =
    values.eval === undefined ? null : await readJsonLines(values.eval, labelledMessageRecordSchema);
  const userWords =
    values['user-words'] === undefined ? undefined : await readUserWords(values['user-words']);
  const examples = records.map(({ record }) => ({ text: record.text, label: record.label }));
  if (new Set(examples.map((example) => example.label)).size < 2) {
    throw new InputError(`${input}: training needs at least two different labels`);
  }
  io.stdout(`Read ${examples.length} labelled messages from ${input}.`);

  const started = performance.now();
  let model = trainRouter(examples, {
    ...(seed === undefined ? {} : { seed }),
    ...(folds === undefined ? {} : { calibrationFolds: folds }),
    ...(userWords === undefined ? {} : { userWords }),
  });
  const elapsed = performance.now() - started;
  const { training } = model;
  io.stdout(
    `Trained in ${seconds(elapsed)}: ${model.labels.length} labels, ${training.vocabularySize} features, members ${model.members.map((m) => m.kind).join(' + ')}.`,
  );
  const counts = model.labels.map((label) => `${label} ${training.classCounts[label] ?? 0}`).join(', ');
  io.stdout(`Examples per label: ${counts}.`);
  if (training.crossValidation !== null) {
    io.stdout(
      `Cross-validated on the training data (${training.options.calibrationFolds} folds): accuracy ${fixed(training.crossValidation.accuracy)}, macro-F1 ${fixed(training.crossValidation.macroF1)}.`,
    );
  }
  if (evalRecords !== null && values.eval !== undefined) {
    const evaluation = evaluateWithTiming(
      model,
      evalRecords.map(({ record }) => ({ text: record.text, label: record.label })),
      path.basename(values.eval),
    );
    model = withEvaluation(model, evaluation);
    io.stdout(`\nEvaluation on ${values.eval}:\n${formatTimedEvaluation(evaluation)}`);
  }
  await mkdir(path.dirname(path.resolve(out)), { recursive: true });
  await writeFile(out, serializeRouterModel(model));
  const { size } = await stat(out);
  io.stdout(`\nWrote ${out} (${(size / 1e6).toFixed(1)} MB).`);
  return 0;
};

const predictCommand = async (args: readonly string[], io: CliIo): Promise<number> => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      model: { type: 'string' },
      input: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) {
    io.stdout(PREDICT_HELP);
    return 0;
  }
  const modelFile = requireOption(values.model, 'model');
  const input = requireOption(values.input, 'input');
  const model = await loadModel(modelFile);
  const records = await readJsonLines(input, messageRecordSchema);
  // Loading the segmenter's dictionary and the model's look-up table happens once; keep it out of the rate.
  predict(model, '');
  const started = performance.now();
  const lines = records.map(({ record }) => {
    const { label, confidence } = predict(model, record.text);
    return JSON.stringify({ message_id: record.messageId, label, confidence: Number(confidence.toFixed(6)) });
  });
  const elapsed = performance.now() - started;
  const output = lines.length > 0 ? `${lines.join('\n')}\n` : '';
  if (values.out === undefined) io.writeStdout(output);
  else {
    await mkdir(path.dirname(path.resolve(values.out)), { recursive: true });
    await writeFile(values.out, output);
  }
  // Standard output may be the data itself, so the summary goes to standard error.
  io.stderr(
    `Predicted ${records.length} messages in ${(elapsed / 1000).toFixed(2)} s (${(elapsed / Math.max(records.length, 1)).toFixed(3)} ms per message)${values.out === undefined ? '' : `; wrote ${values.out}`}.`,
  );
  return 0;
};

const evalCommand = async (args: readonly string[], io: CliIo): Promise<number> => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      model: { type: 'string' },
      input: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help === true) {
    io.stdout(EVAL_HELP);
    return 0;
  }
  const modelFile = requireOption(values.model, 'model');
  const input = requireOption(values.input, 'input');
  const model = await loadModel(modelFile);
  const records = await readJsonLines(input, labelledMessageRecordSchema);
  const evaluation = evaluateWithTiming(
    model,
    records.map(({ record }) => ({ text: record.text, label: record.label })),
    path.basename(input),
  );
  io.stdout(formatTimedEvaluation(evaluation));
  return 0;
};

export const runRouterCommand = async (args: readonly string[], io: CliIo): Promise<number> => {
  const [command, ...rest] = args;
  switch (command) {
    case 'train':
      return train(rest, io);
    case 'predict':
      return predictCommand(rest, io);
    case 'eval':
      return evalCommand(rest, io);
    case '-h':
    case '--help':
    case 'help':
      io.stdout(ROUTER_HELP);
      return 0;
    case undefined:
      io.stderr(ROUTER_HELP);
      return 2;
    default:
      throw new InputError(`unknown router command ${JSON.stringify(command)}\n\n${ROUTER_HELP}`);
  }
};
