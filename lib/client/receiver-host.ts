import type { Manifest } from '../protocol/messages';
import type { ReceiveBackend, ReceiveEvents } from './receive-backend';
import type { Placed, StorageDecision } from './receive-worker-protocol';
import type { ZipEntry } from './zip-download';

/**
 * All that differs between the receiver's hosts: the browser runs the engine in a
 * Worker, keeps files in OPFS, a picked file or memory and offers them as object URLs;
 * the command-line peer runs it in-process and writes to a folder. The controller and
 * its IncomingTransfer take one path for both.
 */
export interface ReceiverHost<Place extends Placed = Placed> {
  /** The signaling server; the page's own origin when absent. */
  serverUrl?: string;
  /** Starts the engine. A method: a host of any Place fits the controller, which passes its decisions through untouched. */
  backend(events: ReceiveEvents<Place>): ReceiveBackend;
  /** Where files go, decided before any chunk is accepted; `asking` says the person must choose a place first. */
  storage(manifest: Manifest, asking: () => void): Promise<StorageDecision<Place>>;
  /** What the person opens a verified file by. */
  fileUrl(file: Blob): string;
  /** Packs the verified files into one download, or says why it cannot; absent where each file is saved as it verifies. */
  zip?(entries: ZipEntry[], transferId: string): Promise<{ url: string; name: string } | { refused: string }>;
  /** The DataChannel opened, or every file verified. */
  mark(moment: 'channel-open' | 'done'): void;
  /** Removes what pages closed long ago left behind. */
  sweep(): Promise<void>;
  /** The receiver is gone: this transfer's leftovers (`transferId` once a manifest came) go too. */
  release(transferId: string | null): void;
}
