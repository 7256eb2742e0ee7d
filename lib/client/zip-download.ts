import { downloadZip, predictLength } from 'client-zip';
import { incomingDirectory } from '../storage/opfs-sink';
import type { ZipPlan } from '../storage/zip-plan';

// Packs verified files into one zip with client-zip (stored, not compressed; Zip64
// when it needs to be). The archive is produced as a stream and, on disk, piped into
// an OPFS file, so neither the files nor the zip are ever held in memory whole.

export interface ZipEntry {
  /** Validated relative path (protocol §4): the entry's name inside the zip. */
  path: string;
  file: Blob;
  lastModified: number;
}

const inputs = (entries: readonly ZipEntry[]) =>
  entries.map(({ path, file, lastModified }) => ({ name: path, input: file, size: file.size, lastModified: new Date(lastModified) }));

/** Exact size of the zip these entries make. */
export function zipLength(entries: readonly ZipEntry[]): number {
  return Number(predictLength(entries.map(({ path, file }) => ({ name: path, size: file.size }))));
}

/** Builds the zip where `plan` says; `entryName` is its file in OPFS (removed with the transfer's). */
export async function buildZip(entries: readonly ZipEntry[], plan: Exclude<ZipPlan, { kind: 'refuse' }>, entryName: string): Promise<Blob> {
  const response = downloadZip(inputs(entries), { buffersAreUTF8: true });
  if (plan.kind === 'memory') return response.blob();
  const dir = await incomingDirectory();
  const handle = await dir.getFileHandle(entryName, { create: true });
  const writable = await handle.createWritable();
  try {
    await response.body!.pipeTo(writable);
  } catch (error) {
    await dir.removeEntry(entryName).catch(() => {});
    throw error;
  }
  return handle.getFile();
}
