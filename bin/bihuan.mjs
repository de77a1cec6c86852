#!/usr/bin/env node
// `npx bihuan …`: in a checkout with dev dependencies it runs the TypeScript source (never stale), otherwise
// the compiled CLI from `npm run build:server`.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.join(root, 'src/cli/bihuan.ts');
const compiled = path.join(root, 'dist/server/src/cli/bihuan.js');
const hasTsx = (() => {
  try {
    createRequire(path.join(root, 'package.json')).resolve('tsx');
    return true;
  } catch {
    return false;
  }
})();

if (existsSync(source) && hasTsx) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', source, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
} else if (existsSync(compiled)) {
  await import(pathToFileURL(compiled).href);
} else {
  console.error('bihuan: run `npm ci` (development) or `npm run build:server` first');
  process.exit(1);
}
