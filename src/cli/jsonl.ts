import { readFile } from 'node:fs/promises';
import type { z } from 'zod';

/** A problem with the user's input, reported with its file and line; the CLI exits with status 2. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export interface NumberedRecord<T> {
  readonly line: number;
  readonly record: T;
}

const describeIssues = (error: z.ZodError): string =>
  error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(record)'}: ${issue.message}`)
    .join('; ');

/**
 * Parses JSON Lines text, validating every record with the schema. Blank lines are skipped; the first bad
 * line aborts with its number, since a half-read training file would silently train a different model.
 */
export const parseJsonLines = <S extends z.ZodType>(
  content: string,
  schema: S,
  source: string,
): NumberedRecord<z.infer<S>>[] => {
  const records: NumberedRecord<z.infer<S>>[] = [];
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((text, index) => {
    const line = index + 1;
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new InputError(`${source}:${line}: not valid JSON (${(error as Error).message})`);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success)
      throw new InputError(`${source}:${line}: invalid record: ${describeIssues(parsed.error)}`);
    records.push({ line, record: parsed.data });
  });
  return records;
};

export const readJsonLines = async <S extends z.ZodType>(
  path: string,
  schema: S,
): Promise<NumberedRecord<z.infer<S>>[]> => {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  return parseJsonLines(content, schema, path);
};
