import type { AttachmentMediaType } from './attachment.types.js';

const startsWith = (bytes: Uint8Array, signature: readonly number[], offset = 0): boolean =>
  bytes.length >= offset + signature.length && signature.every((b, i) => bytes[offset + i] === b);

const JPEG = [0xff, 0xd8, 0xff] as const;
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;
const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d] as const; // %PDF-
const RIFF = [0x52, 0x49, 0x46, 0x46] as const;
const WEBP = [0x57, 0x45, 0x42, 0x50] as const;
const GIF = [0x47, 0x49, 0x46, 0x38] as const;
const HEIC_FTYP = [0x66, 0x74, 0x79, 0x70] as const; // 'ftyp' at offset 4

export type SniffResult =
  | { isAccepted: true; mediaType: AttachmentMediaType }
  | { isAccepted: false; detected: string };

/**
 * The media type from the first bytes of the content. The client's file name and Content-Type are never
 * trusted: an HTML or SVG page renamed photo.jpg is still HTML. A PDF must start with `%PDF-` at byte 0
 * (readers tolerate junk before it, which is exactly how PDF polyglots are built, so we do not).
 */
export const sniffMediaType = (bytes: Uint8Array): SniffResult => {
  if (startsWith(bytes, JPEG)) return { isAccepted: true, mediaType: 'image/jpeg' };
  if (startsWith(bytes, PNG)) return { isAccepted: true, mediaType: 'image/png' };
  if (startsWith(bytes, PDF)) return { isAccepted: true, mediaType: 'application/pdf' };
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return { isAccepted: false, detected: 'image/webp' };
  if (startsWith(bytes, GIF)) return { isAccepted: false, detected: 'image/gif' };
  if (startsWith(bytes, HEIC_FTYP, 4)) return { isAccepted: false, detected: 'image/heic' };
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 512)).trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return { isAccepted: false, detected: 'image/svg+xml' };
  if (head.startsWith('<')) return { isAccepted: false, detected: 'text/html' };
  return { isAccepted: false, detected: 'unknown' };
};
