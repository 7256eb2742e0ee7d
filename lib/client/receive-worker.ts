// The receiver's Worker: runs the ReceiveSession (decrypt, hash, write) so the page's
// main thread only moves frames. Sinks: OPFS sync access handles, a picked file, or memory.
import { ephemeralSecret } from '../crypto/ephemeral';
import { deriveConnectionKeys } from '../crypto/keys';
import { VaultError, isVaultError, type TransferErrorCode } from '../protocol/errors';
import type { Manifest, ManifestFile } from '../protocol/messages';
import type { FileSink } from '../storage/file-sink';
import { createMemorySink } from '../storage/memory-sink';
import { createOpfsSink, incomingDirectory } from '../storage/opfs-sink';
import { createWritableSink } from '../storage/writable-sink';
import type { FramePort } from '../transfer/port';
import { ReceiveSession } from '../transfer/receive-session';
import type { FromWorker, StorageDecision, ToWorker, WorkerStart } from './receive-worker-protocol';

const scope = self as unknown as {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};
const post = (message: FromWorker, transfer?: Transferable[]) => scope.postMessage(message, transfer);

/**
 * Frames go out through the page, stamped with the connection they belong to: one
 * sealed under a dropped connection's keys must never leave on the next connection.
 */
function portFor(connection: number): FramePort {
  return {
    send(frame) {
      const copy = frame.slice();
      post({ type: 'send', connection, data: copy.buffer }, [copy.buffer]);
    },
    // The page's DataChannel applies backpressure; the receiver only sends small acks.
    bufferedAmount: 0,
    drained: async () => {},
  };
}
/** The page's id for the connection whose frames arrive now. */
let connectionId = 0;

let session: ReceiveSession | null = null;
const early: ArrayBuffer[] = [];
let decide: ((decision: StorageDecision) => void) | null = null;
let decision: StorageDecision | null = null;
let manifest: Manifest | null = null;
let lastProgressPost = 0;
let filesDonePosted = 0;

/** Progress reaches the page at most every 100 ms, and always when a file verified. */
const PROGRESS_INTERVAL_MS = 100;

async function createSink(file: ManifestFile): Promise<FileSink> {
  switch (decision?.kind) {
    case 'opfs':
      return createOpfsSink(await incomingDirectory(), `${manifest!.transferId}-${file.fileId}`, file);
    case 'picker':
      return createWritableSink(decision.handle, file);
    case 'memory':
      return createMemorySink(file);
    default:
      throw new VaultError('protocol_violation', 'no storage chosen');
  }
}

async function onManifest(incoming: Manifest): Promise<void> {
  manifest = incoming;
  const chosen = new Promise<StorageDecision>((resolve) => (decide = resolve));
  post({ type: 'manifest', manifest: incoming });
  decision = await chosen;
  if (decision.kind === 'refuse') throw new VaultError(decision.code, decision.message);
}

/**
 * `live`: frames go to the session. `keying`: a connection is being keyed and its
 * frames wait in `early`. `dropped`: the connection is gone; a frame of it that
 * arrives late is discarded, never fed to the next connection's keys.
 */
let intake: 'keying' | 'live' | 'dropped' = 'keying';
/** Counts starts and detaches: keys that finish after their connection dropped are dropped too. */
let generation = 0;

async function start({ linkKey, sessionId, ephemeral, peerPublic, transcript }: WorkerStart): Promise<void> {
  const mine = ++generation;
  const port = portFor(connectionId);
  let keys;
  try {
    const shared = await ephemeralSecret(ephemeral, peerPublic);
    const exchange = { senderPublic: peerPublic, receiverPublic: ephemeral.publicKey, shared };
    keys = await deriveConnectionKeys(linkKey, sessionId, exchange);
  } catch (error) {
    const code: TransferErrorCode = isVaultError(error) ? (error.code as TransferErrorCode) : 'not_authentic';
    return post({ type: 'failed', error: { code, message: error instanceof Error ? error.message : String(error) } });
  }
  if (mine !== generation) return;
  if (session) {
    // A resumed connection: same transfer, same files on disk, new keys.
    session.attach({ keys, port, transcript });
    intake = 'live';
    for (const data of early.splice(0)) session.receive(new Uint8Array(data));
    return;
  }
  session = new ReceiveSession({
    keys,
    port,
    transcript,
    onResumed: ({ epoch, bytesKept }) => post({ type: 'resumed', epoch, bytesKept }),
    createSink,
    onManifest,
    onProgress: (progress) => {
      const now = performance.now();
      const fileVerified = progress.filesDone !== filesDonePosted;
      if (now - lastProgressPost < PROGRESS_INTERVAL_MS && !fileVerified) return;
      lastProgressPost = now;
      filesDonePosted = progress.filesDone;
      post({ type: 'progress', progress });
    },
    onFileVerified: ({ file, sha256, blob }) => post({ type: 'verified', fileId: file.fileId, sha256, file: blob }),
  });
  session.done.then(
    () => post({ type: 'done' }),
    (error: unknown) => {
      const code: TransferErrorCode = isVaultError(error) ? (error.code as TransferErrorCode) : 'protocol_violation';
      const detail = decision?.kind === 'refuse' && decision.code === code ? decision.message : undefined;
      post({ type: 'failed', error: { code, message: error instanceof Error ? error.message : String(error), detail } });
    },
  );
  intake = 'live';
  for (const data of early.splice(0)) session.receive(new Uint8Array(data));
}

scope.onmessage = ({ data: message }) => {
  switch (message.type) {
    case 'connection':
      connectionId = message.id;
      intake = 'keying';
      break;
    case 'start':
      // Frames of this connection may already wait in `early` (they can arrive before the page starts us).
      intake = 'keying';
      void start(message);
      break;
    case 'frame':
      if (intake === 'live') session?.receive(new Uint8Array(message.data));
      else if (intake === 'keying') early.push(message.data);
      break;
    case 'detach':
      generation++;
      intake = 'dropped';
      early.length = 0;
      session?.detach();
      break;
    case 'storage':
      decide?.(message.decision);
      decide = null;
      break;
    case 'abort':
      session?.fail(new VaultError(message.code, message.message), false);
      break;
  }
};
