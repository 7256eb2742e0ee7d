import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inlineFileHasher, memoizedHasher } from '../../../lib/client/file-hasher';
import { isVaultError } from '../../../lib/protocol/errors';
import { HASH_BLOCK_BYTES, sha256OfBlocks } from '../../../lib/transfer/file-hash';
import { readBlob } from '../../../lib/transfer/file-source';

const sha = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

describe('sha256OfBlocks', () => {
  it('is the SHA-256 of the whole file, for sizes around the block size', async () => {
    for (const size of [0, 1, HASH_BLOCK_BYTES - 1, HASH_BLOCK_BYTES, HASH_BLOCK_BYTES + 1, 2 * HASH_BLOCK_BYTES + 17]) {
      const data = randomBytes(size);
      expect(await sha256OfBlocks(size, readBlob(new Blob([data]))), `${size} bytes`).toBe(sha(data));
    }
  });

  it('reads block by block, one block ahead, never the whole file at once', async () => {
    const data = randomBytes(3 * HASH_BLOCK_BYTES);
    const reads: [number, number][] = [];
    await sha256OfBlocks(data.length, async (start, end) => (reads.push([start, end]), data.subarray(start, end)));
    expect(reads).toEqual([0, 1, 2].map((i) => [i * HASH_BLOCK_BYTES, (i + 1) * HASH_BLOCK_BYTES]));
  });

  it('says the file changed (size_mismatch) when a block comes back short', async () => {
    const error = await sha256OfBlocks(100, async () => new Uint8Array(99)).catch((e: unknown) => e);
    expect(isVaultError(error) && error.code).toBe('size_mismatch');
  });
});

describe('file hashers', () => {
  it('hash each file once, whoever asks and however often', async () => {
    let runs = 0;
    const hasher = memoizedHasher(async (file) => (runs++, String(file.size)));
    const [a, b] = [new Blob(['abc']), new Blob(['de'])];
    expect(await Promise.all([hasher.sha256(a), hasher.sha256(a), hasher.sha256(b)])).toEqual(['3', '3', '2']);
    expect(runs).toBe(2);
    hasher.dispose(); // forgets: the next ask hashes again
    await hasher.sha256(a);
    expect(runs).toBe(3);
  });

  it('the inline hasher gives the file’s SHA-256', async () => {
    const data = randomBytes(1234);
    expect(await inlineFileHasher().sha256(new Blob([data]))).toBe(sha(data));
  });
});
