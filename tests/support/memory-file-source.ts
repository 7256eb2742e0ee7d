import { sha256OfBlocks } from '../../lib/transfer/file-hash';
import type { FileSource } from '../../lib/transfer/file-source';

/** A file held in memory, as SendSession reads one: its SHA-256 from lib's own hasher. */
export function memoryFileSource(path: string, data: Uint8Array): FileSource {
  const read = async (start: number, end: number) => data.slice(start, end);
  let sha256: Promise<string> | undefined;
  return {
    name: path.slice(path.lastIndexOf('/') + 1),
    path,
    size: data.length,
    type: 'application/octet-stream',
    lastModified: 0,
    read,
    sha256: () => (sha256 ??= sha256OfBlocks(data.length, read)),
  };
}
