import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { displayWidth, formatTable } from './format-table.js';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = path.join(REPO, 'src/cli/bihuan.ts');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the command line as users will, in a child process, through tsx's loader. */
const bihuan = (...args: string[]): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

const WORDS: Readonly<Record<string, readonly string[]>> = {
  劳动和社会保障: ['拖欠工资', '社保', '养老金', '欠薪', '劳动合同'],
  环境保护: ['噪音', '污染', '油烟', '排放', '臭味'],
  交通运输: ['公交', '道路', '出租车', '车站', '红绿灯'],
};

const messages = (count: number, offset: number): { message_id: string; text: string; label: string }[] => {
  const labels = Object.keys(WORDS);
  return Array.from({ length: count }, (_, i) => {
    const label = labels[i % labels.length] as string;
    const words = WORDS[label] as readonly string[];
    const a = words[(i + offset) % words.length] as string;
    const b = words[(i * 3 + offset + 1) % words.length] as string;
    return {
      message_id: String(1000 + offset + i),
      text: `关于${a}的问题\n我们小区${a}和${b}的问题，请领导尽快解决。`,
      label,
    };
  });
};

const jsonl = (records: readonly object[]): string => `${records.map((r) => JSON.stringify(r)).join('\n')}\n`;

describe('bihuan router (command line)', () => {
  let dir = '';
  let trainRun: Run = { code: null, stdout: '', stderr: '' };
  const file = (name: string): string => path.join(dir, name);

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'bihuan-cli-'));
    await writeFile(file('train.jsonl'), jsonl(messages(60, 0)));
    await writeFile(file('dev.jsonl'), jsonl(messages(15, 7)));
    const unlabelled = [
      { message_id: 'a-1', text: '楼下饭店油烟太大' },
      { message_id: 42, text: '公交车站太远' },
      { message_id: 'a-3', title: '拖欠工资', detail: '老板三个月没发工资' },
    ];
    await writeFile(file('new.jsonl'), jsonl(unlabelled));
    const train = await bihuan(
      'router',
      'train',
      '--input',
      file('train.jsonl'),
      '--eval',
      file('dev.jsonl'),
      '--out',
      file('model.json'),
    );
    if (train.code !== 0) throw new Error(`training failed: ${train.stderr}`);
    trainRun = train;
  }, 60_000);

  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  it('trains, printing timing and the evaluation, and writes one JSON model file', async () => {
    expect(trainRun.stdout).toMatch(/Read 60 labelled messages/);
    expect(trainRun.stdout).toMatch(/Trained in [0-9.]+ s: 3 labels/);
    expect(trainRun.stdout).toMatch(/macro-F1\s+[01]\.\d{4}/);
    expect(trainRun.stdout).toMatch(/ms per message/);
    expect(existsSync(file('model.json'))).toBe(true);
    const model = JSON.parse(await readFile(file('model.json'), 'utf8')) as {
      format: string;
      version: number;
      labels: string[];
      training: { examples: number };
      evaluation: { dataset: string; macroF1: number } | null;
    };
    expect(model).toMatchObject({ format: 'bihuan.router', version: 1, training: { examples: 60 } });
    expect(model.labels).toHaveLength(3);
    expect(model.evaluation?.dataset).toBe('dev.jsonl');
    expect(model.evaluation?.macroF1).toBeGreaterThan(0.9);
  });

  it('predicts one JSON line per input with message_id, label and confidence', async () => {
    const run = await bihuan(
      'router',
      'predict',
      '--model',
      file('model.json'),
      '--input',
      file('new.jsonl'),
      '--out',
      file('out.jsonl'),
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/Predicted 3 messages/);
    const lines = (await readFile(file('out.jsonl'), 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const record of records) {
      expect(Object.keys(record)).toEqual(['message_id', 'label', 'confidence']);
      expect(typeof record.confidence).toBe('number');
      expect(record.confidence as number).toBeGreaterThanOrEqual(0);
      expect(record.confidence as number).toBeLessThanOrEqual(1);
    }
    expect(records.map((r) => r.message_id)).toEqual(['a-1', 42, 'a-3']);
    expect(records.map((r) => r.label)).toEqual(['环境保护', '交通运输', '劳动和社会保障']);
  });

  it('writes predictions to standard output without --out', async () => {
    const run = await bihuan(
      'router',
      'predict',
      '--model',
      file('model.json'),
      '--input',
      file('new.jsonl'),
    );
    expect(run.code).toBe(0);
    expect(
      run.stdout
        .trimEnd()
        .split('\n')
        .map((line) => (JSON.parse(line) as { message_id: unknown }).message_id),
    ).toEqual(['a-1', 42, 'a-3']);
  });

  it('evaluates, printing accuracy, macro-F1 and a per-class table', async () => {
    const run = await bihuan('router', 'eval', '--model', file('model.json'), '--input', file('dev.jsonl'));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^label\s+precision\s+recall\s+F1\s+support$/m);
    for (const label of Object.keys(WORDS))
      expect(run.stdout).toMatch(new RegExp(`^${label}\\s+[01]\\.\\d{4}`, 'm'));
    expect(run.stdout).toMatch(/^accuracy\s+[01]\.\d{4}$/m);
    expect(run.stdout).toMatch(/^macro-F1\s+[01]\.\d{4}\s+\(15 messages\)$/m);
  });

  it('rejects a malformed line with its line number and exit status 2', async () => {
    const lines = jsonl(messages(4, 0)).split('\n');
    lines.splice(2, 0, '{"message_id": "x", "text": "缺少标签"}');
    await writeFile(file('bad.jsonl'), lines.join('\n'));
    const missingLabel = await bihuan(
      'router',
      'train',
      '--input',
      file('bad.jsonl'),
      '--out',
      file('never.json'),
    );
    expect(missingLabel.code).toBe(2);
    expect(missingLabel.stderr).toContain(`${file('bad.jsonl')}:3: invalid record: label`);
    expect(existsSync(file('never.json'))).toBe(false);

    await writeFile(
      file('broken.jsonl'),
      `${JSON.stringify({ message_id: '1', text: '噪音' })}\n{"message_id": "2", "text": \n`,
    );
    const brokenJson = await bihuan(
      'router',
      'predict',
      '--model',
      file('model.json'),
      '--input',
      file('broken.jsonl'),
    );
    expect(brokenJson.code).toBe(2);
    expect(brokenJson.stderr).toMatch(/broken\.jsonl:2: not valid JSON/);
  });

  it('rejects bad usage with exit status 2', async () => {
    const [unknownOption, missingInput, unknownCommand, badModel] = await Promise.all([
      bihuan('router', 'train', '--input', file('train.jsonl'), '--out', file('x.json'), '--bogus'),
      bihuan('router', 'eval', '--model', file('model.json')),
      bihuan('router', 'fly'),
      bihuan('router', 'eval', '--model', file('train.jsonl'), '--input', file('dev.jsonl')),
    ]);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toMatch(/--bogus/);
    expect(missingInput.code).toBe(2);
    expect(missingInput.stderr).toMatch(/--input is required/);
    expect(unknownCommand.code).toBe(2);
    expect(badModel.code).toBe(2);
    expect(badModel.stderr).toMatch(/Not a usable router model/);
  });

  it('has help for every command', async () => {
    const runs = await Promise.all([
      bihuan('--help'),
      bihuan('router', '--help'),
      bihuan('router', 'train', '--help'),
      bihuan('router', 'predict', '--help'),
      bihuan('router', 'eval', '-h'),
    ]);
    for (const run of runs) {
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: bihuan/);
    }
    expect(runs[2]?.stdout).toMatch(/--eval FILE/);
    expect(runs[3]?.stdout).toMatch(/"message_id", "label", "confidence"/);
  });
});

describe('table formatting', () => {
  it('counts Chinese characters as two columns and combining marks as none', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('交通运输')).toBe(8);
    expect(displayWidth('ཀྱི')).toBe(1);
    const table = formatTable(
      ['label', 'F1'],
      [
        ['交通运输', '0.9'],
        ['x', '1.0'],
      ],
      ['left', 'right'],
    ).split('\n');
    expect(table.map(displayWidth)).toEqual([13, 13, 13, 13]);
  });
});
