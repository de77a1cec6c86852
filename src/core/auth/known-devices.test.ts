import { describe, expect, it } from 'vitest';
import { describeUserAgent } from '../access/user-agent.js';
import { deviceKeyOf, judgeSignInDevice, newDeviceNoticeData, signInNoticeKey } from './known-devices.js';

const CHROME_WINDOWS_120 = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36';
const CHROME_WINDOWS_131 = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
const FIREFOX_LINUX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const USER = '00000000-0000-4000-8000-000000000001';
const OTHER_USER = '00000000-0000-4000-8000-000000000002';

const keyOf = (userId: string, userAgent: string | null): string => deviceKeyOf(userId, describeUserAgent(userAgent));

describe('known devices', () => {
  it('keys a device by its browser and system families, not their versions', () => {
    expect(keyOf(USER, CHROME_WINDOWS_120)).toBe(keyOf(USER, CHROME_WINDOWS_131));
    expect(keyOf(USER, CHROME_WINDOWS_120)).not.toBe(keyOf(USER, FIREFOX_LINUX));
    expect(keyOf(USER, CHROME_WINDOWS_120)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keys the same device differently for each account', () => {
    expect(keyOf(USER, CHROME_WINDOWS_120)).not.toBe(keyOf(OTHER_USER, CHROME_WINDOWS_120));
  });

  it('does not let the parts run into each other', () => {
    expect(deviceKeyOf(USER, { browser: 'ab', os: 'c' })).not.toBe(deviceKeyOf(USER, { browser: 'a', os: 'bc' }));
    expect(deviceKeyOf(USER, { browser: null, os: 'Linux' })).not.toBe(deviceKeyOf(USER, { browser: 'Linux', os: null }));
  });

  it('has nothing to compare with at the first sign-in', () => {
    expect(judgeSignInDevice([], keyOf(USER, CHROME_WINDOWS_120))).toBe('first_sign_in');
  });

  it('tells a known device from a new one', () => {
    const known = [keyOf(USER, CHROME_WINDOWS_120)];
    expect(judgeSignInDevice(known, keyOf(USER, CHROME_WINDOWS_131))).toBe('known_device');
    expect(judgeSignInDevice(known, keyOf(USER, FIREFOX_LINUX))).toBe('new_device');
    expect(judgeSignInDevice(known, keyOf(USER, null))).toBe('new_device');
  });

  it('keeps names and the address in the notice, never the User-Agent text', () => {
    const data = newDeviceNoticeData(describeUserAgent(FIREFOX_LINUX), '203.0.113.7', new Date('2026-11-26T02:03:04Z'));
    expect(data).toEqual({ browser: 'Firefox', os: 'Linux', kind: 'desktop', ip: '203.0.113.7', at: '2026-11-26T02:03:04.000Z' });
    expect(JSON.stringify(data)).not.toContain('Gecko');
    expect(signInNoticeKey('abc')).toBe('sign-in:abc');
  });
});
