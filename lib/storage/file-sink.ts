import type { ManifestFile } from '../protocol/messages';

// Where a receiver writes decrypted bytes as they arrive. A sink yields the file only
// after the transfer verified it; `abort` discards everything written.

export interface FileSink {
  write(bytes: Uint8Array): Promise<void>;
  /** Called only after the file verified; returns the finished file. */
  close(): Promise<Blob>;
  abort(): Promise<void>;
}

/**
 * The only type a received file ever gets. The manifest's `type` is the peer's word:
 * `text/html` or `image/svg+xml` on a blob URL of this origin would let a sender's
 * script run here if the URL were opened. As octet-stream a browser only downloads it.
 */
export const RECEIVED_TYPE = 'application/octet-stream';

/** `blob` retyped as RECEIVED_TYPE; slice references the same bytes (no copy, also for a disk-backed File). */
export function inertBlob(blob: Blob): Blob {
  return blob.slice(0, blob.size, RECEIVED_TYPE);
}

/**
 * Where a sink starts. `offset` > 0 reopens a file a receiver partly wrote before it
 * restarted (lib/transfer/receive-record.ts): the sink keeps exactly the first `offset`
 * bytes (dropping any written after them) and appends from there, or rejects when it
 * holds fewer. Only the memory sink supports it yet; opfs-sink and the CLI's disk sink
 * still start every file empty.
 */
export interface SinkStart {
  offset: number;
}

export type SinkFactory = (file: ManifestFile, start?: SinkStart) => Promise<FileSink>;
