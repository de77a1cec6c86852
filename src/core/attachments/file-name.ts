import type { AttachmentMediaType } from './attachment.types.js';

const EXTENSION: Record<AttachmentMediaType, string> = { 'image/jpeg': '.jpg', 'image/png': '.png', 'application/pdf': '.pdf' };

/**
 * A file name safe to store, list and send back in Content-Disposition: no path, no control or bidi
 * characters (which disguise `gpj.exe` as `exe.jpg`), no reserved characters, at most 120 characters, and
 * the extension of the sniffed type (the client's extension is only a hint and is replaced). Chinese and
 * Tibetan letters are kept.
 */
export const sanitiseFileName = (raw: string | undefined, mediaType: AttachmentMediaType): string => {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    .replace(/["<>:|?*;%`$]/g, '_')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  const stem = cleaned.replace(/\.[^.]{0,10}$/, '').slice(0, 110).trim();
  return `${stem === '' ? 'file' : stem}${EXTENSION[mediaType]}`;
};

/** Content-Disposition for a download: an ASCII fallback plus the UTF-8 name (RFC 6266 / 5987). */
export const contentDisposition = (fileName: string): string => {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
};
