/**
 * Summarises a V8 `.cpuprofile` (node --cpu-prof): self time by function and by package or source area, and
 * inclusive time of the application's own functions (src/…), so that the top costs can be named.
 * Also runnable on its own: npx tsx bench/lib/cpu-profile.ts <file.cpuprofile>
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type Profile = {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
};

const isProfile = (value: unknown): value is Profile =>
  typeof value === 'object' &&
  value !== null &&
  Array.isArray((value as Profile).nodes) &&
  Array.isArray((value as Profile).samples);

/** Where code lives: a package name, `src/<dir>`, `node:<module>`, or a V8 pseudo-frame like (garbage collector). */
const areaOf = (frame: CallFrame): string => {
  const url = frame.url;
  if (!url) return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  if (url.startsWith('node:')) return url.split('/')[0] ?? url;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? url);
  }
  const src = url.indexOf('/src/');
  if (src >= 0) {
    const parts = url.slice(src + 1).split('/');
    return parts.length > 2 ? `${parts[0]}/${parts[1]}` : (parts[0] ?? url);
  }
  return url.replace(/^file:\/\//, '');
};

const shortUrl = (url: string): string => {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  const src = url.indexOf('/src/');
  return src >= 0 ? url.slice(src + 1) : url.replace(/^file:\/\//, '');
};

const keyOf = (frame: CallFrame): string =>
  `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}:${frame.lineNumber + 1}`;

export const summariseProfile = async (file: string, top = 20): Promise<string> => {
  const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!isProfile(parsed)) return `${file}: not a CPU profile`;
  const byId = new Map(parsed.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of parsed.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const area = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  let idle = 0;
  parsed.samples.forEach((nodeId, i) => {
    const dt = (parsed.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(nodeId);
    if (!node) return;
    total += dt;
    if (node.callFrame.functionName === '(idle)') {
      idle += dt;
      return;
    }
    const k = keyOf(node.callFrame);
    self.set(k, (self.get(k) ?? 0) + dt);
    const a = areaOf(node.callFrame);
    area.set(a, (area.get(a) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = nodeId; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id)?.callFrame;
      if (!frame || !frame.url.includes('/src/') || frame.url.includes('/node_modules/')) continue;
      const key = keyOf(frame);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
    }
  });
  const busy = total - idle;
  const pct = (ms: number): string => `${((100 * ms) / Math.max(busy, 1)).toFixed(1).padStart(5)}%`;
  const lines = [
    `CPU profile ${file.split('/').pop() ?? file}: ${(total / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy (${((100 * busy) / Math.max(total, 1)).toFixed(0)}% of one core)`,
    `  self time by package / area (share of busy time):`,
    ...[...area.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([k, ms]) => `    ${pct(ms)}  ${k}`),
    `  top functions by self time:`,
    ...[...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, ms]) => `    ${pct(ms)}  ${k}`),
    `  application functions by inclusive time:`,
    ...[...inclusive.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, ms]) => `    ${pct(ms)}  ${k}`),
  ];
  return lines.join('\n');
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = process.argv.slice(2);
  for (const f of files) console.log(await summariseProfile(f));
}
