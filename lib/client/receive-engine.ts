// Runs the ReceiveSession (decrypt, hash, write) behind the receive-worker message
// protocol. The browser runs it in a Worker so the page's main thread only moves
// frames; the command-line peer runs it in-process. Where files go is the host's part.
import { connectionKeysFor } from '../crypto/keys';
import { VaultError, isVaultError, type TransferErrorCode } from '../protocol/errors';
import type { Manifest, ManifestFile } from '../protocol/messages';
import type { FileSink } from '../storage/file-sink';
import type { FramePort } from '../transfer/port';
import { MAX_UNACKED_BYTES, ReceiveSession } from '../transfer/receive-session';
import { isRefusal, type BrowserPlace, type FromWorker, type Placed, type StorageDecision, type ToWorker, type WorkerStart } from './receive-worker-protocol';

export type Post = (message: FromWorker, transfer?: Transferable[]) => void;
/** Opens where one file is written, as the receiver decided from the manifest. */
export type SinkOpener<Place extends Placed = BrowserPlace> = (place: Place, manifest: Manifest, file: ManifestFile) => Promise<FileSink>;

/** Progress reaches the page at most every 250 ms (it re-renders at most twice a second), and always when a file verified. */
const PROGRESS_INTERVAL_MS = 250;

export class ReceiveEngine<Place extends Placed = BrowserPlace> {
  /** The page's id for the connection whose frames arrive now. */
  private connectionId = 0;
  private session: ReceiveSession | null = null;
  private readonly early: ArrayBuffer[] = [];
  private earlyBytes = 0;
  private decide: ((decision: StorageDecision<Place>) => void) | null = null;
  private decision: StorageDecision<Place> | null = null;
  private place: Place | null = null;
  private manifest: Manifest | null = null;
  private lastProgressPost = 0;
  private filesDonePosted = 0;
  /**
   * `live`: frames go to the session. `keying`: a connection is being keyed and its
   * frames wait in `early`. `dropped`: the connection is gone; a frame of it that
   * arrives late is discarded, never fed to the next connection's keys.
   */
  private intake: 'keying' | 'live' | 'dropped' = 'keying';
  /** Counts starts and detaches: keys that finish after their connection dropped are dropped too. */
  private generation = 0;

  constructor(
    private readonly post: Post,
    private readonly openSink: SinkOpener<Place>,
  ) {}

  handle(message: ToWorker<Place>): void {
    switch (message.type) {
      case 'connection':
        this.connectionId = message.id;
        this.intake = 'keying';
        break;
      case 'start':
        // Frames of this connection may already wait in `early` (they can arrive before the page starts us).
        this.intake = 'keying';
        void this.start(message);
        break;
      case 'frame':
        if (this.intake === 'live') this.session?.receive(new Uint8Array(message.data));
        else if (this.intake === 'keying') this.keepEarly(message.data);
        break;
      case 'detach':
        this.generation++;
        this.intake = 'dropped';
        this.early.length = 0;
        this.earlyBytes = 0;
        this.session?.detach();
        break;
      case 'storage':
        this.decide?.(message.decision);
        this.decide = null;
        break;
      case 'abort':
        this.session?.fail(new VaultError(message.code, message.message), false);
        break;
    }
  }

  /**
   * Frames go out through the page, stamped with the connection they belong to: one
   * sealed under a dropped connection's keys must never leave on the next connection.
   */
  private portFor(connection: number): FramePort {
    return {
      send: (frame) => {
        const copy = frame.slice();
        this.post({ type: 'send', connection, data: copy.buffer }, [copy.buffer]);
      },
      // The page's DataChannel applies backpressure; the receiver only sends small acks.
      bufferedAmount: 0,
      drained: async () => {},
    };
  }

  private async onManifest(incoming: Manifest): Promise<void> {
    this.manifest = incoming;
    const chosen = new Promise<StorageDecision<Place>>((resolve) => (this.decide = resolve));
    this.post({ type: 'manifest', manifest: incoming });
    this.decision = await chosen;
    if (isRefusal(this.decision)) throw new VaultError(this.decision.code, this.decision.message);
    this.place = this.decision;
  }

  private async start({ linkKey, sessionId, ephemeral, peerPublic, transcript }: WorkerStart): Promise<void> {
    const mine = ++this.generation;
    const port = this.portFor(this.connectionId);
    let keys;
    try {
      keys = await connectionKeysFor('receiver', linkKey, sessionId, ephemeral, peerPublic);
    } catch (error) {
      const code: TransferErrorCode = isVaultError(error) ? (error.code as TransferErrorCode) : 'not_authentic';
      return this.post({ type: 'failed', error: { code, message: error instanceof Error ? error.message : String(error) } });
    }
    if (mine !== this.generation) return;
    if (this.session) {
      // A resumed connection: same transfer, same files on disk, new keys.
      this.session.attach({ keys, port, transcript });
      this.goLive();
      return;
    }
    const session = (this.session = new ReceiveSession({
      keys,
      port,
      transcript,
      onResumed: ({ epoch, bytesKept }) => this.post({ type: 'resumed', epoch, bytesKept }),
      createSink: (file) => {
        if (!this.place || !this.manifest) throw new VaultError('protocol_violation', 'no storage chosen');
        return this.openSink(this.place, this.manifest, file);
      },
      onManifest: (manifest) => this.onManifest(manifest),
      onProgress: (progress) => {
        const now = performance.now();
        const fileVerified = progress.filesDone !== this.filesDonePosted;
        if (now - this.lastProgressPost < PROGRESS_INTERVAL_MS && !fileVerified) return;
        this.lastProgressPost = now;
        this.filesDonePosted = progress.filesDone;
        this.post({ type: 'progress', progress });
      },
      onFileVerified: ({ file, sha256, blob }) => this.post({ type: 'verified', fileId: file.fileId, sha256, file: blob }),
    }));
    session.done.then(
      () => this.post({ type: 'done' }),
      (error: unknown) => {
        const code: TransferErrorCode = isVaultError(error) ? (error.code as TransferErrorCode) : 'protocol_violation';
        const refused = this.decision && isRefusal(this.decision) && this.decision.code === code ? this.decision.message : undefined;
        this.post({ type: 'failed', error: { code, message: error instanceof Error ? error.message : String(error), detail: refused } });
      },
    );
    this.goLive();
  }

  private goLive(): void {
    this.intake = 'live';
    this.earlyBytes = 0;
    for (const data of this.early.splice(0)) this.session?.receive(new Uint8Array(data));
  }

  /** Keying takes milliseconds; an honest sender sends only its hello meanwhile, so a flood is refused, not kept. */
  private keepEarly(data: ArrayBuffer): void {
    this.earlyBytes += data.byteLength;
    if (this.earlyBytes <= MAX_UNACKED_BYTES) {
      this.early.push(data);
      return;
    }
    this.early.length = 0;
    this.intake = 'dropped';
    const error = new VaultError('protocol_violation', 'the sender flooded the connection before it was keyed');
    if (this.session) this.session.fail(error);
    else this.post({ type: 'failed', error: { code: 'protocol_violation', message: error.message } });
  }
}
