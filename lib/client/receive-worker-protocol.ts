import type { Ephemeral } from '../crypto/ephemeral';
import type { Manifest } from '../protocol/messages';
import type { TransferErrorCode } from '../protocol/errors';
import type { TransferProgress } from '../transfer/progress';

// Messages between the receiver page and its Worker, which decrypts, hashes and
// writes off the main thread. Frames move as transferred ArrayBuffers (no copies).

/** Where a browser keeps a transfer's files: OPFS, the file the person picked, or memory. */
/** Any host's place for files; its kind names it. */
export interface Placed {
  kind: string;
}

export type BrowserPlace = { kind: 'opfs' } | { kind: 'memory' } | { kind: 'picker'; handle: FileSystemFileHandle };

export interface Refusal {
  kind: 'refuse';
  code: TransferErrorCode;
  message: string;
}

/**
 * The host's answer to a manifest: its own kind of place (a browser's, or the
 * command-line peer's folder), or a refusal. Only the host's sinks read the place.
 */
export type StorageDecision<Place extends Placed = BrowserPlace> = Place | Refusal;

export function isRefusal(decision: StorageDecision<Placed>): decision is Refusal {
  return decision.kind === 'refuse';
}

/** What the worker needs to key the connection; CryptoKeys clone into workers. */
export interface WorkerStart {
  linkKey: Uint8Array;
  sessionId: string;
  /** this receiver's ephemeral ECDH key pair for the connection */
  ephemeral: Ephemeral;
  /** the sender's ephemeral public key from its sealed offer */
  peerPublic: string;
  /** key-confirmation transcript (session id and DTLS fingerprints) */
  transcript: Uint8Array;
}

export type ToWorker<Place extends Placed = BrowserPlace> =
  | ({ type: 'start' } & WorkerStart)
  | { type: 'frame'; data: ArrayBuffer }
  | { type: 'storage'; decision: StorageDecision<Place> }
  | { type: 'abort'; code: TransferErrorCode; message: string }
  /** The connection dropped: accepted chunks are written, the transfer waits for the next `start`. */
  | { type: 'detach' }
  /** A new connection opened: keep its frames until its `start` arrives with the keys. */
  | { type: 'connection'; id: number };

export interface WorkerError {
  code: TransferErrorCode;
  message: string;
  /** Extra words for the person, from this browser (never from the peer). */
  detail?: string;
}

export type FromWorker =
  /** `connection`: the page's id of the connection the frame was sealed for. */
  | { type: 'send'; connection: number; data: ArrayBuffer }
  | { type: 'manifest'; manifest: Manifest }
  | { type: 'progress'; progress: TransferProgress }
  | { type: 'verified'; fileId: string; sha256: string; file: Blob }
  | { type: 'done' }
  /** A resumed connection continues the transfer; `bytesKept` were already on disk. */
  | { type: 'resumed'; epoch: number; bytesKept: number }
  | { type: 'failed'; error: WorkerError };
