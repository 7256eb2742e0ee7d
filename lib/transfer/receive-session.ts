import { fromBase64Url, toBase64Url } from '../crypto/base64url';
import { createIncrementalSha256, type IncrementalHash } from '../crypto/hash';
import { confirmationMac, verifyConfirmation } from '../crypto/key-confirmation';
import { deriveFileKey, type SessionKeys } from '../crypto/keys';
import { StreamOpener } from '../crypto/stream';
import { VaultError } from '../protocol/errors';
import { decodeFrame, GCM_TAG_BYTES, type ChunkFrame, type ControlFrame } from '../protocol/frames';
import { FileEndSchema, HelloSchema, ManifestSchema, type Manifest, type ManifestFile } from '../protocol/messages';
import type { FileSink, SinkFactory } from '../storage/file-sink';
import { ControlChannel, toVaultError } from './frame-io';
import type { FramePort } from './port';
import type { TransferProgress } from './progress';
import { currentFile, initialReceiverState, receiverTransition, type ReceiverState } from './receiver-machine';

export interface ReceivedFile {
  file: ManifestFile;
  sha256: string;
  blob: Blob;
}

export interface ReceiveSessionOptions {
  keys: SessionKeys;
  port: FramePort;
  /** What this connection is (session id and both DTLS fingerprints), for key confirmation. */
  transcript: Uint8Array;
  createSink: SinkFactory;
  /** Called when the manifest arrives, before any chunk is accepted; throw to refuse it. */
  onManifest?: (manifest: Manifest) => void | Promise<void>;
  onProgress?: (progress: TransferProgress) => void;
  onFileVerified?: (received: ReceivedFile) => void;
}

/** Chunks between progress acks; far below the sender's flow window (16 MiB). */
const ACK_EVERY_CHUNKS = 4;

interface IncomingFile {
  file: ManifestFile;
  opener: StreamOpener;
  hash: IncrementalHash;
  sink: Promise<FileSink>;
  chunks: number;
  bytes: number;
}

/**
 * Drives one transfer from the receiver's side: decrypts chunks in order as they
 * arrive, hashes and writes them to a sink, and offers a file only after its last
 * chunk and its SHA-256 verified. Any failure discards the partial file.
 */
export class ReceiveSession {
  private state: ReceiverState = initialReceiverState;
  private incoming: Promise<void> = Promise.resolve();
  /** Second stage: opened chunks are hashed and written in order while later ones decrypt. */
  private writes: Promise<void> = Promise.resolve();
  private current: IncomingFile | null = null;
  private failure: VaultError | null = null;
  private confirmed = false;
  private readonly control: ControlChannel;
  private progress: TransferProgress = { bytesDone: 0, bytesTotal: 0, filesDone: 0, filesTotal: 0 };
  private readonly received: ReceivedFile[] = [];
  private settle!: { resolve: (files: ReceivedFile[]) => void; reject: (error: VaultError) => void };
  /** Resolves with every verified file, or rejects with the named error. */
  readonly done: Promise<ReceivedFile[]>;

  constructor(private readonly options: ReceiveSessionOptions) {
    this.control = new ControlChannel(options.keys, options.port, 'receiver-to-sender', 'sender-to-receiver');
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.done.catch(() => {}); // callers may observe failure through their own path
  }

  get finished(): boolean {
    return this.state.phase === 'done' || this.failure !== null;
  }

  receive(data: Uint8Array): void {
    this.incoming = this.incoming.then(() => this.handle(data)).catch((error) => this.fail(error));
  }

  fail(error: unknown, tellPeer = true): void {
    if (this.finished) return;
    this.failure = toVaultError(error);
    const sink = this.current?.sink;
    this.current = null;
    void sink?.then((s) => s.abort()).catch(() => {});
    if (tellPeer) void this.control.sendError(this.failure);
    this.settle.reject(this.failure);
  }

  private async handle(data: Uint8Array): Promise<void> {
    if (this.finished) return;
    const frame = decodeFrame(data);
    if (!this.confirmed && frame.type !== 'hello' && frame.type !== 'error' && frame.type !== 'cancel') {
      throw new VaultError('protocol_violation', `${frame.type} before key confirmation`);
    }
    switch (frame.type) {
      case 'hello':
        return this.onHello(frame);
      case 'manifest':
        return this.onManifest(frame);
      case 'chunk':
        return this.onChunk(frame);
      case 'file-end':
        return this.onFileEnd(frame);
      case 'error':
      case 'cancel':
        return this.fail(await this.control.peerError(frame), false);
      default:
        throw new VaultError('protocol_violation', `receiver does not accept ${frame.type} frames`);
    }
  }

  private async onHello(frame: ControlFrame): Promise<void> {
    if (this.confirmed) throw new VaultError('protocol_violation', 'second hello');
    const { mac } = await this.control.open(frame, HelloSchema);
    const { keys, transcript } = this.options;
    await verifyConfirmation(keys, 'sender', transcript, mac);
    this.confirmed = true;
    await this.control.send('hello', { mac: await confirmationMac(keys, 'receiver', transcript) });
  }

  private async onManifest(frame: ControlFrame): Promise<void> {
    const manifest = await this.control.open(frame, ManifestSchema, 'manifest_invalid');
    this.state = receiverTransition(this.state, { type: 'manifest', manifest });
    await this.options.onManifest?.(manifest);
    const bytesTotal = manifest.files.reduce((sum, f) => sum + f.size, 0);
    this.progress = { bytesDone: 0, bytesTotal, filesDone: 0, filesTotal: manifest.files.length };
    this.options.onProgress?.({ ...this.progress });
    await this.control.send('request', { files: manifest.files.map((f) => ({ fileId: f.fileId, fromIndex: 0 })) });
  }

  private async onChunk(frame: ChunkFrame): Promise<void> {
    const fileId = toBase64Url(frame.fileId);
    const size = frame.ciphertext.length - GCM_TAG_BYTES;
    this.state = receiverTransition(this.state, { type: 'chunk', fileId, last: frame.last, size });
    const incoming = this.current ?? (this.current = await this.openFile(currentFile(this.state)!));
    // Start decrypting now; hashing and writing happen in order in the second stage.
    const opened = incoming.opener.open(frame.index, frame.last, frame.ciphertext);
    opened.catch(() => {}); // observed by the write stage
    this.writes = this.writes.then(async () => {
      const plaintext = await opened;
      incoming.hash.update(plaintext);
      await (await incoming.sink).write(plaintext);
      incoming.chunks++;
      incoming.bytes += plaintext.length;
      this.progress.bytesDone += plaintext.length;
      this.options.onProgress?.({ ...this.progress });
      if (incoming.chunks % ACK_EVERY_CHUNKS === 0 && !frame.last) {
        await this.control.send('ack', { fileId, received: incoming.bytes, verified: false });
      }
    });
    this.writes.catch((error) => this.fail(error));
  }

  private async onFileEnd(frame: ControlFrame): Promise<void> {
    const end = await this.control.open(frame, FileEndSchema);
    this.state = receiverTransition(this.state, { type: 'file-end', fileId: end.fileId });
    const incoming = this.current!;
    incoming.opener.finish();
    await this.writes;
    const sha256 = incoming.hash.digestHex();
    if (sha256 !== end.sha256) throw new VaultError('hash_mismatch', `${incoming.file.name}: SHA-256 differs from the sender's`);
    const blob = await (await incoming.sink).close();
    this.current = null;
    this.state = receiverTransition(this.state, { type: 'file-verified', fileId: end.fileId });
    const received = { file: incoming.file, sha256, blob };
    this.received.push(received);
    this.progress.filesDone++;
    this.options.onProgress?.({ ...this.progress });
    this.options.onFileVerified?.(received);
    await this.control.send('ack', { fileId: end.fileId, received: incoming.file.size, verified: true });
    if (this.state.phase === 'done') this.settle.resolve(this.received);
  }

  private async openFile(file: ManifestFile): Promise<IncomingFile> {
    const id = fromBase64Url(file.fileId);
    const sink = this.options.createSink(file);
    sink.catch(() => {}); // a failure surfaces at the first write
    const [key, hash] = await Promise.all([deriveFileKey(this.options.keys, id, 0), createIncrementalSha256()]);
    return { file, opener: new StreamOpener(key, id), hash, sink, chunks: 0, bytes: 0 };
  }
}
