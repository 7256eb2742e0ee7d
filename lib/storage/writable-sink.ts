import type { ManifestFile } from '../protocol/messages';
import { RECEIVED_TYPE, type FileSink } from './file-sink';

// Writes to a file the person chose with showSaveFilePicker. The browser writes to a
// temporary file and moves it into place on close, so an aborted transfer leaves
// nothing under the chosen name.

export async function createWritableSink(handle: FileSystemFileHandle, file: ManifestFile): Promise<FileSink> {
  const writable = await handle.createWritable();
  return {
    async write(bytes) {
      await writable.write(bytes as Uint8Array<ArrayBuffer>);
    },
    async close() {
      await writable.close();
      const saved = await handle.getFile();
      return new File([saved], file.name, { type: RECEIVED_TYPE });
    },
    async abort() {
      await writable.abort().catch(() => {});
    },
  };
}
