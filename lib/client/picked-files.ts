import type { SelectedFile } from '../transfer/selection';

// Turns what the browser hands over — a drop, a file input, a folder input — into
// files with relative paths. Folders keep their own name as the first segment
// ("photos/2024/a.jpg"), as the folder input's webkitRelativePath does.

/** Files from an <input type=file>; a folder input gives each file's path inside it. */
export function filesFromInput(list: FileList | null): SelectedFile[] {
  return [...(list ?? [])].map((file) => ({ path: file.webkitRelativePath || file.name, file }));
}

const fileOf = (entry: FileSystemFileEntry) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));

/** readEntries returns a folder in batches (about 100 in Chromium) until an empty one. */
async function childrenOf(folder: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = folder.createReader();
  const children: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) return children;
    children.push(...batch);
  }
}

async function walk(entry: FileSystemEntry, prefix: string, out: SelectedFile[]): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    out.push({ path, file: await fileOf(entry as FileSystemFileEntry) });
  } else if (entry.isDirectory) {
    for (const child of await childrenOf(entry as FileSystemDirectoryEntry)) await walk(child, path, out);
  }
}

/**
 * Files and folders dropped on the page. Entries must be taken from the items while
 * the drop event runs; they stay readable afterwards.
 */
export async function filesFromDrop(data: DataTransfer): Promise<SelectedFile[]> {
  const entries = [...data.items]
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry?.() ?? null);
  if (entries.some((entry) => entry === null)) return filesFromInput(data.files);
  const out: SelectedFile[] = [];
  for (const entry of entries) await walk(entry!, '', out);
  return out;
}
