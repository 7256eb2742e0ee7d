import { DISK_MARGIN_BYTES, type StorageCapabilities } from './choose-storage';

// Where "Download all (.zip)" builds its archive, and what it is called. The zip is
// written as a stream: to a disk-backed file in OPFS when there is room (memory stays
// flat however large it is), otherwise into a Blob, within the in-memory limit.

export type ZipPlan = { kind: 'opfs' } | { kind: 'memory' } | { kind: 'refuse'; message: string };

const mib = (bytes: number) => `${Math.ceil(bytes / (1024 * 1024))} MiB`;

export function chooseZipStorage(zipBytes: number, caps: StorageCapabilities): ZipPlan {
  if (caps.opfs && (caps.freeBytes === null || zipBytes + DISK_MARGIN_BYTES <= caps.freeBytes)) return { kind: 'opfs' };
  if (zipBytes <= caps.memoryLimit) return { kind: 'memory' };
  return {
    kind: 'refuse',
    message: `The zip would be ${mib(zipBytes)} and this browser has no room to build it. Download the files one by one instead.`,
  };
}

/** "photos.zip" when everything sits in one shared folder, else "files.zip". */
export function zipName(paths: readonly string[]): string {
  const tops = new Set(paths.map((p) => (p.includes('/') ? p.slice(0, p.indexOf('/')) : null)));
  const [top] = tops;
  return tops.size === 1 && top ? `${top}.zip` : 'files.zip';
}
