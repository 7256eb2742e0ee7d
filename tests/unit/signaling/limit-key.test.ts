import { describe, expect, it } from 'vitest';
import { limitKey } from '../../../lib/signaling/limit-key';

describe('limitKey', () => {
  it('keeps an IPv4 address as it is', () => {
    expect(limitKey('198.51.100.7')).toBe('198.51.100.7');
    expect(limitKey('127.0.0.1')).toBe('127.0.0.1');
  });

  it('maps IPv4-mapped IPv6 to the IPv4 address, dotted or hex', () => {
    expect(limitKey('::ffff:198.51.100.7')).toBe('198.51.100.7');
    expect(limitKey('::FFFF:198.51.100.7')).toBe('198.51.100.7');
    expect(limitKey('0:0:0:0:0:ffff:c633:6407')).toBe('198.51.100.7');
    expect(limitKey('::ffff:7f00:1')).toBe('127.0.0.1');
  });

  it('counts IPv6 per /64, whatever the spelling', () => {
    const key = '2001:db8:a:b::/64';
    for (const address of [
      '2001:db8:a:b::1',
      '2001:db8:a:b:ffff:ffff:ffff:ffff',
      '2001:0DB8:000A:000B:0000:0000:0000:0001',
      '2001:db8:a:b:1:2:3:4',
      '[2001:db8:a:b::5]',
      '2001:db8:a:b::1%eth0',
      '2001:db8:a:b:0:0:1.2.3.4',
    ]) {
      expect({ address, key: limitKey(address) }).toEqual({ address, key });
    }
    expect(limitKey('2001:db8:a:c::1')).toBe('2001:db8:a:c::/64');
    expect(limitKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(limitKey('::1')).toBe('0:0:0:0::/64');
    expect(limitKey('::')).toBe('0:0:0:0::/64');
    expect(limitKey('fe80::1%25lo')).toBe('fe80:0:0:0::/64');
    expect(limitKey('1::')).toBe('1:0:0:0::/64');
  });

  it('leaves what is not an address alone', () => {
    expect(limitKey('unknown')).toBe('unknown');
    expect(limitKey('2001:db8::g')).toBe('2001:db8::g');
  });
});
