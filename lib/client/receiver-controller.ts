import { CodeReceiverSession, type TypedCode } from '../codes/code-session';
import { toBase64Url } from '../crypto/base64url';
import { confirmationTranscript } from '../crypto/key-confirmation';
import type { Ephemeral } from '../crypto/ephemeral';
import { decodeLinkKey, deriveSessionKeys, type SessionKeys } from '../crypto/keys';
import { randomBytes } from '../crypto/webcrypto';
import { isTransferErrorCode, isVaultError, USER_MESSAGES, VaultError, type VaultErrorCode } from '../protocol/errors';
import type { Manifest } from '../protocol/messages';
import type { Peer, PeerJoined, PeerLeft, SignalPlaintext } from '../protocol/signaling';
import { channelPort, type ChannelPort } from '../rtc/channel-port';
import { openPeerLink } from '../rtc/open-peer-link';
import { rtcSettings, type Handshake, type PeerLink, type RtcSettings } from '../rtc/peer-link';
import { SignalingClient } from '../rtc/signaling-client';
import { chooseStorage } from '../storage/choose-storage';
import { inertBlob } from '../storage/file-sink';
import { MEMORY_SINK_LIMIT } from '../storage/memory-sink';
import { chooseZipStorage, zipName } from '../storage/zip-plan';
import { emptyProgress, type TransferProgress } from '../transfer/progress';
import { RateMeter } from '../transfer/rate-meter';
import { shownError } from './errors';
import type { StorageDecision } from './receive-worker-protocol';
import { ReceiveWorkerClient, type ReceiveBackend, type ReceiveBackendFactory } from './receive-worker-client';
import { MAX_RESUME_ATTEMPTS, RESUME_ATTEMPT_MS, resumeDelayMs } from '../transfer/reconnect-machine';
import { SnapshotStore } from './snapshot-store';
import { ERROR_LINGER_MS } from './timings';
import { detectStorage, pickSaveLocation, removeIncoming } from './storage-capabilities';
import { INITIAL_RECEIVER_SNAPSHOT, type ReceiverSnapshot } from './transfer-status';
import { buildZip, zipLength, type ZipEntry } from './zip-download';

/** `cancelled` from the sender once the channel is open: it stopped this receiver (or closed its page). */
const SENDER_STOPPED = 'The sender stopped the transfer to this browser. The partial file was discarded.';
/** Why the sender's sealed abort stopped us, in words that fit when it came. */
function abortDetail(code: VaultErrorCode, channelOpen: boolean): string {
  if (code === 'full') return USER_MESSAGES.full;
  if (code === 'cancelled' && channelOpen) return SENDER_STOPPED;
  return `The sender stopped before any file data was sent. ${USER_MESSAGES[code]}`;
}

/** Leftovers in OPFS from pages closed this long ago are removed. */
const STALE_INCOMING_MS = 60 * 60 * 1000;
/**
 * After peer-left, a channel that stays silent this long means the sender's page is
 * gone (a closed tab's channel can take many seconds to report closing); one that keeps
 * delivering means only the sender's signaling socket blipped.
 */
const SENDER_SILENCE_MS = 2000;
const SENDER_LEFT =
  'The sender left before the transfer finished (they closed the page or lost their connection). Nothing incomplete was kept: ask them to send the files again.';
const CONNECTION_LOST = `The connection to the sender dropped and could not be restored after ${MAX_RESUME_ATTEMPTS} attempts. Nothing incomplete was kept: ask the sender to share again.`;
/** Marked when the DataChannel opens and when every file verified; the benchmark reads them. */
export const CHANNEL_OPEN_MARK = 'p2pvault:channel-open';
export const DONE_MARK = 'p2pvault:done';

/**
 * What differs between hosts: the browser runs the engine in a Worker and lets the
 * page choose storage (OPFS, a picker, memory); the command-line peer runs it
 * in-process and writes to a folder.
 */
export interface ReceiverHost {
  /** The signaling server; the page's own origin when absent. */
  serverUrl?: string;
  backend: ReceiveBackendFactory;
  /** Where files go; absent: the browser decides (OPFS, a save picker or memory). */
  storage?: (manifest: Manifest) => Promise<StorageDecision>;
  /** Removes this transfer's leftovers (`transferId`) or, with null, stale ones from pages closed long ago. */
  cleanup(transferId: string | null, maxAgeMs?: number): Promise<void>;
}

const BROWSER_HOST: ReceiverHost = {
  backend: (events) => new ReceiveWorkerClient(events),
  cleanup: removeIncoming,
};

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
  private worker: ReceiveBackend | null = null;
  private sender: string | null = null;
  private rtc: RtcSettings = { iceServers: [] };
  private readonly urls: string[] = [];
  /** Verified files by id, for the zip; only verified files ever get here. */
  private readonly verified = new Map<string, Blob>();
  private transferId: string | null = null;
  private manifest: Manifest | null = null;
  private locationChosen: ((handle: FileSystemFileHandle) => void) | null = null;
  private readonly meter = new RateMeter();
  private disposed = false;
  /** The sender stopped us with a sealed abort: it needs no abort back. */
  private peerAborted = false;
  /** The server said the sender's socket left this session. */
  private senderLeft = false;
  private senderSilence: ReturnType<typeof setInterval> | null = null;
  private lastFrameAt = 0;
  /** Signals are handled one at a time: making the ephemeral key for an offer is async. */
  private signals: Promise<void> = Promise.resolve();
  /** Names this transfer to the sender, sealed, if our signaling comes back under a new peer id. */
  private readonly token = toBase64Url(randomBytes(16));
  /** Attempts to restore the current drop (0 while connected). */
  private attempt = 0;
  private attemptTimer: ReturnType<typeof setTimeout> | null = null;
  private resumes = 0;
  /** Counts the channels that opened; the worker stamps each frame it sends with one. */
  private connectionId = 0;
  /** Who waits for the current channel to close (senderClosed). */
  private readonly closeWaiters = new Set<() => void>();
  /** The running code exchange: where the sender's PAKE messages go. */
  private codeExchange: CodeReceiverSession | null = null;

  constructor(
    private readonly sessionId: string,
    private readonly keyText: string | null,
    private readonly host: ReceiverHost = BROWSER_HOST,
    /** Given instead of a link key: K comes from the code's PAKE with the sender. */
    private readonly code: TypedCode | null = null,
  ) {}

  async start(): Promise<void> {
    try {
      let linkKey: Uint8Array | null = null;
      let keys: SessionKeys | null = null;
      if (!this.code) {
        if (!this.keyText) throw new VaultError('key_invalid', 'link has no key');
        linkKey = decodeLinkKey(this.keyText);
        keys = await deriveSessionKeys(linkKey, this.sessionId);
      }
      if (this.disposed) return;
      void this.host.cleanup(null, STALE_INCOMING_MS);
      this.signaling = new SignalingClient(
        keys,
        {
          pake: (from, message) => {
            if (from === this.sender) this.codeExchange?.receive(from, message);
          },
          rejected: (from, error) => {
            if (from === this.sender) this.fail(error);
          },
          signal: (from, message) => {
            if (from === this.sender && message.type === 'abort') {
              this.peerAborted = true;
              return this.fail(new VaultError(message.data.code, USER_MESSAGES[message.data.code]), abortDetail(message.data.code, this.port !== null));
            }
            this.signals = this.signals.then(() => this.onSignal(from, message, linkKey!)).catch((error) => this.fail(error));
          },
          peerJoined: (peer) => this.onPeerJoined(peer),
          peerLeft: (peer) => this.onPeerLeft(peer),
          rejoined: (joined) => {
            // Fresh TURN credentials come with every join.
            this.rtc = rtcSettings(joined);
            this.onRejoined(joined.peers);
          },
          // Once the channel is open the transfer no longer needs signaling (it may expire or end).
          fatal: (error) => {
            // The sender ends the session once every receiver verified: our last ack arrived.
            if (this.store.latest().status === 'done') this.senderFinished();
            // A sender refusing our code closes the session right after its refusal:
            // the refusal, still being read, names what happened.
            if (this.codeExchange) return this.codeExchange.closed(error);
            if (!this.port) this.fail(error);
          },
        },
        this.host.serverUrl,
      );
      const joined = await this.signaling.join({ sessionId: this.sessionId, role: 'receiver', ...(this.code ? { code: true } : {}) });
      this.rtc = rtcSettings(joined);
      this.sender = joined.peers.find((p) => p.role === 'sender')?.peerId ?? null;
      this.update({ status: this.sender ? 'connecting' : 'waiting' });
      if (!this.code) return;
      linkKey = await this.exchangeCode(this.code);
      if (this.disposed) return;
      this.signaling.setKeys(await deriveSessionKeys(linkKey, this.sessionId));
      // From here on, exactly a link's path: ask the sender (sealed) for its offer.
      await this.signaling.send(this.sender!, { type: 'reconnect', data: { token: this.token, attempt: 1 } });
    } catch (error) {
      this.fail(error);
    }
  }

  /**
   * Runs the short code's PAKE with the sender (the initiator's side) and returns the
   * link key it delivers; throws `wrong_code` when the sender refused our words.
   */
  private exchangeCode(code: TypedCode): Promise<Uint8Array> {
    const exchange = new CodeReceiverSession(code, this.sessionId, (to, message) => this.signaling!.sendPake(to, message), () => (this.codeExchange = null));
    this.codeExchange = exchange;
    if (this.sender) exchange.begin(this.sender);
    return exchange.key;
  }

  private senderFinished(): void {
    for (const waiter of this.closeWaiters) waiter();
    this.closeWaiters.clear();
  }

  /**
   * Resolves once the sender closed the connection or ended the session, which it does
   * when it has every file's verified ack, or after `maxMs`. A receiver that ends its process after
   * `done` (the CLI) waits for it, so its last ack is not cut off.
   */
  senderClosed(maxMs: number): Promise<void> {
    if (!this.port) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, maxMs);
      const waiters = this.closeWaiters;
      function done() {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      }
      waiters.add(done);
    });
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

  /**
   * Packs every verified file into one zip (once; later calls return the same one) and
   * returns its object URL, or null while it cannot be made (not all verified yet, or
   * no room: the snapshot says why).
   */
  async downloadAll(): Promise<{ url: string; name: string } | null> {
    const latest = this.store.latest();
    if (latest.zip.status === 'ready') return { url: latest.zip.url, name: latest.zip.name };
    if (latest.zip.status === 'building' || latest.status !== 'done' || !this.manifest) return null;
    const entries: ZipEntry[] = [];
    for (const { fileId, path, lastModified } of this.manifest.files) {
      const file = this.verified.get(fileId);
      if (!file) return null;
      entries.push({ path, file, lastModified });
    }
    this.update({ zip: { status: 'building' } });
    try {
      const plan = chooseZipStorage(zipLength(entries), await detectStorage(MEMORY_SINK_LIMIT));
      if (plan.kind === 'refuse') {
        this.update({ zip: { status: 'error', message: plan.message } });
        return null;
      }
      const zip = await buildZip(entries, plan, `${this.manifest.transferId}-all.zip`);
      if (this.disposed) return null;
      const ready = { url: URL.createObjectURL(inertBlob(zip)), name: zipName(entries.map((e) => e.path)) };
      this.urls.push(ready.url);
      this.update({ zip: { status: 'ready', ...ready } });
      return ready;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!this.disposed) this.update({ zip: { status: 'error', message: `The zip could not be made: ${message}` } });
      return null;
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.stopWatching();
    this.worker?.terminate();
    this.teardownPeer();
    this.signaling?.close();
    for (const url of this.urls) URL.revokeObjectURL(url);
    if (this.transferId) void this.host.cleanup(this.transferId);
    this.store.dispose();
  }

  private onPeerJoined(peer: PeerJoined): void {
    if (peer.role !== 'sender') return;
    this.sender = peer.peerId;
    this.senderLeft = false;
    this.codeExchange?.begin(peer.peerId);
    const { status } = this.store.latest();
    if (status === 'waiting') this.update({ status: this.worker ? 'reconnecting' : 'connecting' });
    // The sender's signaling came back under a new id while we wait to resume: ask it.
    if (this.attempt > 0) this.askForOffer();
  }

  /** Our own signaling reconnected under a new peer id: find the sender again. */
  private onRejoined(peers: Peer[]): void {
    const sender = peers.find((p) => p.role === 'sender')?.peerId ?? null;
    if (sender) this.sender = sender;
    if (this.attempt > 0) return this.askForOffer();
    if (!this.sender) return;
    if (this.worker) {
      // Mid-transfer, the channel still runs: only say who we are now (a code session's
      // receiver the sender does not vouch for is removed by the server, protocol §7).
      void this.signaling?.send(this.sender, { type: 'present', data: { token: this.token } }).catch(() => {});
      return;
    }
    // Not started yet: the sender forgot us when our socket dropped, and takes a
    // rejoined peer for someone resuming. Ask it to begin again.
    this.teardownPeer();
    this.update({ status: 'connecting' });
    void this.signaling?.send(this.sender, { type: 'reconnect', data: { token: this.token, attempt: 1 } }).catch(() => {});
  }

  private onPeerLeft(peer: PeerLeft): void {
    if (peer.peerId !== this.sender) return;
    if (peer.reason === 'lost') {
      // Its signaling timed out: it may come back under a new id (onPeerJoined). A
      // transfer in progress keeps going, or keeps trying to resume, meanwhile.
      if (this.worker) return;
      this.teardownPeer();
      this.sender = null;
      return this.update({ status: 'waiting' });
    }
    // The sender's page holds the only copy of the files and of its token: once it has
    // left, this link cannot complete, so say so instead of waiting forever.
    this.senderLeft = true;
    // An open channel does not need signaling: a blip of the sender's socket must not
    // stop a transfer that is running. If the channel then falls silent or closes, the
    // sender is gone.
    if (!this.port) return this.fail(new VaultError('peer_left', SENDER_LEFT), SENDER_LEFT);
    this.senderSilence ??= setInterval(() => {
      if (performance.now() - this.lastFrameAt >= SENDER_SILENCE_MS) this.fail(new VaultError('peer_left', SENDER_LEFT), SENDER_LEFT);
    }, SENDER_SILENCE_MS / 4);
  }

  private async onSignal(from: string, message: SignalPlaintext, linkKey: Uint8Array): Promise<void> {
    const { status } = this.store.latest();
    if (from !== this.sender || this.disposed || status === 'error' || status === 'done') return;
    if (message.type === 'reconnect' || message.type === 'present') return; // only a sender acts on these
    if (message.type === 'offer') {
      // A new offer replaces whatever connection there is. Once a transfer has started
      // it is a resumption: the worker keeps the files and continues over the new one.
      if (this.worker) this.dropConnection();
      else this.teardownPeer();
      const opened = await openPeerLink({
        rtc: this.rtc,
        initiator: false,
        resuming: this.worker !== null,
        token: this.token,
        wanted: () => this.store.latest().status !== 'error',
        events: (ephemeral) => ({
          signal: (body) => void this.signaling?.send(from, body),
          open: (channel, _maxMessageSize, handshake) => this.receive(channel, linkKey, ephemeral, handshake),
          failed: (error) => (this.worker ? this.connectionLost(error) : this.fail(error)),
        }),
      });
      if (!opened) return;
      this.link = opened.link;
    }
    await this.link?.handle(message);
  }

  /**
   * The connection dropped mid-transfer. Unless the sender's page is gone, keep what is
   * on disk and ask the sender for a new connection, a bounded number of times.
   */
  private connectionLost(error: unknown): void {
    const { status } = this.store.latest();
    if (this.disposed || status === 'done' || status === 'error') return;
    if (this.senderLeft) return this.fail(new VaultError('peer_left', SENDER_LEFT), SENDER_LEFT);
    if (!this.worker) return this.fail(error);
    this.dropConnection();
    this.attempt++;
    if (this.attempt > MAX_RESUME_ATTEMPTS) return this.fail(new VaultError('connection_lost', CONNECTION_LOST), CONNECTION_LOST);
    this.update({ status: 'reconnecting', speed: null, reconnect: { attempt: this.attempt, maxAttempts: MAX_RESUME_ATTEMPTS } });
    if (this.attemptTimer) clearTimeout(this.attemptTimer);
    // The sender may be offering already; ask anyway (after the backoff), in case only we noticed.
    const delay = resumeDelayMs(this.attempt);
    this.attemptTimer = setTimeout(() => {
      this.askForOffer();
      this.attemptTimer = setTimeout(() => this.connectionLost(new VaultError('connection_failed', 'no new connection')), RESUME_ATTEMPT_MS);
    }, delay);
  }

  /** Asks the sender (sealed) for a new offer; the sender may already be making one. */
  private askForOffer(): void {
    if (!this.sender || this.attempt === 0) return;
    void this.signaling?.send(this.sender, { type: 'reconnect', data: { token: this.token, attempt: this.attempt } }).catch(() => {});
  }

  /** Ends the current connection but not the transfer: the worker writes what it accepted and waits. */
  private dropConnection(): void {
    if (this.senderSilence) clearInterval(this.senderSilence);
    this.senderSilence = null;
    this.worker?.detach();
    this.teardownPeer();
  }

  /** The worker continues over the new connection: the drop is over. */
  private onResumed(bytesKept: number): void {
    if (this.attemptTimer) clearTimeout(this.attemptTimer);
    this.attemptTimer = null;
    this.attempt = 0;
    this.resumes++;
    this.update({ status: 'receiving', reconnect: null, resumed: { count: this.resumes, bytesKept } });
  }

  /**
   * A channel opened: the first one starts the worker; a later one (a resumption) hands
   * the same worker new keys, and it continues where its files stand.
   */
  private receive(channel: RTCDataChannel, linkKey: Uint8Array, ephemeral: Ephemeral, handshake: Handshake): void {
    const transcript = confirmationTranscript(this.sessionId, handshake.fingerprints.remote, handshake.fingerprints.local);
    const port = (this.port = channelPort(channel));
    const connection = ++this.connectionId;
    this.lastFrameAt = performance.now();
    const worker = this.worker ?? this.startWorker();
    worker.connection(connection);
    // The worker finishes the ECDH and derives the connection keys; it buffers the
    // frames that arrive meanwhile, and while the certificate is checked.
    handshake.certificateChecked.then(
      () => worker.start({ linkKey, sessionId: this.sessionId, ephemeral, peerPublic: handshake.remoteDh, transcript }),
      (error: unknown) => this.fail(error),
    );
    port.onFrame((frame) => {
      if (this.port !== port) return; // a late frame of a connection already dropped
      this.lastFrameAt = performance.now();
      worker.frame(frame);
    });
    // A closed tab reaches us both as this close and as peer-left, in either order:
    // the resumption that starts here ends at once when peer-left says the page is gone.
    port.onClose((error) => {
      if (this.port !== port) return;
      this.senderFinished();
      this.connectionLost(error);
    });
  }

  private startWorker(): ReceiveBackend {
    performance.mark(CHANNEL_OPEN_MARK);
    return (this.worker = this.host.backend({
      // A frame sealed for a connection that is gone (the worker can be behind the
      // page) is dropped; the resumed request replaces whatever it said.
      send: (frame, connection) => {
        if (connection !== this.connectionId) return;
        try {
          this.port?.send(frame);
        } catch {
          // the connection just closed: its close event starts the resumption
        }
      },
      manifest: (manifest) => this.decideStorage(manifest),
      progress: (progress) => this.onProgress(progress),
      verified: (fileId, sha256, file) => this.onVerified(fileId, sha256, file),
      done: () => {
        this.stopWatching();
        performance.mark(DONE_MARK);
        this.update({ status: 'done', speed: null });
      },
      resumed: (_epoch, bytesKept) => this.onResumed(bytesKept),
      failed: (error) => this.fail(new VaultError(error.code, error.message), error.detail ?? (error.code === 'cancelled' ? SENDER_STOPPED : undefined)),
    }));
  }

  /** Picks where files go before any chunk is accepted (protocol §4). */
  private async decideStorage(manifest: Manifest): Promise<StorageDecision> {
    this.transferId = manifest.transferId;
    this.manifest = manifest;
    const total = manifest.files.reduce((sum, f) => sum + f.size, 0);
    this.update({
      files: manifest.files.map(({ fileId, name, path, size }) => ({ fileId, name, path, size })),
      progress: emptyProgress(total, manifest.files.length),
    });
    if (this.host.storage) {
      const decided = await this.host.storage(manifest);
      if (decided.kind !== 'refuse') this.update({ status: 'receiving' });
      return decided;
    }
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
    // Whatever the sink made, the URL is octet-stream: opened, it downloads (under the
    // anchor's `download` name) and never renders the sender's HTML or SVG in this origin.
    const url = URL.createObjectURL(inertBlob(file));
    this.urls.push(url);
    this.verified.set(fileId, file);
    const latest = this.store.latest();
    this.update({ received: [...latest.received, { fileId, name: meta.name, path: meta.path, size: meta.size, sha256, url }] });
  }

  private teardownPeer(): void {
    this.port?.close();
    this.link?.close();
    this.port = null;
    this.link = null;
  }

  private stopWatching(): void {
    if (this.attemptTimer) clearTimeout(this.attemptTimer);
    if (this.senderSilence) clearInterval(this.senderSilence);
    this.attemptTimer = null;
    this.senderSilence = null;
  }

  private fail(error: unknown, detail?: string): void {
    this.stopWatching();
    const { status } = this.store.latest();
    if (this.disposed || status === 'error') return;
    // Every file verified: the channel closing or the sender ending the session is expected.
    if (status === 'done') return;
    // Nothing unverified is ever offered: the worker discards partial files.
    this.update({ status: 'error', error: shownError(error, detail), speed: null, reconnect: null });
    if (this.worker && error instanceof VaultError) this.worker.abort(error);
    // Before the channel opens the sender can only learn why over signaling. Then a
    // receiver with a wrong key or a failed transfer leaves, freeing the link's slot.
    const signaling = this.signaling;
    const notify =
      this.sender && !this.port && isVaultError(error) && isTransferErrorCode(error.code) && !this.peerAborted
        ? signaling?.send(this.sender, { type: 'abort', data: { code: error.code } })
        : undefined;
    void Promise.resolve(notify)
      .catch(() => {})
      .finally(() => signaling?.close());
    // Let the error frame reach the other side before the channel closes; without a
    // channel there is nothing to deliver, and a half-made connection must not open.
    if (this.port) setTimeout(() => this.teardownPeer(), ERROR_LINGER_MS);
    else this.teardownPeer();
  }

  private update(patch: Partial<ReceiverSnapshot>): void {
    this.store.set({ ...this.store.latest(), ...patch });
  }
}
