import { MAX_NAMEPLATE, MIN_NAMEPLATE } from '../protocol/pake';
import type { Peer, Role } from '../protocol/signaling';
import { hashToken, newSenderToken, newSessionId, tokenMatches } from './secrets';
import type { CreatedSession, CreateOptions, CreateOutcome, JoinOutcome, SessionStore, SessionView, StoreLimits } from './session-store';

interface Entry {
  id: string;
  tokenHash: string;
  expiresAt: number;
  /** Until the sender first joins: the session is gone at this time. */
  claimBy: number | null;
  owner: string | null;
  maxReceivers: number;
  nameplate: number | null;
  sender: string | null;
  receivers: string[];
}

export interface MemoryStoreOptions extends StoreLimits {
  /** Highest nameplate handed out (default MAX_NAMEPLATE); lower only in tests. */
  maxNameplate?: number;
  now?: () => number;
}

/** Sessions in this process's memory: the default when no shared store is configured. */
export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, Entry>();
  /** nameplate → session id, for the sessions that asked for a code. */
  private readonly nameplates = new Map<number, string>();
  /** owner → its sessions' ids (live or not yet swept). */
  private readonly owned = new Map<string, Set<string>>();
  private readonly now: () => number;

  constructor(private readonly options: MemoryStoreOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.sessions.size;
  }

  async create(options: CreateOptions = {}): Promise<CreateOutcome> {
    // Sessions that expired since the last sweep must not hold capacity.
    if (this.sessions.size >= this.options.maxSessions) this.removeExpired();
    if (this.sessions.size >= this.options.maxSessions) return { ok: false, code: 'capacity' };
    const owner = options.owner ?? null;
    if (owner !== null && this.options.maxPerOwner !== undefined) {
      const live = this.liveOf(owner);
      if (live.length >= this.options.maxPerOwner) {
        const next = Math.min(...live.map((e) => this.deadline(e)));
        return { ok: false, code: 'owner_limit', retryAfterMs: Math.max(0, next - this.now()) };
      }
    }
    const nameplate = options.code ? this.freeNameplate() : null;
    if (nameplate === undefined) return { ok: false, code: 'capacity' };
    const now = this.now();
    const session: CreatedSession = {
      id: newSessionId(),
      senderToken: newSenderToken(),
      expiresAt: now + this.options.ttlMs,
      maxReceivers: options.maxReceivers ?? 1,
      ...(nameplate !== null ? { nameplate } : {}),
    };
    const { id, expiresAt, maxReceivers } = session;
    const { unclaimedTtlMs, ttlMs } = this.options;
    const claimBy = unclaimedTtlMs !== undefined && unclaimedTtlMs < ttlMs ? now + unclaimedTtlMs : null;
    this.sessions.set(id, { id, tokenHash: hashToken(session.senderToken), expiresAt, claimBy, owner, maxReceivers, nameplate, sender: null, receivers: [] });
    if (nameplate !== null) this.nameplates.set(nameplate, id);
    if (owner !== null) {
      const ids = this.owned.get(owner) ?? new Set<string>();
      this.owned.set(owner, ids.add(id));
    }
    return { ok: true, session };
  }

  /** The owner's live sessions (forgetting ids that are gone). */
  private liveOf(owner: string): Entry[] {
    const ids = this.owned.get(owner);
    if (!ids) return [];
    const live: Entry[] = [];
    for (const id of ids) {
      const entry = this.sessions.get(id);
      if (!entry) ids.delete(id);
      else if (!this.isExpired(entry)) live.push(entry);
    }
    if (ids.size === 0) this.owned.delete(owner);
    return live;
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
    const entry = this.live(id);
    if (!entry) return null;
    return { id, expiresAt: entry.expiresAt, expired: this.isExpired(entry), maxReceivers: entry.maxReceivers, peers: peersOf(entry) };
  }

  async join(id: string, role: Role, peerId: string, senderToken?: string): Promise<JoinOutcome> {
    const entry = this.live(id);
    if (!entry) return { ok: false, code: 'not_found' };
    if (this.isExpired(entry)) return { ok: false, code: 'expired' };
    const others = peersOf(entry);
    if (role === 'sender') {
      if (!tokenMatches(senderToken, entry.tokenHash)) return { ok: false, code: 'forbidden' };
      if (entry.sender) return { ok: false, code: 'full' };
      entry.sender = peerId;
      // Claimed: from now on the session lives its full time.
      entry.claimBy = null;
    } else {
      if (entry.receivers.length >= entry.maxReceivers) return { ok: false, code: 'full' };
      entry.receivers.push(peerId);
    }
    return { ok: true, peers: others, ...(entry.nameplate !== null ? { coded: true } : {}) };
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
    if (entry) this.remove(entry);
  }

  async sweep(): Promise<string[]> {
    return this.removeExpired();
  }

  private removeExpired(): string[] {
    const removed: string[] = [];
    for (const entry of this.sessions.values()) {
      if (this.isExpired(entry)) {
        this.remove(entry);
        removed.push(entry.id);
      }
    }
    return removed;
  }

  private remove(entry: Entry): void {
    this.release(entry);
    this.sessions.delete(entry.id);
    const ids = entry.owner === null ? undefined : this.owned.get(entry.owner);
    if (ids?.delete(entry.id) && ids.size === 0) this.owned.delete(entry.owner!);
  }

  /** The entry, unless it was never claimed in time: such a session is gone, as in Redis (its keys expire then). */
  private live(id: string): Entry | undefined {
    const entry = this.sessions.get(id);
    return entry && !(entry.claimBy !== null && this.now() >= entry.claimBy) ? entry : undefined;
  }

  /** When the session ends unless something changes: its claim deadline while unclaimed. */
  private deadline(entry: Entry): number {
    return entry.claimBy ?? entry.expiresAt;
  }

  private isExpired(entry: Entry): boolean {
    return this.now() >= this.deadline(entry);
  }
}

function peersOf(entry: Entry): Peer[] {
  const peers: Peer[] = entry.receivers.map((peerId) => ({ peerId, role: 'receiver' as const }));
  return entry.sender ? [{ peerId: entry.sender, role: 'sender' }, ...peers] : peers;
}
