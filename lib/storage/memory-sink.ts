import { VaultError } from '../protocol/errors';
import type { ManifestFile } from '../protocol/messages';
import { RECEIVED_TYPE, type FileSink } from './file-sink';

/** Stated cap of the in-memory path; larger files are refused before any byte arrives. */
export const MEMORY_SINK_LIMIT = 512 * 1024 * 1024;

// Collects chunks as Blob parts. Fallback where no disk-backed sink exists;
// bounded by MEMORY_SINK_LIMIT.
export function createMemorySink(file: ManifestFile, limit = MEMORY_SINK_LIMIT): FileSink {
  if (file.size > limit) {
    throw new VaultError('too_large_for_memory', `${file.name} is larger than the ${limit}-byte in-memory limit`);
  }
  let parts: BlobPart[] = [];
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
