import { describe, expect, it } from 'vitest';
import { contentDisposition, sanitiseFileName } from './file-name.js';
import { orientPixels, pngEnd } from './reencode-image.js';
import { sniffMediaType } from './sniff-media-type.js';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));

describe('sniffMediaType', () => {
  it('accepts JPEG, PNG and PDF by their first bytes only', () => {
    expect(sniffMediaType(bytes([0xff, 0xd8, 0xff, 0xe0]))).toEqual({ isAccepted: true, mediaType: 'image/jpeg' });
    expect(sniffMediaType(bytes([0x89], 'PNG\r\n\x1a\n'))).toEqual({ isAccepted: true, mediaType: 'image/png' });
    expect(sniffMediaType(bytes('%PDF-1.7\n'))).toEqual({ isAccepted: true, mediaType: 'application/pdf' });
  });
  it('refuses markup, other images and a PDF header that is not at byte 0', () => {
    expect(sniffMediaType(bytes('  <svg xmlns="http://www.w3.org/2000/svg"/>'))).toEqual({ isAccepted: false, detected: 'image/svg+xml' });
    expect(sniffMediaType(bytes('<?xml version="1.0"?><svg/>'))).toEqual({ isAccepted: false, detected: 'image/svg+xml' });
    expect(sniffMediaType(bytes('<html><body>'))).toEqual({ isAccepted: false, detected: 'text/html' });
    expect(sniffMediaType(bytes('RIFF\0\0\0\0WEBPVP8 '))).toEqual({ isAccepted: false, detected: 'image/webp' });
    expect(sniffMediaType(bytes('GIF89a'))).toEqual({ isAccepted: false, detected: 'image/gif' });
    expect(sniffMediaType(bytes('\n%PDF-1.4'))).toEqual({ isAccepted: false, detected: 'unknown' });
    expect(sniffMediaType(new Uint8Array())).toEqual({ isAccepted: false, detected: 'unknown' });
  });
});

describe('sanitiseFileName', () => {
  it('drops paths, control and bidi characters, and takes the extension of the sniffed type', () => {
    expect(sanitiseFileName('C:\\Users\\x\\工资条.JPEG', 'image/jpeg')).toBe('工资条.jpg');
    expect(sanitiseFileName('../../etc/passwd', 'application/pdf')).toBe('passwd.pdf');
    expect(sanitiseFileName('invoice\u202egpj.exe', 'image/png')).toBe('invoicegpj.png');
    expect(sanitiseFileName('a\u0000b"c<d>.pdf', 'application/pdf')).toBe('ab_c_d_.pdf');
    expect(sanitiseFileName('', 'image/png')).toBe('file.png');
    expect(sanitiseFileName('....', 'image/png')).toBe('file.png');
    expect(sanitiseFileName('ཞུ་ཡིག.pdf', 'application/pdf')).toBe('ཞུ་ཡིག.pdf');
    expect(sanitiseFileName('x'.repeat(500), 'image/jpeg')).toHaveLength(114);
  });
  it('writes an ASCII fallback and the UTF-8 name in Content-Disposition', () => {
    expect(contentDisposition('工资 (1).pdf')).toBe(`attachment; filename="__ (1).pdf"; filename*=UTF-8''%E5%B7%A5%E8%B5%84%20%281%29.pdf`);
  });
});

describe('image helpers', () => {
  // A 2×1 image: red, green. Orientation 6 (rotate 90° clockwise) makes it 1×2: red on top.
  const px = Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 255]);
  it('turns pixels upright for each EXIF orientation', () => {
    expect(orientPixels(px, 2, 1, 1)).toEqual({ data: px, width: 2, height: 1 });
    expect(orientPixels(px, 2, 1, 2).data).toEqual(Uint8Array.from([0, 255, 0, 255, 255, 0, 0, 255]));
    expect(orientPixels(px, 2, 1, 6)).toEqual({ data: px, width: 1, height: 2 });
    expect(orientPixels(px, 2, 1, 8)).toEqual({ data: Uint8Array.from([0, 255, 0, 255, 255, 0, 0, 255]), width: 1, height: 2 });
  });
  it('finds the end of a PNG so that appended data is cut off', () => {
    const iend = [0, 0, 0, 0, ...Buffer.from('IEND'), 0xae, 0x42, 0x60, 0x82];
    const png = bytes([0x89], 'PNG\r\n\x1a\n', [0, 0, 0, 0], 'IHDR', [0, 0, 0, 0], iend, '<html>');
    expect(pngEnd(png)).toBe(png.length - 6);
  });
});
