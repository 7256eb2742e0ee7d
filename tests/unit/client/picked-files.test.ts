import { describe, expect, it } from 'vitest';
import { filesFromDrop, filesFromInput } from '../../../lib/client/picked-files';

// Fakes of the browser's FileSystemEntry API, enough to walk a dropped folder.

type Tree = { [name: string]: Tree | number };

function fileEntry(name: string, size: number) {
  return { name, isFile: true, isDirectory: false, file: (ok: (f: File) => void) => ok(new File([new Uint8Array(size)], name)) };
}

/** A folder whose reader hands out its children two at a time, like Chromium's batches. */
function folderEntry(name: string, tree: Tree): unknown {
  const children = Object.entries(tree).map(([child, value]) => (typeof value === 'number' ? fileEntry(child, value) : folderEntry(child, value)));
  return {
    name,
    isFile: false,
    isDirectory: true,
    createReader: () => {
      let at = 0;
      return { readEntries: (ok: (batch: unknown[]) => void) => ok(children.slice(at, (at += 2))) };
    },
  };
}

const drop = (entries: unknown[]) =>
  ({ items: entries.map((entry) => ({ kind: 'file', webkitGetAsEntry: () => entry })), files: [] }) as unknown as DataTransfer;

describe('files from a drop', () => {
  it('walks dropped folders to the bottom, keeping each file’s path', async () => {
    const photos = folderEntry('photos', { 'a.jpg': 1, '2024': { 'b.jpg': 2, 'c.jpg': 3, deeper: { 'd.jpg': 4 } }, 'e.jpg': 5, empty: {} });
    const picked = await filesFromDrop(drop([fileEntry('top.txt', 7), photos]));
    expect(picked.map((p) => [p.path, p.file.size])).toEqual([
      ['top.txt', 7],
      // (an integer-like key such as '2024' comes first in a JS object)
      ['photos/2024/b.jpg', 2],
      ['photos/2024/c.jpg', 3],
      ['photos/2024/deeper/d.jpg', 4],
      ['photos/a.jpg', 1],
      ['photos/e.jpg', 5],
    ]);
  });

  it('falls back to the plain file list when entries are unavailable', async () => {
    const file = new File(['x'], 'plain.txt');
    const data = { items: [{ kind: 'file', webkitGetAsEntry: () => null }], files: [file] } as unknown as DataTransfer;
    expect((await filesFromDrop(data)).map((p) => p.path)).toEqual(['plain.txt']);
  });
});

describe('files from an input', () => {
  it('uses the folder-relative path when the browser gives one, else the name', () => {
    const inFolder = Object.assign(new File(['1'], 'c.bin'), { webkitRelativePath: 'docs/c.bin' });
    const loose = new File(['2'], 'a.bin');
    const list = [inFolder, loose] as unknown as FileList;
    expect(filesFromInput(list).map((p) => p.path)).toEqual(['docs/c.bin', 'a.bin']);
    expect(filesFromInput(null)).toEqual([]);
  });
});
