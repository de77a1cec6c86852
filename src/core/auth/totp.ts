import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * One-time passwords for two-factor sign-in, in pure code: base32 (RFC 4648), HOTP (RFC 4226) and TOTP
 * (RFC 6238) with the parameters every authenticator app supports by default — HMAC-SHA1, 6 digits, 30 s.
 */

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 §6. Authenticator apps and otpauth:// URIs want it without the '=' padding. */
export const base32Encode = (bytes: Uint8Array, options: { isPadded?: boolean } = {}): string => {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  if (options.isPadded ?? true) while (out.length % 8 !== 0) out += '=';
  return out;
};

/**
 * RFC 4648 §6, forgiving in what people type: case, spaces and trailing padding are ignored. Anything else
 * that is not in the alphabet, a length no encoder produces, or non-zero spare bits, is refused with null.
 */
export const base32Decode = (text: string): Buffer | null => {
  const clean = text.replace(/\s+/g, '').toUpperCase().replace(/=+$/, '');
  // 5 bits a character: lengths 1, 3 and 6 (mod 8) cannot come out of any byte string.
  if ([1, 3, 6].includes(clean.length % 8)) return null;
  const bytes: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (const ch of clean) {
    const value = BASE32_ALPHABET.indexOf(ch);
    if (value < 0) return null;
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((buffer >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) return null;
  return Buffer.from(bytes);
};

export type OtpAlgorithm = 'sha1' | 'sha256' | 'sha512';

export const TOTP = {
  /** RFC 6238's default and the only step every app honours. */
  stepSeconds: 30,
  digits: 6,
  /** Steps accepted either side of now, for clock drift and typing time: ±30 s. */
  window: 1,
  /** 160 bits, as RFC 4226 §4 recommends for HMAC-SHA1. */
  secretBytes: 20,
  issuer: 'Bihuan',
} as const;

/** RFC 4226 §5: HMAC of the 8-byte big-endian counter, dynamic truncation, modulo 10^digits. */
export const hotp = (secret: Uint8Array, counter: number | bigint, options: { digits?: number; algorithm?: OtpAlgorithm } = {}): string => {
  const digits = options.digits ?? TOTP.digits;
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(options.algorithm ?? 'sha1', secret).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary =
    (((mac[offset] ?? 0) & 0x7f) << 24) | ((mac[offset + 1] ?? 0) << 16) | ((mac[offset + 2] ?? 0) << 8) | (mac[offset + 3] ?? 0);
  return String(binary % 10 ** digits).padStart(digits, '0');
};

/** RFC 6238 §4: the counter is the number of whole steps since the Unix epoch. */
export const totpStep = (timeMs: number, stepSeconds: number = TOTP.stepSeconds): number => Math.floor(timeMs / 1000 / stepSeconds);

export const totp = (secret: Uint8Array, timeMs: number, options: { digits?: number; algorithm?: OtpAlgorithm; stepSeconds?: number } = {}): string =>
  hotp(secret, totpStep(timeMs, options.stepSeconds), options);

/** Compares two strings in time that depends on neither content nor length (both are hashed first). */
export const constantTimeEqual = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());

/** Whether a string has the shape of a TOTP code (so it is not mistaken for a recovery code, and vice versa). */
export const isTotpCodeShape = (code: string): boolean => new RegExp(`^\\d{${TOTP.digits}}$`).test(code);

/**
 * The step whose code this is, within ±window steps of now, or null. Every candidate is computed and
 * compared, so timing does not tell which step matched. The caller must still refuse a step at or before
 * the last one used (RFC 6238 §5.2: a code is accepted once).
 */
export const matchTotpStep = (secret: Uint8Array, code: string, timeMs: number, window: number = TOTP.window): number | null => {
  const candidate = code.replace(/\s+/g, '');
  if (!isTotpCodeShape(candidate)) return null;
  const now = totpStep(timeMs);
  let matched: number | null = null;
  for (let step = now - window; step <= now + window; step += 1) {
    if (constantTimeEqual(hotp(secret, step), candidate) && matched === null) matched = step;
  }
  return matched;
};

/**
 * The Key URI Format understood by Google Authenticator, FreeOTP, Microsoft Authenticator and others:
 * `otpauth://totp/Bihuan:<username>?secret=<base32>&issuer=Bihuan`. SHA1, 6 digits and 30 s are the
 * defaults, so they are left out (some apps mishandle them when present).
 */
export const otpauthUri = (username: string, secret: Uint8Array): string =>
  `otpauth://totp/${encodeURIComponent(TOTP.issuer)}:${encodeURIComponent(username)}` +
  `?secret=${base32Encode(secret, { isPadded: false })}&issuer=${encodeURIComponent(TOTP.issuer)}`;
