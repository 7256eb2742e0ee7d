import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Large test files live on disk: setInputFiles with a buffer is capped at 50 MB.

export async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'p2pvault-e2e-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** Writes `size` random bytes and returns the file's SHA-256. */
export async function writeRandomFile(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(path, 'w');
  try {
    for (let written = 0; written < size; ) {
      const block = randomBytes(Math.min(16 * 1024 * 1024, size - written));
      hash.update(block);
      await handle.write(block);
      written += block.length;
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

/** A file of `size` bytes that takes no disk space (for transfers refused up front). */
export async function writeSparseFile(path: string, size: number): Promise<void> {
  await writeFile(path, '');
  await truncate(path, size);
}

export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const block of createReadStream(path)) hash.update(block as Buffer);
  return hash.digest('hex');
}

/** `length` bytes of the file at `path` from `start`. */
export async function readSlice(path: string, start: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(length), 0, length, start);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
