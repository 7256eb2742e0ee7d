import { CHUNK_FRAME_OVERHEAD } from '../protocol/frames';
import { MAX_CHUNK_SIZE, MIN_CHUNK_SIZE } from '../protocol/messages';

// How a file is cut into chunks. Every chunk but the last is exactly chunkSize bytes;
// an empty file is one empty last chunk, so every file has a last chunk to verify.

/** Target SCTP message size: 256 KiB messages were fastest in testing.md's measurements. */
export const TARGET_MESSAGE_SIZE = 256 * 1024;

/** Largest plaintext chunk whose frame fits the channel's negotiated maxMessageSize. */
export function chunkSizeFor(maxMessageSize: number): number {
  const limit = Number.isFinite(maxMessageSize) && maxMessageSize > 0 ? maxMessageSize : TARGET_MESSAGE_SIZE;
  const size = Math.min(limit, TARGET_MESSAGE_SIZE) - CHUNK_FRAME_OVERHEAD;
  return Math.max(MIN_CHUNK_SIZE, Math.min(MAX_CHUNK_SIZE, size));
}

export function chunkCount(fileSize: number, chunkSize: number): number {
  return Math.max(1, Math.ceil(fileSize / chunkSize));
}

/** Byte range [start, end) of chunk `index`. */
export function chunkRange(fileSize: number, chunkSize: number, index: number): { start: number; end: number } {
  const start = index * chunkSize;
  return { start, end: Math.min(fileSize, start + chunkSize) };
}
