import { describe, expect, it } from 'vitest';
import { normaliseAddress, parseTrustProxy } from './client-address.js';

describe('client addresses for rate limits', () => {
  it('keeps IPv4, turns IPv4-mapped IPv6 into IPv4 and IPv6 into its /64', () => {
    expect(normaliseAddress('203.0.113.7')).toBe('203.0.113.7');
    expect(normaliseAddress('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(normaliseAddress('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(normaliseAddress('2001:0db8:0001:0002::1')).toBe('2001:db8:1:2::/64');
    expect(normaliseAddress('[2001:db8:1:2::1]')).toBe('2001:db8:1:2::/64');
    expect(normaliseAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    // With a port, as some proxies write X-Forwarded-For.
    expect(normaliseAddress('203.0.113.7:51234')).toBe('203.0.113.7');
    expect(normaliseAddress('[2001:db8:1:2::1]:51234')).toBe('2001:db8:1:2::/64');
  });

  it('anything that is not an address is one "unknown" client', () => {
    for (const bad of [undefined, '', 'not an address', '203.0.113.7:port', '999.1.1.1', '<script>']) expect(normaliseAddress(bad)).toBe('unknown');
  });

  it('TRUST_PROXY: unset, empty, 0 or false trust no proxy; a number that many; any other value one', () => {
    expect([undefined, '', ' ', '0', 'false', 'no'].map(parseTrustProxy)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(['1', '2', 'true', 'yes'].map(parseTrustProxy)).toEqual([1, 2, 1, 1]);
  });
});
