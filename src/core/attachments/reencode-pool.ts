import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../shared/app-error.js';
import { reencodeImage, type ReencodedImage } from './reencode-image.js';

/**
 * From sources (tsx, vitest) there is no .js worker. Node 20 does not apply `--import` loaders to a worker's
 * entry, so a small bootstrap registers tsx's loader in the worker first, then imports the .ts entry.
 */
const fromSources = (): Worker => {
  const tsxApi = new URL('dist/esm/api/index.mjs', pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json'))).href;
  const entry = new URL('./reencode.worker.ts', import.meta.url).href;
  const bootstrap = `const { workerData } = require('node:worker_threads');
import(workerData.tsxApi).then(async ({ register }) => { register(); await import(workerData.entry); });`;
  return new Worker(bootstrap, { eval: true, workerData: { tsxApi, entry } });
};

type Reply = { id: number; ok: true; out: ReencodedImage } | { id: number; ok: false; error: { code: ErrorCode; message: string; details: Record<string, unknown> } };
type Pending = { resolve: (out: ReencodedImage) => void; reject: (error: Error) => void };

/**
 * One worker thread that re-encodes images one after the other, so a big photo never blocks the server's
 * event loop, and at most one decoded image (up to ~160 MB of pixels at the 40-megapixel limit) is in memory
 * at a time. The built server runs the compiled .js worker; from sources (tsx, tests) the .ts one with tsx.
 */
export const createReencodePool = (): { reencode: (bytes: Uint8Array, mediaType: 'image/jpeg' | 'image/png', maxPixels: number) => Promise<ReencodedImage>; close: () => Promise<void> } => {
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const failAll = (error: Error): void => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
    worker = null;
  };

  const start = (): Worker => {
    const js = new URL('./reencode.worker.js', import.meta.url);
    const w = existsSync(js) ? new Worker(js) : fromSources();
    w.unref();
    w.on('message', (reply: Reply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (reply.ok) p.resolve({ ...reply.out, content: new Uint8Array(reply.out.content) });
      else p.reject(new AppError(reply.error.code, reply.error.message, reply.error.details));
    });
    w.on('error', (error) => failAll(error));
    w.on('exit', () => failAll(new Error('the image worker stopped')));
    return w;
  };

  return {
    reencode: (bytes, mediaType, maxPixels) =>
      new Promise<ReencodedImage>((resolve, reject) => {
        worker ??= start();
        const id = nextId++;
        pending.set(id, { resolve, reject });
        const copy = bytes.slice();
        worker.postMessage({ id, bytes: copy, mediaType, maxPixels }, [copy.buffer]);
      }),
    close: async () => {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
};

/** Same contract, on the calling thread (small images in pure tests). */
export const reencodeInline = async (bytes: Uint8Array, mediaType: 'image/jpeg' | 'image/png', maxPixels: number): Promise<ReencodedImage> =>
  reencodeImage(bytes, mediaType, maxPixels);
