import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newDeviceCookie, verifiedDeviceNonce } from './device-cookie.js';

const macWith = (key: string) => (text: string) => createHmac('sha256', key).update(text).digest('base64url').slice(0, 32);
const mac = macWith('server key');
const NONCE = 'AbCdEfGhIjKlMnOpQrStUvWx';

describe('device cookies', () => {
  it('are recognised for the number they were made for', () => {
    expect(verifiedDeviceNonce(mac, '26112300016', newDeviceCookie(mac, '26112300016', NONCE))).toBe(NONCE);
  });

  it('are refused for another number, from another key, altered, or malformed', () => {
    const cookie = newDeviceCookie(mac, '26112300016', NONCE);
    expect(verifiedDeviceNonce(mac, '26112300017', cookie)).toBeNull();
    expect(verifiedDeviceNonce(macWith('another key'), '26112300016', cookie)).toBeNull();
    const [nonce = '', signature = ''] = cookie.split('.');
    expect(verifiedDeviceNonce(mac, '26112300016', `${nonce.replace('A', 'B')}.${signature}`)).toBeNull();
    expect(verifiedDeviceNonce(mac, '26112300016', `${nonce}.${signature.slice(1)}`)).toBeNull();
    for (const bad of [undefined, '', NONCE, `${cookie}.x`, 'short.sig', `${'a'.repeat(300)}.${signature}`]) {
      expect(verifiedDeviceNonce(mac, '26112300016', bad)).toBeNull();
    }
  });
});
