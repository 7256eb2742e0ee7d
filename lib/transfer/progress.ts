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
