import { toBase64Url } from '../crypto/base64url';
import { createIncrementalSha256, type IncrementalHash } from '../crypto/hash';
import { confirmationMac, verifyConfirmation } from '../crypto/key-confirmation';
import { deriveFileKey, type SessionKeys } from '../crypto/keys';
import { StreamSealer } from '../crypto/stream';
import { randomBytes } from '../crypto/webcrypto';
import { VaultError } from '../protocol/errors';
import { baseName } from '../protocol/file-path';
import { decodeFrame, encodeChunkFrame } from '../protocol/frames';
import { FILE_ID_BYTES } from '../protocol/ids';
import { AckSchema, HelloSchema, MAX_EPOCH, RequestSchema, type Manifest } from '../protocol/messages';
import { chunkCount, chunkRange } from './chunking';
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

/** Chunks read ahead of the one being sealed and sent. */
const READ_AHEAD_CHUNKS = 4;

interface OutgoingFile {
  id: Uint8Array;
  fileId: string;
  source: FileSource;
}

interface Link extends TransferConnection {
  control: ControlChannel;
  confirmed: boolean;
  /** Set when this connection dropped: the transfer waits for the next one. */
  lost: VaultError | null;
}

/**
 * Drives one transfer from the sender's side: manifest → request → STREAM-sealed
 * chunks with backpressure → sealed file-end with SHA-256 → wait for verified acks.
 * Each file is read once, slice by slice, and hashed in the same pass.
 *
 * When a connection drops (`interrupt`), the transfer survives: `resume` attaches the
 * next connection, `run` offers the manifest under the next key epoch, and each file
 * continues from the chunk the receiver has verified, with the hash state saved at
 * that chunk boundary.
 */
export class SendSession {
  readonly manifest: Manifest;
  private readonly files: Map<string, OutgoingFile>;
  private link: Link;
  private state: SenderState;
  private failure: VaultError | null = null;
  private incoming: Promise<void> = Promise.resolve();
  private readonly progress: TransferProgress;
  private wake: (() => void) | null = null;
  private readonly window: FlowWindow;
  /**
   * Per file, the hash state at each chunk boundary the receiver may resume from:
   * from its last acknowledged chunk up to the last one sent (the flow window bounds them).
   */
  private readonly checkpoints = new Map<string, Map<number, Uint8Array>>();
  private sent = 0;

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
    this.link = this.attach(options);
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
    const link = this.link;
    if (from && from !== link.port) return;
    this.incoming = this.incoming
      .then(() => (link === this.link && !link.lost ? this.handle(data, link) : undefined))
      .catch((error) => {
        if (link === this.link && !link.lost) this.fail(error);
      });
  }

  /** Stop for good with an error (a bad frame, the peer's error, the user cancelled). */
  fail(error: unknown, tellPeer = true): void {
    if (this.finished) return;
    this.failure = toVaultError(error);
    if (tellPeer && !this.link.lost) void this.link.control.sendError(this.failure);
    this.window.interrupt();
    this.notify();
  }

  /** The current connection dropped: `run` rejects with `error`, the transfer can resume. */
  interrupt(error: VaultError): void {
    if (this.finished || this.link.lost) return;
    this.link.lost = error;
    this.window.interrupt();
    this.notify();
  }

  /** Attaches the next connection; call `run` again to continue over it. */
  resume(connection: TransferConnection): void {
    if (this.finished) throw this.failure ?? new VaultError('protocol_violation', 'transfer already done');
    if (this.state.epoch >= MAX_EPOCH) throw new VaultError('connection_lost', 'too many resumptions');
    this.link.lost ??= new VaultError('channel_closed', 'replaced by a new connection');
    this.link = this.attach(connection);
    this.state = senderReconnected(this.state);
    this.notify();
  }

  async run(): Promise<TransferProgress> {
    const link = this.link;
    const { keys, transcript, control } = link;
    await control.send('hello', { mac: await confirmationMac(keys, 'sender', transcript) });
    // Nothing about the files leaves before the receiver proved it holds K on this connection.
    await this.until(link, () => link.confirmed);
    await control.send('manifest', { ...this.manifest, epoch: this.state.epoch });
    await this.until(link, () => this.state.phase !== 'awaiting-request');
    const state = this.state;
    this.restartWindow(state.phase === 'sending' ? state.pending : new Map(), state.verified);
    if (state.epoch > 0) this.options.onResumed?.({ epoch: state.epoch, bytesKept: this.window.acknowledged });
    if (state.phase === 'sending') {
      for (const [fileId, fromIndex] of state.pending) await this.sendFile(this.files.get(fileId)!, fromIndex, link);
    }
    await this.until(link, () => this.state.phase === 'done');
    return { ...this.progress, bytesDone: this.progress.bytesTotal, filesDone: this.progress.filesTotal };
  }

  private attach(connection: TransferConnection): Link {
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

  private async sendFile({ id, fileId, source }: OutgoingFile, fromIndex: number, link: Link): Promise<void> {
    const { chunkSize } = this.manifest;
    const sealer = new StreamSealer(await deriveFileKey(link.keys, id, this.state.epoch), id, fromIndex);
    const hash = await this.hashAt(fileId, source, fromIndex);
    const saved = this.checkpointsOf(fileId);
    const count = chunkCount(source.size, chunkSize);
    // Reads run a few chunks ahead so the disk, the cipher and the channel overlap.
    const reads: Promise<Uint8Array>[] = [];
    let nextRead = fromIndex;
    const readAhead = () => {
      for (; reads.length < READ_AHEAD_CHUNKS && nextRead < count; nextRead++) {
        const { start, end } = chunkRange(source.size, chunkSize, nextRead);
        const read = source.read(start, end);
        read.catch(() => {}); // awaited in order below; a failure there ends the transfer
        reads.push(read);
      }
    };
    readAhead();
    for (let index = fromIndex; index < count; index++) {
      this.throwIfStopped(link);
      const { start, end } = chunkRange(source.size, chunkSize, index);
      const plaintext = await reads.shift()!;
      readAhead();
      if (plaintext.length !== end - start) throw new VaultError('size_mismatch', `${source.path} changed while being sent`);
      hash.update(plaintext);
      saved.set(index + 1, hash.save());
      const last = index === count - 1;
      const ciphertext = await sealer.seal(plaintext, last);
      await this.window.waitFor(plaintext.length, () => this.failure !== null || link.lost !== null);
      this.throwIfStopped(link);
      await sendWithBackpressure(link.port, encodeChunkFrame(id, index, last, ciphertext));
      this.window.sent(plaintext.length);
      this.sent += plaintext.length;
    }
    this.throwIfStopped(link);
    await link.control.send('file-end', { fileId, sha256: hash.digestHex() });
  }

  private checkpointsOf(fileId: string): Map<number, Uint8Array> {
    let saved = this.checkpoints.get(fileId);
    if (!saved) this.checkpoints.set(fileId, (saved = new Map()));
    return saved;
  }

  /** The hash state after chunks 0…fromIndex−1: saved when they were sent, else read again. */
  private async hashAt(fileId: string, source: FileSource, fromIndex: number): Promise<IncrementalHash> {
    if (fromIndex === 0) return createIncrementalSha256();
    const saved = this.checkpoints.get(fileId)?.get(fromIndex);
    if (saved) return createIncrementalSha256(saved);
    // Only if the receiver resumes before its last acknowledgement, which it never does.
    const hash = await createIncrementalSha256();
    const { chunkSize } = this.manifest;
    for (let index = 0; index < fromIndex; index++) {
      const { start, end } = chunkRange(source.size, chunkSize, index);
      hash.update(await source.read(start, end));
    }
    return hash;
  }

  private async handle(data: Uint8Array, link: Link): Promise<void> {
    if (this.failure) return;
    const frame = decodeFrame(data);
    if (!link.confirmed && frame.type !== 'hello' && frame.type !== 'error' && frame.type !== 'cancel') {
      throw new VaultError('protocol_violation', `${frame.type} before key confirmation`);
    }
    switch (frame.type) {
      case 'hello': {
        if (link.confirmed) throw new VaultError('protocol_violation', 'second hello');
        const { mac } = await link.control.open(frame, HelloSchema);
        await verifyConfirmation(link.keys, 'receiver', link.transcript, mac);
        link.confirmed = true;
        break;
      }
      case 'request':
        this.state = senderTransition(this.state, { type: 'request', request: await link.control.open(frame, RequestSchema) });
        break;
      case 'ack': {
        const ack = await link.control.open(frame, AckSchema);
        this.state = senderTransition(this.state, { type: 'ack', ack });
        this.window.acked(ack.fileId, ack.received);
        this.prune(ack.fileId, ack.verified ? Infinity : Math.floor(ack.received / this.manifest.chunkSize));
        this.progress.filesDone = this.state.verified.size;
        this.progress.bytesDone = this.window.acknowledged;
        this.options.onProgress?.({ ...this.progress });
        break;
      }
      case 'error':
      case 'cancel':
        this.fail(await link.control.peerError(frame), false);
        return;
      default:
        throw new VaultError('protocol_violation', `sender does not accept ${frame.type} frames`);
    }
    this.notify();
  }

  /** The receiver never resumes below what it acknowledged: older hash states can go. */
  private prune(fileId: string, ackedChunks: number): void {
    const saved = this.checkpoints.get(fileId);
    if (!saved) return;
    if (ackedChunks === Infinity) return void this.checkpoints.delete(fileId);
    for (const index of saved.keys()) if (index < ackedChunks) saved.delete(index);
  }

  private throwIfStopped(link: Link): void {
    if (this.failure) throw this.failure;
    if (link.lost) throw link.lost;
    if (link !== this.link) throw new VaultError('channel_closed', 'the connection was replaced');
  }

  private notify(): void {
    this.wake?.();
  }

  /** Waits for a state change that satisfies `predicate`, or throws the failure. */
  private async until(link: Link, predicate: () => boolean): Promise<void> {
    for (;;) {
      this.throwIfStopped(link);
      if (predicate()) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}
