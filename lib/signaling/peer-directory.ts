// Which peers each session has, as last read from the store, so that relaying a signal
// (the hot path: every ICE candidate) needs no store read. Only positive facts are kept:
// a peer missing here is looked up in the store, so a new peer is never refused. A
// departed peer is forgotten by the instance that saw it leave, and in Redis mode that
// instance tells the others (server-side event); until then a signal to it goes to an
// empty room, exactly as when it leaves a moment after the lookup.

export class PeerDirectory {
  private readonly sessions = new Map<string, Set<string>>();

  has(sessionId: string, peerId: string): boolean {
    return this.sessions.get(sessionId)?.has(peerId) ?? false;
  }

  remember(sessionId: string, peerIds: Iterable<string>): void {
    const known = new Set(peerIds);
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
