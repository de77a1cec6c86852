import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, constantTimeEqual, hotp, matchTotpStep, otpauthUri, totp, totpStep, type OtpAlgorithm } from './totp.js';
import { createTotpCrypto, isTwoFactorRequiredFor, newRecoveryCode, normalizeRecoveryCode } from './two-factor.js';

const RFC_SECRET = Buffer.from('12345678901234567890', 'ascii');

describe('base32 (RFC 4648 §10 test vectors)', () => {
  const vectors: [string, string][] = [
    ['', ''],
    ['f', 'MY======'],
    ['fo', 'MZXQ===='],
    ['foo', 'MZXW6==='],
    ['foob', 'MZXW6YQ='],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI======'],
  ];
  it.each(vectors)('encodes %j as %s and decodes it back', (plain, encoded) => {
    expect(base32Encode(Buffer.from(plain, 'ascii'))).toBe(encoded);
    expect(base32Decode(encoded)?.toString('ascii')).toBe(plain);
    expect(base32Decode(encoded.replace(/=+$/, ''))?.toString('ascii')).toBe(plain);
  });

  it('leaves out the padding when asked, and reads what people type: lower case, spaces', () => {
    expect(base32Encode(Buffer.from('foobar'), { isPadded: false })).toBe('MZXW6YTBOI');
    expect(base32Decode('mzxw 6ytb oi')?.toString('ascii')).toBe('foobar');
  });

  it('refuses characters outside the alphabet, impossible lengths and non-zero spare bits', () => {
    expect(base32Decode('MZXW6YT1')).toBeNull();
    expect(base32Decode('MZXW0YTB')).toBeNull();
    expect(base32Decode('M')).toBeNull();
    expect(base32Decode('MZX')).toBeNull();
    expect(base32Decode('MY')?.toString('ascii')).toBe('f');
    expect(base32Decode('MZ')).toBeNull(); // 'f' is MY: Z leaves a bit set after the byte
  });

  it('round-trips random secrets of every length', () => {
    for (let n = 0; n <= 40; n += 1) {
      const bytes = randomBytes(n);
      expect(base32Decode(base32Encode(bytes))?.equals(bytes)).toBe(true);
      expect(base32Decode(base32Encode(bytes, { isPadded: false }))?.equals(bytes)).toBe(true);
    }
  });
});

describe('HOTP (RFC 4226 Appendix D)', () => {
  // Count → truncated value (decimal) and the 6-digit HOTP value.
  const vectors: [number, number, string][] = [
    [0, 1284755224, '755224'],
    [1, 1094287082, '287082'],
    [2, 137359152, '359152'],
    [3, 1726969429, '969429'],
    [4, 1640338314, '338314'],
    [5, 868254676, '254676'],
    [6, 1918287922, '287922'],
    [7, 82162583, '162583'],
    [8, 673399871, '399871'],
    [9, 645520489, '520489'],
  ];
  it.each(vectors)('count %i: truncated %i, HOTP %s', (count, truncated, code) => {
    expect(hotp(RFC_SECRET, count)).toBe(code);
    // With 10 digits the modulo keeps all 31 bits: the dynamic truncation itself is checked.
    expect(Number(hotp(RFC_SECRET, count, { digits: 10 }))).toBe(truncated);
  });
});

describe('TOTP (RFC 6238 Appendix B)', () => {
  const seeds: Record<OtpAlgorithm, Buffer> = {
    sha1: RFC_SECRET,
    sha256: Buffer.from('12345678901234567890123456789012', 'ascii'),
    sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234', 'ascii'),
  };
  const vectors: [number, string, string, string][] = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'],
  ];
  it.each(vectors)('at %i s: SHA1 %s, SHA256 %s, SHA512 %s', (seconds, sha1, sha256, sha512) => {
    expect(totp(seeds.sha1, seconds * 1000, { digits: 8 })).toBe(sha1);
    expect(totp(seeds.sha256, seconds * 1000, { digits: 8, algorithm: 'sha256' })).toBe(sha256);
    expect(totp(seeds.sha512, seconds * 1000, { digits: 8, algorithm: 'sha512' })).toBe(sha512);
  });

  it('counts 30-second steps from the epoch (T = 0x23523EC at 1111111109 s)', () => {
    expect(totpStep(1111111109_000)).toBe(0x23523ec);
    expect(totpStep(20000000000_000)).toBe(0x27bc86aa);
    expect(totpStep(29_999)).toBe(0);
    expect(totpStep(30_000)).toBe(1);
  });

  it('accepts the code of the step before, now and after, and nothing further', () => {
    const now = 1_700_000_000_000;
    const step = totpStep(now);
    const codeAt = (s: number) => hotp(RFC_SECRET, s);
    expect(matchTotpStep(RFC_SECRET, codeAt(step), now)).toBe(step);
    expect(matchTotpStep(RFC_SECRET, codeAt(step - 1), now)).toBe(step - 1);
    expect(matchTotpStep(RFC_SECRET, codeAt(step + 1), now)).toBe(step + 1);
    for (const far of [step - 2, step + 2, step - 100]) {
      // Different steps may share a code by chance; only refuse when it is not one of the three.
      const code = codeAt(far);
      if (![step - 1, step, step + 1].some((s) => codeAt(s) === code)) expect(matchTotpStep(RFC_SECRET, code, now)).toBeNull();
    }
    expect(matchTotpStep(RFC_SECRET, ` ${codeAt(step).slice(0, 3)} ${codeAt(step).slice(3)} `, now)).toBe(step);
  });

  it('refuses anything that is not six digits', () => {
    const now = 1_700_000_000_000;
    const code = totp(RFC_SECRET, now);
    for (const bad of ['', '12345', '1234567', `${code}0`, code.replace(/\d$/, 'a'), '١٢٣٤٥٦']) expect(matchTotpStep(RFC_SECRET, bad, now)).toBeNull();
  });
});

describe('helpers', () => {
  it('compares in constant time, whatever the lengths', () => {
    expect(constantTimeEqual('123456', '123456')).toBe(true);
    expect(constantTimeEqual('123456', '123457')).toBe(false);
    expect(constantTimeEqual('123456', '1234567')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  it('builds the otpauth:// URI authenticator apps read from the QR code', () => {
    expect(otpauthUri('dispatcher', RFC_SECRET)).toBe('otpauth://totp/Bihuan:dispatcher?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bihuan');
    expect(otpauthUri('卓玛 a&b', RFC_SECRET)).toBe(
      'otpauth://totp/Bihuan:%E5%8D%93%E7%8E%9B%20a%26b?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Bihuan',
    );
  });
});

describe('secret sealing and recovery codes', () => {
  const key = randomBytes(32);
  const crypto = createTotpCrypto(() => key);
  const userA = '00000000-0000-4000-8000-00000000000a';
  const userB = '00000000-0000-4000-8000-00000000000b';

  it('seals a secret for one user (AES-256-GCM): it opens for them only, and not after tampering', () => {
    const sealed = crypto.seal(userA, RFC_SECRET);
    expect(sealed).not.toContain(RFC_SECRET.toString('base64url'));
    expect(crypto.seal(userA, RFC_SECRET)).not.toBe(sealed); // a fresh IV every time
    expect(crypto.open(userA, sealed).equals(RFC_SECRET)).toBe(true);
    expect(() => crypto.open(userB, sealed)).toThrow();
    const parts = sealed.split('.');
    const ciphertext = Buffer.from(parts[3] ?? '', 'base64url');
    ciphertext[0] = (ciphertext[0] ?? 0) ^ 1;
    parts[3] = ciphertext.toString('base64url');
    expect(() => crypto.open(userA, parts.join('.'))).toThrow();
  });

  it('says so when the key changed, rather than calling it tampering', () => {
    const sealed = crypto.seal(userA, RFC_SECRET);
    expect(() => createTotpCrypto(() => randomBytes(32)).open(userA, sealed)).toThrow(/another key/);
    expect(() => createTotpCrypto(() => randomBytes(16)).seal(userA, RFC_SECRET)).toThrow(/32 bytes/);
  });

  it('hashes recovery codes under the key and per user', () => {
    const code = normalizeRecoveryCode(newRecoveryCode()) ?? '';
    expect(crypto.hashRecoveryCode(userA, code)).toBe(crypto.hashRecoveryCode(userA, code));
    expect(crypto.hashRecoveryCode(userA, code)).not.toBe(crypto.hashRecoveryCode(userB, code));
    expect(createTotpCrypto(() => randomBytes(32)).hashRecoveryCode(userA, code)).not.toBe(crypto.hashRecoveryCode(userA, code));
  });

  it('makes recovery codes of 50 bits as xxxxx-xxxxx and reads them back however they are typed', () => {
    const codes = new Set(Array.from({ length: 200 }, newRecoveryCode));
    expect(codes.size).toBe(200);
    for (const code of codes) expect(code).toMatch(/^[0-9a-hjkmnp-tv-z]{5}-[0-9a-hjkmnp-tv-z]{5}$/);
    expect(normalizeRecoveryCode('ab3de-fg7hk')).toBe('ab3defg7hk');
    expect(normalizeRecoveryCode(' AB3DE FG7HK ')).toBe('ab3defg7hk');
    expect(normalizeRecoveryCode('oil23-45678')).toBe('0112345678');
    expect(normalizeRecoveryCode('123456')).toBeNull();
    expect(normalizeRecoveryCode('ab3de-fg7hu')).toBeNull(); // u is not in the alphabet
    expect(normalizeRecoveryCode('ab3de-fg7hk-1')).toBeNull();
  });

  it('requires two-factor authentication when any of the roles is listed', () => {
    expect(isTwoFactorRequiredFor(['admin'], ['agent', 'admin'])).toBe(true);
    expect(isTwoFactorRequiredFor(['admin'], ['agent'])).toBe(false);
    expect(isTwoFactorRequiredFor([], ['admin'])).toBe(false);
  });
});
