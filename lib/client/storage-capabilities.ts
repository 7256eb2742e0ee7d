import type { StorageCapabilities } from '../storage/choose-storage';
import { INCOMING_DIR } from '../storage/opfs-sink';

// What this browser offers for storing received files, read on the main thread.

type PickerWindow = Window & { showSaveFilePicker?: (options?: { suggestedName?: string }) => Promise<FileSystemFileHandle> };

export async function detectStorage(memoryLimit: number): Promise<StorageCapabilities> {
  // Sync access handles exist only inside workers, so the page checks for OPFS itself;
  // the worker falls back to a writable stream where sync handles are missing.
  const opfs = typeof navigator.storage?.getDirectory === 'function';
  const picker = typeof (window as PickerWindow).showSaveFilePicker === 'function';
  let freeBytes: number | null = null;
  try {
    const { quota, usage } = await navigator.storage.estimate();
    if (quota !== undefined) freeBytes = quota - (usage ?? 0);
  } catch {
    // unknown: decide without it
  }
  return { opfs, picker, freeBytes, memoryLimit };
}

/** Must run inside the click handler: the picker needs the person's gesture. */
export function pickSaveLocation(suggestedName: string): Promise<FileSystemFileHandle> {
  return (window as PickerWindow).showSaveFilePicker!({ suggestedName });
}

/**
 * Received files wait in OPFS until the page goes away. Removes this transfer's files
 * (`prefix`) or, without one, any left over from pages that closed more than
 * `maxAgeMs` ago. Entries still open in another tab are locked and stay.
 */
export async function removeIncoming(prefix: string | null, maxAgeMs = 0): Promise<void> {
  if (typeof navigator.storage?.getDirectory !== 'function') return;
  try {
    const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(INCOMING_DIR, { create: true });
    const entries = (dir as unknown as { keys(): AsyncIterable<string> }).keys();
    for await (const name of entries) {
      if (prefix && !name.startsWith(prefix)) continue;
      if (!prefix) {
        const file = await (await dir.getFileHandle(name)).getFile();
        if (Date.now() - file.lastModified < maxAgeMs) continue;
      }
      await dir.removeEntry(name).catch(() => {});
    }
  } catch {
    // housekeeping only
  }
}
