// A snapshot of how far a transfer is, shared by both sides' UIs.
export interface TransferProgress {
  bytesDone: number;
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
}

export function emptyProgress(bytesTotal = 0, filesTotal = 0): TransferProgress {
  return { bytesDone: 0, bytesTotal, filesDone: 0, filesTotal };
}

export type FileProgressState = 'waiting' | 'receiving' | 'verified';

export interface FileProgress {
  bytesDone: number;
  bytesTotal: number;
  state: FileProgressState;
}

/**
 * Each file's share of a transfer's progress. Files travel one after another in
 * manifest order and a file is verified before the next starts, so the total bytes
 * and the count of verified files say exactly where every file stands.
 */
export function fileProgress(sizes: readonly number[], progress: TransferProgress): FileProgress[] {
  let before = 0;
  return sizes.map((size, index) => {
    const start = before;
    before += size;
    if (index < progress.filesDone) return { bytesDone: size, bytesTotal: size, state: 'verified' };
    const bytesDone = Math.min(size, Math.max(0, progress.bytesDone - start));
    return { bytesDone, bytesTotal: size, state: index === progress.filesDone ? 'receiving' : 'waiting' };
  });
}
