import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError, type ErrorCode } from '../shared/app-error.js';
import { reencodeImage, type ReencodedImage } from './reencode-image.js';
import { scrubPdf, type ScrubbedPdf } from './scrub-pdf.js';

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

type Output = ReencodedImage | ScrubbedPdf | null;
type Reply = { id: number; ok: true; out: Output } | { id: number; ok: false; error: { code: ErrorCode; message: string; details: Record<string, unknown> } };
type Pending = { resolve: (out: Output) => void; reject: (error: Error) => void };

/** Far longer than an honest PDF takes (a 10 MiB, 40-page file: 40–70 ms here). */
const PDF_TIME_LIMIT_MS = 30_000;

export type ReencodePool = {
  reencode: (bytes: Uint8Array, mediaType: 'image/jpeg' | 'image/png', maxPixels: number) => Promise<ReencodedImage>;
  scrubPdf: (bytes: Uint8Array) => Promise<ScrubbedPdf | null>;
  close: () => Promise<void>;
};

/**
 * One worker thread that re-encodes images and rebuilds PDFs one after the other, so a big file never blocks
 * the server's event loop, and at most one decoded image (up to ~160 MB of pixels at the 40-megapixel limit)
 * is in memory at a time. The built server runs the compiled .js worker; from sources (tsx, tests) the .ts one.
 */
export const createReencodePool = (): ReencodePool => {
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
      if (reply.ok) p.resolve(reply.out === null ? null : { ...reply.out, content: new Uint8Array(reply.out.content) });
      else p.reject(new AppError(reply.error.code, reply.error.message, reply.error.details));
    });
    w.on('error', (error) => failAll(error));
    w.on('exit', () => failAll(new Error('the image worker stopped')));
    return w;
  };

  const run = (job: { kind: 'image'; mediaType: 'image/jpeg' | 'image/png'; maxPixels: number } | { kind: 'pdf' }, bytes: Uint8Array): Promise<Output> =>
    new Promise<Output>((resolve, reject) => {
      worker ??= start();
      const id = nextId++;
      pending.set(id, { resolve, reject });
      const copy = bytes.slice();
      worker.postMessage({ id, ...job, bytes: copy }, [copy.buffer]);
    });

  return {
    reencode: async (bytes, mediaType, maxPixels) => (await run({ kind: 'image', mediaType, maxPixels }, bytes)) as ReencodedImage,
    scrubPdf: async (bytes) => {
      // A PDF crafted to keep the parser busy must not hold the worker (and every upload behind it): past the
      // time limit the worker is replaced and the file kept as sent, like one that cannot be rebuilt.
      let timer: NodeJS.Timeout | undefined;
      const timeLimit = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), PDF_TIME_LIMIT_MS);
      });
      try {
        const out = await Promise.race([run({ kind: 'pdf' }, bytes), timeLimit]);
        if (out === 'timeout') {
          await worker?.terminate();
          return null;
        }
        return out as ScrubbedPdf | null;
      } catch {
        return null;
      } finally {
        clearTimeout(timer);
      }
    },
    close: async () => {
      const w = worker;
      worker = null;
      if (w) await w.terminate();
    },
  };
};

/** Same contract, on the calling thread (small files in pure tests). */
export const scrubPdfInline = (bytes: Uint8Array): Promise<ScrubbedPdf | null> => scrubPdf(bytes);

export const reencodeInline = async (bytes: Uint8Array, mediaType: 'image/jpeg' | 'image/png', maxPixels: number): Promise<ReencodedImage> =>
  reencodeImage(bytes, mediaType, maxPixels);
