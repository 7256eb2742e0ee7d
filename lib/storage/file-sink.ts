import type { ManifestFile } from '../protocol/messages';

// Where a receiver writes decrypted bytes as they arrive. A sink yields the file only
// after the transfer verified it; `abort` discards everything written.

export interface FileSink {
  write(bytes: Uint8Array): Promise<void>;
  /** Called only after the file verified; returns the finished file. */
  close(): Promise<Blob>;
  abort(): Promise<void>;
}

export type SinkFactory = (file: ManifestFile) => Promise<FileSink>;
