import { VaultError } from '../protocol/errors';
import type { ManifestFile } from '../protocol/messages';
import { RECEIVED_TYPE, type FileSink } from './file-sink';

/** Stated cap of the in-memory path; larger files are refused before any byte arrives. */
export const MEMORY_SINK_LIMIT = 512 * 1024 * 1024;

/** A memory sink reopened at `offset` over bytes it held before (`held`), as a disk sink reopens its file. */
export interface MemorySinkReopen {
  held: Blob;
  offset: number;
}

// Collects chunks as Blob parts. Fallback where no disk-backed sink exists;
// bounded by MEMORY_SINK_LIMIT.
export function createMemorySink(file: ManifestFile, limit = MEMORY_SINK_LIMIT, reopen?: MemorySinkReopen): FileSink {
  if (file.size > limit) {
    throw new VaultError('too_large_for_memory', `${file.name} is larger than the ${limit}-byte in-memory limit`);
  }
  if (reopen && (reopen.offset > reopen.held.size || reopen.offset > file.size)) {
    throw new VaultError('write_failed', `${file.name}: cannot continue at byte ${reopen.offset}, ${reopen.held.size} bytes were kept`);
  }
  let parts: BlobPart[] = reopen ? [reopen.held.slice(0, reopen.offset)] : [];
  return {
    async write(bytes) {
      parts.push(bytes as Uint8Array<ArrayBuffer>);
    },
    async close() {
      const blob = new Blob(parts, { type: RECEIVED_TYPE });
      parts = [];
      return blob;
    },
    async abort() {
      parts = [];
    },
  };
}
