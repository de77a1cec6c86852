import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractFeatureKeys, extractFeatures, featureKey } from './features.js';
import { seededRandom } from './linear.js';
import { fitTemperature, scoreLabels } from './metrics.js';
import { ModelFormatError, parseRouterModel, serializeRouterModel } from './model-io.js';
import { evaluate, predict } from './predict.js';
import type { LabelledText, RouterModel } from './router.types.js';
import { trainRouter } from './train-router.js';

const TEDDY = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../shared/data/teddy2020c',
);
const hasTeddy = existsSync(path.join(TEDDY, 'train.jsonl')) && existsSync(path.join(TEDDY, 'dev.jsonl'));
if (!hasTeddy) console.warn(`[router.test] ${TEDDY} not found: skipping the tests on real citizen messages`);

const readExamples = (file: string, limit: number): LabelledText[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(0, limit)
    .map((line) => {
      const { text, label } = JSON.parse(line) as { text: string; label: string };
      return { text, label };
    });

/** Three departments with their own vocabulary, in Chinese and Tibetan, over shared filler words. */
const SYNTHETIC: Readonly<Record<string, readonly string[]>> = {
  劳动和社会保障: ['拖欠工资', '工资', '社保', '养老金', '欠薪', '劳动合同', 'གླ་ཆ', 'ལས་ཀ'],
  环境保护: ['噪音', '污染', '油烟', '排放', '垃圾焚烧', '臭味', 'ཁོར་ཡུག', 'བཙོག་པ'],
  交通运输: ['公交', '道路', '出租车', '车站', '班车', '红绿灯', 'ལམ་ཁ', 'སྣུམ་འཁོར'],
};
const FILLER = ['请', '领导', '解决', '我们', '小区', '问题', '希望', '尽快', '反映', 'ང་ཚོ', 'རོགས་རམ'];

const syntheticExamples = (count: number, seed: number): LabelledText[] => {
  const random = seededRandom(seed);
  const pick = (words: readonly string[]): string => words[Math.floor(random() * words.length)] as string;
  const labels = Object.keys(SYNTHETIC);
  return Array.from({ length: count }, (_, i) => {
    const label = labels[i % labels.length] as string;
    const words = SYNTHETIC[label] as readonly string[];
    const parts: string[] = [];
    for (let w = 0; w < 8; w += 1) parts.push(w % 2 === 0 ? pick(words) : pick(FILLER));
    return { text: `${parts.slice(0, 2).join('')}\n${parts.join('，')}。`, label };
  });
};

const weightsOf = (model: RouterModel): number[][] =>
  model.members.map((member) => Array.from(member.linear.weights));

describe('router on synthetic messages', () => {
  const train = syntheticExamples(90, 7);
  const model = trainRouter(train, { calibrationFolds: 3, minDocumentFrequency: 1 });

  it('routes unseen messages by their department words, in Chinese and in Tibetan', () => {
    expect(predict(model, '公司拖欠工资三个月，社保也没交').label).toBe('劳动和社会保障');
    expect(predict(model, '楼下饭店油烟和噪音太大').label).toBe('环境保护');
    expect(predict(model, '希望增加公交班车').label).toBe('交通运输');
    expect(predict(model, 'ང་ཚོའི་ལམ་ཁ་ལ་སྣུམ་འཁོར་མང་པོ།').label).toBe('交通运输');
    expect(predict(model, 'གླ་ཆ་མ་སྤྲད།').label).toBe('劳动和社会保障');
  });

  it('ranks every label with probabilities that sum to 1, the top one being the confidence', () => {
    const prediction = predict(model, '垃圾焚烧的臭味');
    expect(prediction.ranked.map((r) => r.label).sort()).toEqual([...model.labels].sort());
    expect(prediction.ranked.reduce((sum, r) => sum + r.score, 0)).toBeCloseTo(1, 6);
    expect(prediction.confidence).toBe(prediction.ranked[0]?.score);
    expect(prediction.confidence).toBeGreaterThan(0.5);
    expect(prediction.confidence).toBeLessThanOrEqual(1);
    const scores = prediction.ranked.map((r) => r.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('is unsure about a message with no department words', () => {
    const unsure = predict(model, '你好');
    expect(unsure.confidence).toBeLessThan(0.7);
    expect(unsure.confidence).toBeGreaterThanOrEqual(0);
    expect(predict(model, '').ranked).toHaveLength(3);
  });

  it('evaluates, and records its training', () => {
    const result = evaluate(model, syntheticExamples(30, 99));
    expect(result.accuracy).toBeGreaterThan(0.9);
    expect(Object.keys(result.perClass).sort()).toEqual([...model.labels].sort());
    expect(model.training.examples).toBe(90);
    expect(model.training.classCounts).toEqual({ 劳动和社会保障: 30, 环境保护: 30, 交通运输: 30 });
    expect(model.training.crossValidation?.accuracy).toBeGreaterThan(0.8);
    expect(model.members.map((m) => m.kind)).toEqual(['svm', 'nb-svm']);
    expect(model.userWords).toContain('欠薪');
  });

  it('is deterministic', () => {
    const again = trainRouter(train, { calibrationFolds: 3, minDocumentFrequency: 1 });
    expect(again.vectorizer.vocabulary).toEqual(model.vectorizer.vocabulary);
    expect(weightsOf(again)).toEqual(weightsOf(model));
    expect(again.members.map((m) => m.temperature)).toEqual(model.members.map((m) => m.temperature));
  });

  it('survives serialisation exactly', () => {
    const json = serializeRouterModel(model);
    const back = parseRouterModel(json);
    expect(back.labels).toEqual(model.labels);
    expect(back.training).toEqual(model.training);
    expect(weightsOf(back)).toEqual(weightsOf(model));
    for (const { text } of syntheticExamples(20, 3))
      expect(predict(back, text)).toEqual(predict(model, text));
    expect(serializeRouterModel(back)).toBe(json);
  });

  it('rejects files that are not router models', () => {
    expect(() => parseRouterModel('{')).toThrow(ModelFormatError);
    expect(() => parseRouterModel('{"format":"something-else"}')).toThrow(/format/);
    const json = JSON.parse(serializeRouterModel(model)) as { members: { weights: string }[] };
    (json.members[0] as { weights: string }).weights = 'AAAA';
    expect(() => parseRouterModel(JSON.stringify(json))).toThrow(/weights/);
  });

  it('refuses training data it cannot learn from', () => {
    expect(() => trainRouter([])).toThrow(RangeError);
    expect(() =>
      trainRouter([
        { text: '工资', label: 'a' },
        { text: '道路', label: 'a' },
      ]),
    ).toThrow(/two different labels/);
    expect(() => trainRouter(train, { calibrationFolds: 1 })).toThrow(RangeError);
  });
});

describe('router building blocks', () => {
  it('hashes features incrementally exactly as it hashes their strings', () => {
    const options = { wordNgramMax: 2, charNgramMax: 3, titleWords: true };
    const text = '关于拖欠工资的问题\n12345热线 ལས་ཁུངས་ལ། abc 13812345678 公交车站';
    const features = extractFeatures(text, options);
    expect(features.length).toBeGreaterThan(50);
    expect(extractFeatureKeys(text, options)).toEqual(features.map(featureKey));
    expect(features).toEqual(
      expect.arrayContaining(['w拖欠工资', 'b拖欠工资 的', 'c拖欠工', 'cལས ཁུངས', 't拖欠工资']),
    );
    expect(new Set(features.map(featureKey)).size).toBe(new Set(features).size);
  });

  it('computes accuracy, per-class F1 and macro-F1', () => {
    const result = scoreLabels(['a', 'a', 'b', 'b', 'c'], ['a', 'b', 'b', 'b', 'a']);
    expect(result.accuracy).toBeCloseTo(3 / 5);
    expect(result.perClass.a).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(result.perClass.b?.f1).toBeCloseTo(0.8);
    expect(result.perClass.c).toEqual({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(result.macroF1).toBeCloseTo((0.5 + 0.8 + 0) / 3);
  });

  it('fits a temperature that sharpens under-confident scores and flattens over-confident ones', () => {
    const labels = [0, 1, 0, 1, 0, 1, 0, 1];
    const honest = labels.map((y) => Float64Array.from(y === 0 ? [1, 0] : [0, 1]));
    expect(fitTemperature(honest, labels)).toBeLessThan(0.1);
    // Right three times in four with huge margins: the scores must be flattened.
    const overconfident = labels.map((y, i) =>
      Float64Array.from((i % 4 === 0 ? 1 - y : y) === 0 ? [50, 0] : [0, 50]),
    );
    const t = fitTemperature(overconfident, labels);
    expect(t).toBeGreaterThan(10);
    expect(1 / (1 + Math.exp(-50 / t))).toBeCloseTo(0.75, 2);
  });
});

describe.skipIf(!hasTeddy)('router on real citizen messages (teddy2020c sample)', () => {
  it('learns from 600 messages well above chance, and round-trips through its file', () => {
    const train = readExamples(path.join(TEDDY, 'train.jsonl'), 600);
    const dev = readExamples(path.join(TEDDY, 'dev.jsonl'), 200);
    const model = trainRouter(train);
    const result = evaluate(model, dev);
    // Seven labels; the largest class is under a quarter of the messages.
    expect(result.accuracy).toBeGreaterThan(0.75);
    expect(result.macroF1).toBeGreaterThan(0.65);
    const back = parseRouterModel(serializeRouterModel(model));
    for (const { text } of dev) expect(predict(back, text)).toEqual(predict(model, text));
  });
});
