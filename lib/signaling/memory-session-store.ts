import { MAX_NAMEPLATE, MIN_NAMEPLATE } from '../protocol/pake';
import type { Peer, Role } from '../protocol/signaling';
import { hashToken, newSenderToken, newSessionId, tokenMatches } from './secrets';
import type { CreatedSession, CreateOptions, JoinOutcome, SessionStore, SessionView } from './session-store';

interface Entry {
  id: string;
  tokenHash: string;
  expiresAt: number;
  maxReceivers: number;
  nameplate: number | null;
  sender: string | null;
  receivers: string[];
}

export interface MemoryStoreOptions {
  ttlMs: number;
  maxSessions: number;
  /** Highest nameplate handed out (default MAX_NAMEPLATE); lower only in tests. */
  maxNameplate?: number;
  now?: () => number;
}

/** Sessions in this process's memory: the default when no shared store is configured. */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, Entry>();
  /** nameplate → session id, for the sessions that asked for a code. */
  private readonly nameplates = new Map<number, string>();
  private readonly now: () => number;

  constructor(private readonly options: MemoryStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.sessions.size;
  }

  async create(options: CreateOptions = {}) {
    if (this.sessions.size >= this.options.maxSessions) return { ok: false as const, code: 'capacity' as const };
    const nameplate = options.code ? this.freeNameplate() : null;
    if (nameplate === undefined) return { ok: false as const, code: 'capacity' as const };
    const session: CreatedSession = {
      id: newSessionId(),
      senderToken: newSenderToken(),
      expiresAt: this.now() + this.options.ttlMs,
      maxReceivers: options.maxReceivers ?? 1,
      ...(nameplate !== null ? { nameplate } : {}),
    };
    const { id, expiresAt, maxReceivers } = session;
    this.sessions.set(id, { id, tokenHash: hashToken(session.senderToken), expiresAt, maxReceivers, nameplate, sender: null, receivers: [] });
    if (nameplate !== null) this.nameplates.set(nameplate, id);
    return { ok: true as const, session };
  }

  async findByNameplate(nameplate: number): Promise<string | null> {
    const id = this.nameplates.get(nameplate);
    const entry = id === undefined ? undefined : this.sessions.get(id);
    return entry && !this.isExpired(entry) ? entry.id : null;
  }

  /**
   * The smallest number no live session holds (short codes stay short); undefined when
   * all are taken. A session that expired but was not swept yet gives its number up here.
   */
  private freeNameplate(): number | undefined {
    const max = Math.min(this.options.maxNameplate ?? MAX_NAMEPLATE, MAX_NAMEPLATE);
    for (let n = MIN_NAMEPLATE; n <= max; n++) {
      const holder = this.sessions.get(this.nameplates.get(n) ?? '');
      if (!holder) return n;
      if (this.isExpired(holder)) {
        this.release(holder);
        return n;
      }
    }
    return undefined;
  }

  private release(entry: Entry): void {
    if (entry.nameplate !== null && this.nameplates.get(entry.nameplate) === entry.id) this.nameplates.delete(entry.nameplate);
    entry.nameplate = null;
  }

  async get(id: string): Promise<SessionView | null> {
    const entry = this.sessions.get(id);
    if (!entry) return null;
    return { id, expiresAt: entry.expiresAt, expired: this.isExpired(entry), maxReceivers: entry.maxReceivers, peers: peersOf(entry) };
  }

  async join(id: string, role: Role, peerId: string, senderToken?: string): Promise<JoinOutcome> {
    const entry = this.sessions.get(id);
    if (!entry) return { ok: false, code: 'not_found' };
    if (this.isExpired(entry)) return { ok: false, code: 'expired' };
    const others = peersOf(entry);
    if (role === 'sender') {
      if (!tokenMatches(senderToken, entry.tokenHash)) return { ok: false, code: 'forbidden' };
      if (entry.sender) return { ok: false, code: 'full' };
      entry.sender = peerId;
    } else {
      if (entry.receivers.length >= entry.maxReceivers) return { ok: false, code: 'full' };
      entry.receivers.push(peerId);
    }
    return { ok: true, peers: others };
  }

  async leave(id: string, peerId: string): Promise<Peer | null> {
    const entry = this.sessions.get(id);
    if (!entry) return null;
    if (entry.sender === peerId) {
      entry.sender = null;
      return { peerId, role: 'sender' };
    }
    const at = entry.receivers.indexOf(peerId);
    if (at < 0) return null;
    entry.receivers.splice(at, 1);
    return { peerId, role: 'receiver' };
  }

  async end(id: string): Promise<void> {
    const entry = this.sessions.get(id);
    if (entry) this.release(entry);
    this.sessions.delete(id);
  }

  async sweep(): Promise<string[]> {
    const removed: string[] = [];
    for (const entry of this.sessions.values()) {
      if (this.isExpired(entry)) {
        this.release(entry);
        this.sessions.delete(entry.id);
        removed.push(entry.id);
      }
    }
    return removed;
  }

  private isExpired(entry: Entry): boolean {
    return this.now() >= entry.expiresAt;
  }
}

function peersOf(entry: Entry): Peer[] {
  const peers: Peer[] = entry.receivers.map((peerId) => ({ peerId, role: 'receiver' as const }));
  return entry.sender ? [{ peerId: entry.sender, role: 'sender' }, ...peers] : peers;
}
