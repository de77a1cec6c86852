import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { AppError } from '../shared/app-error.js';

export type ReencodedImage = { content: Uint8Array; width: number; height: number };

const JPEG_QUALITY = 88;

/** EXIF orientation (1..8) of a JPEG, read before the EXIF block is dropped, so that the photo stays upright. */
export const jpegOrientation = (bytes: Uint8Array): number => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return 1;
    const marker = bytes[offset + 1] ?? 0;
    if (marker === 0xda || marker === 0xd9) return 1; // start of scan / end: no more metadata
    const length = view.getUint16(offset + 2);
    const start = offset + 4;
    const isExif = marker === 0xe1 && length >= 16 && String.fromCharCode(...bytes.subarray(start, start + 4)) === 'Exif';
    if (isExif) {
      const tiff = start + 6;
      if (tiff + 8 > bytes.length) return 1;
      const isLittle = bytes[tiff] === 0x49;
      const ifd = tiff + view.getUint32(tiff + 4, isLittle);
      if (ifd + 2 > bytes.length) return 1;
      const entries = view.getUint16(ifd, isLittle);
      for (let i = 0; i < entries; i += 1) {
        const entry = ifd + 2 + i * 12;
        if (entry + 12 > bytes.length) return 1;
        if (view.getUint16(entry, isLittle) === 0x0112) {
          const value = view.getUint16(entry + 8, isLittle);
          return value >= 1 && value <= 8 ? value : 1;
        }
      }
      return 1;
    }
    offset = start + length - 2;
  }
  return 1;
};

/** Applies an EXIF orientation to RGBA pixels (the re-encoded file has no EXIF to say it any more). */
export const orientPixels = (data: Uint8Array, width: number, height: number, orientation: number): { data: Uint8Array; width: number; height: number } => {
  if (orientation <= 1 || orientation > 8) return { data, width, height };
  const isSwapped = orientation >= 5;
  const outW = isSwapped ? height : width;
  const outH = isSwapped ? width : height;
  const out = new Uint8Array(outW * outH * 4);
  for (let dy = 0; dy < outH; dy += 1) {
    for (let dx = 0; dx < outW; dx += 1) {
      let sx = dx;
      let sy = dy;
      switch (orientation) {
        case 2: sx = width - 1 - dx; break;
        case 3: sx = width - 1 - dx; sy = height - 1 - dy; break;
        case 4: sy = height - 1 - dy; break;
        case 5: sx = dy; sy = dx; break;
        case 6: sx = dy; sy = height - 1 - dx; break;
        case 7: sx = width - 1 - dy; sy = height - 1 - dx; break;
        case 8: sx = width - 1 - dy; sy = dx; break;
      }
      const s = (sy * width + sx) * 4;
      const d = (dy * outW + dx) * 4;
      out[d] = data[s] ?? 0;
      out[d + 1] = data[s + 1] ?? 0;
      out[d + 2] = data[s + 2] ?? 0;
      out[d + 3] = data[s + 3] ?? 255;
    }
  }
  return { data: out, width: outW, height: outH };
};

const invalidImage = (reason: string): AppError =>
  new AppError('validation.failed', 'the image could not be read', { issues: [{ path: 'body', message: reason }], reason: 'attachment.image_invalid' });

const tooManyPixels = (width: number, height: number, maxPixels: number): AppError =>
  new AppError('request.too_large', 'the image has too many pixels', { reason: 'attachment.image_too_large', width, height, maxPixels });

/** Where a PNG's IEND chunk ends: anything after it (an appended page or archive) is cut off before decoding. */
export const pngEnd = (bytes: Uint8Array): number => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const next = offset + 12 + length;
    if (type === 'IEND') return Math.min(next, bytes.length);
    offset = next;
  }
  return bytes.length;
};

/**
 * Decodes the image to bare pixels and encodes those again. What was in the file besides the picture is
 * gone: EXIF (GPS position, camera serial, time), XMP, comments, ICC profiles, text chunks, and anything
 * appended after the end marker (the usual polyglot: a PNG that is also a ZIP or an HTML page).
 */
export const reencodeImage = (bytes: Uint8Array, mediaType: 'image/jpeg' | 'image/png', maxPixels: number): ReencodedImage => {
  if (mediaType === 'image/png') {
    bytes = bytes.subarray(0, pngEnd(bytes));
    if (bytes.length < 33) throw invalidImage('truncated PNG');
    const header = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const width = header.getUint32(16);
    const height = header.getUint32(20);
    if (width * height > maxPixels) throw tooManyPixels(width, height, maxPixels);
    let png: PNG;
    try {
      png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    } catch (error) {
      throw invalidImage(error instanceof Error ? error.message : 'unreadable PNG');
    }
    const out = new PNG({ width: png.width, height: png.height });
    png.data.copy(out.data);
    return { content: new Uint8Array(PNG.sync.write(out)), width: png.width, height: png.height };
  }
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: maxPixels / 1_000_000, maxMemoryUsageInMB: 1024 });
  } catch (error) {
    const message = error instanceof Error ? error.message : 'unreadable JPEG';
    if (/maxResolutionInMP|maxMemoryUsage/i.test(message)) throw tooManyPixels(0, 0, maxPixels);
    throw invalidImage(message);
  }
  const upright = orientPixels(decoded.data, decoded.width, decoded.height, jpegOrientation(bytes));
  const encoded = jpeg.encode({ data: upright.data, width: upright.width, height: upright.height }, JPEG_QUALITY);
  return { content: new Uint8Array(encoded.data), width: upright.width, height: upright.height };
};
