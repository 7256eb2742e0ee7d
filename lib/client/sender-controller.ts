import { confirmationTranscript } from '../crypto/key-confirmation';
import { deriveSessionKeys, encodeLinkKey, generateLinkKey, type SessionKeys } from '../crypto/keys';
import { CreateSessionResponseSchema } from '../protocol/api';
import { USER_MESSAGES, VaultError } from '../protocol/errors';
import type { Peer } from '../protocol/signaling';
import { channelPort, type ChannelPort } from '../rtc/channel-port';
import { PeerLink } from '../rtc/peer-link';
import { SignalingClient } from '../rtc/signaling-client';
import { chunkSizeFor } from '../transfer/chunking';
import { fileSourceFromBlob } from '../transfer/file-source';
import { emptyProgress } from '../transfer/progress';
import { RateMeter } from '../transfer/rate-meter';
import { SendSession } from '../transfer/send-session';
import { shownError } from './errors';
import { buildShareLink } from './share-link';
import { SnapshotStore } from './snapshot-store';
import type { SenderSnapshot } from './transfer-status';

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
  private readonly meter = new RateMeter();

  constructor(
    private readonly files: File[],
    private readonly origin: string,
  ) {
    const total = files.reduce((sum, f) => sum + f.size, 0);
    this.store = new SnapshotStore<SenderSnapshot>({
      status: 'idle',
      link: null,
      expiresAt: null,
      files: files.map((f) => ({ name: f.name, size: f.size })),
      progress: emptyProgress(total, files.length),
      speed: null,
      error: null,
    });
  }

  async start(): Promise<void> {
    try {
      this.update({ status: 'creating' });
      const response = await fetch('/api/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      if (!response.ok) {
        const code = response.status === 503 ? 'capacity' : 'unavailable';
        throw new VaultError(code, USER_MESSAGES[code]);
      }
      const created = CreateSessionResponseSchema.parse(await response.json());
      const linkKey = generateLinkKey();
      const keys = await deriveSessionKeys(linkKey, created.id);
      if (this.disposed) return;
      this.signaling = new SignalingClient(keys, {
        signal: (from, message) => {
          if (from === this.receiver) void this.link?.handle(message);
        },
        peerJoined: (peer) => this.onPeer(peer, keys),
        peerLeft: (peer) => this.onPeerLeft(peer),
        fatal: (error) => this.fail(error),
      });
      const joined = await this.signaling.join({ sessionId: created.id, role: 'sender', senderToken: created.senderToken });
      this.iceServers = joined.iceServers;
      this.update({
        status: 'waiting',
        link: buildShareLink(this.origin, created.id, encodeLinkKey(linkKey)),
        expiresAt: created.expiresAt,
      });
      for (const peer of joined.peers) this.onPeer(peer, keys);
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

  private onPeer(peer: Peer, keys: SessionKeys): void {
    if (peer.role !== 'receiver' || this.receiver || this.disposed) return;
    if (this.store.get().status !== 'waiting') return;
    this.receiver = peer.peerId;
    this.update({ status: 'connecting' });
    this.link = new PeerLink(this.iceServers, true, {
      signal: (body) => void this.signaling?.send(peer.peerId, body),
      open: (channel, maxMessageSize, fingerprints) =>
        void this.send(channel, maxMessageSize, keys, confirmationTranscript(keys.sessionId, fingerprints.local, fingerprints.remote)),
      failed: (error) => this.fail(error),
    });
    void this.link.start().catch((error) => this.fail(error));
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
      files: this.files.map(fileSourceFromBlob),
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

  private fail(error: unknown): void {
    if (this.disposed || this.store.latest().status === 'error' || this.store.latest().status === 'done') return;
    this.update({ status: 'error', error: shownError(error), speed: null });
    // Let the error frame reach the other side before the channel closes.
    setTimeout(() => this.teardownPeer(), ERROR_LINGER_MS);
  }

  private update(patch: Partial<SenderSnapshot>): void {
    this.store.set({ ...this.store.latest(), ...patch });
  }
}
