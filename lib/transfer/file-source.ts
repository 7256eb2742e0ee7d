import { VaultError } from '../protocol/errors';

// Where the sender reads a file from. A browser File (also a global in Node 20) is
// read slice by slice, so a file is never held in memory whole.

export interface FileSource {
  name: string;
  /** Relative path in what was shared ("docs/c.bin"); its last segment is `name`. */
  path: string;
  size: number;
  type: string;
  lastModified: number;
  read(start: number, end: number): Promise<Uint8Array>;
  /** The whole file's SHA-256, hex, sent at file-end: computed once, apart from the sending (lib/client/file-hasher.ts). */
  sha256(): Promise<string>;
}

export function fileSourceFromBlob(file: File, path: string, sha256: (file: File) => Promise<string>): FileSource {
  return {
    name: file.name,
    path,
    size: file.size,
    type: file.type,
    lastModified: file.lastModified,
    read: readBlob(file),
    sha256: () => sha256(file),
  };
}

/** Reads bytes [start, end) of a file. */
export type ReadRange = (start: number, end: number) => Promise<Uint8Array>;

export const readBlob = (blob: Blob): ReadRange => async (start, end) => new Uint8Array(await blob.slice(start, end).arrayBuffer());

/**
 * `read(start, end)`, refusing a short answer: fewer bytes than the file's size promised
 * means the file changed since it was chosen (`size_mismatch`, saying `changed`).
 */
export async function readExact(read: ReadRange, start: number, end: number, changed: string): Promise<Uint8Array> {
  const bytes = await read(start, end);
  if (bytes.length !== end - start) throw new VaultError('size_mismatch', changed);
  return bytes;
}
