import { deriveSessionKeys, decodeLinkKey, type SessionKeys } from '../crypto/keys';
import { USER_MESSAGES, VaultError } from '../protocol/errors';
import type { Manifest } from '../protocol/messages';
import type { Peer, SignalPlaintext } from '../protocol/signaling';
import { channelPort, type ChannelPort } from '../rtc/channel-port';
import { PeerLink } from '../rtc/peer-link';
import { SignalingClient } from '../rtc/signaling-client';
import { createMemorySink, MEMORY_SINK_LIMIT } from '../storage/memory-sink';
import { emptyProgress } from '../transfer/progress';
import { ReceiveSession, type ReceivedFile } from '../transfer/receive-session';
import { shownError } from './errors';
import { SnapshotStore } from './snapshot-store';
import type { ReceiverSnapshot } from './transfer-status';

/** How long a failed side keeps the channel open so its error frame is delivered. */
const ERROR_LINGER_MS = 500;

/**
 * The receiver page's whole flow, outside React: join with the link's key, answer the
 * sender's sealed offer, receive, decrypt, verify, and hand out verified files only.
 */
export class ReceiverController {
  readonly store = new SnapshotStore<ReceiverSnapshot>({
    status: 'joining',
    files: [],
    progress: emptyProgress(),
    received: [],
    error: null,
  });
  private signaling: SignalingClient | null = null;
  private link: PeerLink | null = null;
  private port: ChannelPort | null = null;
  private session: ReceiveSession | null = null;
  private sender: string | null = null;
  private iceServers: RTCIceServer[] = [];
  private readonly urls: string[] = [];
  private disposed = false;

  constructor(
    private readonly sessionId: string,
    private readonly keyText: string | null,
  ) {}

  async start(): Promise<void> {
    try {
      if (!this.keyText) throw new VaultError('key_invalid', 'link has no key');
      const keys = await deriveSessionKeys(decodeLinkKey(this.keyText), this.sessionId);
      if (this.disposed) return;
      this.signaling = new SignalingClient(keys, {
        signal: (from, message) => this.onSignal(from, message, keys),
        peerJoined: (peer) => this.onPeerJoined(peer),
        peerLeft: (peer) => this.onPeerLeft(peer),
        fatal: (error) => this.fail(error),
      });
      const joined = await this.signaling.join({ sessionId: this.sessionId, role: 'receiver' });
      this.iceServers = joined.iceServers;
      this.sender = joined.peers.find((p) => p.role === 'sender')?.peerId ?? null;
      this.update({ status: this.sender ? 'connecting' : 'waiting' });
    } catch (error) {
      this.fail(error);
    }
  }

  dispose(): void {
    this.disposed = true;
    this.session?.fail(new VaultError('cancelled', USER_MESSAGES.cancelled));
    this.teardownPeer();
    this.signaling?.close();
    for (const url of this.urls) URL.revokeObjectURL(url);
    this.store.dispose();
  }

  private onPeerJoined(peer: Peer): void {
    if (peer.role !== 'sender') return;
    this.sender = peer.peerId;
    if (this.store.latest().status === 'waiting') this.update({ status: 'connecting' });
  }

  private onPeerLeft(peer: Peer): void {
    if (peer.peerId !== this.sender) return;
    const { status } = this.store.latest();
    if (status === 'waiting' || status === 'connecting') {
      this.teardownPeer();
      this.update({ status: 'waiting' });
    }
  }

  private onSignal(from: string, message: SignalPlaintext, keys: SessionKeys): void {
    if (from !== this.sender) return;
    if (message.type === 'offer') {
      this.teardownPeer();
      this.link = new PeerLink(this.iceServers, false, {
        signal: (body) => void this.signaling?.send(from, body),
        open: (channel) => this.receive(channel, keys),
        failed: (error) => this.fail(error),
      });
    }
    void this.link?.handle(message);
  }

  private receive(channel: RTCDataChannel, keys: SessionKeys): void {
    const port = (this.port = channelPort(channel));
    const session = (this.session = new ReceiveSession({
      keys,
      port,
      createSink: async (file) => createMemorySink(file),
      onManifest: (manifest) => this.onManifest(manifest),
      onProgress: (progress) => this.store.setThrottled({ ...this.store.latest(), progress }),
      onFileVerified: (file) => this.onVerified(file),
    }));
    port.onFrame((frame) => session.receive(frame));
    port.onClose((error) => session.fail(error, false));
    session.done.then(
      () => this.update({ status: 'done' }),
      (error) => this.fail(error),
    );
  }

  private onManifest(manifest: Manifest): void {
    const tooLarge = manifest.files.find((f) => f.size > MEMORY_SINK_LIMIT);
    if (tooLarge) throw new VaultError('too_large_for_memory', `${tooLarge.name} exceeds the in-memory limit`);
    const total = manifest.files.reduce((sum, f) => sum + f.size, 0);
    this.update({
      status: 'receiving',
      files: manifest.files.map(({ fileId, name, size }) => ({ fileId, name, size })),
      progress: emptyProgress(total, manifest.files.length),
    });
  }

  private onVerified({ file, sha256, blob }: ReceivedFile): void {
    const url = URL.createObjectURL(blob);
    this.urls.push(url);
    const latest = this.store.latest();
    this.update({ received: [...latest.received, { fileId: file.fileId, name: file.name, size: file.size, sha256, url }] });
  }

  private teardownPeer(): void {
    this.port?.close();
    this.link?.close();
    this.port = null;
    this.link = null;
  }

  private fail(error: unknown): void {
    if (this.disposed || this.store.latest().status === 'error') return;
    if (this.store.latest().status === 'done' && error instanceof VaultError && error.code === 'channel_closed') return;
    this.session?.fail(error);
    // Nothing unverified is ever offered: drop what was not verified.
    this.update({ status: 'error', error: shownError(error) });
    // Let the error frame reach the other side before the channel closes.
    setTimeout(() => this.teardownPeer(), ERROR_LINGER_MS);
    // A receiver with a wrong key or a failed transfer leaves, freeing the link's slot.
    this.signaling?.close();
  }

  private update(patch: Partial<ReceiverSnapshot>): void {
    this.store.set({ ...this.store.latest(), ...patch });
  }
}
