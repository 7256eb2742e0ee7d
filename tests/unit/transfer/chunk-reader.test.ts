import { describe, expect, it } from 'vitest';
import { isVaultError } from '../../../lib/protocol/errors';
import { ChunkReader } from '../../../lib/transfer/chunk-reader';
import type { FileSource } from '../../../lib/transfer/file-source';

const CHUNK = 100;

/** A file source that records every read it was asked for. */
function source(data: Uint8Array, size = data.length) {
  const reads: [number, number][] = [];
  const file: FileSource = {
    name: 'a.bin', path: 'a.bin', size, type: '', lastModified: 0,
    read: async (start, end) => (reads.push([start, end]), data.slice(start, end)),
    sha256: async () => 'not asked for',
  };
  return { file, reads };
}

const bytes = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 7) & 0xff);

async function readAll(reader: ChunkReader, from = 0): Promise<Uint8Array[]> {
  const chunks: Uint8Array[] = [];
  for (let i = from; i < reader.count; i++) chunks.push((await reader.next()).slice());
  return chunks;
}

describe('ChunkReader', () => {
  it('yields every chunk in order, of chunk size but the last, for any file size', async () => {
    for (const size of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 32 * CHUNK, 32 * CHUNK + 1, 70 * CHUNK + 5]) {
      const data = bytes(size);
      const chunks = await readAll(new ChunkReader(source(data).file, CHUNK));
      expect(chunks.length, `${size} bytes`).toBe(Math.max(1, Math.ceil(size / CHUNK)));
      expect(chunks.slice(0, -1).every((c) => c.length === CHUNK)).toBe(true);
      expect(Buffer.concat(chunks).equals(Buffer.from(data))).toBe(true);
    }
  });

  it('reads the file in blocks of 32 chunks, one block ahead of the chunk asked for', async () => {
    const { file, reads } = source(bytes(70 * CHUNK + 5));
    const reader = new ChunkReader(file, CHUNK);
    expect(reads).toEqual([[0, 3200]]);
    await reader.next();
    expect(reads).toHaveLength(2); // taking block 0 lets block 1 be read
    await readAll(reader, 1);
    expect(reads).toEqual([[0, 3200], [3200, 6400], [6400, 7005]]);
  });

  it('starts at a resumed chunk, reading nothing before it', async () => {
    const data = bytes(20 * CHUNK);
    const { file, reads } = source(data);
    const chunks = await readAll(new ChunkReader(file, CHUNK, 13), 13);
    expect(reads[0]).toEqual([1300, 2000]);
    expect(Buffer.concat(chunks).equals(Buffer.from(data.subarray(1300)))).toBe(true);
  });

  it('says the file changed (size_mismatch) when a block comes back short', async () => {
    const { file } = source(bytes(10 * CHUNK), 12 * CHUNK); // the file shrank after it was picked
    const reader = new ChunkReader(file, CHUNK);
    const error = await readAll(reader).catch((e: unknown) => e);
    expect(isVaultError(error) && error.code).toBe('size_mismatch');
  });
});
