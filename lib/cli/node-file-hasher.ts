import { createHash } from 'node:crypto';
import { memoizedHasher, type FileHasher } from '../client/file-hasher';

/** The command-line sender's SHA-256: node:crypto streaming the file from disk (native, many times hash-wasm's speed). */
export function nodeFileHasher(): FileHasher {
  return memoizedHasher(async (file) => {
    const hash = createHash('sha256');
    const reader = file.stream().getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) hash.update(read.value);
    return hash.digest('hex');
  });
}
