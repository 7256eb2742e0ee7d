// The ladder's receive Worker (bundled by bench/ladder/serve.ts): the receive path of
// lib/transfer/receive-session.ts cut into stages — take the frames, open them (STREAM,
// decryption started at once, results taken in order), hash them, write them to OPFS.
import { createIncrementalSha256, type IncrementalHash } from '../../lib/crypto/hash';
import { deriveFileKey, deriveSessionKeys } from '../../lib/crypto/keys';
import { StreamOpener } from '../../lib/crypto/stream';
import { decodeFrame } from '../../lib/protocol/frames';
import type { ManifestFile } from '../../lib/protocol/messages';
import type { FileSink } from '../../lib/storage/file-sink';
import { createOpfsSink } from '../../lib/storage/opfs-sink';
import type { ReceiverResult, ReceiverStage, StageKeys } from './stages';

const LADDER_DIR = 'p2pvault-ladder';

interface Arm {
  type: 'arm';
  stage: Exclude<ReceiverStage, 'count'>;
  expected: { bytes: number; chunks: number };
  keys: StageKeys;
  sessionId: string;
}
type Message = Arm | { type: 'frame'; data: ArrayBuffer };

type Reply = { armed: true } | ReceiverResult | { error: string };
const scope = self as unknown as { postMessage(message: Reply): void; onmessage: ((event: MessageEvent<Message>) => void) | null };
const hexBytes = (hex: string) => Uint8Array.from(hex.match(/../g)!.map((b) => parseInt(b, 16)));

interface Parts {
  opener: StreamOpener;
  hash: IncrementalHash | null;
  sink: FileSink | null;
}

interface Run extends Parts {
  arm: Arm;
  received: number;
  chunks: number;
  /** Opened chunks are hashed and written in order, as ReceiveSession's second stage does. */
  writes: Promise<void>;
}

let run: Run | null = null;

async function prepare(arm: Arm): Promise<Parts> {
  const fileId = hexBytes(arm.keys.fileId);
  const key = await deriveFileKey(await deriveSessionKeys(hexBytes(arm.keys.linkKey), arm.sessionId), fileId, 0);
  const hash = arm.stage === 'hash' || arm.stage === 'opfs' ? await createIncrementalSha256() : null;
  let sink: FileSink | null = null;
  if (arm.stage === 'opfs') {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(LADDER_DIR, { create: true });
    const file: ManifestFile = { fileId: arm.keys.fileId, name: 'ladder.bin', path: 'ladder.bin', size: arm.expected.bytes, type: '', lastModified: 0 };
    sink = await createOpfsSink(dir, 'ladder.bin', file);
  }
  return { opener: new StreamOpener(key, fileId), hash, sink };
}

function take(data: ArrayBuffer): void {
  const current = run!;
  current.received += data.byteLength;
  if (current.arm.stage === 'worker') {
    if (current.received >= current.arm.expected.bytes) void finish(current);
    return;
  }
  const frame = decodeFrame(new Uint8Array(data));
  if (frame.type !== 'chunk') throw new Error(`unexpected ${frame.type} frame`);
  // Decryption starts at once; hashing and writing take the results in order.
  const opened = current.opener.open(frame.index, frame.last, frame.ciphertext);
  opened.catch(() => {});
  current.writes = current.writes.then(async () => {
    const plaintext = await opened;
    current.hash?.update(plaintext);
    await current.sink?.write(plaintext);
    if (++current.chunks === current.arm.expected.chunks) await finish(current);
  });
  current.writes.catch((error: unknown) => scope.postMessage({ error: String(error) }));
}

async function finish(current: Run): Promise<void> {
  const sha256 = current.hash?.digestHex();
  if (current.sink) {
    await current.sink.close();
    await (await navigator.storage.getDirectory()).removeEntry(LADDER_DIR, { recursive: true });
  }
  run = null;
  scope.postMessage({ bytes: current.received, sha256 });
}

scope.onmessage = ({ data }) => {
  if (data.type === 'arm') {
    prepare(data).then(
      (parts) => {
        run = { arm: data, received: 0, chunks: 0, writes: Promise.resolve(), ...parts };
        scope.postMessage({ armed: true });
      },
      (error: unknown) => scope.postMessage({ error: String(error) }),
    );
  } else if (run) {
    take(data.data);
  }
};
