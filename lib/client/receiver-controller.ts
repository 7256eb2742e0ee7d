import { confirmationTranscript } from '../crypto/key-confirmation';
import { decodeLinkKey, deriveSessionKeys, type SessionKeys } from '../crypto/keys';
import { VaultError } from '../protocol/errors';
import type { Manifest } from '../protocol/messages';
import type { Peer, SignalPlaintext } from '../protocol/signaling';
import { channelPort, type ChannelPort } from '../rtc/channel-port';
import { PeerLink } from '../rtc/peer-link';
import { SignalingClient } from '../rtc/signaling-client';
import { chooseStorage } from '../storage/choose-storage';
import { MEMORY_SINK_LIMIT } from '../storage/memory-sink';
import { emptyProgress, type TransferProgress } from '../transfer/progress';
import { RateMeter } from '../transfer/rate-meter';
import { shownError } from './errors';
import type { StorageDecision } from './receive-worker-protocol';
import { ReceiveWorkerClient } from './receive-worker-client';
import { SnapshotStore } from './snapshot-store';
import { detectStorage, pickSaveLocation, removeIncoming } from './storage-capabilities';
import { INITIAL_RECEIVER_SNAPSHOT, type ReceiverSnapshot } from './transfer-status';

/** How long a failed side keeps the channel open so its error frame is delivered. */
const ERROR_LINGER_MS = 500;
/** Leftovers in OPFS from pages closed this long ago are removed. */
const STALE_INCOMING_MS = 60 * 60 * 1000;
/** Marked when the DataChannel opens and when every file verified; the benchmark reads them. */
export const CHANNEL_OPEN_MARK = 'p2pvault:channel-open';
export const DONE_MARK = 'p2pvault:done';

/**
 * The receiver page's whole flow, outside React: join with the link's key, answer the
 * sender's sealed offer, let the worker decrypt, verify and store, and hand out
 * verified files only.
 */
export class ReceiverController {
  readonly store = new SnapshotStore<ReceiverSnapshot>(INITIAL_RECEIVER_SNAPSHOT);
  private signaling: SignalingClient | null = null;
  private link: PeerLink | null = null;
  private port: ChannelPort | null = null;
  private worker: ReceiveWorkerClient | null = null;
  private sender: string | null = null;
  private iceServers: RTCIceServer[] = [];
  private readonly urls: string[] = [];
  private transferId: string | null = null;
  private locationChosen: ((handle: FileSystemFileHandle) => void) | null = null;
  private readonly meter = new RateMeter();
  private disposed = false;

  constructor(
    private readonly sessionId: string,
    private readonly keyText: string | null,
  ) {}

  async start(): Promise<void> {
    try {
      if (!this.keyText) throw new VaultError('key_invalid', 'link has no key');
      const linkKey = decodeLinkKey(this.keyText);
      const keys = await deriveSessionKeys(linkKey, this.sessionId);
      if (this.disposed) return;
      void removeIncoming(null, STALE_INCOMING_MS);
      this.signaling = new SignalingClient(keys, {
        signal: (from, message) => this.onSignal(from, message, keys, linkKey),
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

  /** The person clicked "Choose where to save"; must run inside that click. */
  async chooseLocation(): Promise<void> {
    const file = this.store.latest().files[0];
    if (!file || !this.locationChosen) return;
    try {
      this.locationChosen(await pickSaveLocation(file.name));
    } catch {
      // Picker dismissed: keep asking.
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.worker?.terminate();
    this.teardownPeer();
    this.signaling?.close();
    for (const url of this.urls) URL.revokeObjectURL(url);
    if (this.transferId) void removeIncoming(this.transferId);
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

  private onSignal(from: string, message: SignalPlaintext, keys: SessionKeys, linkKey: Uint8Array): void {
    if (from !== this.sender) return;
    if (message.type === 'offer') {
      if (this.worker) return; // one transfer per page
      this.teardownPeer();
      this.link = new PeerLink(this.iceServers, false, {
        signal: (body) => void this.signaling?.send(from, body),
        open: (channel, _maxMessageSize, fingerprints) =>
          this.receive(channel, linkKey, confirmationTranscript(this.sessionId, fingerprints.remote, fingerprints.local)),
        failed: (error) => this.fail(error),
      });
    }
    void this.link?.handle(message);
  }

  private receive(channel: RTCDataChannel, linkKey: Uint8Array, transcript: Uint8Array): void {
    performance.mark(CHANNEL_OPEN_MARK);
    const port = (this.port = channelPort(channel));
    const worker = (this.worker = new ReceiveWorkerClient({
      send: (frame) => {
        try {
          port.send(frame);
        } catch (error) {
          this.fail(error);
        }
      },
      manifest: (manifest) => this.decideStorage(manifest),
      progress: (progress) => this.onProgress(progress),
      verified: (fileId, sha256, file) => this.onVerified(fileId, sha256, file),
      done: () => {
        performance.mark(DONE_MARK);
        this.update({ status: 'done', speed: null });
      },
      failed: (error) => this.fail(new VaultError(error.code, error.message), error.detail),
    }));
    worker.start(linkKey, this.sessionId, transcript);
    port.onFrame((frame) => worker.frame(frame));
    port.onClose((error) => {
      worker.abort(error);
      this.fail(error);
    });
  }

  /** Picks where files go before any chunk is accepted (protocol §4). */
  private async decideStorage(manifest: Manifest): Promise<StorageDecision> {
    this.transferId = manifest.transferId;
    const total = manifest.files.reduce((sum, f) => sum + f.size, 0);
    this.update({
      files: manifest.files.map(({ fileId, name, size }) => ({ fileId, name, size })),
      progress: emptyProgress(total, manifest.files.length),
    });
    const plan = chooseStorage(
      manifest.files.map((f) => f.size),
      await detectStorage(MEMORY_SINK_LIMIT),
    );
    if (plan.kind === 'refuse') return plan;
    if (plan.kind !== 'picker') {
      this.update({ status: 'receiving', storage: plan.kind });
      return plan;
    }
    this.update({ status: 'needs-location', storage: 'picker' });
    const handle = await new Promise<FileSystemFileHandle>((resolve) => (this.locationChosen = resolve));
    this.locationChosen = null;
    this.update({ status: 'receiving' });
    return { kind: 'picker', handle };
  }

  private onProgress(progress: TransferProgress): void {
    const speed = this.meter.sample(progress.bytesDone, progress.bytesTotal, performance.now());
    this.store.setThrottled({ ...this.store.latest(), progress, speed });
  }

  private onVerified(fileId: string, sha256: string, file: Blob): void {
    const meta = this.store.latest().files.find((f) => f.fileId === fileId);
    if (!meta) return;
    const url = URL.createObjectURL(file);
    this.urls.push(url);
    const latest = this.store.latest();
    this.update({ received: [...latest.received, { fileId, name: meta.name, size: meta.size, sha256, url }] });
  }

  private teardownPeer(): void {
    this.port?.close();
    this.link?.close();
    this.port = null;
    this.link = null;
  }

  private fail(error: unknown, detail?: string): void {
    const { status } = this.store.latest();
    if (this.disposed || status === 'error') return;
    if (status === 'done' && error instanceof VaultError && error.code === 'channel_closed') return;
    // Nothing unverified is ever offered: the worker discards partial files.
    this.update({ status: 'error', error: shownError(error, detail), speed: null });
    if (this.worker && error instanceof VaultError) this.worker.abort(error);
    // Let the error frame reach the other side before the channel closes.
    setTimeout(() => this.teardownPeer(), ERROR_LINGER_MS);
    // A receiver with a wrong key or a failed transfer leaves, freeing the link's slot.
    this.signaling?.close();
  }

  private update(patch: Partial<ReceiverSnapshot>): void {
    this.store.set({ ...this.store.latest(), ...patch });
  }
}
