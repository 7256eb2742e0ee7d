import type { FileHasher } from './file-hasher';

export interface SenderOptions {
  /** Receivers the link admits (1…8); default 1. */
  maxReceivers?: number;
  /** The server to create the session on and signal through; the page's own origin when absent (the CLI names one). */
  serverUrl?: string;
  /** Also make a short code (7-orbit-velvet-zebra): its receiver obtains the link key through a PAKE. */
  code?: boolean;
  /**
   * Hashes each file (SHA-256) once, from now on, for every receiver: the page's hashes
   * in a Worker, the command-line peer's with node:crypto. The caller disposes of it;
   * without one, the controller hashes on its own thread.
   */
  hasher?: FileHasher;
}
