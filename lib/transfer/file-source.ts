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
}

export function fileSourceFromBlob(file: File, path: string): FileSource {
  return {
    name: file.name,
    path,
    size: file.size,
    type: file.type,
    lastModified: file.lastModified,
    read: async (start, end) => new Uint8Array(await file.slice(start, end).arrayBuffer()),
  };
}
