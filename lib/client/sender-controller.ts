import { codePassword, formatCode, newCodeWords } from '../codes/short-code';
import { CodeSender } from '../crypto/code-exchange';
import { CODE_EXCHANGE_MS } from '../codes/code-session';
import { confirmationTranscript } from '../crypto/key-confirmation';
import { createEphemeral, type Ephemeral } from '../crypto/ephemeral';
import { connectionKeysFor, deriveSessionKeys, encodeLinkKey, generateLinkKey, type SessionKeys } from '../crypto/keys';
import { isTransferErrorCode, isVaultError, USER_MESSAGES, VaultError, type VaultErrorCode } from '../protocol/errors';
import type { PakeMessage } from '../protocol/pake';
import type { Peer, PeerJoined, PeerLeft, SignalPlaintext } from '../protocol/signaling';
import { channelPort, type ChannelPort } from '../rtc/channel-port';
import { PeerLink, rtcSettings, type Handshake, type RtcSettings } from '../rtc/peer-link';
import { SignalingClient } from '../rtc/signaling-client';
import { chunkSizeFor } from '../transfer/chunking';
import { fileSourceFromBlob } from '../transfer/file-source';
import { inlineFileHasher, type FileHasher } from './file-hasher';
import { emptyProgress, type TransferProgress } from '../transfer/progress';
import { RateMeter } from '../transfer/rate-meter';
import { SendSession } from '../transfer/send-session';
import type { SelectedFile } from '../transfer/selection';
import { shownError } from './errors';
import * as roster from './receiver-roster';
import { MAX_RESUME_ATTEMPTS, OFFER_FRESH_MS, RESUME_ATTEMPT_MS, resumeDelayMs } from '../transfer/reconnect-machine';
import { createSession } from './api-client';
import { DONE_LINGER_MS, ERROR_LINGER_MS } from './timings';
import { buildShareLink } from './share-link';
import { SnapshotStore } from './snapshot-store';
import type { SenderSnapshot, SenderStatus } from './transfer-status';

const REJECTED_NOTICE =
  'A browser with a wrong or altered link tried to connect and was turned away. The link still works for the right recipient.';

const abortDetail = (code: VaultErrorCode) => `The recipient stopped before any file data was sent. ${USER_MESSAGES[code]}`;
const RECEIVER_LEFT = 'The recipient left before the transfer finished (they closed the page). What they had not verified was discarded.';
const CONNECTION_LOST = `The connection to this recipient dropped and could not be restored after ${MAX_RESUME_ATTEMPTS} attempts.`;
const WRONG_CODE =
  'Someone tried a wrong code, so this session was closed to keep your files safe: a code allows one guess. Share again for a new code.';
const UNFINISHED_CODE =
  'Someone opened the code but did not finish entering it, so the server let their place go. The code still works for the right recipient.';

/** A short code's state on the sender: the words stay in this page; the server knows only the number. */
interface CodeState {
  nameplate: number;
  words: string[];
  /** The one exchange this code allows, with the receiver running it. */
  attempt: { peerId: string; exchange: CodeSender; timer: ReturnType<typeof setTimeout> } | null;
  /** A receiver obtained the key with it: later attempts are refused (they learn nothing). */
  spent: boolean;
  /** Receivers that joined with the code and have not started an exchange (nor proved K). */
  idle: Set<string>;
  /** Receivers that proved K (an envelope from them opened): the server was told (`code-ok`). */
  confirmed: Set<string>;
}


export interface SenderOptions {
  /** Receivers the link admits (1…8); default 1. */
  maxReceivers?: number;
  /** The server to create the session on and signal through; the page's own origin when absent (the CLI names one). */
  serverUrl?: string;
  /** Also make a short code (7-orbit-velvet-zebra): its receiver obtains the link key through a PAKE. */
  code?: boolean;
  /**
   * Hashes each file (SHA-256) once, from now on, for every receiver: the page's hashes
   * in a Worker, the command-line peer's with node:crypto. The caller disposes of it;
   * without one, the controller hashes on its own thread.
   */
  hasher?: FileHasher;
}

/**
 * One receiver's own PeerConnection and transfer: its own ephemeral ECDH, key
 * confirmation and STREAM keys, exactly as if it were the only one.
 */
interface Connection {
  /** Changes if the receiver's signaling reconnects (it then names itself by `token`). */
  peerId: string;
  link: PeerLink | null;
  port: ChannelPort | null;
  session: SendSession | null;
  readonly meter: RateMeter;
  /** It stopped us with a sealed abort: it needs no abort back. */
  peerAborted: boolean;
  /** The receiver's own id for its transfer, from its sealed answer. */
  token: string | null;
  /** Attempts to restore the current drop (0 while connected). */
  attempt: number;
  attemptTimer: ReturnType<typeof setTimeout> | null;
  offeredAt: number;
  /** The receiver's latest attempt number that asked us for an offer. */
  askedAttempt: number;
  /** The server said its page closed: a drop now is final. */
  left: boolean;
}

/** Session-wide phase; while `running`, the status comes from the receivers (receiver-roster). */
type Phase = 'idle' | 'creating' | 'running' | 'ended' | 'error';

/**
 * The sender page's whole flow, outside React: create a session, make K and the link,
 * then for each receiver that joins (up to the link's limit) connect peer-to-peer,
 * send, and wait for its verification. The session ends when every slot is done.
 */
export class SenderController {
  readonly store: SnapshotStore<SenderSnapshot>;
  private signaling: SignalingClient | null = null;
  private readonly connections = new Map<string, Connection>();
  private roster: roster.Roster;
  private phase: Phase = 'idle';
  private readonly total: TransferProgress;
  private rtc: RtcSettings = { iceServers: [] };
  private disposed = false;
  private ended = false;
  /** Signaling closed (expired, shut down) while transfers ran: no one new can join. */
  private closedBy: VaultError | null = null;
  private code: CodeState | null = null;
  private readonly hasher: FileHasher;

  constructor(
    private readonly files: SelectedFile[],
    private readonly origin: string,
    private readonly options: SenderOptions = {},
  ) {
    this.total = emptyProgress(
      files.reduce((sum, f) => sum + f.file.size, 0),
      files.length,
    );
    this.roster = roster.emptyRoster(options.maxReceivers ?? 1);
    // Hashing starts now, while the link waits for someone to open it.
    this.hasher = options.hasher ?? inlineFileHasher();
    this.store = new SnapshotStore<SenderSnapshot>({
      status: 'idle',
      link: null,
      code: null,
      expiresAt: null,
      files: files.map(({ path, file }) => ({ name: file.name, path, size: file.size })),
      progress: this.total,
      speed: null,
      maxReceivers: this.roster.limit,
      receivers: [],
      error: null,
      notice: null,
    });
    files.forEach(({ file }, index) => {
      this.hasher.sha256(file).then(
        (sha256) => {
          if (this.disposed) return;
          const shown = this.store.latest().files.map((f, i) => (i === index ? { ...f, sha256 } : f));
          this.publish({ files: shown });
        },
        () => {}, // a file that cannot be read fails its transfer, where the error is shown
      );
    });
  }

  async start(): Promise<void> {
    try {
      this.setPhase('creating');
      const created = await createSession(this.options.serverUrl ?? this.origin, { maxReceivers: this.roster.limit, ...(this.options.code ? { code: true } : {}) });
      this.roster = roster.emptyRoster(created.maxReceivers);
      const linkKey = generateLinkKey();
      const keys = await deriveSessionKeys(linkKey, created.id);
      if (this.disposed) return;
      if (this.options.code && created.nameplate === undefined) throw new VaultError('unavailable', 'the server gave no code number');
      if (created.nameplate !== undefined) this.code = { nameplate: created.nameplate, words: newCodeWords(), attempt: null, spent: false, idle: new Set(), confirmed: new Set() };
      this.signaling = new SignalingClient(
        keys,
        {
          signal: (from, message) => this.onSignal(from, message, linkKey, keys),
          rejected: (from, error) => this.onRejected(from, error),
          peerJoined: (peer) => {
            if (peer.code && peer.role === 'receiver') this.code?.idle.add(peer.peerId);
            void this.onPeer(peer, linkKey, keys);
          },
          peerLeft: (peer) => this.onPeerLeft(peer),
          rejoined: (joined) => {
            // Fresh TURN credentials come with every join.
            this.rtc = rtcSettings(joined);
            this.onRejoined(joined.peers, linkKey, keys);
          },
          fatal: (error) => this.onSignalingClosed(error),
          pake: (from, message) => void this.onPake(from, message, linkKey, created.id),
        },
        this.options.serverUrl,
      );
      const joined = await this.signaling.join({ sessionId: created.id, role: 'sender', senderToken: created.senderToken });
      this.rtc = rtcSettings(joined);
      this.phase = 'running';
      this.publish({
        link: buildShareLink(this.origin, created.id, encodeLinkKey(linkKey)),
        code: this.code ? formatCode(this.code.nameplate, this.code.words) : null,
        expiresAt: created.expiresAt,
      });
      for (const peer of joined.peers) void this.onPeer(peer, linkKey, keys);
    } catch (error) {
      this.failSession(error);
    }
  }

  /** The sender stopped one receiver: it is told (`cancelled`), the others go on. */
  stopReceiver(peerId: string): void {
    const connection = this.connections.get(peerId);
    const view = roster.find(this.roster, peerId);
    if (!connection || !view || !roster.isActive(view)) return;
    this.roster = roster.stopped(this.roster, peerId);
    const cancel = new VaultError('cancelled', USER_MESSAGES.cancelled);
    // A sealed cancel frame on the channel, and a sealed abort over signaling: that one
    // does not queue behind the chunks already buffered, and works before the channel opens.
    connection.session?.fail(cancel);
    void this.signaling?.send(peerId, { type: 'abort', data: { code: 'cancelled' } });
    this.release(connection, connection.port ? ERROR_LINGER_MS : 0);
    this.settle();
  }

  /** The sender ends the session: the link stops working, and receivers still going are stopped. */
  endSession(): void {
    if (this.disposed || this.phase !== 'running') return;
    for (const view of this.roster.receivers) if (roster.isActive(view)) this.stopReceiver(view.peerId);
    if (!this.ended) void this.signaling?.end();
    this.ended = true;
    this.setPhase('ended');
  }

  dispose(): void {
    this.disposed = true;
    if (this.code?.attempt) clearTimeout(this.code.attempt.timer);
    for (const connection of [...this.connections.values()]) {
      connection.session?.fail(new VaultError('cancelled', USER_MESSAGES.cancelled));
      this.release(connection, 0);
    }
    this.signaling?.close();
    this.store.dispose();
    if (!this.options.hasher) this.hasher.dispose();
  }

  private onSignal(from: string, message: SignalPlaintext, linkKey: Uint8Array, keys: SessionKeys): void {
    // It holds K: on a code session, tell the server to keep its place (protocol §7).
    if (this.code && !this.code.confirmed.has(from)) {
      this.code.confirmed.add(from);
      this.code.idle.delete(from);
      void this.signaling?.confirmReceiver(from);
    }
    if (message.type === 'reconnect') return this.onReconnectAsked(from, message.data, linkKey, keys);
    if (message.type === 'present') return void this.adopt(from, message.data.token);
    const connection = this.connections.get(from);
    if (!connection) return;
    if (message.type === 'answer' && message.data.token) connection.token ??= message.data.token;
    if (message.type !== 'abort') return void connection.link?.handle(message);
    connection.peerAborted = true;
    const { code } = message.data;
    const detail = connection.session ? `The recipient stopped the transfer. ${USER_MESSAGES[code]}` : abortDetail(code);
    this.failReceiver(connection, new VaultError(code, USER_MESSAGES[code]), detail);
  }

  /**
   * A receiver asks for a new connection: its side dropped, or its signaling came back
   * under a new peer id (it names its transfer by the token from its sealed answer).
   */
  private onReconnectAsked(from: string, { token, attempt }: { token: string; attempt: number }, linkKey: Uint8Array, keys: SessionKeys): void {
    const connection = this.adopt(from, token);
    // Unknown: a receiver that had not started before its signaling came back.
    if (!connection) return void this.onPeer({ peerId: from, role: 'receiver' }, linkKey, keys);
    if (connection.token !== null && connection.token !== token) return;
    const retry = attempt > connection.askedAttempt;
    connection.askedAttempt = attempt;
    if (!connection.session) {
      // It never got a channel: start its connection over.
      connection.link?.close();
      connection.link = null;
      return void this.connect(connection, linkKey, keys);
    }
    if (connection.port) return this.connectionLost(connection, new VaultError('channel_closed', 'the recipient lost the connection'), {}, linkKey, keys);
    // Already restoring it: a fresh offer stands, unless the receiver says its side of
    // it failed (a later attempt number); an old one is replaced.
    if (retry || performance.now() - connection.offeredAt > OFFER_FRESH_MS) void this.resumeAttempt(connection, linkKey, keys);
  }

  /** The connection `from` belongs to: known by that id, or by its token under an earlier id (then renamed). */
  private adopt(from: string, token: string): Connection | undefined {
    const known = this.connections.get(from);
    if (known) return known;
    const connection = [...this.connections.values()].find((c) => c.token === token);
    if (!connection) return undefined;
    this.connections.delete(connection.peerId);
    this.roster = roster.renamed(this.roster, connection.peerId, from);
    connection.peerId = from;
    this.connections.set(from, connection);
    return connection;
  }

  /** Our signaling came back under a new peer id: offers made meanwhile were lost. */
  private onRejoined(peers: Peer[], linkKey: Uint8Array, keys: SessionKeys): void {
    for (const connection of [...this.connections.values()]) {
      if (!connection.session) {
        this.release(connection, 0);
        this.roster = roster.dropped(this.roster, connection.peerId);
      } else if (!connection.port && roster.find(this.roster, connection.peerId)?.status === 'reconnecting') {
        void this.resumeAttempt(connection, linkKey, keys);
      }
    }
    this.publish();
    for (const peer of peers) void this.onPeer(peer, linkKey, keys);
  }

  private async onPeer(peer: PeerJoined, linkKey: Uint8Array, keys: SessionKeys): Promise<void> {
    if (peer.role !== 'receiver' || this.disposed || this.phase !== 'running' || this.closedBy) return;
    // A receiver whose signaling came back says who it is with a sealed reconnect; so
    // does one that typed the code, once its PAKE gave it the key.
    if (peer.rejoin || peer.code) return;
    if (this.connections.has(peer.peerId)) return;
    if (!roster.canAdmit(this.roster)) {
      // The server counts who is present; a receiver that finished and left freed its
      // place there, but this link has served as many receivers as it admits.
      if (!roster.allDone(this.roster)) void this.signaling?.send(peer.peerId, { type: 'abort', data: { code: 'full' } });
      return;
    }
    const connection: Connection = {
      peerId: peer.peerId,
      link: null,
      port: null,
      session: null,
      meter: new RateMeter(),
      peerAborted: false,
      token: null,
      attempt: 0,
      attemptTimer: null,
      offeredAt: 0,
      askedAttempt: 0,
      left: false,
    };
    this.connections.set(peer.peerId, connection);
    this.roster = roster.admit(this.roster, peer.peerId, this.total);
    this.publish();
    await this.connect(connection, linkKey, keys);
  }

  /** The first connection to a receiver: offer, and on open start its transfer. */
  private async connect(connection: Connection, linkKey: Uint8Array, keys: SessionKeys): Promise<void> {
    try {
      // A fresh ephemeral key per connection attempt: forward secrecy (protocol §2).
      const ephemeral = await createEphemeral();
      if (this.connections.get(connection.peerId) !== connection) return;
      const link = (connection.link = new PeerLink(this.rtc, true, ephemeral.publicKey, {
        signal: (body) => void this.signaling?.send(connection.peerId, body),
        open: (channel, maxMessageSize, handshake) => void this.open(connection, channel, maxMessageSize, linkKey, keys, ephemeral, handshake),
        failed: (error) => (connection.session ? this.connectionLost(connection, error, { link }, linkKey, keys) : this.failReceiver(connection, error)),
      }));
      connection.offeredAt = performance.now();
      await link.start();
    } catch (error) {
      this.failReceiver(connection, error);
    }
  }

  /**
   * A receiver's connection dropped mid-transfer. Its SendSession keeps its place; a new
   * PeerConnection (fresh ECDH, key confirmation again) continues it under the next key
   * epoch, a bounded number of times. `via` names the connection that reported it, so a
   * stale report from a replaced one is ignored.
   */
  private connectionLost(
    connection: Connection,
    error: unknown,
    via: { port?: ChannelPort; link?: PeerLink },
    linkKey: Uint8Array,
    keys: SessionKeys,
  ): void {
    const view = roster.find(this.roster, connection.peerId);
    const session = connection.session;
    if (this.disposed || !view || !roster.isActive(view) || !session || session.finished) return;
    if ((via.port && via.port !== connection.port) || (via.link && via.link !== connection.link)) return;
    if (connection.left) return this.failReceiver(connection, new VaultError('peer_left', RECEIVER_LEFT), RECEIVER_LEFT);
    session.interrupt(isVaultError(error) ? error : new VaultError('channel_closed', String(error)));
    this.closeLink(connection);
    connection.attempt++;
    if (connection.attempt > MAX_RESUME_ATTEMPTS) {
      session.fail(new VaultError('connection_lost', CONNECTION_LOST), false);
      return this.failReceiver(connection, new VaultError('connection_lost', CONNECTION_LOST), CONNECTION_LOST);
    }
    this.roster = roster.reconnecting(this.roster, connection.peerId, connection.attempt, MAX_RESUME_ATTEMPTS);
    this.publish();
    if (connection.attemptTimer) clearTimeout(connection.attemptTimer);
    connection.attemptTimer = setTimeout(() => void this.resumeAttempt(connection, linkKey, keys), resumeDelayMs(connection.attempt));
  }

  /** One attempt to restore a dropped connection: a new offer to the same receiver. */
  private async resumeAttempt(connection: Connection, linkKey: Uint8Array, keys: SessionKeys): Promise<void> {
    if (connection.attemptTimer) clearTimeout(connection.attemptTimer);
    connection.attemptTimer = null;
    if (this.connections.get(connection.peerId) !== connection || !connection.session || connection.session.finished) return;
    this.closeLink(connection);
    connection.offeredAt = performance.now();
    try {
      const ephemeral = await createEphemeral();
      if (this.connections.get(connection.peerId) !== connection || connection.link) return;
      const link = (connection.link = new PeerLink(
        this.rtc,
        true,
        ephemeral.publicKey,
        {
          signal: (body) => void this.signaling?.send(connection.peerId, body),
          // Same two browsers, so the first connection's chunk size still fits.
          open: (channel, _maxMessageSize, handshake) => void this.resumeOver(connection, link, channel, linkKey, keys, ephemeral, handshake),
          failed: (error) => this.connectionLost(connection, error, { link }, linkKey, keys),
        },
        { connectTimeoutMs: RESUME_ATTEMPT_MS },
      ));
      await link.start();
    } catch (error) {
      this.connectionLost(connection, error, {}, linkKey, keys);
    }
  }

  /** The new channel is open: same keys derivation as the first, then the session continues over it. */
  private async resumeOver(
    connection: Connection,
    link: PeerLink,
    channel: RTCDataChannel,
    linkKey: Uint8Array,
    keys: SessionKeys,
    ephemeral: Ephemeral,
    handshake: Handshake,
  ): Promise<void> {
    const session = connection.session!;
    try {
      const keyed = await this.keyConnection(linkKey, keys, ephemeral, handshake);
      if (this.disposed || connection.link !== link || session.finished) return channel.close();
      const port = (connection.port = channelPort(channel));
      session.resume({ ...keyed, port });
      port.onFrame((frame) => session.receive(frame, port));
      port.onClose((error) => this.connectionLost(connection, error, { port }, linkKey, keys));
      await this.runSession(connection, session, port, linkKey, keys);
    } catch (error) {
      this.connectionLost(connection, error, { link }, linkKey, keys);
    }
  }

  /** Runs the transfer over the connection's current port until it is done, fails, or drops. */
  private async runSession(connection: Connection, session: SendSession, port: ChannelPort, linkKey: Uint8Array, keys: SessionKeys): Promise<void> {
    try {
      const progress = await session.run();
      this.roster = roster.completed(this.roster, connection.peerId, progress);
      this.release(connection, DONE_LINGER_MS);
      this.settle();
    } catch (error) {
      if (session.finished) return this.failReceiver(connection, error);
      this.connectionLost(connection, error, { port }, linkKey, keys);
    }
  }

  /** The receiver's request on the new connection said what it kept: the drop is over. */
  private onResumed(connection: Connection, kept: number): void {
    if (connection.attemptTimer) clearTimeout(connection.attemptTimer);
    connection.attemptTimer = null;
    connection.attempt = 0;
    connection.askedAttempt = 0;
    this.roster = roster.resumed(this.roster, connection.peerId, kept);
    this.publish();
  }

  private closeLink(connection: Connection): void {
    const { port, link } = connection;
    connection.port = null;
    connection.link = null;
    port?.close();
    link?.close();
  }

  private async open(
    connection: Connection,
    channel: RTCDataChannel,
    maxMessageSize: number,
    linkKey: Uint8Array,
    keys: SessionKeys,
    ephemeral: Ephemeral,
    handshake: Handshake,
  ): Promise<void> {
    try {
      const keyed = await this.keyConnection(linkKey, keys, ephemeral, handshake);
      // This receiver may have failed, left or been stopped while the keys were derived.
      if (this.disposed || !this.isConnecting(connection)) return channel.close();
      await this.send(connection, channel, maxMessageSize, keyed, linkKey, keys);
    } catch (error) {
      this.failReceiver(connection, error);
    }
  }

  /** Once the certificate is checked: this connection's keys (K and its ECDH secret) and key-confirmation transcript. */
  private async keyConnection(
    linkKey: Uint8Array,
    keys: SessionKeys,
    ephemeral: Ephemeral,
    handshake: Handshake,
  ): Promise<{ keys: SessionKeys; transcript: Uint8Array }> {
    await handshake.certificateChecked;
    const { local, remote } = handshake.fingerprints;
    return {
      keys: await connectionKeysFor('sender', linkKey, keys.sessionId, ephemeral, handshake.remoteDh),
      transcript: confirmationTranscript(keys.sessionId, local, remote),
    };
  }

  /**
   * An envelope from one of our receivers did not open. A wrong link cannot be told
   * apart from a tampering relay here, and a wrong link must not end the session for
   * the right recipients: drop that receiver, say so, tell it (sealed), and go on.
   */
  private onRejected(from: string, error: VaultError): void {
    const connection = this.connections.get(from);
    if (!connection) return;
    this.publish({ notice: shownError(error, REJECTED_NOTICE) });
    if (connection.port) return; // the channel is open and authenticated; signaling no longer matters
    void this.signaling?.send(from, { type: 'abort', data: { code: 'envelope_invalid' } });
    this.release(connection, 0);
    this.roster = roster.dropped(this.roster, from);
    this.publish();
  }

  /**
   * A short code's PAKE (lib/crypto/code-exchange.ts). One exchange per code: the first
   * receiver's; a wrong guess (or one left unfinished) ends the session, so a guesser
   * gets one try in 2^33. Others are refused without learning anything.
   */
  private async onPake(from: string, message: PakeMessage, linkKey: Uint8Array, sessionId: string): Promise<void> {
    const code = this.code;
    if (!code || this.phase !== 'running' || this.closedBy) return;
    if (code.spent || (code.attempt && code.attempt.peerId !== from)) {
      return void this.signaling?.sendPake(from, { t: 'pake-result', ok: false }).catch(() => {});
    }
    code.idle.delete(from);
    if (!code.attempt) {
      const timer = setTimeout(() => this.codeFailed(new VaultError('wrong_code', 'the code exchange was not completed')), CODE_EXCHANGE_MS);
      code.attempt = { peerId: from, exchange: new CodeSender(linkKey, codePassword(code.words), sessionId, code.nameplate), timer };
    }
    const step = await code.attempt.exchange.receive(message);
    // The refusal must reach the guesser before the session closes.
    if (step.send) await this.signaling?.sendPake(from, step.send).catch(() => {});
    if (!step.outcome) return;
    clearTimeout(code.attempt.timer);
    if (!step.outcome.ok) return this.codeFailed(step.outcome.error);
    // The receiver has K now; it asks for an offer with a sealed reconnect (onReconnectAsked).
    code.spent = true;
    this.publish();
  }

  /** Someone spent the code's one guess wrongly: close the session for everyone. */
  private codeFailed(error: VaultError): void {
    if (!this.code || this.code.spent || this.phase !== 'running') return;
    this.code.spent = true;
    for (const view of this.roster.receivers) if (roster.isActive(view)) this.stopReceiver(view.peerId);
    if (!this.ended) void this.signaling?.end();
    this.ended = true;
    this.phase = 'error';
    for (const connection of [...this.connections.values()]) this.release(connection, 0);
    this.publish({ error: shownError(new VaultError('wrong_code', error.message), WRONG_CODE) });
  }

  private onPeerLeft(peer: PeerLeft): void {
    // Someone looked the code up and joined, but never began the exchange: no guess was
    // spent, so the code still works (the server frees such a place after a while).
    if (this.code?.idle.delete(peer.peerId) && !this.code.spent && this.phase === 'running') {
      return this.publish({ notice: { code: 'session_closed', message: UNFINISHED_CODE } });
    }
    const attempt = this.code?.attempt;
    // The code's receiver left mid-exchange: it spent the code all the same.
    if (attempt && attempt.peerId === peer.peerId && !this.code!.spent) {
      clearTimeout(attempt.timer);
      return this.codeFailed(new VaultError('wrong_code', 'the receiver left during the code exchange'));
    }
    const connection = this.connections.get(peer.peerId);
    if (connection?.session && roster.isActive(roster.find(this.roster, connection.peerId)!)) {
      // Its page closed: a drop from now on is final. A signaling timeout (`lost`) is
      // not: the receiver may come back under a new peer id and resume.
      if (peer.reason !== 'lost') connection.left = true;
      if (connection.left && !connection.port) this.failReceiver(connection, new VaultError('peer_left', RECEIVER_LEFT), RECEIVER_LEFT);
      return;
    }
    // Once the channel is open the transfer no longer needs signaling; the channel's
    // own close tells us if the receiver really went away.
    if (!connection || !this.isConnecting(connection) || connection.port) return;
    // It left before the channel opened (e.g. its link key was wrong): its slot is free.
    this.release(connection, 0);
    this.roster = roster.dropped(this.roster, peer.peerId);
    this.settle();
  }

  /** Signaling is over for this page: running transfers go on, nobody new can join. */
  private onSignalingClosed(error: VaultError): void {
    if (this.phase !== 'running') return this.failSession(error);
    this.closedBy ??= error;
    for (const connection of [...this.connections.values()]) {
      // Without signaling nothing new can connect, and a dropped connection cannot be restored.
      const status = roster.find(this.roster, connection.peerId)?.status;
      if (!connection.port && (status === 'connecting' || status === 'reconnecting')) this.failReceiver(connection, error);
    }
    this.settle();
  }

  private async send(
    connection: Connection,
    channel: RTCDataChannel,
    maxMessageSize: number,
    first: { keys: SessionKeys; transcript: Uint8Array },
    linkKey: Uint8Array,
    keys: SessionKeys,
  ): Promise<void> {
    const port = (connection.port = channelPort(channel));
    const session = (connection.session = new SendSession({
      ...first,
      port,
      files: this.files.map(({ path, file }) => fileSourceFromBlob(file, path, (f) => this.hasher.sha256(f))),
      chunkSize: chunkSizeFor(maxMessageSize),
      onProgress: (progress) => {
        const speed = connection.meter.sample(progress.bytesDone, progress.bytesTotal, performance.now());
        this.roster = roster.progressed(this.roster, connection.peerId, progress, speed);
        this.publish({}, true);
      },
      onResumed: ({ bytesKept }) => this.onResumed(connection, bytesKept),
    }));
    port.onFrame((frame) => session.receive(frame, port));
    port.onClose((error) => this.connectionLost(connection, error, { port }, linkKey, keys));
    this.roster = roster.sending(this.roster, connection.peerId);
    this.publish();
    await this.runSession(connection, session, port, linkKey, keys);
  }

  /** One receiver failed: its row says why, its slot is free, the others go on. */
  private failReceiver(connection: Connection, error: unknown, detail?: string): void {
    const view = roster.find(this.roster, connection.peerId);
    if (this.disposed || !view || !roster.isActive(view)) return;
    this.roster = roster.failed(this.roster, connection.peerId, shownError(error, detail));
    // Before the channel opens the receiver can only learn why over signaling.
    if (!connection.port && isVaultError(error) && isTransferErrorCode(error.code) && !connection.peerAborted) {
      void this.signaling?.send(connection.peerId, { type: 'abort', data: { code: error.code } });
    }
    // Let the error frame reach the other side before the channel closes; without a
    // channel there is nothing to deliver, and a half-made connection must not open.
    this.release(connection, connection.port ? ERROR_LINGER_MS : 0);
    this.settle();
  }

  /** Closes one receiver's connection (after `lingerMs`) and forgets it. */
  private release(connection: Connection, lingerMs: number): void {
    if (this.connections.get(connection.peerId) === connection) this.connections.delete(connection.peerId);
    if (connection.attemptTimer) clearTimeout(connection.attemptTimer);
    connection.attemptTimer = null;
    const close = () => {
      connection.port?.close();
      connection.link?.close();
    };
    if (lingerMs > 0) setTimeout(close, lingerMs);
    else close();
  }

  /** After a receiver's change: end the session once every slot is done. */
  private settle(): void {
    if (this.phase !== 'running') return;
    if (roster.allDone(this.roster)) {
      if (!this.ended) void this.signaling?.end();
      this.ended = true;
    } else if (this.closedBy && !this.roster.receivers.some(roster.isActive)) {
      return this.failSession(this.closedBy);
    }
    this.publish();
  }

  private isConnecting(connection: Connection): boolean {
    return this.connections.get(connection.peerId) === connection && roster.find(this.roster, connection.peerId)?.status === 'connecting';
  }

  /** The whole session stopped (it could not be created, or signaling ended with nothing running). */
  private failSession(error: unknown): void {
    // After the sender ended it, the server closing signaling is the expected echo.
    if (this.disposed || this.phase === 'error' || this.phase === 'ended') return;
    this.phase = 'error';
    for (const connection of [...this.connections.values()]) this.release(connection, 0);
    this.publish({ error: shownError(error) });
  }

  private setPhase(phase: Phase): void {
    this.phase = phase;
    this.publish();
  }

  /** Publishes the snapshot: session fields from `patch`, the rest from the roster. */
  private publish(patch: Partial<SenderSnapshot> = {}, throttled = false): void {
    const status: SenderStatus = this.phase === 'running' ? roster.aggregateStatus(this.roster) : this.phase;
    const { progress, speed } = roster.aggregateProgress(this.roster, this.total);
    const next: SenderSnapshot = {
      ...this.store.latest(),
      ...patch,
      status,
      progress,
      speed,
      maxReceivers: this.roster.limit,
      receivers: [...this.roster.receivers],
    };
    if (throttled) this.store.setThrottled(next);
    else this.store.set(next);
  }
}
