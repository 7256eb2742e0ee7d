import { describe, expect, it } from 'vitest';
import { clientIp } from '../../../lib/signaling/client-ip';

describe('client address for abuse limits', () => {
  it('uses the socket address unless a trusted proxy is configured', () => {
    expect(clientIp('10.0.0.5', '1.2.3.4', false)).toBe('10.0.0.5');
    expect(clientIp('::ffff:192.0.2.7', undefined, false)).toBe('192.0.2.7');
    expect(clientIp(undefined, undefined, false)).toBe('unknown');
  });
  it("behind a trusted proxy takes the proxy's last hop, never a client-supplied first one", () => {
    expect(clientIp('127.0.0.1', '203.0.113.9, 198.51.100.1', true)).toBe('198.51.100.1');
    expect(clientIp('127.0.0.1', ['203.0.113.9', '198.51.100.2'], true)).toBe('198.51.100.2');
    expect(clientIp('127.0.0.1', ' , ', true)).toBe('127.0.0.1');
  });
});
