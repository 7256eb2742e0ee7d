import { describe, expect, it } from 'vitest';
import type { Peer } from '../../../lib/protocol/signaling';
import { PeerDirectory } from '../../../lib/signaling/peer-directory';

const receivers = (...ids: string[]): Peer[] => ids.map((peerId) => ({ peerId, role: 'receiver' }));

describe('PeerDirectory', () => {
  it('knows only the peers it was told about, per session', () => {
    const d = new PeerDirectory();
    d.remember('s1', receivers('a', 'b'));
    expect(d.has('s1', 'a')).toBe(true);
    expect(d.has('s1', 'c')).toBe(false);
    expect(d.has('s2', 'a')).toBe(false);
  });

  it("knows each peer's role", () => {
    const d = new PeerDirectory();
    d.remember('s1', [{ peerId: 's', role: 'sender' }, ...receivers('r')]);
    expect([d.roleOf('s1', 's'), d.roleOf('s1', 'r'), d.roleOf('s1', 'x'), d.roleOf('s2', 's')]).toEqual([
      'sender',
      'receiver',
      undefined,
      undefined,
    ]);
  });

  it('a fresh read replaces what was known (a departed peer is not kept)', () => {
    const d = new PeerDirectory();
    d.remember('s1', receivers('a', 'b'));
    d.remember('s1', receivers('a', 'c'));
    expect([d.has('s1', 'b'), d.has('s1', 'c')]).toEqual([false, true]);
  });

  it('forgets a peer, and the session once its last peer is gone, so nothing leaks', () => {
    const d = new PeerDirectory();
    d.remember('s1', receivers('a', 'b'));
    d.remember('s2', receivers('x'));
    d.forgetPeer('s1', 'a');
    expect(d.has('s1', 'a')).toBe(false);
    expect(d.roleOf('s1', 'a')).toBeUndefined();
    expect(d.size).toBe(2);
    d.forgetPeer('s1', 'b');
    d.forgetPeer('s1', 'nobody');
    d.forgetSession('s2');
    d.remember('s3', []);
    expect(d.size).toBe(0);
  });
});
