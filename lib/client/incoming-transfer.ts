import type { Ephemeral } from '../crypto/ephemeral';
import { confirmationTranscript } from '../crypto/key-confirmation';
import { VaultError } from '../protocol/errors';
import type { Manifest } from '../protocol/messages';
import type { SignalPlaintext } from '../protocol/signaling';
import type { ChannelPort } from '../rtc/channel-port';
import type { Handshake } from '../rtc/rtc-peer';
import type { SignalBody } from '../rtc/signaling-client';
import { emptyProgress, type TransferProgress } from '../transfer/progress';
import { RateMeter, type RateEstimate } from '../transfer/rate-meter';
import type { OpenConnection, PeerConnection } from './answer-connection';
import type { ReceiveBackend } from './receive-backend';
import { isRefusal, type Placed, type StorageDecision } from './receive-worker-protocol';
import type { ReceiverHost } from './receiver-host';
import { CONNECTION_LOST, SENDER_LEFT, SENDER_STOPPED, senderLeftError } from './receiver-texts';
import { reconnect, reconnectStart, type ReconnectEffect, type ReconnectEvent } from '../transfer/reconnect-machine';
import { ERROR_LINGER_MS } from './timings';
import { shownPlace, type ReceivedFileView, type ReceiverSnapshot, type ReceiverStatus } from './transfer-status';
import type { ZipEntry } from './zip-download';

/**
 * After peer-left, a channel that stays silent this long means the sender's page is
 * gone (a closed tab's channel can take many seconds to report closing); one that keeps
 * delivering means only the sender's signaling socket blipped.
 */
const SENDER_SILENCE_MS = 2000;

/** What the transfer tells the controller, which owns the snapshot and signaling. */
export interface IncomingTransferEvents {
  /** Sends a sealed signal to `to`, or to the sender as the controller knows it now. */
  signal(body: SignalBody, to?: string): Promise<void> | undefined;
  status(status: ReceiverStatus, patch?: Partial<ReceiverSnapshot>): void;
  manifest(files: ReceiverSnapshot['files'], progress: TransferProgress): void;
  progress(progress: TransferProgress, speed: RateEstimate | null): void;
  verified(file: ReceivedFileView): void;
  failed(error: unknown, detail?: string): void;
}

export interface IncomingTransferOptions<Place extends Placed> {
  sessionId: string;
  linkKey: Uint8Array;
  /** Names this transfer to the sender, sealed, if our signaling comes back under a new peer id. */
  token: string;
  host: ReceiverHost<Place>;
  open: OpenConnection;
  events: IncomingTransferEvents;
}

/**
 * The transfer from the one sender: answers its offers, bridges each open channel to
 * the engine, and over a dropped connection asks for a new one, a bounded number of
 * times, while the engine keeps what is on disk.
 */
export class IncomingTransfer<Place extends Placed = Placed> {
  private connection: PeerConnection | null = null;
  private port: ChannelPort | null = null;
  private engine: ReceiveBackend | null = null;
  /** `done` once every file verified; `stopped` once the receiver failed or went away. */
  private state: 'running' | 'done' | 'stopped' = 'running';
  private manifest: Manifest | null = null;
  /** Verified files by id, for the zip; only verified files ever get here. */
  private readonly verified = new Map<string, Blob>();
  private readonly meter = new RateMeter();
  /** The server said the sender's socket left this session. */
  private senderGone = false;
  private senderSilence: ReturnType<typeof setInterval> | null = null;
  private lastFrameAt = 0;
  private reconnect = reconnectStart('receiver');
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private resumes = 0;
  /** Counts the channels that opened; the engine stamps each frame it sends with one. */
  private connectionId = 0;
  /** Who waits for the current channel to close (senderClosed). */
  private readonly closeWaiters = new Set<() => void>();

  constructor(private readonly options: IncomingTransferOptions<Place>) {}

  /** The engine runs: a drop from here on is resumed, not an error. */
  get started(): boolean {
    return this.engine !== null;
  }

  /** A channel is open: the sender hears about failures over it, not over signaling. */
  get connected(): boolean {
    return this.port !== null;
  }

  /** Restoring a drop: attempts are running. */
  get resuming(): boolean {
    return this.reconnect.attempt > 0;
  }

  private get stopped(): boolean {
    return this.state === 'stopped';
  }

  get transferId(): string | null {
    return this.manifest?.transferId ?? null;
  }

  /** A sealed offer, answer or candidate from the sender (`from`, its peer id now). */
  async handle(from: string, message: SignalPlaintext): Promise<void> {
    if (this.state !== 'running') return;
    if (message.type === 'offer') {
      // A new offer replaces whatever connection there is. Once a transfer has started
      // it is a resumption: the engine keeps the files and continues over the new one.
      if (this.engine) this.dropConnection();
      else this.closeConnection();
      const opened = await this.options.open({
        resuming: this.engine !== null,
        token: this.options.token,
        wanted: () => !this.stopped,
        events: (ephemeral) => ({
          signal: (body) => void this.options.events.signal(body, from),
          open: (port, handshake) => this.receive(port, ephemeral, handshake),
          failed: (error) => (this.engine ? this.connectionLost(error) : this.options.events.failed(error)),
        }),
      });
      if (!opened) return;
      this.connection = opened.connection;
    }
    await this.connection?.handle(message);
  }

  /**
   * A channel opened: the first one starts the engine; a later one (a resumption) hands
   * the same engine new keys, and it continues where its files stand.
   */
  private receive(port: ChannelPort, ephemeral: Ephemeral, handshake: Handshake): void {
    const { sessionId, linkKey } = this.options;
    const transcript = confirmationTranscript(sessionId, handshake.fingerprints.remote, handshake.fingerprints.local);
    this.port = port;
    const connection = ++this.connectionId;
    this.lastFrameAt = performance.now();
    const engine = this.engine ?? this.startEngine();
    engine.connection(connection);
    // The engine finishes the ECDH and derives the connection keys; it buffers the
    // frames that arrive meanwhile, and while the certificate is checked.
    handshake.certificateChecked.then(
      () => engine.start({ linkKey, sessionId, ephemeral, peerPublic: handshake.remoteDh, transcript }),
      (error: unknown) => this.options.events.failed(error),
    );
    port.onFrame((frame) => {
      if (this.port !== port) return; // a late frame of a connection already dropped
      this.lastFrameAt = performance.now();
      engine.frame(frame);
    });
    // A closed tab reaches us both as this close and as peer-left, in either order:
    // the resumption that starts here ends at once when peer-left says the page is gone.
    port.onClose((error) => {
      if (this.port !== port) return;
      this.senderFinished();
      this.connectionLost(error);
    });
  }

  private startEngine(): ReceiveBackend {
    const { host, events } = this.options;
    host.mark('channel-open');
    return (this.engine = host.backend({
      // A frame sealed for a connection that is gone (the engine can be behind the
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
      progress: (progress) => events.progress(progress, this.meter.sample(progress.bytesDone, progress.bytesTotal, performance.now())),
      verified: (fileId, sha256, file) => this.onVerified(fileId, sha256, file),
      done: () => {
        this.stopWatching();
        this.state = 'done';
        host.mark('done');
        events.status('done', { speed: null });
      },
      resumed: (_epoch, bytesKept) => this.onResumed(bytesKept),
      failed: (error) => events.failed(new VaultError(error.code, error.message), error.detail ?? (error.code === 'cancelled' ? SENDER_STOPPED : undefined)),
    }));
  }

  /** Where files go is the host's choice, made before any chunk is accepted (protocol §4). */
  private async decideStorage(manifest: Manifest): Promise<StorageDecision<Place>> {
    const { host, events } = this.options;
    this.manifest = manifest;
    const total = manifest.files.reduce((sum, f) => sum + f.size, 0);
    events.manifest(
      manifest.files.map(({ fileId, name, path, size }) => ({ fileId, name, path, size })),
      emptyProgress(total, manifest.files.length),
    );
    const decided = await host.storage(manifest, () => events.status('needs-location', { storage: 'picker' }));
    if (!isRefusal(decided)) events.status('receiving', { storage: shownPlace(decided) });
    return decided;
  }

  private onVerified(fileId: string, sha256: string, file: Blob): void {
    const meta = this.manifest?.files.find((f) => f.fileId === fileId);
    if (!meta) return;
    this.verified.set(fileId, file);
    this.options.events.verified({ fileId, name: meta.name, path: meta.path, size: meta.size, sha256, url: this.options.host.fileUrl(file) });
  }

  /**
   * The sender's page left the session. An open channel does not need signaling: a blip
   * of the sender's socket must not stop a running transfer. If the channel then falls
   * silent or closes, the sender is gone. False: no channel, the transfer cannot go on.
   */
  senderLeft(): boolean {
    this.senderGone = true;
    if (!this.port) return false;
    this.senderSilence ??= setInterval(() => {
      if (performance.now() - this.lastFrameAt >= SENDER_SILENCE_MS) this.options.events.failed(senderLeftError(), SENDER_LEFT);
    }, SENDER_SILENCE_MS / 4);
    return true;
  }

  /** The sender's signaling is back (under a new peer id): ask it to resume if we wait to. */
  senderBack(): void {
    this.senderGone = false;
    this.askForOffer();
  }

  /**
   * The connection dropped mid-transfer. Unless the sender's page is gone, keep what is
   * on disk and ask the sender for a new connection, a bounded number of times.
   */
  private connectionLost(error: unknown): void {
    const { events } = this.options;
    if (this.state !== 'running') return;
    if (this.senderGone) return events.failed(senderLeftError(), SENDER_LEFT);
    if (!this.engine) return events.failed(error);
    this.dropConnection();
    this.step({ type: 'dropped' });
  }

  /** Feeds the reconnect machine and carries out what it says. */
  private step(event: ReconnectEvent): void {
    const { state, effects } = reconnect(this.reconnect, event);
    this.reconnect = state;
    for (const effect of effects) this.apply(effect);
  }

  private apply(effect: ReconnectEffect): void {
    switch (effect.type) {
      case 'reconnecting':
        return this.options.events.status('reconnecting', { speed: null, reconnect: { attempt: effect.attempt, maxAttempts: effect.maxAttempts } });
      case 'give-up':
        return this.options.events.failed(new VaultError('connection_lost', CONNECTION_LOST), CONNECTION_LOST);
      case 'timer':
        this.cancelTimer();
        this.reconnectTimer = setTimeout(() => {
          this.reconnectTimer = null;
          // An attempt's window passed without a channel: a drop like any other.
          if (effect.event === 'dropped') this.connectionLost(new VaultError('connection_failed', 'no new connection'));
          else this.step({ type: effect.event });
        }, effect.ms);
        return;
      case 'cancel-timer':
        return this.cancelTimer();
      case 'ask':
        return this.askForOffer();
      default:
        return; // the sender's effects
    }
  }

  /** Asks the sender (sealed) for a new offer while a drop is being restored; it may already be making one. */
  askForOffer(): void {
    const { attempt } = this.reconnect;
    if (attempt === 0) return;
    void this.options.events.signal({ type: 'reconnect', data: { token: this.options.token, attempt } })?.catch(() => {});
  }

  /** Ends the current connection but not the transfer: the engine writes what it accepted and waits. */
  private dropConnection(): void {
    if (this.senderSilence) clearInterval(this.senderSilence);
    this.senderSilence = null;
    this.engine?.detach();
    this.closeConnection();
  }

  /** The engine continues over the new connection: the drop is over. */
  private onResumed(bytesKept: number): void {
    this.step({ type: 'resumed' });
    this.resumes++;
    this.options.events.status('receiving', { reconnect: null, resumed: { count: this.resumes, bytesKept } });
  }

  /** Every verified file with its path, for one download of them all; null until all verified. */
  verifiedEntries(): ZipEntry[] | null {
    if (this.state !== 'done' || !this.manifest) return null;
    const entries: ZipEntry[] = [];
    for (const { fileId, path, lastModified } of this.manifest.files) {
      const file = this.verified.get(fileId);
      if (!file) return null;
      entries.push({ path, file, lastModified });
    }
    return entries;
  }

  /** The sender closed the connection or ended the session: it had every verified ack. */
  senderFinished(): void {
    for (const waiter of this.closeWaiters) waiter();
    this.closeWaiters.clear();
  }

  /**
   * Resolves once the sender closed the connection or ended the session, which it does
   * when it has every file's verified ack, or after `maxMs`.
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

  stopWatching(): void {
    this.cancelTimer();
    if (this.senderSilence) clearInterval(this.senderSilence);
    this.senderSilence = null;
  }

  private cancelTimer(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
  }

  /**
   * The receiver failed: the engine discards partial files and tells the sender why over
   * the channel, which stays open long enough for that frame to arrive. Settles once closed.
   */
  stop(error: unknown): Promise<void> {
    this.stopWatching();
    this.state = 'stopped';
    if (this.engine && error instanceof VaultError) this.engine.abort(error);
    // Without a channel there is nothing to deliver, and a half-made connection must not open.
    if (!this.port) {
      this.closeConnection();
      return Promise.resolve();
    }
    return new Promise((resolve) =>
      setTimeout(() => {
        this.closeConnection();
        resolve();
      }, ERROR_LINGER_MS),
    );
  }

  /** Ends the PeerConnection and its channel, not the transfer. */
  closeConnection(): void {
    this.port?.close();
    this.connection?.close();
    this.port = null;
    this.connection = null;
  }

  dispose(): void {
    this.stopWatching();
    this.state = 'stopped';
    this.engine?.terminate();
    this.closeConnection();
  }
}
