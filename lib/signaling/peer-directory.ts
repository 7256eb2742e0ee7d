import type { Peer, Role } from '../protocol/signaling';

// Which peers each session has, and their roles, as last read from the store, so that
// relaying a signal (the hot path: every ICE candidate) needs no store read. Only
// positive facts are kept: a peer missing here is looked up in the store, so a new peer
// is never refused. A peer id names one socket's one join, so its role never changes. A
// departed peer is forgotten by the instance that saw it leave, and in Redis mode that
// instance tells the others (server-side event); until then a signal to it goes to an
// empty room, exactly as when it leaves a moment after the lookup.

export class PeerDirectory {
  private readonly sessions = new Map<string, Map<string, Role>>();

  has(sessionId: string, peerId: string): boolean {
    return this.sessions.get(sessionId)?.has(peerId) ?? false;
  }

  /** The peer's role, or undefined when this directory does not know the peer. */
  roleOf(sessionId: string, peerId: string): Role | undefined {
    return this.sessions.get(sessionId)?.get(peerId);
  }

  remember(sessionId: string, peers: Iterable<Peer>): void {
    const known = new Map<string, Role>();
    for (const { peerId, role } of peers) known.set(peerId, role);
    if (known.size) this.sessions.set(sessionId, known);
    else this.sessions.delete(sessionId);
  }

  forgetPeer(sessionId: string, peerId: string): void {
    const known = this.sessions.get(sessionId);
    if (!known?.delete(peerId)) return;
    if (known.size === 0) this.sessions.delete(sessionId);
  }

  forgetSession(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  get size(): number {
    return this.sessions.size;
  }
}
