import { USER_MESSAGES } from '../protocol/errors';

// Where a transfer's files will be written, decided from the manifest before any
// chunk is accepted. Disk (OPFS) is automatic; a save picker needs the person's click;
// memory is the last resort and has a stated limit.

export interface StorageCapabilities {
  /** Origin-private file system with sync access handles in workers. */
  opfs: boolean;
  /** window.showSaveFilePicker (Chromium). */
  picker: boolean;
  /** quota − usage from navigator.storage.estimate(), or null when unknown. */
  freeBytes: number | null;
  memoryLimit: number;
}

export type StoragePlan =
  | { kind: 'opfs' }
  | { kind: 'picker' }
  | { kind: 'memory' }
  | { kind: 'refuse'; code: 'insufficient_space' | 'too_large_for_memory'; message: string };

/** Head-room left on disk besides the files themselves (browsers evict near the quota). */
export const DISK_MARGIN_BYTES = 64 * 1024 * 1024;

function formatMiB(bytes: number): string {
  return `${Math.ceil(bytes / (1024 * 1024))} MiB`;
}

export function chooseStorage(fileSizes: number[], caps: StorageCapabilities): StoragePlan {
  const total = fileSizes.reduce((sum, size) => sum + size, 0);
  const fitsOnDisk = caps.freeBytes === null || total + DISK_MARGIN_BYTES <= caps.freeBytes;
  if (caps.opfs && fitsOnDisk) return { kind: 'opfs' };
  if (caps.picker && fileSizes.length === 1) return { kind: 'picker' };
  if (caps.opfs) {
    return {
      kind: 'refuse',
      code: 'insufficient_space',
      message: `${USER_MESSAGES.insufficient_space} It needs ${formatMiB(total)}; this browser can store ${formatMiB(Math.max(0, (caps.freeBytes ?? 0) - DISK_MARGIN_BYTES))}.`,
    };
  }
  if (total <= caps.memoryLimit) return { kind: 'memory' };
  return {
    kind: 'refuse',
    code: 'too_large_for_memory',
    message: `${USER_MESSAGES.too_large_for_memory} This browser can only keep files in memory, up to ${formatMiB(caps.memoryLimit)} in all; this transfer is ${formatMiB(total)}.`,
  };
}
