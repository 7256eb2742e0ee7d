import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deriveSessionKeys, generateLinkKey, type SessionKeys } from '../../../lib/crypto/keys';
import { randomBytes } from '../../../lib/crypto/webcrypto';
import { toBase64Url } from '../../../lib/protocol/base64url';
import { isVaultError, type VaultError } from '../../../lib/protocol/errors';
import { GCM_TAG_BYTES } from '../../../lib/protocol/frames';
import type { ManifestFile } from '../../../lib/protocol/messages';
import type { FileSink } from '../../../lib/storage/file-sink';
import { createMemorySink } from '../../../lib/storage/memory-sink';
import { FLOW_WINDOW_BYTES } from '../../../lib/transfer/flow-window';
import { decodeRecord, encodeRecord, type ReceiveRecord } from '../../../lib/transfer/receive-record';
import { ReceiveSession, type ReceivedFile } from '../../../lib/transfer/receive-session';
import { SendSession } from '../../../lib/transfer/send-session';
import { droppableConnection, type DropPoint } from '../../support/droppable-connection';
import { memoryFileSource } from '../../support/memory-file-source';

// Issue 19: a receiver that reloads or crashes continues from its saved record. The first
// ReceiveSession is thrown away at the drop; only its last checkpoint (encoded, decoded)
// and the bytes its sinks held survive, as a page's storage or a CLI's disk would keep them.

const CHUNK = 1024;
const SESSION = toBase64Url(randomBytes(16));
const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A memory sink that also lets the test see what was written so far, as a disk would keep it. */
function recordingSink(file: ManifestFile, kept: Map<string, Uint8Array[]>): FileSink {
  const sink = createMemorySink(file);
  const parts: Uint8Array[] = [];
  kept.set(file.fileId, parts);
  return { ...sink, write: async (bytes) => (parts.push(bytes.slice()), sink.write(bytes)) };
}

interface Crash {
  sender: SendSession;
  keys: SessionKeys;
  /** The last checkpoint, as the host stored it. */
  saved: string;
  /** What each file's sink held when the receiver died. */
  kept: Map<string, Uint8Array<ArrayBuffer>>;
  verified: Map<string, Blob>;
}

/** Runs the first connection until it drops at `dropAt`, lets the receiver handle what arrived, then forgets it. */
async function crashAfter(datas: Uint8Array[], dropAt: DropPoint): Promise<Crash> {
  const keys = await deriveSessionKeys(generateLinkKey(), SESSION);
  const connection = droppableConnection(keys, dropAt);
  const sender = new SendSession({ ...connection.sender, files: datas.map((d, i) => memoryFileSource(`f${i}.bin`, d)), chunkSize: CHUNK });
  const kept = new Map<string, Uint8Array[]>();
  const verified = new Map<string, Blob>();
  let saved = '';
  let checkpoints = 0;
  let bytesDone = 0;
  const receiver = new ReceiveSession({
    ...connection.receiver,
    createSink: async (file) => recordingSink(file, kept),
    onFileVerified: ({ file, blob }) => verified.set(file.fileId, blob),
    onProgress: (progress) => (bytesDone = progress.bytesDone),
    checkpoint: { sessionId: SESSION, onCheckpoint: (record) => ((saved = encodeRecord(record)), checkpoints++) },
  });
  connection.wire(
    (frame) => sender.receive(frame),
    (frame) => receiver.receive(frame),
  );
  const run = sender.run();
  run.catch(() => {});
  const lost = await connection.dropped;
  sender.interrupt(lost);
  receiver.detach();
  await run.catch(() => {});
  // Every chunk that left before the drop arrives (the drop point's own chunk does not);
  // the sender may seal a few more before it learns of the drop.
  const firstFile = connection.chunksSent[0]!.fileId.join();
  const delivered = dropAt === 'file-end' ? connection.chunksSent.filter((c) => c.fileId.join() === firstFile) : connection.chunksSent.slice(0, dropAt - 1);
  const expected = delivered.reduce((sum, c) => sum + c.ciphertext.length - GCM_TAG_BYTES, 0);
  for (let stable = 0, last = -1; stable < 3 || bytesDone < expected; ) {
    await sleep(10);
    stable = checkpoints === last ? stable + 1 : 0;
    last = checkpoints;
  }
  const concat = (parts: Uint8Array[]): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.concat(parts));
  return { sender, keys, saved, kept: new Map([...kept].map(([id, parts]) => [id, concat(parts)])), verified };
}

/** A brand-new receiver from the decoded record, over a new connection the sender resumes on. */
async function continueFrom(crash: Crash, record: ReceiveRecord) {
  const connection = droppableConnection(crash.keys);
  const offsets: number[] = [];
  const receiver = new ReceiveSession({
    ...connection.receiver,
    createSink: async (file, start) => {
      if (!start) return createMemorySink(file);
      offsets.push(start.offset);
      return createMemorySink(file, undefined, { held: new Blob([crash.kept.get(file.fileId)!]), offset: start.offset });
    },
    resume: { record, reopenVerified: async (file) => crash.verified.get(file.fileId)! },
  });
  crash.sender.resume(connection.sender);
  connection.wire(
    (frame) => crash.sender.receive(frame, connection.sender.port),
    (frame) => receiver.receive(frame),
  );
  const run = crash.sender.run();
  run.catch(() => {});
  const outcome = await receiver.done.then(
    (files) => ({ files, error: null }),
    (error: VaultError) => ({ files: [] as ReceivedFile[], error }),
  );
  await run.catch(() => {});
  return { ...outcome, connection, offsets };
}

function decoded(text: string): ReceiveRecord {
  const record = decodeRecord(text);
  if (isVaultError(record)) throw record;
  return record;
}

async function expectIdentical(received: ReceivedFile[], datas: Uint8Array[]) {
  expect(received).toHaveLength(datas.length);
  for (const [i, data] of datas.entries()) {
    expect(Buffer.compare(Buffer.from(await received[i]!.blob.arrayBuffer()), Buffer.from(data)), `file ${i}`).toBe(0);
    expect(received[i]!.sha256).toBe(sha(data));
  }
}

describe('a new ReceiveSession continuing a saved record', () => {
  const datas = [randomBytes(10 * CHUNK + 5), randomBytes(30 * CHUNK + 17), randomBytes(0)];
  const total = datas.reduce((sum, d) => sum + d.length, 0);

  // 5: inside file 0; 12: file 0 verified, file 1 not begun; 21 and 30: inside file 1;
  // 'file-end': every chunk of file 0 in, its file-end lost.
  it.each<DropPoint>([5, 12, 21, 30, 'file-end'])('arrives byte-identical after the receiver died at %s chunks, resending less than a window', async (dropAt) => {
    const crash = await crashAfter(datas, dropAt);
    const record = decoded(crash.saved);
    const underWay = record.files.find((f) => !f.done)!;
    const { files, error, connection, offsets } = await continueFrom(crash, record);
    expect(error).toBeNull();
    await expectIdentical(files, datas);
    // The new connection asked from the record's first missing chunk, not from 0.
    const first = connection.chunksSent[0]!;
    expect(toBase64Url(first.fileId)).toBe(underWay.fileId);
    expect(first.index).toBe(underWay.chunks);
    expect(offsets).toEqual(underWay.chunks > 0 ? [underWay.bytes] : []);
    expect(crash.sender.bytesSent - total).toBeLessThan(FLOW_WINDOW_BYTES + CHUNK);
    expect(crash.sender.bytesSent - total).toBeGreaterThanOrEqual(0);
  });

  it('records the verified file and the one under way at an ack boundary', async () => {
    const record = decoded((await crashAfter(datas, 21)).saved);
    expect(record.epoch).toBe(0);
    expect(record.files.map((f) => [f.done, f.chunks, f.bytes])).toEqual([
      [true, 11, datas[0]!.length],
      [false, 8, 8 * CHUNK],
      [false, 0, 0],
    ]);
    expect(record.files[0]!.sha256).toBe(sha(datas[0]!));
  });

  it('ends in hash_mismatch, never a wrong file, when the kept bytes differ from the saved hash state', async () => {
    const crash = await crashAfter(datas, 21);
    const record = decoded(crash.saved);
    const underWay = record.files.find((f) => !f.done)!;
    crash.kept.get(underWay.fileId)![100]! ^= 1;
    const { files, error } = await continueFrom(crash, record);
    expect(files).toEqual([]);
    expect(error?.code).toBe('hash_mismatch');
  });

  it('finishes at once when the record says every file verified (only the last acks were lost)', async () => {
    const crash = await crashAfter(datas, 21);
    const record = decoded(crash.saved);
    for (const [i, file] of record.manifest.files.entries()) {
      const count = Math.max(1, Math.ceil(file.size / CHUNK));
      record.files[i] = { fileId: file.fileId, chunks: count, bytes: file.size, hashState: '', done: true, sha256: sha(datas[i]!) };
      crash.verified.set(file.fileId, new Blob([datas[i]! as Uint8Array<ArrayBuffer>]));
    }
    const { files, error, connection } = await continueFrom(crash, decoded(encodeRecord(record)));
    expect(error).toBeNull();
    await expectIdentical(files, datas);
    expect(connection.chunksSent).toHaveLength(0);
  });

  it('refuses a sender that offers another transfer', async () => {
    const crash = await crashAfter(datas, 21);
    const record = decoded(crash.saved);
    const other = { ...record, manifest: { ...record.manifest, chunkSize: 2 * CHUNK } };
    const { error } = await continueFrom(crash, other);
    expect(error?.code).toBe('manifest_invalid');
  });

  it('refuses a manifest whose epoch is not later than the record', async () => {
    const crash = await crashAfter(datas, 21);
    const record = decoded(crash.saved);
    const { error } = await continueFrom(crash, { ...record, epoch: 1 });
    expect(error?.code).toBe('protocol_violation');
  });
});
