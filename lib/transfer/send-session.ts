import { toBase64Url } from '../crypto/base64url';
import { createIncrementalSha256 } from '../crypto/hash';
import { confirmationMac, verifyConfirmation } from '../crypto/key-confirmation';
import { deriveFileKey, type SessionKeys } from '../crypto/keys';
import { StreamSealer } from '../crypto/stream';
import { randomBytes } from '../crypto/webcrypto';
import { VaultError } from '../protocol/errors';
import { baseName } from '../protocol/file-path';
import { decodeFrame, encodeChunkFrame } from '../protocol/frames';
import { FILE_ID_BYTES } from '../protocol/ids';
import { AckSchema, HelloSchema, RequestSchema, type Manifest } from '../protocol/messages';
import { chunkCount, chunkRange } from './chunking';
import type { FileSource } from './file-source';
import { FlowWindow } from './flow-window';
import { ControlChannel, toVaultError } from './frame-io';
import { sendWithBackpressure, type FramePort } from './port';
import type { TransferProgress } from './progress';
import { initialSenderState, senderTransition, type SenderState } from './sender-machine';

export interface SendSessionOptions {
  keys: SessionKeys;
  port: FramePort;
  /** What this connection is (session id and both DTLS fingerprints), for key confirmation. */
  transcript: Uint8Array;
  files: FileSource[];
  chunkSize: number;
  /** Progress as the receiver acknowledges it: bytes written on the other side. */
  onProgress?: (progress: TransferProgress) => void;
  window?: FlowWindow;
}

/** Chunks read ahead of the one being sealed and sent. */
const READ_AHEAD_CHUNKS = 4;

interface OutgoingFile {
  id: Uint8Array;
  source: FileSource;
}

/**
 * Drives one transfer from the sender's side: manifest → request → STREAM-sealed
 * chunks with backpressure → sealed file-end with SHA-256 → wait for verified acks.
 * Each file is read once, slice by slice, and hashed in the same pass.
 */
export class SendSession {
  readonly manifest: Manifest;
  private readonly files: Map<string, OutgoingFile>;
  private readonly control: ControlChannel;
  private state: SenderState;
  private failure: VaultError | null = null;
  private incoming: Promise<void> = Promise.resolve();
  private readonly progress: TransferProgress;
  private wake: (() => void) | null = null;
  private peerConfirmed = false;
  private readonly window: FlowWindow;

  constructor(private readonly options: SendSessionOptions) {
    this.files = new Map();
    for (const source of options.files) {
      const id = randomBytes(FILE_ID_BYTES);
      this.files.set(toBase64Url(id), { id, source });
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
    this.control = new ControlChannel(options.keys, options.port, 'sender-to-receiver', 'receiver-to-sender');
    const total = this.manifest.files.reduce((sum, f) => sum + f.size, 0);
    this.progress = { bytesDone: 0, bytesTotal: total, filesDone: 0, filesTotal: this.manifest.files.length };
  }

  /** Feed every frame that arrives on the channel. Frames are handled one at a time. */
  receive(data: Uint8Array): void {
    this.incoming = this.incoming.then(() => this.handle(data)).catch((error) => this.fail(error));
  }

  /** Stop with an error from outside (channel closed, peer left, user cancelled). */
  fail(error: unknown, tellPeer = true): void {
    if (this.failure || this.state.phase === 'done') return;
    this.failure = toVaultError(error);
    if (tellPeer) void this.control.sendError(this.failure);
    this.window.interrupt();
    this.notify();
  }

  async run(): Promise<TransferProgress> {
    const { keys, transcript } = this.options;
    await this.control.send('hello', { mac: await confirmationMac(keys, 'sender', transcript) });
    // Nothing about the files leaves before the receiver proved it holds K on this connection.
    await this.until(() => this.peerConfirmed);
    await this.control.send('manifest', this.manifest);
    await this.until(() => this.state.phase !== 'awaiting-request');
    if (this.state.phase === 'sending') {
      for (const fileId of this.state.pending) await this.sendFile(this.files.get(fileId)!);
    }
    await this.until(() => this.state.phase === 'done');
    return { ...this.progress, bytesDone: this.progress.bytesTotal, filesDone: this.progress.filesTotal };
  }

  private async sendFile({ id, source }: OutgoingFile): Promise<void> {
    const { chunkSize } = this.manifest;
    const sealer = new StreamSealer(await deriveFileKey(this.options.keys, id, 0), id);
    const hash = await createIncrementalSha256();
    const count = chunkCount(source.size, chunkSize);
    // Reads run a few chunks ahead so the disk, the cipher and the channel overlap.
    const reads: Promise<Uint8Array>[] = [];
    let nextRead = 0;
    const readAhead = () => {
      for (; reads.length < READ_AHEAD_CHUNKS && nextRead < count; nextRead++) {
        const { start, end } = chunkRange(source.size, chunkSize, nextRead);
        const read = source.read(start, end);
        read.catch(() => {}); // awaited in order below; a failure there ends the transfer
        reads.push(read);
      }
    };
    readAhead();
    for (let index = 0; index < count; index++) {
      this.throwIfFailed();
      const { start, end } = chunkRange(source.size, chunkSize, index);
      const plaintext = await reads.shift()!;
      readAhead();
      if (plaintext.length !== end - start) throw new VaultError('size_mismatch', `${source.path} changed while being sent`);
      hash.update(plaintext);
      const last = index === count - 1;
      const ciphertext = await sealer.seal(plaintext, last);
      await this.window.waitFor(plaintext.length, () => this.failure !== null);
      this.throwIfFailed();
      await sendWithBackpressure(this.options.port, encodeChunkFrame(id, index, last, ciphertext));
      this.window.sent(plaintext.length);
    }
    await this.control.send('file-end', { fileId: toBase64Url(id), sha256: hash.digestHex() });
  }

  private async handle(data: Uint8Array): Promise<void> {
    if (this.failure) return;
    const frame = decodeFrame(data);
    if (!this.peerConfirmed && frame.type !== 'hello' && frame.type !== 'error' && frame.type !== 'cancel') {
      throw new VaultError('protocol_violation', `${frame.type} before key confirmation`);
    }
    switch (frame.type) {
      case 'hello': {
        if (this.peerConfirmed) throw new VaultError('protocol_violation', 'second hello');
        const { mac } = await this.control.open(frame, HelloSchema);
        await verifyConfirmation(this.options.keys, 'receiver', this.options.transcript, mac);
        this.peerConfirmed = true;
        break;
      }
      case 'request':
        this.state = senderTransition(this.state, { type: 'request', request: await this.control.open(frame, RequestSchema) });
        break;
      case 'ack': {
        const ack = await this.control.open(frame, AckSchema);
        this.state = senderTransition(this.state, { type: 'ack', ack });
        this.window.acked(ack.fileId, ack.received);
        const pending = this.state.phase === 'sending' ? this.state.pending.size : 0;
        this.progress.filesDone = this.progress.filesTotal - pending;
        this.progress.bytesDone = this.window.acknowledged;
        this.options.onProgress?.({ ...this.progress });
        break;
      }
      case 'error':
      case 'cancel':
        this.fail(await this.control.peerError(frame), false);
        return;
      default:
        throw new VaultError('protocol_violation', `sender does not accept ${frame.type} frames`);
    }
    this.notify();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  private notify(): void {
    this.wake?.();
  }

  /** Waits for a state change that satisfies `predicate`, or throws the failure. */
  private async until(predicate: () => boolean): Promise<void> {
    for (;;) {
      this.throwIfFailed();
      if (predicate()) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}
