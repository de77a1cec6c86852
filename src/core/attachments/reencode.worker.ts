import { parentPort } from 'node:worker_threads';
import { AppError } from '../shared/app-error.js';
import { reencodeImage } from './reencode-image.js';

/** Runs image re-encoding off the main thread: decoding a 12-megapixel photo in pure JS takes seconds. */
parentPort?.on('message', (job: { id: number; bytes: Uint8Array; mediaType: 'image/jpeg' | 'image/png'; maxPixels: number }) => {
  try {
    const out = reencodeImage(job.bytes, job.mediaType, job.maxPixels);
    parentPort?.postMessage({ id: job.id, ok: true, out }, [out.content.buffer as ArrayBuffer]);
  } catch (error) {
    const e = error instanceof AppError ? { code: error.code, message: error.message, details: error.details } : { code: 'internal', message: String(error), details: {} };
    parentPort?.postMessage({ id: job.id, ok: false, error: e });
  }
});
