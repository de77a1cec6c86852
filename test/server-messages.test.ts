import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * A coded error may carry a message of its own (`errors.<code>.<case>`, AppError's fourth argument) where the
 * code's message is too general. The web shows it by that id, so each one needs words in every catalogue. They
 * are read from the source, so that a new one cannot ship without them.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const srcFiles = readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
const specificIds = new Set(
  srcFiles.flatMap((f) => [...readFileSync(path.join(root, 'src', f), 'utf8').matchAll(/'(errors\.[a-z_]+(?:\.[a-z_]+)+)'/g)].map((m) => m[1] ?? '')),
);

describe('specific error messages of the server', () => {
  it('are found in the source', () => {
    expect([...specificIds]).toEqual(expect.arrayContaining(['errors.rate_limited.access_code_attempts', 'errors.rate_limited.phone_submissions']));
  });

  it.each(['zh-Hans', 'bo', 'en'])('have words in the %s catalogue', (lang) => {
    const catalogue = readFileSync(path.join(root, 'web', 'src', 'i18n', `${lang}.ts`), 'utf8');
    const missing = [...specificIds].filter((id) => !new RegExp(`^\\s*'${id.replaceAll('.', '\\.')}':\\s*'[^']+'`, 'm').test(catalogue));
    expect(missing).toEqual([]);
  });
});
