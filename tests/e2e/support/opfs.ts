import type { Page } from '@playwright/test';

// Looks into a page's origin-private file system from outside the app, to see where
// received bytes really went rather than where the page says they went.

const INCOMING_DIR = 'p2pvault-incoming';

export interface OpfsEntry {
  name: string;
  /** bytes on disk, or null while the receive worker holds the file open for writing */
  size: number | null;
}

/** The files in the folder the receiver writes incoming transfers to. */
export function incomingFiles(page: Page): Promise<OpfsEntry[]> {
  return page.evaluate(async (dirName) => {
    const root = await navigator.storage.getDirectory();
    const dir = await root.getDirectoryHandle(dirName).catch(() => null);
    if (!dir) return [];
    const entries: OpfsEntry[] = [];
    for await (const [name, handle] of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) {
      if (handle.kind !== 'file') continue;
      const size = await (handle as FileSystemFileHandle).getFile().then((file) => file.size, () => null);
      entries.push({ name, size });
    }
    return entries;
  }, INCOMING_DIR);
}

/** Bytes `start`…`end` of one incoming file, read from OPFS. */
export async function incomingSlice(page: Page, name: string, start: number, end: number): Promise<Buffer> {
  const hex = await page.evaluate(
    async ({ dirName, name, start, end }) => {
      const dir = await (await navigator.storage.getDirectory()).getDirectoryHandle(dirName);
      const file = await (await dir.getFileHandle(name)).getFile();
      const bytes = new Uint8Array(await file.slice(start, end).arrayBuffer());
      return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    },
    { dirName: INCOMING_DIR, name, start, end },
  );
  return Buffer.from(hex, 'hex');
}
