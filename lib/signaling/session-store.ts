import type { Peer, Role } from '../protocol/signaling';

// Sessions behind an interface: in memory for one process; a Redis store (shared by
// several instances) implements the same contract. All methods are async for that.

export interface CreatedSession {
  id: string;
  senderToken: string;
  expiresAt: number;
  maxReceivers: number;
  /** The short code's number, when `code` was asked for: unique among live sessions. */
  nameplate?: number;
}

export interface SessionView {
  id: string;
  expiresAt: number;
  expired: boolean;
  /** Receivers present at once beyond this are refused with `full`. */
  maxReceivers: number;
  peers: Peer[];
}

export interface CreateOptions {
  /** Default 1; the API validates the range (lib/protocol/api.ts). */
  maxReceivers?: number;
  /**
   * Also allocate a nameplate: the smallest number ≥ 1 that no live session holds. It
   * names the session until the session ends or expires; none free → `capacity`.
   */
  code?: boolean;
  /**
   * Who asks: limitKey of the client address. With the store's `maxPerOwner`, an owner
   * holding that many live sessions is refused (`owner_limit`) until one ends or expires.
   */
  owner?: string;
}

export type CreateOutcome =
  | { ok: true; session: CreatedSession }
  | { ok: false; code: 'capacity' }
  /** The owner already holds its share of live sessions; one ends or expires within `retryAfterMs`. */
  | { ok: false; code: 'owner_limit'; retryAfterMs: number };

/** What both stores take besides their connection. */
export interface StoreLimits {
  /** A session's life once its sender joined (counted from its creation). */
  ttlMs: number;
  /** A session whose sender has not joined this long after creation is gone (never longer than ttlMs). */
  unclaimedTtlMs?: number;
  maxSessions: number;
  /** Live sessions per owner (CreateOptions.owner); unlimited when absent. */
  maxPerOwner?: number;
}

export type JoinOutcome =
  /** `coded`: the session holds a short code's number, so anyone who looked it up may join. */
  | { ok: true; peers: Peer[]; coded?: boolean }
  | { ok: false; code: 'not_found' | 'expired' | 'forbidden' | 'full' };

export interface SessionStore {
  create(options?: CreateOptions): Promise<CreateOutcome>;
  get(id: string): Promise<SessionView | null>;
  /** The id of the live session holding `nameplate`; null if none does (or it expired or ended). */
  findByNameplate(nameplate: number): Promise<string | null>;
  /** Claims `role` for `peerId`; returns the other peers already present. */
  join(id: string, role: Role, peerId: string, senderToken?: string): Promise<JoinOutcome>;
  /** Frees the peer's role; returns it, or null if it held none. */
  leave(id: string, peerId: string): Promise<Peer | null>;
  /** Removes a session now (its transfer completed), freeing its nameplate. */
  end(id: string): Promise<void>;
  /** Removes expired sessions (and frees their nameplates); returns their ids. */
  sweep(): Promise<string[]>;
}
