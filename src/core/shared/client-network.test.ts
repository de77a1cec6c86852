import { describe, expect, it } from 'vitest';
import { clientNetworkOf } from './client-network.js';

describe('the network a limit per address counts', () => {
  it('keeps an IPv4 address, also one written as IPv6', () => {
    expect(clientNetworkOf('203.0.113.9')).toBe('203.0.113.9');
    expect(clientNetworkOf('::ffff:203.0.113.9')).toBe('203.0.113.9');
  });

  it('counts every address of an IPv6 /64 together', () => {
    expect(clientNetworkOf('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(clientNetworkOf('2001:0db8:0001:0002::1')).toBe('2001:db8:1:2::/64');
    expect(clientNetworkOf('2001:db8:1:2::ffff')).toBe(clientNetworkOf('2001:db8:1:2:9:9:9:9'));
    expect(clientNetworkOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientNetworkOf('::1')).toBe('0:0:0:0::/64');
    expect(clientNetworkOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientNetworkOf('2001:db8:1:3::1')).not.toBe(clientNetworkOf('2001:db8:1:2::1'));
  });

  it('leaves what is not an address alone', () => {
    expect(clientNetworkOf('unknown')).toBe('unknown');
  });
});
