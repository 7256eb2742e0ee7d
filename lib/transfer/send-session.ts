import { toBase64Url } from '../protocol/base64url';
import { confirmationMac, verifyConfirmation } from '../crypto/key-confirmation';
import { deriveFileKey, type SessionKeys } from '../crypto/keys';
import { StreamSealer } from '../crypto/stream';
import { randomBytes } from '../crypto/webcrypto';
import { VaultError } from '../protocol/errors';
import { baseName } from '../protocol/file-path';
import { CHUNK_FRAME_OVERHEAD, decodeFrame, encodeChunkFrame } from '../protocol/frames';
import { FILE_ID_BYTES } from '../protocol/ids';
import { AckSchema, HelloSchema, MAX_EPOCH, RequestSchema, type Manifest } from '../protocol/messages';
import { ChunkReader } from './chunk-reader';
import type { FileSource } from './file-source';
import { FlowWindow } from './flow-window';
import { ControlChannel, toVaultError } from './frame-io';
import { sendWithBackpressure, type FramePort } from './port';
import type { TransferProgress } from './progress';
import { initialSenderState, senderReconnected, senderTransition, type SenderState } from './sender-machine';

/** One connection's keys and channel: a transfer may run over several in turn (resume). */
export interface TransferConnection {
  keys: SessionKeys;
  port: FramePort;
  /** What this connection is (session id and both DTLS fingerprints), for key confirmation. */
  transcript: Uint8Array;
}

export interface SendSessionOptions extends TransferConnection {
  files: FileSource[];
  chunkSize: number;
  /** Progress as the receiver acknowledges it: bytes written on the other side. */
  onProgress?: (progress: TransferProgress) => void;
  /** A resumed connection got the receiver's request: it held `bytesKept` already. */
  onResumed?: (resumed: { epoch: number; bytesKept: number }) => void;
  window?: FlowWindow;
}

interface OutgoingFile {
  id: Uint8Array;
  fileId: string;
  source: FileSource;
}

interface LiveConnection extends TransferConnection {
  control: ControlChannel;
  confirmed: boolean;
  /** Set when this connection dropped: the transfer waits for the next one. */
  lost: VaultError | null;
}

/**
 * Drives one transfer from the sender's side: manifest → request → STREAM-sealed
 * chunks with backpressure → sealed file-end with SHA-256 → wait for verified acks.
 * Each file is read once for sending, in large blocks; its SHA-256 comes from the file
 * source, computed apart (lib/client/file-hasher.ts), usually before the transfer began.
 *
 * When a connection drops (`interrupt`), the transfer survives: `resume` attaches the
 * next connection, `run` offers the manifest under the next key epoch, and each file
 * continues from the chunk the receiver has verified.
 */
export class SendSession {
  readonly manifest: Manifest;
  private readonly files: Map<string, OutgoingFile>;
  private live: LiveConnection;
  private state: SenderState;
  private failure: VaultError | null = null;
  private incoming: Promise<void> = Promise.resolve();
  private readonly progress: TransferProgress;
  private wake: (() => void) | null = null;
  private readonly window: FlowWindow;
  private sent = 0;
  /** Where chunk frames are built, one at a time: the port copies a frame as it sends it. */
  private frameBuffer: Uint8Array | null = null;

  constructor(private readonly options: SendSessionOptions) {
    this.files = new Map();
    for (const source of options.files) {
      const id = randomBytes(FILE_ID_BYTES);
      const fileId = toBase64Url(id);
      this.files.set(fileId, { id, fileId, source });
    }
    this.manifest = {
      transferId: toBase64Url(randomBytes(FILE_ID_BYTES)),
      chunkSize: options.chunkSize,
      files: [...this.files].map(([fileId, { source }]) => ({
        fileId,
        // The name is the path's last segment, whatever the browser called the file.
        name: baseName(source.path),
        path: source.path,
        size: source.size,
        type: source.type.slice(0, 255),
        lastModified: Math.max(0, Math.trunc(source.lastModified)),
      })),
    };
    this.state = initialSenderState(this.manifest);
    this.window = options.window ?? new FlowWindow();
    this.live = this.attach(options);
    const total = this.manifest.files.reduce((sum, f) => sum + f.size, 0);
    this.progress = { bytesDone: 0, bytesTotal: total, filesDone: 0, filesTotal: this.manifest.files.length };
  }

  /** Plaintext bytes put on the wire so far, over every connection (resends included). */
  get bytesSent(): number {
    return this.sent;
  }

  /** Key epoch of the current connection: 0 for the first, +1 per resumption. */
  get epoch(): number {
    return this.state.epoch;
  }

  get finished(): boolean {
    return this.failure !== null || this.state.phase === 'done';
  }

  /**
   * Feed every frame that arrives; frames are handled one at a time. `from` names the
   * connection it came on: a late frame of a replaced connection is ignored, never
   * read under the new connection's keys and state.
   */
  receive(data: Uint8Array, from?: FramePort): void {
    const live = this.live;
    if (from && from !== live.port) return;
    this.incoming = this.incoming
      .then(() => (live === this.live && !live.lost ? this.handle(data, live) : undefined))
      .catch((error) => {
        if (live === this.live && !live.lost) this.fail(error);
      });
  }

  /** Stop for good with an error (a bad frame, the peer's error, the user cancelled). */
  fail(error: unknown, tellPeer = true): void {
    if (this.finished) return;
    this.failure = toVaultError(error);
    if (tellPeer && !this.live.lost) void this.live.control.sendError(this.failure);
    this.window.interrupt();
    this.notify();
  }

  /** The current connection dropped: `run` rejects with `error`, the transfer can resume. */
  interrupt(error: VaultError): void {
    if (this.finished || this.live.lost) return;
    this.live.lost = error;
    this.window.interrupt();
    this.notify();
  }

  /** Attaches the next connection; call `run` again to continue over it. */
  resume(connection: TransferConnection): void {
    if (this.finished) throw this.failure ?? new VaultError('protocol_violation', 'transfer already done');
    if (this.state.epoch >= MAX_EPOCH) throw new VaultError('connection_lost', 'too many resumptions');
    this.live.lost ??= new VaultError('channel_closed', 'replaced by a new connection');
    this.live = this.attach(connection);
    this.state = senderReconnected(this.state);
    this.notify();
  }

  async run(): Promise<TransferProgress> {
    try {
      return await this.runOn(this.live);
    } catch (error) {
      // The receiver's named error wins over what it caused here: a send waiting for the
      // channel to drain learns only that the channel then closed.
      throw this.failure ?? error;
    }
  }

  private async runOn(live: LiveConnection): Promise<TransferProgress> {
    const { keys, transcript, control } = live;
    await control.send('hello', { mac: await confirmationMac(keys, 'sender', transcript) });
    // Nothing about the files leaves before the receiver proved it holds K on this connection.
    await this.until(live, () => live.confirmed);
    await control.send('manifest', { ...this.manifest, epoch: this.state.epoch });
    await this.until(live, () => this.state.phase !== 'awaiting-request');
    const state = this.state;
    this.restartWindow(state.phase === 'sending' ? state.pending : new Map(), state.verified);
    if (state.epoch > 0) this.options.onResumed?.({ epoch: state.epoch, bytesKept: this.window.acknowledged });
    if (state.phase === 'sending') {
      for (const [fileId, fromIndex] of state.pending) await this.sendFile(this.files.get(fileId)!, fromIndex, live);
    }
    await this.until(live, () => this.state.phase === 'done');
    return { ...this.progress, bytesDone: this.progress.bytesTotal, filesDone: this.progress.filesTotal };
  }

  private attach(connection: TransferConnection): LiveConnection {
    const control = new ControlChannel(connection.keys, connection.port, 'sender-to-receiver', 'receiver-to-sender');
    return { keys: connection.keys, port: connection.port, transcript: connection.transcript, control, confirmed: false, lost: null };
  }

  /** The receiver's request says what it holds: those bytes count as delivered. */
  private restartWindow(pending: ReadonlyMap<string, number>, verified: ReadonlySet<string>): void {
    const { chunkSize } = this.manifest;
    const held: [string, number][] = this.manifest.files.map((f) => {
      if (verified.has(f.fileId)) return [f.fileId, f.size];
      return [f.fileId, Math.min(f.size, (pending.get(f.fileId) ?? 0) * chunkSize)];
    });
    this.window.restart(held);
    this.progress.bytesDone = this.window.acknowledged;
    this.progress.filesDone = verified.size;
    this.options.onProgress?.({ ...this.progress });
  }

  private async sendFile({ id, fileId, source }: OutgoingFile, fromIndex: number, live: LiveConnection): Promise<void> {
    const { chunkSize } = this.manifest;
    const sealer = new StreamSealer(await deriveFileKey(live.keys, id, this.state.epoch), id, fromIndex);
    // Hashed apart from the sending, usually before it began; a resumed file sends the same.
    const sha256 = source.sha256().catch((error: unknown) => {
      throw new VaultError('size_mismatch', `${source.path} could not be read whole: ${error instanceof Error ? error.message : String(error)}`);
    });
    sha256.catch(() => {}); // awaited at file-end
    const reader = new ChunkReader(source, chunkSize, fromIndex);
    for (let index = fromIndex; index < reader.count; index++) {
      this.throwIfStopped(live);
      const plaintext = await reader.next();
      const last = index === reader.count - 1;
      const ciphertext = await sealer.seal(plaintext, last);
      await this.window.waitFor(plaintext.length, () => this.failure !== null || live.lost !== null);
      this.throwIfStopped(live);
      await sendWithBackpressure(live.port, () => encodeChunkFrame(id, index, last, ciphertext, (this.frameBuffer ??= new Uint8Array(chunkSize + CHUNK_FRAME_OVERHEAD))));
      this.window.sent(plaintext.length);
      this.sent += plaintext.length;
    }
    this.throwIfStopped(live);
    await live.control.send('file-end', { fileId, sha256: await sha256 });
  }

  private async handle(data: Uint8Array, live: LiveConnection): Promise<void> {
    if (this.failure) return;
    const frame = decodeFrame(data);
    if (!live.confirmed && frame.type !== 'hello' && frame.type !== 'error' && frame.type !== 'cancel') {
      throw new VaultError('protocol_violation', `${frame.type} before key confirmation`);
    }
    switch (frame.type) {
      case 'hello': {
        if (live.confirmed) throw new VaultError('protocol_violation', 'second hello');
        const { mac } = await live.control.open(frame, HelloSchema);
        await verifyConfirmation(live.keys, 'receiver', live.transcript, mac);
        live.confirmed = true;
        break;
      }
      case 'request':
        this.state = senderTransition(this.state, { type: 'request', request: await live.control.open(frame, RequestSchema) });
        break;
      case 'ack': {
        const ack = await live.control.open(frame, AckSchema);
        this.state = senderTransition(this.state, { type: 'ack', ack });
        this.window.acked(ack.fileId, ack.received);
        this.progress.filesDone = this.state.verified.size;
        this.progress.bytesDone = this.window.acknowledged;
        this.options.onProgress?.({ ...this.progress });
        break;
      }
      case 'error':
      case 'cancel':
        this.fail(await live.control.peerError(frame), false);
        return;
      default:
        throw new VaultError('protocol_violation', `sender does not accept ${frame.type} frames`);
    }
    this.notify();
  }

  private throwIfStopped(live: LiveConnection): void {
    if (this.failure) throw this.failure;
    if (live.lost) throw live.lost;
    if (live !== this.live) throw new VaultError('channel_closed', 'the connection was replaced');
  }

  private notify(): void {
    this.wake?.();
  }

  /** Waits for a state change that satisfies `predicate`, or throws the failure. */
  private async until(live: LiveConnection, predicate: () => boolean): Promise<void> {
    for (;;) {
      this.throwIfStopped(live);
      if (predicate()) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}
