import { parentPort } from 'node:worker_threads';
import { AppError } from '../shared/app-error.js';
import { reencodeImage } from './reencode-image.js';
import { scrubPdf } from './scrub-pdf.js';

type Job =
  | { id: number; kind: 'image'; bytes: Uint8Array; mediaType: 'image/jpeg' | 'image/png'; maxPixels: number }
  | { id: number; kind: 'pdf'; bytes: Uint8Array };

/**
 * Runs image re-encoding and PDF rebuilding off the main thread: decoding a 12-megapixel photo in pure JS takes
 * seconds, and parsing a large PDF hundreds of milliseconds.
 */
parentPort?.on('message', (job: Job) => {
  void (async () => {
    try {
      if (job.kind === 'pdf') {
        const out = await scrubPdf(job.bytes);
        parentPort?.postMessage({ id: job.id, ok: true, out }, out ? [out.content.buffer as ArrayBuffer] : []);
        return;
      }
      const out = reencodeImage(job.bytes, job.mediaType, job.maxPixels);
      parentPort?.postMessage({ id: job.id, ok: true, out }, [out.content.buffer as ArrayBuffer]);
    } catch (error) {
      const e = error instanceof AppError ? { code: error.code, message: error.message, details: error.details } : { code: 'internal', message: String(error), details: {} };
      parentPort?.postMessage({ id: job.id, ok: false, error: e });
    }
  })();
});
