import type { VaultErrorCode } from '../protocol/errors';
import { emptyProgress, type TransferProgress } from '../transfer/progress';
import type { RateEstimate } from '../transfer/rate-meter';

// What both pages show: the named states of the original design's state machine.

export type SenderStatus = 'idle' | 'creating' | 'waiting' | 'connecting' | 'sending' | 'reconnecting' | 'done' | 'ended' | 'error';
/** One receiver on the sender's page: `failed` and `stopped` free its slot for someone else. */
export type ReceiverRowStatus = 'connecting' | 'sending' | 'reconnecting' | 'done' | 'failed' | 'stopped';
export type ReceiverStatus = 'joining' | 'waiting' | 'connecting' | 'needs-location' | 'receiving' | 'reconnecting' | 'done' | 'error';

/** A dropped connection being restored: "attempt 2 of 5". */
export interface ReconnectView {
  attempt: number;
  maxAttempts: number;
}

/** How often the transfer continued over a new connection, and what the receiver already held the last time. */
export interface ResumedView {
  count: number;
  bytesKept: number;
}

export interface ShownError {
  code: VaultErrorCode;
  message: string;
}

/** What the sender sees of one receiver (one PeerConnection). */
export interface ReceiverView {
  peerId: string;
  /** Shown as "Receiver <number>", in order of arrival. */
  number: number;
  status: ReceiverRowStatus;
  progress: TransferProgress;
  speed: RateEstimate | null;
  error: ShownError | null;
  reconnect: ReconnectView | null;
  resumed: ResumedView | null;
}

export interface SenderSnapshot {
  /** The whole session: sending while any receiver is, done when every slot is. */
  status: SenderStatus;
  link: string | null;
  /** The short code (7-orbit-velvet-zebra), when one was asked for. */
  code: string | null;
  expiresAt: string | null;
  /**
   * `path` is where the file sits in what was shared ("docs/c.bin"); `sha256` (hex) once
   * the sender has hashed it, so both people can compare it with what the receiver shows.
   */
  files: { name: string; path: string; size: number; sha256?: string }[];
  progress: TransferProgress;
  speed: RateEstimate | null;
  /** How many receivers the link admits. */
  maxReceivers: number;
  receivers: ReceiverView[];
  /** What stopped the whole session (a single receiver's failure is on its row). */
  error: ShownError | null;
  /** Something the sender should know that did not stop the session (e.g. a wrong link was turned away). */
  notice: ShownError | null;
}

export interface ReceivedFileView {
  fileId: string;
  name: string;
  path: string;
  size: number;
  sha256: string;
  url: string;
}

/** "Download all (.zip)": nothing yet, being written, ready at `url`, or refused/failed. */
export type ZipState =
  | { status: 'idle' }
  | { status: 'building' }
  | { status: 'ready'; url: string; name: string }
  | { status: 'error'; message: string };

export interface ReceiverSnapshot {
  status: ReceiverStatus;
  files: { fileId: string; name: string; path: string; size: number }[];
  progress: TransferProgress;
  speed: RateEstimate | null;
  /** Where verified files are kept until downloaded: 'opfs' (disk), 'picker' (saved already) or 'memory'. */
  storage: 'opfs' | 'picker' | 'memory' | null;
  received: ReceivedFileView[];
  zip: ZipState;
  error: ShownError | null;
  reconnect: ReconnectView | null;
  resumed: ResumedView | null;
}

/** What the receiver page shows before its controller reports anything. */
export const INITIAL_RECEIVER_SNAPSHOT: ReceiverSnapshot = {
  status: 'joining',
  files: [],
  progress: emptyProgress(),
  speed: null,
  storage: null,
  received: [],
  zip: { status: 'idle' },
  error: null,
  reconnect: null,
  resumed: null,
};

/** Where the snapshot says files are kept, for a host's storage decision (null: not in this browser). */
export function shownPlace(place: { kind: string }): ReceiverSnapshot['storage'] {
  return place.kind === 'opfs' || place.kind === 'picker' || place.kind === 'memory' ? place.kind : null;
}
