import { VaultError } from '../protocol/errors';
import type { ManifestFile } from '../protocol/messages';
import { RECEIVED_TYPE, type FileSink } from './file-sink';
import { createWritableSink } from './writable-sink';

// Writes straight to the origin-private file system through a sync access handle
// (workers only): no copy is kept in memory, and the finished file is a disk-backed
// File the page can hand to a download. Abort deletes what was written.

/** The OPFS folder holding files being received or waiting to be downloaded. */
export const INCOMING_DIR = 'p2pvault-incoming';

interface SyncAccessHandle {
  write(buffer: Uint8Array, options?: { at?: number }): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}
type SyncCapableHandle = FileSystemFileHandle & { createSyncAccessHandle(): Promise<SyncAccessHandle> };

export async function incomingDirectory(): Promise<FileSystemDirectoryHandle> {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle(INCOMING_DIR, { create: true });
}

export async function createOpfsSink(dir: FileSystemDirectoryHandle, entryName: string, file: ManifestFile): Promise<FileSink> {
  const handle = (await dir.getFileHandle(entryName, { create: true })) as SyncCapableHandle;
  if (typeof handle.createSyncAccessHandle !== 'function') {
    const sink = await createWritableSink(handle, file);
    return { ...sink, abort: async () => { await sink.abort(); await dir.removeEntry(entryName).catch(() => {}); } };
  }
  const access = await handle.createSyncAccessHandle();
  // The whole size at once: a file that grows write by write makes the browser ask its
  // storage service for more capacity over and over (and, where OPFS lives in memory, copy).
  access.truncate(file.size);
  let offset = 0;
  let open = true;
  const release = () => {
    if (open) access.close();
    open = false;
  };
  return {
    async write(bytes) {
      const written = access.write(bytes, { at: offset });
      if (written !== bytes.length) throw new VaultError('write_failed', `short write to ${file.name}`);
      offset += written;
    },
    async close() {
      access.flush();
      release();
      const stored = await handle.getFile();
      return new File([stored], file.name, { type: RECEIVED_TYPE, lastModified: file.lastModified });
    },
    async abort() {
      release();
      await dir.removeEntry(entryName).catch(() => {});
    },
  };
}
