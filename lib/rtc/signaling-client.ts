import { io, type Socket } from 'socket.io-client';
import { openSignal, sealSignal } from '../crypto/envelope';
import type { SessionKeys } from '../crypto/keys';
import { USER_MESSAGES, VaultError, type SignalingErrorCode } from '../protocol/errors';
import type { PakeMessage } from '../protocol/pake';
import {
  JoinAckSchema,
  PakeDeliverySchema,
  PeerJoinedSchema,
  PeerLeftSchema,
  SessionClosedSchema,
  SignalAckSchema,
  SignalDeliverySchema,
  type ClientToServerEvents,
  type IceServer,
  type JoinAck,
  type JoinRequest,
  type Peer,
  type PeerJoined,
  type PeerLeft,
  type ServerToClientEvents,
  type SignalPlaintext,
} from '../protocol/signaling';

// The browser's side of signaling: joins a session and exchanges sealed envelopes.
// The server sees only envelopes; every delivered one is opened, validated and
// checked against replay (per-peer increasing seq) before anyone acts on it.
//
// Signaling may drop (Wi-Fi hand-over, a server restart behind a load balancer):
// Socket.IO reconnects by itself, and this client joins the same session again in the
// same role (the sender with its token), under a new peer id.

const ACK_TIMEOUT_MS = 10_000;
/**
 * After a network blip the server may not have noticed our old socket is dead yet
 * (its ping timeout is 15 s), so its slot still counts and a rejoin gets `full`. Such
 * refusals are retried for this long.
 */
const REJOIN_WINDOW_MS = 30_000;
const REJOIN_RETRY_MS = 2_000;
/** Reconnection keeps trying for about a minute (backoff capped at 5 s). */
const RECONNECT_OPTIONS = { reconnectionAttempts: 15, reconnectionDelay: 500, reconnectionDelayMax: 5_000 };

export interface SignalingEvents {
  signal(from: string, message: SignalPlaintext): void;
  peerJoined(peer: PeerJoined): void;
  peerLeft(peer: PeerLeft): void;
  /** The socket reconnected and joined again: this page now has a new peer id. */
  rejoined?(joined: Extract<JoinAck, { ok: true }>): void;
  /** An envelope from `from` did not open, did not validate or was replayed. */
  rejected(from: string, error: VaultError): void;
  /** A failure that ends this session for this page (session closed). */
  fatal(error: VaultError): void;
  /** A short-code PAKE message (not sealed: the code's receiver has no key yet). */
  pake?(from: string, message: PakeMessage): void;
}

export type SignalBody = SignalPlaintext extends infer T ? (T extends unknown ? Omit<T, 'seq'> : never) : never;

export class SignalingClient {
  private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  private peerId: string | null = null;
  private seq = 0;
  private readonly lastSeqFrom = new Map<string, number>();
  private inbox: Promise<void> = Promise.resolve();
  private outbox: Promise<void> = Promise.resolve();
  private joined: JoinRequest | null = null;
  private closed = false;
  /** This connection's join succeeded (a socket the server closes before that was idle, not dropped). */
  private live = false;

  /**
   * `keys` null: a receiver who typed a short code joins before it has K; it runs the
   * PAKE over `pake` events, then `setKeys`. Until then nothing sealed goes either way.
   */
  constructor(
    private keys: SessionKeys | null,
    private readonly events: SignalingEvents,
    url?: string,
  ) {
    const options = { autoConnect: false, ...RECONNECT_OPTIONS };
    this.socket = url ? io(url, options) : io(options);
    this.socket.on('connect', () => {
      if (this.joined) void this.rejoin(this.joined, Date.now() + REJOIN_WINDOW_MS);
    });
    this.socket.on('disconnect', (reason) => {
      const wasLive = this.live;
      this.live = false;
      if (reason !== 'io server disconnect' || !this.joined || this.closed) return;
      // The server let go of us (an instance shutting down): Socket.IO does not retry
      // that by itself, but the session lives on in the shared store.
      if (wasLive) return void setTimeout(() => this.socket.connect(), 500);
      // It closed a connection that could not join again in time (SOCKET_JOIN_TIMEOUT_SECONDS).
      this.joined = null;
      this.events.fatal(new VaultError('unavailable', USER_MESSAGES.unavailable));
    });
    this.socket.io.on('reconnect_failed', () => {
      if (this.joined) this.events.fatal(new VaultError('unavailable', USER_MESSAGES.unavailable));
    });
    this.socket.on('pake', (payload) => {
      const delivery = PakeDeliverySchema.safeParse(payload);
      if (delivery.success) this.events.pake?.(delivery.data.from, delivery.data.message);
    });
    this.socket.on('signal', (payload) => {
      // Open envelopes in arrival order: ICE must not overtake its offer.
      this.inbox = this.inbox.then(() => this.deliver(payload));
    });
    // The server is not trusted with secrets, nor with well-formed events: validate them too.
    this.socket.on('peer-joined', (payload) => {
      const peer = PeerJoinedSchema.safeParse(payload);
      if (peer.success) this.events.peerJoined(peer.data);
    });
    this.socket.on('peer-left', (payload) => {
      const peer = PeerLeftSchema.safeParse(payload);
      if (peer.success) this.events.peerLeft(peer.data);
    });
    this.socket.on('session-closed', (payload) => {
      const closed = SessionClosedSchema.safeParse(payload);
      // An instance shutting down is not the session ending: reconnect and join again.
      if (closed.success && closed.data.reason !== 'shutdown') {
        this.joined = null;
        this.events.fatal(new VaultError('session_closed', USER_MESSAGES.session_closed));
      }
    });
  }

  /** Connects and joins; resolves with the peers already present and the ICE servers. */
  async join(request: JoinRequest): Promise<{ peerId: string; peers: Peer[]; iceServers: IceServer[] }> {
    this.socket.connect();
    let raw: unknown;
    try {
      raw = await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('join', request);
    } catch {
      throw new VaultError('unavailable', 'The signaling server did not answer.');
    }
    const ack = JoinAckSchema.parse(raw);
    if (!ack.ok) {
      const code = ack.code as SignalingErrorCode;
      throw new VaultError(code, USER_MESSAGES[code] ?? ack.message);
    }
    this.peerId = ack.peerId;
    this.joined = request;
    this.live = true;
    return ack;
  }

  /** After a reconnect: the same session and role again; a session that is gone ends this page's signaling. */
  private async rejoin(request: JoinRequest, until: number): Promise<void> {
    let raw: unknown;
    try {
      raw = await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('join', { ...request, rejoin: true });
    } catch {
      return; // the socket dropped again; its next connect retries
    }
    const ack = JoinAckSchema.safeParse(raw);
    if (!ack.success) return;
    if (!ack.data.ok) {
      const code = ack.data.code as SignalingErrorCode;
      const transient = code === 'full' || code === 'rate_limited' || code === 'unavailable';
      if (transient && Date.now() < until) {
        return void setTimeout(() => this.socket.connected && this.joined && this.rejoin(request, until), REJOIN_RETRY_MS);
      }
      this.joined = null;
      return this.events.fatal(new VaultError(code, USER_MESSAGES[code] ?? ack.data.message));
    }
    this.peerId = ack.data.peerId;
    this.live = true;
    this.events.rejoined?.(ack.data);
  }

  /** The key a short code's PAKE produced: sealed signaling can start. */
  setKeys(keys: SessionKeys): void {
    this.keys = keys;
  }

  /** Sends a PAKE message to `to`; rejects with the server's refusal (e.g. the peer left). */
  async sendPake(to: string, message: PakeMessage): Promise<void> {
    let raw: unknown;
    try {
      raw = await this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('pake', { to, message });
    } catch {
      throw new VaultError('unavailable', 'The signaling server did not answer.');
    }
    const ack = SignalAckSchema.safeParse(raw);
    if (ack.success && ack.data.ok) return;
    const code = (ack.success && !ack.data.ok ? ack.data.code : 'unavailable') as SignalingErrorCode;
    throw new VaultError(code, USER_MESSAGES[code] ?? 'The server refused the message.');
  }

  /**
   * Seals and sends; resolves once the server relayed it (or after ACK_TIMEOUT_MS).
   * Sealing is async, so sends are chained: envelopes leave in seq order, as the
   * peer's replay check requires.
   */
  send(to: string, body: SignalBody): Promise<void> {
    const from = this.peerId;
    const keys = this.keys;
    if (!from) return Promise.reject(new VaultError('not_joined', USER_MESSAGES.not_joined));
    if (!keys) return Promise.reject(new VaultError('key_invalid', 'no key yet: the code exchange has not finished'));
    const message = { ...body, seq: this.seq++ } as SignalPlaintext;
    const sealed = sealSignal(keys, { from, to }, message);
    let relayed: Promise<unknown> = Promise.resolve();
    const emitted = this.outbox.then(async () => {
      const envelope = await sealed;
      relayed = this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('signal', { to, envelope }).catch(() => {});
    });
    this.outbox = emitted.catch(() => {});
    return emitted.then(() => relayed).then(() => {});
  }

  /** Sender of a code session only: `to` proved it holds K, so the server keeps its slot (protocol §7). */
  async confirmReceiver(to: string): Promise<void> {
    await this.socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('code-ok', { to })
      .catch(() => {});
  }

  /** Sender only: the transfer is verified, so the server closes the session and the link stops working. */
  async end(): Promise<void> {
    this.joined = null; // the server disconnects us next: that is not a drop to recover from
    await this.socket
      .timeout(ACK_TIMEOUT_MS)
      .emitWithAck('end', {})
      .catch(() => {});
  }

  close(): void {
    this.closed = true;
    this.joined = null;
    this.socket.removeAllListeners();
    this.socket.io.removeAllListeners();
    this.socket.disconnect();
  }

  private async deliver(payload: unknown): Promise<void> {
    const parsed = SignalDeliverySchema.safeParse(payload);
    // Not from our server's schema, or sealed before we could hold the key: ignore.
    if (!parsed.success || !this.peerId || !this.keys) return;
    const { from, envelope } = parsed.data;
    try {
      const message = await openSignal(this.keys, { from, to: this.peerId }, envelope);
      const last = this.lastSeqFrom.get(from) ?? -1;
      if (message.seq <= last) throw new VaultError('envelope_invalid', 'replayed or reordered signaling message');
      this.lastSeqFrom.set(from, message.seq);
      this.events.signal(from, message);
    } catch (error) {
      this.events.rejected(from, error instanceof VaultError ? error : new VaultError('envelope_invalid', String(error)));
    }
  }
}
