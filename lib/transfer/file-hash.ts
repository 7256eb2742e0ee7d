import { createIncrementalSha256 } from '../crypto/hash';
import { readBlob, readExact, type ReadRange } from './file-source';

/** Bytes per read while hashing a whole file: few round trips to the file, bounded memory. */
export const HASH_BLOCK_BYTES = 8 * 1024 * 1024;

/**
 * SHA-256 (hex) of a file of `size` bytes, read block by block with the next block read
 * while one is hashed. A block shorter than promised means the file changed.
 */
export async function sha256OfBlocks(size: number, read: ReadRange): Promise<string> {
  const hash = await createIncrementalSha256();
  const readBlock = (start: number) => {
    const block = readExact(read, start, Math.min(size, start + HASH_BLOCK_BYTES), 'the file changed while it was read');
    block.catch(() => {}); // awaited in order below
    return block;
  };
  let next = size > 0 ? readBlock(0) : null;
  for (let start = 0; start < size; start += HASH_BLOCK_BYTES) {
    const block = await next!;
    next = start + HASH_BLOCK_BYTES < size ? readBlock(start + HASH_BLOCK_BYTES) : null;
    hash.update(block);
  }
  return hash.digestHex();
}

/** SHA-256 (hex) of a whole Blob or File. */
export const sha256OfBlob = (blob: Blob): Promise<string> => sha256OfBlocks(blob.size, readBlob(blob));
