import { VaultError } from '../protocol/errors';
import type { Manifest, ManifestFile } from '../protocol/messages';

// Which frame the receiver accepts when, and whether each chunk's size fits the
// manifest: a pure transition function, so every rule is unit-tested without a channel.
// Chunk order within a file is enforced cryptographically by StreamOpener.

export type ReceiverState =
  | { phase: 'awaiting-manifest' }
  | {
      phase: 'receiving';
      manifest: Manifest;
      fileIndex: number;
      bytesInFile: number;
      lastSeen: boolean;
    }
  | { phase: 'verifying'; manifest: Manifest; fileIndex: number }
  | { phase: 'done'; manifest: Manifest };

export type ReceiverEvent =
  | { type: 'manifest'; manifest: Manifest }
  | { type: 'chunk'; fileId: string; last: boolean; size: number }
  | { type: 'file-end'; fileId: string }
  | { type: 'file-verified'; fileId: string };

export const initialReceiverState: ReceiverState = { phase: 'awaiting-manifest' };

export function currentFile(state: ReceiverState): ManifestFile | undefined {
  return state.phase === 'receiving' || state.phase === 'verifying' ? state.manifest.files[state.fileIndex] : undefined;
}

function requireCurrentFile(state: ReceiverState & { manifest: Manifest; fileIndex: number }, fileId: string): ManifestFile {
  const file = state.manifest.files[state.fileIndex]!;
  if (file.fileId === fileId) return file;
  if (state.manifest.files.some((f) => f.fileId === fileId)) {
    throw new VaultError('protocol_violation', 'frame for a file other than the one being received');
  }
  throw new VaultError('unknown_file', 'frame names a file that is not in the manifest');
}

function checkChunkSize(file: ManifestFile, chunkSize: number, bytesInFile: number, size: number, last: boolean): void {
  if (size > chunkSize) throw new VaultError('chunk_size_invalid', `chunk of ${size} bytes exceeds ${chunkSize}`);
  if (!last) {
    if (size !== chunkSize) throw new VaultError('chunk_size_invalid', `inner chunk of ${size} bytes, expected ${chunkSize}`);
    if (bytesInFile + size >= file.size) {
      throw new VaultError('chunk_size_invalid', 'chunk reaches the end of the file but is not flagged last');
    }
    return;
  }
  if (size === 0 && file.size !== 0) throw new VaultError('chunk_size_invalid', 'empty last chunk of a non-empty file');
  if (bytesInFile + size !== file.size) {
    throw new VaultError('size_mismatch', `file would be ${bytesInFile + size} bytes, manifest says ${file.size}`);
  }
}

export function receiverTransition(state: ReceiverState, event: ReceiverEvent): ReceiverState {
  switch (event.type) {
    case 'manifest':
      if (state.phase !== 'awaiting-manifest') throw new VaultError('protocol_violation', 'second manifest');
      return { phase: 'receiving', manifest: event.manifest, fileIndex: 0, bytesInFile: 0, lastSeen: false };

    case 'chunk': {
      if (state.phase !== 'receiving') throw new VaultError('protocol_violation', `chunk while ${state.phase}`);
      const file = requireCurrentFile(state, event.fileId);
      if (state.lastSeen) throw new VaultError('chunk_after_last', 'chunk after the last chunk');
      checkChunkSize(file, state.manifest.chunkSize, state.bytesInFile, event.size, event.last);
      return { ...state, bytesInFile: state.bytesInFile + event.size, lastSeen: event.last };
    }

    case 'file-end': {
      if (state.phase !== 'receiving') throw new VaultError('protocol_violation', `file-end while ${state.phase}`);
      requireCurrentFile(state, event.fileId);
      if (!state.lastSeen) throw new VaultError('missing_last_chunk', 'file ended without its last chunk');
      return { phase: 'verifying', manifest: state.manifest, fileIndex: state.fileIndex };
    }

    case 'file-verified': {
      if (state.phase !== 'verifying') throw new VaultError('protocol_violation', `verified while ${state.phase}`);
      requireCurrentFile(state, event.fileId);
      const fileIndex = state.fileIndex + 1;
      if (fileIndex === state.manifest.files.length) return { phase: 'done', manifest: state.manifest };
      return { phase: 'receiving', manifest: state.manifest, fileIndex, bytesInFile: 0, lastSeen: false };
    }
  }
}
