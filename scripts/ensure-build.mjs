// `npm start` runs this first: it builds the server and the web app when their output is missing or older
// than their sources, so that a fresh clone starts with one command and a rebuilt tree starts fast.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const newestMtime = (dir) => {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
};

const mtime = (file) => (existsSync(file) ? statSync(file).mtimeMs : 0);

const targets = [
  { name: 'server', output: path.join(root, 'dist/server/src/main.js'), sources: ['src'], script: 'build:server' },
  { name: 'web app', output: path.join(root, 'dist/web/index.html'), sources: ['web'], script: 'build:web' },
];

for (const target of targets) {
  const sourceTime = Math.max(...target.sources.map((s) => newestMtime(path.join(root, s))));
  if (mtime(target.output) >= sourceTime) continue;
  console.log(`Building the ${target.name}…`);
  execSync(`npm run --silent ${target.script}`, { cwd: root, stdio: 'inherit' });
}
