import { fromBase64Url, toBase64Url } from '../protocol/base64url';
import { createIncrementalSha256, type IncrementalHash } from '../crypto/hash';
import { confirmationMac, verifyConfirmation } from '../crypto/key-confirmation';
import { deriveFileKey } from '../crypto/keys';
import { StreamOpener } from '../crypto/stream';
import { VaultError } from '../protocol/errors';
import { CHUNK_FRAME_OVERHEAD, decodeFrame, FRAME_TYPES, GCM_TAG_BYTES, type ChunkFrame, type ControlFrame } from '../protocol/frames';
import { FileEndSchema, HelloSchema, ManifestSchema, type Manifest, type ManifestFile } from '../protocol/messages';
import type { FileSink, SinkFactory } from '../storage/file-sink';
import { chunkCount } from './chunking';
import { sha256OfBlob } from './file-hash';
import { FLOW_WINDOW_BYTES } from './flow-window';
import { ControlChannel, toVaultError } from './frame-io';
import type { TransferProgress } from './progress';
import { currentFile, initialReceiverState, receiverTransition, type ReceiverState } from './receiver-machine';
import { RECORD_VERSION, type FileRecord, type ReceiveRecord } from './receive-record';
import type { TransferConnection } from './send-session';

export interface ReceivedFile {
  file: ManifestFile;
  sha256: string;
  blob: Blob;
}

export interface ReceiveSessionOptions extends TransferConnection {
  createSink: SinkFactory;
  /**
   * Called when the manifest arrives, before any chunk is accepted; throw to refuse it.
   * Not called when continuing a saved record: that manifest was accepted before.
   */
  onManifest?: (manifest: Manifest) => void | Promise<void>;
  onProgress?: (progress: TransferProgress) => void;
  onFileVerified?: (received: ReceivedFile) => void;
  /** A resumed connection continues the transfer: how many bytes were kept. */
  onResumed?: (resumed: { epoch: number; bytesKept: number }) => void;
  /**
   * Start from a record a receiver saved before it restarted (lib/transfer/receive-record.ts,
   * decoded and validated): the sender's next manifest must be the same transfer under a
   * later epoch. `createSink` is then called with the record's byte offset for the file
   * under way.
   */
  resume?: {
    record: ReceiveRecord;
    /** A file the record says verified: the host's finished file (it is not checked again). */
    reopenVerified: (file: ManifestFile) => Promise<Blob>;
  };
  /**
   * The record to save, each time an ack is sent (after a write), when a file verified and
   * once the manifest was accepted. The host persists it to resume after a restart; `sessionId`
   * names the signaling session in it.
   */
  checkpoint?: { sessionId: string; onCheckpoint: (record: ReceiveRecord) => void; now?: () => number };
}

/** Chunks between progress acks; far below the sender's flow window (16 MiB). */
const ACK_EVERY_CHUNKS = 4;

/**
 * An honest sender never has more than its flow window of chunk bytes that this
 * receiver has not acknowledged (every ack is sent after the bytes were written, so
 * what arrived minus what was acked is at most what the sender counts in flight).
 * Past twice that the sender is ignoring the window, and every further chunk would
 * wait in memory: the transfer fails instead.
 */
export const MAX_UNACKED_BYTES = 2 * FLOW_WINDOW_BYTES;
/**
 * Control frames waiting to be handled (hello, manifest, file-end…). The largest honest
 * one is a manifest (192 KiB); frames only pile up while the receiver waits, e.g. for
 * the person to choose where files go.
 */
export const MAX_QUEUED_CONTROL_BYTES = 1024 * 1024;

interface IncomingFile {
  file: ManifestFile;
  id: Uint8Array;
  opener: StreamOpener;
  hash: IncrementalHash;
  sink: Promise<FileSink>;
  /** Chunks hashed and written: what a resumed connection continues from. */
  chunks: number;
  bytes: number;
  /**
   * Continued from a saved record: the bytes the sink held then and their SHA-256 as the
   * record's hash state says. Checked against the finished file, since the running hash
   * only covers what this session wrote.
   */
  restored?: { bytes: number; sha256: string };
}

interface LiveConnection extends TransferConnection {
  control: ControlChannel;
  confirmed: boolean;
  /** Dropped: its frames still count, but nothing more is sent on it. */
  detached: boolean;
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);

/** The manifest as the sender describes the transfer, whatever the connection's epoch. */
const sameTransfer = (a: Manifest, b: Manifest) =>
  JSON.stringify({ ...a, epoch: undefined }) === JSON.stringify({ ...b, epoch: undefined });

/**
 * Drives one transfer from the receiver's side: decrypts chunks in order as they
 * arrive, hashes and writes them to a sink, and offers a file only after its last
 * chunk and its SHA-256 verified. Any failure discards the partial file.
 *
 * A dropped connection is not a failure: `detach` lets the chunks already accepted be
 * written, `attach` takes the next connection, and when the sender offers the same
 * manifest under a later epoch the receiver asks for each file from the first chunk it
 * does not hold. Bytes on disk and the running hash are kept.
 */
export class ReceiveSession {
  private state: ReceiverState = initialReceiverState;
  private incoming: Promise<void> = Promise.resolve();
  /** Second stage: opened chunks are hashed and written in order while later ones decrypt. */
  private writes: Promise<void> = Promise.resolve();
  private current: IncomingFile | null = null;
  private failure: VaultError | null = null;
  private live: LiveConnection | null;
  private manifest: Manifest | null = null;
  private epoch = -1;
  private progress: TransferProgress = { bytesDone: 0, bytesTotal: 0, filesDone: 0, filesTotal: 0 };
  private readonly received: ReceivedFile[] = [];
  /** Chunk plaintext bytes that arrived, and the part of them acknowledged as written. */
  private arrivedBytes = 0;
  private ackedBytes = 0;
  private queuedControlBytes = 0;
  private settle!: { resolve: (files: ReceivedFile[]) => void; reject: (error: VaultError) => void };
  /** Resolves with every verified file, or rejects with the named error. */
  readonly done: Promise<ReceivedFile[]>;

  constructor(private readonly options: ReceiveSessionOptions) {
    this.live = this.liveConnection(options);
    // The record's epoch is the last one accepted: the sender's next manifest must be later.
    if (options.resume) this.epoch = options.resume.record.epoch;
    this.done = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.done.catch(() => {}); // callers may observe failure through their own path
  }

  get finished(): boolean {
    return this.state.phase === 'done' || this.failure !== null;
  }

  /**
   * Feed every frame that arrives. A frame that arrived before its connection dropped
   * is authentic and in order, so it is still handled (after the drop, before the next
   * connection's frames); only what it would send back is dropped.
   */
  receive(data: Uint8Array): void {
    const live = this.live;
    if (!live || this.failure) return;
    // Counted on arrival, before any queue: what waits to be handled is memory too.
    const violation = this.overLimit(data);
    if (violation) return this.fail(new VaultError('protocol_violation', violation));
    const control = data[0] === FRAME_TYPES.chunk ? 0 : data.length;
    this.incoming = this.incoming
      .then(() => this.handle(data, live))
      .finally(() => (this.queuedControlBytes -= control))
      .catch((error) => this.fail(error));
  }

  /** Why taking `data` would break the flow window's bound, or null. */
  private overLimit(data: Uint8Array): string | null {
    if (data[0] === FRAME_TYPES.chunk) {
      this.arrivedBytes += Math.max(0, data.length - CHUNK_FRAME_OVERHEAD);
      const unacked = this.arrivedBytes - this.ackedBytes;
      if (unacked <= MAX_UNACKED_BYTES) return null;
      return `the sender ignored the flow window: ${mib(unacked)} MiB sent without acknowledgement (allowed ${mib(FLOW_WINDOW_BYTES)} MiB)`;
    }
    this.queuedControlBytes += data.length;
    if (this.queuedControlBytes <= MAX_QUEUED_CONTROL_BYTES) return null;
    return `the sender queued ${mib(this.queuedControlBytes)} MiB of control frames`;
  }

  fail(error: unknown, tellPeer = true): void {
    if (this.finished) return;
    this.failure = toVaultError(error);
    const sink = this.current?.sink;
    this.current = null;
    void sink?.then((s) => s.abort()).catch(() => {});
    if (tellPeer) void this.live?.control.sendError(this.failure);
    this.settle.reject(this.failure);
  }

  /** The connection dropped: frames that arrived on it are still handled, later ones are not taken. */
  detach(): void {
    if (this.live) this.live.detached = true;
    this.live = null;
  }

  /** The next connection: the sender's hello, then its manifest under a later epoch. */
  attach(connection: TransferConnection): void {
    this.detach();
    this.live = this.liveConnection(connection);
  }

  private liveConnection(connection: TransferConnection): LiveConnection {
    // Sealed under this connection's keys, a frame must never go out on the next one.
    const port = { ...connection.port, send: (frame: Uint8Array) => (live.detached ? undefined : connection.port.send(frame)) };
    const live: LiveConnection = {
      ...connection,
      control: new ControlChannel(connection.keys, port, 'receiver-to-sender', 'sender-to-receiver'),
      confirmed: false,
      detached: false,
    };
    return live;
  }

  private async handle(data: Uint8Array, live: LiveConnection): Promise<void> {
    if (this.finished) return;
    const frame = decodeFrame(data);
    if (!live.confirmed && frame.type !== 'hello' && frame.type !== 'error' && frame.type !== 'cancel') {
      throw new VaultError('protocol_violation', `${frame.type} before key confirmation`);
    }
    switch (frame.type) {
      case 'hello':
        return this.onHello(frame, live);
      case 'manifest':
        return this.onManifest(frame, live);
      case 'chunk':
        return this.onChunk(frame, live);
      case 'file-end':
        return this.onFileEnd(frame, live);
      case 'error':
      case 'cancel':
        return this.fail(await live.control.peerError(frame), false);
      default:
        throw new VaultError('protocol_violation', `receiver does not accept ${frame.type} frames`);
    }
  }

  private async onHello(frame: ControlFrame, live: LiveConnection): Promise<void> {
    if (live.confirmed) throw new VaultError('protocol_violation', 'second hello');
    const { mac } = await live.control.open(frame, HelloSchema);
    await verifyConfirmation(live.keys, 'sender', live.transcript, mac);
    live.confirmed = true;
    await live.control.send('hello', { mac: await confirmationMac(live.keys, 'receiver', live.transcript) });
  }

  private async onManifest(frame: ControlFrame, live: LiveConnection): Promise<void> {
    const manifest = await live.control.open(frame, ManifestSchema, 'manifest_invalid');
    const epoch = manifest.epoch ?? 0;
    if (epoch <= this.epoch) throw new VaultError('protocol_violation', `manifest of epoch ${epoch} after epoch ${this.epoch}`);
    if (this.manifest) return this.onResumedManifest(manifest, epoch, live);
    if (this.options.resume) return this.onRecordedManifest(manifest, epoch, live, this.options.resume);
    this.epoch = epoch;
    this.manifest = manifest;
    this.state = receiverTransition(this.state, { type: 'manifest', manifest });
    await this.options.onManifest?.(manifest);
    const bytesTotal = manifest.files.reduce((sum, f) => sum + f.size, 0);
    this.progress = { bytesDone: 0, bytesTotal, filesDone: 0, filesTotal: manifest.files.length };
    this.options.onProgress?.({ ...this.progress });
    await live.control.send('request', { files: manifest.files.map((f) => ({ fileId: f.fileId, fromIndex: 0 })) });
    this.checkpoint();
  }

  /**
   * A new session continuing a saved record: rebuild the state the record describes —
   * verified files offered again, the file under way with its hash state and its sink
   * reopened at its byte offset — then continue as a resumed connection does.
   */
  private async onRecordedManifest(manifest: Manifest, epoch: number, live: LiveConnection, resume: NonNullable<ReceiveSessionOptions['resume']>): Promise<void> {
    const { record } = resume;
    if (!sameTransfer(manifest, record.manifest)) throw new VaultError('manifest_invalid', 'the sender offered a different transfer than the saved one');
    const files = record.manifest.files;
    const fileIndex = record.files.findIndex((f) => !f.done);
    for (const [i, saved] of record.files.entries()) {
      if (!saved.done) break;
      this.received.push({ file: files[i]!, sha256: saved.sha256!, blob: await resume.reopenVerified(files[i]!) });
    }
    this.manifest = record.manifest;
    const underWay = fileIndex < 0 ? null : record.files[fileIndex]!;
    const bytesDone = this.received.reduce((sum, r) => sum + r.file.size, 0) + (underWay?.bytes ?? 0);
    const bytesTotal = files.reduce((sum, f) => sum + f.size, 0);
    this.progress = { bytesDone, bytesTotal, filesDone: this.received.length, filesTotal: files.length };
    if (!underWay) {
      // Every file verified; the last ack may have died with the old connection.
      this.epoch = epoch;
      this.state = { phase: 'done', manifest: record.manifest };
      this.options.onResumed?.({ epoch, bytesKept: bytesDone });
      await live.control.send('request', { files: [] });
      this.settle.resolve(this.received);
      return;
    }
    const file = files[fileIndex]!;
    const lastSeen = underWay.chunks === chunkCount(file.size, record.manifest.chunkSize);
    this.state = { phase: 'receiving', manifest: record.manifest, fileIndex, bytesInFile: underWay.bytes, lastSeen };
    const restored = underWay.chunks > 0 ? await this.reopenFile(file, underWay) : undefined;
    this.options.onProgress?.({ ...this.progress });
    await this.onResumedManifest(manifest, epoch, live, restored);
  }

  /** The file under way as the record left it: hash state restored, sink reopened at its offset. */
  private async reopenFile(file: ManifestFile, saved: FileRecord): Promise<Omit<IncomingFile, 'opener'>> {
    const state = fromBase64Url(saved.hashState);
    const [hash, prefix] = await Promise.all([createIncrementalSha256(state), createIncrementalSha256(state)]);
    const sink = this.options.createSink(file, { offset: saved.bytes });
    sink.catch(() => {}); // a failure surfaces at the first write or at file-end
    const restored = { bytes: saved.bytes, sha256: prefix.digestHex() };
    return { file, id: fromBase64Url(file.fileId), hash, sink, chunks: saved.chunks, bytes: saved.bytes, restored };
  }

  /**
   * The same transfer over a new connection: once every chunk accepted before the drop
   * is written, ask for the rest — the current file from its first missing chunk,
   * later files whole — and open the current file's stream under the new epoch's key.
   */
  private async onResumedManifest(manifest: Manifest, epoch: number, live: LiveConnection, restored?: Omit<IncomingFile, 'opener'>): Promise<void> {
    if (!sameTransfer(manifest, this.manifest!)) throw new VaultError('manifest_invalid', 'a resumed connection offered a different transfer');
    this.epoch = epoch;
    await this.writes;
    // Everything that arrived before the drop is written; the new connection's window starts here.
    this.arrivedBytes = this.ackedBytes = this.progress.bytesDone;
    const state = this.state;
    if (state.phase === 'awaiting-manifest' || state.phase === 'done') {
      throw new VaultError('protocol_violation', `resume while ${state.phase}`);
    }
    const current = this.current ?? restored;
    if (current) {
      const key = await deriveFileKey(live.keys, current.id, epoch);
      this.current = Object.assign(current, { opener: new StreamOpener(key, current.id, current.chunks, state.phase === 'receiving' && state.lastSeen) });
    }
    const files = state.manifest.files.slice(state.fileIndex).map((f) => ({
      fileId: f.fileId,
      fromIndex: current && current.file.fileId === f.fileId ? current.chunks : 0,
    }));
    this.options.onResumed?.({ epoch, bytesKept: this.progress.bytesDone });
    await live.control.send('request', { files });
    this.checkpoint();
  }

  private async onChunk(frame: ChunkFrame, live: LiveConnection): Promise<void> {
    // Chunks of the current file need no base64 of their id (a few thousand per GiB).
    const current = this.current;
    const fileId = current && sameBytes(current.id, frame.fileId) ? current.file.fileId : toBase64Url(frame.fileId);
    const size = frame.ciphertext.length - GCM_TAG_BYTES;
    this.state = receiverTransition(this.state, { type: 'chunk', fileId, last: frame.last, size });
    const incoming = this.current ?? (this.current = await this.openFile(currentFile(this.state)!, live));
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
      // Acks only inform the sender's flow window; one lost with its connection is
      // replaced by the resumed request.
      if (incoming.chunks % ACK_EVERY_CHUNKS === 0 && !frame.last) {
        this.ackedBytes = this.progress.bytesDone;
        this.checkpoint();
        await live.control.send('ack', { fileId, received: incoming.bytes, verified: false }).catch(() => {});
      }
    });
    this.writes.catch((error) => this.fail(error));
  }

  private async onFileEnd(frame: ControlFrame, live: LiveConnection): Promise<void> {
    const end = await live.control.open(frame, FileEndSchema);
    this.state = receiverTransition(this.state, { type: 'file-end', fileId: end.fileId });
    const incoming = this.current!;
    incoming.opener.finish();
    await this.writes;
    const sha256 = incoming.hash.digestHex();
    if (sha256 !== end.sha256) throw new VaultError('hash_mismatch', `${incoming.file.name}: SHA-256 differs from the sender's`);
    const blob = await (await incoming.sink).close();
    if (incoming.restored) await checkRestored(incoming, blob);
    this.current = null;
    this.state = receiverTransition(this.state, { type: 'file-verified', fileId: end.fileId });
    const received = { file: incoming.file, sha256, blob };
    this.received.push(received);
    this.progress.filesDone++;
    this.options.onProgress?.({ ...this.progress });
    this.options.onFileVerified?.(received);
    this.ackedBytes = this.progress.bytesDone;
    this.checkpoint();
    await live.control.send('ack', { fileId: end.fileId, received: incoming.file.size, verified: true }).catch(() => {});
    if (this.state.phase === 'done') this.settle.resolve(this.received);
  }

  private async openFile(file: ManifestFile, live: LiveConnection): Promise<IncomingFile> {
    const id = fromBase64Url(file.fileId);
    const sink = this.options.createSink(file);
    sink.catch(() => {}); // a failure surfaces at the first write
    const [key, hash] = await Promise.all([deriveFileKey(live.keys, id, this.epoch), createIncrementalSha256()]);
    return { file, id, opener: new StreamOpener(key, id), hash, sink, chunks: 0, bytes: 0 };
  }

  /** The record describing what this session holds now, or null before the manifest. */
  record(savedAt = Date.now()): ReceiveRecord | null {
    const manifest = this.manifest;
    const sessionId = this.options.checkpoint?.sessionId;
    if (!manifest || sessionId === undefined || this.failure) return null;
    const current = this.current;
    const files = manifest.files.map((file, i): FileRecord => {
      const verified = this.received[i];
      if (verified) return { fileId: file.fileId, chunks: chunkCount(file.size, manifest.chunkSize), bytes: file.size, hashState: '', done: true, sha256: verified.sha256 };
      if (current?.file.fileId === file.fileId && current.chunks > 0) {
        return { fileId: file.fileId, chunks: current.chunks, bytes: current.bytes, hashState: toBase64Url(current.hash.saveState()), done: false };
      }
      return { fileId: file.fileId, chunks: 0, bytes: 0, hashState: '', done: false };
    });
    return { version: RECORD_VERSION, transferId: manifest.transferId, sessionId, manifest, epoch: this.epoch, files, savedAt };
  }

  private checkpoint(): void {
    const checkpoint = this.options.checkpoint;
    if (!checkpoint) return;
    const record = this.record(checkpoint.now?.() ?? Date.now());
    if (record) checkpoint.onCheckpoint(record);
  }
}

/**
 * A file continued from a record: the running hash covers the saved state and what this
 * session wrote, not the bytes the sink kept. Those must be the ones the state hashed,
 * or the sender's SHA-256 would vouch for a file that differs from it.
 */
async function checkRestored(incoming: IncomingFile, blob: Blob): Promise<void> {
  const { file, restored } = incoming;
  if (blob.size !== file.size) throw new VaultError('size_mismatch', `${file.name}: ${blob.size} bytes after resuming, manifest says ${file.size}`);
  if ((await sha256OfBlob(blob.slice(0, restored!.bytes))) !== restored!.sha256) {
    throw new VaultError('hash_mismatch', `${file.name}: the bytes kept before the restart differ from the saved hash state`);
  }
}

const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);
