import { confirmationTranscript } from '../crypto/key-confirmation';
import { createEphemeral, ephemeralSecret, type Ephemeral } from '../crypto/ephemeral';
import { deriveConnectionKeys, deriveSessionKeys, encodeLinkKey, generateLinkKey, type SessionKeys } from '../crypto/keys';
import { ApiErrorSchema, CreateSessionResponseSchema } from '../protocol/api';
import { isSignalingErrorCode, isTransferErrorCode, isVaultError, USER_MESSAGES, VaultError, type TransferErrorCode } from '../protocol/errors';
import type { Peer } from '../protocol/signaling';
import { channelPort, type ChannelPort } from '../rtc/channel-port';
import { PeerLink, type Handshake } from '../rtc/peer-link';
import { SignalingClient } from '../rtc/signaling-client';
import { chunkSizeFor } from '../transfer/chunking';
import { fileSourceFromBlob } from '../transfer/file-source';
import { emptyProgress } from '../transfer/progress';
import { RateMeter } from '../transfer/rate-meter';
import { SendSession } from '../transfer/send-session';
import type { SelectedFile } from '../transfer/selection';
import { shownError } from './errors';
import { buildShareLink } from './share-link';
import { SnapshotStore } from './snapshot-store';
import type { SenderSnapshot } from './transfer-status';

const REJECTED_NOTICE =
  'A browser with a wrong or altered link tried to connect and was turned away. The link still works for the right recipient.';

const abortDetail = (code: TransferErrorCode) => `The recipient stopped before any file data was sent. ${USER_MESSAGES[code]}`;

/** Why the server would not create a session, in our words: its named code when it gave one. */
async function refusal(response: Response): Promise<VaultError> {
  const body = ApiErrorSchema.safeParse(await response.json().catch(() => null));
  const code = body.success && isSignalingErrorCode(body.data.code) ? body.data.code : 'unavailable';
  return new VaultError(code, USER_MESSAGES[code]);
}

/** How long a failed side keeps the channel open so its error frame is delivered. */
const ERROR_LINGER_MS = 500;

/**
 * The sender page's whole flow, outside React: create a session, make K and the link,
 * wait for the receiver, connect peer-to-peer, send, and wait for verification.
 */
export class SenderController {
  readonly store: SnapshotStore<SenderSnapshot>;
  private signaling: SignalingClient | null = null;
  private link: PeerLink | null = null;
  private port: ChannelPort | null = null;
  private session: SendSession | null = null;
  private receiver: string | null = null;
  private iceServers: RTCIceServer[] = [];
  private disposed = false;
  /** The receiver stopped us with a sealed abort: it needs no abort back. */
  private peerAborted = false;
  private readonly meter = new RateMeter();

  constructor(
    private readonly files: SelectedFile[],
    private readonly origin: string,
  ) {
    const total = files.reduce((sum, f) => sum + f.file.size, 0);
    this.store = new SnapshotStore<SenderSnapshot>({
      status: 'idle',
      link: null,
      expiresAt: null,
      files: files.map(({ path, file }) => ({ name: file.name, path, size: file.size })),
      progress: emptyProgress(total, files.length),
      speed: null,
      error: null,
      notice: null,
    });
  }

  async start(): Promise<void> {
    try {
      this.update({ status: 'creating' });
      const response = await fetch('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      if (!response.ok) throw await refusal(response);
      const created = CreateSessionResponseSchema.parse(await response.json());
      const linkKey = generateLinkKey();
      const keys = await deriveSessionKeys(linkKey, created.id);
      if (this.disposed) return;
      this.signaling = new SignalingClient(keys, {
        signal: (from, message) => {
          if (from !== this.receiver) return;
          if (message.type !== 'abort') return void this.link?.handle(message);
          this.peerAborted = true;
          this.fail(new VaultError(message.data.code, USER_MESSAGES[message.data.code]), abortDetail(message.data.code));
        },
        rejected: (from, error) => this.onRejected(from, error),
        peerJoined: (peer) => void this.onPeer(peer, linkKey, keys),
        peerLeft: (peer) => this.onPeerLeft(peer),
        // Once the channel is open the transfer no longer needs signaling (it may expire or end).
        fatal: (error) => {
          if (!this.port) this.fail(error);
        },
      });
      const joined = await this.signaling.join({ sessionId: created.id, role: 'sender', senderToken: created.senderToken });
      this.iceServers = joined.iceServers;
      this.update({
        status: 'waiting',
        link: buildShareLink(this.origin, created.id, encodeLinkKey(linkKey)),
        expiresAt: created.expiresAt,
      });
      for (const peer of joined.peers) void this.onPeer(peer, linkKey, keys);
    } catch (error) {
      this.fail(error);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.session?.fail(new VaultError('cancelled', USER_MESSAGES.cancelled));
    this.teardownPeer();
    this.signaling?.close();
    this.store.dispose();
  }

  private async onPeer(peer: Peer, linkKey: Uint8Array, keys: SessionKeys): Promise<void> {
    if (peer.role !== 'receiver' || this.receiver || this.disposed) return;
    if (this.store.get().status !== 'waiting') return;
    this.receiver = peer.peerId;
    this.update({ status: 'connecting' });
    try {
      // A fresh ephemeral key per connection attempt: forward secrecy (protocol §2).
      const ephemeral = await createEphemeral();
      if (this.receiver !== peer.peerId) return;
      const link = (this.link = new PeerLink(this.iceServers, true, ephemeral.publicKey, {
        signal: (body) => void this.signaling?.send(peer.peerId, body),
        open: (channel, maxMessageSize, handshake) => void this.open(channel, maxMessageSize, linkKey, keys, ephemeral, handshake),
        failed: (error) => this.fail(error),
      }));
      await link.start();
    } catch (error) {
      this.fail(error);
    }
  }

  private async open(
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
      // The session may have failed (e.g. the receiver aborted) while the keys were derived.
      if (this.disposed || this.store.latest().status !== 'connecting') return channel.close();
      const { local, remote } = handshake.fingerprints;
      await this.send(channel, maxMessageSize, connectionKeys, confirmationTranscript(keys.sessionId, local, remote));
    } catch (error) {
      this.fail(error);
    }
  }

  /**
   * An envelope from our receiver did not open. A wrong link cannot be told apart from
   * a tampering relay here, and a wrong link must not end the session for the right
   * recipient: drop that receiver, say so, tell it (sealed), and keep waiting.
   */
  private onRejected(from: string, error: VaultError): void {
    if (from !== this.receiver) return;
    this.update({ notice: shownError(error, REJECTED_NOTICE) });
    if (this.port) return; // the channel is open and authenticated; signaling no longer matters
    void this.signaling?.send(from, { type: 'abort', data: { code: 'envelope_invalid' } });
    this.teardownPeer();
    if (this.store.latest().status === 'connecting') this.update({ status: 'waiting' });
  }

  private onPeerLeft(peer: Peer): void {
    if (peer.peerId !== this.receiver) return;
    const { status } = this.store.latest();
    if (status === 'connecting') {
      // The receiver left before the channel opened (e.g. its link key was wrong):
      // keep the link usable for the right receiver.
      this.teardownPeer();
      this.update({ status: 'waiting' });
    }
    // Once the channel is open the transfer no longer needs signaling; the channel's
    // own close tells us if the receiver really went away.
  }

  private async send(channel: RTCDataChannel, maxMessageSize: number, keys: SessionKeys, transcript: Uint8Array): Promise<void> {
    const port = (this.port = channelPort(channel));
    const session = (this.session = new SendSession({
      keys,
      port,
      transcript,
      files: this.files.map(({ path, file }) => fileSourceFromBlob(file, path)),
      chunkSize: chunkSizeFor(maxMessageSize),
      onProgress: (progress) => {
        const speed = this.meter.sample(progress.bytesDone, progress.bytesTotal, performance.now());
        this.store.setThrottled({ ...this.store.latest(), progress, speed });
      },
    }));
    port.onFrame((frame) => session.receive(frame));
    port.onClose((error) => session.fail(error, false));
    this.update({ status: 'sending' });
    try {
      const progress = await session.run();
      this.update({ status: 'done', progress, speed: null });
      void this.signaling?.end();
      setTimeout(() => this.teardownPeer(), 1_000);
    } catch (error) {
      this.fail(error);
    }
  }

  private teardownPeer(): void {
    this.port?.close();
    this.link?.close();
    this.port = null;
    this.link = null;
    this.session = null;
    this.receiver = null;
  }

  private fail(error: unknown, detail?: string): void {
    if (this.disposed || this.store.latest().status === 'error' || this.store.latest().status === 'done') return;
    this.update({ status: 'error', error: shownError(error, detail), speed: null });
    // Before the channel opens the receiver can only learn why over signaling.
    if (this.receiver && !this.port && isVaultError(error) && isTransferErrorCode(error.code) && !this.peerAborted) {
      void this.signaling?.send(this.receiver, { type: 'abort', data: { code: error.code } });
    }
    // Let the error frame reach the other side before the channel closes; without a
    // channel there is nothing to deliver, and a half-made connection must not open.
    if (this.port) setTimeout(() => this.teardownPeer(), ERROR_LINGER_MS);
    else this.teardownPeer();
  }

  private update(patch: Partial<SenderSnapshot>): void {
    this.store.set({ ...this.store.latest(), ...patch });
  }
}
