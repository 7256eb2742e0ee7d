import { confirmationTranscript } from '../crypto/key-confirmation';
import { createEphemeral, ephemeralSecret, type Ephemeral } from '../crypto/ephemeral';
import { deriveConnectionKeys, deriveSessionKeys, encodeLinkKey, generateLinkKey, type SessionKeys } from '../crypto/keys';
import { ApiErrorSchema, CreateSessionResponseSchema } from '../protocol/api';
import { isSignalingErrorCode, isTransferErrorCode, isVaultError, USER_MESSAGES, VaultError, type VaultErrorCode } from '../protocol/errors';
import type { Peer } from '../protocol/signaling';
import { channelPort, type ChannelPort } from '../rtc/channel-port';
import { PeerLink, rtcSettings, type Handshake, type RtcSettings } from '../rtc/peer-link';
import { SignalingClient } from '../rtc/signaling-client';
import { chunkSizeFor } from '../transfer/chunking';
import { fileSourceFromBlob } from '../transfer/file-source';
import { emptyProgress, type TransferProgress } from '../transfer/progress';
import { RateMeter } from '../transfer/rate-meter';
import { SendSession } from '../transfer/send-session';
import type { SelectedFile } from '../transfer/selection';
import { shownError } from './errors';
import * as roster from './receiver-roster';
import { buildShareLink } from './share-link';
import { SnapshotStore } from './snapshot-store';
import type { SenderSnapshot, SenderStatus } from './transfer-status';

const REJECTED_NOTICE =
  'A browser with a wrong or altered link tried to connect and was turned away. The link still works for the right recipient.';

const abortDetail = (code: VaultErrorCode) => `The recipient stopped before any file data was sent. ${USER_MESSAGES[code]}`;

/** Why the server would not create a session, in our words: its named code when it gave one. */
async function refusal(response: Response): Promise<VaultError> {
  const body = ApiErrorSchema.safeParse(await response.json().catch(() => null));
  const code = body.success && isSignalingErrorCode(body.data.code) ? body.data.code : 'unavailable';
  return new VaultError(code, USER_MESSAGES[code]);
}

/** How long a failed or stopped connection stays open so its error frame is delivered. */
const ERROR_LINGER_MS = 500;
/** How long a finished connection stays open so the receiver's last frames settle. */
const DONE_LINGER_MS = 1_000;

export interface SenderOptions {
  /** Receivers the link admits (1…8); default 1. */
  maxReceivers?: number;
}

/**
 * One receiver's own PeerConnection and transfer: its own ephemeral ECDH, key
 * confirmation and STREAM keys, exactly as if it were the only one.
 */
interface Connection {
  readonly peerId: string;
  link: PeerLink | null;
  port: ChannelPort | null;
  session: SendSession | null;
  readonly meter: RateMeter;
  /** It stopped us with a sealed abort: it needs no abort back. */
  peerAborted: boolean;
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

  constructor(
    private readonly files: SelectedFile[],
    private readonly origin: string,
    options: SenderOptions = {},
  ) {
    this.total = emptyProgress(
      files.reduce((sum, f) => sum + f.file.size, 0),
      files.length,
    );
    this.roster = roster.emptyRoster(options.maxReceivers ?? 1);
    this.store = new SnapshotStore<SenderSnapshot>({
      status: 'idle',
      link: null,
      expiresAt: null,
      files: files.map(({ path, file }) => ({ name: file.name, path, size: file.size })),
      progress: this.total,
      speed: null,
      maxReceivers: this.roster.limit,
      receivers: [],
      error: null,
      notice: null,
    });
  }

  async start(): Promise<void> {
    try {
      this.setPhase('creating');
      const response = await fetch('/api/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ maxReceivers: this.roster.limit }),
      });
      if (!response.ok) throw await refusal(response);
      const created = CreateSessionResponseSchema.parse(await response.json());
      this.roster = roster.emptyRoster(created.maxReceivers);
      const linkKey = generateLinkKey();
      const keys = await deriveSessionKeys(linkKey, created.id);
      if (this.disposed) return;
      this.signaling = new SignalingClient(keys, {
        signal: (from, message) => {
          const connection = this.connections.get(from);
          if (!connection) return;
          if (message.type !== 'abort') return void connection.link?.handle(message);
          connection.peerAborted = true;
          const { code } = message.data;
          this.failReceiver(connection, new VaultError(code, USER_MESSAGES[code]), abortDetail(code));
        },
        rejected: (from, error) => this.onRejected(from, error),
        peerJoined: (peer) => void this.onPeer(peer, linkKey, keys),
        peerLeft: (peer) => this.onPeerLeft(peer),
        fatal: (error) => this.onSignalingClosed(error),
      });
      const joined = await this.signaling.join({ sessionId: created.id, role: 'sender', senderToken: created.senderToken });
      this.rtc = rtcSettings(joined);
      this.phase = 'running';
      this.publish({ link: buildShareLink(this.origin, created.id, encodeLinkKey(linkKey)), expiresAt: created.expiresAt });
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
    for (const connection of [...this.connections.values()]) {
      connection.session?.fail(new VaultError('cancelled', USER_MESSAGES.cancelled));
      this.release(connection, 0);
    }
    this.signaling?.close();
    this.store.dispose();
  }

  private async onPeer(peer: Peer, linkKey: Uint8Array, keys: SessionKeys): Promise<void> {
    if (peer.role !== 'receiver' || this.disposed || this.phase !== 'running' || this.closedBy) return;
    if (this.connections.has(peer.peerId)) return;
    if (!roster.canAdmit(this.roster)) {
      // The server counts who is present; a receiver that finished and left freed its
      // place there, but this link has served as many receivers as it admits.
      if (!roster.allDone(this.roster)) void this.signaling?.send(peer.peerId, { type: 'abort', data: { code: 'full' } });
      return;
    }
    const connection: Connection = { peerId: peer.peerId, link: null, port: null, session: null, meter: new RateMeter(), peerAborted: false };
    this.connections.set(peer.peerId, connection);
    this.roster = roster.admit(this.roster, peer.peerId, this.total);
    this.publish();
    try {
      // A fresh ephemeral key per connection attempt: forward secrecy (protocol §2).
      const ephemeral = await createEphemeral();
      if (this.connections.get(peer.peerId) !== connection) return;
      const link = (connection.link = new PeerLink(this.rtc, true, ephemeral.publicKey, {
        signal: (body) => void this.signaling?.send(peer.peerId, body),
        open: (channel, maxMessageSize, handshake) => void this.open(connection, channel, maxMessageSize, linkKey, keys, ephemeral, handshake),
        failed: (error) => this.failReceiver(connection, error),
      }));
      await link.start();
    } catch (error) {
      this.failReceiver(connection, error);
    }
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
      await handshake.certificateChecked;
      const shared = await ephemeralSecret(ephemeral, handshake.remoteDh);
      const exchange = { senderPublic: ephemeral.publicKey, receiverPublic: handshake.remoteDh, shared };
      const connectionKeys = await deriveConnectionKeys(linkKey, keys.sessionId, exchange);
      // This receiver may have failed, left or been stopped while the keys were derived.
      if (this.disposed || !this.isConnecting(connection)) return channel.close();
      const { local, remote } = handshake.fingerprints;
      await this.send(connection, channel, maxMessageSize, connectionKeys, confirmationTranscript(keys.sessionId, local, remote));
    } catch (error) {
      this.failReceiver(connection, error);
    }
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

  private onPeerLeft(peer: Peer): void {
    const connection = this.connections.get(peer.peerId);
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
      if (this.isConnecting(connection) && !connection.port) this.failReceiver(connection, error);
    }
    this.settle();
  }

  private async send(connection: Connection, channel: RTCDataChannel, maxMessageSize: number, keys: SessionKeys, transcript: Uint8Array): Promise<void> {
    const { peerId } = connection;
    const port = (connection.port = channelPort(channel));
    const session = (connection.session = new SendSession({
      keys,
      port,
      transcript,
      files: this.files.map(({ path, file }) => fileSourceFromBlob(file, path)),
      chunkSize: chunkSizeFor(maxMessageSize),
      onProgress: (progress) => {
        const speed = connection.meter.sample(progress.bytesDone, progress.bytesTotal, performance.now());
        this.roster = roster.progressed(this.roster, peerId, progress, speed);
        this.publish({}, true);
      },
    }));
    port.onFrame((frame) => session.receive(frame));
    port.onClose((error) => session.fail(error, false));
    this.roster = roster.sending(this.roster, peerId);
    this.publish();
    try {
      const progress = await session.run();
      this.roster = roster.completed(this.roster, peerId, progress);
      this.release(connection, DONE_LINGER_MS);
      this.settle();
    } catch (error) {
      this.failReceiver(connection, error);
    }
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
